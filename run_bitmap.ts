/**
 * A bitmap of units (granules, pages) that finds runs of free units a word
 * at a time, asmjit's JitAllocator being the model: full words are skipped
 * in one test, run ends are found with count-trailing-zeros, and each
 * bitmap knows its longest free run after a search that failed, so that
 * the next search that cannot succeed is skipped without a scan. A release
 * only marks that knowledge stale (no scan on the release path), as
 * asmjit's dirty flag does.
 *
 * @module
 */

/** Units per bitmap word. */
const WORD = 32;

/** The index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** A bitmap of `size` units; a set bit is a unit in use. */
export class RunBitmap {
  /** How many units. */
  readonly size: number;
  /** Units in use. */
  used = 0;
  readonly #words: Uint32Array;
  /** No free unit lies below this index. */
  #firstFree = 0;
  /**
   * No free run is longer than this: exact after a search that failed (it
   * scanned every run), the size again after a release.
   */
  #longestFree: number;

  /**
   * Creates a bitmap with every unit free.
   *
   * @param size How many units.
   */
  constructor(size: number) {
    this.size = size;
    this.#words = new Uint32Array(Math.ceil(size / WORD));
    this.#longestFree = size;
    // Bits past the last unit read as used, so scans stop there.
    const tail = size % WORD;
    if (tail !== 0) {
      this.#words[this.#words.length - 1] = (0xffffffff << tail) >>> 0;
    }
  }

  /** Units not in use. */
  get free(): number {
    return this.size - this.used;
  }

  /**
   * An upper bound of the longest run of free units, for skipping a
   * bitmap that cannot hold a request.
   *
   * @returns The bound.
   */
  longestFreeBound(): number {
    return this.#longestFree;
  }

  /**
   * Whether a unit is in use.
   *
   * @param index The unit.
   * @returns `true` if in use.
   */
  isUsed(index: number): boolean {
    return (this.#words[index >>> 5] & (1 << (index & 31))) !== 0;
  }

  /**
   * Finds the first run of `count` free units starting at a multiple of
   * `step`, and marks it used.
   *
   * @param count Units wanted (at least 1).
   * @param step The run's start must be a multiple of this.
   * @returns The first unit of the run, or -1 when there is none.
   */
  allocate(count: number, step: number): number {
    if (count > this.#longestFree || count > this.free) return -1;
    let longest = 0;
    let position = this.#firstFree;
    while (position < this.size) {
      const runStart = this.#nextFree(position);
      if (runStart >= this.size) break;
      const start = Math.ceil(runStart / step) * step;
      // Only as far as the request reaches: a run that holds it need not
      // be measured to its end, one that does not ends before there.
      const runEnd = this.#nextUsed(runStart, start + count);
      if (start + count <= runEnd) {
        this.mark(start, count);
        if (runStart === this.#firstFree && start === runStart) {
          this.#firstFree = start + count;
        }
        return start;
      }
      longest = Math.max(longest, runEnd - runStart);
      position = runEnd;
    }
    // Every free run was seen: the bound is exact now.
    this.#longestFree = longest;
    return -1;
  }

  /**
   * Marks `count` units from `index` used.
   *
   * @param index The first unit.
   * @param count How many.
   */
  mark(index: number, count: number): void {
    this.#setRange(index, count, true);
    this.used += count;
  }

  /**
   * Gives back `count` units from `index`.
   *
   * @param index The first unit.
   * @param count How many.
   */
  release(index: number, count: number): void {
    this.#setRange(index, count, false);
    this.used -= count;
    if (index < this.#firstFree) this.#firstFree = index;
    // The freed units joined a free run of unknown length: the next search
    // finds out, if it has to.
    this.#longestFree = this.size;
  }

  #setRange(index: number, count: number, value: boolean): void {
    let at = index;
    const end = index + count;
    while (at < end) {
      const bit = at & 31;
      const span = Math.min(WORD - bit, end - at);
      const mask = span === WORD ? 0xffffffff : ((1 << span) - 1) << bit;
      const word = at >>> 5;
      this.#words[word] = value
        ? this.#words[word] | mask
        : this.#words[word] & ~mask;
      at += span;
    }
  }

  /** The first free unit at or after `from`, or `size`. */
  #nextFree(from: number): number {
    let word = from >>> 5;
    if (word >= this.#words.length) return this.size;
    let bits = ~this.#words[word] & (0xffffffff << (from & 31));
    while (bits === 0) {
      if (++word >= this.#words.length) return this.size;
      bits = ~this.#words[word];
    }
    return Math.min(this.size, word * WORD + lowestBit(bits));
  }

  /**
   * The first used unit at or after `from` and before `limit`, or `limit`
   * if there is none (`size` at most).
   */
  #nextUsed(from: number, limit: number): number {
    const end = Math.min(limit, this.size);
    let word = from >>> 5;
    if (from >= end) return end;
    let bits = this.#words[word] & (0xffffffff << (from & 31));
    while (bits === 0) {
      if (++word * WORD >= end) return end;
      bits = this.#words[word];
    }
    return Math.min(end, word * WORD + lowestBit(bits));
  }
}
