/**
 * The AArch64 encoding core: register checks that allocate nothing, and
 * the immediate encodings (logical immediates, `mov` sequences) with fast
 * paths for the small numbers code is made of.
 *
 * @module
 */

import { describeOperand, invalidOperand } from "../assembler.ts";
import { A64Register } from "./registers.ts";

/** Register 31 may be `sp` here. */
export const SP = 1;
/** Register 31 may be the zero register here. */
export const ZR = 2;

/**
 * Checks a register operand.
 *
 * @param m The mnemonic, for errors.
 * @param r Anything.
 * @param allow {@linkcode SP} and/or {@linkcode ZR}: which meanings of
 *   register 31 are allowed.
 * @returns The register's number.
 */
export function registerCode(m: string, r: unknown, allow: number): number {
  if (!(r instanceof A64Register)) {
    throw invalidOperand(m, `expected a register, got ${describeOperand(r)}`);
  }
  if (r.kind !== "general") {
    if (r.kind === "sp" ? (allow & SP) === 0 : (allow & ZR) === 0) {
      throw invalidOperand(m, `${r} is not allowed here`);
    }
  }
  return r.code;
}

/**
 * Checks that two registers have the same size.
 *
 * @returns 32 or 64.
 */
export function sameSize2(m: string, a: unknown, b: unknown): number {
  if (!(a instanceof A64Register) || !(b instanceof A64Register)) {
    throw invalidOperand(
      m,
      `expected registers, got ${describeOperand(a)}, ${describeOperand(b)}`,
    );
  }
  if (a.bits !== b.bits) {
    throw invalidOperand(m, `registers of different sizes (${a}, ${b})`);
  }
  return a.bits;
}

/**
 * Checks that three registers have the same size.
 *
 * @returns 32 or 64.
 */
export function sameSize3(
  m: string,
  a: unknown,
  b: unknown,
  c: unknown,
): number {
  const bits = sameSize2(m, a, b);
  if (!(c instanceof A64Register)) {
    throw invalidOperand(m, `expected a register, got ${describeOperand(c)}`);
  }
  if (c.bits !== bits) {
    throw invalidOperand(m, `registers of different sizes (${a}, ${b}, ${c})`);
  }
  return bits;
}

/**
 * Checks that four registers have the same size.
 *
 * @returns 32 or 64.
 */
export function sameSize4(
  m: string,
  a: unknown,
  b: unknown,
  c: unknown,
  d: unknown,
): number {
  const bits = sameSize3(m, a, b, c);
  if (!(d instanceof A64Register)) {
    throw invalidOperand(m, `expected a register, got ${describeOperand(d)}`);
  }
  if (d.bits !== bits) {
    throw invalidOperand(
      m,
      `registers of different sizes (${a}, ${b}, ${c}, ${d})`,
    );
  }
  return bits;
}

/**
 * `sf`: bit 31 set for 64-bit operations.
 *
 * @param bits 32 or 64.
 * @returns The bit.
 */
export function sf(bits: number): number {
  return bits === 64 ? 0x80000000 : 0;
}

/**
 * Encodes `value` as a logical immediate (a rotated run of ones, repeated)
 * for a `bits`-wide operation.
 *
 * @returns `N:immr:imms` as bits 22..10 of the instruction, or -1.
 */
function computeLogicalImmediate(value: bigint, bits: number): number {
  const mask = bits === 64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
  value &= mask;
  if (value === 0n || value === mask) return -1;
  // The smallest element size the value repeats with.
  let size: number = bits;
  while (size > 2) {
    const half = size / 2;
    const halfMask = (1n << BigInt(half)) - 1n;
    if ((value & halfMask) !== ((value >> BigInt(half)) & halfMask)) break;
    size = half;
  }
  const elementMask = (1n << BigInt(size)) - 1n;
  const element = value & elementMask;
  let ones = 0;
  for (let bit = 0; bit < size; bit++) {
    if ((element >> BigInt(bit)) & 1n) ones++;
  }
  const run = (1n << BigInt(ones)) - 1n;
  for (let rotation = 0; rotation < size; rotation++) {
    // element == ROR(run, rotation) within `size` bits.
    const r = BigInt(rotation);
    const rotated = ((run >> r) | (run << BigInt(size) - r)) & elementMask;
    if (rotated === element) {
      const n = size === 64 ? 1 : 0;
      const imms = ((-size << 1) & 0x3f) | (ones - 1);
      return (n << 22) | (rotation << 16) | (imms << 10);
    }
  }
  return -1;
}

/**
 * Logical immediates already encoded, per operation size, for the numbers
 * code uses again and again (masks such as 255): the bigint search above
 * costs microseconds. Bounded: cleared when full.
 */
const LOGICAL_CACHE = [new Map<number, number>(), new Map<number, number>()];
const LOGICAL_CACHE_LIMIT = 4096;

/**
 * A logical immediate for a value already checked to fit `bits` bits.
 *
 * @param value A number (any fitting integer) or a bigint.
 * @param bits 32 or 64.
 * @returns The encoded fields, or -1 when the value has no encoding.
 */
export function logicalImmediate(value: number | bigint, bits: number): number {
  if (typeof value === "bigint") {
    return computeLogicalImmediate(BigInt.asUintN(bits, value), bits);
  }
  const cache = LOGICAL_CACHE[bits === 64 ? 1 : 0];
  const known = cache.get(value);
  if (known !== undefined) return known;
  const encoded = computeLogicalImmediate(
    BigInt.asUintN(bits, BigInt(value)),
    bits,
  );
  if (cache.size >= LOGICAL_CACHE_LIMIT) cache.clear();
  cache.set(value, encoded);
  return encoded;
}

/**
 * Checks an immediate for a `bits`-wide operand: an integer (a safe number
 * or a bigint) between -2^(bits-1) and 2^bits - 1.
 *
 * @param m The mnemonic.
 * @param value Anything.
 * @param bits 32 or 64.
 * @returns The value, as given.
 */
export function integerImmediate(
  m: string,
  value: unknown,
  bits: number,
): number | bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw invalidOperand(
        m,
        `expected an integer immediate, got ${describeOperand(value)}`,
      );
    }
    if (value < -(2 ** (bits - 1)) || value > 2 ** bits - 1) {
      throw invalidOperand(m, `immediate ${value} does not fit ${bits} bits`);
    }
    return value;
  }
  if (typeof value === "bigint") {
    if (
      value < -(1n << BigInt(bits - 1)) || value > (1n << BigInt(bits)) - 1n
    ) {
      throw invalidOperand(m, `immediate ${value} does not fit ${bits} bits`);
    }
    return value;
  }
  throw invalidOperand(
    m,
    `expected an integer immediate, got ${describeOperand(value)}`,
  );
}

/**
 * The shortest sequence that puts `value` in register `d`: one `movz`,
 * `movn` or `orr` (as GNU as's `mov` does), else `movz`/`movn` + `movk`.
 *
 * @param value A checked immediate.
 * @param bits 32 or 64.
 * @param d The destination register's number.
 * @returns The words.
 */
export function moveImmediate(
  value: number | bigint,
  bits: number,
  d: number,
): number[] {
  const out: number[] = [];
  const base = sf(bits);
  const pattern = BigInt.asUintN(bits, BigInt(value));
  const parts = bits / 16;
  const halves: number[] = [];
  for (let index = 0; index < parts; index++) {
    halves.push(Number((pattern >> BigInt(16 * index)) & 0xffffn));
  }
  const nonZero = halves.filter((h) => h !== 0).length;
  const nonOnes = halves.filter((h) => h !== 0xffff).length;
  const movz = (hw: number, imm: number): number =>
    base | 0x52800000 | (hw << 21) | (imm << 5) | d;
  const movn = (hw: number, imm: number): number =>
    base | 0x12800000 | (hw << 21) | (imm << 5) | d;
  const movk = (hw: number, imm: number): number =>
    base | 0x72800000 | (hw << 21) | (imm << 5) | d;
  if (nonZero <= 1) {
    const hw = Math.max(0, halves.findIndex((h) => h !== 0));
    out.push(movz(hw, halves[hw]));
    return out;
  }
  if (nonOnes <= 1) {
    const hw = Math.max(0, halves.findIndex((h) => h !== 0xffff));
    out.push(movn(hw, (~halves[hw]) & 0xffff));
    return out;
  }
  const logical = computeLogicalImmediate(pattern, bits);
  if (logical !== -1) {
    // orr rd, zr, #value
    out.push(base | 0x32000000 | logical | (31 << 5) | d);
    return out;
  }
  if (nonOnes < nonZero) {
    halves.forEach((h, hw) => {
      if (h === 0xffff) return;
      out.push(out.length === 0 ? movn(hw, (~h) & 0xffff) : movk(hw, h));
    });
  } else {
    halves.forEach((h, hw) => {
      if (h === 0) return;
      out.push(out.length === 0 ? movz(hw, h) : movk(hw, h));
    });
  }
  return out;
}
