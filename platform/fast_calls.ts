/**
 * Fast calls into JIT-compiled code on Linux.
 *
 * `Deno.UnsafeFnPointer.call` goes through a generic operation that
 * re-reads the definition on every call (hundreds of nanoseconds), while a
 * symbol of a `Deno.dlopen`'d library is called through a stub Deno
 * compiles for its signature (a few nanoseconds). So jit-memory gives
 * `Deno.dlopen` a library of its own: a minimal ELF shared object, built in
 * memory (see trampoline_library.ts), written to a `memfd_create` file and
 * opened as `/proc/self/fd/N`, whose functions only jump through a table of
 * code addresses. Binding a JIT'd function stores its address in a free
 * slot; the function is then called through that slot's trampoline at
 * dlopen speed. No disk, no compiler, no permission beyond `--allow-ffi`.
 *
 * Each `Deno.dlopen` costs about 0.1 ms per symbol and keeps memory that
 * `close()` does not return, so libraries are kept and reused: one set per
 * signature, growing 1, 2, 4, ... up to 64 trampolines, slots returned to a
 * free list when their function is released. A free slot points to a trap
 * (`ud2` / `brk #0`), never to freed code, and the slot table is read-only
 * except while a slot is written.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { createExecutableMemfd } from "./memfd.ts";
import { systemError } from "./native_error.ts";
import { BASE_SYMBOL, buildTrampolineLibrary } from "./trampoline_library.ts";
import type { Architecture, OsError } from "./types.ts";

/** A JIT'd function bound to a trampoline. */
export interface FastCallBinding {
  /** Calls the code at dlopen speed. */
  readonly call: (...args: never[]) => unknown;
  /** Points the slot back at the trap and frees it. Idempotent. */
  release(): void;
  /** Where the slot is (for tests: its page is read-only). */
  readonly slotPointer: Deno.PointerObject;
  /** What the slot holds now (for tests). */
  slotValue(): bigint;
  /** The trap's address (for tests: where released slots point). */
  readonly trapAddress: bigint;
}

/** Counters of the binder's libraries and slots. */
export interface FastCallStats {
  /** Trampoline libraries opened (one `Deno.dlopen` each). */
  libraries: number;
  /** Slots in all of them. */
  slots: number;
  /** Slots bound now. */
  bound: number;
}

/** Binds JIT'd functions to dlopen-speed trampolines. */
export interface FastCalls {
  /**
   * Whether Deno fast-calls `definition` (integers, floats, `bool`,
   * `pointer`, `buffer`; results also `void`). Structs and `function`
   * types stay on the portable path.
   */
  supports(definition: Deno.ForeignFunction): boolean;
  /** Binds the code at `address` to a free trampoline of its signature. */
  bind(
    definition: Deno.ForeignFunction,
    address: Deno.PointerObject,
  ): FastCallBinding;
  /** Counters, for tests and diagnostics. */
  stats(): FastCallStats;
}

/** The C functions the binder needs. */
export interface FastCallNative {
  memfd_create(name: Uint8Array, flags: number): number;
  write(fd: number, buffer: Uint8Array, count: bigint): number | bigint;
  mprotect(
    address: Deno.PointerValue,
    length: bigint,
    protection: number,
  ): number;
  close(fd: number): number;
}

/** What the binder needs from its platform. */
export interface FastCallConfig {
  /** The CPU the trampolines are for. */
  arch: Architecture;
  /** The page size. */
  pageSize(): number;
  /** The last OS error, for failed native calls. */
  lastError(): OsError;
  /** Opens a library; `Deno.dlopen` outside tests. */
  open<const S extends Deno.ForeignLibraryInterface>(
    path: string,
    symbols: S,
  ): Deno.DynamicLibrary<S>;
}

const FAST_PARAMETER_TYPES = new Set([
  "i8",
  "u8",
  "i16",
  "u16",
  "i32",
  "u32",
  "i64",
  "u64",
  "isize",
  "usize",
  "f32",
  "f64",
  "bool",
  "pointer",
  "buffer",
]);

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAX_LIBRARY_SIZE = 64;

interface Library {
  readonly functions: ((...args: never[]) => unknown)[];
  readonly slots: BigUint64Array;
  readonly slotTable: Deno.PointerObject;
  readonly trap: bigint;
  readonly free: number[];
}

/**
 * Creates a binder over memfd-backed trampoline libraries.
 *
 * @param native `memfd_create`, `write` and `mprotect` from libc.
 * @param config The platform's facts and `Deno.dlopen`.
 * @returns The binder.
 */
export function createFastCalls(
  native: FastCallNative,
  config: FastCallConfig,
): FastCalls {
  const bySignature = new Map<string, Library[]>();
  const counts = { libraries: 0, slots: 0, bound: 0 };

  function protect(library: Library, protection: number): void {
    const length = BigInt(config.pageSize());
    if (native.mprotect(library.slotTable, length, protection) !== 0) {
      throw systemError("mprotect", "trampoline slots", config.lastError());
    }
  }

  function writeSlot(library: Library, index: number, value: bigint): void {
    protect(library, PROT_READ | PROT_WRITE);
    try {
      library.slots[index] = value;
    } finally {
      protect(library, PROT_READ);
    }
  }

  function openLibrary(
    definition: Deno.ForeignFunction,
    size: number,
  ): Library {
    const built = buildTrampolineLibrary(config.arch, size, config.pageSize());
    const fd = createExecutableMemfd(
      native,
      "jit-memory-trampolines",
      config.lastError,
    );
    const signature = {
      parameters: definition.parameters,
      result: definition.result,
    };
    const symbols: Record<string, Deno.ForeignFunction> = {
      [BASE_SYMBOL]: { parameters: [], result: "pointer" },
    };
    for (const name of built.names) symbols[name] = signature;
    // The descriptor is closed as soon as the library is mapped: a
    // worker's libraries go away with the worker, and a descriptor kept
    // for them would be lost with it, one per library, until EMFILE.
    let library: Deno.DynamicLibrary<Record<string, Deno.ForeignFunction>>;
    try {
      for (let written = 0; written < built.image.length;) {
        const result = Number(native.write(
          fd,
          built.image.subarray(written),
          BigInt(built.image.length - written),
        ));
        if (result <= 0) {
          throw systemError("write", "trampoline library", config.lastError());
        }
        written += result;
      }
      try {
        library = config.open(uniqueDescriptorPath(fd), symbols);
      } catch (cause) {
        throw new JITMemoryManagerError(
          "UNSUPPORTED",
          `Cannot load a trampoline library: ${
            cause instanceof Error ? cause.message : String(cause)
          }`,
          { cause },
        );
      }
    } finally {
      native.close(fd);
    }
    const fns = library.symbols as Record<
      string,
      (...args: never[]) => unknown
    >;
    const base = (fns[BASE_SYMBOL] as () => Deno.PointerValue)()!;
    const slotTable = Deno.UnsafePointer.offset(base, built.slotTableOffset)!;
    const result: Library = {
      functions: built.names.map((name) => fns[name]),
      slots: new BigUint64Array(
        Deno.UnsafePointerView.getArrayBuffer(slotTable, size * 8),
      ),
      slotTable,
      trap: Deno.UnsafePointer.value(base) + BigInt(built.trapOffset),
      free: built.names.map((_, index) => size - 1 - index),
    };
    protect(result, PROT_READ | PROT_WRITE);
    result.slots.fill(result.trap);
    protect(result, PROT_READ);
    counts.libraries++;
    counts.slots += size;
    return result;
  }

  return {
    supports(definition: Deno.ForeignFunction): boolean {
      const { parameters, result } = definition;
      return parameters.every((type) =>
        typeof type === "string" && FAST_PARAMETER_TYPES.has(type)
      ) &&
        typeof result === "string" &&
        (result === "void" || FAST_PARAMETER_TYPES.has(result)) &&
        definition.nonblocking !== true;
    },
    bind(
      definition: Deno.ForeignFunction,
      address: Deno.PointerObject,
    ): FastCallBinding {
      const key = `${definition.parameters.join(",")}->${definition.result}`;
      const libraries = bySignature.get(key) ?? [];
      bySignature.set(key, libraries);
      let library = libraries.find((candidate) => candidate.free.length > 0);
      if (library === undefined) {
        const size = Math.min(MAX_LIBRARY_SIZE, 2 ** libraries.length);
        library = openLibrary(definition, size);
        libraries.push(library);
      }
      const owner = library;
      const index = owner.free.pop()!;
      try {
        writeSlot(owner, index, Deno.UnsafePointer.value(address));
      } catch (error) {
        owner.free.push(index);
        throw error;
      }
      counts.bound++;
      let released = false;
      return {
        call: owner.functions[index],
        release(): void {
          if (released) return;
          released = true;
          writeSlot(owner, index, owner.trap);
          owner.free.push(index);
          counts.bound--;
        },
        slotPointer: Deno.UnsafePointer.offset(owner.slotTable, index * 8)!,
        slotValue: () => owner.slots[index],
        trapAddress: owner.trap,
      };
    },
    stats(): FastCallStats {
      return { ...counts };
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
