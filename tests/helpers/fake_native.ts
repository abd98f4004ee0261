/**
 * Building blocks for recording fakes of native function tables: the macOS
 * and Windows backends cannot run here, so their tests hand the backend a
 * table of JavaScript functions that log each call and answer from a
 * script. "Mapped" memory is a real JavaScript buffer, so writes and reads
 * through the public API work on top of a fake.
 *
 * @module
 */

import { setPlatformForTesting } from "../../platform/mod.ts";
import type { Platform } from "../../platform/types.ts";

/** One recorded native call: its name and arguments, pointers as labels. */
export type Call = [name: string, ...args: unknown[]];

/** Memory handed out by a fake allocator, and the log of native calls. */
export class FakeProcess {
  /** Every native call, in order. */
  calls: Call[] = [];
  #buffers = new Map<bigint, Uint8Array>();
  #labels = new Map<bigint, string>();

  /**
   * Hands out `size` bytes of real memory, labelled `region1`, `region2`...
   *
   * @param size Bytes to hand out.
   * @returns Their address.
   */
  map(size: number): Deno.PointerObject {
    const buffer = new Uint8Array(size);
    const pointer = Deno.UnsafePointer.of(buffer)!;
    const address = Deno.UnsafePointer.value(pointer);
    this.#buffers.set(address, buffer);
    this.#labels.set(address, `region${this.#labels.size + 1}`);
    return pointer;
  }

  /**
   * Forgets memory handed out by {@linkcode FakeProcess.map}.
   *
   * @param pointer Its address.
   * @returns Whether it was handed out.
   */
  unmap(pointer: Deno.PointerValue): boolean {
    return this.#buffers.delete(Deno.UnsafePointer.value(pointer));
  }

  /**
   * Copies bytes to an address inside fake memory (what memcpy does).
   *
   * @param pointer The destination.
   * @param bytes The source.
   */
  copy(pointer: Deno.PointerValue, bytes: BufferSource): void {
    const source = ArrayBuffer.isView(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
    const target = new Uint8Array(
      Deno.UnsafePointerView.getArrayBuffer(pointer!, source.byteLength),
    );
    target.set(source);
  }

  /**
   * Logs a call, describing pointers into fake memory as `regionN+offset`.
   *
   * @param name The native function.
   * @param args Its arguments.
   */
  record(name: string, ...args: unknown[]): void {
    this.calls.push([name, ...args.map((arg) => this.describe(arg))]);
  }

  /**
   * A readable stand-in for an argument.
   *
   * @param value An argument.
   * @returns Pointers into fake memory as labels, buffers as `"buffer"`.
   */
  describe(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    if (ArrayBuffer.isView(value)) return "buffer";
    const address = Deno.UnsafePointer.value(value as Deno.PointerObject);
    for (const [start, buffer] of this.#buffers) {
      const offset = address - start;
      if (offset >= 0n && offset <= BigInt(buffer.length)) {
        const label = this.#labels.get(start)!;
        return offset === 0n ? label : `${label}+${offset}`;
      }
    }
    return `0x${address.toString(16)}`;
  }

  /**
   * Returns the calls logged so far and starts a new log.
   *
   * @returns The calls.
   */
  take(): Call[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

/**
 * A NUL-terminated C string in memory that stays alive.
 *
 * @param text The string.
 * @returns A pointer to it.
 */
export function cString(text: string): Deno.PointerObject {
  const bytes = new TextEncoder().encode(`${text}\0`);
  keepAlive.push(bytes);
  return Deno.UnsafePointer.of(bytes)!;
}

const keepAlive: Uint8Array[] = [];

/**
 * Runs `action` with `backend` installed as the process's platform.
 *
 * @param backend The backend under test.
 * @param action The code to run.
 */
export function withPlatform(backend: Platform, action: () => void): void {
  const previous = setPlatformForTesting(backend);
  try {
    action();
  } finally {
    setPlatformForTesting(previous);
  }
}
