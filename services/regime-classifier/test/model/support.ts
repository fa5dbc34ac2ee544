import { createRandom } from '@tributary/sensors';
import type { BackendPreference } from '../../src/model/backend.ts';
import { type Matrix, matrixFromRows } from '../../src/model/matrix.ts';

/** Gaussian blobs around `centres`, `perBlob` points each, and the blob each point came from. */
export function blobs(
  centres: number[][],
  perBlob: number,
  spread: number,
  seed: number,
): { data: Matrix; truth: number[] } {
  const random = createRandom(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < perBlob; i++) {
    centres.forEach((centre, blob) => {
      rows.push(centre.map((value) => random.normal(value, spread)));
      truth.push(blob);
    });
  }
  return { data: matrixFromRows(rows), truth };
}

/** The backend the model tests run on: auto (the fastest that loads) unless REGIME_TEST_BACKEND names one. */
export function backendUnderTest(): BackendPreference {
  return (process.env.REGIME_TEST_BACKEND as BackendPreference | undefined) ?? 'auto';
}
