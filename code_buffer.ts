/**
 * The bridge from code generation to execution: commit encoded
 * instructions, get callable functions.
 *
 * @module
 */

import {
  checkNames,
  forgetCode,
  nameCode,
  type NamedCode,
  type NameOptions,
} from "./code_names.ts";
import { JITMemoryManagerError } from "./errors.ts";
import { type Code, codeBytes } from "./instruction.ts";
import { JITMemoryManager, managerInternals } from "./jit_memory_manager.ts";
import { platform } from "./platform/mod.ts";
import {
  type AsFunctionOptions,
  type CodeRegion,
  createNativeFunction,
  type NativeFunction,
  releaseDependents,
} from "./native_function.ts";
import { inUseError, releaseWhenIdle } from "./in_flight.ts";
import {
  checkAllocationSize,
  checkFunctionOffset,
  checkInteger,
  checkRange,
} from "./validate.ts";

export { Instruction } from "./instruction.ts";

/** Options of {@linkcode CodeBuffer}. */
export interface CodeBufferOptions {
  /**
   * Bytes to map now (rounded up to whole pages). Commits must then fit in
   * this capacity, and always reuse the same memory. Without it, memory is
   * mapped at the first commit and remapped larger when a later commit
   * does not fit.
   */
  capacity?: number;
}

/**
 * The code of one commit, as its functions' guards see it (and counts
 * the calls into it that have not returned).
 */
interface Commit extends CodeRegion {
  /**
   * `"writable"` only while a failed protection switch of `patch()` left
   * the memory writable; the buffer's next `patch()` or `asFunction()`
   * makes it executable again.
   */
  state: "executable" | "writable" | "retired" | "released";
}

/**
 * Commits machine code into executable memory and makes it callable: the
 * Deno counterpart of the BCPL JIT's C++ `CodeBuffer`.
 *
 * `commit()` copies the code in one piece, makes the instruction cache
 * coherent, switches the memory to read-execute and returns its address.
 * A buffer holds one commit at a time: `reset()` makes the memory writable
 * again for the next one, which reuses the same address when it fits.
 * Functions from `asFunction()` belong to one commit and throw once it is
 * reset. Memory is released with `using` or `[Symbol.dispose]()`. While
 * the committed code is running (a call into it has not returned, e.g. it
 * called back into JavaScript), `reset()` throws `IN_USE` and dispose
 * waits for the call to return before it unmaps the memory.
 *
 * @tags allow-ffi
 *
 * @example The seed's example, on either CPU
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
 *
 * const program = Deno.build.arch === "aarch64"
 *   ? [new Instruction(0xd2800000), new Instruction(0xd65f03c0)] // mov x0, #0; ret
 *   : [new Instruction([0x31, 0xc0]), new Instruction([0xc3])]; // xor eax, eax; ret
 *
 * using buffer = new CodeBuffer();
 * buffer.commit(program);
 * const zero = buffer.asFunction({ parameters: [], result: "i64" });
 * assert.equal(zero(), 0n);
 * ```
 */
export class CodeBuffer implements Disposable {
  #memory = new JITMemoryManager();
  readonly #capacity: number | undefined;
  #commit: Commit | undefined;
  /** The names of the commit's code, while it is committed. */
  #names: NamedCode | undefined;

  /**
   * Creates a buffer, mapping `options.capacity` bytes now when given.
   *
   * @param options See {@linkcode CodeBufferOptions}.
   * @throws {JITMemoryManagerError} `INVALID_SIZE` for a bad capacity;
   * `SYSTEM` or `FFI_PERMISSION` when mapping fails.
   *
   * @tags allow-ffi
   *
   * @example Preallocating 64 KiB
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer({ capacity: 65536 });
   * assert.equal(buffer.capacity, 65536); // mapped now
   * assert.equal(buffer.size, 0); // nothing committed yet
   * assert.notEqual(buffer.getMemoryPointer(), null);
   * ```
   */
  constructor(options: CodeBufferOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "CodeBuffer options must be an object like { capacity: 65536 }",
      );
    }
    if (options.capacity !== undefined) {
      this.#capacity = checkAllocationSize(options.capacity);
      this.#memory.allocate(this.#capacity);
    }
  }

  /**
   * Copies `code` into the buffer, makes it executable (instruction cache
   * first) and returns its address. Once per lifecycle: call `reset()`
   * before committing again.
   *
   * @param code Instructions, or their bytes (a `Uint8Array`, or another
   *   typed array whose raw memory is the code), or an assembler, whose
   *   code is laid out and copied once, straight from its buffer.
   * @param options `{ name }` names the code, `{ symbols }` the functions
   *   in it, for profilers and debuggers (see `enablePerfMap()`); names
   *   last until `reset()` or disposal.
   * @returns The address of the first instruction.
   * @throws {JITMemoryManagerError} `ALREADY_COMMITTED` before a `reset()`,
   * `INVALID_SIZE` for empty code, `INVALID_ARGUMENT` for anything that is
   * not code, `OUT_OF_BOUNDS` when the code exceeds an explicit capacity,
   * `SYSTEM` when the OS refuses.
   *
   * @tags allow-ffi
   *
   * @example Committing bytes
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * const bytes = Deno.build.arch === "aarch64"
   *   ? new Uint8Array(new Uint32Array([0x52800540, 0xd65f03c0]).buffer) // mov w0, #42; ret
   *   : new Uint8Array([0xb8, 0x2a, 0, 0, 0, 0xc3]); // mov eax, 42; ret
   *
   * using buffer = new CodeBuffer();
   * const pointer = buffer.commit(bytes);
   * assert.equal(buffer.size, bytes.length);
   * assert.equal(buffer.isCommitted(), true);
   * assert.ok(Deno.UnsafePointer.equals(pointer, buffer.getMemoryPointer()));
   * assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 42);
   * ```
   */
  commit(code: Code, options?: NameOptions): Deno.PointerObject {
    if (this.#commit !== undefined) {
      throw new JITMemoryManagerError(
        "ALREADY_COMMITTED",
        "Code already committed. Call reset() first.",
      );
    }
    const bytes = codeBytes(code);
    if (bytes.byteLength === 0) {
      throw new JITMemoryManagerError(
        "INVALID_SIZE",
        "Cannot commit zero bytes of code",
      );
    }
    const symbols = options === undefined
      ? undefined
      : checkNames(options, bytes.byteLength);
    const pointer = this.#memoryFor(bytes.byteLength);
    this.#memory.write(bytes);
    // Only the committed bytes can hold code worth flushing.
    managerInternals.makeExecutable(this.#memory, bytes.byteLength);
    this.#commit = {
      pointer,
      size: bytes.byteLength,
      state: "executable",
      calls: 0,
    };
    if (symbols !== undefined) this.#names = nameCode(pointer, symbols);
    return pointer;
  }

  /**
   * Makes a callable function of the committed code at `offset`. It throws
   * instead of running once the buffer is reset or disposed. Calls move to
   * a dlopen-speed trampoline as for `JITMemoryManager.asFunction()`.
   *
   * @param definition Parameter and result types, as for `Deno.dlopen`.
   * @param offset Where the function starts within the committed code.
   * @param options `{ fast }`, see {@linkcode AsFunctionOptions}.
   * @returns The callable.
   * @throws {JITMemoryManagerError} `NOT_EXECUTABLE` when nothing is
   * committed, `OUT_OF_BOUNDS`, `INVALID_ARGUMENT` for a bad definition.
   *
   * @tags allow-ffi
   *
   * @example Calling committed code with arguments
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * const add32 = Deno.build.arch === "aarch64"
   *   ? new Instruction(0x0b010000) // add w0, w0, w1
   *   : Deno.build.os === "windows"
   *   ? new Instruction([0x8d, 0x04, 0x11]) // lea eax, [rcx+rdx]
   *   : new Instruction([0x8d, 0x04, 0x37]); // lea eax, [rdi+rsi]
   * const ret = new Instruction(Deno.build.arch === "aarch64" ? 0xd65f03c0 : [0xc3]);
   *
   * using buffer = new CodeBuffer();
   * buffer.commit([add32, ret]);
   * const definition = { parameters: ["i32", "i32"], result: "i32" } as const;
   * const add = buffer.asFunction(definition, 0, { fast: true });
   * assert.equal(add(-2, 5), 3);
   * ```
   */
  asFunction<const D extends Deno.ForeignFunction>(
    definition: D,
    offset?: number,
    options?: AsFunctionOptions,
  ): NativeFunction<D> {
    const commit = this.#committed();
    this.#restoreProtection(commit);
    const start = checkInteger(offset, 0, "offset");
    const backend = platform();
    checkFunctionOffset(start, commit.size, backend.codeAlignment);
    return createNativeFunction(
      commit,
      definition,
      start,
      options,
      backend.fastCalls,
    );
  }

  /**
   * Overwrites part of the committed code in place, as
   * `JITMemoryManager.patch()` does: through a second, read-write view of
   * the memory where the platform can dual-map (Linux), otherwise by
   * switching the pages concerned for the write. Functions already made
   * keep working and run the new code.
   *
   * @param offset Where to write, within the committed code.
   * @param code The new instructions, bytes or assembler.
   * @throws {JITMemoryManagerError} `NOT_EXECUTABLE` when nothing is
   * committed, `OUT_OF_BOUNDS` past the committed code, `INVALID_ARGUMENT`,
   * `IN_USE` when pages would have to be switched under running code.
   *
   * @tags allow-ffi
   *
   * @example Changing a constant
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * const arm = Deno.build.arch === "aarch64";
   * const movResult = (n: number): Instruction =>
   *   arm
   *     ? new Instruction(0x52800000 | n << 5) // mov w0, #n
   *     : new Instruction([0xb8, n, 0, 0, 0]); // mov eax, n
   * const ret = new Instruction(arm ? 0xd65f03c0 : [0xc3]);
   *
   * using buffer = new CodeBuffer();
   * buffer.commit([movResult(1), ret]);
   * const f = buffer.asFunction({ parameters: [], result: "i32" });
   * assert.equal(f(), 1);
   * buffer.patch(0, [movResult(2)]);
   * assert.equal(f(), 2);
   * ```
   */
  patch(offset: number, code: Code): void {
    const commit = this.#committed();
    this.#restoreProtection(commit);
    const start = checkInteger(offset, 0, "offset");
    const bytes = codeBytes(code);
    checkRange(start, bytes.byteLength, commit.size);
    try {
      managerInternals.patch(this.#memory, start, bytes, commit.calls > 0);
    } finally {
      // A failed switch back may have left the memory writable: the
      // commit's functions must not run until it is executable again.
      if (!this.#memory.isExecutable()) commit.state = "writable";
    }
  }

  /**
   * Ends the current commit: the memory becomes writable again and the
   * next commit reuses it. Functions of the old commit throw from now on.
   * Does nothing when nothing is committed.
   *
   * @throws {JITMemoryManagerError} `IN_USE` while the committed code is
   * running; `SYSTEM` if the OS refuses (the commit then stays as it was).
   *
   * @tags allow-ffi
   *
   * @example Committing twice
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, Instruction, JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * const ret = new Instruction(Deno.build.arch === "aarch64" ? 0xd65f03c0 : [0xc3]); // ret
   *
   * using buffer = new CodeBuffer();
   * const first = buffer.commit([ret]);
   * const f = buffer.asFunction({ parameters: [], result: "void" });
   * buffer.reset();
   * assert.throws( // the old commit's functions stop
   *   () => f(),
   *   (e) => e instanceof JITMemoryManagerError && e.code === "NOT_EXECUTABLE",
   * );
   * const second = buffer.commit([ret, ret]);
   * assert.ok(Deno.UnsafePointer.equals(first, second)); // the same memory again
   * ```
   */
  reset(): void {
    const commit = this.#commit;
    if (commit === undefined) return;
    if (commit.calls > 0) throw inUseError("reset()");
    this.#memory.makeWritable();
    this.#retire("retired");
  }

  /**
   * Whether code is committed.
   *
   * @returns `true` between `commit()` and `reset()`.
   *
   * @example Before and after
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * assert.equal(buffer.isCommitted(), false);
   * buffer.commit([new Instruction(Deno.build.arch === "aarch64" ? 0xd65f03c0 : [0xc3])]); // ret
   * assert.equal(buffer.isCommitted(), true);
   * buffer.reset();
   * assert.equal(buffer.isCommitted(), false);
   * ```
   */
  isCommitted(): boolean {
    return this.#commit !== undefined;
  }

  /**
   * The start of the buffer's memory.
   *
   * @returns The pointer, or `null` before any memory is mapped.
   *
   * @example Before the first commit
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * const ret = new Instruction(Deno.build.arch === "aarch64" ? 0xd65f03c0 : [0xc3]); // ret
   *
   * using buffer = new CodeBuffer();
   * assert.equal(buffer.getMemoryPointer(), null);
   * const pointer = buffer.commit([ret]);
   * assert.ok(Deno.UnsafePointer.equals(buffer.getMemoryPointer(), pointer));
   * ```
   */
  getMemoryPointer(): Deno.PointerValue {
    return this.#memory.getMemoryPointer();
  }

  /**
   * Bytes of code committed.
   *
   * @returns The committed byte count, 0 when nothing is committed.
   *
   * @example Size of a commit
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * const code = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0xd503201f), new Instruction(0xd65f03c0)] // nop; ret
   *   : [new Instruction([0x90]), new Instruction([0xc3])]; // nop; ret
   *
   * using buffer = new CodeBuffer();
   * assert.equal(buffer.size, 0);
   * buffer.commit(code);
   * assert.equal(buffer.size, Deno.build.arch === "aarch64" ? 8 : 2);
   * ```
   */
  get size(): number {
    return this.#commit?.size ?? 0;
  }

  /**
   * Bytes mapped.
   *
   * @returns The mapped size (whole pages), 0 before any memory is mapped.
   *
   * @example Capacity is page-rounded
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer, JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer({ capacity: 100 });
   * assert.equal(buffer.capacity, JITMemoryManager.getPageSize()); // 4096 with 4 KiB pages
   * ```
   */
  get capacity(): number {
    return this.#memory.getSize();
  }

  /**
   * Unmaps the buffer's memory; functions made from it throw from now on.
   * A later commit maps memory again. If the committed code is running,
   * the memory is unmapped when the last call into it returns.
   *
   * @throws {JITMemoryManagerError} `SYSTEM` if the OS refuses to unmap
   * (the buffer is then unchanged and a later dispose retries).
   *
   * @tags allow-ffi
   *
   * @example Scoped buffer
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * let kept: CodeBuffer;
   * {
   *   using buffer = new CodeBuffer({ capacity: 4096 });
   *   kept = buffer;
   *   assert.notEqual(buffer.getMemoryPointer(), null);
   * } // unmapped here
   * assert.equal(kept.getMemoryPointer(), null);
   * assert.equal(kept.capacity, 0);
   * ```
   */
  [Symbol.dispose](): void {
    const commit = this.#commit;
    if (commit !== undefined && commit.calls > 0) {
      const memory = this.#memory;
      this.#memory = new JITMemoryManager();
      this.#retire("released");
      releaseWhenIdle(commit, () => memory.deallocate());
      return;
    }
    this.#memory.deallocate();
    this.#retire("released");
  }

  /** Returns the memory to commit `size` bytes into, mapping as needed. */
  #memoryFor(size: number): Deno.PointerObject {
    if (this.#capacity !== undefined) {
      if (!this.#memory.isAllocated()) this.#memory.allocate(this.#capacity);
      if (size > this.#memory.getSize()) {
        throw new JITMemoryManagerError(
          "OUT_OF_BOUNDS",
          `${size} bytes of code do not fit in the buffer's capacity of ` +
            `${this.#memory.getSize()} bytes`,
        );
      }
    } else if (size > this.#memory.getSize()) {
      this.#memory.deallocate();
      this.#memory.allocate(size);
    }
    return this.#memory.getMemoryPointer()!;
  }

  /** Ends the current commit: its functions stop, their slots go free. */
  #retire(state: "retired" | "released"): void {
    const commit = this.#commit;
    if (commit === undefined) return;
    this.#commit = undefined;
    commit.state = state;
    forgetCode(this.#names);
    this.#names = undefined;
    releaseDependents(commit);
  }

  /** Makes memory a failed patch left writable executable again. */
  #restoreProtection(commit: Commit): void {
    if (commit.state !== "writable") return;
    managerInternals.makeExecutable(this.#memory, commit.size);
    commit.state = "executable";
  }

  #committed(): Commit {
    if (this.#commit === undefined) {
      throw new JITMemoryManagerError(
        "NOT_EXECUTABLE",
        "Nothing is committed: call commit() first.",
      );
    }
    return this.#commit;
  }
}
