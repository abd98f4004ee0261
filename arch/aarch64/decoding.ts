/**
 * What the AArch64 decoders (integer and SIMD) share: bit fields, register
 * and condition names as objdump prints them, and the comments it adds
 * after a condition.
 *
 * @module
 */

import type { Decoded } from "../listing.ts";

/** Condition names, by their 4-bit code. */
export const CONDITIONS = [
  "eq",
  "ne",
  "cs",
  "cc",
  "mi",
  "pl",
  "vs",
  "vc",
  "hi",
  "ls",
  "ge",
  "lt",
  "gt",
  "le",
  "al",
  "nv",
];

/** The other names objdump shows for a condition (SVE's), if any. */
const CONDITION_ALIASES: Record<string, string[]> = {
  eq: ["none"],
  ne: ["any"],
  cs: ["hs", "nlast"],
  cc: ["lo", "ul", "last"],
  mi: ["first"],
  pl: ["nfrst"],
  hi: ["pmore"],
  ls: ["plast"],
  ge: ["tcont"],
  lt: ["tstop"],
};

/**
 * objdump's comment after a condition operand: `\t// eq = none`.
 *
 * @param condition The condition's name.
 * @returns The comment, if the condition has other names.
 */
export function conditionComment(condition: string): Partial<Decoded> {
  const aliases = CONDITION_ALIASES[condition];
  return aliases === undefined
    ? {}
    : { comment: `\t// ${condition} = ${aliases.join(", ")}` };
}

/**
 * objdump's comment after `b.cond`: `  // b.any`.
 *
 * @param condition The condition's name.
 * @returns The comment, if the condition has other names.
 */
export function branchComment(condition: string): Partial<Decoded> {
  const aliases = CONDITION_ALIASES[condition];
  return aliases === undefined
    ? {}
    : { comment: `  // ${aliases.map((alias) => `b.${alias}`).join(", ")}` };
}

/**
 * Bits `low`..`low + bits - 1` of `word`.
 *
 * @param word The instruction.
 * @param low The lowest bit.
 * @param bits How many.
 * @returns The field.
 */
export function field(word: number, low: number, bits: number): number {
  return (word >>> low) & ((1 << bits) - 1);
}

/**
 * Whether the bits of `word` under `mask` are `value`.
 *
 * @param word The instruction.
 * @param mask The bits that matter.
 * @param value What they must be.
 * @returns Whether they are.
 */
export function matches(word: number, mask: number, value: number): boolean {
  return ((word & mask) >>> 0) === value;
}

/**
 * A `bits`-bit field read as two's complement.
 *
 * @param value The field.
 * @param bits Its width.
 * @returns The signed value.
 */
export function signExtend(value: number, bits: number): number {
  return value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
}

/**
 * A general register: `x0`…`x30`, and 31 as `sp`/`wsp` or `xzr`/`wzr`.
 *
 * @param n The register number.
 * @param wide `x` (else `w`).
 * @param sp Whether 31 is the stack pointer here.
 * @returns The name.
 */
export function gpr(n: number, wide: boolean, sp = false): string {
  if (n === 31) return sp ? (wide ? "sp" : "wsp") : wide ? "xzr" : "wzr";
  return `${wide ? "x" : "w"}${n}`;
}

/**
 * A decoded 4-byte instruction.
 *
 * @param mnemonic The mnemonic.
 * @param operands The operands.
 * @param extra Target, comment.
 * @returns The instruction.
 */
export function result(
  mnemonic: string,
  operands: string[],
  extra: Partial<Decoded> = {},
): Decoded {
  return { length: 4, mnemonic, operands, ...extra };
}
