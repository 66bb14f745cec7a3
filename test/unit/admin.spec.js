'use strict';
// lib/admin: the editor's Test-connection endpoints and the credentials they use.
const should = require('should');
const sinon = require('sinon');
const { resolveCredentials, registerTestEndpoint, PASSWORD_PLACEHOLDER } = require('../../dist/lib/admin');

function fakeRED(deployed = {}) {
    const routes = {};
    return {
        routes,
        nodes: { getCredentials: sinon.spy((id) => deployed[id]) },
        auth: { needsPermission: sinon.spy((perm) => Object.assign((req, res, next) => next(), { perm })) },
        httpAdmin: {
            post: sinon.spy((route, guard, handler) => {
                routes[route] = { guard, handler };
            }),
        },
    };
}

/** Calls a registered route's handler and resolves with what it sent through res.json. */
function call(route, body) {
    return new Promise((resolve) => route.handler({ body }, { json: resolve }));
}

describe('lib/admin', function () {
    describe('resolveCredentials', function () {
        it('the placeholder the editor sends for an unchanged password is replaced by the deployed value', function () {
            const RED = fakeRED({ n1: { username: 'old-user', password: 'deployed-secret' } });
            const creds = resolveCredentials(RED, 'n1', { username: 'new-user', password: PASSWORD_PLACEHOLDER }, ['username', 'password']);
            creds.should.eql({ username: 'new-user', password: 'deployed-secret' });
            PASSWORD_PLACEHOLDER.should.equal('__PWRD__');
        });

        it('a value typed in the dialog wins over the deployed one; an empty one falls back to it', function () {
            const RED = fakeRED({ n1: { apiKey: 'deployed-key', appSecret: 'deployed-secret' } });
            resolveCredentials(RED, 'n1', { apiKey: 'typed-key', appSecret: '' }, ['apiKey', 'appSecret']).should.eql({ apiKey: 'typed-key', appSecret: 'deployed-secret' });
        });

        it('a node not deployed yet (no id, unknown id) gives empty strings for what was not typed, and never reads credentials without an id', function () {
            const RED = fakeRED({});
            resolveCredentials(RED, '', { password: PASSWORD_PLACEHOLDER }, ['username', 'password']).should.eql({ username: '', password: '' });
            resolveCredentials(RED, undefined, 'not an object', ['apiKey']).should.eql({ apiKey: '' });
            RED.nodes.getCredentials.called.should.be.false();
            resolveCredentials(RED, 'unknown', { apiKey: PASSWORD_PLACEHOLDER }, ['apiKey']).should.eql({ apiKey: '' });
            RED.nodes.getCredentials.calledOnceWith('unknown').should.be.true();
        });

        it('ignores values that are not strings and names not asked for', function () {
            const RED = fakeRED({ n1: { appKey: 'k', extra: 'x' } });
            resolveCredentials(RED, 'n1', { appKey: 42, other: 'y' }, ['appKey']).should.eql({ appKey: 'k' });
        });
    });

    describe('registerTestEndpoint', function () {
        it('registers POST /attendance-bridge/<type>/test behind the <type>.write permission and answers the test result', async function () {
            const RED = fakeRED();
            const test = sinon.spy(async (body) => ({ ok: true, message: `reached ${body.baseUrl}` }));
            registerTestEndpoint(RED, 'humand-server', test);
            const route = RED.routes['/attendance-bridge/humand-server/test'];
            should.exist(route);
            route.guard.perm.should.equal('humand-server.write');
            (await call(route, { baseUrl: 'https://h.example' })).should.eql({ ok: true, message: 'reached https://h.example' });
            test.firstCall.args[0].should.eql({ baseUrl: 'https://h.example' });
        });

        it('a body that is not an object reaches the test as {}; a failing test answers ok:false with its message', async function () {
            const RED = fakeRED();
            const seen = [];
            registerTestEndpoint(RED, 'artemis-server', async (body) => {
                seen.push(body);
                throw new Error('boom: unreachable');
            });
            const route = RED.routes['/attendance-bridge/artemis-server/test'];
            (await call(route, 'junk')).should.eql({ ok: false, message: 'boom: unreachable' });
            seen.should.eql([{}]);
        });
    });
});
