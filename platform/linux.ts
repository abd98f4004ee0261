/**
 * Linux: glibc's mmap family, and libgcc_s's `__clear_cache` for
 * instruction-cache coherence on AArch64.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { createDualMapping } from "./dual_mapping.ts";
import { createFastCalls, type FastCallConfig } from "./fast_calls.ts";
import { openLibrary } from "./open_library.ts";
import {
  createPosixPlatform,
  MAP_PRIVATE,
  posixSymbols,
  PROT_READ,
  PROT_WRITE,
} from "./posix.ts";
import type { Architecture, Platform } from "./types.ts";

/** glibc's symbols: the POSIX set plus Linux's errno accessor. */
export const libcSymbols = {
  ...posixSymbols,
  __errno_location: {
    parameters: [],
    result: "pointer", // int *
  },
  memfd_create: {
    parameters: [
      "buffer", // const char *name
      "u32", // unsigned int flags
    ],
    result: "i32", // int  (-1 on error)
  },
  write: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *buf
      "usize", // size_t count
    ],
    result: "isize", // ssize_t  (-1 on error)
  },
  ftruncate: {
    parameters: [
      "i32", // int fd
      "i64", // off_t length
    ],
    result: "i32", // int  (-1 on error)
  },
  close: {
    parameters: ["i32"], // int fd
    result: "i32", // int  (-1 on error)
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** libgcc_s's cache maintenance routine, as the compiler itself emits it. */
export const libgccSymbols = {
  __clear_cache: {
    parameters: [
      "pointer", // void *begin
      "pointer", // void *end
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode libcSymbols}, or a fake of them. */
export type LinuxLibc = Deno.DynamicLibrary<typeof libcSymbols>["symbols"];
/** The bound functions of {@linkcode libgccSymbols}, or a fake of them. */
export type LinuxLibgcc = Deno.DynamicLibrary<typeof libgccSymbols>["symbols"];

/** `MAP_ANONYMOUS` on Linux (0x1000 on macOS). */
export const MAP_ANONYMOUS = 0x20;
/** `_SC_PAGESIZE` in glibc's `<unistd.h>`. */
export const SC_PAGESIZE = 30;

const LIBC = "libc.so.6";
const LIBGCC = "libgcc_s.so.1";

/**
 * Builds the Linux backend over bound (or fake) native functions.
 *
 * @param libc glibc's functions.
 * @param arch The CPU architecture.
 * @param loadLibgcc Opens libgcc_s; called at most once, on the first
 *   instruction-cache flush on AArch64.
 * @param dlopen Opens trampoline libraries for fast calls; without it the
 *   backend has no fast calls.
 * @returns The Linux platform backend.
 */
export function createLinuxPlatform(
  libc: LinuxLibc,
  arch: Architecture,
  loadLibgcc: () => LinuxLibgcc,
  dlopen?: FastCallConfig["open"],
): Platform {
  let libgcc: LinuxLibgcc | undefined;

  function clearCache(address: Deno.PointerObject, size: number): void {
    if (libgcc === undefined) {
      try {
        libgcc = loadLibgcc();
      } catch (cause) {
        // Running code the instruction fetcher may not have seen is worse
        // than refusing to run it.
        throw new JITMemoryManagerError(
          "UNSUPPORTED",
          `Cannot make the instruction cache coherent on Linux/AArch64: ` +
            `${LIBGCC} (__clear_cache) is not loadable`,
          { cause },
        );
      }
    }
    libgcc.__clear_cache(address, Deno.UnsafePointer.offset(address, size));
  }

  const posix = createPosixPlatform(libc, {
    os: "linux",
    arch,
    mapFlags: MAP_PRIVATE | MAP_ANONYMOUS,
    mapProtection: PROT_READ | PROT_WRITE,
    pageSizeName: SC_PAGESIZE,
    writeMode: "protect",
    errnoLocation: () => libc.__errno_location(),
    flushInstructionCache: arch === "x86_64" ? () => {} : clearCache,
  });
  const dualMapping = createDualMapping(libc, posix.lastError);
  if (dlopen === undefined) return { ...posix, dualMapping };
  return {
    ...posix,
    dualMapping,
    fastCalls: createFastCalls(libc, {
      arch,
      pageSize: posix.pageSize,
      lastError: posix.lastError,
      open: dlopen,
    }),
  };
}

/**
 * Opens glibc (now) and libgcc_s (later, on AArch64 only) and builds the
 * Linux backend.
 *
 * @param arch The CPU architecture.
 * @returns The Linux platform backend.
 */
export function openLinuxPlatform(arch: Architecture): Platform {
  const libc = openLibrary(LIBC, libcSymbols).symbols;
  return createLinuxPlatform(
    libc,
    arch,
    () => openLibrary(LIBGCC, libgccSymbols).symbols,
    Deno.dlopen,
  );
}
