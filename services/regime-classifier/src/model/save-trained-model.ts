import type { FeatureConfig } from './features.ts';
import { matrixToRows } from './matrix.ts';
import type { MlpOptions } from './mlp.ts';
import type { ModelStore } from './model-store.ts';
import { MODEL_FORMAT_VERSION } from './regime-model.ts';
import { unscale } from './scaler.ts';
import type { TrainResult } from './training.ts';

export interface TrainingProvenance {
  readonly seed: number;
  readonly features: FeatureConfig;
  readonly mlp: Omit<MlpOptions, 'seed'>;
  readonly trainedOn: { readonly backend: string; readonly source: string; readonly rows: number };
}

/**
 * Saves a trained model as the store's next version with everything serving needs beside the
 * weights (feature config, scaler, centroids, cluster → regime map) and the training report.
 */
export function saveTrainedModel(
  store: ModelStore,
  result: TrainResult,
  provenance: TrainingProvenance,
): Promise<string> {
  const { report } = result;
  const { mlp } = provenance;
  return store.save(result.model, {
    formatVersion: MODEL_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    seed: provenance.seed,
    features: provenance.features,
    featureNames: [...report.featureNames],
    scaler: { mean: [...result.scaler.mean], std: [...result.scaler.std] },
    k: report.k,
    kChosenBy: report.kChosenBy,
    centroids: matrixToRows(result.centroids),
    centroidsInUnits: matrixToRows(unscale(result.scaler, result.centroids)),
    clusterOrder: 'ascending mean temperature of the centroid (cluster 0 is the coolest)',
    ...(report.regimes === undefined
      ? {}
      : {
          regimes: { names: [...report.regimes.names], clusterToRegime: [...report.regimes.clusterToRegime] },
        }),
    mlp: {
      hidden: [...mlp.hidden],
      epochs: mlp.epochs,
      batchSize: mlp.batchSize,
      learningRate: mlp.learningRate,
    },
    trainedOn: provenance.trainedOn,
    report,
  });
}
