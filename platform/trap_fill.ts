/**
 * Trap fill at memory speed. Large ranges are stored straight into the
 * mapped memory through a typed-array view (one `fill`, which V8 runs as a
 * memset or a word loop), with no buffer made or kept. Small ranges, the
 * common case of a released function, are copied from one page of traps
 * made once per backend: a view over native memory costs about a
 * microsecond to make, a copy a few nanoseconds.
 *
 * @module
 */

/** Ranges up to this size are copied from the pattern. */
const PATTERN_SIZE = 4096;

/**
 * Makes the trap filler of a backend.
 *
 * @param trap One trap instruction: 1 byte (x86-64 `int3`) or 4 bytes
 *   (AArch64 `brk #0`, little-endian).
 * @param copy Copies bytes into memory (the backend's `memcpy`).
 * @returns A function filling `size` bytes at `address` (writable, aligned
 *   to the trap's size, `size` a multiple of it) with traps.
 */
export function trapFiller(
  trap: Uint8Array,
  copy: (address: Deno.PointerObject, bytes: Uint8Array) => void,
): (address: Deno.PointerObject, size: number) => void {
  const pattern = new Uint8Array(PATTERN_SIZE);
  fillWith(pattern.buffer, 0, PATTERN_SIZE, trap);
  // Views of the pattern by size, made once each: sizes repeat.
  const cuts: Uint8Array[] = [];
  return (address, size) => {
    if (size <= PATTERN_SIZE) {
      copy(address, cuts[size] ??= pattern.subarray(0, size));
      return;
    }
    const memory = Deno.UnsafePointerView.getArrayBuffer(address, size);
    fillWith(memory, 0, size, trap);
  };
}

function fillWith(
  memory: ArrayBufferLike,
  offset: number,
  size: number,
  trap: Uint8Array,
): void {
  if (trap.length === 1) {
    new Uint8Array(memory, offset, size).fill(trap[0]);
    return;
  }
  const word = new DataView(trap.buffer, trap.byteOffset, 4).getUint32(
    0,
    true,
  );
  new Uint32Array(memory, offset, size >>> 2).fill(word);
}
