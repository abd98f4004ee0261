/**
 * The project's demo (`deno task demo`): compiles `programs/demo.b` to
 * native code for this CPU and calling convention, runs it, then times the same work three ways:
 * compiled BCPL, the BCPL interpreter, and plain TypeScript.
 *
 * ```sh
 * deno run --allow-ffi examples/bcpl/demo.ts          # the demo
 * deno run --allow-ffi examples/bcpl/demo.ts --quick  # small sizes, one run each
 * ```
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import {
  check,
  type Checked,
  compile,
  describeTarget,
  NativeProgram,
  runInterpreted,
} from "./compiler.ts";
import { Output } from "./runtime.ts";
import { readSource } from "./source_file.ts";

const quick = Deno.args.includes("--quick");

function program(name: string): { file: string; source: string } {
  const file = fileURLToPath(new URL(`programs/${name}`, import.meta.url));
  return { file, source: readSource(file) };
}

function writeBytes(bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    at += Deno.stdout.writeSync(bytes.subarray(at));
  }
}

function write(text: string): void {
  writeBytes(new TextEncoder().encode(text));
}

// 1. The demo program, compiled and run.
const demo = program("demo.b");
const checked = check(demo.source, demo.file);
const code = compile(checked);
const names = code.functions.filter((fn) => !fn.name.startsWith("(")).map((
  fn,
) => fn.name);
{
  using native = new NativeProgram(code);
  write(
    `BCPL on ${
      describeTarget(code.arch, code.abi)
    }: demo.b compiled to ${code.bytes.length} bytes (${
      names.join(", ")
    }), committed with CodeBuffer, entered by ${
      native.fast ? "a fast call" : "an FFI call"
    }\n\n`,
  );
  const output = new Output(writeBytes);
  const result = native.run(output);
  output.flush();
  write(`\nstart() returned ${result}\n\n`);
}

// 2. The same work three ways.

/** A BCPL program with its size (the last number `pattern` matches) set. */
function sized(name: string, pattern: RegExp, value: number): Checked {
  const { file, source } = program(name);
  if (!pattern.test(source)) {
    throw new Error(`${name} no longer has ${pattern}`);
  }
  const resized = source.replace(
    pattern,
    (match) => match.replace(/\d+(?=\D*$)/, String(value)),
  );
  return check(resized, file);
}

function fibTs(n: number): number {
  return n < 2 ? n : fibTs(n - 1) + fibTs(n - 2);
}

function primesTs(limit: number): number {
  const composite = new Uint8Array(limit + 1);
  let count = 0;
  for (let i = 2; i <= limit - 1; i++) {
    if (composite[i]) continue;
    count++;
    for (let multiple = i * i; multiple < limit; multiple += i) {
      composite[multiple] = 1;
    }
  }
  return count;
}

/** Milliseconds per run: the median of as many runs as fit in ~0.5 s (at least 3). */
function time(run: () => number | bigint): { ms: number; value: bigint } {
  const value = BigInt(run()); // also warms up
  const samples: number[] = [];
  const budget = performance.now() + 500;
  while (
    samples.length < (quick ? 1 : 3) ||
    (!quick && performance.now() < budget && samples.length < 200)
  ) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[samples.length >> 1], value };
}

const fibN = quick ? 20 : 30;
const limit = quick ? 10000 : 100000;
const work = [
  {
    name: `fib(${fibN})`,
    bcpl: sized("fib.b", /start\(\) = fib\(30\)/, fibN),
    ts: () => fibTs(fibN),
  },
  {
    name: `primes below ${limit}`,
    bcpl: sized("sieve.b", /LIMIT = 100000/, limit),
    ts: () => primesTs(limit),
  },
];

const rows = work.map(({ name, bcpl, ts }) => {
  using native = new NativeProgram(compile(bcpl));
  const compiled = time(() => native.run(new Output()));
  const interpreted = time(() => runInterpreted(bcpl, new Output()));
  const typescript = time(ts);
  if (
    compiled.value !== interpreted.value || compiled.value !== typescript.value
  ) {
    throw new Error(`${name}: the three results differ`);
  }
  return {
    name: `${name} = ${compiled.value}`,
    compiled,
    interpreted,
    typescript,
  };
});

const ms = (value: number): string =>
  `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const table = [
  [
    "work",
    "native",
    "interpreter",
    "TypeScript",
    "interpreter/native",
    "native/TypeScript",
  ],
  ...rows.map((row) => [
    row.name,
    ms(row.compiled.ms),
    ms(row.interpreted.ms),
    ms(row.typescript.ms),
    `${(row.interpreted.ms / row.compiled.ms).toFixed(1)}x`,
    `${(row.compiled.ms / row.typescript.ms).toFixed(2)}x`,
  ]),
];
const widths = table[0].map((_, column) =>
  Math.max(...table.map((row) => row[column].length))
);
write(
  `Timing the same work (median ms per run${
    quick ? ", --quick: one run" : ""
  }):\n`,
);
for (const row of table) {
  write(
    row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])
    ).join("  ") + "\n",
  );
}
