import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricsProcess } from './metrics.constants';

/**
 * A registry of this application's own (never prom-client's global one: several apps in one test
 * process must not collide), labelled with the process, with the default Node.js metrics.
 */
export function createRegistry(process: MetricsProcess): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry });
  return registry;
}
