/**
 * macOS: libSystem's mmap family with MAP_JIT, which the hardened runtime
 * requires for memory that will hold code.
 *
 * On Apple silicon a MAP_JIT region is mapped readable, writable and
 * executable once, and each thread sees it either writable or executable,
 * switched with `pthread_jit_write_protect_np`. This backend keeps the
 * thread in execute mode and brackets each copy of code with the switch
 * (write mode, memcpy, execute mode), so the window in which this thread
 * sees the memory writable is three native calls long; raw writes through
 * the region's pointer are not possible there (use `write()`/`patch()`).
 * `sys_icache_invalidate` runs before code is executed.
 *
 * On Intel Macs MAP_JIT memory is switched with mprotect like on Linux.
 *
 * Written from Apple's documentation ("Porting just-in-time compilers to
 * Apple silicon", mmap(2), pthread_jit_write_protect_np(3),
 * sys_icache_invalidate(3)); no Mac runs this project's CI, so the tests pin
 * the native calls with a recording fake.
 *
 * @module
 */

import {
  createPosixPlatform,
  errnoCalls,
  errnoReader,
  MAP_PRIVATE,
  posixSymbols,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from "./posix.ts";
import { openLibrary } from "./open_library.ts";
import type { Architecture, Platform } from "./types.ts";

/** libSystem's symbols: the POSIX set plus Darwin's errno and JIT support. */
export const libSystemSymbols = {
  ...posixSymbols,
  __error: {
    parameters: [],
    result: "pointer", // int *
  },
  pthread_jit_write_protect_supported_np: {
    parameters: [],
    result: "i32", // int
    optional: true, // macOS 11+
  },
  pthread_jit_write_protect_np: {
    parameters: ["i32"], // int enabled
    result: "void",
    optional: true, // macOS 11+
  },
  sys_icache_invalidate: {
    parameters: [
      "pointer", // void *start
      "usize", // size_t len
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode libSystemSymbols}, or a fake of them. */
export type DarwinLibSystem = Deno.DynamicLibrary<
  typeof libSystemSymbols
>["symbols"];

/** `MAP_ANON` on macOS (0x20 on Linux). */
export const MAP_ANON = 0x1000;
/** `MAP_JIT`: memory the hardened runtime lets become executable. */
export const MAP_JIT = 0x0800;
/** `_SC_PAGESIZE` in Darwin's `<unistd.h>`. */
export const SC_PAGESIZE = 29;

const LIBSYSTEM = "/usr/lib/libSystem.B.dylib";

/**
 * Builds the macOS backend over bound (or fake) native functions.
 *
 * @param libSystem libSystem's functions.
 * @param arch The CPU architecture.
 * @returns The macOS platform backend.
 */
export function createDarwinPlatform(
  libSystem: DarwinLibSystem,
  arch: Architecture,
): Platform {
  const toggle = libSystem.pthread_jit_write_protect_np;
  const threadToggle = arch === "aarch64" && toggle !== null &&
    libSystem.pthread_jit_write_protect_supported_np?.() === 1;
  // Darwin's system-call interface is private; errno is read right after
  // a failed call, with nothing allocated in between (see posix.ts).
  const calls = errnoCalls(libSystem, errnoReader(libSystem.__error));
  return createPosixPlatform(libSystem, calls, {
    os: "darwin",
    arch,
    mapFlags: MAP_PRIVATE | MAP_ANON | MAP_JIT,
    mapProtection: threadToggle
      ? PROT_READ | PROT_WRITE | PROT_EXEC
      : PROT_READ | PROT_WRITE,
    pageSizeName: SC_PAGESIZE,
    writeMode: threadToggle ? "thread-toggle" : "protect",
    errorCapture: "next-call",
    flushInstructionCache: arch === "x86_64"
      ? () => {}
      : (address, size) =>
        libSystem.sys_icache_invalidate(address, BigInt(size)),
    setThreadWriteProtect: threadToggle
      ? (executable) => toggle!(executable ? 1 : 0)
      : undefined,
  });
}

/**
 * Opens libSystem and builds the macOS backend.
 *
 * @param arch The CPU architecture.
 * @returns The macOS platform backend.
 */
export function openDarwinPlatform(arch: Architecture): Platform {
  return createDarwinPlatform(
    openLibrary(LIBSYSTEM, libSystemSymbols).symbols,
    arch,
  );
}
