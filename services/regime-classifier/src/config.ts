import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { machineRegime, machineTemperature } from '@tributary/topics';
import { BACKENDS } from './model/backend.ts';

/** The regime-classifier's settings, each declared once with its doc and default. */
export const classifierSettings = {
  kafka: kafkaSettings,
  appId: env.string('REGIME_CLASSIFIER_APP_ID', {
    default: 'regime-classifier',
    doc: 'Application id: the consumer group and the prefix of every transactional id',
  }),
  inputTopic: env.string('REGIME_CLASSIFIER_INPUT_TOPIC', {
    default: machineTemperature.name,
    doc: 'Readings topic (schema of machine.temperature); its dead letters go to <name>.dlq',
  }),
  outputTopic: env.string('REGIME_CLASSIFIER_OUTPUT_TOPIC', {
    default: machineRegime.name,
    doc: 'Predictions topic (schema of machine.regime)',
  }),
  modelDir: env.string('REGIME_CLASSIFIER_MODEL_DIR', {
    default: '.artifacts/regime-classifier/models',
    doc: 'Model store directory (<dir>/<version>/…); the latest version is served',
  }),
  modelPollInterval: env.duration('REGIME_CLASSIFIER_MODEL_POLL_INTERVAL', {
    default: '5s',
    doc: 'How often the model directory is checked for a newer version',
  }),
  backend: env.enum('REGIME_CLASSIFIER_BACKEND', ['auto', ...BACKENDS] as const, {
    default: 'auto',
    doc: 'TensorFlow.js backend: auto (tensorflow, else wasm, else cpu) or one by name',
  }),
  partitionsConsumedConcurrently: env.int('REGIME_CLASSIFIER_PARTITIONS_CONCURRENTLY', {
    default: 1,
    min: 1,
    max: 64,
    doc: 'Input partitions handled at once (each keeps its order)',
  }),
  sessionTimeoutMs: env.duration('REGIME_CLASSIFIER_SESSION_TIMEOUT', {
    default: '30s',
    doc: 'Consumer group session timeout: how long a crashed instance keeps its partitions (broker bounds: 6s..5m by default)',
  }),
  maxBytesPerPartition: env.int('REGIME_CLASSIFIER_MAX_BYTES_PER_PARTITION', {
    default: 1024 * 1024,
    min: 1024,
    max: 64 * 1024 * 1024,
    doc: 'Fetch size per partition: bounds the records of one batch (one transaction, one predict call)',
  }),
};

export type ClassifierConfig = ConfigOf<typeof classifierSettings>;
