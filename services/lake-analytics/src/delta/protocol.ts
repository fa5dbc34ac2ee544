import type { Protocol, TableMetadata } from './actions.ts';
import { DeltaError } from './errors.ts';

/**
 * Reader features that change nothing for a reader of plain Parquet rows: timestamps without time
 * zone are read as they are stored, and vacuumProtocolCheck only binds writers and vacuum.
 */
const HARMLESS_READER_FEATURES = new Set(['timestampNtz', 'vacuumProtocolCheck']);

/**
 * Stops before reading rows wrongly: a table that needs deletion vectors, column mapping, V2
 * checkpoints or anything newer is refused with the feature named, never half-read.
 */
export function assertReadable(protocol: Protocol, metadata: TableMetadata, table: string): void {
  const unsupported = (feature: string): DeltaError =>
    new DeltaError(
      'DELTA_UNSUPPORTED_FEATURE',
      `${table}: the table needs the Delta reader feature "${feature}", which this reader does not implement`,
      { context: { table, feature, minReaderVersion: protocol.minReaderVersion } },
    );
  const columnMapping = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
  if (columnMapping !== 'none') throw unsupported(`columnMapping (mode ${columnMapping})`);
  if (protocol.minReaderVersion > 3) throw unsupported(`minReaderVersion ${protocol.minReaderVersion}`);
  if (protocol.minReaderVersion === 3) {
    for (const feature of protocol.readerFeatures) {
      if (feature !== 'columnMapping' && !HARMLESS_READER_FEATURES.has(feature)) throw unsupported(feature);
    }
  }
}
