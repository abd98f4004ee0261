/**
 * Many small functions in shared executable blocks.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import { codeBytes, type Instruction } from "./instruction.ts";
import {
  type AsFunctionOptions,
  type CodeRegion,
  createNativeFunction,
  type NativeFunction,
  releaseDependents,
} from "./native_function.ts";
import { platform } from "./platform/mod.ts";
import type { Platform } from "./platform/types.ts";
import { PoolBlock } from "./pool_block.ts";
import {
  autoStrategy,
  type BlockWrite,
  type PoolBackend,
  poolBackend,
  type PoolStrategy,
} from "./pool_strategy.ts";
import {
  checkAllocationSize,
  checkInteger,
  checkRange,
  offsetPointer,
  roundUp,
  show,
} from "./validate.ts";

export type { PoolStrategy } from "./pool_strategy.ts";

/** Options of {@linkcode CodePool}. */
export interface CodePoolOptions {
  /**
   * The size of the first block in bytes (default 64 KiB, rounded up to
   * whole pages). Each new block doubles the last, up to 64 MiB.
   */
  blockSize?: number;
  /**
   * The allocation unit in bytes: a power of two from 16 up to the page
   * size (default 64). Every span starts on a granule.
   */
  granularity?: number;
  /** See {@linkcode PoolStrategy}; `"auto"` (default) picks one. */
  strategy?: PoolStrategy | "auto";
  /**
   * Whether new blocks and released spans are filled with the CPU's trap
   * instruction (default `true`), so a stale pointer traps instead of
   * running someone else's code.
   */
  fill?: boolean;
}

/** Options of {@linkcode CodePool.add}. */
export interface AddOptions {
  /** Alignment of the span's start in bytes: a power of two. */
  align?: number;
}

/** Code to add, with options, for {@linkcode CodePool.addMany}. */
export type PoolCode =
  | Uint8Array
  | readonly Instruction[]
  | { code: Uint8Array | readonly Instruction[]; align?: number };

/** Counters of a {@linkcode CodePool}. */
export interface CodePoolStats {
  /** The strategy in use. */
  strategy: PoolStrategy;
  /** Blocks mapped. */
  blocks: number;
  /** Bytes mapped (each dual-mapped byte once). */
  reservedBytes: number;
  /** Bytes of granules in use. */
  usedBytes: number;
  /** Live spans. */
  allocations: number;
}

const DEFAULT_BLOCK_SIZE = 64 * 1024;
const MAX_BLOCK_SIZE = 64 * 1024 * 1024;
const DEFAULT_GRANULARITY = 64;

/** What a span may ask of its pool. */
interface PoolAccess {
  readonly platform: Platform;
  release(span: Span): void;
  patch(span: Span, offset: number, bytes: Uint8Array): void;
}

let poolAccess: (pool: CodePool) => PoolAccess;
let createSpan: (pool: CodePool, span: Span) => CodeSpan;

/** A span's place and state, shared with its functions' guards. */
interface Span extends CodeRegion {
  state: "executable" | "released";
  readonly block: PoolBlock;
  readonly granule: number;
  readonly granules: number;
  /** The span's address in the block's writable view. */
  readonly writable: Deno.PointerObject;
}

/**
 * Executable memory for many small functions: code is packed into shared
 * blocks (asmjit's JitAllocator is the model), tracked by bitmaps outside
 * executable memory, and released one function at a time. Released space
 * is filled with trap instructions.
 *
 * Never writable and executable at once: with `"mprotect"` the pages
 * written are switched for the write; with `"dual-map"` (chosen by
 * `"auto"` where the OS refuses to make written memory executable) code is
 * written through a read-write view of memory that runs through a separate
 * read-execute view. Not thread-safe, like the rest of jit-memory.
 *
 * @example A thousand small functions
 * ```ts ignore
 * import { CodePool } from "@bcpl/jit-memory";
 *
 * using pool = new CodePool();
 * const spans = Array.from({ length: 1000 }, (_, n) =>
 *   pool.add(new Uint8Array([0xb8, n & 0xff, n >> 8, 0, 0, 0xc3])) // x86-64: mov eax, n; ret
 * );
 * const f = spans[999].asFunction({ parameters: [], result: "i32" });
 * console.log(f(), pool.stats().allocations); // 999 1000
 * spans[999].release();
 * ```
 */
export class CodePool implements Disposable {
  readonly #platform: Platform;
  readonly #backend: PoolBackend;
  readonly #granularity: number;
  readonly #fill: boolean;
  readonly #firstBlockSize: number;
  #nextBlockSize: number;
  #blocks: PoolBlock[] = [];
  #allocations = 0;
  #usedGranules = 0;
  #traps = new Uint8Array(0);
  readonly #trapCuts = new Map<number, Uint8Array>();

  /**
   * Creates a pool; blocks are mapped on demand.
   *
   * @param options See {@linkcode CodePoolOptions}.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT`/`INVALID_SIZE` for
   * bad options, `UNSUPPORTED` for a strategy the platform lacks, `SYSTEM`
   * if the probe of `"auto"` fails, `FFI_PERMISSION` without `--allow-ffi`.
   *
   * @example Choosing the strategy
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool({ strategy: "dual-map", granularity: 16 });
   * console.log(pool.strategy); // "dual-map"
   * ```
   */
  constructor(options: CodePoolOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `CodePool options must be an object, got ${show(options)}`,
      );
    }
    this.#platform = platform();
    (this.#access as { platform: Platform }).platform = this.#platform;
    const page = this.#platform.pageSize();
    this.#granularity = checkGranularity(
      options.granularity ?? DEFAULT_GRANULARITY,
      page,
    );
    this.#firstBlockSize = roundUp(
      checkAllocationSize(options.blockSize ?? DEFAULT_BLOCK_SIZE),
      page,
    );
    this.#nextBlockSize = this.#firstBlockSize;
    if (options.fill !== undefined && typeof options.fill !== "boolean") {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `fill must be true or false, got ${show(options.fill)}`,
      );
    }
    this.#fill = options.fill ?? true;
    const strategy = options.strategy ?? "auto";
    if (!["auto", "mprotect", "dual-map", "map-jit"].includes(strategy)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `strategy must be "auto", "mprotect", "dual-map" or "map-jit", got ${
          show(strategy)
        }`,
      );
    }
    this.#backend = poolBackend(
      this.#platform,
      strategy === "auto" ? autoStrategy(this.#platform) : strategy,
    );
  }

  /**
   * The strategy in use.
   *
   * @returns `"mprotect"`, `"dual-map"` or `"map-jit"`.
   *
   * @example What "auto" chose
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * console.log(pool.strategy); // "mprotect" on a typical Linux
   * ```
   */
  get strategy(): PoolStrategy {
    return this.#backend.strategy;
  }

  /**
   * Copies `code` into the pool and returns its span, ready to run.
   *
   * @param code Instructions, or their bytes.
   * @param options `{ align }`: the start's alignment in bytes.
   * @returns The span.
   * @throws {JITMemoryManagerError} `INVALID_SIZE` for empty code,
   * `INVALID_ARGUMENT` for anything that is not code or a bad alignment,
   * `SYSTEM` when the OS refuses memory.
   *
   * @example Adding and calling a function
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0xb8, 42, 0, 0, 0, 0xc3])); // x86-64
   * console.log(span.asFunction({ parameters: [], result: "i32" })()); // 42
   * ```
   */
  add(
    code: Uint8Array | readonly Instruction[],
    options?: AddOptions,
  ): CodeSpan {
    if (
      options !== undefined && (typeof options !== "object" || options === null)
    ) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `add() options must be an object like { align: 64 }, got ${
          show(options)
        }`,
      );
    }
    const bytes = this.#code(code);
    const span = this.#place(bytes.length, this.#alignmentStep(options?.align));
    this.#backend.write(span.block.views, [this.#write(span, bytes)]);
    return createSpan(this, span);
  }

  /**
   * Adds several pieces of code at once: all are placed first, then each
   * block touched is written under one protection switch.
   *
   * @param codes The pieces, each bytes, instructions, or
   *   `{ code, align }`.
   * @returns Their spans, in order.
   * @throws {JITMemoryManagerError} As {@linkcode CodePool.add}; nothing is
   * added if any piece is rejected.
   *
   * @example A batch
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const [one, two] = pool.addMany([
   *   new Uint8Array([0xb8, 1, 0, 0, 0, 0xc3]),
   *   { code: new Uint8Array([0xb8, 2, 0, 0, 0, 0xc3]), align: 256 },
   * ]);
   * ```
   */
  addMany(codes: readonly PoolCode[]): CodeSpan[] {
    if (!Array.isArray(codes)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `addMany() takes an array of code, got ${show(codes)}`,
      );
    }
    const pieces = codes.map((entry) => this.#piece(entry));
    const spans: Span[] = [];
    try {
      for (const piece of pieces) {
        spans.push(this.#place(piece.bytes.length, piece.step));
      }
    } catch (error) {
      for (const span of spans) this.#free(span, false);
      throw error;
    }
    const byBlock = new Map<PoolBlock, BlockWrite[]>();
    spans.forEach((span, index) => {
      const writes = byBlock.get(span.block) ?? [];
      writes.push(this.#write(span, pieces[index].bytes));
      byBlock.set(span.block, writes);
    });
    for (const [block, writes] of byBlock) {
      this.#backend.write(block.views, writes);
    }
    return spans.map((span) => createSpan(this, span));
  }

  /**
   * Counters: strategy, blocks, bytes mapped and in use, live spans.
   *
   * @returns A snapshot.
   *
   * @example Watching usage
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * pool.add(new Uint8Array([0xc3]));
   * console.log(pool.stats()); // { strategy: "mprotect", blocks: 1, reservedBytes: 65536, usedBytes: 64, allocations: 1 }
   * ```
   */
  stats(): CodePoolStats {
    return {
      strategy: this.#backend.strategy,
      blocks: this.#blocks.length,
      reservedBytes: this.#blocks.reduce(
        (total, block) => total + block.size,
        0,
      ),
      usedBytes: this.#usedGranules * this.#granularity,
      allocations: this.#allocations,
    };
  }

  /**
   * Releases every span and unmaps every block. Functions made from the
   * spans throw from now on; the pool may be used again.
   *
   * @example Scoped pool
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * {
   *   using pool = new CodePool();
   *   pool.add(new Uint8Array([0xc3]));
   * } // every block unmapped here
   * ```
   */
  [Symbol.dispose](): void {
    for (const block of this.#blocks) {
      for (const span of block.spans) {
        if (span === undefined) continue;
        (span as Span).state = "released";
        releaseDependents(span as Span);
      }
    }
    this.#allocations = 0;
    const blocks = this.#blocks;
    this.#blocks = [];
    this.#usedGranules = 0;
    this.#nextBlockSize = this.#firstBlockSize;
    for (const block of blocks) this.#backend.unmap(block.views, block.size);
  }

  static {
    poolAccess = (pool) => pool.#access;
  }

  /** What this pool's spans may ask of it; one object for all of them. */
  readonly #access: PoolAccess = {
    platform: undefined as unknown as Platform,
    release: (span: Span): void => {
      if (span.state !== "released") this.#free(span, true);
    },
    patch: (span: Span, offset: number, bytes: Uint8Array): void => {
      this.#backend.write(span.block.views, [{
        offset: span.granule * this.#granularity + offset,
        writable: offsetPointer(span.writable, offset),
        executable: offsetPointer(span.pointer, offset),
        bytes,
      }]);
    },
  };

  #piece(entry: PoolCode): { bytes: Uint8Array; step: number } {
    const isOptions = typeof entry === "object" && entry !== null &&
      !Array.isArray(entry) && !ArrayBuffer.isView(entry);
    const code = isOptions ? (entry as { code: unknown }).code : entry;
    const align = isOptions ? (entry as { align?: unknown }).align : undefined;
    return { bytes: this.#code(code), step: this.#alignmentStep(align) };
  }

  /**
   * The bytes of a piece of code. Not copied: they are written before
   * control returns to the caller.
   */
  #code(code: unknown): Uint8Array {
    const bytes = codeBytes(code);
    if (bytes.length === 0) {
      throw new JITMemoryManagerError(
        "INVALID_SIZE",
        "Cannot add zero bytes of code",
      );
    }
    return bytes;
  }

  /** The write of `bytes` at the start of `span`. */
  #write(span: Span, bytes: Uint8Array): BlockWrite {
    return {
      offset: span.granule * this.#granularity,
      writable: span.writable,
      executable: span.pointer,
      bytes,
    };
  }

  #alignmentStep(align: unknown): number {
    if (align === undefined) return 1;
    if (
      typeof align !== "number" || !Number.isSafeInteger(align) || align < 1 ||
      (align & (align - 1)) !== 0 || align > this.#platform.pageSize()
    ) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `align must be a power of two up to the page size, got ${show(align)}`,
      );
    }
    return Math.max(1, align / this.#granularity);
  }

  /** Finds room for `size` bytes, mapping a block if needed. */
  #place(size: number, step: number): Span {
    const granules = Math.ceil(size / this.#granularity);
    let block: PoolBlock | undefined;
    let granule = -1;
    for (const candidate of this.#blocks) {
      if (candidate.dedicated || candidate.free < granules) continue;
      granule = candidate.allocate(granules, step);
      if (granule >= 0) {
        block = candidate;
        break;
      }
    }
    if (block === undefined) {
      const needed = roundUp(
        granules * this.#granularity,
        this.#platform.pageSize(),
      );
      const dedicated = needed > this.#nextBlockSize;
      const blockSize = dedicated ? needed : this.#nextBlockSize;
      const fill = this.#fill ? this.#trapFill(blockSize) : undefined;
      const views = this.#backend.map(blockSize, fill);
      block = new PoolBlock(views, blockSize, this.#granularity, dedicated);
      this.#blocks.push(block);
      if (!dedicated) {
        this.#nextBlockSize = Math.min(MAX_BLOCK_SIZE, this.#nextBlockSize * 2);
      }
      granule = block.allocate(granules, step);
    }
    this.#usedGranules += granules;
    const span: Span = {
      pointer: block.executableAt(granule),
      size,
      state: "executable",
      block,
      granule,
      granules,
      writable: block.writableAt(granule),
    };
    block.spans[granule] = span;
    this.#allocations++;
    return span;
  }

  /** Frees a span's granules, trap-filling them, and drops empty blocks. */
  #free(span: Span, fill: boolean): void {
    span.state = "released";
    releaseDependents(span);
    span.block.spans[span.granule] = undefined;
    this.#allocations--;
    const { block } = span;
    if (fill && this.#fill) {
      const traps = this.#trapFill(span.granules * this.#granularity);
      this.#backend.write(block.views, [this.#write(span, traps)]);
    }
    block.release(span.granule, span.granules);
    this.#usedGranules -= span.granules;
    if (block.used === 0) this.#dropIfSpare(block);
  }

  /** Unmaps an empty block unless it is the one empty block kept. */
  #dropIfSpare(block: PoolBlock): void {
    const otherEmpty = this.#blocks.some((other) =>
      other !== block && other.used === 0 && !other.dedicated
    );
    if (!block.dedicated && !otherEmpty) return;
    this.#blocks = this.#blocks.filter((other) => other !== block);
    this.#backend.unmap(block.views, block.size);
  }

  /** `bytes` of trap instructions, cut from one buffer that only grows. */
  #trapFill(bytes: number): Uint8Array {
    const cut = this.#trapCuts.get(bytes);
    if (cut !== undefined) return cut;
    if (this.#traps.length < bytes) {
      const trap = this.#platform.trapBytes;
      const fill = new Uint8Array(Math.max(bytes, 2 * this.#traps.length));
      for (let offset = 0; offset < fill.length; offset += trap.length) {
        fill.set(trap, offset);
      }
      this.#traps = fill;
      this.#trapCuts.clear();
    }
    const fresh = this.#traps.subarray(0, bytes);
    // Span sizes repeat; block sizes are not worth keeping.
    if (bytes <= 4096) this.#trapCuts.set(bytes, fresh);
    return fresh;
  }
}

/**
 * One piece of code in a {@linkcode CodePool}: its executable address and
 * size, functions made from it, and its release.
 *
 * @example Patching and releasing
 * ```ts ignore
 * import { CodePool } from "@bcpl/jit-memory";
 *
 * using pool = new CodePool();
 * const span = pool.add(new Uint8Array([0xb8, 1, 0, 0, 0, 0xc3])); // x86-64: mov eax, 1; ret
 * const f = span.asFunction({ parameters: [], result: "i32" });
 * span.patch(1, new Uint8Array([2])); // mov eax, 2
 * console.log(f()); // 2
 * span.release(); // f() now throws; the bytes are int3
 * ```
 */
export class CodeSpan {
  readonly #pool: PoolAccess;
  readonly #span: Span;

  private constructor(pool: CodePool, span: Span) {
    this.#pool = poolAccess(pool);
    this.#span = span;
  }

  static {
    createSpan = (pool, span) => new CodeSpan(pool, span);
  }

  /**
   * The executable address of the code.
   *
   * @returns The pointer (stays the same after release).
   *
   * @example Passing the address to native code
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * console.log(pool.add(new Uint8Array([0xc3])).pointer);
   * ```
   */
  get pointer(): Deno.PointerObject {
    return this.#span.pointer;
  }

  /**
   * The size of the code.
   *
   * @returns Bytes, as added.
   *
   * @example Size
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * console.log(pool.add(new Uint8Array([0x90, 0xc3])).size); // 2
   * ```
   */
  get size(): number {
    return this.#span.size;
  }

  /**
   * Whether the span was released (or its pool disposed).
   *
   * @returns `true` after `release()`.
   *
   * @example After release
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0xc3]));
   * span.release();
   * console.log(span.released); // true
   * ```
   */
  get released(): boolean {
    return this.#span.state === "released";
  }

  /**
   * A callable function of the span's code, guarded and fast-called as
   * those of `JITMemoryManager.asFunction()`.
   *
   * @param definition Parameter and result types, as for `Deno.dlopen`.
   * @param options `{ fast }`, see `AsFunctionOptions`.
   * @returns The callable; it throws `NOT_ALLOCATED` after `release()`.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED` after release,
   * `INVALID_ARGUMENT` for a bad definition.
   *
   * @example Calling
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0x8d, 0x04, 0x37, 0xc3])); // x86-64 lea eax, [rdi+rsi]; ret
   * const add = span.asFunction({ parameters: ["i32", "i32"], result: "i32" }, { fast: true });
   * console.log(add(2, 3)); // 5
   * ```
   */
  asFunction<const D extends Deno.ForeignFunction>(
    definition: D,
    options?: AsFunctionOptions,
  ): NativeFunction<D> {
    this.#live();
    return createNativeFunction(
      this.#span,
      definition,
      0,
      options,
      this.#pool.platform.fastCalls,
    );
  }

  /**
   * Overwrites part of the code in place; functions keep working and run
   * the new code.
   *
   * @param offset Where to write, within the span.
   * @param code The new instructions or bytes.
   * @throws {JITMemoryManagerError} `NOT_ALLOCATED` after release,
   * `OUT_OF_BOUNDS` past the span, `INVALID_ARGUMENT`.
   *
   * @example Changing a constant
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * const span = pool.add(new Uint8Array([0xb8, 1, 0, 0, 0, 0xc3])); // x86-64
   * span.patch(1, new Uint8Array([7]));
   * ```
   */
  patch(offset: number, code: Uint8Array | readonly Instruction[]): void {
    this.#live();
    const start = checkInteger(offset, 0, "offset");
    const bytes = codeBytes(code).slice();
    checkRange(start, bytes.length, this.#span.size);
    if (bytes.length > 0) this.#pool.patch(this.#span, start, bytes);
  }

  /**
   * Gives the span's memory back to the pool: it is filled with trap
   * instructions and its functions throw `NOT_ALLOCATED`. Idempotent.
   *
   * @example Releasing
   * ```ts ignore
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * pool.add(new Uint8Array([0xc3])).release();
   * console.log(pool.stats().usedBytes); // 0
   * ```
   */
  release(): void {
    this.#pool.release(this.#span);
  }

  #live(): void {
    if (this.#span.state === "released") {
      throw new JITMemoryManagerError(
        "NOT_ALLOCATED",
        "No memory allocated. The span was released.",
      );
    }
  }
}

function checkGranularity(value: unknown, page: number): number {
  if (
    typeof value !== "number" || !Number.isSafeInteger(value) || value < 16 ||
    value > page || (value & (value - 1)) !== 0
  ) {
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `granularity must be a power of two from 16 to the page size (${page}), got ${
        show(value)
      }`,
    );
  }
  return value;
}
