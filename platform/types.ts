/**
 * The contract every operating-system backend fulfils. Nothing outside
 * `platform/` knows which backend it is talking to.
 *
 * @module
 */

import type { CoreSynchronizer } from "./core_sync.ts";
import type { DebuggerInterface } from "./gdb_jit.ts";
import type { SystemErrorReason } from "../errors.ts";
import type { FastCalls } from "./fast_calls.ts";

export type {
  FastCallBinding,
  FastCalls,
  FastCallStats,
} from "./fast_calls.ts";

/** The two states a region can be in; never both writable and executable. */
export type Protection = "read-write" | "read-execute";

/** Operating systems with a backend. */
export type OperatingSystem = "linux" | "darwin" | "windows";

/** CPU architectures the backends know how to keep coherent. */
export type Architecture = "x86_64" | "aarch64";

/** An error the operating system reported for one native call. */
export interface OsError {
  /** `errno` on POSIX systems, `GetLastError()` on Windows. */
  code: number;
  /** The OS's own description (`strerror`, `FormatMessageW`). */
  message: string;
  /**
   * What the number means on this OS, so that shared code never compares
   * one OS's numbers (EACCES is 13 on Linux, ERROR_ACCESS_DENIED 5 on
   * Windows).
   */
  reason: SystemErrorReason;
}

/**
 * How a backend learns the error of a failed native call:
 * - `"in-result"`: the call itself returns it (Linux system calls made
 *   directly, which return `-errno`), so nothing can change it in between;
 * - `"next-call"`: `errno` or `GetLastError()` is read right after the
 *   failed call, with no JavaScript allocation in between.
 */
export type ErrorCapture = "in-result" | "next-call";

/**
 * Executable-memory primitives of one operating system.
 *
 * Every method throws a `JITMemoryManagerError` with code `SYSTEM` when the
 * OS refuses, carrying the OS error number, the failing native function and
 * the OS's message.
 */
export interface Platform {
  /** The operating system this backend drives. */
  readonly os: OperatingSystem;
  /** The CPU architecture code will run on. */
  readonly arch: Architecture;
  /**
   * The alignment functions must start at: 4 on AArch64, whose program
   * counter faults on a misaligned branch target; 1 on x86-64.
   */
  readonly codeAlignment: number;
  /**
   * One trap instruction (`int3`, `brk #0`): what fills memory where no
   * code may run, so that a stale pointer traps.
   */
  readonly trapBytes: Uint8Array;
  /**
   * Whether zeroed memory already traps when executed (AArch64: the zero
   * word is `udf #0`), so fresh pages need no trap fill.
   */
  readonly zeroTraps: boolean;
  /**
   * How writes reach executable memory on this platform:
   * - `"protect"`: the region's protection is switched between read-write
   *   and read-execute (mprotect, VirtualProtect);
   * - `"thread-toggle"`: the region is mapped once with MAP_JIT and each
   *   write is bracketed by the per-thread switch
   *   `pthread_jit_write_protect_np` (macOS on Apple silicon), so the
   *   memory is never writable while code runs on this thread.
   */
  readonly writeMode: "protect" | "thread-toggle";
  /** How errors of failed native calls are captured. */
  readonly errorCapture: ErrorCapture;
  /** The size of one page in bytes; read from the OS once. */
  pageSize(): number;
  /**
   * The unit the OS reserves address space in: the page size on Linux and
   * macOS, 64 KiB on Windows (`dwAllocationGranularity`), where a 4 KiB
   * `VirtualAlloc` still takes 64 KiB of address space. Blocks of a pool
   * are sized in it.
   */
  allocationGranularity(): number;
  /**
   * Maps `size` bytes (a multiple of the page size) of zeroed private
   * memory, readable and writable.
   */
  mapReadWrite(size: number): Deno.PointerObject;
  /** Switches `size` bytes at `address` (page-aligned) to `protection`. */
  protect(
    address: Deno.PointerObject,
    size: number,
    protection: Protection,
  ): void;
  /** Unmaps a region returned by {@linkcode Platform.mapReadWrite}. */
  unmap(address: Deno.PointerObject, size: number): void;
  /**
   * Copies `bytes` to `address` in memory the caller keeps writable
   * (through {@linkcode Platform.protect} or the thread toggle).
   */
  write(address: Deno.PointerObject, bytes: Uint8Array): void;
  /**
   * Fills `size` bytes at `address` (writable, aligned to the trap's size)
   * with trap instructions, in place: no buffer is made or kept.
   */
  fillTraps(address: Deno.PointerObject, size: number): void;
  /**
   * Makes the instruction fetcher see what was written to `size` bytes at
   * `address`. A no-op on x86-64, whose caches are coherent.
   */
  flushInstructionCache(address: Deno.PointerObject, size: number): void;
  /**
   * Makes code that this thread has just put in place and made executable
   * safe for every other thread of the process to run, where the cache
   * flush alone does not (AArch64: Linux's `membarrier`, Windows's
   * `FlushProcessWriteBuffers`; see core_sync.ts). Called after the
   * protection switch, never before. Absent on x86-64, whose cores are
   * kept coherent, and on macOS, which offers a process no such barrier.
   */
  readonly coreSync?: CoreSynchronizer;
  /**
   * Binds JIT'd functions to dlopen-speed trampolines, where the platform
   * has a way to (Linux, Windows x64); `undefined` elsewhere, where
   * functions stay on `Deno.UnsafeFnPointer`.
   */
  readonly fastCalls?: FastCalls;
  /**
   * Maps memory twice, a read-write view and a read-execute view of the
   * same pages, where the platform can (Linux, through `memfd_create`);
   * `undefined` elsewhere.
   */
  readonly dualMapping?: DualMapping;
  /**
   * Opens the process's side of the GDB JIT interface, where the platform
   * has one (Linux); `undefined` elsewhere.
   */
  readonly debuggerInterface?: () => DebuggerInterface;
}

/** The two views of dual-mapped memory. */
export interface DualViews {
  /** Where code is written: mapped read-write, never executable. */
  readonly writable: Deno.PointerObject;
  /** Where code runs: mapped read-execute, never writable. */
  readonly executable: Deno.PointerObject;
}

/**
 * Memory seen through two mappings with different protections. Each view
 * is an ordinary mapping, unmapped on its own with `Platform.unmap()`, so
 * that a failure leaves the caller knowing exactly which one is left.
 */
export interface DualMapping {
  /**
   * Maps `size` bytes (a multiple of the page size) twice. The writable
   * view lies at an address unrelated to the executable one.
   */
  map(size: number): DualViews;
  /**
   * Replaces the private region at `address` (from `mapReadWrite()`, now
   * read-execute) by a dual mapping of a copy of it, at the same address
   * and with the same protection, so that it can be written from now on
   * without changing the protection code runs under.
   *
   * @returns The new writable view.
   */
  convert(address: Deno.PointerObject, size: number): Deno.PointerObject;
}
