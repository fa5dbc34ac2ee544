// The regime classifier's ML core: what the train command and (later) the streaming service share.
export {
  BACKENDS,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
  type BackendPreference,
  backendName,
  initBackend,
} from './model/backend.ts';
export { type AccuracyPanel, accuracySvg, elbowSvg } from './model/charts.ts';
export {
  chooseKnee,
  type ElbowOptions,
  type ElbowPoint,
  type ElbowResult,
  elbow,
  KNEE_RULE,
} from './model/elbow.ts';
export {
  type ClassReport,
  type Evaluation,
  evaluate,
  majorityMapping,
  mapLabels,
} from './model/evaluation.ts';
export {
  batchFeatures,
  DEFAULT_WINDOW,
  type FeatureConfig,
  FeatureExtractor,
  type FeatureOutcome,
  featureCount,
  featureNames,
  MachineFeatureState,
} from './model/features.ts';
export {
  assign,
  canonicalize,
  type KMeansOptions,
  type KMeansResult,
  kmeans,
  nearest,
} from './model/kmeans.ts';
export { createMatrix, type Matrix, matrixFromRows, matrixToRows, selectRows } from './model/matrix.ts';
export {
  buildMlp,
  DEFAULT_MLP,
  type EpochProgress,
  type MlpOptions,
  PREDICT_BATCH_SIZE,
  predictClasses,
  predictProbabilities,
  type TrainedMlp,
  trainMlp,
  weightValues,
} from './model/mlp.ts';
export { ModelStore, ModelStoreError } from './model/model-store.ts';
export { MODEL_FORMAT_VERSION, ModelMetadata, RegimeModel } from './model/regime-model.ts';
export { fitScaler, type ScalerState, scale, unscale } from './model/scaler.ts';
export {
  type RegimeComparison,
  type RegimeTruth,
  splitIndexes,
  type TrainingReport,
  type TrainOptions,
  type TrainResult,
  trainRegimeModel,
} from './model/training.ts';
