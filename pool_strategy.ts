/**
 * How a code pool gets code into executable memory: the three strategies
 * and the choice `"auto"` makes.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import type { DualViews, Platform } from "./platform/types.ts";
import { offsetPointer } from "./validate.ts";

/**
 * How a `CodePool` writes code:
 * - `"dual-map"` (Linux; what `"auto"` picks there): each block is one
 *   in-memory file mapped twice, read-write at a random address and
 *   read-execute; no protection ever changes, so other workers may run
 *   the pool's code while it is added to and released, and hardened
 *   kernels that refuse to make written memory executable allow it;
 * - `"map-jit"` (macOS on Apple silicon): MAP_JIT memory, written under
 *   the per-thread write switch, which other threads never see;
 * - `"mprotect"` (elsewhere): the pages written become read-write, then
 *   read-execute again. New code only goes to pages that hold no other
 *   live code, and released code is trap-filled when its pages hold no
 *   live code any more, so adding and releasing never take execute
 *   permission from code another worker may be running; `patch()` does,
 *   for the pages of the span it patches (see docs/platforms.md, Thread
 *   safety).
 *
 * @example Asking for the strategy every platform has
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodePool, type PoolStrategy } from "@bcpl/jit-memory";
 *
 * // "mprotect" everywhere but Apple silicon, where MAP_JIT memory is the rule.
 * const { os, arch } = Deno.build;
 * const strategy: PoolStrategy = os === "darwin" && arch === "aarch64"
 *   ? "map-jit"
 *   : "mprotect";
 * using pool = new CodePool({ strategy });
 * assert.equal(pool.strategy, strategy);
 * assert.equal(pool.stats().strategy, strategy);
 * ```
 */
export type PoolStrategy = "mprotect" | "dual-map" | "map-jit";

/**
 * One write of a batch into a block: bytes, or (without `bytes`) `length`
 * bytes of trap instructions.
 */
export interface BlockWrite {
  /** Where in the block. */
  offset: number;
  /** How many bytes. */
  length: number;
  /** The address to write to (in the writable view). */
  writable: Deno.PointerObject;
  /** The same bytes' address in the executable view. */
  executable: Deno.PointerObject;
  /** The bytes; trap instructions when absent. */
  bytes?: Uint8Array;
}

/** A strategy: maps blocks and writes code into them. */
export interface PoolBackend {
  readonly strategy: PoolStrategy;
  /**
   * Whether writing switches page protections, so that new code must go
   * to pages holding no other live code.
   */
  readonly switchesPages: boolean;
  /**
   * Maps a block of `size` bytes (a multiple of the page size), trap
   * filled when `fill` is set (unless zeroed memory already traps),
   * executable when this returns.
   */
  map(size: number, fill: boolean): DualViews;
  /**
   * Unmaps a block's mappings (one, or two views when dual-mapped); each
   * one unmapped is removed from `mappings`, so that a failure can be
   * retried without touching what is gone (its address may be reused).
   */
  unmap(mappings: Deno.PointerObject[], size: number): void;
  /**
   * Writes a batch into one block and makes the instruction cache see it;
   * the block is executable again (and never writable through its
   * executable view) when this returns.
   *
   * @throws {JITMemoryManagerError} `SYSTEM`; with `"mprotect"`, if the
   * pages could not be made executable again, `leftWritable` says which.
   */
  write(views: DualViews, writes: readonly BlockWrite[]): void;
}

/**
 * The mappings behind a block's views: one, or two when dual-mapped.
 *
 * @param views The views.
 * @returns The distinct mappings, executable first.
 */
export function mappingsOf(views: DualViews): Deno.PointerObject[] {
  return views.writable === views.executable
    ? [views.executable]
    : [views.executable, views.writable];
}

/**
 * Pages the `"mprotect"` strategy could not make executable again after a
 * write: they stay read-write until a later write of the block succeeds.
 */
export interface LeftWritable {
  /** Offset of the first page in the block. */
  offset: number;
  /** Bytes. */
  length: number;
}

/**
 * The error of a write that left pages writable, with which ones; or of a
 * map whose clean-up could not unmap what it had mapped (`stranded`).
 */
export type WriteError = JITMemoryManagerError & {
  leftWritable?: LeftWritable;
  stranded?: { views: DualViews; mappings: Deno.PointerObject[] };
};

/**
 * Unmaps a block that failed before it was handed out; if that fails too,
 * the first error carries the views (`stranded`), for the pool to unmap
 * later.
 */
function abandon(
  platform: Platform,
  views: DualViews,
  size: number,
  error: unknown,
): never {
  const mappings = mappingsOf(views);
  try {
    unmapAll(platform, mappings, size);
  } catch {
    // Only what is still mapped: the rest may be someone else's by now.
    (error as WriteError).stranded = { views, mappings };
  }
  throw error;
}

/**
 * The strategy `"auto"` stands for on `platform`: MAP_JIT on Apple
 * silicon; dual mapping wherever the platform has it; otherwise
 * `"mprotect"`.
 *
 * @param platform The platform backend.
 * @returns The strategy to use.
 */
export function autoStrategy(platform: Platform): PoolStrategy {
  if (platform.writeMode === "thread-toggle") return "map-jit";
  return platform.dualMapping === undefined ? "mprotect" : "dual-map";
}

/**
 * The backend of `strategy` on `platform`.
 *
 * @param platform The platform backend.
 * @param strategy The strategy.
 * @param sharedWithWorkers Whether other threads may run the code, so
 *   that each batch of new code ends with the platform's core barrier.
 * @returns The backend.
 * @throws {JITMemoryManagerError} `UNSUPPORTED` where the platform lacks
 * the strategy.
 */
export function poolBackend(
  platform: Platform,
  strategy: PoolStrategy,
  sharedWithWorkers = true,
): PoolBackend {
  const threadToggle = platform.writeMode === "thread-toggle";
  const shared = (backend: PoolBackend): PoolBackend =>
    sharedWithWorkers ? synchronizingCores(platform, backend) : backend;
  switch (strategy) {
    case "mprotect":
      if (threadToggle) break;
      return shared(protectBackend(platform));
    case "dual-map":
      if (platform.dualMapping === undefined) break;
      return shared(dualBackend(platform));
    case "map-jit":
      if (!threadToggle) break;
      return shared(mapJitBackend(platform));
  }
  throw new JITMemoryManagerError(
    "UNSUPPORTED",
    `The "${strategy}" strategy is not available on ${platform.os}/${platform.arch}`,
  );
}

/**
 * The backend, with the platform's core synchronization after every batch
 * of new code (Linux/AArch64: other threads may run a block's code while
 * this one writes more of it). A fresh block needs none: no thread knows
 * it yet; nor does a batch of trap fill only: no thread may run released
 * code.
 */
function synchronizingCores(
  platform: Platform,
  backend: PoolBackend,
): PoolBackend {
  const cores = platform.coreSync;
  if (cores === undefined) return backend;
  return {
    ...backend,
    write(views: DualViews, writes: readonly BlockWrite[]): void {
      if (!writes.some((write) => write.bytes !== undefined)) {
        backend.write(views, writes);
        return;
      }
      try {
        backend.write(views, writes);
      } finally {
        // Also after a failure: some of the batch may be in place.
        cores.synchronize();
      }
    },
  };
}

/** Writes through the writable view and flushes the executable one. */
function writeThrough(
  platform: Platform,
  writes: readonly BlockWrite[],
): void {
  for (const { writable, executable, bytes, length } of writes) {
    try {
      if (bytes === undefined) platform.fillTraps(writable, length);
      else platform.write(writable, bytes);
    } catch (error) {
      // Some of the bytes may be in place: the cache must see them too.
      try {
        platform.flushInstructionCache(executable, length);
      } catch {
        // the write's failure is the one to report
      }
      throw error;
    }
    platform.flushInstructionCache(executable, length);
  }
}

/**
 * Unmaps every mapping in `mappings`, removing those that went; throws
 * the first failure after trying them all.
 */
export function unmapAll(
  platform: Platform,
  mappings: Deno.PointerObject[],
  size: number,
): void {
  let failure: unknown;
  for (const address of [...mappings]) {
    try {
      platform.unmap(address, size);
      mappings.splice(mappings.indexOf(address), 1);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/** Fills a fresh block with traps, unless its zeroes already trap. */
function fillBlock(
  platform: Platform,
  pointer: Deno.PointerObject,
  size: number,
): void {
  if (!platform.zeroTraps) platform.fillTraps(pointer, size);
}

function protectBackend(platform: Platform): PoolBackend {
  return {
    strategy: "mprotect",
    switchesPages: true,
    map(size: number, fill: boolean): DualViews {
      const pointer = platform.mapReadWrite(size);
      try {
        if (fill) fillBlock(platform, pointer, size);
        platform.flushInstructionCache(pointer, size);
        platform.protect(pointer, size, "read-execute");
      } catch (error) {
        abandon(
          platform,
          { writable: pointer, executable: pointer },
          size,
          error,
        );
      }
      return { writable: pointer, executable: pointer };
    },
    unmap(mappings: Deno.PointerObject[], size: number): void {
      unmapAll(platform, mappings, size);
    },
    write(views: DualViews, writes: readonly BlockWrite[]): void {
      if (writes.length === 0) return;
      // Only the pages the batch touches become writable, once.
      const page = platform.pageSize();
      let first = Infinity;
      let end = 0;
      for (const write of writes) {
        first = Math.min(first, write.offset);
        end = Math.max(end, write.offset + write.length);
      }
      const start = Math.floor(first / page) * page;
      const length = Math.ceil(end / page) * page - start;
      const pages = offsetPointer(views.executable, start);
      platform.protect(pages, length, "read-write");
      let failure: unknown;
      try {
        writeThrough(platform, writes);
      } catch (error) {
        failure = error;
      }
      try {
        platform.protect(pages, length, "read-execute");
      } catch (error) {
        const left = error as WriteError;
        left.leftWritable = { offset: start, length };
        throw left;
      }
      if (failure !== undefined) throw failure;
    },
  };
}

function dualBackend(platform: Platform): PoolBackend {
  const dual = platform.dualMapping!;
  return {
    strategy: "dual-map",
    switchesPages: false,
    map(size: number, fill: boolean): DualViews {
      const views = dual.map(size);
      try {
        if (fill) fillBlock(platform, views.writable, size);
        platform.flushInstructionCache(views.executable, size);
      } catch (error) {
        abandon(platform, views, size, error);
      }
      return views;
    },
    unmap(mappings: Deno.PointerObject[], size: number): void {
      unmapAll(platform, mappings, size);
    },
    write(_views: DualViews, writes: readonly BlockWrite[]): void {
      writeThrough(platform, writes);
    },
  };
}

function mapJitBackend(platform: Platform): PoolBackend {
  return {
    strategy: "map-jit",
    switchesPages: false,
    map(size: number, fill: boolean): DualViews {
      const pointer = platform.mapReadWrite(size);
      try {
        if (fill) fillBlock(platform, pointer, size);
        platform.flushInstructionCache(pointer, size);
      } catch (error) {
        abandon(
          platform,
          { writable: pointer, executable: pointer },
          size,
          error,
        );
      }
      return { writable: pointer, executable: pointer };
    },
    unmap(mappings: Deno.PointerObject[], size: number): void {
      unmapAll(platform, mappings, size);
    },
    write(_views: DualViews, writes: readonly BlockWrite[]): void {
      writeThrough(platform, writes);
    },
  };
}
