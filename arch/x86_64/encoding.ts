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
import { X86Register, type X86VectorRegister } from "./registers.ts";

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
 * @param prefix A mandatory prefix byte before REX (`0x66`, `0xf2`,
 *   `0xf3` for SSE), or 0.
 */
export function emitRm(
  e: CodeEmitter,
  m: string,
  opcode: number,
  reg: number,
  rm: X86Register | X86VectorRegister | X86Memory,
  w: boolean,
  byteRex: boolean,
  immSize: number,
  imm: number,
  prefix = 0,
): void {
  if (!(rm instanceof X86Memory)) {
    emitRegisterForm(e, opcode, reg, rm.code, w, byteRex, immSize, imm, prefix);
    return;
  }
  const label = addressLabel(e, m, rm);
  const rex = (w ? 8 : 0) | ((reg >> 1) & 4) | addressRex(rm);
  e.begin(MAX_INSTRUCTION);
  const buffer = e.buffer;
  let at = e.cursor;
  if (prefix !== 0) buffer[at++] = prefix;
  if (rex !== 0 || byteRex) buffer[at++] = 0x40 | rex;
  if (opcode > 0xffff) buffer[at++] = opcode >> 16;
  if (opcode > 0xff) buffer[at++] = (opcode >> 8) & 0xff;
  buffer[at++] = opcode & 0xff;
  at = writeAddress(e, at, reg, rm, label);
  const fixupAt = label === -1 ? -1 : at - 4;
  at = writeImmediate(e, at, immSize, imm);
  e.cursor = at;
  if (fixupAt !== -1) e.fixup(Fixup.X86Rel32, fixupAt, label, m);
}

/**
 * The label of a `[rip + label]` operand, checked, or -1 for a register
 * address (whose base is checked).
 */
function addressLabel(e: CodeEmitter, m: string, rm: X86Memory): number {
  if (rm.label !== undefined) return e.labelId(m, rm.label);
  if (!(rm.base instanceof X86Register)) {
    throw invalidOperand(m, "expected a memory operand from mem()");
  }
  return -1;
}

/** REX.X and REX.B for a memory operand's index and base. */
function addressRex(rm: X86Memory): number {
  if (rm.label !== undefined) return 0;
  return ((rm.base as X86Register).code >> 3) |
    (rm.index === undefined ? 0 : (rm.index.code >> 3) << 1);
}

/**
 * Writes ModRM, SIB and displacement for a memory operand; a `[rip +
 * label]` operand's displacement is the last 4 bytes written, left zero
 * for its fixup.
 *
 * @returns Where the next byte goes.
 */
function writeAddress(
  e: CodeEmitter,
  at: number,
  reg: number,
  rm: X86Memory,
  label: number,
): number {
  const buffer = e.buffer;
  const field = (reg & 7) << 3;
  if (label !== -1) {
    buffer[at++] = 0x05 | field;
    e.view.setInt32(at, 0, true);
    return at + 4;
  }
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
  return at;
}

/** Writes a 0-, 1- or 4-byte immediate; returns where the next byte goes. */
function writeImmediate(
  e: CodeEmitter,
  at: number,
  immSize: number,
  imm: number,
): number {
  if (immSize === 1) {
    e.buffer[at++] = imm;
  } else if (immSize === 4) {
    e.view.setInt32(at, imm, true);
    at += 4;
  }
  return at;
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
  prefix: number,
): void {
  e.begin(MAX_INSTRUCTION);
  const buffer = e.buffer;
  let at = e.cursor;
  if (prefix !== 0) buffer[at++] = prefix;
  const rex = (w ? 8 : 0) | ((reg >> 1) & 4) | (rm >> 3);
  if (rex !== 0 || byteRex) buffer[at++] = 0x40 | rex;
  if (opcode > 0xffff) buffer[at++] = opcode >> 16;
  if (opcode > 0xff) buffer[at++] = (opcode >> 8) & 0xff;
  buffer[at++] = opcode & 0xff;
  buffer[at++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  e.cursor = writeImmediate(e, at, immSize, imm);
}

/** VEX opcode maps: the legacy escape bytes each stands for. */
export const VexMap = { x0f: 1, x0f38: 2, x0f3a: 3 } as const;

/**
 * Writes a VEX-encoded (AVX) instruction:
 * `VEX opcode ModRM [SIB] [displacement] [immediate]`, with the two-byte
 * VEX prefix wherever it can express the instruction, as GNU as does.
 * Operands must already be checked, as for {@linkcode emitRm}.
 *
 * @param e The emitter.
 * @param m The mnemonic, for errors.
 * @param pp The implied prefix: 0 none, 1 `66`, 2 `F3`, 3 `F2`.
 * @param map The opcode map ({@linkcode VexMap}).
 * @param l VEX.L: 1 for 256-bit vectors.
 * @param w VEX.W.
 * @param opcode The opcode byte.
 * @param reg The ModRM reg field: a register number or an opcode extension.
 * @param vvvv The extra source register's number (0 when unused).
 * @param rm The register or memory operand.
 * @param imm An 8-bit immediate, or -1 for none.
 */
export function emitVex(
  e: CodeEmitter,
  m: string,
  pp: number,
  map: number,
  l: number,
  w: number,
  opcode: number,
  reg: number,
  vvvv: number,
  rm: X86Register | X86VectorRegister | X86Memory,
  imm: number,
): void {
  const memory = rm instanceof X86Memory;
  const label = memory ? addressLabel(e, m, rm) : -1;
  // Inverted R, X, B as VEX stores them.
  const xb = memory ? addressRex(rm) : rm.code >> 3;
  e.begin(MAX_INSTRUCTION);
  const buffer = e.buffer;
  let at = e.cursor;
  const tail = ((~vvvv & 15) << 3) | (l << 2) | pp;
  if (xb === 0 && w === 0 && map === VexMap.x0f) {
    buffer[at++] = 0xc5;
    buffer[at++] = ((~reg & 8) << 4) | tail;
  } else {
    buffer[at++] = 0xc4;
    buffer[at++] = ((~reg & 8) << 4) | ((~xb & 3) << 5) | map;
    buffer[at++] = (w << 7) | tail;
  }
  buffer[at++] = opcode;
  let fixupAt = -1;
  if (memory) {
    at = writeAddress(e, at, reg, rm, label);
    if (label !== -1) fixupAt = at - 4;
  } else {
    buffer[at++] = 0xc0 | ((reg & 7) << 3) | (rm.code & 7);
  }
  if (imm !== -1) buffer[at++] = imm;
  e.cursor = at;
  if (fixupAt !== -1) e.fixup(Fixup.X86Rel32, fixupAt, label, m);
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
