/** Small dense linear algebra for fitting the detector: row-major Float64Array matrices of n × n. */

/** Mean and covariance (divided by count − 1) of `count` rows of `width` values. */
export function meanAndCovariance(rows: Float64Array, count: number, width: number): { mean: Float64Array; covariance: Float64Array } {
  const mean = new Float64Array(width);
  for (let r = 0; r < count; r++) for (let c = 0; c < width; c++) mean[c]! += rows[r * width + c]!;
  for (let c = 0; c < width; c++) mean[c]! /= count;
  const covariance = new Float64Array(width * width);
  const centered = new Float64Array(width);
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < width; c++) centered[c] = rows[r * width + c]! - mean[c]!;
    for (let i = 0; i < width; i++) {
      const ci = centered[i]!;
      for (let j = i; j < width; j++) covariance[i * width + j]! += ci * centered[j]!;
    }
  }
  for (let i = 0; i < width; i++) {
    for (let j = i; j < width; j++) {
      const value = covariance[i * width + j]! / (count - 1);
      covariance[i * width + j] = value;
      covariance[j * width + i] = value;
    }
  }
  return { mean, covariance };
}

/** The lower-triangular L with L·Lᵀ = `matrix` (Cholesky–Banachiewicz); throws if not positive definite. */
export function cholesky(matrix: Float64Array, n: number): Float64Array {
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= lower[i * n + k]! * lower[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error(`covariance is not positive definite at row ${i}`);
        lower[i * n + i] = Math.sqrt(sum);
      } else {
        lower[i * n + j] = sum / lower[j * n + j]!;
      }
    }
  }
  return lower;
}

/** The inverse of a lower-triangular matrix, by forward substitution. */
export function invertLowerTriangular(lower: Float64Array, n: number): Float64Array {
  const inverse = new Float64Array(n * n);
  for (let column = 0; column < n; column++) {
    for (let i = column; i < n; i++) {
      let sum = i === column ? 1 : 0;
      for (let k = column; k < i; k++) sum -= lower[i * n + k]! * inverse[k * n + column]!;
      inverse[i * n + column] = sum / lower[i * n + i]!;
    }
  }
  return inverse;
}

/** Transpose of an n × n matrix. */
export function transpose(matrix: Float64Array, n: number): Float64Array {
  const result = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) result[j * n + i] = matrix[i * n + j]!;
  return result;
}
