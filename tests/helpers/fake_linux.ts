/**
 * A recording fake of glibc for the Linux backend: the POSIX functions of
 * fake_posix.ts plus memfds, `O_TMPFILE` files, seals and descriptors.
 * Every failure sets the fake `errno`, as glibc does.
 *
 * @module
 */

import type { LinuxLibc } from "../../platform/linux.ts";
import { MEMBARRIER_NUMBER } from "../../platform/linux_calls.ts";
import type { Architecture } from "../../platform/types.ts";
import { cString, type FakeProcess } from "./fake_native.ts";
import { fakePosix } from "./fake_posix.ts";

/** What the fake answers. */
export interface LinuxScript {
  /** What `sysconf(_SC_PAGESIZE)` returns (default 4096). */
  pageSize?: number;
  /** Make `memfd_create` fail with this errno. */
  refuseMemfd?: number;
  /** Make `openat` (the `O_TMPFILE` fallback) fail with this errno. */
  refuseTemporaryFiles?: number;
  /** Make `mprotect` to an executable protection fail with this errno. */
  refuseExecutableProtect?: number;
  /** The CPU whose system call numbers `syscall()` takes (AArch64). */
  arch?: Architecture;
  /** Make these `membarrier` commands fail: command → errno. */
  refuseMembarrier?: Record<number, number>;
  /** Make `membarrier` throw, as a broken binding would. */
  throwFromMembarrier?: boolean;
}

const MAP_FIXED = 0x10;
const PROT_EXEC = 0x4;

/** Messages of the errno values the tests use. */
const MESSAGES: Record<number, string> = {
  1: "Operation not permitted",
  12: "Cannot allocate memory",
  13: "Permission denied",
  38: "Function not implemented",
};

/**
 * Builds the fake.
 *
 * @param process Where calls are logged and memory comes from.
 * @param script What the functions answer.
 * @returns glibc's functions, faked.
 */
export function fakeLinuxLibc(
  process: FakeProcess,
  script: LinuxScript = {},
): LinuxLibc {
  const posix = fakePosix(process, { pageSize: script.pageSize ?? 4096 });
  const errno = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer(posix.errnoLocation()!, 4),
  );
  let nextFd = 100;
  const fail = (code: number): number => {
    errno[0] = code;
    return -1;
  };
  return {
    ...posix.native,
    __errno_location: posix.errnoLocation,
    mmap(address, length, protection, flags, fd, offset): Deno.PointerValue {
      if (fd < 0) {
        return posix.native.mmap(
          address,
          length,
          protection,
          flags,
          fd,
          offset,
        );
      }
      process.record("mmap", address, length, protection, flags, fd, offset);
      // A view of a file: at the address asked for with MAP_FIXED, else
      // fresh memory (the fake's views do not share their bytes).
      return flags & MAP_FIXED ? address : process.map(Number(length));
    },
    mprotect(address, length, protection): number {
      if (
        script.refuseExecutableProtect !== undefined && protection & PROT_EXEC
      ) {
        process.record("mprotect", address, length, protection);
        return fail(script.refuseExecutableProtect);
      }
      return posix.native.mprotect(address, length, protection);
    },
    strerror: (code): Deno.PointerValue =>
      cString(MESSAGES[code] ?? `Unknown error ${code}`),
    memfd_create(name, flags): number {
      process.record(
        "memfd_create",
        new TextDecoder().decode(name as Uint8Array).replace(/\0$/, ""),
        flags,
      );
      if (script.refuseMemfd !== undefined) return fail(script.refuseMemfd);
      return nextFd++;
    },
    openat(dirfd, path, flags, mode): number {
      process.record(
        "openat",
        dirfd,
        new TextDecoder().decode(path as Uint8Array).replace(/\0$/, ""),
        flags,
        mode,
      );
      if (script.refuseTemporaryFiles !== undefined) {
        return fail(script.refuseTemporaryFiles);
      }
      return nextFd++;
    },
    ftruncate(fd, length): number {
      process.record("ftruncate", fd, length);
      return 0;
    },
    fcntl(fd, command, argument): number {
      process.record("fcntl", fd, command, argument);
      return 0;
    },
    write(fd, buffer, count): bigint {
      process.record("write", fd, buffer, count);
      return BigInt(fail(9)); // EBADF: no fast calls over this fake
    },
    close(fd): number {
      process.record("close", fd);
      return 0;
    },
    syscall(number, command, flags, cpu): bigint {
      const args = [Number(command), Number(flags), Number(cpu)];
      if (
        BigInt(number) !== BigInt(MEMBARRIER_NUMBER[script.arch ?? "aarch64"])
      ) {
        // The fake knows no other call: recorded as it came, ENOSYS.
        process.record("syscall", Number(number), ...args);
        return BigInt(fail(38));
      }
      process.record("membarrier", ...args);
      if (script.throwFromMembarrier) throw new Error("broken binding");
      const refusal = script.refuseMembarrier?.[args[0]];
      return refusal === undefined ? 0n : BigInt(fail(refusal));
    },
  };
}

/**
 * Replaces the random address of a writable view in a recorded call by
 * `"hint"`, after checking it lies where dual_mapping.ts places views.
 *
 * @param calls Recorded calls.
 * @returns The calls, comparable.
 */
export function withHints(calls: unknown[][]): unknown[][] {
  return calls.map((call) => {
    if (call[0] !== "mmap" || typeof call[1] !== "string") return call;
    if (!call[1].startsWith("0x")) return call;
    const address = BigInt(call[1]);
    if (address < 2n ** 40n || address >= 2n ** 46n || address % 4096n !== 0n) {
      throw new Error(`unexpected view address ${call[1]}`);
    }
    return ["mmap", "hint", ...call.slice(2)];
  });
}
