/**
 * Dual mapping on Linux: one memfd mapped twice, read-write where code is
 * written and read-execute where it runs. No page is ever writable and
 * executable through one mapping, and no protection changes after the
 * mapping is made, which is what hardened kernels (SELinux `execmem`
 * denials, PaX MPROTECT) still allow.
 *
 * @module
 */

import { createExecutableMemfd, type MemfdNative } from "./memfd.ts";
import { systemError } from "./native_error.ts";
import type { DualMapping, DualViews, OsError } from "./types.ts";

/** The C functions dual mapping needs, or fakes of them. */
export interface DualMappingNative extends MemfdNative {
  ftruncate(fd: number, length: bigint): number;
  mmap(
    address: Deno.PointerValue,
    length: bigint,
    protection: number,
    flags: number,
    fd: number,
    offset: bigint,
  ): Deno.PointerValue;
  munmap(address: Deno.PointerValue, length: bigint): number;
  close(fd: number): number;
}

const PROT_READ = 0x1;
const PROT_WRITE = 0x2;
const PROT_EXEC = 0x4;
const MAP_SHARED = 0x01;
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/**
 * Builds dual mapping over libc (or fakes of it).
 *
 * @param native `memfd_create`, `ftruncate`, `mmap`, `munmap`, `close`.
 * @param lastError Reads the OS error after a failure.
 * @returns The dual-mapping primitives.
 */
export function createDualMapping(
  native: DualMappingNative,
  lastError: () => OsError,
): DualMapping {
  function view(
    fd: number,
    size: number,
    protection: number,
  ): Deno.PointerObject {
    const address = native.mmap(
      null,
      BigInt(size),
      protection,
      MAP_SHARED,
      fd,
      0n,
    );
    if (address === null || Deno.UnsafePointer.value(address) === MAP_FAILED) {
      throw systemError(
        "mmap",
        `${size} bytes, shared ${
          protection & PROT_EXEC ? "read-execute" : "read-write"
        }`,
        lastError(),
      );
    }
    return address;
  }

  return {
    map(size: number): DualViews {
      const fd = createExecutableMemfd(native, "jit-memory-code", lastError);
      try {
        if (native.ftruncate(fd, BigInt(size)) !== 0) {
          throw systemError("ftruncate", `${size} bytes`, lastError());
        }
        const writable = view(fd, size, PROT_READ | PROT_WRITE);
        try {
          return {
            writable,
            executable: view(fd, size, PROT_READ | PROT_EXEC),
          };
        } catch (error) {
          native.munmap(writable, BigInt(size));
          throw error;
        }
      } finally {
        // The mappings keep the memory; the descriptor is not needed.
        native.close(fd);
      }
    },
    unmap(views: DualViews, size: number): void {
      const failures = [views.executable, views.writable].filter((address) =>
        native.munmap(address, BigInt(size)) !== 0
      );
      if (failures.length > 0) {
        throw systemError("munmap", `${size} bytes, dual-mapped`, lastError());
      }
    },
  };
}
