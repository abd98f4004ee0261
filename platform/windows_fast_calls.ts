/**
 * Fast calls on Windows x64: trampoline libraries written as PE DLLs
 * (pe.ts), loaded from content-addressed files in the temporary directory
 * (dll_file_loader.ts), their slot tables switched with `VirtualProtect`.
 *
 * @module
 */

import { createFastCalls, type FastCalls } from "./fast_calls.ts";
import {
  createDllFileLoader,
  windowsTemporaryDirectory,
} from "./dll_file_loader.ts";
import type { LibraryOpener } from "./memfd_library.ts";
import { errorReason } from "./native_error.ts";
import { virtualProtectSlots } from "./slot_protector.ts";
import { buildTrampolineLibrary } from "./trampoline_library.ts";
import type { Architecture, OsError } from "./types.ts";
import type { Kernel32 } from "./windows.ts";

/** The kernel32 functions fast calls use. */
export type FastCallKernel32 = Pick<
  Kernel32,
  "VirtualProtect" | "GetLastError" | "FormatMessageW"
>;

/** How {@linkcode createWindowsFastCalls} finds its files. */
export interface WindowsFastCallOptions {
  /** `Deno.dlopen` (or a fake). */
  open: LibraryOpener;
  /** Where the DLL files go; the temporary directory by default. */
  directory?: () => string | undefined;
}

const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;
const FORMAT_MESSAGE_IGNORE_INSERTS = 0x0200;
const MESSAGE_CAPACITY = 512;

/**
 * The Windows binder of JIT'd functions to trampolines, on x86-64.
 * AArch64 Windows has none (its functions stay on `Deno.UnsafeFnPointer`):
 * pe.ts writes AMD64 images only, and no ARM64 Windows runs these tests.
 *
 * @param kernel32 `VirtualProtect`, `GetLastError`, `FormatMessageW`.
 * @param arch The CPU.
 * @param pageSize The page size (the DLLs' section alignment).
 * @param options How libraries are opened and where their files go.
 * @returns The binder, or `undefined` on AArch64.
 */
export function createWindowsFastCalls(
  kernel32: FastCallKernel32,
  arch: Architecture,
  pageSize: () => number,
  options: WindowsFastCallOptions,
): FastCalls | undefined {
  if (arch !== "x86_64") return undefined;
  return createFastCalls({
    pageSize,
    build: (count) => buildTrampolineLibrary(arch, count, pageSize(), "pe"),
    loader: createDllFileLoader({
      open: options.open,
      directory: options.directory ?? windowsTemporaryDirectory,
    }),
    protectSlots: virtualProtectSlots(kernel32, () => lastError(kernel32)),
  });
}

/**
 * The error of the kernel32 call that just failed, with the system's
 * description of it.
 */
function lastError(kernel32: FastCallKernel32): OsError {
  const code = kernel32.GetLastError();
  const text = new Uint16Array(MESSAGE_CAPACITY);
  const length = kernel32.FormatMessageW(
    FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
    null,
    code,
    0,
    text,
    MESSAGE_CAPACITY,
    null,
  );
  const message = length === 0
    ? `Windows error ${code}`
    : new TextDecoder("utf-16le").decode(text.subarray(0, length)).trim();
  return { code, message, reason: errorReason("windows", code) };
}
