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
import { LIBHDR, LIBRARY } from "./library.ts";
import {
  DATA_BASE,
  FUNCTION_TAG,
  GLOBAL_WORDS,
  globalWord,
  Header,
  HEAP_WORDS,
  LoaderGlobal,
} from "./memory.ts";
import { type HeaderReader, ProgramParser } from "./parser.ts";
import { allocateRegisters } from "./registers.ts";
import { BcplRuntimeError, type Output, RuntimeOp, Status } from "./runtime.ts";
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
  /** Each function's place in the code: the entry stub first. */
  functions: { name: string; offset: number; size: number }[];
  /** The program's static data (memory.ts), from word DATA_BASE. */
  data: bigint[];
  /** Globals that start out holding a function: its number. */
  globalFunctions: { number: number; index: number }[];
  /**
   * Where longjump may land, for the landing table: offsets in the code,
   * and the byte offset of the function's marker from its level.
   */
  landings: { offset: number; marker: number }[];
  /** The landing table's first static word. */
  landingBase: number;
  /** The code tables' first static word (the function table's), after the heap. */
  codeBase: number;
  /** How many words the code tables take. */
  codeWords: number;
  /** Static words that hold code addresses (jump tables): code offsets. */
  codeAddresses: { word: number; offset: number }[];
}

/** How {@linkcode check} finds the files of `GET "name"`. */
export interface CheckOptions {
  /**
   * Reads a header other than `libhdr` (default: none can be read); the
   * command line reads files beside the source.
   */
  readHeader?: HeaderReader;
}

/**
 * Parses and checks BCPL source.
 *
 * @param source The program text.
 * @param file Its name, for messages.
 * @returns The program and the index of `start`.
 * @throws {BcplError} For syntax and name errors, with `file:line:col`.
 */
export function check(
  source: string,
  file = "<source>",
  options: CheckOptions = {},
): Checked {
  const parser = new ProgramParser(
    file,
    (name) => name === "libhdr" ? LIBHDR : options.readHeader?.(name),
  );
  parser.add(LIBRARY, "libhdr", true);
  parser.add(source, file);
  const program = parser.program;
  // The program's own functions first: the library's follow them.
  program.functions = [
    ...program.functions.filter((fn) => !fn.library),
    ...program.functions.filter((fn) => fn.library),
  ];
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
  allocateRegisters(checked.program, checked.start, target.registerCount);
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
    data: checked.program.data!,
    globalFunctions: checked.program.globalFunctions!,
    landings: labels.landings.map((label, index) => ({
      offset: target.asm.offsetOf(label),
      marker: target.markers.get(
        checked.program.landings![index].function,
      )!,
    })),
    landingBase: checked.program.landingBase!,
    codeBase: checked.program.codeBase!,
    codeWords: checked.program.codeWords!,
    codeAddresses: labels.tables.flatMap(({ word, labels }) =>
      labels.map((label, index) => ({
        word: word + index,
        offset: target.asm.offsetOf(label),
      }))
    ),
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
  readonly #entry: ((memory: Uint8Array) => number | bigint) & {
    readonly fast: boolean;
  };
  readonly #compiled: Compiled;
  /** The program's static memory (memory.ts); its header is the runtime's. */
  readonly #memory: BigInt64Array;
  readonly #bytes: Uint8Array;
  /** Each function's code address, for the function table. */
  readonly #functionAddresses: bigint[];
  /** Where the code starts. */
  readonly #codeBase: bigint;
  /** The landing table: each landing's code address and marker offset. */
  readonly #landingTable: bigint[];
  #output: Output | null = null;
  readonly #callback = new Deno.UnsafeCallback(
    { parameters: ["i64", "i64"], result: "i64" } as const,
    (op, value) => {
      if (Number(op) === RuntimeOp.Rdch) return this.#output!.rdch();
      this.#output!.wrch(BigInt(value));
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
    this.#compiled = compiled;
    this.#memory = new BigInt64Array(compiled.codeBase + compiled.codeWords);
    this.#bytes = new Uint8Array(this.#memory.buffer);
    try {
      // Named, so that profilers and debuggers show BCPL's functions
      // (see enablePerfMap() and enableDebuggerRegistration()).
      const code = this.#buffer.commit(compiled.assembler, {
        symbols: compiled.functions
          .filter((fn) => fn.size > 0)
          .map((fn) => ({ ...fn, name: symbolName(fn.name) })),
      });
      const base = BigInt(Deno.UnsafePointer.value(code));
      this.#codeBase = base;
      this.#functionAddresses = compiled.functions.slice(1).map((fn) =>
        base + BigInt(fn.offset)
      );
      this.#landingTable = compiled.landings.flatMap(({ offset, marker }) => [
        base + BigInt(offset),
        BigInt(marker),
      ]);
      this.#entry = this.#buffer.asFunction(
        { parameters: ["buffer"], result: "i64" },
        0,
        { fast: true },
      );
    } catch (error) {
      this.close();
      throw error;
    }
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

  /** Sets the static memory up as a fresh program finds it. */
  #load(): void {
    const memory = this.#memory;
    const { data, globalFunctions } = this.#compiled;
    memory.fill(0n, 0, DATA_BASE);
    memory.set(data, DATA_BASE);
    memory.set(this.#functionAddresses, this.#compiled.codeBase);
    memory.set(this.#landingTable, this.#compiled.landingBase);
    for (const { word, offset } of this.#compiled.codeAddresses) {
      memory[word] = this.#codeBase + BigInt(offset);
    }
    memory[Header.Callback] = BigInt(
      Deno.UnsafePointer.value(this.#callback.pointer),
    );
    // Word addresses count from the block's start, as in the interpreter.
    const heap = BigInt(DATA_BASE + data.length);
    memory[globalWord(LoaderGlobal.GlobalSize)] = BigInt(GLOBAL_WORDS);
    memory[globalWord(LoaderGlobal.HeapTop)] = heap;
    memory[globalWord(LoaderGlobal.HeapEnd)] = heap + BigInt(HEAP_WORDS);
    // Native frames' vectors and address-taken slots, after the heap.
    memory[Header.FrameTop] = heap + BigInt(HEAP_WORDS);
    memory[Header.FrameEnd] = BigInt(this.#compiled.codeBase);
    for (const { number, index } of globalFunctions) {
      memory[globalWord(number)] = FUNCTION_TAG + BigInt(index);
    }
  }

  /**
   * Calls `start()` through the entry stub.
   *
   * @param output Where writes go, and what `rdch` reads.
   * @returns `start()`'s result (or `stop()`'s code).
   * @throws {BcplRuntimeError} When the program stops with a runtime error.
   */
  run(output: Output): bigint {
    this.#load();
    this.#output = output;
    try {
      const status = Number(this.#entry(this.#bytes));
      const result = this.#memory[Header.Result];
      if (status === Status.Stop) return result;
      if (status !== 0) throw BcplRuntimeError.fromStatus(status, result);
      return result;
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
 * name, the entry stub as `bcpl(entry)`.
 *
 * @param name The part's name in {@linkcode Compiled.functions}.
 * @returns The symbol name.
 */
export function symbolName(name: string): string {
  return name.startsWith("(") ? `bcpl${name}` : name;
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
