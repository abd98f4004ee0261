/**
 * Turns failures of native calls into `JITMemoryManagerError`s, and OS
 * error numbers into what they mean on every OS alike.
 *
 * @module
 */

import { JITMemoryManagerError, type SystemErrorReason } from "../errors.ts";
import type { OperatingSystem, OsError } from "./types.ts";

/**
 * Builds the `SYSTEM` error for a native call that reported failure.
 *
 * @param syscall The native function that failed, e.g. `"mmap"`.
 * @param detail What it was asked to do, e.g. `"4096 bytes"`.
 * @param error The OS error of that call.
 * @returns An error carrying `errno`, `syscall`, `reason` and the OS's
 *   message.
 */
export function systemError(
  syscall: string,
  detail: string,
  error: OsError,
): JITMemoryManagerError {
  return new JITMemoryManagerError(
    "SYSTEM",
    `${syscall}(${detail}) failed: ${error.message} (OS error ${error.code})`,
    { errno: error.code, syscall, reason: error.reason },
  );
}

/** `errno` values Linux and macOS share (the first 34 are common). */
const COMMON_ERRNO: Record<number, SystemErrorReason> = {
  1: "permission-denied", // EPERM
  12: "out-of-memory", // ENOMEM
  13: "permission-denied", // EACCES
  22: "invalid-argument", // EINVAL
  23: "too-many-files", // ENFILE
  24: "too-many-files", // EMFILE
};

/** `errno` values by meaning; past 34 they differ between the two. */
const POSIX_REASONS: Record<
  "linux" | "darwin",
  Record<number, SystemErrorReason>
> = {
  linux: {
    ...COMMON_ERRNO,
    38: "unsupported", // ENOSYS
    95: "unsupported", // EOPNOTSUPP
  },
  darwin: {
    ...COMMON_ERRNO,
    45: "unsupported", // ENOTSUP
    78: "unsupported", // ENOSYS
  },
};

/** `GetLastError()` values by meaning (winerror.h). */
const WINDOWS_REASONS: Record<number, SystemErrorReason> = {
  4: "too-many-files", // ERROR_TOO_MANY_OPEN_FILES
  5: "permission-denied", // ERROR_ACCESS_DENIED
  8: "out-of-memory", // ERROR_NOT_ENOUGH_MEMORY
  14: "out-of-memory", // ERROR_OUTOFMEMORY
  50: "unsupported", // ERROR_NOT_SUPPORTED
  87: "invalid-argument", // ERROR_INVALID_PARAMETER
  120: "unsupported", // ERROR_CALL_NOT_IMPLEMENTED
  487: "invalid-argument", // ERROR_INVALID_ADDRESS
  1455: "out-of-memory", // ERROR_COMMITMENT_LIMIT
  1655: "permission-denied", // ERROR_DYNAMIC_CODE_BLOCKED (ACG)
};

/**
 * What an OS error number means on `os`.
 *
 * @param os The operating system that reported it.
 * @param code `errno`, or `GetLastError()` on Windows.
 * @returns Its meaning; `"other"` for numbers without one here.
 */
export function errorReason(
  os: OperatingSystem,
  code: number,
): SystemErrorReason {
  const table = os === "windows" ? WINDOWS_REASONS : POSIX_REASONS[os];
  return table[code] ?? "other";
}
