/**
 * Trap fill at memory speed: the trap instruction is stored straight into
 * the mapped memory through a typed-array view (one `fill`, which V8 runs
 * as a memset or a word loop), with no buffer made or kept.
 *
 * @module
 */

/**
 * Fills `size` bytes at `address` with copies of `trap`.
 *
 * @param address Writable memory, aligned to `trap.length`.
 * @param size A multiple of `trap.length`.
 * @param trap One trap instruction: 1 byte (x86-64 `int3`) or 4 bytes
 *   (AArch64 `brk #0`, little-endian).
 */
export function fillTrapsInPlace(
  address: Deno.PointerObject,
  size: number,
  trap: Uint8Array,
): void {
  const memory = Deno.UnsafePointerView.getArrayBuffer(address, size);
  if (trap.length === 1) {
    new Uint8Array(memory).fill(trap[0]);
    return;
  }
  const word = new DataView(trap.buffer, trap.byteOffset, 4).getUint32(
    0,
    true,
  );
  new Uint32Array(memory, 0, size >>> 2).fill(word);
}
