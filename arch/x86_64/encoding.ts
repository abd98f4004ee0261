/**
 * The x86-64 encoding core: operand checks that allocate nothing, and the
 * writer of REX, opcode, ModRM, SIB, displacement and immediate straight
 * into the emitter's buffer.
 *
 * @module
 */

import {
  type CodeEmitter,
  describeOperand,
  Fixup,
  invalidOperand,
} from "../assembler.ts";
import { X86Memory } from "./operands.ts";
import { X86Register } from "./registers.ts";

/** The longest x86-64 instruction, in bytes. */
export const MAX_INSTRUCTION = 15;

/**
 * Whether `operand` is an 8-bit register that needs a REX prefix to be
 * named (spl, bpl, sil, dil; without REX those numbers are ah..bh).
 *
 * @param operand A register or memory operand.
 * @returns Whether it is.
 */
export function needsByteRex(operand: unknown): boolean {
  return operand instanceof X86Register && operand.bits === 8 &&
    operand.code >= 4 && operand.code < 8;
}

/**
 * The size of a register or memory operand; memory takes its stated size,
 * else `implied`.
 *
 * @param m The mnemonic, for errors.
 * @param operand The operand.
 * @param implied The size another operand implies, or 0.
 * @returns 8, 32 or 64.
 */
export function operandBits(m: string, operand: unknown, implied = 0): number {
  if (operand instanceof X86Register) return operand.bits;
  if (operand instanceof X86Memory) {
    const size = operand.size ?? implied;
    if (size === 0) {
      throw invalidOperand(
        m,
        "state the memory operand's size with byte(), dword() or qword()",
      );
    }
    if (size !== 8 && size !== 32 && size !== 64) {
      throw invalidOperand(m, `operand size ${size} is not supported`);
    }
    return size;
  }
  throw invalidOperand(m, "expected a register or a memory operand");
}

/**
 * Checks a register/register or register/memory pair: sizes agree and one
 * side is a register. The register side is the ModRM reg field, the other
 * the r/m operand.
 *
 * @param m The mnemonic.
 * @param dst The destination.
 * @param src The source.
 * @returns The operand size.
 */
export function pairBits(m: string, dst: unknown, src: unknown): number {
  if (src instanceof X86Register) {
    if (!(dst instanceof X86Register || dst instanceof X86Memory)) {
      throw invalidOperand(m, "expected a register or memory destination");
    }
    const bits = operandBits(m, dst, src.bits);
    if (bits !== src.bits) {
      throw invalidOperand(m, `operand sizes differ (${dst}, ${src})`);
    }
    return bits;
  }
  if (dst instanceof X86Register && src instanceof X86Memory) {
    const bits = operandBits(m, src, dst.bits);
    if (bits !== dst.bits) {
      throw invalidOperand(
        m,
        `operand sizes differ (${dst}, memory of ${bits} bits)`,
      );
    }
    return bits;
  }
  throw invalidOperand(m, "needs a register operand");
}

/**
 * An immediate for an operand of `bits` bits, as the signed value the
 * instruction encodes. 8-bit operands take -128..255, 32-bit ones
 * -2^31..2^32-1; 64-bit operands take what a sign-extended 32-bit
 * immediate can hold, -2^31..2^31-1.
 *
 * @param m The mnemonic.
 * @param value Anything.
 * @param bits The operand size.
 * @returns The value to encode.
 */
export function immediate(m: string, value: unknown, bits: number): number {
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) {
    throw invalidOperand(
      m,
      `expected an integer immediate, got ${describeOperand(value)}`,
    );
  }
  const min = bits === 8 ? -128 : -(2 ** 31);
  const max = bits === 8 ? 255 : bits === 32 ? 2 ** 32 - 1 : 2 ** 31 - 1;
  if (number < min || number > max) {
    throw invalidOperand(
      m,
      `immediate ${value} does not fit a ${bits}-bit operand (${min}..${max})`,
    );
  }
  return bits === 8 ? (number << 24) >> 24 : number | 0;
}

/**
 * Writes a ModRM-encoded instruction:
 * `[prefix] [REX] opcode ModRM [SIB] [displacement] [immediate]`.
 * Operands must already be checked; a `[rip + label]` operand's label is
 * checked here before anything is written, and recorded as a fixup.
 *
 * @param e The emitter.
 * @param m The mnemonic, for errors.
 * @param opcode One to three opcode bytes, as one number (`0x0faf`).
 * @param reg The ModRM reg field: a register number or an opcode extension.
 * @param rm The register or memory operand.
 * @param w REX.W: a 64-bit operand size.
 * @param byteRex Whether an 8-bit operand needs an empty REX prefix.
 * @param immSize Immediate bytes after the address: 0, 1 or 4.
 * @param imm The immediate.
 */
export function emitRm(
  e: CodeEmitter,
  m: string,
  opcode: number,
  reg: number,
  rm: X86Register | X86Memory,
  w: boolean,
  byteRex: boolean,
  immSize: number,
  imm: number,
): void {
  if (rm instanceof X86Register) {
    emitRegisterForm(e, opcode, reg, rm.code, w, byteRex, immSize, imm);
    return;
  }
  let label = -1;
  let rex = (w ? 8 : 0) | ((reg >> 1) & 4);
  if (rm.label !== undefined) {
    label = e.labelId(m, rm.label);
  } else {
    const base = rm.base;
    if (!(base instanceof X86Register)) {
      throw invalidOperand(m, "expected a memory operand from mem()");
    }
    rex |= base.code >> 3;
    if (rm.index !== undefined) rex |= (rm.index.code >> 3) << 1;
  }
  e.begin(MAX_INSTRUCTION);
  const buffer = e.buffer;
  let at = e.cursor;
  if (rex !== 0 || byteRex) buffer[at++] = 0x40 | rex;
  if (opcode > 0xffff) buffer[at++] = opcode >> 16;
  if (opcode > 0xff) buffer[at++] = (opcode >> 8) & 0xff;
  buffer[at++] = opcode & 0xff;
  const field = (reg & 7) << 3;
  let fixupAt = -1;
  if (label !== -1) {
    buffer[at++] = 0x05 | field;
    fixupAt = at;
    e.view.setInt32(at, 0, true);
    at += 4;
  } else {
    const base = (rm.base as X86Register).code & 7;
    const index = rm.index;
    const disp = rm.displacement;
    // [rbp] and [r13] have no mod=00 form: they take a zero disp8.
    const mod = disp === 0 && base !== 5
      ? 0
      : disp >= -128 && disp <= 127
      ? 0x40
      : 0x80;
    if (index !== undefined || base === 4) {
      buffer[at++] = mod | field | 4;
      const scale = rm.scale;
      const scaleBits = scale === 1
        ? 0
        : scale === 2
        ? 0x40
        : scale === 4
        ? 0x80
        : 0xc0;
      buffer[at++] = scaleBits |
        ((index === undefined ? 4 : index.code & 7) << 3) | base;
    } else {
      buffer[at++] = mod | field | base;
    }
    if (mod === 0x40) {
      buffer[at++] = disp;
    } else if (mod === 0x80) {
      e.view.setInt32(at, disp, true);
      at += 4;
    }
  }
  if (immSize === 1) {
    buffer[at++] = imm;
  } else if (immSize === 4) {
    e.view.setInt32(at, imm, true);
    at += 4;
  }
  e.cursor = at;
  if (fixupAt !== -1) e.fixup(Fixup.X86Rel32, fixupAt, label, m);
}

/**
 * {@linkcode emitRm} with a register as the r/m operand (mod = 11): the
 * commonest form, kept small so that it is inlined where it is used.
 */
function emitRegisterForm(
  e: CodeEmitter,
  opcode: number,
  reg: number,
  rm: number,
  w: boolean,
  byteRex: boolean,
  immSize: number,
  imm: number,
): void {
  e.begin(MAX_INSTRUCTION);
  const buffer = e.buffer;
  let at = e.cursor;
  const rex = (w ? 8 : 0) | ((reg >> 1) & 4) | (rm >> 3);
  if (rex !== 0 || byteRex) buffer[at++] = 0x40 | rex;
  if (opcode > 0xffff) buffer[at++] = opcode >> 16;
  if (opcode > 0xff) buffer[at++] = (opcode >> 8) & 0xff;
  buffer[at++] = opcode & 0xff;
  buffer[at++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  if (immSize === 1) {
    buffer[at++] = imm;
  } else if (immSize === 4) {
    e.view.setInt32(at, imm, true);
    at += 4;
  }
  e.cursor = at;
}

/**
 * Writes an instruction of fixed bytes (up to 4, first byte lowest).
 *
 * @param e The emitter.
 * @param bytes The encoding packed little-endian into a number.
 * @param size How many bytes.
 */
export function emitFixed(e: CodeEmitter, bytes: number, size: number): void {
  e.begin(size);
  const buffer = e.buffer;
  let at = e.cursor;
  for (let index = 0; index < size; index++) {
    buffer[at++] = (bytes >>> (8 * index)) & 0xff;
  }
  e.cursor = at;
}
