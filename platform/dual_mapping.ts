/**
 * Dual mapping on Linux: one in-memory file mapped twice, read-write where
 * code is written and read-execute where it runs. No page is ever writable
 * and executable through one mapping, and no protection changes after the
 * mapping is made, which is what hardened kernels (SELinux `execmem`
 * denials, PaX MPROTECT) still allow, and what lets other threads run the
 * code while it is written next to them.
 *
 * Hardening:
 * - the writable view is placed at a random address, unrelated to the
 *   executable one, so a code address does not reveal where to write.
 *   The address is only a hint: where it is taken (V8 reserves gigabytes
 *   in that range; about one hint in 2,000 fell in them when measured),
 *   the kernel would put the view next to other mappings, perhaps next to
 *   the code, so a refused hint is unmapped and another tried, up to
 *   {@linkcode VIEW_PLACEMENTS} times;
 * - the memfd is sealed (`F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL`):
 *   nobody can truncate it under running code;
 * - where `memfd_create` is refused, an unnamed `O_TMPFILE` file in
 *   `/dev/shm` or `/tmp` backs the views instead (it cannot be sealed).
 *   The first source that maps executable is kept for the process; if
 *   every one is refused, dual mapping is not tried again.
 *
 * @module
 */

import { JITMemoryManagerError, type SystemErrorReason } from "../errors.ts";
import {
  createExecutableMemfd,
  createTemporaryFile,
  type MemfdCalls,
  sealSize,
} from "./memfd.ts";
import { systemError } from "./native_error.ts";
import {
  MAP_FIXED,
  MAP_SHARED,
  type MemoryCalls,
  mmapErrno,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from "./posix.ts";
import type { Architecture, DualMapping, DualViews, OsError } from "./types.ts";

/** The system calls dual mapping needs, in the `-errno` convention. */
export interface DualMappingCalls extends MemfdCalls, MemoryCalls {
  ftruncate(fd: number, length: bigint): number;
  close(fd: number): number;
}

/** Where the backing file of a dual mapping comes from. */
export type BackingSource = "memfd" | "/dev/shm" | "/tmp";

const SOURCES: readonly BackingSource[] = ["memfd", "/dev/shm", "/tmp"];
/** Errors that mean a source cannot work here, so the next is tried. */
const REFUSALS = new Set<SystemErrorReason>([
  "permission-denied",
  "unsupported",
  "invalid-argument",
]);
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const ENOMEM = 12;

/**
 * Random addresses tried for a writable view before the kernel's own
 * placement is kept: four refusals in a row take a range that is mostly
 * reserved already.
 */
const VIEW_PLACEMENTS = 4;

/** Random placements of the writable view: [2^40, 2^46), page-aligned. */
const HINT_LOW = 2 ** 40;
const HINT_SPAN = 2 ** 46 - 2 ** 40;

/** The facts dual mapping needs beyond the system calls. */
export interface DualMappingConfig {
  /** The CPU (`O_TMPFILE` differs). */
  arch: Architecture;
  /** The page size. */
  pageSize(): number;
  /** Describes an error number. */
  osError(code: number): OsError;
  /** Random bytes (tests make it predictable). */
  random?(bytes: Uint8Array): Uint8Array;
}

/** Dual mapping plus what tests and the probe ask of it. */
export interface LinuxDualMapping extends DualMapping {
  /** The backing source in use, once one has worked. */
  source(): BackingSource | undefined;
}

/**
 * A page-aligned address to ask `mmap` for: random in a 64 TiB range, far
 * from everything else, so that an address of code (or of anything else)
 * does not tell where a writable alias of it lies.
 *
 * @param size The mapping's size.
 * @param pageSize The page size.
 * @param random Fills bytes with randomness.
 * @returns The hint.
 */
export function randomAddressHint(
  size: number,
  pageSize: number,
  random: (bytes: Uint8Array) => Uint8Array = (bytes) =>
    crypto.getRandomValues(bytes),
): Deno.PointerValue {
  const [high, low] = new Uint32Array(random(new Uint8Array(8)).buffer);
  const fraction = (high * 2 ** 32 + low) / 2 ** 64;
  const offset = Math.floor((fraction * (HINT_SPAN - size)) / pageSize) *
    pageSize;
  return Deno.UnsafePointer.create(BigInt(HINT_LOW + offset));
}

/**
 * Maps `length` bytes of `fd` (from `offset`), shared, at a random address
 * (see {@linkcode randomAddressHint}). A view the kernel put elsewhere
 * (its hint was taken) is unmapped and another address tried; after
 * {@linkcode VIEW_PLACEMENTS} tries the kernel's placement is kept.
 *
 * @param calls `mmap` and `munmap`.
 * @param fd The file.
 * @param length Bytes, a multiple of the page size.
 * @param protection The view's protection.
 * @param offset Where in the file the view starts.
 * @param pageSize The page size.
 * @param random Fills bytes with randomness.
 * @returns What `mmap` returned last (`MAP_FAILED` and `errno` on failure).
 */
export function mapSharedAtRandom(
  calls: Pick<MemoryCalls, "mmap" | "munmap">,
  fd: number,
  length: number,
  protection: number,
  offset: bigint,
  pageSize: number,
  random?: (bytes: Uint8Array) => Uint8Array,
): Deno.PointerValue {
  for (let attempt = 1;; attempt++) {
    const hint = randomAddressHint(length, pageSize, random);
    const view = calls.mmap(
      hint,
      BigInt(length),
      protection,
      MAP_SHARED,
      fd,
      offset,
    );
    if (view === null || mmapErrno(view) !== 0) return view;
    const placed = Deno.UnsafePointer.value(view) ===
      Deno.UnsafePointer.value(hint);
    if (placed || attempt === VIEW_PLACEMENTS) return view;
    calls.munmap(view, BigInt(length));
  }
}

/**
 * Builds dual mapping over Linux's system calls (or fakes of them).
 *
 * @param calls The system calls.
 * @param config The CPU, page size and error descriptions.
 * @returns The dual-mapping primitives.
 */
export function createDualMapping(
  calls: DualMappingCalls,
  config: DualMappingConfig,
): LinuxDualMapping {
  let working: BackingSource | undefined;
  /** Set once every source was refused: nothing is tried again. */
  let refused: JITMemoryManagerError | undefined;
  const random = config.random ??
    ((bytes: Uint8Array) => crypto.getRandomValues(bytes));

  function fail(syscall: string, detail: string, code: number): never {
    throw systemError(syscall, detail, config.osError(code));
  }

  function mapView(
    at: Deno.PointerValue,
    fd: number,
    size: number,
    protection: number,
    fixed: boolean,
  ): Deno.PointerObject {
    const address = calls.mmap(
      at,
      BigInt(size),
      protection,
      MAP_SHARED | (fixed ? MAP_FIXED : 0),
      fd,
      0n,
    );
    const errno = mmapErrno(address);
    if (errno !== 0 || address === null) {
      fail(
        "mmap",
        `${size} bytes, shared ${
          protection & PROT_EXEC ? "read-execute" : "read-write"
        }`,
        errno,
      );
    }
    return address;
  }

  /** Maps `fd` read-write at a random address (see mapSharedAtRandom). */
  function mapAtRandom(fd: number, size: number): Deno.PointerObject {
    const view = mapSharedAtRandom(
      calls,
      fd,
      size,
      PROT_READ | PROT_WRITE,
      0n,
      config.pageSize(),
      random,
    );
    const errno = mmapErrno(view);
    if (errno !== 0 || view === null) {
      fail("mmap", `${size} bytes, shared read-write`, errno);
    }
    return view;
  }

  /** A sized (and, for memfds, sealed) file from `source`. */
  function openFile(source: BackingSource, size: number): number {
    const fd = source === "memfd"
      ? createExecutableMemfd(calls, "jit-memory-code", config.osError, true)
      : createTemporaryFile(calls, source, config.arch, config.osError);
    try {
      const result = calls.ftruncate(fd, BigInt(size));
      if (result < 0) fail("ftruncate", `${size} bytes`, -result);
      if (source === "memfd") sealSize(calls, fd, config.osError);
      return fd;
    } catch (error) {
      calls.close(fd);
      throw error;
    }
  }

  function unmapQuietly(address: Deno.PointerObject, size: number): void {
    calls.munmap(address, BigInt(size));
  }

  /**
   * Makes a file from `source` and its writable view (at a random
   * address), then runs `use`; if `use` throws, the view is unmapped. The
   * descriptor is closed either way: the mappings keep the memory.
   */
  function withWritableView<T>(
    source: BackingSource,
    size: number,
    use: (fd: number, writable: Deno.PointerObject) => T,
  ): T {
    const fd = openFile(source, size);
    try {
      const writable = mapAtRandom(fd, size);
      try {
        return use(fd, writable);
      } catch (error) {
        unmapQuietly(writable, size);
        throw error;
      }
    } finally {
      calls.close(fd);
    }
  }

  /**
   * Runs `attempt` with the source that worked before, or tries each in
   * turn until one works; a refusal (not a lack of memory) moves on.
   */
  function withSource<T>(attempt: (source: BackingSource) => T): T {
    if (working !== undefined) return attempt(working);
    if (refused !== undefined) {
      throw new JITMemoryManagerError(
        "UNSUPPORTED",
        `Dual mapping is refused here: ${refused.message}`,
        { cause: refused },
      );
    }
    let first: JITMemoryManagerError | undefined;
    for (const source of SOURCES) {
      try {
        const result = attempt(source);
        working = source;
        return result;
      } catch (error) {
        const failure = error as JITMemoryManagerError;
        // Only a refusal says the source cannot work here; a lack of
        // memory or descriptors says nothing yet.
        if (!REFUSALS.has(failure.reason ?? "other")) throw error;
        first ??= failure;
      }
    }
    refused = first;
    throw first;
  }

  return {
    map(size: number): DualViews {
      return withSource((source) =>
        withWritableView(source, size, (fd, writable) => ({
          writable,
          executable: mapView(null, fd, size, PROT_READ | PROT_EXEC, false),
        }))
      );
    },
    convert(address: Deno.PointerObject, size: number): Deno.PointerObject {
      return withSource((source) =>
        withWritableView(source, size, (fd, writable) => {
          copyPages(address, writable, size);
          replaceInPlace(address, fd, size, writable);
          return writable;
        })
      );
    },
    source: () => working,
  };

  /**
   * Maps the file read-execute over the region at `address`. If that
   * fails after the kernel dropped the old mapping (it may, for
   * `MAP_FIXED`), the region is rebuilt from the copy, so the address
   * stays mapped with its code either way.
   */
  function replaceInPlace(
    address: Deno.PointerObject,
    fd: number,
    size: number,
    copy: Deno.PointerObject,
  ): void {
    try {
      mapView(address, fd, size, PROT_READ | PROT_EXEC, true);
      return;
    } catch (error) {
      // A re-protect of a mapped range succeeds; of an unmapped one, ENOMEM.
      const still = calls.mprotect(
        address,
        BigInt(size),
        PROT_READ | PROT_EXEC,
      );
      if (still !== -ENOMEM) throw error;
      restorePrivate(address, size, copy);
      throw error;
    }
  }

  /** Maps private memory back at `address`, with the bytes of `copy`. */
  function restorePrivate(
    address: Deno.PointerObject,
    size: number,
    copy: Deno.PointerObject,
  ): void {
    const restored = calls.mmap(
      address,
      BigInt(size),
      PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
      -1,
      0n,
    );
    if (mmapErrno(restored) !== 0) return;
    copyPages(copy, address, size);
    calls.mprotect(address, BigInt(size), PROT_READ | PROT_EXEC);
  }
}

/** Bytes per chunk of a copy: zero chunks are not written. */
const CHUNK = 4096;

/**
 * Copies `size` bytes (a multiple of 4) from a readable view into a new
 * file's writable view, leaving out the chunks that hold only zeroes: the
 * file reads zero there anyway, and writing them would give it memory for
 * every page of a region whose code fills a few (a 64 MiB region converted
 * for one patch would cost 64 MiB of RAM).
 */
function copyPages(
  from: Deno.PointerObject,
  to: Deno.PointerObject,
  size: number,
): void {
  const source = new Uint32Array(
    Deno.UnsafePointerView.getArrayBuffer(from, size),
  );
  const target = new Uint32Array(
    Deno.UnsafePointerView.getArrayBuffer(to, size),
  );
  const words = CHUNK / 4;
  for (let start = 0; start < source.length; start += words) {
    const end = Math.min(start + words, source.length);
    for (let word = start; word < end; word++) {
      if (source[word] !== 0) {
        target.set(source.subarray(start, end), start);
        break;
      }
    }
  }
}
