/**
 * AArch64 integer data processing: moves and wide immediates, add and
 * subtract, multiply and divide, logical operations, shifts, conditional
 * selects, and the system hints the assembler knows (`nop`, `brk`).
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
import {
  integerImmediate,
  logicalImmediate,
  moveImmediate,
  registerCode,
  sameSize2,
  sameSize3,
  sameSize4,
  sf,
  SP,
  ZR,
} from "./encoding.ts";
import { CONDITIONS } from "./operands.ts";
import { A64Register, wzr, xzr } from "./registers.ts";

/**
 * The zero register of `r`'s size (for the aliases `cmp`, `cmn`, `mul`).
 *
 * @param r A register (anything else is checked by the encoder).
 * @returns `wzr` or `xzr`.
 */
export function zeroLike(r: unknown): A64Register {
  return r instanceof A64Register && r.bits === 32 ? wzr : xzr;
}

/**
 * `movz`/`movk`/`movn`: a 16-bit immediate at bit 0, 16, 32 or 48.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode The operation's bits.
 * @param rd The destination.
 * @param imm16 0..65535.
 * @param shift 0, 16 (and 32, 48 for x registers).
 */
export function moveWide(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rd: unknown,
  imm16: unknown,
  shift: unknown,
): void {
  const d = registerCode(m, rd, ZR);
  if (!inRange(imm16, 0, 0xffff)) {
    throw invalidOperand(
      m,
      `immediate ${describeOperand(imm16)} is not 0..65535`,
    );
  }
  const bits = (rd as A64Register).bits;
  if (
    !(shift === 0 || shift === 16 ||
      (bits === 64 && (shift === 32 || shift === 48)))
  ) {
    throw invalidOperand(
      m,
      `shift ${describeOperand(shift)} is not one of ${
        bits === 64 ? "0, 16, 32, 48" : "0, 16"
      }`,
    );
  }
  e.word(
    sf(bits) | opcode | (((shift as number) / 16) << 21) |
      ((imm16 as number) << 5) | d,
  );
}

/**
 * `mov`: between registers (`sp` included), or an immediate in the fewest
 * words.
 *
 * @param e The emitter.
 * @param rd The destination.
 * @param source A register or an integer.
 */
export function mov(e: CodeEmitter, rd: unknown, source: unknown): void {
  const m = "mov";
  if (source instanceof A64Register) {
    const bits = sameSize2(m, rd, source);
    const destination = rd as A64Register;
    if (destination.kind === "sp" || source.kind === "sp") {
      const d = registerCode(m, rd, SP);
      const n = registerCode(m, source, SP);
      e.word(sf(bits) | 0x11000000 | (n << 5) | d);
      return;
    }
    const d = registerCode(m, rd, ZR);
    const n = registerCode(m, source, ZR);
    e.word(sf(bits) | 0x2a0003e0 | (n << 16) | d);
    return;
  }
  const d = registerCode(m, rd, 0);
  const bits = (rd as A64Register).bits;
  const value = integerImmediate(m, source, bits);
  if (typeof value === "number" && value >= -0xffff && value <= 0xffff) {
    // One movz or movn holds it: no sequence to build.
    e.word(
      value >= 0
        ? sf(bits) | 0x52800000 | (value << 5) | d
        : sf(bits) | 0x12800000 | ((~value & 0xffff) << 5) | d,
    );
    return;
  }
  const words = moveImmediate(value, bits, d);
  for (let index = 0; index < words.length; index++) e.word(words[index]);
}

/**
 * `add`, `sub`, `adds`, `subs` (and `cmp`, `cmn` with a zero destination)
 * with a register or an immediate (12 bits, optionally shifted by 12;
 * GNU as's choices for negative and 4096-multiple immediates).
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param subtract Whether it subtracts.
 * @param setFlags Whether it sets the flags.
 * @param rd The destination.
 * @param rn The first operand.
 * @param operand A register or an immediate.
 * @param shift `undefined`, 0 or 12.
 */
export function addSub(
  e: CodeEmitter,
  m: string,
  subtract: boolean,
  setFlags: boolean,
  rd: unknown,
  rn: unknown,
  operand: unknown,
  shift: unknown,
): void {
  const flagBit = setFlags ? 0x20000000 : 0;
  if (operand instanceof A64Register) {
    if (shift !== undefined) {
      throw invalidOperand(m, "a shift needs an immediate");
    }
    const bits = sameSize3(m, rd, rn, operand);
    const opBit = subtract ? 0x40000000 : 0;
    const r = registerCode(m, operand, ZR);
    if (
      (rd as A64Register).kind === "sp" || (rn as A64Register).kind === "sp"
    ) {
      // The extended-register form reads register 31 as sp.
      const d = registerCode(m, rd, setFlags ? ZR : SP);
      const n = registerCode(m, rn, SP);
      const option = bits === 64 ? 3 : 2; // UXTX / UXTW, i.e. LSL #0
      e.word(
        sf(bits) | opBit | flagBit | 0x0b200000 | (r << 16) | (option << 13) |
          (n << 5) | d,
      );
      return;
    }
    const d = registerCode(m, rd, ZR);
    const n = registerCode(m, rn, ZR);
    e.word(sf(bits) | opBit | flagBit | 0x0b000000 | (r << 16) | (n << 5) | d);
    return;
  }
  const bits = sameSize2(m, rd, rn);
  if (typeof operand !== "number" || !Number.isInteger(operand)) {
    throw invalidOperand(
      m,
      `expected a register or an integer, got ${describeOperand(operand)}`,
    );
  }
  // A negative immediate is the opposite operation, as GNU as does it.
  let value = operand;
  let sub = subtract;
  if (value < 0) {
    value = -value;
    sub = !sub;
  }
  let shifted: boolean;
  if (shift === 12) {
    shifted = true;
  } else if (shift === undefined || shift === 0) {
    shifted = shift === undefined && value > 0xfff && value % 0x1000 === 0;
    if (shifted) value /= 0x1000;
  } else {
    throw invalidOperand(m, `shift ${describeOperand(shift)} is not 0 or 12`);
  }
  if (!(value >= 0 && value <= 0xfff)) {
    throw invalidOperand(
      m,
      `immediate ${operand} is not encodable (12 bits, optionally shifted by 12)`,
    );
  }
  const d = registerCode(m, rd, setFlags ? ZR : SP);
  const n = registerCode(m, rn, SP);
  e.word(
    sf(bits) | (sub ? 0x40000000 : 0) | flagBit | 0x11000000 |
      (shifted ? 0x400000 : 0) | (value << 10) | (n << 5) | d,
  );
}

/**
 * `neg rd, rm` (`sub rd, zr, rm`).
 *
 * @param e The emitter.
 * @param rd The destination.
 * @param rm The operand.
 */
export function neg(e: CodeEmitter, rd: unknown, rm: unknown): void {
  const m = "neg";
  const bits = sameSize2(m, rd, rm);
  const d = registerCode(m, rd, ZR);
  const r = registerCode(m, rm, ZR);
  e.word(sf(bits) | 0x4b0003e0 | (r << 16) | d);
}

/**
 * The three-source group: `madd`, `msub` (and `mul` with a zero addend).
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode The operation's bits.
 * @param rd The destination.
 * @param rn The first factor.
 * @param rm The second factor.
 * @param ra The addend.
 */
export function threeSource(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
  ra: unknown,
): void {
  const bits = sameSize4(m, rd, rn, rm, ra);
  const d = registerCode(m, rd, ZR);
  const n = registerCode(m, rn, ZR);
  const r = registerCode(m, rm, ZR);
  const a = registerCode(m, ra, ZR);
  e.word(sf(bits) | opcode | (r << 16) | (a << 10) | (n << 5) | d);
}

/**
 * The two-source group: `sdiv`, `udiv`, and shifts by a register.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode The operation's bits.
 * @param rd The destination.
 * @param rn The first operand.
 * @param rm The second operand.
 */
export function twoSource(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rd: unknown,
  rn: unknown,
  rm: unknown,
): void {
  const bits = sameSize3(m, rd, rn, rm);
  const d = registerCode(m, rd, ZR);
  const n = registerCode(m, rn, ZR);
  const r = registerCode(m, rm, ZR);
  e.word(sf(bits) | opcode | (r << 16) | (n << 5) | d);
}

/**
 * `and`, `orr`, `eor` with a register or a logical immediate.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opc 0 (and), 1 (orr), 2 (eor).
 * @param rd The destination.
 * @param rn The first operand.
 * @param operand A register or an immediate.
 */
export function logical(
  e: CodeEmitter,
  m: string,
  opc: number,
  rd: unknown,
  rn: unknown,
  operand: unknown,
): void {
  if (operand instanceof A64Register) {
    const bits = sameSize3(m, rd, rn, operand);
    const d = registerCode(m, rd, ZR);
    const n = registerCode(m, rn, ZR);
    const r = registerCode(m, operand, ZR);
    e.word(sf(bits) | (opc << 29) | 0x0a000000 | (r << 16) | (n << 5) | d);
    return;
  }
  const bits = sameSize2(m, rd, rn);
  const encoded = logicalImmediate(integerImmediate(m, operand, bits), bits);
  if (encoded === -1) {
    throw invalidOperand(
      m,
      `immediate ${operand} is not encodable as a logical immediate`,
    );
  }
  const d = registerCode(m, rd, SP);
  const n = registerCode(m, rn, ZR);
  e.word(sf(bits) | (opc << 29) | 0x12000000 | encoded | (n << 5) | d);
}

/**
 * `lsl`, `lsr`, `asr` by an immediate (aliases of `ubfm`/`sbfm`) or a
 * register.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param rd The destination.
 * @param rn The operand.
 * @param amount 0..bits-1, or a register.
 */
export function shift(
  e: CodeEmitter,
  m: "lsl" | "lsr" | "asr",
  rd: unknown,
  rn: unknown,
  amount: unknown,
): void {
  if (amount instanceof A64Register) {
    const opcode = m === "lsl"
      ? 0x1ac02000
      : m === "lsr"
      ? 0x1ac02400
      : 0x1ac02800;
    twoSource(e, m, opcode, rd, rn, amount);
    return;
  }
  const bits = sameSize2(m, rd, rn);
  const d = registerCode(m, rd, ZR);
  const n = registerCode(m, rn, ZR);
  if (!inRange(amount, 0, bits - 1)) {
    throw invalidOperand(
      m,
      `shift ${describeOperand(amount)} is not 0..${bits - 1}`,
    );
  }
  const count = amount as number;
  // lsl #s is ubfm #(-s mod size), #(size-1-s).
  const immr = m === "lsl" ? (bits - count) % bits : count;
  const imms = m === "lsl" ? bits - 1 - count : bits - 1;
  const base = m === "asr" ? 0x13000000 : 0x53000000;
  const n64 = bits === 64 ? 0x80400000 : 0;
  e.word(base | n64 | (immr << 16) | (imms << 10) | (n << 5) | d);
}

/**
 * `cset rd, cond` (`csinc rd, zr, zr, invert(cond)`).
 *
 * @param e The emitter.
 * @param rd The destination.
 * @param condition Any condition but `al` and `nv`.
 */
export function cset(e: CodeEmitter, rd: unknown, condition: unknown): void {
  const m = "cset";
  const code = conditionIn(CONDITIONS, m, condition);
  if (code >= 14) {
    throw invalidOperand(m, `condition ${condition} is not allowed`);
  }
  const d = registerCode(m, rd, ZR);
  e.word(sf((rd as A64Register).bits) | 0x1a9f07e0 | ((code ^ 1) << 12) | d);
}

/**
 * `csel rd, rn, rm, cond`.
 *
 * @param e The emitter.
 * @param rd The destination.
 * @param rn Chosen when the condition holds.
 * @param rm Chosen otherwise.
 * @param condition A condition.
 */
export function csel(
  e: CodeEmitter,
  rd: unknown,
  rn: unknown,
  rm: unknown,
  condition: unknown,
): void {
  const m = "csel";
  const code = conditionIn(CONDITIONS, m, condition);
  const bits = sameSize3(m, rd, rn, rm);
  const d = registerCode(m, rd, ZR);
  const n = registerCode(m, rn, ZR);
  const r = registerCode(m, rm, ZR);
  e.word(sf(bits) | 0x1a800000 | (r << 16) | (code << 12) | (n << 5) | d);
}

/**
 * `brk #imm16`.
 *
 * @param e The emitter.
 * @param imm16 0..65535.
 */
export function brk(e: CodeEmitter, imm16: unknown): void {
  if (!inRange(imm16, 0, 0xffff)) {
    throw invalidOperand(
      "brk",
      `immediate ${describeOperand(imm16)} is not 0..65535`,
    );
  }
  e.word(0xd4200000 | ((imm16 as number) << 5));
}
