import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grpcHealth } from '@tributary/testing';
import { GrpcServer, LIVENESS_HEALTH_NAME } from '../src/grpc-server.ts';
import { PING_SERVICE_NAME, pingService } from './fixtures/ping-service.ts';

const pingImplementation = { ping: () => undefined };

test('gRPC services can only be added before the server binds', async (t) => {
  const server = new GrpcServer('127.0.0.1', 0);
  t.after(() => server.close(0));
  await server.listen();

  assert.throws(() => server.addService(pingService, pingImplementation), {
    code: 'SERVICE_INVALID_STATE',
    context: { service: PING_SERVICE_NAME },
  });
});

test('health follows setServing for the overall status and every added service', async (t) => {
  const server = new GrpcServer('127.0.0.1', 0);
  t.after(() => server.close(0));
  server.addService(pingService, pingImplementation);
  await server.listen();
  const address = `127.0.0.1:${server.address?.port}`;

  server.setServing(true);
  assert.deepEqual(
    [await grpcHealth(address, ''), await grpcHealth(address, PING_SERVICE_NAME)],
    ['SERVING', 'SERVING'],
  );
  server.setServing(false);
  assert.deepEqual(
    [await grpcHealth(address, ''), await grpcHealth(address, PING_SERVICE_NAME)],
    ['NOT_SERVING', 'NOT_SERVING'],
  );
});

test('the liveness name serves while the server listens, ready or not', async () => {
  const server = new GrpcServer('127.0.0.1', 0);
  await server.listen();
  const address = `127.0.0.1:${server.address?.port}`;

  server.setServing(false);
  assert.deepEqual(
    [await grpcHealth(address, ''), await grpcHealth(address, LIVENESS_HEALTH_NAME)],
    ['NOT_SERVING', 'SERVING'],
  );
  await server.close(0);
});
