/**
 * One page-aligned region of memory for JIT code, switched between
 * read-write and read-execute: never both.
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
import {
  type AsFunctionOptions,
  type CodeRegion,
  createNativeFunction,
  type NativeFunction,
  releaseDependents,
} from "./native_function.ts";
import { inUseError, releaseWhenIdle } from "./in_flight.ts";
import { platform } from "./platform/mod.ts";
import type { Platform } from "./platform/types.ts";
import {
  type ByteSource,
  checkAllocationSize,
  checkFunctionOffset,
  checkInteger,
  checkRange,
  offsetPointer,
  roundUp,
  show,
  toBytes,
} from "./validate.ts";

/** A mapped region and the backend that mapped it. */
interface Region extends CodeRegion {
  readonly platform: Platform;
  state: "writable" | "executable" | "released";
  /**
   * A second, read-write view of the same pages, once the region is
   * dual-mapped: from its first `patch()` while executable (where the
   * platform can dual-map), or from the start where the OS refuses to
   * make written memory executable.
   */
  writable?: Deno.PointerObject;
  /**
   * Whether `makeWritable()`/`makeExecutable()` switch the protection of
   * `pointer`; `false` where the OS refuses executable `mprotect`, where
   * `pointer` stays read-execute and every write goes through `writable`.
   */
  switches: boolean;
  /**
   * Set when a failed `patch()` could not settle the protection (two
   * switches in a row refused): some pages may still be read-execute while
   * the region says "writable". The next write switches the whole region
   * first, so it never writes into a read-execute page.
   */
  mixed?: boolean;
  /** The names given to its code by `makeExecutable()`, until freed. */
  names?: NamedCode;
}

/**
 * Platforms whose OS refused to make written memory executable: their
 * managers are dual-mapped from the start (the probe is the first refusal).
 */
const refusesExecutable = new WeakSet<Platform>();

/** Internals CodeBuffer uses; not part of the public API. */
export interface ManagerInternals {
  /** makeExecutable() flushing only `[0, length)`. */
  makeExecutable(manager: JITMemoryManager, length: number): void;
  /** patch() of code whose calls are counted elsewhere (`running`). */
  patch(
    manager: JITMemoryManager,
    offset: number,
    bytes: Uint8Array,
    running: boolean,
  ): void;
}

/** See {@linkcode ManagerInternals}. */
export let managerInternals: ManagerInternals;

/**
 * Executable memory for one piece of JIT-compiled code, under a strict
 * W^X discipline: the region is either writable (after `allocate()` and
 * `makeWritable()`) or executable (after `makeExecutable()`), never both.
 *
 * The Deno counterpart of the BCPL JIT's C++ `JITMemoryManager`. Memory is
 * mapped with `mmap`/`VirtualAlloc` through `Deno.dlopen`, so the first
 * call that touches memory needs `--allow-ffi`. Memory is released by
 * `deallocate()` or at the end of a `using` block, never by the garbage
 * collector: native code may still hold its addresses. Not thread-safe: use
 * one manager per worker. Code that is running (a call into it has not
 * returned, e.g. it called back into JavaScript) is never unmapped or made
 * writable under it: `deallocate()` waits for the call to return, and
 * `makeWritable()` throws `IN_USE`.
 *
 * @tags allow-ffi
 *
 * @example Running a few bytes of machine code
 * ```ts
 * import assert from "node:assert/strict";
 * import { JITMemoryManager } from "@bcpl/jit-memory";
 *
 * using memory = new JITMemoryManager(4096);
 * memory.write(
 *   Deno.build.arch === "aarch64"
 *     ? new Uint32Array([0x52800540, 0xd65f03c0]) // mov w0, #42; ret
 *     : [0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3], // mov eax, 42; ret
 * );
 * memory.makeExecutable();
 * const answer = memory.asFunction({ parameters: [], result: "i32" });
 * assert.equal(answer(), 42);
 * ```
 */
export class JITMemoryManager implements Disposable {
  #region: Region | undefined;

  /**
   * Creates a manager, allocating `size` bytes at once when given.
   *
   * @param size Bytes to allocate now (rounded up to whole pages).
   * @throws {JITMemoryManagerError} As {@linkcode JITMemoryManager.allocate}.
   *
   * @tags allow-ffi
   *
   * @example Creating an empty manager and one with memory
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const empty = new JITMemoryManager();
   * assert.equal(empty.isAllocated(), false);
   * const page = JITMemoryManager.getPageSize();
   * using ready = new JITMemoryManager(2 * page);
   * assert.equal(ready.getSize(), 2 * page);
   * ```
   */
  constructor(size?: number) {
    if (arguments.length > 0 && size !== undefined) this.allocate(size);
  }

  /**
   * Maps `size` bytes, rounded up to whole pages, readable and writable.
   *
   * @param size Bytes wanted; a positive safe integer.
   * @returns The start of the region.
   * @throws {JITMemoryManagerError} `INVALID_SIZE` for a bad size,
   * `ALREADY_ALLOCATED` if this manager owns memory, `SYSTEM` if the OS
   * refuses, `FFI_PERMISSION` without `--allow-ffi`.
   *
   * @tags allow-ffi
   *
   * @example Allocating a page for code
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager, JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager();
   * const pointer = memory.allocate(6);
   * assert.equal(memory.getSize(), JITMemoryManager.getPageSize());
   * assert.equal(memory.getMemoryPointer(), pointer);
   * assert.throws(
   *   () => memory.allocate(6),
   *   (e) => e instanceof JITMemoryManagerError && e.code === "ALREADY_ALLOCATED",
   * );
   * ```
   */
  allocate(size: number): Deno.PointerObject {
    if (this.#region !== undefined) {
      throw new JITMemoryManagerError(
        "ALREADY_ALLOCATED",
        "Memory already allocated. Call deallocate() first.",
      );
    }
    const requested = checkAllocationSize(size);
    const backend = platform();
    const mapped = roundUp(requested, backend.pageSize());
    if (refusesExecutable.has(backend) && backend.dualMapping !== undefined) {
      const views = backend.dualMapping.map(mapped);
      this.#region = {
        pointer: views.executable,
        writable: views.writable,
        switches: false,
        size: mapped,
        state: "writable",
        platform: backend,
        calls: 0,
      };
      return views.executable;
    }
    const pointer = backend.mapReadWrite(mapped);
    this.#region = {
      pointer,
      size: mapped,
      state: "writable",
      platform: backend,
      switches: true,
      calls: 0,
    };
    return pointer;
  }

  /**
   * Unmaps the region. Functions made from it throw from now on. Does
   * nothing when no memory is allocated. If the region's code is running
   * (this is called from a callback of it), the manager is empty at once
   * and the memory is unmapped when the last call into it returns.
   *
   * @throws {JITMemoryManagerError} `SYSTEM` if the OS refuses to unmap;
   * the region then stays allocated and usable, and a later call retries.
   *
   * @tags allow-ffi
   *
   * @example Releasing memory by hand
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager, JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * const memory = new JITMemoryManager(4096);
   * memory.write(
   *   Deno.build.arch === "aarch64"
   *     ? new Uint32Array([0xd65f03c0]) // ret
   *     : [0xc3], // ret
   * );
   * memory.makeExecutable();
   * const f = memory.asFunction({ parameters: [], result: "void" });
   * memory.deallocate();
   * memory.deallocate(); // still fine
   * assert.equal(memory.isAllocated(), false);
   * assert.throws(
   *   f,
   *   (e) => e instanceof JITMemoryManagerError && e.code === "NOT_ALLOCATED",
   * );
   * ```
   */
  deallocate(): void {
    const region = this.#region;
    if (region === undefined) return;
    const running = region.calls > 0;
    if (!running) unmapRegion(region);
    this.#region = undefined;
    region.state = "released";
    forgetCode(region.names);
    region.names = undefined;
    releaseDependents(region);
    if (running) releaseWhenIdle(region, () => unmapRegion(region));
  }

  /**
   * Makes the region read-execute: the instruction cache is made coherent
   * for the whole region (code may have been written through the pointer,
   * which jit-memory cannot see; `CodeBuffer.commit()` flushes only what it
   * wrote), then write access is removed. Does nothing if already
   * executable. Where the OS refuses to make written memory executable and
   * can dual-map (hardened Linux kernels), the region becomes dual-mapped
   * instead, and its pointer stays read-execute from then on.
   *
   * @param options `{ symbols }` (or `{ name }` for the whole region)
   *   names the functions in the region, for profilers and debuggers (see
   *   `enablePerfMap()`); the names last until new ones are given or the
   *   region is deallocated.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED`, `SYSTEM` if the OS
   * refuses; `INVALID_ARGUMENT` or `OUT_OF_BOUNDS` for bad names (then
   * nothing changes).
   *
   * @tags allow-ffi
   *
   * @example Switching to execute
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager, JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager(4096);
   * memory.makeExecutable();
   * assert.equal(memory.isExecutable(), true);
   * assert.throws(
   *   () => memory.write([0]),
   *   (e) => e instanceof JITMemoryManagerError && e.code === "NOT_WRITABLE",
   * );
   * ```
   */
  makeExecutable(options?: NameOptions): void {
    const region = this.#allocated();
    const symbols = options === undefined
      ? undefined
      : checkNames(options, region.size);
    this.#makeExecutable(region.size);
    if (symbols === undefined) return;
    forgetCode(region.names);
    region.names = nameCode(region.pointer, symbols);
  }

  /**
   * Flushes `[0, flushed)` and makes the region read-execute. Where the OS
   * refuses, and can dual-map, the region becomes dual-mapped instead.
   */
  #makeExecutable(flushed: number): void {
    const region = this.#allocated();
    if (region.state === "executable") return;
    const backend = region.platform;
    backend.flushInstructionCache(region.pointer, flushed);
    if (region.switches) {
      try {
        backend.protect(region.pointer, region.size, "read-execute");
      } catch (error) {
        const dual = backend.dualMapping;
        // A region with a view already was made executable before: this
        // refusal is not the OS's policy, and is reported as it is.
        if (
          dual === undefined || region.writable !== undefined ||
          !(error instanceof JITMemoryManagerError) ||
          error.reason !== "permission-denied"
        ) throw error;
        // The OS refuses to make written memory executable: the region
        // runs from a read-execute view of a copy, written through another.
        region.writable = dual.convert(region.pointer, region.size);
        region.switches = false;
        refusesExecutable.add(backend);
        backend.flushInstructionCache(region.pointer, flushed);
      }
    }
    region.state = "executable";
    region.mixed = false;
    // Last: other threads may run the code from here on.
    backend.coreSync?.synchronize();
  }

  /**
   * Makes the region read-write again; its functions throw `NOT_EXECUTABLE`
   * until the next {@linkcode JITMemoryManager.makeExecutable}. Does
   * nothing if already writable.
   *
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED`, `IN_USE` while the
   * region's code is running, or `SYSTEM` if the OS refuses.
   *
   * @tags allow-ffi
   *
   * @example Switching back to write
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager(4096);
   * memory.makeExecutable();
   * memory.makeWritable();
   * assert.equal(memory.isExecutable(), false);
   * memory.write([1, 2, 3]);
   * assert.deepEqual(memory.read(0, 3), new Uint8Array([1, 2, 3]));
   * ```
   */
  makeWritable(): void {
    const region = this.#allocated();
    if (region.state === "writable") return;
    if (region.calls > 0) throw inUseError("makeWritable()");
    if (region.switches) {
      region.platform.protect(region.pointer, region.size, "read-write");
    }
    region.state = "writable";
  }

  /**
   * Copies bytes into the writable region.
   *
   * @param bytes The bytes: a `Uint8Array`, another typed array (its raw
   *   memory), or an array of integers 0..255.
   * @param offset Where to write, in bytes from the region start.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED`, `INVALID_ARGUMENT`,
   * `NOT_WRITABLE` while executable, `OUT_OF_BOUNDS` if the bytes do not
   * fit.
   *
   * @tags allow-ffi
   *
   * @example Writing instruction words and bytes
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager(4096);
   * // A Uint32Array is written as its raw memory: little-endian words.
   * memory.write(new Uint32Array([0xd65f03c0])); // AArch64 ret
   * memory.write([0xc3], 4); // x86-64 ret, at offset 4
   * assert.deepEqual(
   *   memory.read(0, 5),
   *   new Uint8Array([0xc0, 0x03, 0x5f, 0xd6, 0xc3]),
   * );
   * ```
   */
  write(bytes: ByteSource, offset?: number): void {
    const region = this.#allocated();
    const data = toBytes(bytes);
    const start = checkInteger(offset, 0, "offset");
    if (region.state !== "writable") {
      throw new JITMemoryManagerError(
        "NOT_WRITABLE",
        "Memory is executable: call makeWritable() first, or use patch().",
      );
    }
    checkRange(start, data.byteLength, region.size);
    region.platform.write(offsetPointer(writeBase(region), start), data);
  }

  /**
   * Copies bytes out of the region, whatever its state.
   *
   * @param offset Where to start, in bytes from the region start.
   * @param length How many bytes; by default up to the end.
   * @returns A copy of the bytes.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED`, `INVALID_ARGUMENT`,
   * `OUT_OF_BOUNDS`.
   *
   * @tags allow-ffi
   *
   * @example Reading back what was written
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager(4096);
   * memory.write([0xc3]);
   * memory.makeExecutable(); // still readable
   * assert.deepEqual(memory.read(0, 2), new Uint8Array([0xc3, 0x00]));
   * ```
   */
  read(offset?: number, length?: number): Uint8Array {
    const region = this.#allocated();
    const start = checkInteger(offset, 0, "offset");
    const count = checkInteger(length, region.size - start, "length");
    checkRange(start, count, region.size);
    const copy = new Uint8Array(count);
    if (count > 0) {
      Deno.UnsafePointerView.copyInto(region.pointer, copy, start);
    }
    return copy;
  }

  /**
   * Overwrites bytes of code. On a writable region this is a plain write.
   * On an executable region the bytes are written through a second,
   * read-write view of the same memory (made on the first such patch,
   * where the platform can dual-map: Linux), so the code keeps its
   * protection and other workers may keep running it; on Apple silicon
   * under the per-thread write switch, which other threads never see;
   * elsewhere only the pages concerned become writable for the write and
   * go back to read-execute, which no other worker may be running
   * meanwhile. The instruction cache is made coherent either way.
   *
   * @param offset Where to write, in bytes from the region start.
   * @param bytes The new bytes (as for {@linkcode JITMemoryManager.write}).
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED`, `INVALID_ARGUMENT`,
   * `OUT_OF_BOUNDS`, `IN_USE` when the pages would have to be switched
   * while the region's code is running, `SYSTEM`.
   *
   * @tags allow-ffi
   *
   * @example Changing a constant in live code
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const arm = Deno.build.arch === "aarch64";
   * using memory = new JITMemoryManager(4096);
   * memory.write(arm
   *   ? new Uint32Array([0x52800540, 0xd65f03c0]) // mov w0, #42; ret
   *   : [0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]); // mov eax, 42; ret
   * memory.makeExecutable();
   * const f = memory.asFunction({ parameters: [], result: "i32" });
   * assert.equal(f(), 42);
   * if (arm) memory.patch(0, new Uint32Array([0x528000e0])); // mov w0, #7
   * else memory.patch(1, [7]); // mov eax, 7
   * assert.equal(f(), 7);
   * ```
   */
  patch(offset: number, bytes: ByteSource): void {
    const region = this.#allocated();
    const start = checkInteger(offset, 0, "offset");
    const data = toBytes(bytes);
    checkRange(start, data.byteLength, region.size);
    patchRegion(region, start, data, region.calls > 0);
  }

  /**
   * Makes a callable function of the code at `offset`. The function checks
   * on every call that the region is still allocated and executable. On
   * Linux it moves to a dlopen-speed trampoline after a number of calls
   * (`fast: "auto"`), at once (`fast: true`) or never (`fast: false`);
   * elsewhere it stays on `Deno.UnsafeFnPointer`.
   *
   * @param definition Parameter and result types, as for `Deno.dlopen`.
   * @param offset Where the function starts, in bytes from the region start.
   * @param options `{ fast }`, see {@linkcode AsFunctionOptions}.
   * @returns The callable.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED`, `INVALID_ARGUMENT` for
   * a definition Deno cannot call or a misaligned offset, `OUT_OF_BOUNDS`.
   *
   * @tags allow-ffi
   *
   * @example A two-argument add
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager(4096);
   * memory.write(
   *   Deno.build.arch === "aarch64"
   *     ? new Uint32Array([0x0b010000, 0xd65f03c0]) // add w0, w0, w1; ret
   *     : Deno.build.os === "windows"
   *     ? [0x8d, 0x04, 0x11, 0xc3] // lea eax, [rcx+rdx]; ret
   *     : [0x8d, 0x04, 0x37, 0xc3], // lea eax, [rdi+rsi]; ret
   * );
   * memory.makeExecutable();
   * const add = memory.asFunction({ parameters: ["i32", "i32"], result: "i32" });
   * assert.equal(add(2, 3), 5);
   * ```
   */
  asFunction<const D extends Deno.ForeignFunction>(
    definition: D,
    offset?: number,
    options?: AsFunctionOptions,
  ): NativeFunction<D> {
    const region = this.#allocated();
    const start = checkInteger(offset, 0, "offset");
    checkFunctionOffset(start, region.size, region.platform.codeAlignment);
    return createNativeFunction(
      region,
      definition,
      start,
      options,
      region.platform.fastCalls,
    );
  }

  /**
   * Moves the region into a new manager (like C++'s move constructor). This
   * manager is left empty; functions made earlier keep working.
   *
   * @returns The new owner.
   *
   * @example Handing memory to another owner
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const first = new JITMemoryManager(4096);
   * const size = first.getSize();
   * using second = first.transfer();
   * assert.equal(first.isAllocated(), false);
   * assert.equal(second.getSize(), size);
   * ```
   */
  transfer(): JITMemoryManager {
    const target = new JITMemoryManager();
    target.#region = this.#region;
    this.#region = undefined;
    return target;
  }

  /**
   * Takes `source`'s region (like C++'s move assignment), first releasing
   * this manager's own. `source` is left empty.
   *
   * @param source The manager to take memory from.
   * @returns This manager.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` if `source` is not a
   * `JITMemoryManager`, `SYSTEM` if unmapping the old region fails.
   *
   * @tags allow-ffi
   *
   * @example Replacing a region
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const page = JITMemoryManager.getPageSize();
   * using target = new JITMemoryManager(page); // unmapped by moveFrom()
   * const source = new JITMemoryManager(2 * page);
   * assert.equal(target.moveFrom(source), target);
   * assert.equal(target.getSize(), 2 * page);
   * assert.equal(source.isAllocated(), false);
   * ```
   */
  moveFrom(source: JITMemoryManager): this {
    if (!(source instanceof JITMemoryManager)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `moveFrom() needs a JITMemoryManager, got ${show(source)}`,
      );
    }
    if (source === this) return this;
    this.deallocate();
    this.#region = source.#region;
    source.#region = undefined;
    return this;
  }

  /**
   * The start of the region.
   *
   * @returns The pointer, or `null` when no memory is allocated.
   *
   * @example Checking for memory
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * assert.equal(new JITMemoryManager().getMemoryPointer(), null);
   * using memory = new JITMemoryManager(4096);
   * const address = Deno.UnsafePointer.value(memory.getMemoryPointer());
   * assert.equal(BigInt(address) % BigInt(JITMemoryManager.getPageSize()), 0n);
   * ```
   */
  getMemoryPointer(): Deno.PointerValue {
    return this.#region?.pointer ?? null;
  }

  /**
   * The size of the region.
   *
   * @returns Bytes mapped (whole pages), or 0 when no memory is allocated.
   *
   * @example Sizes are whole pages
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * assert.equal(new JITMemoryManager().getSize(), 0);
   * using memory = new JITMemoryManager(1);
   * assert.equal(memory.getSize(), JITMemoryManager.getPageSize());
   * ```
   */
  getSize(): number {
    return this.#region?.size ?? 0;
  }

  /**
   * Whether this manager owns memory.
   *
   * @returns `true` between `allocate()` and `deallocate()`.
   *
   * @example After construction
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager();
   * assert.equal(memory.isAllocated(), false);
   * memory.allocate(1);
   * assert.equal(memory.isAllocated(), true);
   * memory.deallocate();
   * assert.equal(memory.isAllocated(), false);
   * ```
   */
  isAllocated(): boolean {
    return this.#region !== undefined;
  }

  /**
   * Whether the region is read-execute.
   *
   * @returns `true` after `makeExecutable()` until `makeWritable()`.
   *
   * @example After allocation
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * using memory = new JITMemoryManager(4096);
   * assert.equal(memory.isExecutable(), false);
   * memory.makeExecutable();
   * assert.equal(memory.isExecutable(), true);
   * ```
   */
  isExecutable(): boolean {
    return this.#region?.state === "executable";
  }

  /**
   * The OS page size, read once.
   *
   * @returns Bytes per page (4096 on x86-64 Linux, 16384 on Apple silicon).
   * @throws {JITMemoryManagerError} `FFI_PERMISSION` without `--allow-ffi`.
   *
   * @tags allow-ffi
   *
   * @example Reading the page size
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const page = JITMemoryManager.getPageSize();
   * assert.equal(page & (page - 1), 0); // a power of two
   * if (Deno.build.arch === "x86_64") assert.equal(page, 4096);
   * ```
   */
  static getPageSize(): number {
    return platform().pageSize();
  }

  /**
   * The unit the OS reserves address space in: the page size on Linux and
   * macOS, 64 KiB on Windows. A region is still sized in pages
   * (`getSize()` reports the page-rounded size, all of it usable), but on
   * Windows each region takes address space in this unit, so many small
   * regions are better served by a `CodePool`, whose blocks are sized in it.
   *
   * @returns Bytes per reservation unit; a multiple of the page size.
   * @throws {JITMemoryManagerError} `FFI_PERMISSION` without `--allow-ffi`.
   *
   * @tags allow-ffi
   *
   * @example Comparing it with the page size
   * ```ts
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   * import assert from "node:assert/strict";
   *
   * const unit = JITMemoryManager.getAllocationGranularity();
   * assert.equal(unit % JITMemoryManager.getPageSize(), 0);
   * ```
   */
  static getAllocationGranularity(): number {
    return platform().allocationGranularity();
  }

  /**
   * Rounds a size up to whole pages.
   *
   * @param size A non-negative safe integer.
   * @returns The smallest multiple of the page size that holds `size`.
   * @throws {JITMemoryManagerError} `INVALID_SIZE` for a bad size.
   *
   * @tags allow-ffi
   *
   * @example Rounding
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const page = JITMemoryManager.getPageSize();
   * assert.equal(JITMemoryManager.roundToPageSize(0), 0);
   * assert.equal(JITMemoryManager.roundToPageSize(1), page);
   * assert.equal(JITMemoryManager.roundToPageSize(page + 1), 2 * page);
   * if (page === 4096) assert.equal(JITMemoryManager.roundToPageSize(5000), 8192);
   * ```
   */
  static roundToPageSize(size: number): number {
    return roundUp(size, platform().pageSize());
  }

  /**
   * Releases the memory; what `using` calls at the end of its block.
   *
   * @tags allow-ffi
   *
   * @example Scoped memory
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManager } from "@bcpl/jit-memory";
   *
   * const memory = new JITMemoryManager(4096);
   * {
   *   using scoped = memory;
   *   assert.equal(scoped.isAllocated(), true);
   * } // unmapped here
   * assert.equal(memory.isAllocated(), false);
   * ```
   */
  [Symbol.dispose](): void {
    this.deallocate();
  }

  #allocated(): Region {
    const region = this.#region;
    if (region === undefined) {
      throw new JITMemoryManagerError("NOT_ALLOCATED", "No memory allocated.");
    }
    return region;
  }

  static {
    managerInternals = {
      makeExecutable: (manager, length) => manager.#makeExecutable(length),
      patch: (manager, offset, bytes, running) =>
        patchRegion(manager.#allocated(), offset, bytes, running),
    };
  }
}

/** Where writes go: the read-write view once there is one that is. */
function writeBase(region: Region): Deno.PointerObject {
  if (region.mixed) {
    region.platform.protect(region.pointer, region.size, "read-write");
    region.mixed = false;
  }
  if (region.switches) return region.pointer;
  if (region.writable === undefined) {
    throw new JITMemoryManagerError(
      "SYSTEM",
      "The region lost its writable view in a failed deallocate(): " +
        "deallocate() it again",
    );
  }
  return region.writable;
}

/**
 * Unmaps both views of a region; the writable one first, so that a failure
 * leaves the region as usable as before (or without its extra view only).
 */
function unmapRegion(region: Region): void {
  const backend = region.platform;
  if (region.writable !== undefined) {
    backend.unmap(region.writable, region.size);
    region.writable = undefined;
  }
  backend.unmap(region.pointer, region.size);
}

/**
 * After the patched pages of a region could not be made read-execute
 * again: makes the whole region read-write (state "writable"), or failing
 * that the patched pages read-execute (state stays "executable").
 *
 * @returns Whether either switch worked.
 */
function settleAfterFailedPatch(
  region: Region,
  pagesPointer: Deno.PointerObject,
  pages: number,
): boolean {
  try {
    region.platform.protect(region.pointer, region.size, "read-write");
    region.state = "writable";
    return true;
  } catch {
    // try the other way
  }
  try {
    region.platform.protect(pagesPointer, pages, "read-execute");
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `data` at `start` of a region (see `JITMemoryManager.patch()`).
 *
 * @param region The region.
 * @param start Where.
 * @param data What.
 * @param running Whether its code is running now.
 */
function patchRegion(
  region: Region,
  start: number,
  data: Uint8Array,
  running: boolean,
): void {
  if (data.byteLength === 0) return;
  const backend = region.platform;
  if (region.state === "writable") {
    backend.write(offsetPointer(writeBase(region), start), data);
    return;
  }
  const target = offsetPointer(region.pointer, start);
  if (region.writable === undefined && backend.dualMapping !== undefined) {
    try {
      region.writable = backend.dualMapping.convert(
        region.pointer,
        region.size,
      );
    } catch {
      // No second view to be had: the pages are switched instead.
    }
  }
  if (region.writable !== undefined) {
    backend.write(offsetPointer(region.writable, start), data);
    backend.flushInstructionCache(target, data.byteLength);
    backend.coreSync?.synchronize();
    return;
  }
  if (backend.writeMode === "thread-toggle") {
    // MAP_JIT memory (Apple silicon): the write switches this thread's
    // view only, and back before the running code can resume; no other
    // thread ever sees it writable.
    backend.write(target, data);
    backend.flushInstructionCache(target, data.byteLength);
    backend.coreSync?.synchronize();
    return;
  }
  if (running) throw inUseError("patch()");
  const pageSize = backend.pageSize();
  const firstPage = Math.floor(start / pageSize) * pageSize;
  const pages = roundUp(start + data.byteLength, pageSize) - firstPage;
  const pagesPointer = offsetPointer(region.pointer, firstPage);
  backend.protect(pagesPointer, pages, "read-write");
  let failure: unknown;
  try {
    backend.write(target, data);
  } catch (error) {
    failure = error;
  }
  try {
    // Also after a failed write: some of its bytes may be in place.
    backend.flushInstructionCache(target, data.byteLength);
  } catch (error) {
    failure ??= error;
  }
  try {
    backend.protect(pagesPointer, pages, "read-execute");
  } catch (error) {
    // The patched pages stay writable, so the whole region becomes so: it
    // says "writable" (its functions throw NOT_EXECUTABLE until
    // makeExecutable() succeeds), and write() may go to any of its pages.
    // Should that switch fail too, the patched pages are tried once more.
    if (!settleAfterFailedPatch(region, pagesPointer, pages)) {
      region.state = "writable";
      region.mixed = true;
    }
    if (region.state === "executable") {
      // Switched back on the second try: the patch is done as asked.
      backend.coreSync?.synchronize();
      if (failure !== undefined) throw failure;
      return;
    }
    throw new JITMemoryManagerError(
      "SYSTEM",
      `${(error as Error).message}; the region was left writable: call ` +
        `makeExecutable() to run it again`,
      {
        errno: (error as JITMemoryManagerError).errno,
        syscall: (error as JITMemoryManagerError).syscall,
        reason: (error as JITMemoryManagerError).reason,
        cause: error,
      },
    );
  }
  backend.coreSync?.synchronize();
  if (failure !== undefined) throw failure;
}
