/**
 * x86-64 integer instructions: moves, the ALU group, multiply and divide,
 * shifts, address computation, the stack, and the one-byte forms.
 *
 * @module
 */

import {
  type CodeEmitter,
  describeOperand,
  invalidOperand,
} from "../assembler.ts";
import {
  emitFixed,
  emitRm,
  immediate,
  needsByteRex,
  operandBits,
  pairBits,
} from "./encoding.ts";
import { X86Memory } from "./operands.ts";
import { X86Register } from "./registers.ts";

function isOperand(value: unknown): value is X86Register | X86Memory {
  return value instanceof X86Register || value instanceof X86Memory;
}

/**
 * The register/register and register/memory forms of a two-operand
 * instruction whose opcode has a byte form (`base`), a full-size form
 * (`base + 1`) and the direction bit (`+ 2`: the register is the
 * destination).
 */
function pairForm(
  e: CodeEmitter,
  m: string,
  base: number,
  dst: X86Register | X86Memory,
  src: X86Register | X86Memory,
): void {
  const bits = pairBits(m, dst, src);
  const toRm = src instanceof X86Register;
  const reg = (toRm ? src : dst) as X86Register;
  const rm = toRm ? dst : src;
  emitRm(
    e,
    m,
    base + (bits === 8 ? 0 : 1) + (toRm ? 0 : 2),
    reg.code,
    rm,
    bits === 64,
    bits === 8 && (needsByteRex(reg) || needsByteRex(rm)),
    0,
    0,
  );
}

/**
 * `mov`: register/memory/immediate moves; `mov r64, imm` is `movabs` when
 * the value does not fit a sign-extended 32-bit immediate.
 *
 * @param e The emitter.
 * @param dst A register or memory operand.
 * @param src A register, memory operand or immediate.
 */
export function mov(e: CodeEmitter, dst: unknown, src: unknown): void {
  const m = "mov";
  if (dst instanceof X86Register && !isOperand(src)) {
    if (dst.bits === 64) {
      if (
        typeof src === "number" && Number.isInteger(src) &&
        src >= -(2 ** 31) && src < 2 ** 31
      ) {
        emitRm(e, m, 0xc7, 0, dst, true, false, 4, src);
        return;
      }
      const value = BigInt.asIntN(64, wideImmediate(m, src));
      if (value >= -(2n ** 31n) && value < 2n ** 31n) {
        emitRm(e, m, 0xc7, 0, dst, true, false, 4, Number(value));
        return;
      }
      e.begin(10);
      e.u8(0x48 | (dst.code >> 3));
      e.u8(0xb8 | (dst.code & 7));
      e.u64(
        Number(BigInt.asIntN(32, value)),
        Number(BigInt.asIntN(32, value >> 32n)),
      );
      return;
    }
    const imm = immediate(m, src, dst.bits);
    e.begin(6);
    if (dst.code >= 8 || needsByteRex(dst)) e.u8(0x40 | (dst.code >> 3));
    if (dst.bits === 8) {
      e.u8(0xb0 | (dst.code & 7));
      e.u8(imm);
    } else {
      e.u8(0xb8 | (dst.code & 7));
      e.u32(imm);
    }
    return;
  }
  if (dst instanceof X86Memory && !isOperand(src)) {
    const size = operandBits(m, dst);
    const imm = immediate(m, src, size);
    emitRm(
      e,
      m,
      size === 8 ? 0xc6 : 0xc7,
      0,
      dst,
      size === 64,
      false,
      size === 8 ? 1 : 4,
      imm,
    );
    return;
  }
  if (!isOperand(src)) {
    throw invalidOperand(m, "expected a register destination");
  }
  if (!isOperand(dst)) {
    throw invalidOperand(m, "expected a register or memory destination");
  }
  pairForm(e, m, 0x88, dst, src);
}

/**
 * The ALU group (`add or adc sbb and sub xor cmp`), `digit` being the
 * operation's number in the group.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param digit 0..7.
 * @param dst A register or memory operand.
 * @param src A register, memory operand or immediate.
 */
export function arithmetic(
  e: CodeEmitter,
  m: string,
  digit: number,
  dst: unknown,
  src: unknown,
): void {
  if (isOperand(src)) {
    if (!isOperand(dst)) {
      throw invalidOperand(m, "expected a register or memory destination");
    }
    pairForm(e, m, digit << 3, dst, src);
    return;
  }
  const bits = operandBits(m, dst);
  const operand = dst as X86Register | X86Memory;
  const imm = immediate(m, src, bits);
  const accumulator = operand instanceof X86Register && operand.code === 0;
  if (bits === 8) {
    if (accumulator) {
      emitFixed(e, ((digit << 3) | 4) | ((imm & 0xff) << 8), 2);
      return;
    }
    emitRm(e, m, 0x80, digit, operand, false, needsByteRex(operand), 1, imm);
    return;
  }
  if (imm >= -128 && imm <= 127) {
    emitRm(e, m, 0x83, digit, operand, bits === 64, false, 1, imm);
    return;
  }
  if (accumulator) {
    e.begin(6);
    if (bits === 64) e.u8(0x48);
    e.u8((digit << 3) | 5);
    e.u32(imm);
    return;
  }
  emitRm(e, m, 0x81, digit, operand, bits === 64, false, 4, imm);
}

/**
 * `test`: AND without a result, setting flags.
 *
 * @param e The emitter.
 * @param dst A register or memory operand.
 * @param src A register, memory operand or immediate.
 */
export function test(e: CodeEmitter, dst: unknown, src: unknown): void {
  const m = "test";
  if (isOperand(src)) {
    // TEST is symmetric; GNU as puts the register in the reg field.
    const reg = src instanceof X86Register ? src : dst;
    const rm = src instanceof X86Register ? dst : src;
    if (!(reg instanceof X86Register)) {
      throw invalidOperand(m, "needs a register operand");
    }
    const bits = pairBits(m, rm, reg);
    emitRm(
      e,
      m,
      bits === 8 ? 0x84 : 0x85,
      reg.code,
      rm as X86Register | X86Memory,
      bits === 64,
      bits === 8 && (needsByteRex(reg) || needsByteRex(rm)),
      0,
      0,
    );
    return;
  }
  const bits = operandBits(m, dst);
  const operand = dst as X86Register | X86Memory;
  const imm = immediate(m, src, bits);
  if (operand instanceof X86Register && operand.code === 0) {
    e.begin(6);
    if (bits === 64) e.u8(0x48);
    if (bits === 8) {
      e.u8(0xa8);
      e.u8(imm);
    } else {
      e.u8(0xa9);
      e.u32(imm);
    }
    return;
  }
  emitRm(
    e,
    m,
    bits === 8 ? 0xf6 : 0xf7,
    0,
    operand,
    bits === 64,
    needsByteRex(operand),
    bits === 8 ? 1 : 4,
    imm,
  );
}

/**
 * Checks `op r, r/m` where the destination is a 32- or 64-bit register
 * (`imul`, `cmovcc`).
 *
 * @returns The operand size.
 */
export function wideRegisterPair(
  m: string,
  dst: unknown,
  src: unknown,
): number {
  if (!(dst instanceof X86Register)) {
    throw invalidOperand(m, "the destination must be a register");
  }
  if (!isOperand(src)) {
    throw invalidOperand(m, "expected a register or a memory operand");
  }
  const bits = pairBits(m, dst, src);
  if (bits === 8) throw invalidOperand(m, "8-bit operands are not supported");
  return bits;
}

/**
 * `imul r, r/m` or `imul r, r/m, imm`.
 *
 * @param e The emitter.
 * @param dst A 32- or 64-bit register.
 * @param src A register or memory operand of the same size.
 * @param factor The immediate of the three-operand form, if any.
 */
export function imul(
  e: CodeEmitter,
  dst: unknown,
  src: unknown,
  factor: unknown,
): void {
  const m = "imul";
  const bits = wideRegisterPair(m, dst, src);
  const reg = (dst as X86Register).code;
  const rm = src as X86Register | X86Memory;
  if (factor === undefined) {
    emitRm(e, m, 0x0faf, reg, rm, bits === 64, false, 0, 0);
    return;
  }
  const imm = immediate(m, factor, bits);
  const short = imm >= -128 && imm <= 127;
  emitRm(
    e,
    m,
    short ? 0x6b : 0x69,
    reg,
    rm,
    bits === 64,
    false,
    short ? 1 : 4,
    imm,
  );
}

/**
 * The one-operand group of `f6`/`f7` (`not neg mul imul div idiv`).
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param digit The operation's number in the group.
 * @param operand A register or sized memory operand.
 */
export function unary(
  e: CodeEmitter,
  m: string,
  digit: number,
  operand: unknown,
): void {
  const bits = operandBits(m, operand);
  const rm = operand as X86Register | X86Memory;
  emitRm(
    e,
    m,
    bits === 8 ? 0xf6 : 0xf7,
    digit,
    rm,
    bits === 64,
    needsByteRex(rm),
    0,
    0,
  );
}

/**
 * The shift group (`shl shr sar`, ...) by 1, an immediate or `cl`.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param digit The operation's number in the group.
 * @param dst A register or sized memory operand.
 * @param count 0..255, or `cl`.
 */
export function shift(
  e: CodeEmitter,
  m: string,
  digit: number,
  dst: unknown,
  count: unknown,
): void {
  const bits = operandBits(m, dst);
  const rm = dst as X86Register | X86Memory;
  const w = bits === 64;
  const wide = bits === 8 ? 0 : 1;
  const byteRex = needsByteRex(rm);
  if (count instanceof X86Register) {
    if (count.code !== 1 || count.bits !== 8) {
      throw invalidOperand(m, "a register count must be cl");
    }
    emitRm(e, m, 0xd2 | wide, digit, rm, w, byteRex, 0, 0);
    return;
  }
  if (
    typeof count !== "number" || !Number.isInteger(count) || count < 0 ||
    count > 255
  ) {
    throw invalidOperand(
      m,
      `shift count ${describeOperand(count)} is not 0..255`,
    );
  }
  if (count === 1) {
    emitRm(e, m, 0xd0 | wide, digit, rm, w, byteRex, 0, 0);
    return;
  }
  emitRm(e, m, 0xc0 | wide, digit, rm, w, byteRex, 1, count);
}

/**
 * `lea r, m`.
 *
 * @param e The emitter.
 * @param dst A 32- or 64-bit register.
 * @param src A memory operand.
 */
export function lea(e: CodeEmitter, dst: unknown, src: unknown): void {
  const m = "lea";
  if (!(dst instanceof X86Register) || dst.bits === 8) {
    throw invalidOperand(m, "the destination must be a 32- or 64-bit register");
  }
  if (!(src instanceof X86Memory)) {
    throw invalidOperand(m, "the source must be a memory operand");
  }
  emitRm(e, m, 0x8d, dst.code, src, dst.bits === 64, false, 0, 0);
}

/**
 * `movzx r, r/m8`.
 *
 * @param e The emitter.
 * @param dst A 32- or 64-bit register.
 * @param src An 8-bit register or a `byte()` memory operand.
 */
export function movzx(e: CodeEmitter, dst: unknown, src: unknown): void {
  const m = "movzx";
  if (!(dst instanceof X86Register) || dst.bits === 8) {
    throw invalidOperand(m, "the destination must be a 32- or 64-bit register");
  }
  if (operandBits(m, src, 8) !== 8) {
    throw invalidOperand(m, "the source must be 8 bits wide");
  }
  const rm = src as X86Register | X86Memory;
  emitRm(e, m, 0x0fb6, dst.code, rm, dst.bits === 64, needsByteRex(rm), 0, 0);
}

/**
 * `push`/`pop` of a 64-bit register.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode 0x50 (push) or 0x58 (pop).
 * @param operand The register.
 */
export function pushPop(
  e: CodeEmitter,
  m: string,
  opcode: number,
  operand: unknown,
): void {
  if (!(operand instanceof X86Register) || operand.bits !== 64) {
    throw invalidOperand(m, "the operand must be a 64-bit register");
  }
  e.begin(2);
  if (operand.code >= 8) e.u8(0x41);
  e.u8(opcode | (operand.code & 7));
}

/**
 * Reads `mov r64, imm`'s immediate: any 64-bit pattern, signed or not.
 */
function wideImmediate(m: string, value: unknown): bigint {
  let result: bigint;
  if (typeof value === "bigint") {
    result = value;
  } else if (typeof value === "number" && Number.isSafeInteger(value)) {
    result = BigInt(value);
  } else {
    throw invalidOperand(
      m,
      `expected an integer immediate, got ${describeOperand(value)}`,
    );
  }
  if (result < -(2n ** 63n) || result > 2n ** 64n - 1n) {
    throw invalidOperand(m, `immediate ${value} does not fit 64 bits`);
  }
  return result;
}
