/**
 * The BCPL benchmarks side by side: the scheduler simulation (1,000,000
 * iterations), N-queens 1..14 and fib(30), each compiled by the BCPL
 * compiler and run natively, interpreted, as plain TypeScript
 * (bench/bcpl/*.ts) and as C built with `cc -O2` (bench/bcpl/*.c, which
 * time themselves, leaving process start-up out). Part of
 * `deno task bench:compare`.
 *
 * The interpreter would take minutes on the full runs, so it is timed on
 * smaller ones (scheduler 10,000, queens 1..9, fib(22)) beside the compiled
 * code on the same smaller runs.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import {
  check,
  compile,
  NativeProgram,
  runInterpreted,
} from "../examples/bcpl/compiler.ts";
import { Output } from "../examples/bcpl/runtime.ts";
import { fib } from "./bcpl/fib.ts";
import { queens } from "./bcpl/queens.ts";
import { scheduler } from "./bcpl/scheduler.ts";

const here = (relative: string): string =>
  fileURLToPath(new URL(relative, import.meta.url));

/** One BCPL benchmark in its four forms. */
export interface BcplBenchmark {
  name: string;
  label: string;
  /** The BCPL source of the full run, and of the interpreter's smaller one. */
  source: string;
  smallSource: string;
  /** What the smaller run is, for the table. */
  small: string;
  /** The TypeScript version of the full run. */
  typescript(): unknown;
  /** The C program and its arguments for the full run. */
  c: [string, string];
}

function program(file: string): string {
  return Deno.readTextFileSync(here(`../examples/bcpl/programs/${file}`));
}

/**
 * A program with its MANIFEST constant `name` set to `value` (comment
 * lines left alone).
 *
 * @param source The program.
 * @param name The constant.
 * @param value Its new value.
 * @returns The program.
 */
export function resize(source: string, name: string, value: number): string {
  const pattern = new RegExp(`\\b${name} = [\\d_]+`);
  return source.split("\n").map((line) =>
    line.trimStart().startsWith("//")
      ? line
      : line.replace(pattern, `${name} = ${value}`)
  ).join("\n");
}

/**
 * The three benchmarks.
 *
 * @returns Them, with their sources resized by their MANIFEST constants.
 */
export function bcplBenchmarks(): BcplBenchmark[] {
  const scheduleSource = program("scheduler.b");
  const queensSource = resize(program("queens.b"), "MaxN", 14);
  return [
    {
      name: "scheduler",
      label: "scheduler simulation, 1,000,000 iterations",
      source: scheduleSource,
      smallSource: resize(scheduleSource, "Count", 10000),
      small: "10,000 iterations",
      typescript: () => scheduler(1_000_000),
      c: ["scheduler", "1000000"],
    },
    {
      name: "queens",
      label: "N-queens 1..14",
      source: queensSource,
      smallSource: resize(queensSource, "MaxN", 9),
      small: "1..9",
      typescript: () => {
        let total = 0;
        for (let n = 1; n <= 14; n++) total += queens(n);
        return total;
      },
      c: ["queens", "14"],
    },
    {
      name: "fib",
      label: "fib(30)",
      source: "LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)\n" +
        "LET start() = fib(30)\n",
      smallSource: "LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)\n" +
        "LET start() = fib(22)\n",
      small: "fib(22)",
      typescript: () => fib(30),
      c: ["fib", "30"],
    },
  ];
}

/** Milliseconds of one run of `run`. */
function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Builds the C programs; undefined where there is no `cc`. */
async function buildC(): Promise<string | undefined> {
  const out = here("out");
  await Deno.mkdir(out, { recursive: true });
  try {
    for (const name of ["scheduler", "queens", "fib"]) {
      const result = await new Deno.Command("cc", {
        args: ["-O2", "-o", `${out}/bcpl_${name}`, here(`bcpl/${name}.c`)],
      }).output();
      if (!result.success) return undefined;
    }
    return out;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Milliseconds a C program reports for its own run. */
async function cTime(
  out: string,
  [name, arg]: [string, string],
): Promise<number> {
  const result = await new Deno.Command(`${out}/bcpl_${name}`, {
    args: [arg],
    stdout: "null",
    stderr: "piped",
  }).output();
  const match = new TextDecoder().decode(result.stderr).match(/(\d+) ns/);
  if (!result.success || match === null) throw new Error(`${name} failed`);
  return Number(match[1]) / 1e6;
}

/**
 * Times every benchmark in every form and prints the table.
 *
 * @param trials Trials of each (the medians are shown).
 * @returns How many targets were missed.
 */
export async function compareBcpl(trials: number): Promise<number> {
  const out = await buildC();
  const rows: string[] = [];
  let missed = 0;
  const verdict = (met: boolean, target: string): string => {
    if (!met) missed++;
    return `${target} ${met ? "met" : "MISSED"}`;
  };
  for (const benchmark of bcplBenchmarks()) {
    using full = new NativeProgram(compile(check(benchmark.source)));
    using small = new NativeProgram(compile(check(benchmark.smallSource)));
    const smallChecked = check(benchmark.smallSource);
    const times = {
      compiled: [],
      small: [],
      interpreted: [],
      ts: [],
      c: [],
    } as Record<string, number[]>;
    benchmark.typescript(); // V8 compiles it first.
    for (let trial = 0; trial < trials; trial++) {
      times.compiled.push(time(() => full.run(new Output())));
      times.small.push(time(() => small.run(new Output())));
      times.ts.push(time(benchmark.typescript));
      if (out !== undefined) times.c.push(await cTime(out, benchmark.c));
    }
    // The interpreter is slow: three trials.
    for (let trial = 0; trial < 3; trial++) {
      times.interpreted.push(
        time(() => runInterpreted(smallChecked, new Output())),
      );
    }
    const compiled = median(times.compiled);
    const speedup = median(times.interpreted) / median(times.small);
    const ts = median(times.ts);
    const c = times.c.length > 0 ? median(times.c) : NaN;
    const targets = [
      verdict(speedup >= 20, "≥ 20× the interpreter"),
      verdict(compiled <= ts, "no slower than TypeScript"),
      ...(benchmark.name === "scheduler" && out !== undefined
        ? [verdict(compiled <= 2 * c, "≤ 2× C")]
        : []),
    ];
    rows.push(
      `| ${benchmark.label} | ${compiled.toFixed(1)} ms | ${
        median(times.interpreted).toFixed(0)
      } ms for ${benchmark.small} (${speedup.toFixed(0)}× slower) | ${
        ts.toFixed(1)
      } ms (${(ts / compiled).toFixed(2)}×) | ${
        out === undefined
          ? "–"
          : `${c.toFixed(1)} ms (${(compiled / c).toFixed(2)}×)`
      } | ${targets.join("; ")} |`,
    );
  }
  console.log(
    `\nBCPL programs: medians of ${trials} trials (interpreter: 3, on a ` +
      "smaller run, beside the compiled code on that run).\n",
  );
  console.log(
    "| program | compiled | interpreted | TypeScript (÷ compiled) | C -O2 (compiled ÷ C) | targets |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | --- |");
  for (const row of rows) console.log(row);
  return missed;
}

if (import.meta.main) {
  const missed = await compareBcpl(Number(Deno.env.get("TRIALS") ?? 11));
  if (missed > 0) console.log(`\n${missed} target(s) missed.`);
}
