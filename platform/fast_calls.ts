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
import {
  type LibraryOpener,
  type LoaderCalls,
  loadMemfdLibrary,
} from "./memfd_library.ts";
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
  /**
   * `false` once a trampoline library failed to load (e.g. where memfds
   * may not be mapped executable): every function then stays on
   * `Deno.UnsafeFnPointer`, and no load is tried again.
   */
  available: boolean;
}

/** Binds JIT'd functions to dlopen-speed trampolines. */
export interface FastCalls {
  /**
   * Whether Deno fast-calls `definition` (integers, floats, `bool`,
   * `pointer`, `buffer`; results also `void`) and trampolines can be
   * loaded here. Structs and `function` types stay on the portable path.
   */
  supports(definition: Deno.ForeignFunction): boolean;
  /**
   * Binds the code at `address` to a free trampoline of its signature.
   * A failure to load a trampoline library also turns `supports()` false
   * for good (a negative cache), so it is tried once per process.
   */
  bind(
    definition: Deno.ForeignFunction,
    address: Deno.PointerObject,
  ): FastCallBinding;
  /** Counters, for tests and diagnostics. */
  stats(): FastCallStats;
}

/** The system calls the binder needs, in the `-errno` convention. */
export interface FastCallCalls extends LoaderCalls {
  mprotect(
    address: Deno.PointerValue,
    length: bigint,
    protection: number,
  ): number;
}

/** What the binder needs from its platform. */
export interface FastCallConfig {
  /** The CPU the trampolines are for. */
  arch: Architecture;
  /** The page size. */
  pageSize(): number;
  /** Describes an error number. */
  osError(code: number): OsError;
  /** Opens a library; `Deno.dlopen` outside tests. */
  open: LibraryOpener;
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
  /** Slots pointing to the trap, free to bind. */
  readonly free: number[];
  /**
   * Slots let go whose write back to the trap failed: no wrapper calls
   * them any more, and the next bind retries the write before using them.
   */
  readonly untrapped: number[];
}

/**
 * Creates a binder over memfd-backed trampoline libraries.
 *
 * @param calls `memfd_create`, `write`, `close` and `mprotect`.
 * @param config The platform's facts and `Deno.dlopen`.
 * @returns The binder.
 */
export function createFastCalls(
  calls: FastCallCalls,
  config: FastCallConfig,
): FastCalls {
  const bySignature = new Map<string, Library[]>();
  let unavailable = false;

  function protect(library: Library, protection: number): void {
    const length = BigInt(config.pageSize());
    const result = calls.mprotect(library.slotTable, length, protection);
    if (result < 0) {
      throw systemError(
        "mprotect",
        "trampoline slots",
        config.osError(-result),
      );
    }
  }

  function writeSlots(
    library: Library,
    indices: readonly number[],
    value: bigint,
  ): void {
    protect(library, PROT_READ | PROT_WRITE);
    try {
      for (const index of indices) library.slots[index] = value;
    } finally {
      protect(library, PROT_READ);
    }
  }

  function openLibrary(
    definition: Deno.ForeignFunction,
    size: number,
  ): Library {
    const built = buildTrampolineLibrary(config.arch, size, config.pageSize());
    const signature = {
      parameters: definition.parameters,
      result: definition.result,
    };
    const symbols: Record<string, Deno.ForeignFunction> = {
      [BASE_SYMBOL]: { parameters: [], result: "pointer" },
    };
    for (const name of built.names) symbols[name] = signature;
    let library: Deno.DynamicLibrary<Record<string, Deno.ForeignFunction>>;
    try {
      library = loadMemfdLibrary(
        calls,
        "jit-memory-trampolines",
        built.image,
        symbols,
        config.open,
        config.osError,
      );
    } catch (error) {
      // Where one library cannot be loaded, none can: stop trying.
      unavailable = true;
      throw error;
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
      untrapped: [],
    };
    writeSlots(result, result.free, result.trap);
    return result;
  }

  /** Points slots whose release failed back to the trap, if it works now. */
  function retrapSlots(library: Library): void {
    if (library.untrapped.length === 0) return;
    try {
      writeSlots(library, library.untrapped, library.trap);
    } catch {
      return; // still failing: they stay out of use
    }
    library.free.push(...library.untrapped);
    library.untrapped.length = 0;
  }

  return {
    supports(definition: Deno.ForeignFunction): boolean {
      const { parameters, result } = definition;
      return !unavailable &&
        parameters.every((type) =>
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
      if (unavailable) {
        throw new JITMemoryManagerError(
          "UNSUPPORTED",
          "Trampoline libraries cannot be loaded in this process",
        );
      }
      const key = `${definition.parameters.join(",")}->${definition.result}`;
      const libraries = bySignature.get(key) ?? [];
      bySignature.set(key, libraries);
      for (const candidate of libraries) retrapSlots(candidate);
      let library = libraries.find((candidate) => candidate.free.length > 0);
      if (library === undefined) {
        const size = Math.min(MAX_LIBRARY_SIZE, 2 ** libraries.length);
        library = openLibrary(definition, size);
        libraries.push(library);
      }
      const owner = library;
      const index = owner.free.pop()!;
      try {
        writeSlots(owner, [index], Deno.UnsafePointer.value(address));
      } catch (error) {
        owner.free.push(index);
        throw error;
      }
      let released = false;
      return {
        call: owner.functions[index],
        release(): void {
          if (released) return;
          released = true;
          try {
            writeSlots(owner, [index], owner.trap);
            owner.free.push(index);
          } catch {
            // Never thrown at a release: the slot waits for the next bind.
            owner.untrapped.push(index);
          }
        },
        slotPointer: Deno.UnsafePointer.offset(owner.slotTable, index * 8)!,
        slotValue: () => owner.slots[index],
        trapAddress: owner.trap,
      };
    },
    stats(): FastCallStats {
      let libraries = 0;
      let slots = 0;
      let idle = 0;
      for (const group of bySignature.values()) {
        for (const library of group) {
          libraries++;
          slots += library.functions.length;
          idle += library.free.length + library.untrapped.length;
        }
      }
      return {
        libraries,
        slots,
        bound: slots - idle,
        available: !unavailable,
      };
    },
  };
}
