'use strict';
// The node options every API process starts with: `npm run start:local`, the cluster, the
// benchmarks (their reference servers too, so ceilings and API run alike), and, written out, the
// Dockerfile's command and `npm run start:prod` (src/common/bootstrap/api-node-flags.spec.ts
// checks they agree).
//
// A request allocates 45–75 kB that is garbage by the time it ends. V8's young generation is 16 MB
// per semi-space by default; at 64 MB it is scavenged a quarter as often, and an authenticated
// read costs 7–18 % less CPU (docs/performance.md, "The young generation"). The space is taken
// only as allocation needs it: up to 96 MB more per API process under load, none when idle.
const API_NODE_FLAGS = Object.freeze(['--max-semi-space-size=64']);

module.exports = { API_NODE_FLAGS };
