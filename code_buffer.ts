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
 * @example The seed's example, on either CPU
 * ```ts ignore
 * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
 *
 * const program = Deno.build.arch === "aarch64"
 *   ? [new Instruction(0xd2800000), new Instruction(0xd65f03c0)] // MOV X0, #0; RET
 *   : [new Instruction([0x31, 0xc0]), new Instruction([0xc3])]; // xor eax, eax; ret
 *
 * using buffer = new CodeBuffer();
 * buffer.commit(program);
 * const zero = buffer.asFunction({ parameters: [], result: "i64" });
 * console.log(zero()); // 0n
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
   * @example Preallocating 64 KiB
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer({ capacity: 65536 });
   * console.log(buffer.capacity, buffer.size); // 65536 0
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
   * @example Committing bytes
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * const pointer = buffer.commit(new Uint8Array([0xb8, 0x2a, 0, 0, 0, 0xc3])); // x86-64
   * console.log(buffer.size, buffer.isCommitted()); // 6 true
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
   * @example Calling committed code with arguments
   * ```ts ignore
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * buffer.commit([new Instruction([0x8d, 0x04, 0x37]), new Instruction([0xc3])]); // x86-64 lea eax, [rdi+rsi]; ret
   * const add = buffer.asFunction({ parameters: ["i32", "i32"], result: "i32" }, 0, { fast: true });
   * console.log(add(-2, 5)); // 3
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
   * @example Changing a constant
   * ```ts ignore
   * import { CodeBuffer, Instruction } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * buffer.commit([new Instruction([0xb8, 1, 0, 0, 0]), new Instruction([0xc3])]); // x86-64 mov eax, 1; ret
   * const f = buffer.asFunction({ parameters: [], result: "i32" });
   * buffer.patch(0, [new Instruction([0xb8, 2, 0, 0, 0])]);
   * console.log(f()); // 2
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
   * @example Committing twice
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * const first = buffer.commit(new Uint8Array([0xc3]));
   * buffer.reset();
   * const second = buffer.commit(new Uint8Array([0x90, 0xc3]));
   * console.log(Deno.UnsafePointer.equals(first, second)); // true
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
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * console.log(buffer.isCommitted()); // false
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
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * console.log(new CodeBuffer().getMemoryPointer()); // null
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
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer();
   * buffer.commit(new Uint8Array([0x90, 0xc3]));
   * console.log(buffer.size); // 2
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
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * using buffer = new CodeBuffer({ capacity: 100 });
   * console.log(buffer.capacity); // 4096 with 4 KiB pages
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
   * @example Scoped buffer
   * ```ts ignore
   * import { CodeBuffer } from "@bcpl/jit-memory";
   *
   * {
   *   using buffer = new CodeBuffer({ capacity: 4096 });
   * } // unmapped here
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
