/**
 * Calls in flight: a region's code may be on the call stack (it called
 * back into JavaScript) while JavaScript asks to release, reprotect or
 * rewrite it. Releases wait for the last call to return; what would take
 * execute permission from running code is refused with `IN_USE`. The
 * count itself is kept by each function's wrapper (native_function.ts).
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import type { CodeRegion } from "./native_function.ts";

/**
 * Runs `release` now if no call into `region` is in flight, otherwise
 * once the last one returns (from that call's wrapper; an error it throws
 * is thrown by that call).
 *
 * @param region The region whose memory goes away.
 * @param release What frees it.
 */
export function releaseWhenIdle(region: CodeRegion, release: () => void): void {
  if (region.calls === 0) {
    release();
    return;
  }
  const earlier = region.whenIdle;
  region.whenIdle = earlier === undefined ? release : () => {
    earlier();
    release();
  };
}

/**
 * The error for an operation that would take execute permission from, or
 * overwrite, code that is running.
 *
 * @param operation What was asked, e.g. `"makeWritable()"`.
 * @returns A `JITMemoryManagerError` with code `IN_USE`.
 */
export function inUseError(operation: string): JITMemoryManagerError {
  return new JITMemoryManagerError(
    "IN_USE",
    `${operation} refused: the code is running (a call into it has not ` +
      `returned, e.g. it called back into JavaScript). Call it after the ` +
      `call returns.`,
  );
}

/**
 * Runs the release deferred until `region`'s last call returned (called by
 * the wrapper of that call).
 *
 * @param region The region that just became idle.
 */
export function runIdle(region: CodeRegion): void {
  const action = region.whenIdle;
  region.whenIdle = undefined;
  action?.();
}
