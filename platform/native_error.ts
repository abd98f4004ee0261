/**
 * Turns failures of native calls into `JITMemoryManagerError`s.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import type { OsError } from "./types.ts";

/**
 * Builds the `SYSTEM` error for a native call that reported failure.
 *
 * @param syscall The native function that failed, e.g. `"mmap"`.
 * @param detail What it was asked to do, e.g. `"4096 bytes"`.
 * @param error The OS error read right after the failure.
 * @returns An error carrying `errno`, `syscall` and the OS's message.
 */
export function systemError(
  syscall: string,
  detail: string,
  error: OsError,
): JITMemoryManagerError {
  return new JITMemoryManagerError(
    "SYSTEM",
    `${syscall}(${detail}) failed: ${error.message} (OS error ${error.code})`,
    { errno: error.code, syscall },
  );
}
