/**
 * Switching a trampoline library's slot table between read-only and
 * read-write: the page is writable only while a slot is written, so a
 * stray write cannot redirect a trampoline.
 *
 * @module
 */

import type { SlotProtector } from "./fast_calls.ts";
import { systemError } from "./native_error.ts";
import { PROT_READ, PROT_WRITE } from "./posix.ts";
import type { OsError } from "./types.ts";

/**
 * Slot protection with `mprotect` (Linux, macOS).
 *
 * @param calls `mprotect` in the `-errno` convention.
 * @param osError Describes an error number.
 * @returns The protector.
 */
export function mprotectSlots(
  calls: {
    mprotect(
      address: Deno.PointerValue,
      length: bigint,
      protection: number,
    ): number;
  },
  osError: (code: number) => OsError,
): SlotProtector {
  return (address, length, access) => {
    const protection = access === "read-write"
      ? PROT_READ | PROT_WRITE
      : PROT_READ;
    const result = calls.mprotect(address, BigInt(length), protection);
    if (result < 0) {
      throw systemError("mprotect", "trampoline slots", osError(-result));
    }
  };
}

/** Page protection: read only. */
export const PAGE_READONLY = 0x02;
/** Page protection: read and write. */
export const PAGE_READWRITE = 0x04;

/**
 * Slot protection with kernel32's `VirtualProtect` (Windows). Slot tables
 * are in a DLL's image, whose pages the system copies for this process on
 * the first write.
 *
 * @param kernel32 `VirtualProtect` (`BOOL (LPVOID, SIZE_T, DWORD, PDWORD)`).
 * @param lastError The error of the call that just failed
 *   (`GetLastError()`, described).
 * @returns The protector.
 */
export function virtualProtectSlots(
  kernel32: {
    VirtualProtect(
      address: Deno.PointerValue,
      size: bigint,
      protection: number,
      oldProtection: Uint32Array,
    ): number;
  },
  lastError: () => OsError,
): SlotProtector {
  const oldProtection = new Uint32Array(1);
  return (address, length, access) => {
    const protection = access === "read-write" ? PAGE_READWRITE : PAGE_READONLY;
    if (
      kernel32.VirtualProtect(
        address,
        BigInt(length),
        protection,
        oldProtection,
      ) === 0
    ) {
      throw systemError(
        "VirtualProtect",
        `trampoline slots, ${access}`,
        lastError(),
      );
    }
  };
}
