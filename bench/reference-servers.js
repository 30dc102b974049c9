'use strict';
// The ceilings every HTTP figure is read against (issue 15): a bare node:http JSON server and a
// minimal Express 5 app (json body parser, cookie-parser, cors, pino-http, one health route), the
// stack of the system this API replaces. Each runs in its own process, like the API, so none of
// them shares an event loop with the load generator, and with the API's node options
// (scripts/api-node-flags.js), so a runtime setting never counts as our code's gain.
//
// `node bench/reference-servers.js node|express PORT` serves one; `startReference(kind)` spawns it.
const { spawn } = require('node:child_process');
const http = require('node:http');
const { API_NODE_FLAGS } = require('../scripts/api-node-flags');
const { freePort } = require('../scripts/services');

function serveNode(port) {
  const body = JSON.stringify({ status: 'ok' });
  http
    .createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    })
    .listen(port, '127.0.0.1');
}

function serveExpress(port) {
  const express = require('express');
  const cookieParser = require('cookie-parser');
  const cors = require('cors');
  const pinoHttp = require('pino-http');
  const app = express();
  // The same log level as the API in the benchmarks (LOG_LEVEL=warn): request lines are not written.
  app.use(pinoHttp({ level: process.env.LOG_LEVEL || 'warn' }));
  app.use(cors({ origin: 'http://localhost:5173', credentials: true }));
  app.use(express.json({ limit: '10kb' }));
  app.use(cookieParser());
  app.get('/health', (req, res) => res.json({ status: 'ok' }));
  app.listen(port, '127.0.0.1');
}

/**
 * Spawns reference server `kind` ('node' | 'express'); resolves once it answers. `nodeArgs` and
 * `env` add to its own (bench/profile-route.js preloads the CPU profiler with them).
 */
async function startReference(kind, { nodeArgs = [], env = {} } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [...API_NODE_FLAGS, ...nodeArgs, __filename, kind, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      if (i > 100 || child.exitCode !== null) throw new Error(`reference server ${kind} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { kind, base, pid: child.pid, stop };
}

module.exports = { startReference };

if (require.main === module) {
  const [kind, port] = process.argv.slice(2);
  const serve = { node: serveNode, express: serveExpress }[kind];
  if (!serve || !Number(port)) {
    console.error('usage: node bench/reference-servers.js node|express PORT');
    process.exit(2);
  }
  serve(Number(port));
}
