/**
 * Anonymous in-memory files (`memfd_create`) whose pages may be mapped
 * executable: the backing of trampoline libraries and of dual mappings.
 *
 * @module
 */

import { systemError } from "./native_error.ts";
import type { OsError } from "./types.ts";

/** `memfd_create` from libc, or a fake of it. */
export interface MemfdNative {
  memfd_create(name: Uint8Array, flags: number): number;
}

const MFD_CLOEXEC = 0x1;
/** Since Linux 6.3: the file may be mapped executable. */
const MFD_EXEC = 0x10;
const EINVAL = 22;

/**
 * Creates a memfd whose pages may be mapped executable.
 *
 * Kernels with `vm.memfd_noexec` set make memfds non-executable unless
 * created with `MFD_EXEC`; kernels before 6.3 reject that flag with
 * `EINVAL`, and are asked again without it.
 *
 * @param native `memfd_create`.
 * @param name The file's name, as `/proc/self/maps` shows it.
 * @param lastError Reads the OS error after a failure.
 * @returns The file descriptor (close-on-exec).
 * @throws {JITMemoryManagerError} `SYSTEM` if the kernel refuses.
 */
export function createExecutableMemfd(
  native: MemfdNative,
  name: string,
  lastError: () => OsError,
): number {
  const cName = new TextEncoder().encode(`${name}\0`);
  let fd = native.memfd_create(cName, MFD_CLOEXEC | MFD_EXEC);
  if (fd < 0) {
    const error = lastError();
    if (error.code !== EINVAL) throw systemError("memfd_create", name, error);
    fd = native.memfd_create(cName, MFD_CLOEXEC);
    if (fd < 0) throw systemError("memfd_create", name, lastError());
  }
  return fd;
}
