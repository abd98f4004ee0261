/**
 * One piece of code in a `CodePool`, and what it may ask of its pool.
 *
 * @module
 */

import type { NamedCode } from "./code_names.ts";
import { JITMemoryManagerError } from "./errors.ts";
import { codeBytes, type Instruction } from "./instruction.ts";
import {
  type AsFunctionOptions,
  type CodeRegion,
  createNativeFunction,
  type NativeFunction,
} from "./native_function.ts";
import type { Platform } from "./platform/types.ts";
import type { PoolBlock } from "./pool_block.ts";
import { checkInteger, checkRange } from "./validate.ts";

/** What a span may ask of its pool; one object per pool. */
export interface PoolAccess {
  readonly platform: Platform;
  /** Restores what a failed protection switch left writable. */
  restore(): void;
  release(span: Span): void;
  patch(span: Span, offset: number, bytes: Uint8Array): void;
}

/** A span's place and state, shared with its functions' guards. */
export interface Span extends CodeRegion {
  /**
   * `"writable"` only while a failed protection switch left its pages
   * writable (the pool restores them at its next operation).
   */
  state: "executable" | "writable" | "released";
  readonly block: PoolBlock<Span>;
  readonly granule: number;
  readonly granules: number;
  /** The span's address in the block's writable view. */
  readonly writable: Deno.PointerObject;
  /** The names given to its code, until it is released. */
  names?: NamedCode;
}

/** Makes the public face of a span (for the pool only). */
export let createSpan: (pool: PoolAccess, span: Span) => CodeSpan;

/**
 * One piece of code in a {@linkcode CodePool}: its executable address and
 * size, functions made from it, and its release.
 *
 * @example Patching and releasing
 * ```ts ignore
 * import { CodePool } from "@bcpl/jit-memory";
 *
 * using pool = new CodePool();
 * const span = pool.add(new Uint8Array([0xb8, 1, 0, 0, 0, 0xc3])); // x86-64: mov eax, 1; ret
 * const f = span.asFunction({ parameters: [], result: "i32" });
 * span.patch(1, new Uint8Array([2])); // mov eax, 2
 * console.log(f()); // 2
 * span.release(); // f() now throws; the bytes are int3
 * ```
 */
export class CodeSpan {
  readonly #pool: PoolAccess;
  readonly #span: Span;

  private constructor(pool: PoolAccess, span: Span) {
    this.#pool = pool;
    this.#span = span;
  }

  static {
    createSpan = (pool, span) => new CodeSpan(pool, span);
  }

  /**
   * The executable address of the code.
   *
   * @returns The pointer (stays the same after release).
   *
   * @example Passing the address to native code
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * console.log(pool.add(new Uint8Array([0xc3])).pointer);
   * ```
   */
  get pointer(): Deno.PointerObject {
    return this.#span.pointer;
  }

  /**
   * The size of the code.
   *
   * @returns Bytes, as added.
   *
   * @example Size
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * console.log(pool.add(new Uint8Array([0x90, 0xc3])).size); // 2
   * ```
   */
  get size(): number {
    return this.#span.size;
  }

  /**
   * Whether the span was released (or its pool disposed).
   *
   * @returns `true` after `release()`.
   *
   * @example After release
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0xc3]));
   * span.release();
   * console.log(span.released); // true
   * ```
   */
  get released(): boolean {
    return this.#span.state === "released";
  }

  /**
   * A callable function of the span's code, guarded and fast-called as
   * those of `JITMemoryManager.asFunction()`.
   *
   * @param definition Parameter and result types, as for `Deno.dlopen`.
   * @param options `{ fast }`, see `AsFunctionOptions`.
   * @returns The callable; it throws `NOT_ALLOCATED` after `release()`.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED` after release,
   * `INVALID_ARGUMENT` for a bad definition.
   *
   * @example Calling
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0x8d, 0x04, 0x37, 0xc3])); // x86-64 lea eax, [rdi+rsi]; ret
   * const add = span.asFunction({ parameters: ["i32", "i32"], result: "i32" }, { fast: true });
   * console.log(add(2, 3)); // 5
   * ```
   */
  asFunction<const D extends Deno.ForeignFunction>(
    definition: D,
    options?: AsFunctionOptions,
  ): NativeFunction<D> {
    this.#live();
    return createNativeFunction(
      this.#span,
      definition,
      0,
      options,
      this.#pool.platform.fastCalls,
    );
  }

  /**
   * Overwrites part of the code in place; functions keep working and run
   * the new code. With `"dual-map"` and `"map-jit"` no protection changes;
   * with `"mprotect"` the span's pages are switched for the write, which
   * takes execute permission from the other code on them for that moment.
   *
   * @param offset Where to write, within the span.
   * @param code The new instructions or bytes.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED` after release,
   * `OUT_OF_BOUNDS` past the span, `INVALID_ARGUMENT`, `IN_USE` when the
   * pages would be switched under code that is running, `SYSTEM`.
   *
   * @example Changing a constant
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0xb8, 1, 0, 0, 0, 0xc3])); // x86-64
   * span.patch(1, new Uint8Array([7]));
   * ```
   */
  patch(offset: number, code: Uint8Array | readonly Instruction[]): void {
    this.#pool.restore();
    this.#live();
    const start = checkInteger(offset, 0, "offset");
    const bytes = codeBytes(code).slice();
    checkRange(start, bytes.length, this.#span.size);
    if (bytes.length > 0) this.#pool.patch(this.#span, start, bytes);
  }

  /**
   * Gives the span's memory back to the pool: it is filled with trap
   * instructions and its functions throw `NOT_ALLOCATED`. Idempotent. If
   * the span's code is running (this is called from a callback of it), the
   * span is released at once and its memory is reused only after the last
   * call into it returns.
   *
   * @throws {JITMemoryManagerError} `SYSTEM` if the trap fill failed; the
   * span is released all the same.
   *
   * @example Releasing
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * pool.add(new Uint8Array([0xc3])).release();
   * console.log(pool.stats().usedBytes); // 0
   * ```
   */
  release(): void {
    this.#pool.restore();
    this.#pool.release(this.#span);
  }

  #live(): void {
    if (this.#span.state === "released") {
      throw new JITMemoryManagerError(
        "NOT_ALLOCATED",
        "No memory allocated. The span was released.",
      );
    }
  }
}
