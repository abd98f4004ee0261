/**
 * One block of a code pool: its views, the bitmap that says which of its
 * granules are taken, and (for pools that switch page protections) which
 * pages hold code. The bitmaps live in JavaScript memory: nothing about
 * the allocation is stored inside executable memory.
 *
 * @module
 */

import type { DualViews } from "./platform/types.ts";
import type { LeftWritable } from "./pool_strategy.ts";
import { RunBitmap } from "./run_bitmap.ts";
import { offsetPointer } from "./validate.ts";

/** What a block knows of the spans placed in it. */
export interface BlockSpan {
  /** The span's first granule. */
  readonly granule: number;
  /** How many granules it holds. */
  readonly granules: number;
  /** `"released"` once let go (its granules may still wait for calls). */
  readonly state: string;
  /** Calls into the span that have not returned. */
  readonly calls: number;
}

/** No pages emptied (or none tracked). */
const NO_PAGES = Object.freeze({ first: -1, count: 0 });

/** A mapped block, divided into granules of `granularity` bytes. */
export class PoolBlock<S extends BlockSpan = BlockSpan> {
  /** How many granules the block has. */
  readonly granules: number;
  /** Granules per page. */
  readonly granulesPerPage: number;
  /**
   * The mappings behind the views that are still mapped (one, or two when
   * dual-mapped); an unmap that fails leaves the rest here to retry.
   */
  readonly mappings: Deno.PointerObject[];
  /** Pages a failed protection switch left writable, until restored. */
  leftWritable: LeftWritable | undefined;
  /** Live spans (not released). */
  liveSpans = 0;
  /** Granules of live spans; the rest of `used` waits for calls to end. */
  liveGranules = 0;
  /**
   * The span that starts at each granule, live or waiting for its calls
   * to return (indexed by granule, so placing one costs no hash).
   */
  readonly spans: (S | undefined)[] = [];
  /** Whether the block holds one oversized allocation only. */
  readonly dedicated: boolean;
  /** Which granules are taken. */
  readonly bitmap: RunBitmap;
  /**
   * Which pages hold code, for pools that switch protections (where new
   * code only goes to pages without any), with granules taken per page;
   * `undefined` in other pools, which have no use for them.
   */
  readonly pages: RunBitmap | undefined;
  readonly #pageUse: Uint32Array | undefined;
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
   * @param pageSize Bytes per page.
   * @param dedicated Whether it holds one oversized allocation.
   * @param trackPages Whether to track which pages hold code.
   */
  constructor(
    readonly views: DualViews,
    readonly size: number,
    readonly granularity: number,
    pageSize: number,
    dedicated: boolean,
    trackPages: boolean,
  ) {
    this.granules = Math.floor(size / granularity);
    this.granulesPerPage = pageSize / granularity;
    this.mappings = views.writable === views.executable
      ? [views.executable]
      : [views.executable, views.writable];
    this.dedicated = dedicated;
    this.bitmap = new RunBitmap(this.granules);
    if (trackPages) {
      this.pages = new RunBitmap(size / pageSize);
      this.#pageUse = new Uint32Array(size / pageSize);
    }
  }

  /** Granules in use (by live spans and spans waiting for their calls). */
  get used(): number {
    return this.bitmap.used;
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

  /**
   * Takes the first run of `count` free granules starting at a multiple of
   * `step`, anywhere in the block.
   *
   * @param count Granules wanted.
   * @param step The run must start at a multiple of this (for alignment).
   * @returns The first granule's index, or -1 if there is no such run.
   */
  allocate(count: number, step: number): number {
    const granule = this.bitmap.allocate(count, step);
    if (granule >= 0) this.#countPages(granule, count, 1);
    return granule;
  }

  /**
   * Takes whole pages that hold no code, enough for `count` granules, and
   * the first `count` granules of them. The rest of the last page stays
   * free, but no other code goes there while this code lives.
   *
   * @param count Granules wanted.
   * @returns The first granule's index, or -1 if no pages are free.
   */
  allocatePages(count: number): number {
    const page = this.pages!.allocate(
      Math.ceil(count / this.granulesPerPage),
      1,
    );
    if (page < 0) return -1;
    const granule = page * this.granulesPerPage;
    this.bitmap.mark(granule, count);
    this.#countPages(granule, count, 1, false);
    return granule;
  }

  /**
   * Takes `count` granules from `granule`, known to be free (in pages this
   * batch already took).
   *
   * @param granule The first granule.
   * @param count How many.
   */
  take(granule: number, count: number): void {
    this.bitmap.mark(granule, count);
    this.#countPages(granule, count, 1);
  }

  /**
   * Gives back `count` granules from `granule`.
   *
   * @param granule The first granule.
   * @param count How many.
   * @returns The pages (first, count) that hold no code any more.
   */
  release(granule: number, count: number): { first: number; count: number } {
    this.bitmap.release(granule, count);
    return this.#countPages(granule, count, -1);
  }

  /**
   * Adds `delta` to the granule count of every page `count` granules from
   * `granule` touch; pages reaching zero are given back.
   *
   * @returns The run of pages that became empty.
   */
  #countPages(
    granule: number,
    count: number,
    delta: 1 | -1,
    markNew = true,
  ): { first: number; count: number } {
    const pages = this.pages;
    const pageUse = this.#pageUse;
    if (pages === undefined || pageUse === undefined) return NO_PAGES;
    const first = Math.floor(granule / this.granulesPerPage);
    const last = Math.floor((granule + count - 1) / this.granulesPerPage);
    let emptyFirst = -1;
    let emptyCount = 0;
    for (let page = first; page <= last; page++) {
      const inPage =
        Math.min(granule + count, (page + 1) * this.granulesPerPage) -
        Math.max(granule, page * this.granulesPerPage);
      if (delta > 0) {
        if (pageUse[page] === 0 && markNew) pages.mark(page, 1);
        pageUse[page] += inPage;
        continue;
      }
      pageUse[page] -= inPage;
      if (pageUse[page] === 0) {
        pages.release(page, 1);
        if (emptyFirst < 0) emptyFirst = page;
        emptyCount++;
      }
    }
    return { first: emptyFirst, count: emptyCount };
  }

  /**
   * Records a span placed at its granules (already taken).
   *
   * @param span The span.
   */
  addSpan(span: S): void {
    this.spans[span.granule] = span;
    this.liveSpans++;
    this.liveGranules += span.granules;
  }

  /**
   * Records that a span was released; its granules stay taken until
   * {@linkcode PoolBlock.removeSpan}.
   *
   * @param span The span.
   */
  retireSpan(span: S): void {
    this.liveSpans--;
    this.liveGranules -= span.granules;
  }

  /**
   * Forgets a released span and gives its granules back.
   *
   * @param span The span.
   * @returns The run of pages that hold no code any more.
   */
  removeSpan(span: S): { first: number; count: number } {
    this.spans[span.granule] = undefined;
    return this.release(span.granule, span.granules);
  }

  /**
   * Every span placed in the block, live or waiting for its calls.
   *
   * @returns The spans.
   */
  allSpans(): S[] {
    return this.spans.filter((span): span is S => span !== undefined);
  }

  /**
   * The live or waiting spans that have granules in pages `[first, first
   * + count)`.
   *
   * @param first The first page.
   * @param count How many pages.
   * @returns Those spans.
   */
  spansInPages(first: number, count: number): S[] {
    const found: S[] = [];
    const start = first * this.granulesPerPage;
    const end = (first + count) * this.granulesPerPage;
    // The span that starts last before the first page may reach into it.
    for (let granule = start - 1; granule >= 0; granule--) {
      const span = this.spans[granule];
      if (span === undefined) continue;
      if (granule + span.granules > start) found.push(span);
      break;
    }
    for (let granule = start; granule < end; granule++) {
      const span = this.spans[granule];
      if (span === undefined) continue;
      found.push(span);
      granule += span.granules - 1;
    }
    return found;
  }
}
