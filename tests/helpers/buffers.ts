/**
 * Byte sources that are wrong in ways a type check does not see.
 *
 * @module
 */

/**
 * A Uint8Array whose buffer has been transferred away (detached).
 *
 * @returns A view that can no longer be read.
 */
export function detachedBytes(): Uint8Array {
  const view = new Uint8Array(8);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}
