import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export type { Registry };

/**
 * The service's own registry, with Node's process metrics and an info series. Prometheus adds
 * job and instance labels on scrape, so no default labels are set here.
 */
export function createMetricsRegistry(service: string, version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'tributary_service_info',
    help: 'Always 1; its labels say which service and version this process runs',
    labelNames: ['service', 'version'],
    registers: [registry],
  });
  info.set({ service, version }, 1);
  return registry;
}
