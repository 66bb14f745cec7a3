// Finds RED.nodes.registerType('<type>', { ... }) in a node's .html the way the Node-RED flow library
// scorecard does: in a <script type="text/javascript"> block, with a literal type and an inline object
// literal. Uses acorn (present through node-red's dependencies) and falls back to a brace-matching
// scanner when acorn cannot be loaded.
'use strict';

/** The inline <script type="text/javascript"> blocks (no src) of an .html file, with their offsets. */
function javascriptBlocks(html) {
    const out = [];
    const re = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
    let m;
    while ((m = re.exec(html))) {
        const attrs = m[1];
        const type = (/\btype\s*=\s*["']([^"']+)["']/i.exec(attrs) || [])[1];
        if (type !== 'text/javascript') continue;
        if (/\bsrc\s*=/.test(attrs)) continue;
        out.push({ code: m[2], offset: m.index + m[0].indexOf('>') + 1 });
    }
    return out;
}

function literalValue(node) {
    if (!node) return { literal: false };
    if (node.type === 'Literal') return { literal: true, value: node.value };
    if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') {
        return { literal: true, value: -node.argument.value };
    }
    if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return { literal: true, value: node.quasis[0].value.cooked };
    return { literal: false, kind: node.type };
}

function isRegisterType(callee) {
    // RED.nodes.registerType
    return (
        callee &&
        callee.type === 'MemberExpression' &&
        !callee.computed &&
        callee.property.name === 'registerType' &&
        callee.object.type === 'MemberExpression' &&
        !callee.object.computed &&
        callee.object.property.name === 'nodes' &&
        callee.object.object.type === 'Identifier' &&
        callee.object.object.name === 'RED'
    );
}

function withAcorn(acorn, walk, code) {
    const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
    const found = [];
    walk.simple(ast, {
        CallExpression(node) {
            if (!isRegisterType(node.callee)) return;
            const [typeArg, defArg] = node.arguments;
            const type = literalValue(typeArg);
            const entry = { typeLiteral: type.literal && typeof type.value === 'string', type: type.value, objectLiteral: !!defArg && defArg.type === 'ObjectExpression', props: {} };
            if (entry.objectLiteral) {
                for (const p of defArg.properties) {
                    if (p.type !== 'Property' || p.computed) continue;
                    const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
                    if (p.value.type === 'ObjectExpression') {
                        entry.props[key] = { literal: false, kind: 'ObjectExpression', keys: p.value.properties.filter((q) => q.type === 'Property').map((q) => (q.key.type === 'Identifier' ? q.key.name : q.key.value)) };
                    } else entry.props[key] = literalValue(p.value);
                }
            }
            found.push(entry);
        },
    });
    return found;
}

/** Fallback: scans for registerType( 'x', { ... } ) and reads the top-level properties of the object. */
function withScanner(code) {
    const found = [];
    const re = /RED\s*\.\s*nodes\s*\.\s*registerType\s*\(\s*/g;
    let m;
    while ((m = re.exec(code))) {
        let i = re.lastIndex;
        const q = code[i];
        const entry = { typeLiteral: false, type: undefined, objectLiteral: false, props: {} };
        if (q === "'" || q === '"') {
            const end = code.indexOf(q, i + 1);
            entry.type = code.slice(i + 1, end);
            entry.typeLiteral = /^[^'"\\]+$/.test(entry.type);
            i = end + 1;
        }
        const rest = /^\s*,\s*/.exec(code.slice(i));
        if (rest) i += rest[0].length;
        if (code[i] === '{') {
            // Brace-match, skipping strings, comments and regex literals well enough for editor code.
            let depth = 0;
            let j = i;
            let start = i + 1;
            const top = [];
            for (; j < code.length; j++) {
                const c = code[j];
                if (c === "'" || c === '"' || c === '`') {
                    const close = c;
                    for (j++; j < code.length && code[j] !== close; j++) if (code[j] === '\\') j++;
                } else if (c === '/' && code[j + 1] === '/') j = code.indexOf('\n', j);
                else if (c === '/' && code[j + 1] === '*') j = code.indexOf('*/', j) + 1;
                else if (c === '{' || c === '[' || c === '(') depth++;
                else if (c === '}' || c === ']' || c === ')') {
                    depth--;
                    if (depth === 0) {
                        top.push(code.slice(start, j));
                        break;
                    }
                } else if (c === ',' && depth === 1) {
                    top.push(code.slice(start, j));
                    start = j + 1;
                }
            }
            entry.objectLiteral = true;
            for (const part of top) {
                const pm = /^\s*['"]?([A-Za-z_$][\w$]*)['"]?\s*:\s*([\s\S]*?)\s*$/.exec(part);
                if (!pm) continue;
                const v = pm[2];
                let lit;
                if (/^'[^'\\]*'$|^"[^"\\]*"$/.test(v)) lit = { literal: true, value: v.slice(1, -1) };
                else if (/^-?\d+(\.\d+)?$/.test(v)) lit = { literal: true, value: Number(v) };
                else if (/^(true|false)$/.test(v)) lit = { literal: true, value: v === 'true' };
                else if (/^\{/.test(v)) lit = { literal: false, kind: 'ObjectExpression', keys: [] };
                else lit = { literal: false, kind: 'expression' };
                entry.props[pm[1]] = lit;
            }
        }
        found.push(entry);
    }
    return found;
}

/** All registerType calls in the .html's inline text/javascript blocks, and which parser was used. */
function findRegisterTypes(html) {
    let acorn;
    let walk;
    try {
        acorn = require('acorn');
        walk = require('acorn-walk');
    } catch (e) {
        acorn = undefined;
    }
    const calls = [];
    const errors = [];
    for (const block of javascriptBlocks(html)) {
        try {
            calls.push(...(acorn ? withAcorn(acorn, walk, block.code) : withScanner(block.code)));
        } catch (err) {
            errors.push(`${err.message} (script at offset ${block.offset})`);
        }
    }
    return { calls, errors, parser: acorn ? 'acorn' : 'scanner', blocks: javascriptBlocks(html).length };
}

module.exports = { findRegisterTypes, javascriptBlocks, withScanner };
