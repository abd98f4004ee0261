/**
 * The BCPL compiler's driver: source to a checked program, to native code
 * for either CPU, and running that code.
 *
 * @module
 */

import { type AssemblerBase, CodeBuffer, type Instruction } from "../../mod.ts";
import {
  callingConvention,
  SYSTEM_V_X86_64,
  WINDOWS_X64,
} from "../../arch/x86_64.ts";
import type { Program } from "./ast.ts";
import { generate } from "./codegen.ts";
import { interpret } from "./interpreter.ts";
import { layOut } from "./layout.ts";
import { parse } from "./parser.ts";
import { BcplRuntimeError, type Output, RuntimeOp } from "./runtime.ts";
import { A64Target } from "./target_aarch64.ts";
import { X86Target } from "./target_x86_64.ts";

/** A parsed and checked program. */
export interface Checked {
  program: Program;
  start: number;
}

/** An x86-64 calling convention, by name: `"sysv"` or `"win64"`. */
export type Abi = "sysv" | "win64";

/** Native code of a program. */
export interface Compiled {
  arch: "x86_64" | "aarch64";
  /** The calling convention of x86-64 code (AArch64 has one). */
  abi?: Abi;
  /** The assembler holding the code: `CodeBuffer.commit()` copies it once. */
  assembler: AssemblerBase;
  /** One per instruction, made when asked for (listings). */
  readonly instructions: Instruction[];
  /** The code's bytes. */
  bytes: Uint8Array;
  /**
   * Each function's place in the code: the entry stub first, the string
   * constants last.
   */
  functions: { name: string; offset: number; size: number }[];
}

/**
 * Parses and checks BCPL source.
 *
 * @param source The program text.
 * @param file Its name, for messages.
 * @returns The program and the index of `start`.
 * @throws {BcplError} For syntax and name errors, with `file:line:col`.
 */
export function check(source: string, file = "<source>"): Checked {
  const program = parse(source, file);
  return { program, start: layOut(program) };
}

/**
 * Generates native code for a checked program.
 *
 * @param checked The program.
 * @param arch The CPU (default: this one).
 * @param abi For x86-64, the calling convention (default: this process's,
 *   so the code can run here); code for the other one can only be listed.
 * @returns The code and its function map.
 */
export function compile(
  checked: Checked,
  arch: "x86_64" | "aarch64" = Deno.build.arch as "x86_64" | "aarch64",
  abi: Abi = callingConvention().name,
): Compiled {
  const target = arch === "x86_64"
    ? new X86Target(abi === "win64" ? WINDOWS_X64 : SYSTEM_V_X86_64)
    : new A64Target();
  // The entry stub is at offset 0; named so that listings show it.
  target.bind(target.label("bcpl(entry)"));
  const labels = generate(checked.program, checked.start, target);
  const bytes = target.asm.bytes();
  const starts = [
    { name: "(entry)", offset: 0 },
    ...checked.program.functions.map((fn, index) => ({
      name: fn.name,
      offset: target.asm.offsetOf(labels.functions[index]),
    })),
  ];
  if (labels.strings !== undefined) {
    starts.push({
      name: "(strings)",
      offset: target.asm.offsetOf(labels.strings),
    });
  }
  const functions = starts.map((entry, index) => ({
    ...entry,
    size: (starts[index + 1]?.offset ?? bytes.length) - entry.offset,
  }));
  const assembler = target.asm;
  return {
    arch,
    ...(arch === "x86_64" ? { abi } : {}),
    assembler,
    get instructions(): Instruction[] {
      return assembler.instructions();
    },
    bytes,
    functions,
  };
}

/**
 * What code is for, in words: `"x86_64 (win64)"`, `"x86_64 (sysv)"`,
 * `"aarch64"`.
 *
 * @param arch The CPU.
 * @param abi For x86-64, the calling convention.
 * @returns The description.
 */
export function describeTarget(arch: Compiled["arch"], abi?: Abi): string {
  return arch === "x86_64" ? `x86_64 (${abi})` : arch;
}

/**
 * Compiled code committed to executable memory, ready to run any number of
 * times. Release it with `using` or {@linkcode NativeProgram.close}.
 */
export class NativeProgram implements Disposable {
  readonly #buffer = new CodeBuffer();
  readonly #entry: ((runtime: Uint8Array) => number | bigint) & {
    readonly fast: boolean;
  };
  // [0] stack limit, [1] output callback, [2] saved stack pointer, [3] result.
  readonly #runtime = new BigInt64Array(4);
  #output: Output | null = null;
  readonly #callback = new Deno.UnsafeCallback(
    { parameters: ["i64", "i64"], result: "i64" } as const,
    (op, value) => {
      const word = BigInt(value);
      if (Number(op) === RuntimeOp.Writen) this.#output!.writen(word);
      else if (Number(op) === RuntimeOp.Wrch) this.#output!.wrch(word);
      else this.#output!.writes(readString(word));
      return 0n;
    },
  );

  /**
   * Commits the code.
   *
   * @param compiled Code for this CPU and its calling convention.
   * @throws {Error} For code made for another CPU or convention.
   */
  constructor(compiled: Compiled) {
    const here = describeTarget(
      Deno.build.arch as Compiled["arch"],
      callingConvention().name,
    );
    const made = describeTarget(compiled.arch, compiled.abi);
    if (made !== here) {
      // Running it would call the host with arguments in the wrong places.
      this.close();
      throw new Error(`code for ${made} cannot run on ${here}`);
    }
    try {
      // Named, so that profilers and debuggers show BCPL's functions
      // (see enablePerfMap() and enableDebuggerRegistration()).
      this.#buffer.commit(compiled.assembler, {
        symbols: compiled.functions
          .filter((fn) => fn.size > 0)
          .map((fn) => ({ ...fn, name: symbolName(fn.name) })),
      });
      this.#entry = this.#buffer.asFunction(
        { parameters: ["buffer"], result: "i64" },
        0,
        { fast: true },
      );
    } catch (error) {
      this.close();
      throw error;
    }
    this.#runtime[1] = Deno.UnsafePointer.value(this.#callback.pointer);
  }

  /**
   * Whether the entry is called through a fast call (a trampoline V8 can
   * call directly), where the platform has them; otherwise through Deno's
   * ordinary FFI call.
   *
   * @returns Whether it is.
   */
  get fast(): boolean {
    return this.#entry.fast;
  }

  /**
   * Calls `start()` through the entry stub.
   *
   * @param output Where writes go.
   * @returns `start()`'s result.
   * @throws {BcplRuntimeError} When the program stops with a runtime error.
   */
  run(output: Output): bigint {
    this.#output = output;
    try {
      const status = Number(this.#entry(new Uint8Array(this.#runtime.buffer)));
      if (status !== 0) throw BcplRuntimeError.fromStatus(status);
      return this.#runtime[3];
    } finally {
      this.#output = null;
    }
  }

  /** Frees the code and the output callback. */
  close(): void {
    this.#buffer[Symbol.dispose]();
    this.#callback.close();
  }

  /** Same as {@linkcode NativeProgram.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Runs compiled code once: commits it, calls `start()`, frees it.
 *
 * @param compiled Code for this CPU.
 * @param output Where writes go.
 * @returns `start()`'s result.
 * @throws {BcplRuntimeError} When the program stops with a runtime error.
 */
export function runNative(compiled: Compiled, output: Output): bigint {
  using program = new NativeProgram(compiled);
  return program.run(output);
}

/**
 * The name tools show for a part of the code: a BCPL function by its own
 * name, the entry stub and the string constants as `bcpl(entry)` and
 * `bcpl(strings)`.
 *
 * @param name The part's name in {@linkcode Compiled.functions}.
 * @returns The symbol name.
 */
export function symbolName(name: string): string {
  return name.startsWith("(") ? `bcpl${name}` : name;
}

/** A string constant in the code: an 8-byte length, then its bytes. */
function readString(address: bigint): Uint8Array {
  const pointer = Deno.UnsafePointer.create(address)!;
  const length = Number(new Deno.UnsafePointerView(pointer).getBigUint64(0));
  const bytes = new Uint8Array(length);
  Deno.UnsafePointerView.copyInto(pointer, bytes, 8);
  return bytes;
}

/**
 * Runs a checked program in the interpreter.
 *
 * @param checked The program.
 * @param output Where writes go.
 * @returns `start()`'s result.
 * @throws {BcplRuntimeError} When the program stops with a runtime error.
 */
export function runInterpreted(checked: Checked, output: Output): bigint {
  return interpret(checked.program, checked.start, output);
}
