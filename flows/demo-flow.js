// Turns the example flow (examples/*.json) into a runnable one: config nodes point at the local
// simulators' URLs, credentials are ${ENV} placeholders (no secret is written to any file: Node-RED
// substitutes them from the environment at start), and the stateful nodes use the given context store.
// Shared by the demo (flows/start.js) and the end-to-end reliability tests.
'use strict';
const fs = require('fs');
const path = require('path');

const examplesDir = path.join(__dirname, '..', 'examples');

function readExample() {
    const file = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()[0];
    if (!file) throw new Error('no example flow in examples/');
    return JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
}

/**
 * @param {object[]} flow the example flow (not modified)
 * @param {{urls: {humand: string, artemis: string, hysecure: string}, store?: string, artemisInterval?: number, hysecureInterval?: number, lookbackMinutes?: number,
 *          humandRateLimit?: number, identityRefresh?: number, timezone?: string}} options
 * @returns {{flow: object[], credentials: object}}
 */
function pointAtSimulators(flow, options = {}) {
    const store = options.store === undefined ? 'file' : options.store;
    const out = JSON.parse(JSON.stringify(flow));
    const credentials = {};
    for (const n of out) {
        switch (n.type) {
            case 'humand-server':
                n.baseUrl = options.urls.humand;
                n.rateLimit = options.humandRateLimit === undefined ? 20 : options.humandRateLimit;
                credentials[n.id] = { apiKey: '${AB_HUMAND_KEY}' };
                break;
            case 'artemis-server':
                n.baseUrl = options.urls.artemis;
                credentials[n.id] = { appKey: '${AB_ARTEMIS_KEY}', appSecret: '${AB_ARTEMIS_SECRET}' };
                break;
            case 'hysecure-server':
                n.baseUrl = options.urls.hysecure;
                credentials[n.id] = { username: '${AB_HYSECURE_USER}', password: '${AB_HYSECURE_PASSWORD}' };
                break;
            case 'artemis-events':
                n.interval = options.artemisInterval || 10;
                n.initialLookback = options.lookbackMinutes === undefined ? 60 : options.lookbackMinutes;
                n.store = store;
                break;
            case 'hysecure-sessions':
                n.interval = options.hysecureInterval || 20;
                n.timezone = options.timezone || n.timezone || 'America/Argentina/Buenos_Aires';
                n.store = store;
                break;
            case 'identity-map':
                n.refresh = options.identityRefresh || 5;
                n.store = store;
                break;
            case 'humand-clock':
                n.store = store;
                break;
            default:
                break;
        }
    }
    return { flow: out, credentials };
}

module.exports = { readExample, pointAtSimulators };
