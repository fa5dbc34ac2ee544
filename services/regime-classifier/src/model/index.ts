// The regime classifier's ML core: what the train command, the streaming service and other packages share.
export {
  BACKENDS,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
  type BackendPreference,
  backendName,
  initBackend,
} from './backend.ts';
export { type AccuracyPanel, accuracySvg, elbowSvg } from './charts.ts';
export {
  chooseKnee,
  type ElbowOptions,
  type ElbowPoint,
  type ElbowResult,
  elbow,
  KNEE_RULE,
} from './elbow.ts';
export {
  type ClassReport,
  type Evaluation,
  evaluate,
  majorityMapping,
  mapLabels,
} from './evaluation.ts';
export {
  batchFeatures,
  DEFAULT_WINDOW,
  type FeatureConfig,
  FeatureExtractor,
  type FeatureOutcome,
  featureCount,
  featureNames,
  MachineFeatureState,
} from './features.ts';
export {
  assign,
  canonicalize,
  type KMeansOptions,
  type KMeansResult,
  kmeans,
  nearest,
} from './kmeans.ts';
export { createMatrix, type Matrix, matrixFromRows, matrixToRows, selectRows } from './matrix.ts';
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
} from './mlp.ts';
export { ModelStore, ModelStoreError } from './model-store.ts';
export { MODEL_FORMAT_VERSION, ModelMetadata, RegimeModel } from './regime-model.ts';
export { saveTrainedModel, type TrainingProvenance } from './save-trained-model.ts';
export { fitScaler, type ScalerState, scale, unscale } from './scaler.ts';
export {
  type RegimeComparison,
  type RegimeTruth,
  splitIndexes,
  type TrainingReport,
  type TrainOptions,
  type TrainResult,
  trainRegimeModel,
} from './training.ts';
