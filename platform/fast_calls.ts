/**
 * Fast calls into JIT-compiled code, on every platform that can load a
 * library made at run time.
 *
 * `Deno.UnsafeFnPointer.call` goes through a generic operation that
 * re-reads the definition on every call (hundreds of nanoseconds), while a
 * symbol of a `Deno.dlopen`'d library is called through a stub Deno
 * compiles for its signature (a few nanoseconds). So jit-memory gives
 * `Deno.dlopen` a library of its own, built in memory (see
 * trampoline_library.ts), whose functions only jump through a table of
 * code addresses. Binding a JIT'd function stores its address in a free
 * slot; the function is then called through that slot's trampoline at
 * dlopen speed.
 *
 * This file is the pool of slots, the same everywhere; its platform gives
 * it three things: how a library image is built (ELF on Linux, PE on
 * Windows), how trampolines are loaded from such images (a library of
 * their own in a memfd on Linux, a run of a larger DLL in the temporary
 * directory on Windows), and how slot tables' pages are switched between
 * read-only and read-write (mprotect, VirtualProtect) where the loader
 * cannot map them a second time, writable (Linux can: the memfd's pages).
 *
 * Each `Deno.dlopen` costs about 0.1 ms per symbol and keeps memory that
 * `close()` does not return, so libraries are kept and reused: one set per
 * signature, growing 1, 2, 4, ... up to 64 trampolines, slots returned to a
 * free list when their function is released. A free slot points to a trap
 * (`ud2` / `brk #0`), never to freed code, and the slot table the
 * trampolines read is read-only: written through a second, writable
 * mapping of the same pages (memfd), or made writable only while a slot is
 * written.
 *
 * @module
 */

import { nameCode } from "../code_names.ts";
import { JITMemoryManagerError } from "../errors.ts";
import {
  BASE_SYMBOL,
  type TrampolineLibraryImage,
} from "./trampoline_library.ts";

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
   * Libraries whose slot table is mapped a second time, writable, so that
   * binding and releasing switch no protection (Linux).
   */
  dualMapped: number;
  /** Protection switches of slot tables so far (two per write elsewhere). */
  protectionSwitches: number;
  /**
   * `false` where trampoline libraries cannot be loaded: the loader said
   * so (e.g. no permission to write the file it loads), or one failed to
   * load (e.g. where memfds may not be mapped executable). Every function
   * then stays on `Deno.UnsafeFnPointer`, and no load is tried again.
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

/** Builds the image of a library with `count` trampolines (ELF, PE). */
export type TrampolineBuilder = (count: number) => TrampolineLibraryImage;

/** Trampolines bound to one signature, and where their slots are. */
export interface TrampolineRun {
  /** The bound trampolines, the one of slot `i` at `i`. */
  readonly functions: ((...args: never[]) => unknown)[];
  /** The first slot; the others follow it, 8 bytes each. */
  readonly slotTable: Deno.PointerObject;
  /** Where free slots point: a trap instruction in the library's code. */
  readonly trap: bigint;
  /** The first trampoline's address and each one's size (for names). */
  readonly trampolines?: { readonly start: bigint; readonly size: number };
  /**
   * The slot table's pages mapped a second time, writable, where the
   * loader could (the same memory as `slotTable`, which stays read-only):
   * binding then writes a slot without switching any protection.
   */
  readonly writableSlots?: BigUint64Array;
}

/** Loads trampolines from the library images of one format. */
export interface TrampolineLoader {
  /**
   * Whether this process may load libraries this way (e.g. has the
   * permissions it needs), asked once, without prompting. `false` keeps
   * every function on `Deno.UnsafeFnPointer`, without an error.
   */
  available(): boolean;
  /**
   * Loads `count` trampolines bound to `signature`, from images `build`
   * makes: a library of their own (Linux), or a run of a larger one
   * (Windows).
   *
   * @throws {JITMemoryManagerError} When it cannot.
   */
  load(
    count: number,
    signature: Deno.ForeignFunction,
    build: TrampolineBuilder,
  ): TrampolineRun;
}

/** What a slot table's pages are switched to. */
export type SlotAccess = "read-only" | "read-write";

/**
 * Switches `length` bytes at `address` (both multiples of the page size)
 * to `access`.
 *
 * @throws {JITMemoryManagerError} `SYSTEM` if the OS refuses.
 */
export type SlotProtector = (
  address: Deno.PointerObject,
  length: number,
  access: SlotAccess,
) => void;

/** What the binder needs from its platform. */
export interface FastCallConfig {
  /** The page size. */
  pageSize(): number;
  /** The image format: builds a library with `count` trampolines. */
  build: TrampolineBuilder;
  /** Loads trampolines from the images `build` makes. */
  loader: TrampolineLoader;
  /** Makes slot tables' pages writable and read-only again. */
  protectSlots: SlotProtector;
}

/**
 * The symbols to open a library with for its trampolines `first` to
 * `first + count - 1`, bound to `signature`, and `jit_base`.
 *
 * @param built The library's image and layout.
 * @param first The first trampoline.
 * @param count How many.
 * @param signature Their parameter and result types.
 * @returns The symbol table for `Deno.dlopen`.
 */
export function trampolineSymbols(
  built: TrampolineLibraryImage,
  first: number,
  count: number,
  signature: Deno.ForeignFunction,
): Record<string, Deno.ForeignFunction> {
  const symbols: Record<string, Deno.ForeignFunction> = {
    [BASE_SYMBOL]: { parameters: [], result: "pointer" },
  };
  const bound = { parameters: signature.parameters, result: signature.result };
  for (const name of built.names.slice(first, first + count)) {
    symbols[name] = bound;
  }
  return symbols;
}

/**
 * The trampolines `first` to `first + count - 1` of a library opened with
 * {@linkcode trampolineSymbols}, and their slots.
 *
 * @param library The opened library.
 * @param built Its image and layout.
 * @param first The first trampoline.
 * @param count How many.
 * @returns The run.
 */
export function trampolineRun(
  library: Deno.DynamicLibrary<Record<string, Deno.ForeignFunction>>,
  built: TrampolineLibraryImage,
  first: number,
  count: number,
): TrampolineRun {
  const fns = library.symbols as Record<
    string,
    (...args: never[]) => unknown
  >;
  const base = (fns[BASE_SYMBOL] as () => Deno.PointerValue)()!;
  return {
    functions: built.names.slice(first, first + count).map((name) => fns[name]),
    slotTable: Deno.UnsafePointer.offset(
      base,
      built.slotTableOffset + SLOT_SIZE * first,
    )!,
    trap: Deno.UnsafePointer.value(base) + BigInt(built.trapOffset),
    trampolines: {
      start: Deno.UnsafePointer.value(base) +
        BigInt(built.trampolineOffset + built.trampolineSize * first),
      size: built.trampolineSize,
    },
  };
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

const MAX_LIBRARY_SIZE = 64;
const SLOT_SIZE = 8;

interface Library {
  readonly functions: ((...args: never[]) => unknown)[];
  /** The slots: the writable view where there is one. */
  readonly slots: BigUint64Array;
  /** Whether `slots` is a writable second mapping of the table. */
  readonly dualMapped: boolean;
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
 * Names a library's trampolines after their signature, so that profiles
 * show the step from JavaScript into JIT'd code for what it is.
 */
function nameTrampolines(
  run: TrampolineRun,
  definition: Deno.ForeignFunction,
): void {
  const trampolines = run.trampolines;
  if (trampolines === undefined) return;
  const signature = `(${definition.parameters.join(", ")}) -> ${
    String(definition.result)
  }`;
  nameCode(
    Deno.UnsafePointer.create(trampolines.start),
    run.functions.map((_, index) => ({
      name: `jit-memory fast call ${signature} #${index}`,
      offset: index * trampolines.size,
      size: trampolines.size,
    })),
  );
}

/** Whether two parameter lists name the same types. */
function sameTypes(
  known: readonly unknown[],
  parameters: readonly unknown[],
): boolean {
  if (known.length !== parameters.length) return false;
  for (let index = 0; index < known.length; index++) {
    if (known[index] !== parameters[index]) return false;
  }
  return true;
}

/** How a binder writes slots: one index or several, one value. */
type SlotWriter = (
  library: Library,
  indices: number | readonly number[],
  value: bigint,
) => void;

/** One bound slot. */
class SlotBinding implements FastCallBinding {
  readonly call: (...args: never[]) => unknown;
  readonly #owner: Library;
  readonly #index: number;
  readonly #write: SlotWriter;
  #released = false;

  constructor(owner: Library, index: number, write: SlotWriter) {
    this.call = owner.functions[index];
    this.#owner = owner;
    this.#index = index;
    this.#write = write;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    const owner = this.#owner;
    try {
      this.#write(owner, this.#index, owner.trap);
      owner.free.push(this.#index);
    } catch {
      // Never thrown at a release: the slot waits for the next bind.
      owner.untrapped.push(this.#index);
    }
  }

  get slotPointer(): Deno.PointerObject {
    return Deno.UnsafePointer.offset(
      this.#owner.slotTable,
      this.#index * SLOT_SIZE,
    )!;
  }

  slotValue(): bigint {
    return this.#owner.slots[this.#index];
  }

  get trapAddress(): bigint {
    return this.#owner.trap;
  }
}

/**
 * Creates a binder over trampoline libraries.
 *
 * @param config The platform's image format, loader and slot protection.
 * @returns The binder.
 */
export function createFastCalls(config: FastCallConfig): FastCalls {
  const bySignature = new Map<string, Library[]>();
  let unavailable: boolean | undefined;
  let protectionSwitches = 0;
  // The signature each definition object had when last seen, with its
  // libraries: a definition reused (the usual case) finds them without its
  // key being built; one changed since is looked up afresh.
  const seen = new WeakMap<
    Deno.ForeignFunction,
    { parameters: unknown[]; result: unknown; libraries: Library[] }
  >();

  /** The libraries of `definition`'s signature. */
  function librariesOf(definition: Deno.ForeignFunction): Library[] {
    const { parameters, result } = definition;
    const last = seen.get(definition);
    if (
      last !== undefined && last.result === result &&
      sameTypes(last.parameters, parameters)
    ) {
      return last.libraries;
    }
    const key = `${parameters.join(",")}->${result}`;
    let libraries = bySignature.get(key);
    if (libraries === undefined) {
      libraries = [];
      bySignature.set(key, libraries);
    }
    seen.set(definition, { parameters: [...parameters], result, libraries });
    return libraries;
  }

  /** Asks the loader once whether it can work here. */
  function isUnavailable(): boolean {
    if (unavailable === undefined) {
      try {
        unavailable = !config.loader.available();
      } catch {
        unavailable = true;
      }
    }
    return unavailable;
  }

  function writeSlots(
    library: Library,
    indices: number | readonly number[],
    value: bigint,
  ): void {
    if (library.dualMapped) {
      if (typeof indices === "number") library.slots[indices] = value;
      else for (const index of indices) library.slots[index] = value;
      return;
    }
    // The pages the library's slots lie on (a run of a larger library's
    // table need not start on a page of its own).
    const page = BigInt(config.pageSize());
    const start = Deno.UnsafePointer.value(library.slotTable);
    const from = start - start % page;
    const to = start + BigInt(library.slots.byteLength) + page - 1n;
    const pages = Deno.UnsafePointer.create(from)!;
    const length = Number(to - to % page - from);
    protectionSwitches++;
    config.protectSlots(pages, length, "read-write");
    try {
      if (typeof indices === "number") library.slots[indices] = value;
      else for (const index of indices) library.slots[index] = value;
    } finally {
      protectionSwitches++;
      config.protectSlots(pages, length, "read-only");
    }
  }

  function openLibrary(
    definition: Deno.ForeignFunction,
    size: number,
  ): Library {
    let run: TrampolineRun;
    try {
      run = config.loader.load(size, definition, config.build);
    } catch (error) {
      // Where one library cannot be loaded, none can: stop trying.
      unavailable = true;
      throw error;
    }
    const result: Library = {
      functions: run.functions,
      slots: run.writableSlots ?? new BigUint64Array(
        Deno.UnsafePointerView.getArrayBuffer(run.slotTable, size * SLOT_SIZE),
      ),
      dualMapped: run.writableSlots !== undefined,
      slotTable: run.slotTable,
      trap: run.trap,
      free: run.functions.map((_, index) => size - 1 - index),
      untrapped: [],
    };
    writeSlots(result, result.free, result.trap);
    nameTrampolines(run, definition);
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
      return parameters.every((type) =>
        typeof type === "string" && FAST_PARAMETER_TYPES.has(type)
      ) &&
        typeof result === "string" &&
        (result === "void" || FAST_PARAMETER_TYPES.has(result)) &&
        definition.nonblocking !== true &&
        !isUnavailable();
    },
    bind(
      definition: Deno.ForeignFunction,
      address: Deno.PointerObject,
    ): FastCallBinding {
      if (isUnavailable()) {
        throw new JITMemoryManagerError(
          "UNSUPPORTED",
          "Trampoline libraries cannot be loaded in this process",
        );
      }
      const libraries = librariesOf(definition);
      let library: Library | undefined;
      for (let index = 0; index < libraries.length; index++) {
        const candidate = libraries[index];
        retrapSlots(candidate);
        if (library === undefined && candidate.free.length > 0) {
          library = candidate;
        }
      }
      if (library === undefined) {
        const size = Math.min(MAX_LIBRARY_SIZE, 2 ** libraries.length);
        library = openLibrary(definition, size);
        libraries.push(library);
      }
      const owner = library;
      const index = owner.free.pop()!;
      try {
        writeSlots(owner, index, Deno.UnsafePointer.value(address));
      } catch (error) {
        owner.free.push(index);
        throw error;
      }
      return new SlotBinding(owner, index, writeSlots);
    },
    stats(): FastCallStats {
      let libraries = 0;
      let slots = 0;
      let idle = 0;
      let dualMapped = 0;
      for (const group of bySignature.values()) {
        for (const library of group) {
          libraries++;
          slots += library.functions.length;
          idle += library.free.length + library.untrapped.length;
          if (library.dualMapped) dualMapped++;
        }
      }
      return {
        libraries,
        slots,
        bound: slots - idle,
        dualMapped,
        protectionSwitches,
        available: !isUnavailable(),
      };
    },
  };
}
