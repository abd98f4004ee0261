/**
 * How a code pool gets code into executable memory: the three strategies
 * and the probe that picks one.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import type { DualViews, Platform } from "./platform/types.ts";
import { offsetPointer } from "./validate.ts";

/**
 * How a `CodePool` writes code:
 * - `"mprotect"`: the pages written become read-write, then read-execute
 *   again (one switch per block for a batch);
 * - `"dual-map"` (Linux): each block is one memfd mapped twice, read-write
 *   and read-execute; no protection ever changes, which hardened kernels
 *   that refuse to make written memory executable still allow;
 * - `"map-jit"` (macOS on Apple silicon): MAP_JIT memory, written under the
 *   per-thread write switch.
 *
 * @example Asking for dual mapping
 * ```ts
 * import type { PoolStrategy } from "@bcpl/jit-memory";
 *
 * const strategy: PoolStrategy = "dual-map";
 * console.log(strategy);
 * ```
 */
export type PoolStrategy = "mprotect" | "dual-map" | "map-jit";

/** One write of a batch: bytes at an offset into a block. */
export interface BlockWrite {
  /** Where in the block. */
  offset: number;
  /** The address to write to (in the writable view). */
  writable: Deno.PointerObject;
  /** The same bytes' address in the executable view. */
  executable: Deno.PointerObject;
  bytes: Uint8Array;
}

/** A strategy: maps blocks and writes code into them. */
export interface PoolBackend {
  readonly strategy: PoolStrategy;
  /**
   * Maps a block of `size` bytes (a multiple of the page size), filled
   * with `fill` when given, executable when this returns.
   */
  map(size: number, fill: Uint8Array | undefined): DualViews;
  /** Unmaps a block. */
  unmap(views: DualViews, size: number): void;
  /**
   * Writes a batch into one block and makes the instruction cache see it;
   * the block is executable again (and never writable through its
   * executable view) when this returns.
   */
  write(views: DualViews, writes: readonly BlockWrite[]): void;
}

const EPERM = 1;
const EACCES = 13;
const probed = new WeakMap<Platform, PoolStrategy>();

/**
 * The strategy `"auto"` stands for on `platform`: MAP_JIT on Apple
 * silicon; otherwise a page is written and made executable once per
 * process, and if the OS refuses (`EACCES`/`EPERM`), dual mapping.
 *
 * @param platform The platform backend.
 * @returns The strategy to use.
 * @throws {JITMemoryManagerError} `SYSTEM` if the OS refuses to make
 * written memory executable and has no dual mapping.
 */
export function autoStrategy(platform: Platform): PoolStrategy {
  if (platform.writeMode === "thread-toggle") return "map-jit";
  const known = probed.get(platform);
  if (known !== undefined) return known;
  const page = platform.pageSize();
  const probe = platform.mapReadWrite(page);
  let strategy: PoolStrategy = "mprotect";
  try {
    platform.write(probe, platform.trapBytes);
    platform.protect(probe, page, "read-execute");
  } catch (error) {
    const refused = error instanceof JITMemoryManagerError &&
      error.code === "SYSTEM" &&
      (error.errno === EACCES || error.errno === EPERM);
    if (!refused || platform.dualMapping === undefined) throw error;
    strategy = "dual-map";
  } finally {
    platform.unmap(probe, page);
  }
  probed.set(platform, strategy);
  return strategy;
}

/**
 * The backend of `strategy` on `platform`.
 *
 * @param platform The platform backend.
 * @param strategy The strategy.
 * @returns The backend.
 * @throws {JITMemoryManagerError} `UNSUPPORTED` where the platform lacks
 * the strategy.
 */
export function poolBackend(
  platform: Platform,
  strategy: PoolStrategy,
): PoolBackend {
  const threadToggle = platform.writeMode === "thread-toggle";
  switch (strategy) {
    case "mprotect":
      if (threadToggle) break;
      return protectBackend(platform);
    case "dual-map":
      if (platform.dualMapping === undefined) break;
      return dualBackend(platform);
    case "map-jit":
      if (!threadToggle) break;
      return mapJitBackend(platform);
  }
  throw new JITMemoryManagerError(
    "UNSUPPORTED",
    `The "${strategy}" strategy is not available on ${platform.os}/${platform.arch}`,
  );
}

/** Writes through the writable view and flushes the executable one. */
function writeThrough(
  platform: Platform,
  writes: readonly BlockWrite[],
): void {
  for (const { writable, executable, bytes } of writes) {
    platform.write(writable, bytes);
    platform.flushInstructionCache(executable, bytes.length);
  }
}

function protectBackend(platform: Platform): PoolBackend {
  return {
    strategy: "mprotect",
    map(size: number, fill: Uint8Array | undefined): DualViews {
      const pointer = platform.mapReadWrite(size);
      try {
        if (fill !== undefined) platform.write(pointer, fill);
        platform.flushInstructionCache(pointer, size);
        platform.protect(pointer, size, "read-execute");
      } catch (error) {
        platform.unmap(pointer, size);
        throw error;
      }
      return { writable: pointer, executable: pointer };
    },
    unmap(views: DualViews, size: number): void {
      platform.unmap(views.executable, size);
    },
    write(views: DualViews, writes: readonly BlockWrite[]): void {
      if (writes.length === 0) return;
      // Only the pages the batch touches become writable, once.
      const page = platform.pageSize();
      const first = Math.min(...writes.map((w) => w.offset));
      const end = Math.max(...writes.map((w) => w.offset + w.bytes.length));
      const start = Math.floor(first / page) * page;
      const length = Math.ceil(end / page) * page - start;
      const pages = offsetPointer(views.executable, start);
      platform.protect(pages, length, "read-write");
      try {
        writeThrough(platform, writes);
      } finally {
        platform.protect(pages, length, "read-execute");
      }
    },
  };
}

function dualBackend(platform: Platform): PoolBackend {
  const dual = platform.dualMapping!;
  return {
    strategy: "dual-map",
    map(size: number, fill: Uint8Array | undefined): DualViews {
      const views = dual.map(size);
      if (fill !== undefined) {
        platform.write(views.writable, fill);
        platform.flushInstructionCache(views.executable, size);
      }
      return views;
    },
    unmap(views: DualViews, size: number): void {
      dual.unmap(views, size);
    },
    write(_views: DualViews, writes: readonly BlockWrite[]): void {
      writeThrough(platform, writes);
    },
  };
}

function mapJitBackend(platform: Platform): PoolBackend {
  return {
    strategy: "map-jit",
    map(size: number, fill: Uint8Array | undefined): DualViews {
      const pointer = platform.mapReadWrite(size);
      if (fill !== undefined) {
        platform.write(pointer, fill);
        platform.flushInstructionCache(pointer, size);
      }
      return { writable: pointer, executable: pointer };
    },
    unmap(views: DualViews, size: number): void {
      platform.unmap(views.executable, size);
    },
    write(_views: DualViews, writes: readonly BlockWrite[]): void {
      writeThrough(platform, writes);
    },
  };
}
