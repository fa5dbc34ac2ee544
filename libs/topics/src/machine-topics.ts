import { defineTopic } from '@tributary/kafka';
import { jsonCodec, type Static, stringCodec, Type } from '@tributary/schemas';
import { MachineReading, machineReadingCodec } from '@tributary/sensors';

const DAY_MS = 24 * 3600 * 1000;

/** Raw sensor readings, keyed by machine id so one machine's readings stay in order on one partition. */
export const machineTemperature = defineTopic({
  name: 'machine.temperature',
  doc: 'Temperature readings: key = machine id, value = MachineReading (event time in the value)',
  partitions: 6,
  key: stringCodec,
  value: machineReadingCodec,
  retentionMs: 7 * DAY_MS,
});

export const RegimePrediction = Type.Composite(
  [
    MachineReading,
    Type.Object({
      regime: Type.Integer({
        minimum: 0,
        description: 'predicted working regime (cluster index, ordered by mean temperature)',
      }),
      confidence: Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'softmax probability of the predicted regime',
      }),
      modelVersion: Type.String({ minLength: 1, description: 'version of the model that predicted it' }),
    }),
  ],
  { $id: 'RegimePrediction' },
);
export type RegimePrediction = Static<typeof RegimePrediction>;

/** Readings with their predicted regime, written exactly once by the regime-classifier. */
export const machineRegime = defineTopic({
  name: 'machine.regime',
  doc: 'Readings labelled with the predicted regime: key = machine id, value = RegimePrediction',
  partitions: 6,
  key: stringCodec,
  value: jsonCodec(RegimePrediction),
  retentionMs: 7 * DAY_MS,
});
