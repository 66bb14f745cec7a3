/* attendance-bridge: editor helpers shared by the config nodes' edit dialogs (served by Node-RED from resources/). */
(function () {
    'use strict';
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
    window.AttendanceBridgeEditor = { wireTestButton: wireTestButton };
})();
