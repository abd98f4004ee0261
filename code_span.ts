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
 * @tags allow-ffi
 *
 * @example Patching and releasing
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodePool, Instruction, JITMemoryManagerError } from "@bcpl/jit-memory";
 *
 * const arm = Deno.build.arch === "aarch64";
 * const mov = (n: number) =>
 *   arm ? new Instruction(0x52800000 | (n << 5)) : new Instruction([0xb8, n, 0, 0, 0]); // mov w0, #n / mov eax, n
 * const ret = arm ? new Instruction(0xd65f03c0) : new Instruction([0xc3]); // ret
 *
 * using pool = new CodePool();
 * const span = pool.add([mov(1), ret]);
 * const f = span.asFunction({ parameters: [], result: "i32" });
 * span.patch(0, [mov(2)]);
 * assert.equal(f(), 2);
 * span.release(); // its bytes are now trap instructions
 * assert.throws(() => f(), (e) => e instanceof JITMemoryManagerError && e.code === "NOT_ALLOCATED");
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
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const code = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0x52800540), new Instruction(0xd65f03c0)] // mov w0, #42; ret
   *   : [new Instruction([0xb8, 42, 0, 0, 0]), new Instruction([0xc3])]; // mov eax, 42; ret
   *
   * using pool = new CodePool();
   * const { pointer } = pool.add(code);
   * assert.equal(Deno.UnsafePointer.value(pointer) % 64n, 0n); // spans start on a granule
   * const thunk = { parameters: [], result: "i32" } as const;
   * const answer = new Deno.UnsafeFnPointer(pointer as Deno.PointerObject<typeof thunk>, thunk);
   * assert.equal(answer.call(), 42);
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
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const arm = Deno.build.arch === "aarch64";
   * const code = arm
   *   ? [new Instruction(0xd503201f), new Instruction(0xd65f03c0)] // nop; ret
   *   : [new Instruction([0x90]), new Instruction([0xc3])]; // nop; ret
   *
   * using pool = new CodePool();
   * assert.equal(pool.add(code).size, arm ? 8 : 2); // not rounded to the granule
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
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const ret = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0xd65f03c0)] // ret
   *   : [new Instruction([0xc3])]; // ret
   *
   * using pool = new CodePool();
   * const span = pool.add(ret);
   * assert.equal(span.released, false);
   * span.release();
   * assert.equal(span.released, true);
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
   * @tags allow-ffi
   *
   * @example Calling
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const code = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0x0b010000), new Instruction(0xd65f03c0)] // add w0, w0, w1; ret
   *   : Deno.build.os === "windows"
   *   ? [new Instruction([0x8d, 0x04, 0x11]), new Instruction([0xc3])] // lea eax, [rcx+rdx]; ret
   *   : [new Instruction([0x8d, 0x04, 0x37]), new Instruction([0xc3])]; // lea eax, [rdi+rsi]; ret
   * const definition = { parameters: ["i32", "i32"], result: "i32" } as const;
   *
   * using pool = new CodePool();
   * const span = pool.add(code);
   * const add = span.asFunction(definition, { fast: true });
   * assert.equal(add(2, 3), 5);
   * span.release();
   * assert.throws(() => span.asFunction(definition), { code: "NOT_ALLOCATED" });
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
   * @tags allow-ffi
   *
   * @example Changing a constant
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const arm = Deno.build.arch === "aarch64";
   * const mov = (n: number) =>
   *   arm ? new Instruction(0x52800000 | (n << 5)) : new Instruction([0xb8, n, 0, 0, 0]); // mov w0, #n / mov eax, n
   * const ret = arm ? new Instruction(0xd65f03c0) : new Instruction([0xc3]); // ret
   *
   * using pool = new CodePool();
   * const span = pool.add([mov(1), ret]);
   * span.patch(0, [mov(7)]); // the first instruction becomes mov ..., 7
   * assert.equal(span.asFunction({ parameters: [], result: "i32" })(), 7);
   * assert.throws(() => span.patch(span.size, [ret]), { code: "OUT_OF_BOUNDS" });
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
   * @tags allow-ffi
   *
   * @example Releasing
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction, JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * const code = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0x52800540), new Instruction(0xd65f03c0)] // mov w0, #42; ret
   *   : [new Instruction([0xb8, 42, 0, 0, 0]), new Instruction([0xc3])]; // mov eax, 42; ret
   *
   * using pool = new CodePool();
   * const span = pool.add(code);
   * const answer = span.asFunction({ parameters: [], result: "i32" });
   * assert.equal(answer(), 42);
   * span.release();
   * span.release(); // a second release does nothing
   * assert.equal(pool.stats().usedBytes, 0);
   * assert.throws(() => answer(), (e) => e instanceof JITMemoryManagerError && e.code === "NOT_ALLOCATED");
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
