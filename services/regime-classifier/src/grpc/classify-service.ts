import { fileURLToPath } from 'node:url';
import { type ServiceDefinition, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { MachineReading } from '@tributary/sensors';
import type { RegimePrediction } from '@tributary/topics';
import { batchFeatures } from '../model/features.ts';
import { predictRegimes } from '../processors/classify.ts';
import type { ModelHolder } from '../stores/model-holder.ts';

const PROTO = fileURLToPath(new URL('./regime.proto', import.meta.url));
export const CLASSIFY_SERVICE = 'tributary.regime.v1.RegimeClassifier';
/** Requests beyond this many readings are refused: one request is one synchronous predict call. */
export const MAX_READINGS_PER_REQUEST = 100_000;

/** The service definition, for the server and for clients (`makeGenericClientConstructor`). */
export function classifyServiceDefinition(): ServiceDefinition {
  const definition = loadSync(PROTO, { keepCase: false, longs: Number, defaults: true, enums: String })[
    CLASSIFY_SERVICE
  ];
  if (definition === undefined || !('Classify' in definition))
    throw new Error(`${PROTO} does not define ${CLASSIFY_SERVICE}`);
  return definition as ServiceDefinition;
}

interface WireReading {
  machine?: string;
  timestamp?: number;
  temperature?: number;
}

class InvalidRequest extends Error {}

function readingsOf(request: { readings?: WireReading[] }): MachineReading[] {
  const readings = request.readings ?? [];
  if (readings.length === 0) throw new InvalidRequest('readings: at least one reading is required');
  if (readings.length > MAX_READINGS_PER_REQUEST)
    throw new InvalidRequest(`readings: at most ${MAX_READINGS_PER_REQUEST} per request`);
  return readings.map((reading, index) => {
    const { machine = '', timestamp = 0, temperature = Number.NaN } = reading;
    if (machine === '') throw new InvalidRequest(`readings[${index}].machine: required`);
    if (!Number.isFinite(temperature))
      throw new InvalidRequest(`readings[${index}].temperature: must be a finite number`);
    return { machine, timestamp, temperature };
  });
}

/** Classify on the kit's gRPC server: predictions of the model served right now. */
export function classifyServiceImplementation(
  models: ModelHolder,
  onPredicted: (count: number) => void,
): UntypedServiceImplementation {
  return {
    Classify(
      call: { request: { readings?: WireReading[] } },
      callback: (
        error: { code: number; details: string } | null,
        response?: { predictions: RegimePrediction[]; modelVersion: string },
      ) => void,
    ) {
      const model = models.current;
      if (model === undefined) {
        callback({ code: status.UNAVAILABLE, details: 'no model is served yet' });
        return;
      }
      let readings: MachineReading[];
      try {
        readings = readingsOf(call.request);
      } catch (error) {
        if (!(error instanceof InvalidRequest)) throw error;
        callback({ code: status.INVALID_ARGUMENT, details: error.message });
        return;
      }
      const { regimes, confidences } = predictRegimes(
        model,
        batchFeatures(readings, model.metadata.features),
      );
      onPredicted(readings.length);
      callback(null, {
        modelVersion: model.version,
        predictions: readings.map((reading, row) => ({
          ...reading,
          regime: regimes[row] as number,
          confidence: confidences[row] as number,
          modelVersion: model.version,
        })),
      });
    },
  };
}
