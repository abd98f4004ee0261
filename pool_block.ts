/**
 * One block of a code pool and the bitmap that says which of its granules
 * are taken. The bitmap lives in JavaScript memory: nothing about the
 * allocation is stored inside executable memory.
 *
 * @module
 */

import type { DualViews } from "./platform/types.ts";
import { offsetPointer } from "./validate.ts";

/** A mapped block, divided into granules of `granularity` bytes. */
export class PoolBlock {
  /** How many granules the block has. */
  readonly granules: number;
  /** Granules in use. */
  used = 0;
  /**
   * The live allocation that starts at each granule, for the pool to find
   * them all on dispose (indexed by granule, so adding one costs no hash).
   */
  readonly spans: (object | undefined)[] = [];
  /** Whether the block holds one oversized allocation only. */
  readonly dedicated: boolean;
  readonly #bitmap: Uint32Array;
  /** No granule below this index is free. */
  #hint = 0;
  /**
   * Pointer objects of granules already handed out, per view: making one
   * is a native call, and a granule's address never changes.
   */
  readonly #executablePointers: Deno.PointerObject[] = [];
  readonly #writablePointers: Deno.PointerObject[] = [];

  /**
   * Creates the bookkeeping of a mapped block.
   *
   * @param views Where the block is written and where it runs (the same
   *   address unless dual-mapped).
   * @param size The block's size in bytes.
   * @param granularity Bytes per granule.
   * @param dedicated Whether it holds one oversized allocation.
   */
  constructor(
    readonly views: DualViews,
    readonly size: number,
    readonly granularity: number,
    dedicated: boolean,
  ) {
    this.granules = Math.floor(size / granularity);
    this.dedicated = dedicated;
    this.#bitmap = new Uint32Array(Math.ceil(this.granules / 32));
    // Bits past the last granule read as taken, so searches stop there.
    for (let index = this.granules; index < this.#bitmap.length * 32; index++) {
      this.#bitmap[index >>> 5] |= 1 << (index & 31);
    }
  }

  /**
   * The address of a granule in the executable view.
   *
   * @param granule The granule's index.
   * @returns Its pointer.
   */
  executableAt(granule: number): Deno.PointerObject {
    return this.#executablePointers[granule] ??= this.#offset(
      this.views.executable,
      granule,
    );
  }

  /**
   * The address of a granule in the writable view (the same as the
   * executable one unless the block is dual-mapped).
   *
   * @param granule The granule's index.
   * @returns Its pointer.
   */
  writableAt(granule: number): Deno.PointerObject {
    if (this.views.writable === this.views.executable) {
      return this.executableAt(granule);
    }
    return this.#writablePointers[granule] ??= this.#offset(
      this.views.writable,
      granule,
    );
  }

  #offset(base: Deno.PointerObject, granule: number): Deno.PointerObject {
    return offsetPointer(base, granule * this.granularity);
  }

  /** Granules not in use. */
  get free(): number {
    return this.granules - this.used;
  }

  /**
   * Takes the first run of `count` free granules starting at a multiple of
   * `step`.
   *
   * @param count Granules wanted.
   * @param step The run must start at a multiple of this (for alignment).
   * @returns The first granule's index, or -1 if there is no such run.
   */
  allocate(count: number, step: number): number {
    if (count > this.free) return -1;
    const index = count === 1 && step === 1
      ? this.#firstFree()
      : this.#firstFreeRun(count, step);
    if (index < 0) return -1;
    for (let granule = index; granule < index + count; granule++) {
      this.#bitmap[granule >>> 5] |= 1 << (granule & 31);
    }
    this.used += count;
    if (index === this.#hint) this.#hint = index + count;
    return index;
  }

  /**
   * Gives back `count` granules from `index`.
   *
   * @param index The first granule.
   * @param count How many.
   */
  release(index: number, count: number): void {
    for (let granule = index; granule < index + count; granule++) {
      this.#bitmap[granule >>> 5] &= ~(1 << (granule & 31));
    }
    this.used -= count;
    if (index < this.#hint) this.#hint = index;
  }

  #firstFree(): number {
    for (let word = this.#hint >>> 5; word < this.#bitmap.length; word++) {
      const free = ~this.#bitmap[word];
      if (free === 0) continue;
      // The lowest set bit of `free` is the first free granule.
      const bit = 31 - Math.clz32(free & -free);
      return word * 32 + bit;
    }
    return -1;
  }

  #firstFreeRun(count: number, step: number): number {
    let start = Math.ceil(this.#hint / step) * step;
    while (start + count <= this.granules) {
      let taken = -1;
      for (let granule = start; granule < start + count; granule++) {
        if (this.#bitmap[granule >>> 5] & (1 << (granule & 31))) {
          taken = granule;
          break;
        }
      }
      if (taken < 0) return start;
      start = Math.ceil((taken + 1) / step) * step;
    }
    return -1;
  }
}
