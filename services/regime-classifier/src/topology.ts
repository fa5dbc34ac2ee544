import {
  defineTopic,
  type ExactlyOnceContext,
  handle,
  type TopicHandler,
  type TopicSpec,
} from '@tributary/kafka';
import type { MachineReading } from '@tributary/sensors';
import { machineRegime, machineTemperature, type RegimePrediction } from '@tributary/topics';
import type { ClassifierMetrics } from './metrics.ts';
import { classifyBatch } from './processors/classify.ts';
import type { PartitionFeatureStore } from './stores/feature-store.ts';
import type { ModelHolder } from './stores/model-holder.ts';

export interface ClassifierTopics {
  /** machine.temperature (or the configured name): readings keyed by machine id. */
  readonly input: TopicSpec<string, MachineReading>;
  /** machine.regime (or the configured name): readings with their regime, written exactly once. */
  readonly output: TopicSpec<string, RegimePrediction>;
}

/** The declared topics under the configured names; same schemas, partitions and retention. */
export function classifierTopics(names: { inputTopic: string; outputTopic: string }): ClassifierTopics {
  const renamed = <K, V>(spec: TopicSpec<K, V>, name: string): TopicSpec<K, V> =>
    name === spec.name ? spec : defineTopic({ ...spec, name, deadLetterTopic: `${name}.dlq` });
  return {
    input: renamed(machineTemperature, names.inputTopic),
    output: renamed(machineRegime, names.outputTopic),
  };
}

export interface ClassifierParts {
  readonly topics: ClassifierTopics;
  readonly features: PartitionFeatureStore;
  readonly models: ModelHolder;
  readonly metrics: ClassifierMetrics;
}

/**
 * input → [features per machine, kept per partition] → [one predict per batch] → output; readings
 * that cannot be classified → the input's dead-letter topic. One transaction per input batch.
 */
export function classifierTopology(parts: ClassifierParts): TopicHandler<ExactlyOnceContext>[] {
  const { topics, features, models, metrics } = parts;
  return [
    handle(
      topics.input,
      (records, context) => {
        const model = models.current;
        // The processor starts only once a model is served; a model is never unloaded while it runs.
        if (model === undefined) throw new Error('no model is served');
        const started = performance.now();
        const sink = features.begin(context.partition);
        const { predictions, rejections } = classifyBatch(records, sink, features.featureCount, model);
        for (const { record, kind, reason } of rejections) {
          context.reject(record, reason);
          metrics.rejected(kind);
        }
        for (const { record, prediction } of predictions) {
          context.send(topics.output, { key: record.key, value: prediction, timestamp: record.timestamp });
        }
        metrics.predicted(predictions.length);
        metrics.batch((performance.now() - started) / 1000);
      },
      { revert: (partition) => features.revert(partition) },
    ),
  ];
}
