/**
 * Loads trampolines on Windows, which can only load a library from a
 * file. One DLL of many trampolines ({@linkcode DEFAULT_CAPACITY}) is
 * written to the temporary directory under a name made from its contents,
 * `jit-memory-trampolines-<sha256 prefix>.dll`, and each run of
 * trampolines the pool asks for is the next run of that DLL's, opened with
 * `Deno.dlopen` for just those symbols: the same module, mapped once. The
 * same bytes always get the same name, so the file is reused by later
 * runs and by other processes, and files never pile up. A file is written
 * under a unique temporary name and then renamed, so no process ever sees
 * half of one; one found with other bytes is replaced.
 *
 * Windows maps a file once per process, however often it is opened: two
 * workers, or two binders, opening the same file would share one slot
 * table. So a copy is claimed with the DLL's `jit_claim()`, which only the
 * first caller in the process wins; a copy claimed already is closed again
 * and the next name of the same contents (`…-1.dll`, `…-2.dll`, …) tried,
 * as when a copy's trampolines run out. A worker's libraries are closed
 * when it ends, and their copies can be claimed again.
 *
 * Only used where the process may read, write and load files there
 * without a prompt: `available()` asks `Deno.permissions.querySync`.
 *
 * @module
 */

import { JITMemoryManagerError, type SystemErrorReason } from "../errors.ts";
import {
  type TrampolineBuilder,
  type TrampolineLoader,
  type TrampolineRun,
  trampolineRun,
  trampolineSymbols,
} from "./fast_calls.ts";
import type { LibraryOpener } from "./memfd_library.ts";
import { sha256 } from "./sha256.ts";
import {
  CLAIM_SYMBOL,
  type TrampolineLibraryImage,
} from "./trampoline_library.ts";

/** How a {@linkcode createDllFileLoader} loader finds and opens files. */
export interface DllFileLoaderOptions {
  /** `Deno.dlopen` (or a fake). */
  open: LibraryOpener;
  /**
   * The directory the files go to, or `undefined` where it cannot be
   * found without a prompt. Asked once.
   */
  directory(): string | undefined;
  /** Separates the directory from the file name; `\` by default. */
  separator?: string;
  /** Trampolines in the DLL; {@linkcode DEFAULT_CAPACITY} by default. */
  capacity?: number;
}

/**
 * Trampolines in one DLL: 64 KiB of code and slots, enough for every
 * signature's first libraries (1 + 2 + ... + 64 trampolines each) of
 * tens of signatures.
 */
export const DEFAULT_CAPACITY = 4096;

/** The start of every file name. */
export const DLL_FILE_PREFIX = "jit-memory-trampolines";

/** Copies of the DLL one loader may hold, each with `capacity` trampolines. */
const MAX_COPIES = 1024;
/** Hex digits of the SHA-256 digest in a file name (64 bits). */
const DIGEST_DIGITS = 16;

/**
 * The file name of copy `copy` of `image`.
 *
 * @param image The DLL's bytes.
 * @param copy 0 for the first copy a process opens, then 1, 2, ...
 * @returns E.g. `jit-memory-trampolines-0123456789abcdef.dll`, or
 *   `jit-memory-trampolines-0123456789abcdef-2.dll` for copy 2.
 */
export function dllFileName(image: Uint8Array, copy = 0): string {
  const digest = hex(sha256(image)).slice(0, DIGEST_DIGITS);
  return copy === 0
    ? `${DLL_FILE_PREFIX}-${digest}.dll`
    : `${DLL_FILE_PREFIX}-${digest}-${copy}.dll`;
}

/**
 * The temporary directory as Windows' `GetTempPath` finds it (`TMP`, then
 * `TEMP`, then `USERPROFILE`), reading only variables this process may
 * read without a prompt.
 *
 * @returns The directory, or `undefined` if no readable variable names one.
 */
export function windowsTemporaryDirectory(): string | undefined {
  for (const variable of ["TMP", "TEMP", "USERPROFILE"]) {
    if (!granted({ name: "env", variable })) continue;
    const value = Deno.env.get(variable);
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/**
 * Creates a loader of trampolines from a content-addressed DLL file.
 *
 * @param options Where the file goes, how it is opened, how many
 *   trampolines it has.
 * @returns The loader: available where the process may read, write and
 *   load files in the directory.
 */
export function createDllFileLoader(
  options: DllFileLoaderOptions,
): TrampolineLoader {
  const separator = options.separator ?? "\\";
  const capacity = options.capacity ?? DEFAULT_CAPACITY;
  let directory: string | undefined | null = null;
  let built: TrampolineLibraryImage | undefined;
  /** The copy trampolines are handed out from, and its next one. */
  let current: { path: string; next: number } | undefined;
  /** The copy to try first: those before are held by this loader. */
  let nextCopy = 0;
  /** The claims, kept open: a copy stays loaded, and claimed, for good. */
  const claims: Deno.DynamicLibrary<Deno.ForeignLibraryInterface>[] = [];

  function where(): string | undefined {
    if (directory === null) directory = options.directory();
    return directory;
  }

  function pathOf(name: string): string {
    const dir = where()!;
    return dir.endsWith(separator)
      ? `${dir}${name}`
      : `${dir}${separator}${name}`;
  }

  function open<const S extends Deno.ForeignLibraryInterface>(
    path: string,
    symbols: S,
  ): Deno.DynamicLibrary<S> {
    try {
      return options.open(path, symbols);
    } catch (cause) {
      throw new JITMemoryManagerError(
        "UNSUPPORTED",
        `Cannot load ${path}: ${messageOf(cause)}`,
        { cause },
      );
    }
  }

  /** Claims a copy of the DLL no library of this process holds. */
  function claimCopy(image: Uint8Array): string {
    const claim = {
      [CLAIM_SYMBOL]: { parameters: [], result: "i32" },
    } as const satisfies Deno.ForeignLibraryInterface;
    for (let copy = nextCopy; copy < nextCopy + MAX_COPIES; copy++) {
      const path = pathOf(dllFileName(image, copy));
      placeFile(path, image);
      const library = open(path, claim);
      if (library.symbols[CLAIM_SYMBOL]() === 0) {
        claims.push(library);
        nextCopy = copy + 1;
        return path;
      }
      // Another worker's (or another loader's) copy.
      library.close();
    }
    throw new JITMemoryManagerError(
      "UNSUPPORTED",
      `${MAX_COPIES} copies of the trampoline library are held already`,
    );
  }

  return {
    available(): boolean {
      const dir = where();
      return dir !== undefined &&
        granted({ name: "read", path: dir }) &&
        granted({ name: "write", path: dir }) &&
        granted({ name: "ffi", path: dir });
    },
    load(
      count: number,
      signature: Deno.ForeignFunction,
      build: TrampolineBuilder,
    ): TrampolineRun {
      if (where() === undefined) {
        throw new JITMemoryManagerError(
          "UNSUPPORTED",
          "No temporary directory to write trampoline libraries to",
        );
      }
      if (count > capacity) {
        throw new JITMemoryManagerError(
          "UNSUPPORTED",
          `${count} trampolines do not fit in a library of ${capacity}`,
        );
      }
      built ??= build(capacity);
      if (current === undefined || current.next + count > capacity) {
        current = { path: claimCopy(built.image), next: 0 };
      }
      const first = current.next;
      const library = open(
        current.path,
        trampolineSymbols(built, first, count, signature),
      );
      current.next += count;
      return trampolineRun(library, built, first, count);
    },
  };
}

/**
 * Makes the file at `path` hold `image`: leaves it if it does, else writes
 * a unique temporary file beside it and renames that over it.
 */
function placeFile(path: string, image: Uint8Array): void {
  if (holds(path, image)) return;
  const temporary = `${path}.${
    hex(crypto.getRandomValues(new Uint8Array(8)))
  }.tmp`;
  try {
    Deno.writeFileSync(temporary, image, { createNew: true });
    Deno.renameSync(temporary, path);
  } catch (cause) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // never written, or already renamed
    }
    // Another process may have put the same bytes there meanwhile, and
    // hold it open (Windows refuses to replace a loaded DLL).
    if (holds(path, image)) return;
    throw new JITMemoryManagerError(
      "SYSTEM",
      `Cannot write the trampoline library ${path}: ${messageOf(cause)}`,
      { syscall: "rename", reason: reasonOf(cause), cause },
    );
  }
}

/** Whether the file at `path` exists and holds exactly `image`. */
function holds(path: string, image: Uint8Array): boolean {
  let contents: Uint8Array;
  try {
    contents = Deno.readFileSync(path);
  } catch {
    return false;
  }
  return contents.length === image.length &&
    contents.every((byte, index) => byte === image[index]);
}

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

function reasonOf(error: unknown): SystemErrorReason {
  return error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable
    ? "permission-denied"
    : "other";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}
