'use strict';
// A private PostgreSQL cluster with the DocumentDB extension, for FerretDB v2. Never touches a
// system cluster: its own data directory, loopback only, a free port, no Unix socket.
//
// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user (created
// by Debian's postgresql package); otherwise it runs as the current user.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PG_VERSION = process.env.PG_VERSION || '15';
const PG_BIN = process.env.PG_BIN_DIR || `/usr/lib/postgresql/${PG_VERSION}/bin`;
const PG_LIB = `/usr/lib/postgresql/${PG_VERSION}/lib`;
const PG_EXTENSIONS = `/usr/share/postgresql/${PG_VERSION}/extension`;
const REQUIRED_FILES = [
  path.join(PG_BIN, 'initdb'),
  path.join(PG_LIB, 'pg_documentdb.so'),
  path.join(PG_LIB, 'pg_documentdb_core.so'),
  path.join(PG_LIB, 'pg_cron.so'),
  ...['documentdb', 'documentdb_core', 'pg_cron', 'vector', 'rum', 'postgis'].map((name) =>
    path.join(PG_EXTENSIONS, `${name}.control`),
  ),
];
// The settings DocumentDB's own packaging uses (the distribution's postgresql.documentdb.conf).
const DOCUMENTDB_SETTINGS = [
  'documentdb.enableCompact = true',
  'documentdb.enableLetAndCollationForQueryMatch = true',
  'documentdb.enableNowSystemVariable = true',
  'documentdb.enableSortbyIdPushDownToPrimaryKey = true',
  'documentdb.enableSchemaValidation = true',
  'documentdb.enableBypassDocumentValidation = true',
  'documentdb.enableUserCrud = true',
  'documentdb.maxUserLimit = 100',
  // Walk an index in order for a sort on its key (the feed's `_id` order with a limit) instead of
  // reading and sorting every match: a page then costs the same at any collection size.
  'documentdb.enableIndexOrderbyPushdown = on',
];
const RUN_AS = process.getuid && process.getuid() === 0 ? 'postgres' : undefined;

/** The prebuilt distribution: DOCUMENTDB_DIST, else ../shared/documentdb beside the checkout. */
function distributionDir(root) {
  return process.env.DOCUMENTDB_DIST || path.resolve(root, '..', 'shared', 'documentdb');
}

function missingFiles() {
  return REQUIRED_FILES.filter((file) => !fs.existsSync(file));
}

/** Runs a PostgreSQL tool as the cluster's owner; throws with its output when it fails. */
function pg(tool, args, { allowFailure = false, input } = {}) {
  const binary = path.join(PG_BIN, tool);
  const [command, argv] = RUN_AS ? ['runuser', ['-u', RUN_AS, '--', binary, ...args]] : [binary, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: os.tmpdir(), input });
  if (result.status !== 0 && !allowFailure) {
    const output = `${result.stdout || ''}${result.stderr || ''}`.trim();
    throw new Error(`${tool} ${args.join(' ')} failed (exit ${result.status}): ${output}`);
  }
  return result;
}

/**
 * Whether DocumentDB can be used here, installing it from the distribution when it is missing
 * and we are root. Returns `{ ok: true }` or `{ ok: false, reason }` (why FerretDB v2 is skipped).
 */
function ensureDocumentdb(root, log) {
  if (process.platform !== 'linux') return { ok: false, reason: `not Linux (${process.platform})` };
  if (RUN_AS && spawnSync('id', ['-u', RUN_AS]).status !== 0) {
    return { ok: false, reason: `running as root and there is no '${RUN_AS}' user to own the cluster` };
  }
  let missing = missingFiles();
  if (missing.length === 0) return { ok: true, how: 'extension installed' };
  const dist = distributionDir(root);
  const installer = path.join(dist, 'install.sh');
  if (!fs.existsSync(installer)) {
    return { ok: false, reason: `DocumentDB is not installed (${missing[0]} missing) and no distribution at ${dist}` };
  }
  if (!RUN_AS) {
    return { ok: false, reason: `DocumentDB is not installed and installing it from ${dist} needs root` };
  }
  log(`DocumentDB not installed (${missing[0]} missing); installing from ${dist}`);
  const result = spawnSync('bash', [installer], { stdio: ['ignore', process.stderr, process.stderr] });
  missing = missingFiles();
  if (result.status !== 0 || missing.length > 0) {
    return { ok: false, reason: `${installer} failed (exit ${result.status}); still missing: ${missing.join(', ')}` };
  }
  return { ok: true, how: `installed from ${dist}` };
}

/** A directory the cluster owner can write, for the cluster's files. */
function clusterDirectory(preferred) {
  fs.mkdirSync(preferred, { recursive: true, mode: 0o700 });
  if (!RUN_AS) return preferred;
  spawnSync('chown', ['-R', `${RUN_AS}:`, preferred]);
  const usable = () => spawnSync('runuser', ['-u', RUN_AS, '--', 'test', '-w', preferred]).status === 0;
  if (usable()) return preferred;
  // A private temp directory (mode 0700) as parent: let the owner traverse it, nothing more.
  const parent = path.dirname(preferred);
  if ((fs.statSync(parent).mode & 0o777) === 0o700) fs.chmodSync(parent, 0o711);
  if (usable()) return preferred;
  // A parent directory is closed to the cluster owner (e.g. a checkout under /root): use a
  // directory of our own under the system temp dir instead, stable per preferred path.
  const suffix = Buffer.from(preferred).toString('base64url').slice(-24);
  const fallback = path.join(os.tmpdir(), `devlink-pg-${suffix}`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o700 });
  spawnSync('chown', ['-R', `${RUN_AS}:`, fallback]);
  return fallback;
}

/**
 * Initialises (first time only) and starts a cluster in `preferredDir` on `port`, with the
 * extension created in database `postgres`.
 * @returns {{ dir: string, url: string, stop: () => void }}
 */
function startCluster({ preferredDir, port }) {
  const dir = clusterDirectory(preferredDir);
  const data = path.join(dir, 'data');
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    fs.appendFileSync(path.join(data, 'postgresql.conf'), "\ninclude_if_exists = 'devlink.conf'\n");
  }
  // Rewritten at every start: the port is new each time.
  fs.writeFileSync(
    path.join(data, 'devlink.conf'),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      "shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'",
      "cron.database_name = 'postgres'",
      // pg_cron's jobs (DocumentDB's background tasks) connect over TCP: no socket directory.
      "cron.host = '127.0.0.1'",
      // A disposable development/test cluster: durability traded for speed.
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 200',
      ...DOCUMENTDB_SETTINGS,
      '',
    ].join('\n'),
  );
  if (RUN_AS) spawnSync('chown', ['-R', `${RUN_AS}:`, dir]);
  // A cluster left running by a killed run of ours holds this data directory: stop it first.
  if (pg('pg_ctl', ['-D', data, 'status'], { allowFailure: true }).status === 0) {
    pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], { allowFailure: true });
  }
  pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  const stop = () => {
    pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'], { allowFailure: true });
  };
  try {
    pg('psql', [
      '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-q',
      '-v', 'ON_ERROR_STOP=1', '-c', 'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE',
    ]);
  } catch (error) {
    stop();
    throw error;
  }
  return { dir, url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/**
 * ANALYZEs the tables behind every collection of MongoDB database `database` (DocumentDB keeps a
 * collection in `documentdb_data.documents_<collection_id>`, listed in
 * `documentdb_api_catalog.collections`). After a bulk load autovacuum has not yet sampled them:
 * the planner then guesses row counts and can prefer a sequential scan to the indexes.
 * @param {string} url the cluster's URL (`startCluster().url`)
 * @returns {string[]} the tables analysed
 */
function analyzeDocumentTables(url, database) {
  const { hostname, port, pathname } = new URL(url);
  const tables = `SELECT format('documentdb_data.documents_%s', collection_id) FROM documentdb_api_catalog.collections
    WHERE database_name = :'database' ORDER BY collection_id`;
  const result = pg(
    'psql',
    ['-h', hostname, '-p', port, '-U', 'postgres', '-d', pathname.slice(1) || 'postgres', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-v', `database=${database}`, '-f', '-'],
    // Prints the tables, then vacuums and analyses each (\gexec runs them one by one, outside a
    // transaction, and prints nothing for them with -q). The vacuum does now what autovacuum would
    // do to freshly loaded tables in the middle of whatever runs next.
    { input: `${tables};\nSELECT 'VACUUM (ANALYZE) ' || t FROM (${tables}) AS names(t) \\gexec\n` },
  );
  return result.stdout.split('\n').filter(Boolean);
}

module.exports = { ensureDocumentdb, startCluster, analyzeDocumentTables };
