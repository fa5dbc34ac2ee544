import { createMatrix, type Matrix } from './matrix.ts';

/** Per-feature mean and standard deviation, as saved with a model. */
export interface ScalerState {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Fits standard scaling (zero mean, unit variance per column). A constant column gets std 1. */
export function fitScaler(matrix: Matrix): ScalerState {
  const { rows, cols, data } = matrix;
  if (rows === 0) throw new RangeError('cannot fit a scaler on no rows');
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += data[r * cols + c] as number;
    const m = sum / rows;
    let squares = 0;
    for (let r = 0; r < rows; r++) squares += ((data[r * cols + c] as number) - m) ** 2;
    mean[c] = m;
    std[c] = Math.sqrt(squares / rows) || 1;
  }
  return { mean, std };
}

export function scale(state: ScalerState, matrix: Matrix): Matrix {
  const { rows, cols, data } = matrix;
  if (state.mean.length !== cols)
    throw new RangeError(`scaler has ${state.mean.length} features, data has ${cols}`);
  const out = createMatrix(rows, cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out.data[r * cols + c] =
        ((data[r * cols + c] as number) - (state.mean[c] as number)) / (state.std[c] as number);
    }
  }
  return out;
}

export function unscale(state: ScalerState, matrix: Matrix): Matrix {
  const { rows, cols, data } = matrix;
  const out = createMatrix(rows, cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out.data[r * cols + c] =
        (data[r * cols + c] as number) * (state.std[c] as number) + (state.mean[c] as number);
    }
  }
  return out;
}
