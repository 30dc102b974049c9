'use strict';
// Variants of the compiled API for bench/ab.js (`--b-variant NAME`): each takes one part out of
// every request, so its share of the fixed cost is measured on the same build, data and machine.
// Preloaded (`--require`) into the API process with BENCH_VARIANT set; benchmarks only.
//   no-middleware     the request chain without the metrics timer, request id, log context and
//                     security headers (CORS, the body parser and the input guard stay);
//                     no-metrics, no-request-id, no-request-log, no-security-headers: one of them
//   raw-health        GET /health answered by a plain handler ahead of Nest's route (same body):
//                     what Nest's route pipeline (guards, interceptors, async handler) costs
//   no-async-context  AsyncLocalStorage.run/enterWith as plain calls: no async hooks at all
//   no-auto-pipelining  the shared Redis client writes each command as it is issued
//   no-custom-param-pipes  Nest's global pipes skip custom parameter decorators (@CurrentUser...),
//                     which the global ValidationPipe only hands back: what Nest's call costs
const path = require('node:path');

const dist = (file) => path.join(process.cwd(), 'dist', file);
const variant = process.env.BENCH_VARIANT;

/** The request chain without the steps named (functions' names, as compiled). */
function withoutSteps(...names) {
  return () => {
    const chainModule = require(dist('common/middleware/middleware-chain.js'));
    const original = chainModule.middlewareChain;
    chainModule.middlewareChain = (...steps) => {
      const kept = steps.filter((step) => !names.includes(step.name));
      if (kept.length !== steps.length - names.length) throw new Error(`variant: not every step of ${names} is in the chain`);
      return original(...kept);
    };
  };
}

const VARIANTS = {
  'no-middleware': withoutSteps('httpMetrics', 'assignRequestId', 'requestLog', 'securityHeadersMiddleware'),
  'no-metrics': withoutSteps('httpMetrics'),
  'no-request-id': withoutSteps('assignRequestId'),
  'no-request-log': withoutSteps('requestLog'),
  'no-security-headers': withoutSteps('securityHeadersMiddleware'),
  'raw-health'() {
    const { RouteTable } = require(dist('common/bootstrap/route-table.js'));
    const add = RouteTable.prototype.add;
    let added = false;
    RouteTable.prototype.add = function (method, routePath, handler) {
      if (!added && method === 'get' && routePath === '/health') {
        added = true;
        add.call(this, 'get', '/health', (_req, res) => {
          const body = JSON.stringify({ status: 'ok', uptime: process.uptime(), timestamp: new Date().toISOString() });
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.setHeader('Content-Length', Buffer.byteLength(body));
          res.end(body);
        });
      }
      return add.call(this, method, routePath, handler);
    };
  },
  'no-custom-param-pipes'() {
    const { RouterExecutionContext } = require(path.join(process.cwd(), 'node_modules/@nestjs/core/router/router-execution-context.js'));
    const isPipeable = RouterExecutionContext.prototype.isPipeable;
    RouterExecutionContext.prototype.isPipeable = function (type) {
      return typeof type !== 'string' && isPipeable.call(this, type); // custom decorators' types are strings
    };
  },
  'no-auto-pipelining'() {
    const { RedisReadBatcher } = require(dist('common/redis/read-batcher.js'));
    const add = RedisReadBatcher.prototype.add;
    RedisReadBatcher.prototype.add = function (...args) {
      this.redis.options.enableAutoPipelining = false; // the shared client: read on every command
      return add.apply(this, args);
    };
  },
  'no-async-context'() {
    const { AsyncLocalStorage } = require('node:async_hooks');
    AsyncLocalStorage.prototype.run = function (_store, callback, ...args) {
      return callback(...args);
    };
    AsyncLocalStorage.prototype.enterWith = function () {};
  },
};

if (variant) {
  if (!VARIANTS[variant]) throw new Error(`unknown BENCH_VARIANT ${variant} (${Object.keys(VARIANTS).join(', ')})`);
  VARIANTS[variant]();
}

module.exports = { VARIANTS: Object.keys(VARIANTS) };
