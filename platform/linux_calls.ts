/**
 * The Linux system calls jit-memory makes, in the kernel's own convention:
 * each returns its result, or `-errno` of that very call.
 *
 * Two sources provide them: the system calls made directly from a tiny
 * generated library (syscall_library.ts), where the error arrives in the
 * result register and nothing can overwrite it; and glibc's wrappers,
 * whose `errno` is read right after a failed call (the fallback where that
 * library cannot be loaded).
 *
 * @module
 */

import {
  errnoCall,
  errnoCalls,
  type MemoryCalls,
  posixSymbols,
} from "./posix.ts";
import type { Architecture } from "./types.ts";

/** glibc's symbols: the POSIX set plus what Linux's features need. */
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
  openat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *pathname
      "i32", // int flags
      "u32", // mode_t mode
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
  fcntl: {
    parameters: [
      "i32", // int fd
      "i32", // int cmd
      "i32", // ... int arg
    ],
    result: "i32", // int  (-1 on error)
  },
  close: {
    parameters: ["i32"], // int fd
    result: "i32", // int  (-1 on error)
  },
  // glibc has no membarrier() wrapper. syscall() is variadic, but Linux's
  // conventions pass variadic integers as they pass named ones, and the
  // function only moves its arguments into the kernel's registers.
  syscall: {
    parameters: [
      "i64", // long number
      "i64", // ... long arguments
      "i64",
      "i64",
    ],
    result: "i64", // long  (-1 on error)
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode libcSymbols}, or a fake of them. */
export type LinuxLibc = Deno.DynamicLibrary<typeof libcSymbols>["symbols"];

/** Linux's system calls, each returning its result or `-errno`. */
export interface LinuxCalls extends MemoryCalls {
  memfd_create(name: Uint8Array, flags: number): number;
  openat(dirfd: number, path: Uint8Array, flags: number, mode: number): number;
  ftruncate(fd: number, length: bigint): number;
  fcntl(fd: number, command: number, argument: number): number;
  /** Bytes written, or `-errno`. */
  write(fd: number, buffer: Uint8Array, count: bigint): number;
  close(fd: number): number;
  /** `membarrier(cmd, flags, cpu_id)`: see core_sync.ts. */
  membarrier(command: number, flags: number, cpu: number): number;
}

/** `__NR_membarrier` (`<asm/unistd.h>`; AArch64 uses the generic table). */
export const MEMBARRIER_NUMBER: Record<Architecture, number> = {
  x86_64: 324,
  aarch64: 283,
};

/**
 * glibc's functions in the `-errno` convention, `errno` read right after a
 * failed call.
 *
 * @param libc The bound functions (or a fake).
 * @param errno Reads this thread's `errno`.
 * @param arch The CPU, for the numbers of calls made through `syscall()`.
 * @returns The calls.
 */
export function libcCalls(
  libc: LinuxLibc,
  errno: () => number,
  arch: Architecture,
): LinuxCalls {
  const membarrier = BigInt(MEMBARRIER_NUMBER[arch]);
  return {
    ...errnoCalls(libc, errno),
    memfd_create: errnoCall(libc.memfd_create, errno),
    openat: errnoCall(libc.openat, errno),
    ftruncate: errnoCall(libc.ftruncate, errno),
    fcntl: errnoCall(libc.fcntl, errno),
    write: errnoCall(
      (fd: number, buffer: Uint8Array, count: bigint) =>
        Number(libc.write(fd, buffer, count)),
      errno,
    ),
    close: errnoCall(libc.close, errno),
    membarrier: errnoCall(
      (command: number, flags: number, cpu: number) =>
        Number(
          libc.syscall(membarrier, BigInt(command), BigInt(flags), BigInt(cpu)),
        ),
      errno,
    ),
  };
}
