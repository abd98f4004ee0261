/**
 * AArch64 scalar floating point: arithmetic, fused multiply-add, compares,
 * conditional select, conversions to and from integers and between
 * precisions, rounding, and `fmov` in all its forms.
 *
 * @module
 */

import {
  type CodeEmitter,
  conditionIn,
  describeOperand,
  inRange,
  invalidOperand,
} from "../assembler.ts";
import { registerCode, ZR } from "./encoding.ts";
import { CONDITIONS } from "./operands.ts";
import { A64Register, wzr, xzr } from "./registers.ts";
import { A64ScalarRegister } from "./vector_registers.ts";

/**
 * Checks an `s` or `d` register.
 *
 * @param m The mnemonic, for errors.
 * @param r Anything.
 * @returns The precision's `type` field: 0 for `s`, 1 for `d`.
 */
export function precision(m: string, r: unknown): number {
  if (r instanceof A64ScalarRegister && (r.bits === 32 || r.bits === 64)) {
    return r.bits === 64 ? 1 : 0;
  }
  throw invalidOperand(
    m,
    `expected an s or d register, got ${describeOperand(r)}`,
  );
}

/**
 * Checks that registers are all `s` or all `d`.
 *
 * @returns The precision's `type` field.
 */
export function samePrecision(m: string, ...registers: unknown[]): number {
  const type = precision(m, registers[0]);
  for (let index = 1; index < registers.length; index++) {
    if (precision(m, registers[index]) !== type) {
      throw invalidOperand(
        m,
        `registers of different precisions (${registers.join(", ")})`,
      );
    }
  }
  return type;
}

const code = (r: unknown): number => (r as A64ScalarRegister).code;

/**
 * One source, one destination of the same precision (`fabs`, `fneg`,
 * `fsqrt`, `frint*`, `fmov` between registers).
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode The 6-bit opcode.
 * @param rd The destination.
 * @param rn The source.
 */
export function unary(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rd: unknown,
  rn: unknown,
): void {
  const type = samePrecision(m, rd, rn);
  e.word(
    0x1e204000 | (type << 22) | (opcode << 15) | (code(rn) << 5) | code(rd),
  );
}

/**
 * Two sources (`fadd`, `fsub`, `fmul`, `fdiv`, `fmax`, `fmin`, `fmaxnm`,
 * `fminnm`).
 */
export function binary(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
): void {
  const type = samePrecision(m, rd, rn, rm);
  e.word(
    0x1e200800 | (type << 22) | (code(rm) << 16) | (opcode << 12) |
      (code(rn) << 5) | code(rd),
  );
}

/** Three sources: `fmadd`, `fmsub`, `fnmadd`, `fnmsub` (`o1`, `o0`). */
export function ternary(
  e: CodeEmitter,
  m: string,
  o1: number,
  o0: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
  ra: unknown,
): void {
  const type = samePrecision(m, rd, rn, rm, ra);
  e.word(
    0x1f000000 | (type << 22) | (o1 << 21) | (code(rm) << 16) | (o0 << 15) |
      (code(ra) << 10) | (code(rn) << 5) | code(rd),
  );
}

/** `fcmp`/`fcmpe` with a register or zero. */
export function compare(
  e: CodeEmitter,
  m: string,
  signalling: boolean,
  rn: unknown,
  rm: unknown,
): void {
  const opc = signalling ? 0x10 : 0;
  if (rm === 0) {
    const type = precision(m, rn);
    e.word(0x1e202008 | (type << 22) | (code(rn) << 5) | opc);
    return;
  }
  if (typeof rm === "number") {
    throw invalidOperand(m, `only 0 can be compared with, not ${rm}`);
  }
  const type = samePrecision(m, rn, rm);
  e.word(0x1e202000 | (type << 22) | (code(rm) << 16) | (code(rn) << 5) | opc);
}

/** Checks a 4-bit NZCV value. */
function nzcvOf(m: string, value: unknown): number {
  if (!inRange(value, 0, 15)) {
    throw invalidOperand(
      m,
      `the flags value must be 0..15, got ${describeOperand(value)}`,
    );
  }
  return value as number;
}

/**
 * `fccmp rn, rm, #nzcv, cond`: compares if the condition holds, else sets
 * the flags to `nzcv`.
 */
export function conditionalCompare(
  e: CodeEmitter,
  m: string,
  rn: unknown,
  rm: unknown,
  nzcv: unknown,
  condition: unknown,
): void {
  const type = samePrecision(m, rn, rm);
  const flags = nzcvOf(m, nzcv);
  const cond = conditionIn(CONDITIONS, m, condition);
  e.word(
    0x1e200400 | (type << 22) | (code(rm) << 16) | (cond << 12) |
      (code(rn) << 5) | flags,
  );
}

/** `fcsel rd, rn, rm, cond`. */
export function select(
  e: CodeEmitter,
  m: string,
  rd: unknown,
  rn: unknown,
  rm: unknown,
  condition: unknown,
): void {
  const type = samePrecision(m, rd, rn, rm);
  const cond = conditionIn(CONDITIONS, m, condition);
  e.word(
    0x1e200c00 | (type << 22) | (code(rm) << 16) | (cond << 12) |
      (code(rn) << 5) | code(rd),
  );
}

/**
 * A conversion between a general register and a floating-point one:
 * `sf 0 0 11110 type 1 rmode opcode 000000 Rn Rd`.
 */
function integerConversion(
  e: CodeEmitter,
  general: A64Register,
  type: number,
  rmode: number,
  opcode: number,
  rn: number,
  rd: number,
): void {
  e.word(
    (general.bits === 64 ? 0x80000000 : 0) | 0x1e200000 | (type << 22) |
      (rmode << 19) | (opcode << 16) | (rn << 5) | rd,
  );
}

/** Checks a w or x register (the zero register allowed). */
function general(m: string, r: unknown): A64Register {
  registerCode(m, r, ZR);
  return r as A64Register;
}

/** `scvtf`/`ucvtf s|d, w|x`: an integer to floating point. */
export function fromInteger(
  e: CodeEmitter,
  m: string,
  unsigned: boolean,
  rd: unknown,
  rn: unknown,
): void {
  const type = precision(m, rd);
  const source = general(m, rn);
  integerConversion(
    e,
    source,
    type,
    0,
    unsigned ? 3 : 2,
    source.code,
    code(rd),
  );
}

/** `fcvtzs`/`fcvtzu w|x, s|d`: floating point to an integer, toward zero. */
export function toInteger(
  e: CodeEmitter,
  m: string,
  unsigned: boolean,
  rd: unknown,
  rn: unknown,
): void {
  const destination = general(m, rd);
  const type = precision(m, rn);
  integerConversion(
    e,
    destination,
    type,
    3,
    unsigned ? 1 : 0,
    code(rn),
    destination.code,
  );
}

/** `fcvt d, s` or `fcvt s, d`. */
export function convertPrecision(
  e: CodeEmitter,
  m: string,
  rd: unknown,
  rn: unknown,
): void {
  const to = precision(m, rd);
  const from = precision(m, rn);
  if (to === from) {
    throw invalidOperand(m, `converts between s and d, not ${rd} and ${rn}`);
  }
  e.word(
    0x1e204000 | (from << 22) | ((4 | to) << 15) | (code(rn) << 5) | code(rd),
  );
}

/**
 * The 8-bit immediate of `fmov` for `value`, or -1: values
 * ±(16 + m)/16 × 2^e with m 0..15 and e -3..4 (0.125 to 31, in steps of
 * their sixteenths).
 *
 * @param value Any number.
 * @returns The `imm8` field, or -1.
 */
export function fmovImmediate(value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value === 0) {
    return -1;
  }
  const sign = value < 0 || Object.is(value, -0) ? 1 : 0;
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log2(magnitude));
  if (exponent < -3 || exponent > 4) return -1;
  const fraction = (magnitude / 2 ** exponent) * 16 - 16;
  if (!Number.isInteger(fraction) || fraction < 0 || fraction > 15) return -1;
  // Reconstructing guards against log2 rounding at exact powers of two.
  if ((16 + fraction) / 16 * 2 ** exponent !== magnitude) return -1;
  const bcd = exponent <= 0 ? 4 | (exponent + 3) : exponent - 1;
  return (sign << 7) | (bcd << 4) | fraction;
}

/**
 * `fmov`: between `s`/`d` registers, between `w`/`s` and `x`/`d`, or an
 * encodable immediate into `s`/`d` (`0` becomes `fmov` from the zero
 * register, as GNU as writes it).
 */
export function fmov(e: CodeEmitter, rd: unknown, rn: unknown): void {
  const m = "fmov";
  if (rd instanceof A64Register) {
    const type = precision(m, rn);
    if (rd.bits !== (type === 1 ? 64 : 32)) {
      throw invalidOperand(m, `sizes differ (${rd}, ${rn})`);
    }
    general(m, rd);
    integerConversion(e, rd, type, 0, 6, code(rn), rd.code);
    return;
  }
  const type = precision(m, rd);
  if (rn instanceof A64Register) {
    general(m, rn);
    if (rn.bits !== (type === 1 ? 64 : 32)) {
      throw invalidOperand(m, `sizes differ (${rd}, ${rn})`);
    }
    integerConversion(e, rn, type, 0, 7, rn.code, code(rd));
    return;
  }
  if (typeof rn === "number") {
    if (rn === 0 && !Object.is(rn, -0)) {
      integerConversion(
        e,
        type === 1 ? xzr : wzr,
        type,
        0,
        7,
        31,
        code(rd),
      );
      return;
    }
    const imm8 = fmovImmediate(rn);
    if (imm8 === -1) {
      throw invalidOperand(
        m,
        `${rn} is not an encodable immediate (±n/16 × 2^e, n 16..31, e -3..4)`,
      );
    }
    e.word(0x1e201000 | (type << 22) | (imm8 << 13) | code(rd));
    return;
  }
  unary(e, m, 0, rd, rn);
}
