'use strict';
// Preloaded into an API process (`--require`) by bench/load-trips.js --slow-ms N: writes every
// database command slower than $SLOW_DB_MS to stderr, with its collection and the start of its
// filter, so a burst of identical queries (a cache stampede) shows as what it is.
const { Connection } = require(require.resolve('mongodb/lib/cmap/connection', { paths: [process.cwd()] }));

const threshold = Number(process.env.SLOW_DB_MS);
if (threshold > 0) {
  const command = Connection.prototype.command;
  Connection.prototype.command = async function (ns, cmd, ...rest) {
    const started = performance.now();
    try {
      return await command.call(this, ns, cmd, ...rest);
    } finally {
      const ms = performance.now() - started;
      const name = Object.keys(cmd)[0];
      if (ms >= threshold && name !== 'hello') {
        const filter = JSON.stringify(cmd.filter ?? {}).slice(0, 160);
        process.stderr.write(`[slow-db ${new Date().toISOString().slice(11, 23)}] ${ms.toFixed(0)} ms ${name} ${cmd[name]} ${filter}\n`);
      }
    }
  };
}
