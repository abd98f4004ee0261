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
    if (cause instanceof Deno.errors.NotCapable || !hasFullFfiPermission()) {
      throw new JITMemoryManagerError(
        "FFI_PERMISSION",
        `jit-memory needs FFI access to load ${path}, the operating system's ` +
          `memory functions: run Deno with --allow-ffi ` +
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

function hasFullFfiPermission(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
