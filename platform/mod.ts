/**
 * Picks the backend for the running OS and CPU, once, on first use: the
 * only place in jit-memory that reads `Deno.build`. Importing this module
 * opens no library and needs no permission.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { openDarwinPlatform } from "./darwin.ts";
import { openLinuxPlatform } from "./linux.ts";
import type { Architecture, Platform } from "./types.ts";
import { openWindowsPlatform } from "./windows.ts";

export type {
  Architecture,
  OperatingSystem,
  OsError,
  Platform,
  Protection,
} from "./types.ts";

let current: Platform | undefined;

/**
 * The backend of this process, opened on the first call.
 *
 * @returns The platform backend.
 * @throws {JITMemoryManagerError} `FFI_PERMISSION` without `--allow-ffi`,
 * `UNSUPPORTED` on an OS or CPU without a backend.
 */
export function platform(): Platform {
  // A failed open is not cached: the user may grant the permission later.
  return current ??= openPlatform();
}

/**
 * Replaces the backend (tests hand in one built over a recording fake).
 * Not part of the public API.
 *
 * @param replacement The backend to use, or `undefined` to reopen the real
 *   one on next use.
 * @returns The backend that was in use before.
 */
export function setPlatformForTesting(
  replacement: Platform | undefined,
): Platform | undefined {
  const previous = current;
  current = replacement;
  return previous;
}

/**
 * The x86-64 calling convention of this process's native functions, read
 * from the OS without opening any library: `"win64"` on Windows, `"sysv"`
 * (System V) elsewhere.
 *
 * @returns The convention's name.
 */
export function x86CallingConventionName(): "sysv" | "win64" {
  return Deno.build.os === "windows" ? "win64" : "sysv";
}

function openPlatform(): Platform {
  const { os, arch } = Deno.build;
  const architecture = supportedArchitecture(arch);
  switch (os) {
    case "linux":
      return openLinuxPlatform(architecture);
    case "darwin":
      return openDarwinPlatform(architecture);
    case "windows":
      return openWindowsPlatform(architecture);
    default:
      throw new JITMemoryManagerError(
        "UNSUPPORTED",
        `jit-memory has no backend for ${os}; supported: linux, darwin, windows`,
      );
  }
}

function supportedArchitecture(arch: string): Architecture {
  if (arch === "x86_64" || arch === "aarch64") return arch;
  throw new JITMemoryManagerError(
    "UNSUPPORTED",
    `jit-memory has no backend for the ${arch} CPU; supported: x86_64, aarch64`,
  );
}
