/*
 * attendance-bridge: what every edit dialog of the package shares (served by Node-RED from resources/,
 * loaded by each node's .html before its definition): the field validators, the TLS row, the
 * Test-connection button and the few styles they use. Loaded once per node set, so it defines itself once.
 */
(function () {
    'use strict';
    if (window.AttendanceBridgeEditor) return;

    var STYLE =
        '.ab-test-result { margin-left: 8px; }' +
        '.ab-test-ok { color: var(--red-ui-text-color-success, #3a3); }' +
        '.ab-test-fail, .ab-insecure { color: var(--red-ui-text-color-error, #c00); }';
    $('<style id="attendance-bridge-editor-style">').text(STYLE).appendTo('head');

    var DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
    var INTEGER = /^[+-]?\d+$/;

    /**
     * A validator for a number field: plain decimal notation (an integer when `integer`), at least `min`
     * and, when `max` is given, at most `max`. Invalid values get Node-RED's own "Invalid number" text
     * with the range.
     */
    function number(min, max, integer) {
        var hasMax = typeof max === 'number';
        var range = hasMax ? min + '–' + max : '≥ ' + min;
        return function (v, opt) {
            var s = v === undefined || v === null ? '' : String(v).trim();
            var n = Number(s);
            if ((integer ? INTEGER : DECIMAL).test(s) && n >= min && (!hasMax || n <= max)) return true;
            return opt ? RED._('validator.errors.invalid-num') + ' (' + range + ')' : false;
        };
    }

    /**
     * A validator for a base URL: an absolute http:// or https:// URL, the same rule the runtime applies.
     * Invalid values get the config node's own `<type>.errors.badUrl` text.
     */
    function url() {
        return function (v, opt) {
            var ok = false;
            try {
                var parsed = new URL(String(v === undefined || v === null ? '' : v).trim());
                ok = parsed.protocol === 'http:' || parsed.protocol === 'https:';
            } catch (e) {
                ok = false;
            }
            if (ok) return true;
            if (!opt) return false;
            return this && typeof this._ === 'function' ? this._(this.type + '.errors.badUrl', { reason: 'http(s)://…' }) : 'http(s)://…';
        };
    }

    /**
     * The TLS row: the "verify the server certificate" checkbox is the stored rejectUnauthorized
     * (true by default); unticking it shows the dialog's insecure warning.
     */
    function tlsRow(node, warning) {
        var $verify = $('#node-config-input-rejectUnauthorized');
        // A flow written by hand may hold the string 'false', which Node-RED alone would show ticked.
        $verify.prop('checked', !(node.rejectUnauthorized === false || node.rejectUnauthorized === 'false'));
        var sync = function () {
            $(warning).toggle(!$verify.is(':checked'));
        };
        $verify.on('change', sync);
        sync();
    }

    function collect(prefix, fields) {
        var values = {};
        fields.forEach(function (name) {
            var $el = $('#' + prefix + name);
            if ($el.length === 0) return;
            values[name] = $el.is(':checkbox') ? $el.is(':checked') : $el.val();
        });
        return values;
    }

    /**
     * Wires a "Test connection" button: posts the dialog's current values (and credentials; an unchanged
     * password is sent as the editor's placeholder and resolved on the server) to the node's admin route.
     */
    function wireTestButton(options) {
        var $button = $(options.button);
        var $result = $(options.result);
        $button.on('click', function (event) {
            event.preventDefault();
            var body = collect('node-config-input-', options.fields);
            body.id = options.node.id;
            body.credentials = collect('node-config-input-', options.credentials);
            $result.removeClass('ab-test-ok ab-test-fail').text(options.busyText || '…');
            $button.prop('disabled', true);
            $.ajax({
                url: 'attendance-bridge/' + options.type + '/test',
                type: 'POST',
                contentType: 'application/json',
                data: JSON.stringify(body),
                timeout: 60000
            }).done(function (res) {
                $result.addClass(res && res.ok ? 'ab-test-ok' : 'ab-test-fail').text((res && res.message) || '?');
            }).fail(function (xhr) {
                $result.addClass('ab-test-fail').text('HTTP ' + xhr.status + ' ' + (xhr.statusText || ''));
            }).always(function () {
                $button.prop('disabled', false);
            });
        });
    }

    window.AttendanceBridgeEditor = { number: number, url: url, tlsRow: tlsRow, wireTestButton: wireTestButton };
})();
