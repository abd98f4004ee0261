/**
 * Many small functions in shared executable blocks.
 *
 * @module
 */

import {
  checkNames,
  type CodeSymbol,
  forgetCode,
  nameCode,
  type NameOptions,
} from "./code_names.ts";
import { JITMemoryManagerError } from "./errors.ts";
import { AssemblerBase } from "./arch/assembler.ts";
import { type Code, codeBytes, type Instruction } from "./instruction.ts";
import { releaseDependents } from "./native_function.ts";
import { inUseError, releaseWhenIdle } from "./in_flight.ts";
import { platform } from "./platform/mod.ts";
import type { Platform } from "./platform/types.ts";
import {
  type CodeSpan,
  createSpan,
  type PoolAccess,
  type Span,
} from "./code_span.ts";
import { PoolBlock } from "./pool_block.ts";
import {
  autoStrategy,
  type BlockWrite,
  type PoolBackend,
  poolBackend,
  type PoolStrategy,
  type WriteError,
} from "./pool_strategy.ts";
import {
  checkAllocationSize,
  offsetPointer,
  roundUp,
  show,
} from "./validate.ts";

export type { PoolStrategy } from "./pool_strategy.ts";
export { CodeSpan } from "./code_span.ts";

/** Options of {@linkcode CodePool}. */
export interface CodePoolOptions {
  /**
   * The size of the first block in bytes (default 64 KiB), rounded up to
   * the OS's allocation granularity: whole pages on Linux and macOS, 64 KiB
   * on Windows. Each new block doubles the last, up to 64 MiB.
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
   * running someone else's code. (On AArch64 fresh memory needs no fill:
   * its zero words are `udf #0`, which traps too.)
   */
  fill?: boolean;
  /**
   * Whether other workers may run this pool's code (default `true`). Then,
   * on AArch64 (Linux and Windows), every batch that writes code ends with
   * a barrier (`membarrier`, `FlushProcessWriteBuffers`) that makes the
   * cores running the process's other threads synchronize their
   * instruction stream, so none runs bytes it fetched before the write.
   * The barrier costs microseconds, more than an `add()` itself: set
   * `false` when only the worker that owns the pool calls its functions.
   * Elsewhere this option changes nothing (x86-64 keeps cores coherent;
   * macOS offers no such barrier).
   */
  sharedWithWorkers?: boolean;
}

/** Options of {@linkcode CodePool.add}. */
export interface AddOptions extends NameOptions {
  /** Alignment of the span's start in bytes: a power of two. */
  align?: number;
}

/** Code to add, with options, for {@linkcode CodePool.addMany}. */
export type PoolCode =
  | Uint8Array
  | readonly Instruction[]
  | AssemblerBase
  | ({ code: Code } & AddOptions);

/** A piece of code to place, checked. */
interface Piece {
  bytes: Uint8Array;
  step: number;
  symbols?: readonly CodeSymbol[];
}

/**
 * Counters of a {@linkcode CodePool}, derived from its blocks each time.
 *
 * @example Reading the counters
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CodePoolStats } from "@bcpl/jit-memory";
 *
 * const empty: CodePoolStats = {
 *   strategy: "dual-map",
 *   blocks: 0,
 *   reservedBytes: 0,
 *   usedBytes: 0,
 *   pendingBytes: 0,
 *   allocations: 0,
 * };
 * assert.equal(empty.allocations, 0);
 * ```
 */
export interface CodePoolStats {
  /** The strategy in use. */
  strategy: PoolStrategy;
  /** Blocks mapped. */
  blocks: number;
  /** Bytes mapped (each dual-mapped byte once). */
  reservedBytes: number;
  /** Bytes of granules held by live spans. */
  usedBytes: number;
  /**
   * Bytes of granules held by released spans whose code is still running
   * (a call into it has not returned); they are freed when it returns.
   */
  pendingBytes: number;
  /** Live spans. */
  allocations: number;
}

const DEFAULT_BLOCK_SIZE = 64 * 1024;
const MAX_BLOCK_SIZE = 64 * 1024 * 1024;
const DEFAULT_GRANULARITY = 64;

type Block = PoolBlock<Span>;

/** A place found for a piece of code, before anything is written. */
interface Placement {
  block: Block;
  granule: number;
  granules: number;
}

/**
 * Where the `"mprotect"` strategy puts the next piece of a batch: pieces
 * of one batch share the pages the batch took, which no other code uses.
 */
interface BatchCursor {
  block?: Block;
  next: number;
  limit: number;
}

/**
 * Executable memory for many small functions: code is packed into shared
 * blocks (asmjit's JitAllocator is the model), tracked by bitmaps outside
 * executable memory, and released one function at a time. Released space
 * is filled with trap instructions.
 *
 * Never writable and executable at once. With `"dual-map"` (what `"auto"`
 * picks on Linux) code is written through a read-write view of memory that
 * runs through a separate read-execute view whose protection never
 * changes, so code may be added and released while other workers run the
 * pool's code. With `"mprotect"` the pages written are switched for the
 * write, and new code only goes to pages without live code for the same
 * reason. Not thread-safe to use from several workers: one pool per
 * worker.
 *
 * Code that is running (a call into it has not returned, e.g. it called
 * back into JavaScript) is never freed under it: `release()` and dispose
 * wait for the call to return before the memory is reused or unmapped.
 *
 * @tags allow-ffi
 *
 * @example A thousand small functions
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodePool, JITMemoryManagerError } from "@bcpl/jit-memory";
 * import { Assembler as A64, w0 } from "@bcpl/jit-memory/aarch64";
 * import { Assembler as X64, eax } from "@bcpl/jit-memory/x86_64";
 *
 * // Function n returns n: mov w0, #n; ret (AArch64) or mov eax, n; ret (x86-64)
 * const returning = (n: number) =>
 *   Deno.build.arch === "aarch64" ? new A64().mov(w0, n).ret() : new X64().mov(eax, n).ret();
 * const thunk = { parameters: [], result: "i32" } as const;
 *
 * using pool = new CodePool();
 * const spans = pool.addMany(Array.from({ length: 1000 }, (_, n) => returning(n)));
 * for (const n of [0, 1, 500, 999]) assert.equal(spans[n].asFunction(thunk)(), n);
 * assert.equal(pool.stats().allocations, 1000);
 * assert.equal(pool.stats().usedBytes, 1000 * 64); // one 64-byte granule each
 *
 * const last = spans[999].asFunction(thunk);
 * spans[999].release();
 * assert.equal(pool.stats().allocations, 999);
 * assert.throws(() => last(), (e) => e instanceof JITMemoryManagerError && e.code === "NOT_ALLOCATED");
 * ```
 */
export class CodePool implements Disposable {
  readonly #platform: Platform;
  readonly #backend: PoolBackend;
  readonly #granularity: number;
  readonly #fill: boolean;
  readonly #firstBlockSize: number;
  #nextBlockSize: number;
  #blocks: Block[] = [];
  /** Blocks whose unmap failed at dispose; the next dispose retries. */
  #leftovers: Block[] = [];
  /** Blocks with pages a failed protection switch left writable. */
  readonly #damaged = new Set<Block>();

  /**
   * Creates a pool; blocks are mapped on demand.
   *
   * @param options See {@linkcode CodePoolOptions}.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT`/`INVALID_SIZE` for
   * bad options, `UNSUPPORTED` for a strategy the platform lacks,
   * `FFI_PERMISSION` without `--allow-ffi`.
   *
   * @tags allow-ffi
   *
   * @example Choosing the strategy
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * // "dual-map" needs Linux's memfds, "map-jit" Apple silicon; "mprotect"
   * // works everywhere else.
   * const { os, arch } = Deno.build;
   * const strategy = os === "linux"
   *   ? "dual-map"
   *   : os === "darwin" && arch === "aarch64"
   *   ? "map-jit"
   *   : "mprotect";
   * using pool = new CodePool({ strategy, granularity: 16 });
   * assert.equal(pool.strategy, strategy);
   *
   * pool.add(Deno.build.arch === "aarch64"
   *   ? [new Instruction(0xd65f03c0)] // ret
   *   : [new Instruction([0xc3])]); // ret
   * assert.equal(pool.stats().usedBytes, 16); // one 16-byte granule
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
    // Blocks are whole units of reserved address space (64 KiB on
    // Windows), so none is wasted between them.
    this.#firstBlockSize = roundUp(
      checkAllocationSize(options.blockSize ?? DEFAULT_BLOCK_SIZE),
      this.#platform.allocationGranularity(),
    );
    this.#nextBlockSize = this.#firstBlockSize;
    if (options.fill !== undefined && typeof options.fill !== "boolean") {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `fill must be true or false, got ${show(options.fill)}`,
      );
    }
    this.#fill = options.fill ?? true;
    const shared = options.sharedWithWorkers ?? true;
    if (typeof shared !== "boolean") {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `sharedWithWorkers must be true or false, got ${show(shared)}`,
      );
    }
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
      shared,
    );
  }

  /**
   * The strategy in use.
   *
   * @returns `"mprotect"`, `"dual-map"` or `"map-jit"`.
   *
   * @example What "auto" chose
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool } from "@bcpl/jit-memory";
   *
   * using pool = new CodePool();
   * // Dual mapping where the OS offers it (Linux), MAP_JIT on Apple silicon.
   * const { os, arch } = Deno.build;
   * const expected = os === "linux"
   *   ? "dual-map"
   *   : os === "darwin" && arch === "aarch64"
   *   ? "map-jit"
   *   : "mprotect";
   * assert.equal(pool.strategy, expected);
   * ```
   */
  get strategy(): PoolStrategy {
    return this.#backend.strategy;
  }

  /**
   * Copies `code` into the pool and returns its span, ready to run.
   *
   * @param code Instructions, their bytes, or an assembler (its code is
   *   copied once, straight from its buffer).
   * @param options `{ align }`: the start's alignment in bytes; `{ name }`
   *   or `{ symbols }` name the code for profilers and debuggers (see
   *   `enablePerfMap()`) until the span is released.
   * @returns The span.
   * @throws {JITMemoryManagerError} `INVALID_SIZE` for empty code,
   * `INVALID_ARGUMENT` for anything that is not code or a bad alignment,
   * `SYSTEM` when the OS refuses memory (nothing is added then).
   *
   * @tags allow-ffi
   *
   * @example Adding and calling a function
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const code = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0x52800540), new Instruction(0xd65f03c0)] // mov w0, #42; ret
   *   : [new Instruction([0xb8, 42, 0, 0, 0]), new Instruction([0xc3])]; // mov eax, 42; ret
   *
   * using pool = new CodePool();
   * const span = pool.add(code);
   * assert.equal(span.asFunction({ parameters: [], result: "i32" })(), 42);
   * ```
   */
  add(
    code: Code,
    options?: AddOptions,
  ): CodeSpan {
    this.#restoreProtection();
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
    const step = this.#alignmentStep(options?.align);
    const symbols = options === undefined
      ? undefined
      : checkNames(options, bytes.length);
    return this.#addOne(bytes, step, symbols);
  }

  /**
   * Adds several pieces of code at once: all are placed first, then each
   * block touched is written under one protection switch. All are added,
   * or none: a failure at any point takes back every piece already placed.
   *
   * @param codes The pieces, each bytes, instructions, an assembler, or
   *   `{ code, align, name, symbols }`.
   * @returns Their spans, in order.
   * @throws {JITMemoryManagerError} As {@linkcode CodePool.add}; nothing is
   * added if any piece is rejected or any write fails.
   *
   * @tags allow-ffi
   *
   * @example A batch
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const returning = (n: number) =>
   *   Deno.build.arch === "aarch64"
   *     ? [new Instruction(0x52800000 | (n << 5)), new Instruction(0xd65f03c0)] // mov w0, #n; ret
   *     : [new Instruction([0xb8, n, 0, 0, 0]), new Instruction([0xc3])]; // mov eax, n; ret
   * const thunk = { parameters: [], result: "i32" } as const;
   *
   * using pool = new CodePool();
   * const [one, two] = pool.addMany([returning(1), { code: returning(2), align: 256 }]);
   * assert.equal(one.asFunction(thunk)(), 1);
   * assert.equal(two.asFunction(thunk)(), 2);
   * assert.equal(Deno.UnsafePointer.value(two.pointer) % 256n, 0n);
   * assert.throws(() => pool.addMany([returning(3), new Uint8Array(0)]), { code: "INVALID_SIZE" });
   * assert.equal(pool.stats().allocations, 2); // the rejected batch added nothing
   * ```
   */
  addMany(codes: readonly PoolCode[]): CodeSpan[] {
    this.#restoreProtection();
    if (!Array.isArray(codes)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `addMany() takes an array of code, got ${show(codes)}`,
      );
    }
    const pieces = codes.map((entry) => this.#piece(entry));
    return pieces.length === 0 ? [] : this.#addAll(pieces);
  }

  /**
   * Counters: strategy, blocks, bytes mapped, in use and waiting for calls
   * to return, live spans. Derived from the blocks on every call.
   *
   * @returns A snapshot.
   *
   * @example Watching usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const ret = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0xd65f03c0)] // ret
   *   : [new Instruction([0xc3])]; // ret
   *
   * using pool = new CodePool();
   * assert.equal(pool.stats().blocks, 0); // blocks are mapped on demand
   * const span = pool.add(ret);
   * assert.deepEqual(pool.stats(), {
   *   strategy: pool.strategy,
   *   blocks: 1,
   *   reservedBytes: 65536, // the first block: 64 KiB
   *   usedBytes: 64, // one 64-byte granule
   *   pendingBytes: 0,
   *   allocations: 1,
   * });
   * span.release();
   * assert.equal(pool.stats().usedBytes, 0);
   * assert.equal(pool.stats().blocks, 1); // one empty block is kept for reuse
   * ```
   */
  stats(): CodePoolStats {
    let reservedBytes = 0;
    let liveGranules = 0;
    let pendingGranules = 0;
    let allocations = 0;
    for (const block of this.#blocks) {
      reservedBytes += block.size;
      liveGranules += block.liveGranules;
      pendingGranules += block.used - block.liveGranules;
      allocations += block.liveSpans;
    }
    for (const block of this.#leftovers) reservedBytes += block.size;
    return {
      strategy: this.#backend.strategy,
      blocks: this.#blocks.length + this.#leftovers.length,
      reservedBytes,
      usedBytes: liveGranules * this.#granularity,
      pendingBytes: pendingGranules * this.#granularity,
      allocations,
    };
  }

  /**
   * Releases every span and unmaps every block. Functions made from the
   * spans throw from now on; the pool may be used again. A block whose
   * code is running (a call into it has not returned) is unmapped when
   * the last such call returns. If the OS refuses to unmap a block, the
   * others are still unmapped, the first error is thrown, and the next
   * dispose tries again.
   *
   * @throws {JITMemoryManagerError} `SYSTEM` if a block could not be
   * unmapped.
   *
   * @tags allow-ffi
   *
   * @example Scoped pool
   * ```ts
   * import assert from "node:assert/strict";
   * import { CodePool, Instruction } from "@bcpl/jit-memory";
   *
   * const code = Deno.build.arch === "aarch64"
   *   ? [new Instruction(0x52800540), new Instruction(0xd65f03c0)] // mov w0, #42; ret
   *   : [new Instruction([0xb8, 42, 0, 0, 0]), new Instruction([0xc3])]; // mov eax, 42; ret
   *
   * let answer: () => number;
   * {
   *   using pool = new CodePool();
   *   const span = pool.add(code);
   *   answer = span.asFunction({ parameters: [], result: "i32" });
   *   assert.equal(answer(), 42);
   * } // every block unmapped here
   * assert.throws(() => answer(), { code: "NOT_ALLOCATED" });
   * ```
   */
  [Symbol.dispose](): void {
    const blocks = [...this.#leftovers, ...this.#blocks];
    this.#blocks = [];
    this.#leftovers = [];
    this.#damaged.clear();
    this.#nextBlockSize = this.#firstBlockSize;
    let failure: unknown;
    for (const block of blocks) {
      let running = false;
      for (const span of block.allSpans()) {
        this.#retire(span);
        if (span.calls === 0) {
          block.removeSpan(span);
          continue;
        }
        // Running code keeps its block: the last call to return unmaps it
        // (a span released earlier already waits to be reclaimed).
        running = true;
        if (span.whenIdle === undefined) {
          releaseWhenIdle(span, () => this.#reclaim(span));
        }
      }
      if (running) continue;
      try {
        this.#backend.unmap(block.mappings, block.size);
      } catch (error) {
        failure ??= error;
        this.#leftovers.push(block);
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** What this pool's spans may ask of it; one object for all of them. */
  readonly #access: PoolAccess = {
    platform: undefined as unknown as Platform,
    restore: (): void => this.#restoreProtection(),
    release: (span: Span): void => {
      if (span.state === "released") return;
      this.#retire(span);
      if (span.calls === 0) this.#reclaim(span);
      else releaseWhenIdle(span, () => this.#reclaim(span));
    },
    patch: (span: Span, offset: number, bytes: Uint8Array): void => {
      this.#patch(span, offset, bytes);
    },
  };

  #piece(entry: PoolCode): Piece {
    const isOptions = typeof entry === "object" && entry !== null &&
      !Array.isArray(entry) && !ArrayBuffer.isView(entry) &&
      !(entry instanceof AssemblerBase);
    if (!isOptions) return { bytes: this.#code(entry), step: 1 };
    const options = entry as { code: unknown } & AddOptions;
    const bytes = this.#code(options.code);
    return {
      bytes,
      step: this.#alignmentStep(options.align),
      symbols: checkNames(options, bytes.length),
    };
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

  /**
   * `#addAll()` for one piece, without the batch's arrays and maps: the
   * common case, and a hot path.
   */
  #addOne(
    bytes: Uint8Array,
    step: number,
    symbols?: readonly CodeSymbol[],
  ): CodeSpan {
    const blocksBefore = this.#blocks.length;
    const placement = this.#place(bytes.length, step);
    const { block, granule, granules } = placement;
    const offset = granule * this.#granularity;
    const write: BlockWrite = {
      offset,
      length: bytes.length,
      writable: block.writableAt(granule),
      executable: block.executableAt(granule),
      bytes,
    };
    try {
      this.#backend.write(
        block.views,
        block.dedicated ? [write, ...this.#tailFill(block, offset, bytes)] : [
          write,
        ],
      );
    } catch (error) {
      block.release(granule, granules);
      this.#dropNewBlocks(blocksBefore);
      throw error;
    }
    return this.#publish(placement, bytes.length, symbols);
  }

  /**
   * Places and writes every piece, then publishes their spans; on any
   * failure, takes back everything this call placed or mapped.
   */
  #addAll(pieces: Piece[]): CodeSpan[] {
    const blocksBefore = this.#blocks.length;
    const placements: Placement[] = [];
    const cursor: BatchCursor = { next: 0, limit: 0 };
    try {
      for (const piece of pieces) {
        placements.push(this.#place(piece.bytes.length, piece.step, cursor));
      }
      this.#writePlacements(placements, pieces);
    } catch (error) {
      for (const placement of placements) {
        placement.block.release(placement.granule, placement.granules);
      }
      this.#dropNewBlocks(blocksBefore);
      throw error;
    }
    const spans = new Array<CodeSpan>(placements.length);
    for (let index = 0; index < placements.length; index++) {
      spans[index] = this.#publish(
        placements[index],
        pieces[index].bytes.length,
        pieces[index].symbols,
      );
    }
    return spans;
  }

  /** Makes the span of written code, live from now on. */
  #publish(
    { block, granule, granules }: Placement,
    size: number,
    symbols: readonly CodeSymbol[] | undefined,
  ): CodeSpan {
    const span: Span = {
      pointer: block.executableAt(granule),
      size,
      state: "executable",
      block,
      granule,
      granules,
      writable: block.writableAt(granule),
      calls: 0,
    };
    block.addSpan(span);
    if (symbols !== undefined) span.names = nameCode(span.pointer, symbols);
    return createSpan(this.#access, span);
  }

  /**
   * A dedicated block was mapped without a fill: its code fills it but for
   * a tail, filled in the same switch as the code is written.
   */
  #tailFill(block: Block, offset: number, bytes: Uint8Array): BlockWrite[] {
    if (!this.#fill || this.#platform.zeroTraps) return [];
    const tail = alignUp(
      offset + bytes.length,
      this.#platform.trapBytes.length,
    );
    return tail < block.size
      ? [this.#trapWrite(block, tail, block.size - tail)]
      : [];
  }

  /** Writes each placed piece, one backend write per block. */
  #writePlacements(
    placements: readonly Placement[],
    pieces: readonly { bytes: Uint8Array }[],
  ): void {
    const byBlock = new Map<Block, BlockWrite[]>();
    for (let index = 0; index < placements.length; index++) {
      const { block, granule } = placements[index];
      const bytes = pieces[index].bytes;
      let writes = byBlock.get(block);
      if (writes === undefined) byBlock.set(block, writes = []);
      writes.push({
        offset: granule * this.#granularity,
        length: bytes.length,
        writable: block.writableAt(granule),
        executable: block.executableAt(granule),
        bytes,
      });
      if (block.dedicated) {
        writes.push(
          ...this.#tailFill(block, granule * this.#granularity, bytes),
        );
      }
    }
    for (const [block, writes] of byBlock) {
      this.#backend.write(block.views, writes);
    }
  }

  /** A write of traps over `length` bytes at `offset` of `block`. */
  #trapWrite(block: Block, offset: number, length: number): BlockWrite {
    return {
      offset,
      length,
      writable: offsetPointer(block.views.writable, offset),
      executable: offsetPointer(block.views.executable, offset),
    };
  }

  /** Finds room for `size` bytes, mapping a block if needed. */
  #place(size: number, step: number, cursor?: BatchCursor): Placement {
    const granules = Math.ceil(size / this.#granularity);
    if (this.#backend.switchesPages) {
      return this.#placeOnFreePages(
        granules,
        step,
        cursor ?? { next: 0, limit: 0 },
      );
    }
    for (const block of this.#blocks) {
      if (
        block.dedicated || block.bitmap.longestFreeBound() < granules
      ) continue;
      const granule = block.allocate(granules, step);
      if (granule >= 0) return { block, granule, granules };
    }
    const block = this.#mapBlock(granules);
    return { block, granule: block.allocate(granules, step), granules };
  }

  /**
   * `"mprotect"` placement: in the pages this batch already took, or in
   * whole pages that hold no code, so that switching the pages a write
   * touches never takes execute permission from other live code.
   */
  #placeOnFreePages(
    granules: number,
    step: number,
    cursor: BatchCursor,
  ): Placement {
    if (cursor.block !== undefined) {
      const start = alignUp(cursor.next, step);
      if (start + granules <= cursor.limit) {
        cursor.block.take(start, granules);
        cursor.next = start + granules;
        return { block: cursor.block, granule: start, granules };
      }
    }
    let block: Block | undefined;
    let granule = -1;
    for (const candidate of this.#blocks) {
      if (
        candidate.dedicated ||
        candidate.pages!.longestFreeBound() * candidate.granulesPerPage <
          granules
      ) continue;
      granule = candidate.allocatePages(granules);
      if (granule >= 0) {
        block = candidate;
        break;
      }
    }
    if (block === undefined) {
      block = this.#mapBlock(granules);
      granule = block.allocatePages(granules);
    }
    const perPage = block.granulesPerPage;
    cursor.block = block;
    cursor.next = granule + granules;
    cursor.limit = Math.ceil(cursor.next / perPage) * perPage;
    return { block, granule, granules };
  }

  /** Maps a block that can hold `granules`, growing the block size. */
  #mapBlock(granules: number): Block {
    const page = this.#platform.pageSize();
    const needed = roundUp(
      granules * this.#granularity,
      this.#platform.allocationGranularity(),
    );
    const dedicated = needed > this.#nextBlockSize;
    const size = dedicated ? needed : this.#nextBlockSize;
    // A dedicated block is filled past its code when the code is written.
    let views;
    try {
      views = this.#backend.map(size, this.#fill && !dedicated);
    } catch (error) {
      const stranded = (error as WriteError).stranded;
      if (stranded !== undefined) {
        // Mapped, but not unmapped after the failure: disposed later.
        const left: Block = new PoolBlock(
          stranded.views,
          size,
          this.#granularity,
          page,
          dedicated,
          this.#backend.switchesPages,
        );
        left.mappings.splice(0, left.mappings.length, ...stranded.mappings);
        this.#leftovers.push(left);
      }
      throw error;
    }
    const block: Block = new PoolBlock(
      views,
      size,
      this.#granularity,
      page,
      dedicated,
      this.#backend.switchesPages,
    );
    this.#blocks.push(block);
    if (!dedicated) {
      this.#nextBlockSize = Math.min(MAX_BLOCK_SIZE, this.#nextBlockSize * 2);
    }
    return block;
  }

  /** Unmaps the blocks an `#addAll` that failed had mapped. */
  #dropNewBlocks(blocksBefore: number): void {
    for (const block of this.#blocks.splice(blocksBefore)) {
      this.#unmapOrKeep(block);
    }
  }

  /**
   * Unmaps a block no longer in use. If the OS refuses, what is left of
   * it (perhaps one view of two) is never used again, and the next
   * dispose tries again.
   *
   * @returns Whether it is gone.
   */
  #unmapOrKeep(block: Block): boolean {
    try {
      this.#backend.unmap(block.mappings, block.size);
      return true;
    } catch {
      this.#leftovers.push(block);
      return false;
    }
  }

  /** Marks a span released: its functions stop, their slots go free. */
  #retire(span: Span): void {
    if (span.state === "released") return;
    span.state = "released";
    span.block.retireSpan(span);
    forgetCode(span.names);
    span.names = undefined;
    releaseDependents(span);
  }

  /**
   * Gives a released span's granules back once its code is not running:
   * fills them with traps (with `"mprotect"`, once their pages hold no
   * live code), and unmaps a block left empty unless it is the one kept.
   */
  #reclaim(span: Span): void {
    const block = span.block;
    const emptied = block.removeSpan(span);
    const owned = this.#blocks.includes(block);
    if (!owned || block.used === 0) {
      if (this.#dropIfSpare(block, owned)) return;
    }
    if (!this.#fill) return;
    if (!this.#backend.switchesPages) {
      // The span's own (cached) pointers: making new ones costs more than
      // the fill of a small function.
      this.#backend.write(block.views, [{
        offset: span.granule * this.#granularity,
        length: span.granules * this.#granularity,
        writable: span.writable,
        executable: span.pointer,
      }]);
    } else if (emptied.count > 0) {
      const page = this.#platform.pageSize();
      this.#backend.write(block.views, [
        this.#trapWrite(block, emptied.first * page, emptied.count * page),
      ]);
    }
  }

  /**
   * Unmaps an empty block unless it is the one empty block kept for
   * reuse; a block no longer the pool's (disposed while its code ran) is
   * unmapped once empty.
   *
   * @returns Whether the block went (or is no longer the pool's).
   */
  #dropIfSpare(block: Block, owned: boolean): boolean {
    if (!owned) {
      if (block.used === 0) this.#unmapOrKeep(block);
      return true;
    }
    const otherEmpty = this.#blocks.some((other) =>
      other !== block && other.used === 0 && !other.dedicated
    );
    if (!block.dedicated && !otherEmpty) return false;
    this.#blocks = this.#blocks.filter((other) => other !== block);
    this.#damaged.delete(block);
    this.#unmapOrKeep(block);
    return true;
  }

  #patch(span: Span, offset: number, bytes: Uint8Array): void {
    const block = span.block;
    const start = span.granule * this.#granularity + offset;
    if (this.#backend.switchesPages) {
      // Switching these pages takes execute permission from every span in
      // them: none may be running.
      const page = this.#platform.pageSize();
      const first = Math.floor(start / page);
      const count = Math.ceil((start + bytes.length) / page) - first;
      if (block.spansInPages(first, count).some((other) => other.calls > 0)) {
        throw inUseError("patch()");
      }
    }
    try {
      this.#backend.write(block.views, [{
        offset: start,
        length: bytes.length,
        writable: offsetPointer(span.writable, offset),
        executable: offsetPointer(span.pointer, offset),
        bytes,
      }]);
    } catch (error) {
      const left = (error as WriteError).leftWritable;
      if (left !== undefined) {
        this.#markWritable(block, left.offset, left.length);
      }
      throw error;
    }
  }

  /** Stops calls into spans whose pages a failed switch left writable. */
  #markWritable(block: Block, offset: number, length: number): void {
    const page = this.#platform.pageSize();
    const previous = block.leftWritable;
    const start = Math.min(offset, previous?.offset ?? offset);
    const end = Math.max(
      offset + length,
      previous === undefined ? 0 : previous.offset + previous.length,
    );
    block.leftWritable = { offset: start, length: end - start };
    this.#damaged.add(block);
    for (const span of block.spansInPages(start / page, (end - start) / page)) {
      if (span.state === "executable") span.state = "writable";
    }
  }

  /**
   * Makes pages a failed switch left writable executable again, at the
   * start of the pool's next add, release or patch (valid or not), and
   * lets their spans run again. A refusal leaves them for the next time.
   */
  #restoreProtection(): void {
    if (this.#damaged.size === 0) return;
    for (const block of this.#damaged) {
      const left = block.leftWritable!;
      try {
        this.#platform.protect(
          offsetPointer(block.views.executable, left.offset),
          left.length,
          "read-execute",
        );
      } catch {
        continue; // still refused: tried again next time
      }
      block.leftWritable = undefined;
      this.#damaged.delete(block);
      for (const span of block.allSpans()) {
        if (span.state === "writable") span.state = "executable";
      }
    }
  }
}

function alignUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
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
