/** A dense row-major matrix of float64: what features, centroids and scaled inputs travel as. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function createMatrix(
  rows: number,
  cols: number,
  data: Float64Array = new Float64Array(rows * cols),
): Matrix {
  if (data.length !== rows * cols)
    throw new RangeError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  return { rows, cols, data };
}

export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const matrix = createMatrix(rows.length, cols);
  rows.forEach((row, index) => {
    if (row.length !== cols) throw new RangeError(`row ${index} has ${row.length} values, expected ${cols}`);
    matrix.data.set(row, index * cols);
  });
  return matrix;
}

export function matrixToRows(matrix: Matrix): number[][] {
  return Array.from({ length: matrix.rows }, (_, row) => [
    ...matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols),
  ]);
}

/** The rows at `indexes`, in that order. */
export function selectRows(matrix: Matrix, indexes: ArrayLike<number>): Matrix {
  const out = createMatrix(indexes.length, matrix.cols);
  for (let i = 0; i < indexes.length; i++) {
    const row = indexes[i] as number;
    out.data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), i * matrix.cols);
  }
  return out;
}

export function selectValues(values: Int32Array, indexes: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indexes.length);
  for (let i = 0; i < indexes.length; i++) out[i] = values[indexes[i] as number] as number;
  return out;
}
