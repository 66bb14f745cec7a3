// Functions that run INSIDE the editor page (passed to page.evaluate / waitForFunction): they must be
// self-contained (no closures over Node variables).
'use strict';

/** Every type registered, and every non-config type in the palette. */
function editorReady(arg) {
    if (!window.RED || !RED.nodes || !RED.nodes.getType || !window.$) return false;
    if (!arg.types.every((t) => RED.nodes.getType(t))) return false;
    if (!arg.palette.every((t) => $('.red-ui-palette-node[data-palette-type="' + t + '"]').length > 0)) return false;
    return $('#red-ui-workspace-chart svg').length > 0;
}

/** Where the palette shows a type: category container, icon URL, label. */
function paletteEntry(type) {
    var def = RED.nodes.getType(type);
    var $n = $('.red-ui-palette-node[data-palette-type="' + type + '"]');
    return {
        category: def && def.category,
        color: def && def.color,
        icon: def && def.icon,
        found: $n.length,
        container: $n.closest('.red-ui-palette-category').attr('id') || null,
        iconUrl: (($n.find('.red-ui-palette-icon').css('background-image') || '').match(/url\("?([^")]+)"?\)/) || [])[1] || null,
        label: $n.find('.red-ui-palette-label').text(),
    };
}

/** Opens the edit dialog the way a user would after dropping the node (non-config) or adding a config node. */
function openEditor(arg) {
    var def = RED.nodes.getType(arg.type);
    if (def.category === 'config') {
        RED.editor.editConfig('', arg.type, '_ADD_');
        return { config: true, prefix: 'node-config-input' };
    }
    var made = RED.view.createNode(arg.type, 200 + arg.index * 30, 100 + arg.index * 80);
    var nn = RED.nodes.add(made.node);
    RED.history.push(made.historyEvent);
    RED.view.redraw(true);
    RED.editor.edit(nn);
    return { config: false, prefix: 'node-input', id: nn.id };
}

function dialogOpen(arg) {
    var ok = arg.config ? '#node-config-dialog-ok' : '#node-dialog-ok';
    var form = arg.config ? '#node-config-dialog-edit-form' : '#dialog-form';
    return $(ok).is(':visible') && $(form).find('[id^="' + arg.prefix + '-"]').length > 0 && $(form).find('[data-i18n]').length > 0;
}

/**
 * The dialog's fields against the definition (every default but `version`): which have no form element, which show a value
 * other than their default, which are marked invalid at their defaults; the data-i18n labels shown.
 */
function inspectDialog(arg) {
    var def = RED.nodes.getType(arg.type);
    var out = { missing: [], wrongDefault: [], invalidAtDefault: [], fields: [], labels: [] };
    var all = Object.assign({}, def.defaults || {});
    Object.keys(def.credentials || {}).forEach(function (k) { all[k] = Object.assign({ credential: true }, def.credentials[k]); });
    Object.keys(all).forEach(function (key) {
        if (key === 'version') return; // the flow format version: stored, never shown
        var d = all[key];
        var $el = $('#' + arg.prefix + '-' + key);
        if ($el.length === 0) {
            if ($('#' + arg.prefix + '-' + key + '-container').length > 0) return; // editableList
            out.missing.push(key);
            return;
        }
        var el = $el[0];
        var kind = el.tagName === 'SELECT' ? 'select' : el.type === 'checkbox' ? 'checkbox' : el.tagName === 'INPUT' && /^(text|number|password|)$/.test(el.type) ? 'text' : el.tagName.toLowerCase();
        out.fields.push({ key: key, kind: kind, required: !!d.required, validate: typeof d.validate === 'function', configRef: !!d.type, credential: !!d.credential, visible: $el.is(':visible') });
        if (!d.credential && !d.type && d.value !== undefined && !Array.isArray(d.value) && typeof d.value !== 'object') {
            var shown = kind === 'checkbox' ? $el.prop('checked') : $el.val();
            var same = kind === 'checkbox' ? Boolean(shown) === Boolean(d.value) : String(shown) === String(d.value);
            if (!same) out.wrongDefault.push({ key: key, default: d.value, shown: shown });
        }
        if ($el.hasClass('input-error') && !(d.required && (d.value === '' || d.value === undefined)) && !d.type) out.invalidAtDefault.push(key);
    });
    var form = arg.config ? '#node-config-dialog-edit-form' : '#dialog-form';
    $(form).find('[data-i18n]').each(function () {
        var spec = $(this).attr('data-i18n');
        spec.split(';').forEach(function (part) {
            var m = /^(\[([^\]]+)\])?(.+)$/.exec(part.trim());
            if (!m) return;
            var attr = m[2] || 'text';
            var shown = attr === 'text' || attr === 'html' ? $(this).text() : $(this).attr(attr);
            out.labels.push({ key: m[3].replace(/^[^:]*:/, ''), attr: attr, shown: shown });
        }, this);
    });
    return out;
}

/** Sets a field to a value and reports whether Node-RED marks it invalid. */
function tryValue(arg) {
    var $el = $('#' + arg.prefix + '-' + arg.key);
    $el.val(arg.value).trigger('change').trigger('keyup');
    return $el.hasClass('input-error');
}

/**
 * For each field, the first of `values` that Node-RED marks invalid (undefined when none does); every
 * field is put back to its default afterwards.
 */
function probeFields(arg) {
    var def = RED.nodes.getType(arg.type);
    var hits = {};
    arg.keys.forEach(function (key) {
        var $el = $('#' + arg.prefix + '-' + key);
        for (var i = 0; i < arg.values.length; i++) {
            $el.val(arg.values[i]).trigger('change').trigger('keyup');
            if ($el.hasClass('input-error')) {
                hits[key] = arg.values[i];
                break;
            }
        }
        $el.val(def.defaults[key] ? def.defaults[key].value : '').trigger('change').trigger('keyup');
    });
    return hits;
}

function clickDone(arg) {
    $(arg.config ? '#node-config-dialog-ok' : '#node-dialog-ok').trigger('click');
}
function clickCancel(arg) {
    $(arg.config ? '#node-config-dialog-cancel' : '#node-dialog-cancel').trigger('click');
}

/** After Done: the node's validity as Node-RED computed it (config: the newest node of the type). */
function nodeValidity(arg) {
    var node = null;
    if (arg.id) node = RED.nodes.node(arg.id);
    else RED.nodes.eachConfig(function (n) { if (n.type === arg.type && !arg.before.includes(n.id)) node = n; });
    if (!node) return { found: false };
    return { found: true, id: node.id, valid: node.valid, validationErrors: node.validationErrors || null };
}

function configIds(type) {
    var ids = [];
    RED.nodes.eachConfig(function (n) { if (n.type === type) ids.push(n.id); });
    return ids;
}

function trayCount() {
    return $('.red-ui-tray').length;
}

module.exports = { editorReady, paletteEntry, openEditor, dialogOpen, inspectDialog, tryValue, clickDone, clickCancel, nodeValidity, configIds, trayCount, probeFields };
