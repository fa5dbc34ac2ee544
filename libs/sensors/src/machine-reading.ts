import { type Codec, jsonCodec, type Static, Type } from '@tributary/schemas';

/** One temperature reading of one machine: the value of a record on the readings topic. */
export const MachineReading = Type.Object(
  {
    machine: Type.String({ minLength: 1, description: 'machine id; also the record key' }),
    timestamp: Type.Integer({ minimum: 0, description: 'event time, epoch milliseconds' }),
    temperature: Type.Number({ description: 'degrees Celsius' }),
  },
  { $id: 'MachineReading' },
);
export type MachineReading = Static<typeof MachineReading>;

export const machineReadingCodec: Codec<MachineReading> = jsonCodec(MachineReading);

/**
 * A reading with the regime the simulator was in when it produced it. The regime is ground truth for
 * evaluation only: it never goes into a Kafka record, where regimes are what we are trying to find.
 */
export interface LabelledReading {
  readonly reading: MachineReading;
  readonly regime: number;
}
