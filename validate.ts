/**
 * Argument checks shared by the public classes: every bad argument becomes
 * a `JITMemoryManagerError`, never a TypeError or a silently wrapped value.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";

/**
 * Bytes as the public API accepts them: a `Uint8Array`, any other typed
 * array or `DataView` (its raw memory), or an array of integers 0..255.
 *
 * @example Three ways to pass the same x86-64 `ret`
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ByteSource, JITMemoryManager } from "@bcpl/jit-memory";
 *
 * const sources: ByteSource[] = [[0xc3], new Uint8Array([0xc3]), new DataView(new Uint8Array([0xc3]).buffer)];
 * using memory = new JITMemoryManager(4096);
 * sources.forEach((source, offset) => memory.write(source, offset));
 * assert.deepEqual(memory.read(0, 3), new Uint8Array([0xc3, 0xc3, 0xc3]));
 * ```
 */
export type ByteSource = ArrayLike<number> | ArrayBufferView;

/**
 * Checks a size to allocate.
 *
 * @param size The requested size.
 * @returns The size, known to be a positive safe integer.
 * @throws {JITMemoryManagerError} `INVALID_SIZE` otherwise.
 */
export function checkAllocationSize(size: unknown): number {
  if (size === 0) {
    throw new JITMemoryManagerError(
      "INVALID_SIZE",
      "Cannot allocate zero bytes",
    );
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new JITMemoryManagerError(
      "INVALID_SIZE",
      `Size must be a positive safe integer number of bytes, got ${show(size)}`,
    );
  }
  return size;
}

/**
 * Rounds `size` up to a multiple of `pageSize`.
 *
 * @param size A non-negative safe integer.
 * @param pageSize The page size, a power of two.
 * @returns The rounded size.
 * @throws {JITMemoryManagerError} `INVALID_SIZE` when `size` is not a
 * non-negative safe integer or the rounded size is not a safe integer.
 */
export function roundUp(size: unknown, pageSize: number): number {
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new JITMemoryManagerError(
      "INVALID_SIZE",
      `Size must be a non-negative safe integer, got ${show(size)}`,
    );
  }
  const rounded = Math.ceil(size / pageSize) * pageSize;
  if (!Number.isSafeInteger(rounded)) {
    throw new JITMemoryManagerError(
      "INVALID_SIZE",
      `Size ${size} rounded up to whole pages exceeds what can be mapped`,
    );
  }
  return rounded;
}

/**
 * Checks an offset argument: it must be an integer; whether it fits is
 * {@linkcode checkRange}'s business.
 *
 * @param value The offset given, or `undefined`.
 * @param fallback What `undefined` means.
 * @param name The parameter's name, for the message.
 * @returns The offset.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a non-integer.
 */
export function checkInteger(
  value: unknown,
  fallback: number,
  name: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `${name} must be an integer, got ${show(value)}`,
    );
  }
  return value;
}

/**
 * Checks that `[offset, offset + length)` lies within `[0, size)`.
 *
 * @param offset Where the range starts.
 * @param length How long it is.
 * @param size The size of the region.
 * @throws {JITMemoryManagerError} `OUT_OF_BOUNDS` otherwise.
 */
export function checkRange(offset: number, length: number, size: number): void {
  if (offset < 0 || length < 0 || offset + length > size) {
    throw new JITMemoryManagerError(
      "OUT_OF_BOUNDS",
      `Range of ${length} bytes at offset ${offset} does not fit in the ` +
        `region of ${size} bytes`,
    );
  }
}

/**
 * Checks that a function's first byte lies within `size` bytes of code, at
 * an offset the CPU can branch to.
 *
 * @param offset The function's offset from the (page-aligned) start.
 * @param size Bytes of code it may start in.
 * @param alignment Where functions may start (4 on AArch64).
 * @throws {JITMemoryManagerError} `OUT_OF_BOUNDS` outside the code,
 * `INVALID_ARGUMENT` for a misaligned offset.
 */
export function checkFunctionOffset(
  offset: number,
  size: number,
  alignment: number,
): void {
  if (offset < 0 || offset >= size) {
    throw new JITMemoryManagerError(
      "OUT_OF_BOUNDS",
      `Function offset ${offset} is outside the ${size} bytes of code`,
    );
  }
  if (offset % alignment !== 0) {
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `Function offset ${offset} is not a multiple of ${alignment}: ` +
        `instructions on this CPU start at ${alignment}-byte boundaries`,
    );
  }
}

/**
 * Views bytes as a `Uint8Array` without copying typed arrays; arrays of
 * numbers are checked to hold bytes (integers 0..255) and copied.
 *
 * Typed arrays wider than a byte contribute their memory as it is
 * (little-endian on every supported CPU), so a `Uint32Array` of AArch64
 * instruction words can be written directly.
 *
 * @param bytes What the caller passed.
 * @returns The bytes.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for anything else, a
 * detached buffer, or an element that is not a byte.
 */
export function toBytes(bytes: unknown): Uint8Array {
  if (ArrayBuffer.isView(bytes)) {
    if (isDetached(bytes.buffer)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "The bytes' buffer is detached",
      );
    }
    return bytes instanceof Uint8Array
      ? bytes
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (
    typeof bytes !== "object" || bytes === null ||
    !Number.isSafeInteger((bytes as ArrayLike<number>).length) ||
    (bytes as ArrayLike<number>).length < 0
  ) {
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `Expected bytes (a Uint8Array, a typed array or an array of numbers ` +
        `0..255), got ${show(bytes)}`,
    );
  }
  const source = bytes as ArrayLike<unknown>;
  let copy: Uint8Array;
  try {
    copy = new Uint8Array(source.length);
  } catch (cause) {
    // An array-like may claim any length; JavaScript cannot hold them all.
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `Expected bytes, got an array-like of ${source.length} elements: ` +
        `too many to copy`,
      { cause },
    );
  }
  for (let index = 0; index < source.length; index++) {
    const value = source[index];
    if (
      typeof value !== "number" || !Number.isInteger(value) || value < 0 ||
      value > 255
    ) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `Byte ${index} is ${show(value)}, not an integer 0..255`,
      );
    }
    copy[index] = value;
  }
  return copy;
}

function isDetached(buffer: ArrayBufferLike): boolean {
  return (buffer as { detached?: boolean }).detached === true;
}

/**
 * Describes a value for an error message.
 *
 * @param value Anything.
 * @returns A short description.
 */
export function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || value == null) return String(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === "object"
    ? `a ${value.constructor?.name ?? "object"}`
    : typeof value;
}

/**
 * `pointer` moved on by `offset` bytes; the same object for 0, so a region's
 * start and its first function share one pointer.
 *
 * @param pointer A region's start.
 * @param offset Bytes into it.
 * @returns The address `offset` bytes on.
 */
export function offsetPointer(
  pointer: Deno.PointerObject,
  offset: number,
): Deno.PointerObject {
  return offset === 0 ? pointer : Deno.UnsafePointer.offset(pointer, offset)!;
}
