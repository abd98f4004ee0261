/**
 * The kernels as plain TypeScript loops: what the JIT'd code is checked
 * and timed against.
 *
 * @module
 */

/**
 * The dot product of two vectors.
 *
 * @param x The first vector.
 * @param y The second, as long.
 * @returns `Σ x[i]·y[i]`.
 */
export function dot(x: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
}

/**
 * `y = a*x + y`, in place.
 *
 * @param a The scale.
 * @param x The vector scaled.
 * @param y The vector added to, and the result.
 */
export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = a * x[i] + y[i];
}

/**
 * A 3×3 convolution of a `width × height` image into a
 * `(width-2) × (height-2)` one, in single precision, taps in row order.
 *
 * @param src The image.
 * @param dst The result.
 * @param k The nine weights.
 * @param width The image's width.
 * @param height The image's height.
 */
export function convolve3x3(
  src: Float32Array,
  dst: Float32Array,
  k: Float32Array,
  width: number,
  height: number,
): void {
  const outWidth = width - 2;
  for (let y = 0; y < height - 2; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = Math.fround(k[0] * src[y * width + x]);
      for (let tap = 1; tap < 9; tap++) {
        const i = (tap / 3) | 0;
        const j = tap % 3;
        sum = Math.fround(
          sum + Math.fround(k[tap] * src[(y + i) * width + x + j]),
        );
      }
      dst[y * outWidth + x] = sum;
    }
  }
}
