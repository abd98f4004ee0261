/**
 * The assembler measurements, defined once for `deno bench`
 * (bench/assembler_bench.ts) and the comparison (bench/compare.ts):
 * assembling the 1M-instruction mix per CPU, `ret()` alone, 1M
 * instructions with 60,000 labels laid out, the BCPL demo compiled from
 * source to callable code, the cycle from assembling a small function to
 * calling it once and releasing it, and GNU as on the same mix.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import * as a64 from "../arch/aarch64.ts";
import * as x86 from "../arch/x86_64.ts";
import { assembledCode } from "../arch/assembler.ts";
import { CodePool } from "../mod.ts";
import { check, compile, NativeProgram } from "../examples/bcpl/compiler.ts";
import { readSource } from "../examples/bcpl/source_file.ts";
import {
  a64MixSource,
  BLOCK,
  emitA64Branchy,
  emitA64Mix,
  emitX86Branchy,
  emitX86Mix,
  x86MixSource,
} from "./assembler_programs.ts";

/** Instructions in the mix programs. */
export const MIX_INSTRUCTIONS = 1_000_000;
const MIX_BLOCKS = MIX_INSTRUCTIONS / BLOCK;
/** `ret()`s per run of the `ret()` measurement. */
export const RETS_PER_RUN = 100_000;
/** Labels in the label-heavy program. */
export const LABELS = 60_000;

/** One assembler measurement. */
export interface AssemblerOperation {
  /** A key for the tables. */
  name: string;
  /** What is measured, for people. */
  label: string;
  /** Runs per timed trial in the comparison. */
  iterations: number;
  /** How many instructions one run emits (for rates), if that matters. */
  instructions?: number;
  /** How many operations one run performs (default 1). */
  batch?: number;
  /** Performs the operation; returns the code's size where there is one. */
  run(): number;
}

let sink = 0;

/** The BCPL demo program's source and path. */
function demoProgram(): { file: string; source: string } {
  const file = fileURLToPath(
    new URL("../examples/bcpl/programs/demo.b", import.meta.url),
  );
  return { file, source: readSource(file) };
}

/** A 10-instruction function for the host CPU: f(x) = ((x + 1) * 3 ...). */
function assembleSmall(): x86.Assembler | a64.Assembler {
  if (Deno.build.arch === "x86_64") {
    const [first] = x86.callingConvention().integerArguments;
    return new x86.Assembler()
      .mov(x86.rax, first).add(x86.rax, 1).imul(x86.rax, x86.rax, 3)
      .sub(x86.rax, 2).xor(x86.ecx, x86.ecx).add(x86.rax, x86.rcx)
      .shl(x86.rax, 1).sar(x86.rax, 1).test(x86.rax, x86.rax).ret();
  }
  return new a64.Assembler()
    .add(a64.x0, a64.x0, 1).mov(a64.x1, 3).mul(a64.x0, a64.x0, a64.x1)
    .sub(a64.x0, a64.x0, 2).mov(a64.x2, 0).add(a64.x0, a64.x0, a64.x2)
    .lsl(a64.x0, a64.x0, 1).asr(a64.x0, a64.x0, 1).cmp(a64.x0, 0).ret();
}

/**
 * Builds the measurements.
 *
 * @returns Every assembler measurement, in table order.
 */
export function createAssemblerOperations(): AssemblerOperation[] {
  const demo = demoProgram();
  const pool = new CodePool();
  const small = { parameters: ["i64"], result: "i64" } as const;
  return [
    {
      name: "mix_x86_64",
      label: "x86-64: assemble the 1M-instruction mix (bytes() included)",
      iterations: 10,
      instructions: MIX_INSTRUCTIONS,
      run(): number {
        const a = new x86.Assembler();
        emitX86Mix(a, MIX_BLOCKS);
        return a.bytes().length;
      },
    },
    {
      name: "mix_aarch64",
      label: "AArch64: assemble the 1M-instruction mix (bytes() included)",
      iterations: 10,
      instructions: MIX_INSTRUCTIONS,
      run(): number {
        const a = new a64.Assembler();
        emitA64Mix(a, MIX_BLOCKS);
        return a.bytes().length;
      },
    },
    {
      name: "ret_x86_64",
      label: "x86-64: one ret()",
      iterations: 20,
      batch: RETS_PER_RUN,
      run(): number {
        const a = new x86.Assembler();
        for (let n = 0; n < RETS_PER_RUN; n++) a.ret();
        return RETS_PER_RUN;
      },
    },
    {
      name: "ret_aarch64",
      label: "AArch64: one ret()",
      iterations: 20,
      batch: RETS_PER_RUN,
      run(): number {
        const a = new a64.Assembler();
        for (let n = 0; n < RETS_PER_RUN; n++) a.ret();
        return RETS_PER_RUN * 4;
      },
    },
    {
      name: "labels_x86_64",
      label: "x86-64: 1M instructions, 60,000 labels, emitted and laid out",
      iterations: 5,
      run(): number {
        const a = new x86.Assembler();
        emitX86Branchy(a, MIX_INSTRUCTIONS, LABELS);
        return a.bytes().length;
      },
    },
    {
      name: "labels_aarch64",
      label: "AArch64: 1M instructions, 60,000 labels, emitted and laid out",
      iterations: 5,
      run(): number {
        const a = new a64.Assembler();
        emitA64Branchy(a, MIX_INSTRUCTIONS, LABELS);
        return a.bytes().length;
      },
    },
    {
      name: "bcpl_compile",
      label: "BCPL demo.b: source to callable code (parse, generate, commit)",
      iterations: 50,
      run(): number {
        const compiled = compile(check(demo.source, demo.file));
        using program = new NativeProgram(compiled);
        sink += program.fast ? 1 : 0;
        return compiled.bytes.length;
      },
    },
    {
      name: "small_cycle",
      label:
        "assemble 10 instructions + CodePool add + fast bind + call + release",
      iterations: 20_000,
      run(): number {
        const span = pool.add(assembleSmall());
        sink += Number(span.asFunction(small, { fast: true })(20n));
        span.release();
        return 0;
      },
    },
  ];
}

/**
 * Times GNU as on the mix: the source is written once, then each trial
 * runs the assembler on it (process start included, as in a build).
 *
 * @param arch Which CPU's mix.
 * @param directory Where the source may be written.
 * @returns A function timing one run in milliseconds, or `undefined` when
 *   that assembler is not installed.
 */
export async function gnuAsTimer(
  arch: "x86_64" | "aarch64",
  directory: string,
): Promise<(() => Promise<number>) | undefined> {
  const command = arch === "x86_64" ? "as" : "aarch64-linux-gnu-as";
  const source = `${directory}/mix_${arch}.s`;
  await Deno.writeTextFile(
    source,
    arch === "x86_64" ? x86MixSource(MIX_BLOCKS) : a64MixSource(MIX_BLOCKS),
  );
  const run = async (): Promise<number> => {
    const start = performance.now();
    const result = await new Deno.Command(command, {
      args: ["-o", `${directory}/mix_${arch}.o`, source],
      stderr: "piped",
    }).output();
    if (!result.success) {
      throw new Error(
        `${command} failed: ${new TextDecoder().decode(result.stderr)}`,
      );
    }
    return performance.now() - start;
  };
  try {
    await run();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  return run;
}

/**
 * Bytes allocated per instruction while assembling the mix and laying it
 * out as `CodeBuffer.commit(assembler)` does (without the copy `bytes()`
 * adds): the growth of the heap and of array buffers over a run, what of
 * it the assembler keeps (its buffers), and the garbage, the difference.
 * Every assembler made stays reachable until the end, so that no buffer
 * freed on the way blurs the figures. Needs `--v8-flags=--expose-gc`.
 *
 * @param arch Which CPU's mix.
 * @returns Bytes per instruction, or `undefined` without `gc()`.
 */
export async function allocationPerInstruction(
  arch: "x86_64" | "aarch64",
): Promise<
  { allocated: number; retained: number; garbage: number } | undefined
> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  const instructions = 100_000;
  const blocks = instructions / BLOCK;
  const used = (): number => {
    const usage = Deno.memoryUsage();
    return usage.heapUsed + usage.external;
  };
  // Array buffers are accounted as they are freed, a turn later.
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  const alive: (x86.Assembler | a64.Assembler)[] = [];
  const assemble = (): void => {
    const a = arch === "x86_64" ? new x86.Assembler() : new a64.Assembler();
    if (a instanceof x86.Assembler) emitX86Mix(a, blocks);
    else emitA64Mix(a, blocks);
    assembledCode(a);
    alive.push(a);
  };
  for (let warm = 0; warm < 5; warm++) assemble();
  await settle();
  const before = used();
  assemble();
  const after = used();
  await settle();
  const retained = used() - before;
  sink += alive.length;
  return {
    allocated: (after - before) / instructions,
    retained: retained / instructions,
    garbage: (after - before - retained) / instructions,
  };
}

/** Keeps results alive, so that nothing is optimized away. */
export function assemblerSink(): number {
  return sink;
}
