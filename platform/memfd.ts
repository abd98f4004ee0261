/**
 * Files that live only in memory and whose pages may be mapped
 * executable: the backing of trampoline libraries and of dual mappings.
 *
 * @module
 */

import { systemError } from "./native_error.ts";
import type { OsError } from "./types.ts";

/** The system calls these files need, in the `-errno` convention. */
export interface MemfdCalls {
  memfd_create(name: Uint8Array, flags: number): number;
  openat(dirfd: number, path: Uint8Array, flags: number, mode: number): number;
  fcntl(fd: number, command: number, argument: number): number;
}

const MFD_CLOEXEC = 0x1;
const MFD_ALLOW_SEALING = 0x2;
/** Since Linux 6.3: the file may be mapped executable. */
const MFD_EXEC = 0x10;
const EINVAL = 22;
const AT_FDCWD = -100;
const O_RDWR = 0o2;
const O_CLOEXEC = 0o2000000;
const F_ADD_SEALS = 1033;
const F_SEAL_SEAL = 0x1;
const F_SEAL_SHRINK = 0x2;
const F_SEAL_GROW = 0x4;

/**
 * `O_TMPFILE` differs between CPUs because `O_DIRECTORY`, which it
 * includes, does (`<asm-generic/fcntl.h>` against x86's).
 *
 * @param arch The CPU.
 * @returns The flag.
 */
function oTmpfile(arch: "x86_64" | "aarch64"): number {
  const O_DIRECTORY = arch === "aarch64" ? 0o40000 : 0o200000;
  return 0o20000000 | O_DIRECTORY;
}

/**
 * Creates a memfd whose pages may be mapped executable.
 *
 * Kernels with `vm.memfd_noexec` set make memfds non-executable unless
 * created with `MFD_EXEC`; kernels before 6.3 reject that flag with
 * `EINVAL`, and are asked again without it.
 *
 * @param calls `memfd_create`.
 * @param name The file's name, as `/proc/self/maps` shows it.
 * @param osError Describes an error number.
 * @param sealable Whether seals may be added later.
 * @returns The file descriptor (close-on-exec).
 * @throws {JITMemoryManagerError} `SYSTEM` if the kernel refuses.
 */
export function createExecutableMemfd(
  calls: Pick<MemfdCalls, "memfd_create">,
  name: string,
  osError: (code: number) => OsError,
  sealable = false,
): number {
  const cName = new TextEncoder().encode(`${name}\0`);
  const flags = MFD_CLOEXEC | (sealable ? MFD_ALLOW_SEALING : 0);
  let fd = calls.memfd_create(cName, flags | MFD_EXEC);
  if (fd === -EINVAL) fd = calls.memfd_create(cName, flags);
  if (fd < 0) throw systemError("memfd_create", name, osError(-fd));
  return fd;
}

/**
 * Seals a memfd's size: nobody (a descriptor reopened through /proc
 * included) can shrink it under a mapping, which would make running code
 * fault, or grow it, and the seals themselves cannot be changed.
 *
 * @param calls `fcntl`.
 * @param fd A memfd created sealable.
 * @param osError Describes an error number.
 * @throws {JITMemoryManagerError} `SYSTEM` if the kernel refuses.
 */
export function sealSize(
  calls: Pick<MemfdCalls, "fcntl">,
  fd: number,
  osError: (code: number) => OsError,
): void {
  const result = calls.fcntl(
    fd,
    F_ADD_SEALS,
    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL,
  );
  if (result < 0) {
    throw systemError("fcntl", "F_ADD_SEALS", osError(-result));
  }
}

/**
 * Creates an unnamed temporary file in `directory` (`O_TMPFILE`): the
 * fallback where `memfd_create` is refused (e.g. by a seccomp filter).
 *
 * @param calls `openat`.
 * @param directory Where the file lives while it is open, e.g. `/dev/shm`.
 * @param arch The CPU (the flag's value differs).
 * @param osError Describes an error number.
 * @returns The file descriptor (close-on-exec).
 * @throws {JITMemoryManagerError} `SYSTEM` if the kernel refuses.
 */
export function createTemporaryFile(
  calls: Pick<MemfdCalls, "openat">,
  directory: string,
  arch: "x86_64" | "aarch64",
  osError: (code: number) => OsError,
): number {
  const path = new TextEncoder().encode(`${directory}\0`);
  const fd = calls.openat(
    AT_FDCWD,
    path,
    oTmpfile(arch) | O_RDWR | O_CLOEXEC,
    0o600,
  );
  if (fd < 0) {
    throw systemError("openat", `${directory}, O_TMPFILE`, osError(-fd));
  }
  return fd;
}
