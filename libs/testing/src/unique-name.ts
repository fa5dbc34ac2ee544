import { randomUUID } from 'node:crypto';

/** `test.<prefix>.<8 hex>`: topics, groups and apps of one test run never collide with another's. */
export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}
