/**
 * Reads back the instructions the x86-64 assembler emits, as GNU objdump
 * prints them in Intel syntax (`objdump -d -M intel`): mnemonic, operands
 * separated by commas, hex immediates (negative ones as the operand
 * size's two's complement), `PTR` sizes, and branch targets as addresses.
 * The listing (`Assembler.listing()`) adds offsets, bytes and label names.
 *
 * Written from Intel's SDM opcode maps (volume 2, appendix A).
 *
 * @module
 */

import { registerName } from "./registers.ts";

/** One decoded instruction. */
export interface DecodedX86 {
  /** Its length in bytes. */
  length: number;
  /** The mnemonic as objdump prints it. */
  mnemonic: string;
  /** The operands, in Intel order, as objdump prints them. */
  operands: string[];
  /** For branches and calls: the target's offset. */
  target?: number;
  /** For RIP-relative memory: the address referred to. */
  ripTarget?: number;
}

/** The high-byte registers a legacy (REX-less) 8-bit operand 4..7 names. */
const HIGH_BYTES = ["ah", "ch", "dh", "bh"];
const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const SHIFTS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"];
/** Condition codes as objdump names them, by the low nibble. */
export const CONDITIONS = [
  "o",
  "no",
  "b",
  "ae",
  "e",
  "ne",
  "be",
  "a",
  "s",
  "ns",
  "p",
  "np",
  "l",
  "ge",
  "le",
  "g",
];
/** objdump's memory operand sizes. */
export const PTR: Record<number, string> = {
  8: "BYTE PTR ",
  16: "WORD PTR ",
  32: "DWORD PTR ",
  64: "QWORD PTR ",
  128: "XMMWORD PTR ",
  256: "YMMWORD PTR ",
};

/** The reading position and prefixes of one instruction. */
export class X86Reader {
  readonly code: Uint8Array;
  readonly start: number;
  at: number;
  rex = 0;
  operandSize16 = false;
  repeat: 0 | 0xf2 | 0xf3 = 0;
  /** VEX fields, once read. */
  vex?: { l: number; vvvv: number; pp: number; map: number; w: number };

  constructor(code: Uint8Array, start: number) {
    this.code = code;
    this.start = start;
    this.at = start;
  }

  byte(): number {
    if (this.at >= this.code.length) throw new RangeError("truncated");
    return this.code[this.at++];
  }

  signed(bytes: 1 | 2 | 4): number {
    let value = 0;
    for (let n = 0; n < bytes; n++) value += this.byte() * 2 ** (8 * n);
    const limit = 2 ** (8 * bytes);
    return value >= limit / 2 ? value - limit : value;
  }

  get w(): boolean {
    return (this.rex & 8) !== 0 || this.vex?.w === 1;
  }
}

/** A ModRM operand: a register number or a memory text. */
export interface ModRm {
  reg: number;
  /** The r/m register, when mod is 3. */
  rm?: number;
  /** The memory operand (without size) otherwise. */
  memory?: string;
  /** For RIP-relative memory: the displacement (resolved at the end). */
  ripDisplacement?: number;
}

/**
 * Reads a ModRM byte and what follows it (SIB, displacement).
 *
 * @param r The reader.
 * @returns The operand.
 */
export function readModRm(r: X86Reader): ModRm {
  const modrm = r.byte();
  const mod = modrm >> 6;
  const reg = ((modrm >> 3) & 7) | (r.rex & 4 ? 8 : 0);
  const low = modrm & 7;
  if (mod === 3) return { reg, rm: low | (r.rex & 1 ? 8 : 0) };
  let base: string | undefined;
  let index = "";
  if (low === 4) {
    const sib = r.byte();
    const scale = 1 << (sib >> 6);
    const indexNumber = ((sib >> 3) & 7) | (r.rex & 2 ? 8 : 0);
    const baseLow = sib & 7;
    if (indexNumber !== 4) index = `${registerName(indexNumber, 64)}*${scale}`;
    if (!(baseLow === 5 && mod === 0)) {
      base = registerName(baseLow | (r.rex & 1 ? 8 : 0), 64);
    }
    if (base === undefined) {
      const displacement = r.signed(4);
      const parts = [index].filter((part) => part !== "");
      return {
        reg,
        memory: `[${parts.join("+")}${signedHex(displacement, true)}]`,
      };
    }
  } else if (low === 5 && mod === 0) {
    return { reg, memory: "", ripDisplacement: r.signed(4) };
  } else {
    base = registerName(low | (r.rex & 1 ? 8 : 0), 64);
  }
  const displacement = mod === 1 ? r.signed(1) : mod === 2 ? r.signed(4) : 0;
  const parts = [base, index].filter((part) => part !== "");
  const suffix = mod === 0 ? "" : signedHex(displacement, true);
  return { reg, memory: `[${parts.join("+")}${suffix}]` };
}

/** `+0x10`, `-0x8` (or `0x10` without the sign for a lone value). */
function signedHex(value: number, signed: boolean): string {
  if (value < 0) return `-0x${(-value).toString(16)}`;
  return `${signed ? "+" : ""}0x${value.toString(16)}`;
}

/**
 * An immediate as objdump prints it: the operand size's two's complement.
 *
 * @param value The value (sign-extended).
 * @param bits The operand size.
 * @returns `0x…`.
 */
export function immediate(value: number | bigint, bits: number): string {
  const wrapped = BigInt.asUintN(bits, BigInt(value));
  return `0x${wrapped.toString(16)}`;
}

/** Register name of number `n` at `bits`. */
export function register(n: number, bits: number, rex: boolean): string {
  if (bits === 8 && !rex && n >= 4 && n < 8) return HIGH_BYTES[n - 4];
  return registerName(n, bits as 8 | 16 | 32 | 64);
}

/**
 * The r/m operand as text.
 *
 * @param r The reader.
 * @param m The ModRM operand.
 * @param bits Its size.
 * @param sized Whether memory gets a `PTR` size (not for `lea`).
 * @returns The text.
 */
export function rmText(
  r: X86Reader,
  m: ModRm,
  bits: number,
  sized = true,
): string {
  if (m.rm !== undefined) return register(m.rm, bits, r.rex !== 0);
  return `${sized ? PTR[bits] : ""}${m.memory === "" ? "RIP" : m.memory}`;
}

/**
 * Finishes a decoded instruction: its length, and the text and target of
 * a RIP-relative operand (written `RIP` until the length is known).
 *
 * @param r The reader, past the instruction.
 * @param mnemonic The mnemonic.
 * @param operands The operands.
 * @param m The ModRM operand, if any.
 * @param target A branch's target.
 * @returns The instruction.
 */
export function done(
  r: X86Reader,
  mnemonic: string,
  operands: string[],
  m?: ModRm,
  target?: number,
): DecodedX86 {
  const length = r.at - r.start;
  const decoded: DecodedX86 = { length, mnemonic, operands };
  if (target !== undefined) decoded.target = target;
  if (m?.ripDisplacement !== undefined) {
    const text = `[rip+${immediate(m.ripDisplacement, 64)}]`;
    decoded.operands = operands.map((operand) => operand.replace("RIP", text));
    decoded.ripTarget = r.at + m.ripDisplacement;
  }
  return decoded;
}

/**
 * Decodes the instruction at `start`.
 *
 * @param code The program.
 * @param start Where the instruction starts.
 * @param simd Decodes the SSE/AVX instructions, given the reader after
 *   the prefixes, at the `0F` or VEX byte; `undefined` for others.
 * @returns The instruction, or `undefined` for bytes this does not know.
 */
export function decodeX86(
  code: Uint8Array,
  start: number,
  simd?: (r: X86Reader) => DecodedX86 | undefined,
): DecodedX86 | undefined {
  const r = new X86Reader(code, start);
  try {
    return decodeInteger(r, simd);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function decodeInteger(
  r: X86Reader,
  simd?: (r: X86Reader) => DecodedX86 | undefined,
): DecodedX86 | undefined {
  let op = r.byte();
  for (;;) {
    if (op === 0x66) r.operandSize16 = true;
    else if (op === 0xf2 || op === 0xf3) r.repeat = op;
    else break;
    op = r.byte();
  }
  if (op === 0xc4 || op === 0xc5) {
    r.at--;
    return simd?.(r);
  }
  if ((op & 0xf0) === 0x40) {
    r.rex = op;
    op = r.byte();
  }
  const size = r.w ? 64 : r.operandSize16 ? 16 : 32;
  const rex = r.rex !== 0;
  if (op === 0x0f) return decodeTwoByte(r, size, simd);
  if (op < 0x40 && (op & 7) < 6) {
    const name = ALU[op >> 3];
    const form = op & 7;
    if (form === 4) {
      return done(r, name, ["al", immediate(r.signed(1), 8)]);
    }
    if (form === 5) {
      const value = r.signed(size === 16 ? 2 : 4);
      return done(r, name, [register(0, size, rex), immediate(value, size)]);
    }
    const bits = form & 1 ? size : 8;
    const m = readModRm(r);
    const reg = register(m.reg, bits, rex);
    const rm = rmText(r, m, bits);
    return done(r, name, form < 2 ? [rm, reg] : [reg, rm], m);
  }
  if (op >= 0x50 && op <= 0x5f) {
    const n = (op & 7) | (r.rex & 1 ? 8 : 0);
    return done(r, op < 0x58 ? "push" : "pop", [registerName(n, 64)]);
  }
  if (op === 0x63) {
    const m = readModRm(r);
    return done(r, "movsxd", [
      register(m.reg, size, rex),
      rmText(r, m, 32),
    ], m);
  }
  if (op === 0x68 || op === 0x6a) {
    const value = r.signed(op === 0x68 ? 4 : 1);
    return done(r, "push", [immediate(value, 64)]);
  }
  if (op === 0x69 || op === 0x6b) {
    const m = readModRm(r);
    const operands = [register(m.reg, size, rex), rmText(r, m, size)];
    const value = r.signed(op === 0x69 ? (size === 16 ? 2 : 4) : 1);
    return done(r, "imul", [...operands, immediate(value, size)], m);
  }
  if (op >= 0x70 && op <= 0x7f) {
    const displacement = r.signed(1);
    return jump(r, `j${CONDITIONS[op & 15]}`, displacement);
  }
  if (op >= 0x80 && op <= 0x83 && op !== 0x82) {
    const bits = op === 0x80 ? 8 : size;
    const m = readModRm(r);
    const rm = rmText(r, m, bits);
    const value = r.signed(op === 0x81 ? (size === 16 ? 2 : 4) : 1);
    return done(r, ALU[m.reg & 7], [rm, immediate(value, bits)], m);
  }
  if (op === 0x84 || op === 0x85 || (op >= 0x88 && op <= 0x8b)) {
    const bits = op & 1 ? size : 8;
    const m = readModRm(r);
    const reg = register(m.reg, bits, rex);
    const rm = rmText(r, m, bits);
    const name = op < 0x88 ? "test" : "mov";
    return done(r, name, op === 0x8a || op === 0x8b ? [reg, rm] : [rm, reg], m);
  }
  if (op === 0x8d) {
    const m = readModRm(r);
    return done(r, "lea", [
      register(m.reg, size, rex),
      rmText(r, m, size, false),
    ], m);
  }
  if (op === 0x8f) {
    const m = readModRm(r);
    return done(r, "pop", [rmText(r, m, 64)], m);
  }
  if (op === 0x90 && !(r.rex & 1)) {
    return done(r, r.repeat === 0xf3 ? "pause" : "nop", []);
  }
  if (op === 0x98) {
    return done(r, size === 64 ? "cdqe" : size === 16 ? "cbw" : "cwde", []);
  }
  if (op === 0x99) {
    return done(r, size === 64 ? "cqo" : size === 16 ? "cwd" : "cdq", []);
  }
  if (op === 0xa8) return done(r, "test", ["al", immediate(r.signed(1), 8)]);
  if (op === 0xa9) {
    const value = r.signed(size === 16 ? 2 : 4);
    return done(r, "test", [register(0, size, rex), immediate(value, size)]);
  }
  if (op >= 0xb0 && op <= 0xb7) {
    const n = (op & 7) | (r.rex & 1 ? 8 : 0);
    return done(r, "mov", [register(n, 8, rex), immediate(r.signed(1), 8)]);
  }
  if (op >= 0xb8 && op <= 0xbf) {
    const n = (op & 7) | (r.rex & 1 ? 8 : 0);
    if (size === 64) {
      const low = r.signed(4);
      const high = r.signed(4);
      const value = (BigInt(high) << 32n) | BigInt.asUintN(32, BigInt(low));
      return done(r, "movabs", [registerName(n, 64), immediate(value, 64)]);
    }
    const value = r.signed(size === 16 ? 2 : 4);
    return done(r, "mov", [register(n, size, rex), immediate(value, size)]);
  }
  if (op === 0xc0 || op === 0xc1 || (op >= 0xd0 && op <= 0xd3)) {
    const bits = op & 1 ? size : 8;
    const m = readModRm(r);
    const rm = rmText(r, m, bits);
    const count = op <= 0xc1
      ? immediate(r.signed(1), 8)
      : op <= 0xd1
      ? "1"
      : "cl";
    return done(r, SHIFTS[m.reg & 7], [rm, count], m);
  }
  if (op === 0xc3) return done(r, "ret", []);
  if (op === 0xc2) return done(r, "ret", [immediate(r.signed(2), 16)]);
  if (op === 0xc6 || op === 0xc7) {
    const bits = op === 0xc6 ? 8 : size;
    const m = readModRm(r);
    if ((m.reg & 7) !== 0) return undefined;
    const rm = rmText(r, m, bits);
    const value = r.signed(bits === 8 ? 1 : bits === 16 ? 2 : 4);
    return done(r, "mov", [rm, immediate(value, bits)], m);
  }
  if (op === 0xcc) return done(r, "int3", []);
  if (op === 0xe8 || op === 0xe9) {
    return jump(r, op === 0xe8 ? "call" : "jmp", r.signed(4));
  }
  if (op === 0xeb) return jump(r, "jmp", r.signed(1));
  if (op === 0xf6 || op === 0xf7) {
    const bits = op === 0xf6 ? 8 : size;
    const m = readModRm(r);
    const rm = rmText(r, m, bits);
    const kind = m.reg & 7;
    if (kind === 0) {
      const value = r.signed(bits === 8 ? 1 : bits === 16 ? 2 : 4);
      return done(r, "test", [rm, immediate(value, bits)], m);
    }
    const names = ["", "", "not", "neg", "mul", "imul", "div", "idiv"];
    return kind === 1 ? undefined : done(r, names[kind], [rm], m);
  }
  if (op === 0xfe || op === 0xff) {
    const m = readModRm(r);
    const kind = m.reg & 7;
    if (kind <= 1) {
      const bits = op === 0xfe ? 8 : size;
      return done(r, kind === 0 ? "inc" : "dec", [rmText(r, m, bits)], m);
    }
    if (op === 0xfe) return undefined;
    const names: Record<number, string> = { 2: "call", 4: "jmp", 6: "push" };
    const name = names[kind];
    return name === undefined
      ? undefined
      : done(r, name, [rmText(r, m, 64)], m);
  }
  return undefined;
}

function jump(r: X86Reader, name: string, displacement: number): DecodedX86 {
  const end = r.at;
  return done(r, name, [], undefined, end + displacement);
}

function decodeTwoByte(
  r: X86Reader,
  size: number,
  simd?: (r: X86Reader) => DecodedX86 | undefined,
): DecodedX86 | undefined {
  const mark = r.at;
  const op = r.byte();
  const rex = r.rex !== 0;
  if (op === 0x1f) {
    const m = readModRm(r);
    return done(r, "nop", [rmText(r, m, size)], m);
  }
  if (op === 0x0b) return done(r, "ud2", []);
  if (op >= 0x40 && op <= 0x4f) {
    const m = readModRm(r);
    return done(r, `cmov${CONDITIONS[op & 15]}`, [
      register(m.reg, size, rex),
      rmText(r, m, size),
    ], m);
  }
  if (op >= 0x80 && op <= 0x8f) {
    return jump(r, `j${CONDITIONS[op & 15]}`, r.signed(4));
  }
  if (op >= 0x90 && op <= 0x9f) {
    const m = readModRm(r);
    return done(r, `set${CONDITIONS[op & 15]}`, [rmText(r, m, 8)], m);
  }
  if (op === 0xaf) {
    const m = readModRm(r);
    return done(r, "imul", [register(m.reg, size, rex), rmText(r, m, size)], m);
  }
  if (op === 0xb6 || op === 0xb7 || op === 0xbe || op === 0xbf) {
    const m = readModRm(r);
    return done(r, op < 0xb8 ? "movzx" : "movsx", [
      register(m.reg, size, rex),
      rmText(r, m, op & 1 ? 16 : 8),
    ], m);
  }
  r.at = mark - 1; // back to the 0x0f
  return simd?.(r);
}
