/**
 * What differs when the suite runs under qemu-user (`deno task
 * test:aarch64` sets `JIT_MEMORY_EMULATOR`).
 *
 * @module
 */

/** Whether this run is under an emulator. */
export const EMULATED = Deno.env.get("JIT_MEMORY_EMULATOR") !== undefined;

/**
 * Whether code rewritten through a second, writable view of its memory
 * after it ran is invisible to execution. qemu-user notices self-modifying
 * code only through writes to the virtual page the code was translated
 * from, and treats `IC IVAU` (what `__clear_cache` issues) as a no-op, so
 * it keeps running its old translation. Real AArch64 hardware honours the
 * cache maintenance jit-memory performs. Where this holds, tests check the
 * bytes at the executable address instead of running them (docs/development.md names
 * this exception).
 */
export const VIEW_REWRITES_INVISIBLE = EMULATED;

/**
 * The bytes at `pointer`.
 *
 * @param pointer Readable memory.
 * @param length How many bytes.
 * @returns Them, as numbers.
 */
export function bytesAt(pointer: Deno.PointerObject, length: number): number[] {
  return [
    ...new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(pointer, length)),
  ];
}
