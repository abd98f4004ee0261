/**
 * Numeric kernels JIT'd from TypeScript: a dot product, `a*x + y` and a
 * 3×3 convolution over typed arrays, in SSE2, AVX2 + FMA and NEON
 * variants picked by `cpuFeatures()`. Each is checked against a plain
 * TypeScript loop and timed against it.
 *
 * ```sh
 * deno run --allow-ffi examples/kernels.ts           # check and time
 * deno run --allow-ffi examples/kernels.ts --check   # check only
 * ```
 *
 * @module
 */

import { CodePool, cpuFeatures, type NativeFunction } from "../mod.ts";
import * as a64 from "./kernels/aarch64.ts";
import * as reference from "./kernels/reference.ts";
import { AXPY, CONVOLVE, DOT, type KernelPath } from "./kernels/signatures.ts";
import * as x86 from "./kernels/x86_64.ts";

export { AXPY, CONVOLVE, DOT, type KernelPath };

/** The paths this CPU can run, best last. */
export function availablePaths(): KernelPath[] {
  const cpu = cpuFeatures();
  if (cpu.arch === "aarch64") return cpu.has("asimd") ? ["neon"] : [];
  return cpu.has("avx2") && cpu.has("fma") ? ["sse2", "avx2+fma"] : ["sse2"];
}

/** The three kernels of one path, committed and bound as fast calls. */
export interface Kernels extends Disposable {
  /** The path. */
  readonly path: KernelPath;
  /** `dot(x, y, n)`. */
  readonly dot: NativeFunction<typeof DOT>;
  /** `axpy(a, x, y, n)`: y = a*x + y. */
  readonly axpy: NativeFunction<typeof AXPY>;
  /** `convolve3x3(src, dst, k, width, height)`. */
  readonly convolve3x3: NativeFunction<typeof CONVOLVE>;
}

/**
 * Assembles, commits and binds the kernels of `path`.
 *
 * @param path One of {@linkcode availablePaths}.
 * @returns The kernels; dispose of them to release their memory.
 */
export function kernels(path: KernelPath): Kernels {
  const avx = path === "avx2+fma";
  const code = path === "neon"
    ? [a64.dotProduct(), a64.axpy(), a64.convolve3x3()]
    : [x86.dotProduct(avx), x86.axpy(avx), x86.convolve3x3(avx)];
  const pool = new CodePool();
  const [dot, axpy, convolve3x3] = pool.addMany(code);
  return {
    path,
    dot: dot.asFunction(DOT, { fast: true }),
    axpy: axpy.asFunction(AXPY, { fast: true }),
    convolve3x3: convolve3x3.asFunction(CONVOLVE, { fast: true }),
    [Symbol.dispose]: () => pool[Symbol.dispose](),
  };
}

/** Deterministic values in [0.5, 1.5): relative errors stay meaningful. */
export function values(length: number, seed: number): Float64Array {
  const out = new Float64Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = 0.5 + state / 2 ** 32;
  }
  return out;
}

/** The median time of `run`, in microseconds, over batches of calls. */
function microseconds(run: () => void): number {
  for (let i = 0; i < 200; i++) run();
  const samples: number[] = [];
  for (let batch = 0; batch < 15; batch++) {
    const start = performance.now();
    for (let i = 0; i < 100; i++) run();
    samples.push((performance.now() - start) * 10);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

function relativeError(ours: number, theirs: number): number {
  return Math.abs(ours - theirs) / Math.abs(theirs);
}

function main(timed: boolean): void {
  const time = (run: () => void): number => timed ? microseconds(run) : 0;
  const n = 4096;
  const x = values(n, 1);
  const y = values(n, 2);
  const width = 256;
  const height = 256;
  const image = Float32Array.from(values(width * height, 3));
  const weights = Float32Array.from(
    [1, 2, 1, 2, 4, 2, 1, 2, 1].map((w) => w / 16),
  );
  const out = new Float32Array((width - 2) * (height - 2));
  const expected = new Float32Array(out.length);
  reference.convolve3x3(image, expected, weights, width, height);
  const rows: string[][] = [[
    "kernel",
    "TypeScript",
    ...availablePaths().flatMap((path) => [path, "speed-up"]),
  ]];
  const times = {
    dot: [time(() => reference.dot(x, y))],
    axpy: [time(() => reference.axpy(1e-9, x, y))],
    convolve: [
      time(() => reference.convolve3x3(image, out, weights, width, height)),
    ],
  };
  for (const path of availablePaths()) {
    using k = kernels(path);
    const dot = k.dot(x, y, BigInt(n));
    const error = relativeError(dot, reference.dot(x, y));
    if (!(error <= 1e-12)) {
      throw new Error(`${path} dot: relative error ${error}`);
    }
    const ours = y.slice();
    const theirs = y.slice();
    k.axpy(0.75, x, ours, BigInt(n));
    reference.axpy(0.75, x, theirs);
    theirs.forEach((value, i) => {
      if (!(relativeError(ours[i], value) <= 1e-12)) {
        throw new Error(
          `${path} axpy: element ${i} is ${ours[i]}, not ${value}`,
        );
      }
    });
    k.convolve3x3(image, out, weights, BigInt(width), BigInt(height));
    expected.forEach((value, i) => {
      if (!(relativeError(out[i], value) <= 1e-6)) {
        throw new Error(
          `${path} convolve3x3: pixel ${i} is ${out[i]}, not ${value}`,
        );
      }
    });
    times.dot.push(time(() => k.dot(x, y, BigInt(n))));
    times.axpy.push(time(() => k.axpy(1e-9, x, y, BigInt(n))));
    times.convolve.push(
      time(() =>
        k.convolve3x3(image, out, weights, BigInt(width), BigInt(height))
      ),
    );
    console.log(`${path}: dot, axpy and convolve3x3 agree with TypeScript`);
    if (!timed) continue;
  }
  if (!timed) return;
  const label = {
    dot: `dot product, ${n} f64`,
    axpy: `a*x + y, ${n} f64`,
    convolve: `3x3 convolution, ${width}x${height} f32`,
  };
  for (const [name, [typescript, ...paths]] of Object.entries(times)) {
    rows.push([
      label[name as keyof typeof label],
      `${typescript.toFixed(2)} µs`,
      ...paths.flatMap((
        t,
      ) => [`${t.toFixed(2)} µs`, `${(typescript / t).toFixed(1)}x`]),
    ]);
  }
  console.log(`\nMedian time per call (${cpuFeatures().arch}):`);
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map((r) => r[c].length))
  );
  for (const row of rows) {
    console.log(
      row.map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])
      ).join("  "),
    );
  }
}

if (import.meta.main) main(!Deno.args.includes("--check"));
