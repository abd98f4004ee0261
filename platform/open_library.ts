/**
 * Opens a system library with `Deno.dlopen`, turning Deno's refusals into
 * errors that tell the user what to do.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";

/**
 * Opens `path` with the given symbol table.
 *
 * @param path The library to open, e.g. `"libc.so.6"`.
 * @param symbols The symbols to bind.
 * @returns The opened library.
 * @throws {JITMemoryManagerError} `FFI_PERMISSION` when Deno lacks
 * `--allow-ffi`, `UNSUPPORTED` when the library cannot be loaded.
 */
export function openLibrary<const S extends Deno.ForeignLibraryInterface>(
  path: string,
  symbols: S,
): Deno.DynamicLibrary<S> {
  try {
    return Deno.dlopen(path, symbols);
  } catch (cause) {
    const state = ffiPermission();
    if (cause instanceof Deno.errors.NotCapable || state !== "granted") {
      // --deny-ffi wins over any --allow-ffi: say which flag to drop.
      const advice = state === "denied"
        ? `FFI is denied: remove --deny-ffi and run Deno with --allow-ffi`
        : `run Deno with --allow-ffi`;
      throw new JITMemoryManagerError(
        "FFI_PERMISSION",
        `jit-memory needs FFI access to load ${path}, the operating system's ` +
          `memory functions: ${advice} ` +
          `(e.g. "deno run --allow-ffi main.ts"). A path-scoped ` +
          `--allow-ffi=<path> does not cover system libraries.`,
        { cause },
      );
    }
    throw new JITMemoryManagerError(
      "UNSUPPORTED",
      `Cannot load ${path}: ${errorMessage(cause)}`,
      { cause },
    );
  }
}

function ffiPermission(): Deno.PermissionState | "unknown" {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state;
  } catch {
    return "unknown";
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
