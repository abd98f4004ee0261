/**
 * Loads a shared object built in memory: written to a memfd and opened
 * with `Deno.dlopen` as `/proc/self/fd/N`. No disk, no compiler, no
 * permission beyond `--allow-ffi`.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import {
  type TrampolineLoader,
  type TrampolineRun,
  trampolineRun,
  trampolineSymbols,
} from "./fast_calls.ts";
import { createExecutableMemfd } from "./memfd.ts";
import { systemError } from "./native_error.ts";
import type { OsError } from "./types.ts";

/** The system calls loading needs, in the `-errno` convention. */
export interface LoaderCalls {
  memfd_create(name: Uint8Array, flags: number): number;
  write(fd: number, buffer: Uint8Array, count: bigint): number;
  close(fd: number): number;
}

/** Opens a library; `Deno.dlopen` outside tests. */
export type LibraryOpener = <const S extends Deno.ForeignLibraryInterface>(
  path: string,
  symbols: S,
) => Deno.DynamicLibrary<S>;

/**
 * Writes `image` to a memfd named `name` and opens it.
 *
 * The descriptor is closed as soon as the library is mapped: a worker's
 * libraries go away with the worker, and a descriptor kept for them would
 * be lost with it, one per library, until EMFILE.
 *
 * @param calls `memfd_create`, `write`, `close`.
 * @param name The memfd's name, as `/proc/self/maps` shows it.
 * @param image The shared object's bytes.
 * @param symbols What to bind.
 * @param open `Deno.dlopen` (or a fake).
 * @param osError Describes an error number.
 * @returns The opened library.
 * @throws {JITMemoryManagerError} `SYSTEM` if the memfd cannot be made or
 * written, `UNSUPPORTED` if the loader refuses the file.
 */
export function loadMemfdLibrary<const S extends Deno.ForeignLibraryInterface>(
  calls: LoaderCalls,
  name: string,
  image: Uint8Array,
  symbols: S,
  open: LibraryOpener,
  osError: (code: number) => OsError,
): Deno.DynamicLibrary<S> {
  const fd = createExecutableMemfd(calls, name, osError);
  try {
    for (let written = 0; written < image.length;) {
      const result = calls.write(
        fd,
        image.subarray(written),
        BigInt(image.length - written),
      );
      if (result < 0) throw systemError("write", name, osError(-result));
      if (result === 0) {
        throw new JITMemoryManagerError(
          "SYSTEM",
          `write(${name}) made no progress`,
          { syscall: "write" },
        );
      }
      written += result;
    }
    try {
      return open(uniqueDescriptorPath(fd), symbols);
    } catch (cause) {
      throw new JITMemoryManagerError(
        "UNSUPPORTED",
        `Cannot load ${name}: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { cause },
      );
    }
  } finally {
    calls.close(fd);
  }
}

/**
 * A loader of trampolines through memfds (Linux): each run of trampolines
 * is a library of its own, in a new file, so nothing is shared between
 * loads or left behind.
 *
 * @param calls `memfd_create`, `write`, `close`.
 * @param name The memfds' name, as `/proc/self/maps` shows it.
 * @param open `Deno.dlopen` (or a fake).
 * @param osError Describes an error number.
 * @returns The loader; always available (a refused load is an error).
 */
export function memfdLoader(
  calls: LoaderCalls,
  name: string,
  open: LibraryOpener,
  osError: (code: number) => OsError,
): TrampolineLoader {
  return {
    available: () => true,
    load(count, signature, build): TrampolineRun {
      const built = build(count);
      const library = loadMemfdLibrary(
        calls,
        name,
        built.image,
        trampolineSymbols(built, 0, count, signature),
        open,
        osError,
      );
      return trampolineRun(library, built, 0, count);
    },
  };
}

/**
 * A path that opens descriptor `fd` and that no other library of this
 * process has been opened with. glibc takes an already loaded library for
 * any later `dlopen` of the same path string, and a closed descriptor's
 * number (so its `/proc/self/fd/N` path) is soon handed out again. A random
 * 48-bit tag is spelled in path segments the kernel resolves to nothing,
 * `./` for a one and an empty segment for a zero.
 *
 * @param fd The open descriptor.
 * @returns A path like `/proc/self/././/./…/fd/7`.
 */
export function uniqueDescriptorPath(fd: number): string {
  const tag = crypto.getRandomValues(new Uint8Array(6));
  let segments = "";
  for (const byte of tag) {
    for (let bit = 7; bit >= 0; bit--) {
      segments += (byte >> bit) & 1 ? "./" : "/";
    }
  }
  return `/proc/self/${segments}fd/${fd}`;
}
