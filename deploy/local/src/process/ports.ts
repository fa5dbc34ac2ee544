import { createServer } from 'node:net';
import { PortInUseError, StackError } from '../errors.ts';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Fails before a component starts rather than letting it die with a bind error in its log. */
export async function assertPortsFree(ports: readonly number[], setting: string): Promise<void> {
  for (const port of ports) {
    if (!(await canListen(port))) throw new PortInUseError(port, setting);
  }
}

/**
 * A run of `size` consecutive free ports, for throw-away clusters in tests.
 * Free at the time of the check only; the range is picked at random so parallel tests rarely meet.
 */
export async function findFreePortBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (30_000 - size));
    let free = true;
    for (let port = base; free && port < base + size; port++) free = await canListen(port);
    if (free) return base;
  }
  throw new StackError(
    'PORT_IN_USE',
    `no run of ${size} free ports found between 20000 and 50000 on 127.0.0.1`,
  );
}
