/**
 * The numeric kernels of examples/kernels.ts as measurements, defined once
 * for `deno bench` (bench/kernels_bench.ts) and the comparison
 * (bench/compare.ts): each kernel as a plain TypeScript loop and through a
 * fast call into every code path this CPU runs.
 *
 * @module
 */

import {
  availablePaths,
  type KernelPath,
  kernels,
  values,
} from "../examples/kernels.ts";
import * as reference from "../examples/kernels/reference.ts";

/** Elements of the dot product and `a*x + y` vectors (cache-resident). */
export const VECTOR_LENGTH = 4096;
/** The convolved image's side. */
export const IMAGE_SIDE = 256;

/** One kernel measurement. */
export interface KernelOperation {
  /** The kernel: `"dot"`, `"axpy"` or `"convolve"`. */
  kernel: string;
  /** `"typescript"` or a code path. */
  path: "typescript" | KernelPath;
  /** A key for the tables. */
  name: string;
  /** What is measured, for people. */
  label: string;
  /** Runs per timed trial. */
  iterations: number;
  /** Runs the kernel once. */
  run(): number;
}

/**
 * Builds the measurements: the inputs, and for every path its committed
 * kernels (kept for the life of the process).
 *
 * @returns Them, TypeScript first within each kernel.
 */
export function createKernelOperations(): KernelOperation[] {
  const n = VECTOR_LENGTH;
  const x = values(n, 1);
  const y = values(n, 2);
  const side = IMAGE_SIDE;
  const image = Float32Array.from(values(side * side, 3));
  const weights = Float32Array.from(values(9, 4));
  const out = new Float32Array((side - 2) * (side - 2));
  const labels = {
    dot: `dot product of two ${n}-element Float64Arrays`,
    axpy: `y = a*x + y over ${n}-element Float64Arrays`,
    convolve: `3x3 convolution of a ${side}x${side} Float32Array`,
  };
  const operations: KernelOperation[] = [];
  const add = (
    kernel: keyof typeof labels,
    path: "typescript" | KernelPath,
    iterations: number,
    run: () => number,
  ) =>
    operations.push({
      kernel,
      path,
      name: `${kernel}_${path}`,
      label: `${labels[kernel]}: ${
        path === "typescript" ? "TypeScript loop" : path
      }`,
      iterations,
      run,
    });
  const paths = availablePaths().map((path) => [path, kernels(path)] as const);
  const length = BigInt(n);
  // Each run returns its result rather than adding it to a variable the
  // closure shares: V8 compiles `sink += dot(...)` in a closure, with dot
  // inlined, about 7x slower than dot alone (measured here), which would
  // flatter the JIT'd code.
  add("dot", "typescript", 2000, () => reference.dot(x, y));
  for (const [path, k] of paths) {
    add("dot", path, 2000, () => k.dot(x, y, length));
  }
  // A tiny scale keeps y finite over millions of runs.
  add("axpy", "typescript", 2000, () => {
    reference.axpy(1e-12, x, y);
    return y[0];
  });
  for (const [path, k] of paths) {
    add("axpy", path, 2000, () => {
      k.axpy(1e-12, x, y, length);
      return y[0];
    });
  }
  add("convolve", "typescript", 20, () => {
    reference.convolve3x3(image, out, weights, side, side);
    return out[0];
  });
  const bigSide = BigInt(side);
  for (const [path, k] of paths) {
    add("convolve", path, 200, () => {
      k.convolve3x3(image, out, weights, bigSide, bigSide);
      return out[0];
    });
  }
  return operations;
}

/**
 * The TypeScript dot product timed through a call site of its own, its
 * result used. V8 runs the same loop anywhere from 2.4 to 17 µs a call
 * here, depending on how it compiled it and how it is reached (behind the
 * comparison's shared call site it stays near 16 µs); the comparison
 * judges the JIT'd code against the fastest trial of this one.
 *
 * @param iterations Calls per trial.
 * @returns Nanoseconds per call.
 */
export function bestTypeScriptDot(iterations = 2000): number {
  const x = values(VECTOR_LENGTH, 1);
  const y = values(VECTOR_LENGTH, 2);
  const run = () => reference.dot(x, y);
  let total = 0;
  const loop = (count: number) => {
    for (let n = 0; n < count; n++) total += run();
  };
  loop(iterations);
  const start = performance.now();
  loop(iterations);
  const ns = (performance.now() - start) * 1e6 / iterations;
  if (!(total > 0)) throw new Error("the dot products were lost");
  return ns;
}
