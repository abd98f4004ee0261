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

/**
 * The bytes of the CPU's breakpoint instruction, which fill memory where
 * no code may run: `int3` on x86-64, `brk #0` on AArch64.
 *
 * @param arch The CPU architecture.
 * @returns One trap instruction.
 */
export function trapBytes(arch: Architecture): Uint8Array {
  return arch === "aarch64"
    ? new Uint8Array([0x00, 0x00, 0x20, 0xd4])
    : new Uint8Array([0xcc]);
}
