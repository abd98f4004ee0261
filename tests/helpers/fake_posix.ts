/**
 * A recording fake of the POSIX C functions every POSIX backend binds
 * (`posixSymbols`), shared by the Linux and macOS backend tests.
 *
 * @module
 */

import type { PosixNative } from "../../platform/posix.ts";
import { cString, type FakeProcess } from "./fake_native.ts";

/** What the fake answers. */
export interface PosixScript {
  /** What `sysconf(_SC_PAGESIZE)` returns. */
  pageSize: number;
  /** Make `mmap` fail with this errno. */
  failMmap?: number;
  /** Make `mprotect` fail with this errno. */
  failMprotect?: number;
}

const MAP_FAILED = Deno.UnsafePointer.create(0xffff_ffff_ffff_ffffn);

const MESSAGES: Record<number, string> = {
  12: "Cannot allocate memory",
  13: "Permission denied",
};

/**
 * Builds the fake C functions and this thread's fake `errno`.
 *
 * @param process Where calls are logged and memory comes from.
 * @param script What the functions answer.
 * @returns The functions and a pointer to the errno cell.
 */
export function fakePosix(
  process: FakeProcess,
  script: PosixScript,
): { native: PosixNative; errnoLocation: () => Deno.PointerValue } {
  const errno = new Int32Array(1);
  const native: PosixNative = {
    mmap(address, length, protection, flags, fd, offset): Deno.PointerValue {
      process.record("mmap", address, length, protection, flags, fd, offset);
      if (script.failMmap !== undefined) {
        errno[0] = script.failMmap;
        return MAP_FAILED;
      }
      return process.map(Number(length));
    },
    mprotect(address, length, protection): number {
      process.record("mprotect", address, length, protection);
      if (script.failMprotect !== undefined) {
        errno[0] = script.failMprotect;
        return -1;
      }
      return 0;
    },
    munmap(address, length): number {
      process.record("munmap", address, length);
      process.unmap(address);
      return 0;
    },
    memcpy(destination, source, length): Deno.PointerValue {
      process.record("memcpy", destination, source, length);
      process.copy(destination, source as BufferSource);
      return destination;
    },
    sysconf(name): bigint {
      process.record("sysconf", name);
      return BigInt(script.pageSize);
    },
    strerror(code): Deno.PointerValue {
      return cString(MESSAGES[code] ?? `Unknown error: ${code}`);
    },
  };
  return { native, errnoLocation: () => Deno.UnsafePointer.of(errno) };
}
