'use strict';
// Shared by the simulators: stop an HTTP(S) server now, whatever its clients are doing.

/**
 * Clears the simulator's pending timers, stops accepting connections and destroys the open sockets
 * (hanging requests included). Resolves once the server has closed.
 * @param {import('http').Server} server
 * @param {Set<import('net').Socket>} sockets open sockets, tracked by the simulator
 * @param {Set<NodeJS.Timeout>} timers the simulator's pending timers
 */
function closeNow(server, sockets, timers) {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    return new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
    });
}

module.exports = { closeNow };
