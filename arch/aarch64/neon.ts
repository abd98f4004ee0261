/**
 * AArch64 Advanced SIMD (NEON): integer and floating-point arithmetic on
 * arrangements, reductions, logic, compares, element moves, immediates,
 * permutes, shifts, widening and narrowing, and the structure loads and
 * stores `ld1`/`st1`/`ld1r`.
 *
 * @module
 */

import {
  type CodeEmitter,
  describeOperand,
  inRange,
  invalidOperand,
} from "../assembler.ts";
import { registerCode, ZR } from "./encoding.ts";
import { A64Memory } from "./operands.ts";
import { A64Register } from "./registers.ts";
import {
  A64Arrangement,
  A64Element,
  A64ScalarRegister,
  SIZE_LETTERS,
} from "./vector_registers.ts";

/** Arrangement sets, one bit per arrangement (see `slot`). */
export const Arrangements = {
  /** 8b 16b 4h 8h 2s 4s 2d. */
  integer: 0b10111111,
  /** 8b 16b 4h 8h 2s 4s (no 64-bit elements). */
  narrow: 0b00111111,
  /** 8b 16b. */
  bytes: 0b00000011,
  /** 2s 4s 2d. */
  float: 0b10110000,
  /** 8b 16b 4h 8h 4s (addv). */
  across: 0b00101111,
} as const;

const NAMES = ["8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"];

/** An arrangement's slot 0..7: log2 of its element bytes, then Q. */
function slot(a: A64Arrangement): number {
  const size = a.elementBits === 8
    ? 0
    : a.elementBits === 16
    ? 1
    : a.elementBits === 32
    ? 2
    : 3;
  return size * 2 + (a.bits === 128 ? 1 : 0);
}

function allowedNames(allowed: number): string {
  return NAMES.filter((_, index) => allowed & (1 << index)).join(", ");
}

/**
 * Checks an arrangement operand (`v0.s4`).
 *
 * @param m The mnemonic, for errors.
 * @param r Anything.
 * @param allowed An {@linkcode Arrangements} set.
 * @returns The arrangement.
 */
export function arranged(
  m: string,
  r: unknown,
  allowed: number,
): A64Arrangement {
  if (r instanceof A64Arrangement) {
    if (allowed & (1 << slot(r))) return r;
    throw invalidOperand(
      m,
      `${r} is not one of the arrangements it takes (${allowedNames(allowed)})`,
    );
  }
  throw invalidOperand(
    m,
    `expected a vector arrangement such as v0.s4, got ${describeOperand(r)}`,
  );
}

/** Checks that registers share one allowed arrangement; returns it. */
function sameArrangement(
  m: string,
  allowed: number,
  ...registers: unknown[]
): A64Arrangement {
  const first = arranged(m, registers[0], allowed);
  for (let index = 1; index < registers.length; index++) {
    const other = arranged(m, registers[index], allowed);
    if (
      other.elementBits !== first.elementBits || other.lanes !== first.lanes
    ) {
      throw invalidOperand(
        m,
        `mismatched arrangements (${registers.join(", ")})`,
      );
    }
  }
  return first;
}

const q = (a: A64Arrangement): number => (a.bits === 128 ? 0x40000000 : 0);
const size = (bits: number): number =>
  bits === 8 ? 0 : bits === 16 ? 1 : bits === 32 ? 2 : 3;

/**
 * Integer "three same": `op vd.T, vn.T, vm.T` (`add`, `sub`, `mul`,
 * `addp`, `cmeq`, `cmgt`, `cmge`).
 */
export function threeSame(
  e: CodeEmitter,
  m: string,
  u: number,
  opcode: number,
  allowed: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
): void {
  const a = sameArrangement(m, allowed, rd, rn, rm);
  e.word(
    0x0e200400 | q(a) | (u << 29) | (size(a.elementBits) << 22) |
      ((rm as A64Arrangement).code << 16) | (opcode << 11) |
      ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/**
 * Bitwise "three same" on bytes: `and`, `orr`, `eor`, `bic`, `bsl`,
 * `bit`, `bif` (`u` and the `size` field pick the operation).
 */
export function logic(
  e: CodeEmitter,
  m: string,
  u: number,
  operation: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
): void {
  const a = sameArrangement(m, Arrangements.bytes, rd, rn, rm);
  e.word(
    0x0e201c00 | q(a) | (u << 29) | (operation << 22) |
      ((rm as A64Arrangement).code << 16) |
      ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/**
 * Floating-point "three same" on 2s, 4s, 2d (`fadd`, `fmla`, `fcmgt`...):
 * `u`, the `a` bit (23) and the opcode pick the operation.
 */
export function floatThreeSame(
  e: CodeEmitter,
  m: string,
  u: number,
  a23: number,
  opcode: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
): void {
  const a = sameArrangement(m, Arrangements.float, rd, rn, rm);
  e.word(
    0x0e200400 | q(a) | (u << 29) | (a23 << 23) |
      ((a.elementBits === 64 ? 1 : 0) << 22) |
      ((rm as A64Arrangement).code << 16) | (opcode << 11) |
      ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/**
 * Floating-point "two-register miscellaneous" on 2s, 4s, 2d (`fabs`,
 * `fneg`, `fsqrt`, `scvtf`, `fcvtzs`...).
 */
export function floatTwoMisc(
  e: CodeEmitter,
  m: string,
  u: number,
  a23: number,
  opcode: number,
  rd: unknown,
  rn: unknown,
): void {
  const a = sameArrangement(m, Arrangements.float, rd, rn);
  e.word(
    0x0e200800 | q(a) | (u << 29) | (a23 << 23) |
      ((a.elementBits === 64 ? 1 : 0) << 22) | (opcode << 12) |
      ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/** Checks a scalar register of `bits` bits. */
function scalarOf(m: string, r: unknown, bits: number): A64ScalarRegister {
  if (r instanceof A64ScalarRegister && r.bits === bits) return r;
  const letter = SIZE_LETTERS[bits];
  throw invalidOperand(
    m,
    `expected ${
      letter === "s" || letter === "h" ? "an" : "a"
    } ${letter} register, got ${describeOperand(r)}`,
  );
}

/**
 * A reduction across lanes into a scalar: `addv` (8b 16b 4h 8h 4s) and
 * `fmaxv`/`fminv` (4s).
 */
export function acrossLanes(
  e: CodeEmitter,
  m: string,
  u: number,
  a23: number,
  opcode: number,
  allowed: number,
  rd: unknown,
  rn: unknown,
): void {
  const a = arranged(m, rn, allowed);
  const d = scalarOf(m, rd, a.elementBits);
  const sizeField = allowed === Arrangements.across
    ? size(a.elementBits) << 22
    : a23 << 23;
  e.word(
    0x0e300800 | q(a) | (u << 29) | sizeField | (opcode << 12) |
      (a.code << 5) | d.code,
  );
}

/**
 * A pairwise reduction of a two-element vector into a scalar: `faddp s,
 * v.2s` / `faddp d, v.2d` (`float`) or `addp d, v.2d`.
 */
export function pairwiseScalar(
  e: CodeEmitter,
  m: string,
  float: boolean,
  rd: unknown,
  rn: unknown,
): void {
  if (float) {
    const a = arranged(m, rn, 0b10010000);
    const d = scalarOf(m, rd, a.elementBits);
    e.word(
      0x7e30d800 | ((a.elementBits === 64 ? 1 : 0) << 22) | (a.code << 5) |
        d.code,
    );
    return;
  }
  const a = arranged(m, rn, 0b10000000);
  const d = scalarOf(m, rd, 64);
  e.word(0x5ef1b800 | (a.code << 5) | d.code);
}

/** `zip1 zip2 uzp1 uzp2 trn1 trn2` (3-bit opcode). */
export function permute(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
): void {
  const a = sameArrangement(m, Arrangements.integer, rd, rn, rm);
  e.word(
    0x0e000800 | q(a) | (size(a.elementBits) << 22) |
      ((rm as A64Arrangement).code << 16) | (opcode << 12) |
      ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/** `ext vd.T, vn.T, vm.T, #index` on bytes. */
export function ext(
  e: CodeEmitter,
  rd: unknown,
  rn: unknown,
  rm: unknown,
  index: unknown,
): void {
  const m = "ext";
  const a = sameArrangement(m, Arrangements.bytes, rd, rn, rm);
  if (!inRange(index, 0, a.lanes - 1)) {
    throw invalidOperand(
      m,
      `the index must be 0..${a.lanes - 1}, got ${describeOperand(index)}`,
    );
  }
  e.word(
    0x2e000000 | q(a) | ((rm as A64Arrangement).code << 16) |
      ((index as number) << 11) | ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/** The `imm5` field naming an element: its size and index. */
function imm5(element: A64Element): number {
  const s = size(element.elementBits);
  return ((element.index << 1) | 1) << s;
}

function elementOf(m: string, r: unknown): A64Element {
  if (r instanceof A64Element) return r;
  throw invalidOperand(
    m,
    `expected a vector element such as v1.s(0), got ${describeOperand(r)}`,
  );
}

/**
 * `dup vd.T, vn.Ts[i]` (element) or `dup vd.T, wn|xn` (general register).
 */
export function dup(e: CodeEmitter, rd: unknown, source: unknown): void {
  const m = "dup";
  const a = arranged(m, rd, Arrangements.integer);
  if (source instanceof A64Register) {
    const n = registerCode(m, source, ZR);
    const wanted = a.elementBits === 64 ? 64 : 32;
    if (source.bits !== wanted) {
      throw invalidOperand(
        m,
        `${a} takes ${wanted === 64 ? "an x" : "a w"} register, not ${source}`,
      );
    }
    const field = 1 << size(a.elementBits);
    e.word(0x0e000c00 | q(a) | (field << 16) | (n << 5) | a.code);
    return;
  }
  const element = elementOf(m, source);
  if (element.elementBits !== a.elementBits) {
    throw invalidOperand(m, `element sizes differ (${a}, ${element})`);
  }
  e.word(
    0x0e000400 | q(a) | (imm5(element) << 16) | (element.code << 5) | a.code,
  );
}

/**
 * `ins vd.Ts[i], wn|xn` or `ins vd.Ts[i], vn.Ts[j]` (also spelled `mov`).
 */
export function ins(
  e: CodeEmitter,
  m: string,
  rd: unknown,
  source: unknown,
): void {
  const d = elementOf(m, rd);
  if (source instanceof A64Register) {
    const n = registerCode(m, source, ZR);
    const wanted = d.elementBits === 64 ? 64 : 32;
    if (source.bits !== wanted) {
      throw invalidOperand(
        m,
        `${d} takes ${wanted === 64 ? "an x" : "a w"} register, not ${source}`,
      );
    }
    e.word(0x4e001c00 | (imm5(d) << 16) | (n << 5) | d.code);
    return;
  }
  const s = elementOf(m, source);
  if (s.elementBits !== d.elementBits) {
    throw invalidOperand(m, `element sizes differ (${d}, ${s})`);
  }
  const imm4 = s.index << size(s.elementBits);
  e.word(0x6e000400 | (imm5(d) << 16) | (imm4 << 11) | (s.code << 5) | d.code);
}

/**
 * `umov wd, vn.T[i]` / `umov xd, vn.d[i]` and `smov wd|xd, vn.T[i]`:
 * an element to a general register, zero- or sign-extended.
 */
export function moveToGeneral(
  e: CodeEmitter,
  m: string,
  signed: boolean,
  rd: unknown,
  source: unknown,
): void {
  const d = registerCode(m, rd, ZR);
  const bits = (rd as A64Register).bits;
  const s = elementOf(m, source);
  const ok = signed
    ? s.elementBits < bits && s.elementBits <= 32
    : s.elementBits === bits || (bits === 32 && s.elementBits < 32);
  if (!ok) {
    throw invalidOperand(m, `cannot move ${s} to ${rd}`);
  }
  const opcode = signed ? 0x0e002c00 : 0x0e003c00;
  e.word(
    opcode | (bits === 64 ? 0x40000000 : 0) | (imm5(s) << 16) | (s.code << 5) |
      d,
  );
}

/**
 * A shift by an immediate: `shl` (0..esize-1) or `sshr`/`ushr`
 * (1..esize).
 */
export function shiftImmediate(
  e: CodeEmitter,
  m: string,
  u: number,
  opcode: number,
  left: boolean,
  rd: unknown,
  rn: unknown,
  amount: unknown,
): void {
  const a = sameArrangement(m, Arrangements.integer, rd, rn);
  const bits = a.elementBits;
  const [min, max] = left ? [0, bits - 1] : [1, bits];
  if (!inRange(amount, min, max)) {
    throw invalidOperand(
      m,
      `the shift must be ${min}..${max} for ${a}, got ${
        describeOperand(amount)
      }`,
    );
  }
  const field = left
    ? bits + (amount as number)
    : 2 * bits - (amount as number);
  e.word(
    0x0f000400 | q(a) | (u << 29) | (field << 16) | (opcode << 11) |
      ((rn as A64Arrangement).code << 5) | a.code,
  );
}

/** `sxtl`/`uxtl vd.(2T), vn.T`: widens the low half's elements. */
export function extendLong(
  e: CodeEmitter,
  m: string,
  u: number,
  rd: unknown,
  rn: unknown,
): void {
  const s = arranged(m, rn, 0b00010101);
  const d = arranged(m, rd, 0b10101000);
  if (d.elementBits !== s.elementBits * 2) {
    throw invalidOperand(m, `${d} is not twice the elements of ${s}`);
  }
  e.word(
    0x0f00a400 | (u << 29) | (s.elementBits << 16) | (s.code << 5) | d.code,
  );
}

/** `xtn vd.T, vn.(2T)`: narrows each element, keeping its low half. */
export function xtn(e: CodeEmitter, rd: unknown, rn: unknown): void {
  const m = "xtn";
  const d = arranged(m, rd, 0b00010101);
  const s = arranged(m, rn, 0b10101000);
  if (s.elementBits !== d.elementBits * 2) {
    throw invalidOperand(m, `${s} is not twice the elements of ${d}`);
  }
  e.word(0x0e212800 | (size(d.elementBits) << 22) | (s.code << 5) | d.code);
}

/**
 * `movi`/`mvni`: an immediate into every element. Bytes take 0..255;
 * halfwords 0..255 with `lsl` 0 or 8; words 0..255 with `lsl` 0, 8, 16 or
 * 24, or `{ msl: 8 | 16 }` (shifting in ones); `movi` on `d1`/`d2` (and a
 * `d` register) takes a 64-bit value whose bytes are each 0 or 0xff.
 */
export function moveImmediate(
  e: CodeEmitter,
  m: string,
  inverted: boolean,
  rd: unknown,
  value: unknown,
  shift: unknown,
): void {
  if (rd instanceof A64ScalarRegister && !inverted) {
    const d = scalarOf(m, rd, 64);
    e.word(0x2f00e400 | byteMask(m, value, shift) | d.code);
    return;
  }
  const a = arranged(m, rd, inverted ? 0b00111100 : 0b10111111);
  let op = inverted ? 1 : 0;
  let cmode: number;
  if (a.elementBits === 64) {
    op = 1;
    cmode = 0xe;
    e.word(
      0x0f000400 | q(a) | (op << 29) | (cmode << 12) |
        byteMask(m, value, shift) | a.code,
    );
    return;
  }
  if (!inRange(value, 0, 255)) {
    throw invalidOperand(
      m,
      `the immediate must be 0..255, got ${describeOperand(value)}`,
    );
  }
  const imm8 = value as number;
  if (a.elementBits === 8) {
    if (shift !== undefined && shift !== 0) {
      throw invalidOperand(m, "byte elements take no shift");
    }
    cmode = 0xe;
  } else if (typeof shift === "object" && shift !== null && "msl" in shift) {
    const msl = (shift as { msl: unknown }).msl;
    if (a.elementBits !== 32 || (msl !== 8 && msl !== 16)) {
      throw invalidOperand(m, "msl takes 8 or 16, with word elements");
    }
    cmode = msl === 8 ? 0xc : 0xd;
  } else {
    const lsl = shift ?? 0;
    const shifts = a.elementBits === 16 ? [0, 8] : [0, 8, 16, 24];
    if (!shifts.includes(lsl as number)) {
      throw invalidOperand(
        m,
        `the shift must be lsl ${shifts.join(", ")} or { msl }, got ${
          describeOperand(shift)
        }`,
      );
    }
    cmode = a.elementBits === 16
      ? 0x8 | ((lsl as number) / 4)
      : (lsl as number) / 4;
  }
  e.word(
    0x0f000400 | q(a) | (op << 29) | ((imm8 >> 5) << 16) | (cmode << 12) |
      ((imm8 & 31) << 5) | a.code,
  );
}

/** The `abc:defgh` fields of a 64-bit byte mask (each byte 0 or 0xff). */
function byteMask(m: string, value: unknown, shift: unknown): number {
  if (shift !== undefined && shift !== 0) {
    throw invalidOperand(m, "a 64-bit immediate takes no shift");
  }
  let bits: bigint;
  if (typeof value === "bigint") {
    bits = BigInt.asUintN(64, value);
  } else if (Number.isSafeInteger(value)) {
    bits = BigInt.asUintN(64, BigInt(value as number));
  } else {
    throw invalidOperand(
      m,
      `expected a 64-bit integer, got ${describeOperand(value)}`,
    );
  }
  let imm8 = 0;
  for (let index = 0; index < 8; index++) {
    const byte = Number((bits >> BigInt(index * 8)) & 0xffn);
    if (byte !== 0 && byte !== 0xff) {
      throw invalidOperand(
        m,
        `every byte of a 64-bit immediate must be 0 or 0xff, got ${
          describeOperand(value)
        }`,
      );
    }
    if (byte === 0xff) imm8 |= 1 << index;
  }
  return ((imm8 >> 5) << 16) | ((imm8 & 31) << 5);
}

/** The register list of `ld1`/`st1`: 1-4 consecutive same arrangements. */
function registerList(
  m: string,
  list: unknown,
  most: number,
): A64Arrangement {
  const registers = Array.isArray(list) ? list : [list];
  if (registers.length < 1 || registers.length > most) {
    throw invalidOperand(m, `expected 1 to ${most} registers`);
  }
  const first = sameArrangement(m, Arrangements.integer, ...registers);
  for (let index = 1; index < registers.length; index++) {
    if (
      (registers[index] as A64Arrangement).code !== (first.code + index) % 32
    ) {
      throw invalidOperand(
        m,
        `the registers must be consecutive (${registers.join(", ")})`,
      );
    }
  }
  return first;
}

/** The base register and post-index field of a structure load/store. */
function structureAddress(
  m: string,
  address: unknown,
  bytes: number,
): number {
  if (!(address instanceof A64Memory)) {
    throw invalidOperand(m, "expected mem(base) or post(base, bytes)");
  }
  const n = address.base.code;
  if (address.mode === "offset" && address.offset === 0) return n << 5;
  if (address.mode === "post" && address.offset === bytes) {
    return 0x00800000 | (31 << 16) | (n << 5);
  }
  throw invalidOperand(
    m,
    `expected [base] or a post-index of exactly ${bytes} bytes`,
  );
}

const LIST_OPCODES = [0, 0x7, 0xa, 0x6, 0x2];

/** `ld1`/`st1` of 1-4 registers, plain or post-indexed by their size. */
export function loadStoreMultiple(
  e: CodeEmitter,
  m: string,
  load: boolean,
  list: unknown,
  address: unknown,
): void {
  const a = registerList(m, list, 4);
  const count = Array.isArray(list) ? list.length : 1;
  const field = structureAddress(m, address, count * (a.bits / 8));
  e.word(
    0x0c000000 | q(a) | (load ? 0x400000 : 0) | field |
      (LIST_OPCODES[count] << 12) | (size(a.elementBits) << 10) | a.code,
  );
}

/** `ld1r {vt.T}, [base]`: one element loaded into every lane. */
export function loadReplicate(
  e: CodeEmitter,
  list: unknown,
  address: unknown,
): void {
  const m = "ld1r";
  const a = registerList(m, list, 1);
  const field = structureAddress(m, address, a.elementBits / 8);
  e.word(
    0x0d40c000 | q(a) | (field & 0x00800000 ? 0x1f0000 | 0x800000 : 0) |
      (field & 0x3e0) | (size(a.elementBits) << 10) | a.code,
  );
}
