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
import { mapSharedAtRandom } from "./dual_mapping.ts";
import { createExecutableMemfd } from "./memfd.ts";
import { systemError } from "./native_error.ts";
import { type MemoryCalls, mmapErrno, PROT_READ, PROT_WRITE } from "./posix.ts";
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
 * @param whileOpen Called with the descriptor once the library is open,
 *   before the descriptor is closed (to map the file a second time).
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
  whileOpen?: (fd: number) => void,
): Deno.DynamicLibrary<S> {
  const fd = createExecutableMemfd(calls, name, osError);
  try {
    writeImage(calls, fd, name, image, osError);
    let library: Deno.DynamicLibrary<S>;
    try {
      library = open(uniqueDescriptorPath(fd), symbols);
    } catch (cause) {
      throw new JITMemoryManagerError(
        "UNSUPPORTED",
        `Cannot load ${name}: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { cause },
      );
    }
    whileOpen?.(fd);
    return library;
  } finally {
    calls.close(fd);
  }
}

/**
 * Writes all of `image` to `fd`.
 *
 * @param calls `write`.
 * @param fd The file.
 * @param name The file's name, for errors.
 * @param image The bytes.
 * @param osError Describes an error number.
 * @throws {JITMemoryManagerError} `SYSTEM` if a write fails or stalls.
 */
export function writeImage(
  calls: Pick<LoaderCalls, "write">,
  fd: number,
  name: string,
  image: Uint8Array,
  osError: (code: number) => OsError,
): void {
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
}

/**
 * A loader of trampolines through memfds (Linux): each run of trampolines
 * is a library of its own, in a new file, so nothing is shared between
 * loads or left behind.
 *
 * The slot table's pages are mapped a second time from the same file,
 * shared and writable, so that binding a function is one store, without a
 * protection switch. The loader maps the library's segments privately;
 * the table's segment is read-only and needs no relocation, so its pages
 * are never copied on write and show every store made through the shared
 * mapping. Where that mapping cannot be made, slots are written by
 * switching the table's protection, as elsewhere.
 *
 * @param calls `memfd_create`, `write`, `close`, `mmap`.
 * @param name The memfd's name.
 * @param open `Deno.dlopen` (or a fake).
 * @param osError Describes an error number.
 * @param pageSize The page size.
 * @returns The loader.
 */
export function memfdLoader(
  calls: LoaderCalls & Pick<MemoryCalls, "mmap" | "munmap">,
  name: string,
  open: LibraryOpener,
  osError: (code: number) => OsError,
  pageSize: () => number,
): TrampolineLoader {
  return {
    available: () => true,
    load(count, signature, build): TrampolineRun {
      const built = build(count);
      let writableSlots: BigUint64Array | undefined;
      const library = loadMemfdLibrary(
        calls,
        name,
        built.image,
        trampolineSymbols(built, 0, count, signature),
        open,
        osError,
        (fd) => {
          writableSlots = mapSlotsWritable(
            calls,
            fd,
            built.slotTableOffset,
            count,
            pageSize(),
          );
        },
      );
      const run = trampolineRun(library, built, 0, count);
      return writableSlots === undefined ? run : { ...run, writableSlots };
    },
  };
}

/**
 * Maps the pages of a library file holding its slot table, shared and
 * writable (the ELF images are written with file offsets equal to
 * addresses), at a random address.
 *
 * @returns A view of the slots, or `undefined` if the mapping is refused.
 */
function mapSlotsWritable(
  calls: Pick<MemoryCalls, "mmap" | "munmap">,
  fd: number,
  tableOffset: number,
  count: number,
  pageSize: number,
): BigUint64Array | undefined {
  const from = tableOffset - tableOffset % pageSize;
  const end = tableOffset + count * 8;
  const length = Math.ceil((end - from) / pageSize) * pageSize;
  // Like code's writable aliases: at a random address, unrelated to the
  // table the trampolines read.
  const address = mapSharedAtRandom(
    calls,
    fd,
    length,
    PROT_READ | PROT_WRITE,
    BigInt(from),
    pageSize,
  );
  if (address === null || mmapErrno(address) !== 0) return undefined;
  return new BigUint64Array(
    Deno.UnsafePointerView.getArrayBuffer(address, length),
    tableOffset - from,
    count,
  );
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
