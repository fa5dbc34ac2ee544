import type { MetadataAction, ProtocolAction } from './actions.ts';
import { DeltaError } from './errors.ts';

/**
 * Reader features that change nothing for a reader of plain Parquet rows: timestamps without time
 * zone are read as they are stored, and vacuumProtocolCheck only binds writers and vacuum. Column
 * mapping is harmless in mode "none" only, checked separately.
 */
const HARMLESS_READER_FEATURES = new Set(['timestampNtz', 'vacuumProtocolCheck', 'columnMapping']);

/**
 * Stops before reading rows wrongly: a table that needs deletion vectors, column mapping, V2
 * checkpoints or anything newer is refused with every such feature named, never half-read.
 */
export function assertReadable(protocol: ProtocolAction, metadata: MetadataAction, table: string): void {
  const unsupported: string[] = [];
  const columnMapping = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
  if (columnMapping !== 'none') unsupported.push(`columnMapping (mode ${columnMapping})`);
  if (protocol.minReaderVersion > 3) unsupported.push(`minReaderVersion ${protocol.minReaderVersion}`);
  if (protocol.minReaderVersion === 3) {
    const features = protocol.readerFeatures ?? [];
    unsupported.push(...features.filter((feature) => !HARMLESS_READER_FEATURES.has(feature)));
  }
  if (unsupported.length === 0) return;
  throw new DeltaError(
    'DELTA_UNSUPPORTED_FEATURE',
    `${table}: the table needs Delta reader features this reader does not implement: ${unsupported.map((feature) => `"${feature}"`).join(', ')}`,
    { context: { table, features: unsupported, minReaderVersion: protocol.minReaderVersion } },
  );
}
