/**
 * The POSIX backend: mmap, mprotect and munmap, shared by Linux and macOS.
 * The per-OS files supply constants, the way errors are captured and
 * instruction-cache maintenance.
 *
 * Memory calls follow the kernel's convention: a result that is negative
 * (or, for `mmap`, an address in the last page of the address space) is
 * `-errno` of that very call. Linux makes its system calls directly and
 * gets the error in the result; where only libc's functions exist,
 * {@linkcode errnoCalls} reads `errno` right after a failed call, through a
 * view made once, with nothing allocated in between.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { codeAlignment, trapBytes } from "./architecture.ts";
import { errorReason, systemError } from "./native_error.ts";
import { trapFiller } from "./trap_fill.ts";
import type {
  Architecture,
  ErrorCapture,
  OperatingSystem,
  OsError,
  Platform,
  Protection,
} from "./types.ts";

/** The C-library functions every POSIX backend binds. */
export const posixSymbols = {
  mmap: {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
      "i32", // int prot
      "i32", // int flags
      "i32", // int fd
      "i64", // off_t offset
    ],
    result: "pointer", // void *  (MAP_FAILED on error)
  },
  mprotect: {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t len
      "i32", // int prot
    ],
    result: "i32", // int  (-1 on error)
  },
  munmap: {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
    ],
    result: "i32", // int  (-1 on error)
  },
  memcpy: {
    parameters: [
      "pointer", // void *dest
      "buffer", // const void *src
      "usize", // size_t n
    ],
    result: "pointer", // void *
  },
  sysconf: {
    parameters: ["i32"], // int name
    result: "i64", // long
  },
  strerror: {
    parameters: ["i32"], // int errnum
    result: "pointer", // char *
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode posixSymbols}, or a fake of them. */
export type PosixNative = Deno.DynamicLibrary<typeof posixSymbols>["symbols"];

/**
 * The memory calls of a POSIX backend, each reporting failure in its
 * result: `-errno`, or for `mmap` the address `-errno` (see
 * {@linkcode mmapErrno}).
 */
export interface MemoryCalls {
  mmap(
    address: Deno.PointerValue,
    length: bigint,
    protection: number,
    flags: number,
    fd: number,
    offset: bigint,
  ): Deno.PointerValue;
  mprotect(
    address: Deno.PointerValue,
    length: bigint,
    protection: number,
  ): number;
  munmap(address: Deno.PointerValue, length: bigint): number;
}

/** Memory protection bits of `<sys/mman.h>`; the same on Linux and macOS. */
export const PROT_READ = 0x1;
/** Pages may be written. */
export const PROT_WRITE = 0x2;
/** Pages may be executed. */
export const PROT_EXEC = 0x4;
/** A shared mapping; the same on Linux and macOS. */
export const MAP_SHARED = 0x01;
/** A private copy-on-write mapping; the same on Linux and macOS. */
export const MAP_PRIVATE = 0x02;
/** Place the mapping exactly at the address given; the same on both. */
export const MAP_FIXED = 0x10;

/** Addresses in the last page are error numbers (the kernel's rule). */
const FIRST_ERROR_ADDRESS = 0xffff_ffff_ffff_f001n;
const ADDRESS_SPACE = 0x1_0000_0000_0000_0000n;

/**
 * The error number an `mmap` result stands for.
 *
 * @param address What `mmap` returned.
 * @returns `errno` when the result is an error, 0 for an address.
 */
export function mmapErrno(address: Deno.PointerValue): number {
  if (address === null) return 0;
  const value = Deno.UnsafePointer.value(address);
  return value >= FIRST_ERROR_ADDRESS ? Number(ADDRESS_SPACE - value) : 0;
}

/**
 * Wraps a function that returns -1 and sets `errno` on failure into one
 * that returns `-errno`. `errno` is read right after the call through a
 * view made once: an `i32` result allocates nothing, so no garbage
 * collection (which makes system calls of its own) can run in between.
 *
 * @param call The C function.
 * @param errno Reads this thread's `errno`.
 * @returns The wrapped function.
 */
export function errnoCall<A extends unknown[]>(
  call: (...args: A) => number,
  errno: () => number,
): (...args: A) => number {
  return (...args: A): number => {
    const result = call(...args);
    return result === -1 ? -errno() : result;
  };
}

/**
 * Reads `errno` through a view of its cell, made on first use.
 *
 * @param location Returns the address of this thread's `errno`.
 * @returns A reader of the current value.
 */
export function errnoReader(
  location: () => Deno.PointerValue,
): () => number {
  let view: Deno.UnsafePointerView | undefined;
  return (): number => {
    if (view === undefined) {
      const pointer = location();
      if (pointer === null) return 0;
      view = new Deno.UnsafePointerView(pointer);
    }
    return view.getInt32();
  };
}

/**
 * libc's memory functions in the `-errno` convention.
 *
 * @param native The bound C functions (or a fake).
 * @param errno Reads this thread's `errno`.
 * @returns The memory calls.
 */
export function errnoCalls(
  native: PosixNative,
  errno: () => number,
): MemoryCalls {
  return {
    mmap(address, length, protection, flags, fd, offset): Deno.PointerValue {
      const result = native.mmap(
        address,
        length,
        protection,
        flags,
        fd,
        offset,
      );
      if (result !== null && Deno.UnsafePointer.value(result) === MAP_FAILED) {
        return Deno.UnsafePointer.create(ADDRESS_SPACE - BigInt(errno()));
      }
      return result;
    },
    mprotect: errnoCall(native.mprotect, errno),
    munmap: errnoCall(native.munmap, errno),
  };
}

/** `mmap`'s error return in libc, `(void *)-1`. */
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/**
 * Describes `errno` values with libc's `strerror` and their meaning.
 *
 * @param os The operating system (error numbers differ).
 * @param strerror libc's `strerror`.
 * @returns The describer.
 */
export function osErrorDescriber(
  os: OperatingSystem,
  strerror: PosixNative["strerror"],
): (code: number) => OsError {
  return (code: number): OsError => {
    const text = strerror(code);
    const message = text === null
      ? `errno ${code}`
      : Deno.UnsafePointerView.getCString(text);
    return { code, message, reason: errorReason(os, code) };
  };
}

/** What differs between the POSIX systems. */
export interface PosixConfig {
  /** The operating system. */
  os: OperatingSystem;
  /** The CPU architecture. */
  arch: Architecture;
  /** The `mmap` flags of a new region (MAP_PRIVATE | MAP_ANONYMOUS ...). */
  mapFlags: number;
  /** The `mmap` protection of a new region. */
  mapProtection: number;
  /** The `sysconf` name of the page size (`_SC_PAGESIZE`). */
  pageSizeName: number;
  /** How writes reach memory that may be executed. */
  writeMode: Platform["writeMode"];
  /** How the memory calls report errors. */
  errorCapture: ErrorCapture;
  /** Makes freshly written code visible to the instruction fetcher. */
  flushInstructionCache(address: Deno.PointerObject, size: number): void;
  /**
   * Switches this thread's view of MAP_JIT memory: `true` makes it
   * executable, `false` writable. Only for `writeMode: "thread-toggle"`.
   */
  setThreadWriteProtect?(executable: boolean): void;
}

/** A POSIX backend, plus what the per-OS files build on. */
export interface PosixPlatform extends Platform {
  /** The OS error for an `errno` value, with its message and meaning. */
  osError(code: number): OsError;
}

/**
 * Builds a POSIX backend.
 *
 * @param native The bound C functions (or a recording fake in tests):
 *   `memcpy`, `sysconf` and `strerror` are called directly.
 * @param calls The memory calls, in the `-errno` convention.
 * @param config The per-OS constants and hooks.
 * @returns A platform backend.
 */
export function createPosixPlatform(
  native: PosixNative,
  calls: MemoryCalls,
  config: PosixConfig,
): PosixPlatform {
  let pageSize = 0;
  const osError = osErrorDescriber(config.os, native.strerror);

  function protectionBits(protection: Protection): number {
    return protection === "read-write"
      ? PROT_READ | PROT_WRITE
      : PROT_READ | PROT_EXEC;
  }

  /** Runs `action` with this thread's view of MAP_JIT memory writable. */
  function threadWritable(action: () => void): void {
    const toggle = config.setThreadWriteProtect!;
    toggle(false);
    try {
      action();
    } finally {
      toggle(true);
    }
  }

  const threadToggle = config.writeMode === "thread-toggle";
  const trap = trapBytes(config.arch);
  const fillTraps = trapFiller(trap, (address, bytes) => {
    native.memcpy(address, bytes, BigInt(bytes.byteLength));
  });

  const backend: PosixPlatform = {
    os: config.os,
    arch: config.arch,
    codeAlignment: codeAlignment(config.arch),
    trapBytes: trap,
    zeroTraps: config.arch === "aarch64",
    writeMode: config.writeMode,
    errorCapture: config.errorCapture,
    osError,
    allocationGranularity(): number {
      return backend.pageSize();
    },
    pageSize(): number {
      if (pageSize === 0) {
        const value = Number(native.sysconf(config.pageSizeName));
        if (!(value > 0)) {
          throw new JITMemoryManagerError(
            "SYSTEM",
            `sysconf(_SC_PAGESIZE) returned ${value}`,
            { syscall: "sysconf" },
          );
        }
        pageSize = value;
      }
      return pageSize;
    },
    mapReadWrite(size: number): Deno.PointerObject {
      const address = calls.mmap(
        null,
        BigInt(size),
        config.mapProtection,
        config.mapFlags,
        -1,
        0n,
      );
      const errno = mmapErrno(address);
      if (errno !== 0 || address === null) {
        throw systemError("mmap", `${size} bytes`, osError(errno));
      }
      return address;
    },
    protect(
      address: Deno.PointerObject,
      size: number,
      protection: Protection,
    ): void {
      // MAP_JIT memory keeps its mapping; the per-thread switch in write()
      // is what keeps it from being writable and executable at once.
      if (threadToggle) return;
      const result = calls.mprotect(
        address,
        BigInt(size),
        protectionBits(protection),
      );
      if (result < 0) {
        throw systemError(
          "mprotect",
          `${size} bytes, ${protection}`,
          osError(-result),
        );
      }
    },
    unmap(address: Deno.PointerObject, size: number): void {
      const result = calls.munmap(address, BigInt(size));
      if (result < 0) {
        throw systemError("munmap", `${size} bytes`, osError(-result));
      }
    },
    write(address: Deno.PointerObject, bytes: Uint8Array): void {
      if (bytes.byteLength === 0) return;
      const copy = (): void => {
        native.memcpy(address, bytes, BigInt(bytes.byteLength));
      };
      if (threadToggle) threadWritable(copy);
      else copy();
    },
    fillTraps(address: Deno.PointerObject, size: number): void {
      if (size === 0) return;
      const fill = (): void => fillTraps(address, size);
      if (threadToggle) threadWritable(fill);
      else fill();
    },
    flushInstructionCache(address: Deno.PointerObject, size: number): void {
      config.flushInstructionCache(address, size);
    },
  };
  return backend;
}
