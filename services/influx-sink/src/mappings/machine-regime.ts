import { machineRegime, type RegimePrediction } from '@tributary/topics';
import { definePointMapping, float, integer, string } from './point-mapping.ts';

/**
 * The classifier's predictions. `regime` is a tag (to filter and group by) and, as `regime_id`, a
 * field too, so Grafana can draw it as a series; InfluxDB 1.x cannot hold both under one name.
 */
export const machineRegimeMapping = definePointMapping({
  topic: machineRegime,
  measurement: 'machine_regime',
  tags: {
    machine: (value: RegimePrediction) => value.machine,
    regime: (value: RegimePrediction) => value.regime,
  },
  fields: {
    temperature: float((value: RegimePrediction) => value.temperature),
    confidence: float((value: RegimePrediction) => value.confidence),
    regime_id: integer((value: RegimePrediction) => value.regime),
    model_version: string((value: RegimePrediction) => value.modelVersion),
  },
  timestamp: (value: RegimePrediction) => value.timestamp,
});
