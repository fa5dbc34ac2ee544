import { hostname } from 'node:os';
import { type ConfigOf, env } from '@tributary/config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What every service reads from its environment, besides its own settings. */
export const serviceSettings = {
  instanceId: env.string('TRIBUTARY_INSTANCE_ID', {
    default: hostname(),
    doc: 'Names this process in logs; the hostname by default, which in Kubernetes is the pod name',
  }),
  logLevel: env.enum('TRIBUTARY_LOG_LEVEL', LOG_LEVELS, { default: 'info', doc: 'Lowest level logged' }),
  httpHost: env.string('TRIBUTARY_HTTP_HOST', {
    default: '0.0.0.0',
    doc: 'Address for /metrics, /healthz and /readyz; all interfaces, since the kubelet probes the pod IP',
  }),
  httpPort: env.port('TRIBUTARY_HTTP_PORT', {
    default: 8080,
    doc: 'Port for /metrics, /healthz and /readyz; 0 picks a free port',
  }),
  grpcHost: env.string('TRIBUTARY_GRPC_HOST', {
    default: '0.0.0.0',
    doc: 'Address for gRPC, including grpc.health.v1.Health',
  }),
  grpcPort: env.port('TRIBUTARY_GRPC_PORT', {
    default: 9090,
    doc: 'Port for gRPC, including grpc.health.v1.Health; 0 picks a free port',
  }),
  shutdownDeadline: env.duration('TRIBUTARY_SHUTDOWN_DEADLINE', {
    default: '10s',
    doc: "How long shutdown hooks may run before the process exits with code 1; keep it below the pod's terminationGracePeriodSeconds",
  }),
};

export type ServiceConfig = ConfigOf<typeof serviceSettings>;
