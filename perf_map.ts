/**
 * Profiles with names: named JIT'd code written to the perf map file that
 * Linux's `perf report` reads.
 *
 * @module
 */

import { addNameSink, type NamedCode } from "./code_names.ts";
import { openPerfMap, type PerfMapFile } from "./platform/perf_map.ts";

/**
 * The perf map in use, from {@linkcode enablePerfMap}.
 *
 * @example Where the lines go
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PerfMap } from "@bcpl/jit-memory";
 *
 * const map: PerfMap = { path: "/tmp/perf-4242.map", sharedWithV8: false };
 * assert.match(map.path, /^\/tmp\/perf-\d+\.map$/);
 * ```
 */
export interface PerfMap {
  /** The file: `/tmp/perf-<pid>.map`. */
  readonly path: string;
  /**
   * Whether V8 writes it too (Deno runs with
   * `--v8-flags=--perf-basic-prof`): JavaScript and JIT'd frames then
   * share one profile.
   */
  readonly sharedWithV8: boolean;
}

let enabled: PerfMap | undefined;

/** One `START SIZE name` line per function (hex, no `0x`). */
function linesOf(code: NamedCode): string {
  let lines = "";
  for (const symbol of code.symbols) {
    const start = code.address + BigInt(symbol.offset);
    lines += `${start.toString(16)} ${
      symbol.size.toString(16)
    } ${symbol.name}\n`;
  }
  return lines;
}

/**
 * Writes every named function (see the `name` and `symbols` options of
 * `CodeBuffer.commit()`, `CodePool.add()` and
 * `JITMemoryManager.makeExecutable()`), and the fast-call trampolines, to
 * `/tmp/perf-<pid>.map`, so that `perf report` names samples in JIT'd
 * code. Code named before the call is written too. Each function is one
 * whole line appended, so the file can be shared with V8's own
 * `--perf-basic-prof` output. Calling it again does nothing more.
 *
 * Lines are never taken back: `perf` reads the file after the process
 * ends, and a range whose code was released and reused later carries two
 * names, of which `perf report` shows one for all its samples.
 *
 * @returns The file in use.
 * @throws {JITMemoryManagerError} `UNSUPPORTED` off Linux,
 * `WRITE_PERMISSION` without `--allow-write` for the file,
 * `FFI_PERMISSION` without `--allow-ffi`.
 *
 * @example Naming code for perf
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer, enablePerfMap } from "@bcpl/jit-memory";
 *
 * if (Deno.build.os === "linux") {
 *   const map = enablePerfMap();
 *   using buffer = new CodeBuffer();
 *   const ret = Deno.build.arch === "x86_64" ? [0xc3] : [0xc0, 0x03, 0x5f, 0xd6];
 *   const start = buffer.commit(new Uint8Array(ret), { name: "example" });
 *   const address = Deno.UnsafePointer.value(start).toString(16);
 *   const lines = Deno.readTextFileSync(map.path).split("\n");
 *   assert.ok(lines.includes(`${address} ${ret.length} example`));
 *   Deno.removeSync(map.path);
 * }
 * ```
 */
export function enablePerfMap(): PerfMap {
  if (enabled !== undefined) return enabled;
  const file: PerfMapFile = openPerfMap();
  addNameSink({
    added: (code) => file.append(linesOf(code)),
    removed: () => {},
  });
  enabled = Object.freeze({
    path: file.path,
    sharedWithV8: file.sharedWithV8,
  });
  return enabled;
}
