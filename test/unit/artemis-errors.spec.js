'use strict';
const should = require('should');
const { redactArtemisMessage, apiError, describeCode } = require('../../dist/lib/artemis/errors');

describe('artemis error codes and redaction', function () {
    const sts = 'POST\n*/*\napplication/json\nx-ca-key:29666671\nx-ca-nonce:abc\nx-ca-timestamp:1\n/artemis/api/acs/v1/door/events';

    it('describes the documented codes, case-insensitively', function () {
        describeCode('0x02401003').should.match(/signature/);
        describeCode('0x0240100B').should.match(/quota/);
        describeCode('0x02401010').should.match(/userId/);
        describeCode('0x02401642').should.match(/AppKey/);
        should(describeCode('0xdeadbeef')).be.undefined();
    });

    it('uses HCP\'s error table: 0x02401007 is no permission, 0x00072004 reduce the page size, generic codes (issue 13, case 17)', function () {
        const { THROTTLE_CODES, TOO_LONG_CODE } = require('../../dist/lib/artemis/errors');
        describeCode('0x02401007').should.match(/no permission/).and.not.match(/expired|token/i);
        describeCode('0x00072004').should.match(/page size/);
        describeCode('0x02401009').should.match(/limit/);
        describeCode('0x00052101').should.match(/peak|retry/);
        describeCode('2').should.match(/parameter/);
        describeCode('6').should.match(/busy/);
        describeCode('17').should.match(/permission/);
        describeCode('128').should.match(/does not exist/);
        describeCode('130').should.match(/permission/);
        for (const c of ['0x02401009', '0x00052101', '0x0240100b', '6']) THROTTLE_CODES.has(c).should.be.true(c);
        THROTTLE_CODES.has('0x02401007').should.be.false();
        TOO_LONG_CODE.should.equal('0x00072004');
    });

    it('knows no code named like an object key: constructor, __proto__, toString (issue 13, case 4)', function () {
        for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
            should(describeCode(code)).be.undefined();
            const err = apiError(code, 'server text', {});
            err.message.should.equal(`HikCentral code ${code} (server: server text)`);
            err.message.should.not.match(/function|native code|\[object/);
        }
    });

    it('redacts the AppKey, the AppSecret and the echoed string-to-sign in every form', function () {
        const forms = [
            `Signature incorrect, appKey:29666671, StringToSign:${sts}`,
            `signature mismatch (${JSON.stringify(sts)}) for key 29666671`,
            `bad sign: ${sts.replace(/\n/g, ' ')} secret empsl6pq4xx7cSy6gRXa`,
        ];
        for (const text of forms) {
            const out = redactArtemisMessage(text, { appKey: '29666671', appSecret: 'empsl6pq4xx7cSy6gRXa', stringToSign: sts });
            out.should.not.match(/29666671/);
            out.should.not.match(/empsl6pq/);
            out.should.not.match(/x-ca-nonce/);
            out.should.not.match(/door\/events/);
        }
        redactArtemisMessage('Something else', { appKey: '29666671' }).should.equal('Something else');
        redactArtemisMessage('x'.repeat(1000), {}).length.should.be.below(310);
    });

    it('apiError carries code and short text and no secret', function () {
        const err = apiError('0x02401003', `appKey:29666671 StringToSign:${sts}`, { appKey: '29666671', stringToSign: sts });
        err.kind.should.equal('api');
        err.code.should.equal('0x02401003');
        err.short.should.equal('0x02401003');
        err.message.should.match(/0x02401003/).and.match(/AppSecret/);
        err.message.should.not.match(/29666671/);
    });
});
