/**
 * Linux: memory system calls made directly (syscall_library.ts), or
 * through glibc where that library cannot be loaded; dual mapping over
 * memfds; fast calls through trampoline libraries; and libgcc_s's
 * `__clear_cache` for instruction-cache coherence on AArch64, with a
 * `membarrier` for the process's other threads (core_sync.ts).
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { membarrierCoreSync } from "./core_sync.ts";
import { createDualMapping } from "./dual_mapping.ts";
import { createFastCalls } from "./fast_calls.ts";
import { openDebuggerInterface } from "./gdb_jit.ts";
import {
  libcCalls,
  libcSymbols,
  type LinuxCalls,
  type LinuxLibc,
} from "./linux_calls.ts";
import { type LibraryOpener, memfdLoader } from "./memfd_library.ts";
import { openLibrary } from "./open_library.ts";
import {
  createPosixPlatform,
  errnoReader,
  MAP_PRIVATE,
  osErrorDescriber,
  PROT_READ,
  PROT_WRITE,
} from "./posix.ts";
import { mprotectSlots } from "./slot_protector.ts";
import { loadSyscalls } from "./syscall_library.ts";
import { buildTrampolineLibrary } from "./trampoline_library.ts";
import type { Architecture, ErrorCapture, Platform } from "./types.ts";

export { libcSymbols, type LinuxLibc } from "./linux_calls.ts";

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

/** The bound functions of {@linkcode libgccSymbols}, or a fake of them. */
export type LinuxLibgcc = Deno.DynamicLibrary<typeof libgccSymbols>["symbols"];

/** `MAP_ANONYMOUS` on Linux (0x1000 on macOS). */
export const MAP_ANONYMOUS = 0x20;
/** `_SC_PAGESIZE` in glibc's `<unistd.h>`. */
export const SC_PAGESIZE = 30;

const LIBC = "libc.so.6";
const LIBGCC = "libgcc_s.so.1";

/** How a Linux backend makes its system calls. */
export interface LinuxOptions {
  /**
   * Opens libraries (trampolines for fast calls); without it the backend
   * has no fast calls.
   */
  dlopen?: LibraryOpener;
  /**
   * The system calls: made directly (`"in-result"` capture), or by default
   * glibc's functions with `errno` read right after a failure.
   */
  calls?: { calls: LinuxCalls; capture: ErrorCapture };
}

/**
 * Builds the Linux backend over bound (or fake) native functions.
 *
 * @param libc glibc's functions (`memcpy`, `sysconf`, `strerror`, and the
 *   system calls unless `options.calls` gives others).
 * @param arch The CPU architecture.
 * @param loadLibgcc Opens libgcc_s; called at most once, on the first
 *   instruction-cache flush on AArch64.
 * @param options Fast calls and the source of system calls.
 * @returns The Linux platform backend.
 */
export function createLinuxPlatform(
  libc: LinuxLibc,
  arch: Architecture,
  loadLibgcc: () => LinuxLibgcc,
  options: LinuxOptions = {},
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

  const { calls, capture } = options.calls ?? {
    calls: libcCalls(libc, errnoReader(libc.__errno_location), arch),
    capture: "next-call",
  };
  const posix = createPosixPlatform(libc, calls, {
    os: "linux",
    arch,
    mapFlags: MAP_PRIVATE | MAP_ANONYMOUS,
    mapProtection: PROT_READ | PROT_WRITE,
    pageSizeName: SC_PAGESIZE,
    writeMode: "protect",
    errorCapture: capture,
    flushInstructionCache: arch === "x86_64" ? () => {} : clearCache,
  });
  const dualMapping = createDualMapping(calls, {
    arch,
    pageSize: posix.pageSize,
    osError: posix.osError,
  });
  // AArch64 needs other cores to synchronize too; x86-64 keeps them
  // coherent (as wasmtime and V8 assume).
  const coreSync = arch === "aarch64" ? membarrierCoreSync(calls) : undefined;
  const dlopen = options.dlopen;
  if (dlopen === undefined) return { ...posix, dualMapping, coreSync };
  return {
    ...posix,
    dualMapping,
    coreSync,
    debuggerInterface: () =>
      openDebuggerInterface(
        arch,
        posix.pageSize(),
        calls,
        dlopen,
        posix.osError,
      ),
    // ELF trampoline libraries, loaded from memfds.
    fastCalls: createFastCalls({
      pageSize: posix.pageSize,
      build: (count) =>
        buildTrampolineLibrary(arch, count, posix.pageSize(), "elf"),
      loader: memfdLoader(
        calls,
        "jit-memory-trampolines",
        dlopen,
        posix.osError,
        posix.pageSize,
      ),
      protectSlots: mprotectSlots(calls, posix.osError),
    }),
  };
}

/**
 * Opens glibc, then the direct system calls (falling back to glibc's
 * wrappers where they cannot be loaded), and builds the Linux backend.
 * libgcc_s is opened later, on AArch64 only.
 *
 * @param arch The CPU architecture.
 * @returns The Linux platform backend.
 */
export function openLinuxPlatform(arch: Architecture): Platform {
  const libc = openLibrary(LIBC, libcSymbols).symbols;
  const viaLibc = libcCalls(libc, errnoReader(libc.__errno_location), arch);
  let calls: LinuxOptions["calls"];
  try {
    calls = {
      calls: loadSyscalls(
        arch,
        Number(libc.sysconf(SC_PAGESIZE)),
        viaLibc,
        Deno.dlopen,
        osErrorDescriber("linux", libc.strerror),
      ),
      capture: "in-result",
    };
  } catch {
    // E.g. memfds may not be mapped executable here: glibc it is.
    calls = { calls: viaLibc, capture: "next-call" };
  }
  return createLinuxPlatform(
    libc,
    arch,
    () => openLibrary(LIBGCC, libgccSymbols).symbols,
    { dlopen: Deno.dlopen, calls },
  );
}
