// Node-RED settings for the demo (`npm start`). The user directory is flows/run/ (created at start,
// not committed); this package is loaded straight from the repository (nodesDir), the demo flow is
// flows/run/flows.json, and the credentials file holds only ${ENV} placeholders that flows/start.js
// fills in from the environment at start-up: no secret is ever written to a file.
'use strict';
const path = require('path');

const runDir = path.join(__dirname, 'run');

module.exports = {
    uiHost: process.env.AB_DEMO_HOST || '127.0.0.1',
    uiPort: Number(process.env.AB_DEMO_PORT || 1880),
    userDir: runDir,
    flowFile: path.join(runDir, 'flows.json'),
    flowFilePretty: true,
    // Credentials are ${ENV} placeholders only (see flows/flows_cred.json), so there is nothing to encrypt.
    credentialSecret: false,
    nodesDir: [path.resolve(__dirname, '..')],
    contextStorage: {
        default: { module: 'memory' },
        file: { module: 'localfilesystem', config: { dir: runDir, flushInterval: 1 } },
    },
    attendanceBridge: { healthFailAfterMinutes: 5, healthStuckAfterMinutes: 10 },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: {
        tours: false,
        projects: { enabled: false },
        palette: { allowInstall: false },
        page: { title: 'attendance-bridge demo' },
        header: { title: 'attendance-bridge demo' },
    },
    externalModules: { palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    exportGlobalContextKeys: false,
    functionExternalModules: false,
};
