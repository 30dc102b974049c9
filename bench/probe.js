'use strict';
// Preloaded into an API process by the benchmarks (`node --require bench/probe.js dist/main.js`,
// see harness.js `startApi({ probe: true })`): measures the process's own event-loop delay with
// perf_hooks.monitorEventLoopDelay and counts its database and Redis round trips, answering over
// the IPC channel the harness opened.
//   { probe: 'reset', id } -> starts a new window (event loop and counters)
//   { probe: 'read', id }  -> { rss, heapUsed, loop: { p50, p99, max, mean, samples }, io } (MB, ms)
// `io`: { db: { roundTrips, commands: { 'find users': n, … }, bytesOut, bytesIn },
//         redis: { roundTrips, commands: { get: n, … }, bytesOut, bytesIn } } since the last reset.
// A database round trip is one wire command (the driver's own monitoring `hello`s are left out);
// a Redis round trip is one command, or one pipeline/multi however many commands it holds.
// Bytes are what the process's sockets to the database and Redis ports wrote and read.
// Delays are what exceeds the 10 ms sampling timer (monitorEventLoopDelay records the whole
// interval, so an idle loop reads ~10 ms). Nothing here runs unless the harness asks.
const net = require('node:net');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const RESOLUTION_MS = 10;
const MONITORING_COMMANDS = new Set(['hello', 'ismaster', 'isMaster']);

const newCounter = () => ({ roundTrips: 0, commands: {}, bytesOut: 0, bytesIn: 0 });
let io = { db: newCounter(), redis: newCounter() };
const countCommand = (counter, name, roundTrip) => {
  if (roundTrip) counter.roundTrips++;
  counter.commands[name] = (counter.commands[name] || 0) + 1;
};

/** The app's own copy of a package (the probe runs with the app's directory as cwd). */
const appRequire = (id) => require(require.resolve(id, { paths: [process.cwd()] }));

function countDatabaseCommands() {
  const { Connection } = appRequire('mongodb/lib/cmap/connection');
  const sendCommand = Connection.prototype.sendCommand;
  Connection.prototype.sendCommand = function (ns, command, ...rest) {
    const name = Object.keys(command)[0];
    // "find users": the collection is the command's value for the CRUD commands.
    const target = typeof command[name] === 'string' ? `${name} ${command[name]}` : name;
    if (!MONITORING_COMMANDS.has(name)) countCommand(io.db, target, true);
    return sendCommand.call(this, ns, command, ...rest);
  };
}

function countRedisCommands() {
  const Redis = appRequire('ioredis').default;
  const Pipeline = appRequire('ioredis/built/Pipeline').default;
  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (command, stream, ...rest) {
    // Pipelined commands are one round trip, counted once by exec below.
    countCommand(io.redis, command.name, !stream?.isPipeline);
    return sendCommand.call(this, command, stream, ...rest);
  };
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (...args) {
    io.redis.roundTrips++;
    return exec.apply(this, args);
  };
}

/** Socket bytes to the database and Redis, told apart by the remote port of their URLs. */
function countBytes() {
  const portOf = (url, fallback) => {
    try {
      return Number(new URL(url).port) || fallback;
    } catch {
      return fallback;
    }
  };
  const ports = new Map([
    [portOf((process.env.MONGODB_URI || '').split(',')[0], 27017), 'db'],
    [portOf(process.env.REDIS_URL || '', 6379), 'redis'],
  ]);
  const counterOf = (socket) => {
    const side = ports.get(socket.remotePort);
    return side ? io[side] : null;
  };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    const counter = counterOf(this);
    if (counter && chunk) counter.bytesOut += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return write.call(this, chunk, ...rest);
  };
  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, chunk, ...rest) {
    if (event === 'data') {
      const counter = counterOf(this);
      if (counter && chunk) counter.bytesIn += chunk.length;
    }
    return emit.call(this, event, chunk, ...rest);
  };
}

if (process.send) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  for (const install of [countDatabaseCommands, countRedisCommands, countBytes]) {
    try {
      install();
    } catch (error) {
      console.error(`probe: ${install.name} unavailable (${error.message})`);
    }
  }
  const beyond = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const read = () => {
    const memory = process.memoryUsage();
    return {
      rss: memory.rss / 1048576,
      heapUsed: memory.heapUsed / 1048576,
      loop: {
        p50: beyond(histogram.percentile(50)),
        p99: beyond(histogram.percentile(99)),
        max: beyond(histogram.max),
        mean: beyond(histogram.mean),
        samples: histogram.count,
      },
      io,
    };
  };
  const reset = () => {
    histogram.reset();
    io = { db: newCounter(), redis: newCounter() };
    return null;
  };
  process.on('message', (message) => {
    if (!message || typeof message.probe !== 'string') return;
    const value = message.probe === 'read' ? read() : reset();
    process.send({ probeAnswer: message.id, value });
  });
  // The channel must not keep the API alive past its own shutdown.
  process.channel?.unref();
}
