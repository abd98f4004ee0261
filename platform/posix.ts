/**
 * The POSIX backend: mmap, mprotect and munmap from the C library, shared by
 * Linux and macOS. The per-OS files supply constants, the errno accessor and
 * instruction-cache maintenance.
 *
 * @module
 */

import { codeAlignment, trapBytes } from "./architecture.ts";
import { systemError } from "./native_error.ts";
import type {
  Architecture,
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

/** Memory protection bits of `<sys/mman.h>`; the same on Linux and macOS. */
export const PROT_READ = 0x1;
/** Pages may be written. */
export const PROT_WRITE = 0x2;
/** Pages may be executed. */
export const PROT_EXEC = 0x4;
/** A private copy-on-write mapping; the same on Linux and macOS. */
export const MAP_PRIVATE = 0x02;

/** `mmap`'s error return, `(void *)-1`. */
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

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
  /** Returns the address of this thread's `errno`. */
  errnoLocation(): Deno.PointerValue;
  /** Makes freshly written code visible to the instruction fetcher. */
  flushInstructionCache(address: Deno.PointerObject, size: number): void;
  /**
   * Switches this thread's view of MAP_JIT memory: `true` makes it
   * executable, `false` writable. Only for `writeMode: "thread-toggle"`.
   */
  setThreadWriteProtect?(executable: boolean): void;
}

/**
 * Builds a POSIX backend over a table of C-library functions.
 *
 * @param native The bound C functions (or a recording fake in tests).
 * @param config The per-OS constants and hooks.
 * @returns A platform backend.
 */
export function createPosixPlatform(
  native: PosixNative,
  config: PosixConfig,
): Platform {
  let pageSize = 0;

  function lastError(): OsError {
    const location = config.errnoLocation();
    const code = location === null
      ? 0
      : new Deno.UnsafePointerView(location).getInt32();
    const text = native.strerror(code);
    const message = text === null
      ? `errno ${code}`
      : Deno.UnsafePointerView.getCString(text);
    return { code, message };
  }

  function protectionBits(protection: Protection): number {
    return protection === "read-write"
      ? PROT_READ | PROT_WRITE
      : PROT_READ | PROT_EXEC;
  }

  function writeThroughThreadToggle(
    address: Deno.PointerObject,
    bytes: Uint8Array,
  ): void {
    const toggle = config.setThreadWriteProtect!;
    toggle(false);
    try {
      native.memcpy(address, bytes, BigInt(bytes.byteLength));
    } finally {
      toggle(true);
    }
  }

  return {
    os: config.os,
    arch: config.arch,
    codeAlignment: codeAlignment(config.arch),
    trapBytes: trapBytes(config.arch),
    writeMode: config.writeMode,
    pageSize(): number {
      if (pageSize === 0) {
        const value = Number(native.sysconf(config.pageSizeName));
        if (!(value > 0)) {
          throw systemError("sysconf", "_SC_PAGESIZE", lastError());
        }
        pageSize = value;
      }
      return pageSize;
    },
    mapReadWrite(size: number): Deno.PointerObject {
      const address = native.mmap(
        null,
        BigInt(size),
        config.mapProtection,
        config.mapFlags,
        -1,
        0n,
      );
      if (
        address === null || Deno.UnsafePointer.value(address) === MAP_FAILED
      ) {
        throw systemError("mmap", `${size} bytes`, lastError());
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
      if (config.writeMode === "thread-toggle") return;
      if (
        native.mprotect(address, BigInt(size), protectionBits(protection)) !== 0
      ) {
        throw systemError(
          "mprotect",
          `${size} bytes, ${protection}`,
          lastError(),
        );
      }
    },
    unmap(address: Deno.PointerObject, size: number): void {
      if (native.munmap(address, BigInt(size)) !== 0) {
        throw systemError("munmap", `${size} bytes`, lastError());
      }
    },
    write(address: Deno.PointerObject, bytes: Uint8Array): void {
      if (bytes.byteLength === 0) return;
      if (config.writeMode === "thread-toggle") {
        writeThroughThreadToggle(address, bytes);
      } else {
        native.memcpy(address, bytes, BigInt(bytes.byteLength));
      }
    },
    flushInstructionCache(address: Deno.PointerObject, size: number): void {
      config.flushInstructionCache(address, size);
    },
    lastError,
  };
}
