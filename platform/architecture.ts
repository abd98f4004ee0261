/**
 * Facts about the CPU architectures that the backends share.
 *
 * @module
 */

import type { Architecture } from "./types.ts";

/**
 * Where functions may start on `arch`.
 *
 * @param arch The CPU architecture.
 * @returns 4 on AArch64 (fixed-width instructions, aligned branch targets),
 *   1 on x86-64.
 */
export function codeAlignment(arch: Architecture): number {
  return arch === "aarch64" ? 4 : 1;
}
