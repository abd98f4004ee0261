/**
 * Windows: kernel32's VirtualAlloc family.
 *
 * Written from Microsoft's documentation of VirtualAlloc, VirtualProtect,
 * VirtualFree, GetSystemInfo, FlushInstructionCache,
 * FlushProcessWriteBuffers and FormatMessageW; no
 * Windows machine runs this project's CI, so the tests pin the native calls
 * with a recording fake.
 *
 * @module
 */

import { codeAlignment, trapBytes } from "./architecture.ts";
import { flushProcessWriteBuffersCoreSync } from "./core_sync.ts";
import { openLibrary } from "./open_library.ts";
import { errorReason, systemError } from "./native_error.ts";
import { trapFiller } from "./trap_fill.ts";
import { createWindowsFastCalls } from "./windows_fast_calls.ts";
import type { Architecture, OsError, Platform, Protection } from "./types.ts";

/** kernel32's symbols. */
export const kernel32Symbols = {
  VirtualAlloc: {
    parameters: [
      "pointer", // LPVOID lpAddress
      "usize", // SIZE_T dwSize
      "u32", // DWORD flAllocationType
      "u32", // DWORD flProtect
    ],
    result: "pointer", // LPVOID  (NULL on error)
  },
  VirtualProtect: {
    parameters: [
      "pointer", // LPVOID lpAddress
      "usize", // SIZE_T dwSize
      "u32", // DWORD flNewProtect
      "buffer", // PDWORD lpflOldProtect
    ],
    result: "i32", // BOOL
  },
  VirtualFree: {
    parameters: [
      "pointer", // LPVOID lpAddress
      "usize", // SIZE_T dwSize
      "u32", // DWORD dwFreeType
    ],
    result: "i32", // BOOL
  },
  GetSystemInfo: {
    parameters: ["buffer"], // LPSYSTEM_INFO lpSystemInfo
    result: "void",
  },
  FlushProcessWriteBuffers: {
    parameters: [],
    result: "void",
  },
  GetCurrentProcess: {
    parameters: [],
    result: "pointer", // HANDLE
  },
  FlushInstructionCache: {
    parameters: [
      "pointer", // HANDLE hProcess
      "pointer", // LPCVOID lpBaseAddress
      "usize", // SIZE_T dwSize
    ],
    result: "i32", // BOOL
  },
  RtlMoveMemory: {
    parameters: [
      "pointer", // VOID UNALIGNED *Destination
      "buffer", // const VOID UNALIGNED *Source
      "usize", // SIZE_T Length
    ],
    result: "void",
  },
  GetLastError: {
    parameters: [],
    result: "u32", // DWORD
  },
  FormatMessageW: {
    parameters: [
      "u32", // DWORD dwFlags
      "pointer", // LPCVOID lpSource
      "u32", // DWORD dwMessageId
      "u32", // DWORD dwLanguageId
      "buffer", // LPWSTR lpBuffer
      "u32", // DWORD nSize (in WCHARs)
      "pointer", // va_list *Arguments
    ],
    result: "u32", // DWORD  (WCHARs written, 0 on error)
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode kernel32Symbols}, or a fake of them. */
export type Kernel32 = Deno.DynamicLibrary<typeof kernel32Symbols>["symbols"];

/** `flAllocationType` bits of VirtualAlloc. */
export const MEM_COMMIT = 0x1000;
/** Reserve address space. */
export const MEM_RESERVE = 0x2000;
/** `dwFreeType` of VirtualFree: release the whole reservation. */
export const MEM_RELEASE = 0x8000;
/** Page protection: read and write. */
export const PAGE_READWRITE = 0x04;
/** Page protection: read and execute. */
export const PAGE_EXECUTE_READ = 0x20;
/** FormatMessageW: look the code up in the system's message table. */
export const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;
/** FormatMessageW: leave `%1`-style inserts alone. */
export const FORMAT_MESSAGE_IGNORE_INSERTS = 0x0200;

/**
 * `SYSTEM_INFO` is 48 bytes on 64-bit Windows; `dwPageSize` is at 4,
 * `dwAllocationGranularity` at 40.
 */
const SYSTEM_INFO_SIZE = 48;
const SYSTEM_INFO_PAGE_SIZE_OFFSET = 4;
const SYSTEM_INFO_GRANULARITY_OFFSET = 40;
const MESSAGE_CAPACITY = 512;

/**
 * Builds the Windows backend over bound (or fake) kernel32 functions.
 *
 * @param kernel32 kernel32's functions.
 * @param arch The CPU architecture.
 * @returns The Windows platform backend.
 */
export function createWindowsPlatform(
  kernel32: Kernel32,
  arch: Architecture,
): Platform {
  let pageSize = 0;
  let granularity = 0;
  const oldProtection = new Uint32Array(1);
  const fillTraps = trapFiller(trapBytes(arch), (address, bytes) => {
    kernel32.RtlMoveMemory(address, bytes, BigInt(bytes.byteLength));
  });

  function readSystemInfo(): void {
    const info = new Uint8Array(SYSTEM_INFO_SIZE);
    kernel32.GetSystemInfo(info);
    const view = new DataView(info.buffer);
    pageSize = view.getUint32(SYSTEM_INFO_PAGE_SIZE_OFFSET, true);
    // Never below a page (a fake or an odd system may leave it 0).
    granularity = Math.max(
      pageSize,
      view.getUint32(SYSTEM_INFO_GRANULARITY_OFFSET, true),
    );
  }

  /**
   * The error of the call that just failed. Every kernel32 call here
   * reports failure with `NULL` or `FALSE`, which Deno returns without
   * allocating, so nothing runs between the failure and this read.
   */
  function lastError(): OsError {
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

  return {
    os: "windows",
    arch,
    codeAlignment: codeAlignment(arch),
    trapBytes: trapBytes(arch),
    zeroTraps: arch === "aarch64",
    writeMode: "protect",
    errorCapture: "next-call",
    pageSize(): number {
      if (pageSize === 0) readSystemInfo();
      return pageSize;
    },
    allocationGranularity(): number {
      if (granularity === 0) readSystemInfo();
      return granularity;
    },
    mapReadWrite(size: number): Deno.PointerObject {
      const address = kernel32.VirtualAlloc(
        null,
        BigInt(size),
        MEM_COMMIT | MEM_RESERVE,
        PAGE_READWRITE,
      );
      if (address === null) {
        throw systemError("VirtualAlloc", `${size} bytes`, lastError());
      }
      return address;
    },
    protect(
      address: Deno.PointerObject,
      size: number,
      protection: Protection,
    ): void {
      const flags = protection === "read-write"
        ? PAGE_READWRITE
        : PAGE_EXECUTE_READ;
      if (
        kernel32.VirtualProtect(address, BigInt(size), flags, oldProtection) ===
          0
      ) {
        throw systemError(
          "VirtualProtect",
          `${size} bytes, ${protection}`,
          lastError(),
        );
      }
    },
    unmap(address: Deno.PointerObject, size: number): void {
      // MEM_RELEASE frees the whole reservation and requires a size of 0.
      if (kernel32.VirtualFree(address, 0n, MEM_RELEASE) === 0) {
        throw systemError("VirtualFree", `${size} bytes`, lastError());
      }
    },
    write(address: Deno.PointerObject, bytes: Uint8Array): void {
      if (bytes.byteLength === 0) return;
      kernel32.RtlMoveMemory(address, bytes, BigInt(bytes.byteLength));
    },
    fillTraps(address: Deno.PointerObject, size: number): void {
      if (size > 0) fillTraps(address, size);
    },
    flushInstructionCache(address: Deno.PointerObject, size: number): void {
      if (arch === "x86_64") return;
      const process = kernel32.GetCurrentProcess();
      if (
        kernel32.FlushInstructionCache(process, address, BigInt(size)) === 0
      ) {
        throw systemError(
          "FlushInstructionCache",
          `${size} bytes`,
          lastError(),
        );
      }
    },
    // On ARM64 the other processors running the process's threads must
    // synchronize too (core_sync.ts); x86-64 keeps them coherent.
    coreSync: arch === "aarch64"
      ? flushProcessWriteBuffersCoreSync(() =>
        kernel32.FlushProcessWriteBuffers()
      )
      : undefined,
  };
}

/**
 * Opens kernel32 and builds the Windows backend.
 *
 * @param arch The CPU architecture.
 * @returns The Windows platform backend.
 */
export function openWindowsPlatform(arch: Architecture): Platform {
  const kernel32 = openLibrary("kernel32.dll", kernel32Symbols).symbols;
  const backend = createWindowsPlatform(kernel32, arch);
  // Fast calls through trampoline DLLs in the temporary directory, on
  // x86-64 only: AArch64 Windows has none (windows_fast_calls.ts says why)
  // and its functions stay on Deno.UnsafeFnPointer.
  const fastCalls = createWindowsFastCalls(kernel32, arch, backend.pageSize, {
    open: Deno.dlopen,
  });
  return fastCalls === undefined ? backend : { ...backend, fastCalls };
}
