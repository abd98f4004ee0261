/**
 * The numeric kernels' native signatures, shared by their x86-64 and
 * AArch64 code and by whoever calls them.
 *
 * @module
 */

/** `f64 dot(const f64 *x, const f64 *y, usize n)`. */
export const DOT = {
  parameters: ["buffer", "buffer", "usize"],
  result: "f64",
} as const satisfies Deno.ForeignFunction;

/** `void axpy(f64 a, const f64 *x, f64 *y, usize n)`: y = a*x + y. */
export const AXPY = {
  parameters: ["f64", "buffer", "buffer", "usize"],
  result: "void",
} as const satisfies Deno.ForeignFunction;

/**
 * `void convolve3x3(const f32 *src, f32 *dst, const f32 k[9], usize width,
 * usize height)`: `dst` is `(width-2) × (height-2)`, each pixel the sum of
 * `k[3i+j] * src[(y+i)*width + x+j]`, taps in that order.
 */
export const CONVOLVE = {
  parameters: ["buffer", "buffer", "buffer", "usize", "usize"],
  result: "void",
} as const satisfies Deno.ForeignFunction;

/** The code paths, by the instruction sets they need. */
export type KernelPath = "sse2" | "avx2+fma" | "neon";
