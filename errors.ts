/**
 * The one error class of jit-memory and its codes.
 *
 * @module
 */

/**
 * What went wrong, as a stable string a program can branch on.
 *
 * - `INVALID_SIZE`: a size that is not a positive safe integer (or zero).
 * - `INVALID_ARGUMENT`: any other argument of the wrong type or shape.
 * - `ALREADY_ALLOCATED`: `allocate()` on a manager that owns memory.
 * - `NOT_ALLOCATED`: an operation that needs memory on a manager without it.
 * - `NOT_WRITABLE`: a write while the region is executable.
 * - `NOT_EXECUTABLE`: a call into a region that is writable.
 * - `OUT_OF_BOUNDS`: an offset or length that does not fit in the region.
 * - `ALREADY_COMMITTED`: a second commit without a reset in between.
 * - `FFI_PERMISSION`: Deno was started without `--allow-ffi`.
 * - `WRITE_PERMISSION`: Deno was started without `--allow-write` for a
 *   file jit-memory was asked to write (the perf map).
 * - `IN_USE`: the code is running (a call into it has not returned yet,
 *   e.g. it called back into JavaScript) and the operation would take its
 *   execute permission away or overwrite it.
 * - `SYSTEM`: the operating system refused (see `errno`, `syscall` and
 *   `reason`).
 * - `UNSUPPORTED`: the platform lacks something this operation needs.
 *
 * @example Branching on the code
 * ```ts
 * import assert from "node:assert/strict";
 * import { type JITErrorCode, JITMemoryManagerError } from "@bcpl/jit-memory";
 *
 * function retryable(error: unknown): boolean {
 *   const code: JITErrorCode | undefined = error instanceof JITMemoryManagerError
 *     ? error.code
 *     : undefined;
 *   return code === "SYSTEM" && error instanceof JITMemoryManagerError &&
 *     error.reason === "out-of-memory"; // free something and try again
 * }
 * const outOfMemory = new JITMemoryManagerError("SYSTEM", "mmap failed", {
 *   errno: 12,
 *   reason: "out-of-memory",
 * });
 * assert.equal(retryable(outOfMemory), true);
 * assert.equal(retryable(new JITMemoryManagerError("INVALID_SIZE", "0 bytes")), false);
 * ```
 */
export type JITErrorCode =
  | "INVALID_SIZE"
  | "INVALID_ARGUMENT"
  | "ALREADY_ALLOCATED"
  | "NOT_ALLOCATED"
  | "NOT_WRITABLE"
  | "NOT_EXECUTABLE"
  | "OUT_OF_BOUNDS"
  | "ALREADY_COMMITTED"
  | "FFI_PERMISSION"
  | "WRITE_PERMISSION"
  | "IN_USE"
  | "SYSTEM"
  | "UNSUPPORTED";

/**
 * What an OS error number means, the same on every OS (`errno` 12 on
 * Linux and `GetLastError()` 8 on Windows are both `"out-of-memory"`).
 *
 * - `"out-of-memory"`: no memory or address space (ENOMEM,
 *   ERROR_NOT_ENOUGH_MEMORY, ERROR_COMMITMENT_LIMIT).
 * - `"permission-denied"`: a security policy refused (EACCES, EPERM,
 *   ERROR_ACCESS_DENIED, ERROR_DYNAMIC_CODE_BLOCKED).
 * - `"invalid-argument"`: the OS rejected an argument (EINVAL,
 *   ERROR_INVALID_PARAMETER, ERROR_INVALID_ADDRESS).
 * - `"unsupported"`: the OS lacks the call or the feature (ENOSYS,
 *   EOPNOTSUPP, ERROR_NOT_SUPPORTED).
 * - `"too-many-files"`: no file descriptor left (EMFILE, ENFILE).
 * - `"other"`: anything else.
 *
 * @example Retrying only when memory ran out
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SystemErrorReason } from "@bcpl/jit-memory";
 *
 * const retry = (reason: SystemErrorReason): boolean => reason === "out-of-memory";
 * assert.equal(retry("out-of-memory"), true);
 * assert.equal(retry("permission-denied"), false);
 * ```
 */
export type SystemErrorReason =
  | "out-of-memory"
  | "permission-denied"
  | "invalid-argument"
  | "unsupported"
  | "too-many-files"
  | "other";

/**
 * Extra facts attached to a {@linkcode JITMemoryManagerError}.
 *
 * @example Describing a failed system call
 * ```ts
 * import assert from "node:assert/strict";
 * import { JITMemoryManagerError, type JITMemoryManagerErrorOptions } from "@bcpl/jit-memory";
 *
 * const options: JITMemoryManagerErrorOptions = {
 *   errno: 13,
 *   syscall: "mprotect",
 *   reason: "permission-denied",
 * };
 * const error = new JITMemoryManagerError("SYSTEM", "mprotect failed", options);
 * assert.equal(error.syscall, "mprotect");
 * assert.equal(error.errno, 13);
 * assert.equal(error.reason, "permission-denied");
 * ```
 */
export interface JITMemoryManagerErrorOptions {
  /** The OS error number (`errno`, or `GetLastError()` on Windows). */
  errno?: number;
  /** The native function that failed, such as `"mmap"` or `"VirtualAlloc"`. */
  syscall?: string;
  /** What the OS error number means, on every OS alike. */
  reason?: SystemErrorReason;
  /** The error that led to this one, if any. */
  cause?: unknown;
}

/**
 * The error every jit-memory operation throws, whatever went wrong.
 *
 * Branch on {@linkcode JITMemoryManagerError.code}; the message is for
 * people. Failures of the operating system carry `errno` and `syscall`, and
 * their message includes the OS's own text (from `strerror` or
 * `FormatMessageW`).
 *
 * @example Telling a refused allocation from a programming error
 * ```ts
 * import assert from "node:assert/strict";
 * import { JITMemoryManager, JITMemoryManagerError } from "@bcpl/jit-memory";
 *
 * assert.throws(
 *   () => new JITMemoryManager(0),
 *   (error) =>
 *     error instanceof JITMemoryManagerError && error.code === "INVALID_SIZE" &&
 *     error.message === "Cannot allocate zero bytes", // a programming error, not "SYSTEM"
 * );
 * ```
 */
export class JITMemoryManagerError extends Error {
  /** Always `"JITMemoryManagerError"`. */
  override readonly name = "JITMemoryManagerError";
  /** What went wrong; stable across versions. */
  readonly code: JITErrorCode;
  /** The OS error number, for `SYSTEM` errors. */
  readonly errno?: number;
  /** The native function that failed, for `SYSTEM` errors. */
  readonly syscall?: string;
  /**
   * What {@linkcode JITMemoryManagerError.errno} means, the same on every
   * OS, for `SYSTEM` errors: branch on this, not on the number.
   */
  readonly reason?: SystemErrorReason;

  /**
   * Creates an error with a code and a message.
   *
   * @param code What went wrong.
   * @param message A sentence for people.
   * @param options `errno`, `syscall` and `cause`, where known.
   *
   * @example Creating a system error
   * ```ts
   * import assert from "node:assert/strict";
   * import { JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * const error = new JITMemoryManagerError("SYSTEM", "mmap failed", {
   *   errno: 12,
   *   syscall: "mmap",
   * });
   * assert.equal(error.code, "SYSTEM");
   * assert.equal(error.errno, 12);
   * assert.equal(error.name, "JITMemoryManagerError");
   * ```
   */
  constructor(
    code: JITErrorCode,
    message: string,
    options: JITMemoryManagerErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    if (options.errno !== undefined) this.errno = options.errno;
    if (options.syscall !== undefined) this.syscall = options.syscall;
    if (options.reason !== undefined) this.reason = options.reason;
  }
}
