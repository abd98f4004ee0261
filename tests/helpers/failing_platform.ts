/**
 * A platform that fails on command: it wraps the real backend, counts the
 * native operations that can fail (map, protect, unmap, write, trap fill,
 * dual map, convert), and makes the ones a schedule names throw a
 * `SYSTEM` error instead of reaching the OS, as a refusal would. It also
 * keeps a ledger of every mapping made and unmapped, so that a test can
 * check that nothing leaks once the failures stop.
 *
 * @module
 */

import { JITMemoryManagerError } from "../../mod.ts";
import type { DualViews, Platform } from "../../platform/types.ts";

/** The operations a schedule can fail. */
export type FailableOperation =
  | "mapReadWrite"
  | "protect"
  | "unmap"
  | "write"
  | "fillTraps"
  | "dualMap"
  | "convert";

/** Marks the errors this platform made up. */
export const INJECTED = "injected failure";

/** The real backend, failing on schedule. */
export class FailingPlatform {
  /** The wrapping backend, to install with `setPlatformForTesting`. */
  readonly platform: Platform;
  /** Operations counted so far. */
  count = 0;
  /** Injected failures so far. */
  failures = 0;
  /** Failures by operation. */
  readonly byOperation = new Map<FailableOperation, number>();
  /** Live mappings: address to size. */
  readonly live = new Map<bigint, number>();
  #schedule = new Set<number>();
  #enabled = true;

  /**
   * Wraps `real`.
   *
   * @param real The real backend.
   */
  constructor(real: Platform) {
    const dual = real.dualMapping;
    this.platform = {
      ...real,
      mapReadWrite: (size): Deno.PointerObject =>
        this.#map(
          this.#run("mapReadWrite", () => real.mapReadWrite(size)),
          size,
        ),
      protect: (address, size, protection): void =>
        this.#run("protect", () => real.protect(address, size, protection)),
      unmap: (address, size): void => {
        this.#run("unmap", () => real.unmap(address, size));
        this.#unmap(address, size);
      },
      write: (address, bytes): void =>
        this.#run("write", () => real.write(address, bytes)),
      fillTraps: (address, size): void =>
        this.#run("fillTraps", () => real.fillTraps(address, size)),
      dualMapping: dual && {
        map: (size): DualViews => {
          const views = this.#run("dualMap", () => dual.map(size));
          this.#map(views.executable, size);
          this.#map(views.writable, size);
          return views;
        },
        convert: (address, size): Deno.PointerObject =>
          this.#map(
            this.#run("convert", () => dual.convert(address, size)),
            size,
          ),
      },
    };
  }

  /**
   * Fails the operations numbered in `calls` (counted from the next one,
   * 1-based).
   *
   * @param calls Which operations to fail.
   */
  failAt(calls: readonly number[]): void {
    this.#schedule = new Set(calls.map((call) => this.count + call));
  }

  /** Stops failing (the schedule is dropped). */
  stop(): void {
    this.#enabled = false;
    this.#schedule.clear();
  }

  #run<T>(operation: FailableOperation, action: () => T): T {
    this.count++;
    if (this.#enabled && this.#schedule.has(this.count)) {
      this.failures++;
      this.byOperation.set(
        operation,
        (this.byOperation.get(operation) ?? 0) + 1,
      );
      throw new JITMemoryManagerError(
        "SYSTEM",
        `${operation} failed: ${INJECTED} (OS error 12)`,
        { errno: 12, syscall: operation, reason: "out-of-memory" },
      );
    }
    return action();
  }

  #map(pointer: Deno.PointerObject, size: number): Deno.PointerObject {
    const address = Deno.UnsafePointer.value(pointer);
    if (this.live.has(address)) {
      throw new Error(`0x${address.toString(16)} mapped twice`);
    }
    this.live.set(address, size);
    return pointer;
  }

  #unmap(pointer: Deno.PointerObject, size: number): void {
    const address = Deno.UnsafePointer.value(pointer);
    if (this.live.get(address) !== size) {
      throw new Error(
        `0x${address.toString(16)} unmapped as ${size} bytes, mapped as ${
          this.live.get(address)
        }`,
      );
    }
    this.live.delete(address);
  }
}

/**
 * Whether `error` is one this platform made up.
 *
 * @param error Anything thrown.
 * @returns `true` for an injected failure.
 */
export function isInjected(error: unknown): boolean {
  return error instanceof JITMemoryManagerError &&
    error.message.includes(INJECTED);
}
