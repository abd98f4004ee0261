/**
 * An AArch64 assembler with GNU as's names and operand order, producing the
 * same words as GNU as.
 *
 * @example A function that returns 42
 * ```ts
 * import { Assembler, w0 } from "@bcpl/jit-memory/aarch64";
 *
 * const code = new Assembler().mov(w0, 42).ret().instructions();
 * console.log(code.map(String)); // [ "52800540", "d65f03c0" ]
 * ```
 *
 * @module
 */

import { Instruction } from "../instruction.ts";
import {
  AssemblerBase,
  describeOperand,
  guardOperands,
  inRange,
  invalidOperand,
  type Label,
  type LabelUse,
} from "./assembler.ts";

export { AssemblerBase, Label, type LabelUse } from "./assembler.ts";

/**
 * A general-purpose register: `x0`-`x30` (64-bit) and `w0`-`w30` (their
 * low halves), the stack pointer `sp`/`wsp` and the zero register
 * `xzr`/`wzr`, which share number 31.
 *
 * @example Register facts
 * ```ts
 * import { sp, w3, xzr } from "@bcpl/jit-memory/aarch64";
 *
 * console.log(w3.bits, sp.code, xzr.kind); // 32 31 "zr"
 * ```
 */
export class A64Register {
  /**
   * Registers are the exported constants.
   *
   * @param name GNU as's name.
   * @param code The register number, 0-31.
   * @param bits 64 for x registers, 32 for w registers.
   * @param kind `"sp"` and `"zr"` for the two meanings of number 31.
   */
  constructor(
    readonly name: string,
    readonly code: number,
    readonly bits: 32 | 64,
    readonly kind: "general" | "sp" | "zr",
  ) {}

  /**
   * The register's name.
   *
   * @returns GNU as's name, e.g. `"x0"`.
   */
  toString(): string {
    return this.name;
  }
}

const x = (n: number): A64Register =>
  new A64Register(`x${n}`, n, 64, "general");
const w = (n: number): A64Register =>
  new A64Register(`w${n}`, n, 32, "general");

/** 64-bit register 0 (first argument and result). */
export const x0: A64Register = x(0);
/** 64-bit register 1. */
export const x1: A64Register = x(1);
/** 64-bit register 2. */
export const x2: A64Register = x(2);
/** 64-bit register 3. */
export const x3: A64Register = x(3);
/** 64-bit register 4. */
export const x4: A64Register = x(4);
/** 64-bit register 5. */
export const x5: A64Register = x(5);
/** 64-bit register 6. */
export const x6: A64Register = x(6);
/** 64-bit register 7. */
export const x7: A64Register = x(7);
/** 64-bit register 8. */
export const x8: A64Register = x(8);
/** 64-bit register 9. */
export const x9: A64Register = x(9);
/** 64-bit register 10. */
export const x10: A64Register = x(10);
/** 64-bit register 11. */
export const x11: A64Register = x(11);
/** 64-bit register 12. */
export const x12: A64Register = x(12);
/** 64-bit register 13. */
export const x13: A64Register = x(13);
/** 64-bit register 14. */
export const x14: A64Register = x(14);
/** 64-bit register 15. */
export const x15: A64Register = x(15);
/** 64-bit register 16 (IP0, scratch for veneers). */
export const x16: A64Register = x(16);
/** 64-bit register 17 (IP1). */
export const x17: A64Register = x(17);
/** 64-bit register 18 (platform register). */
export const x18: A64Register = x(18);
/** 64-bit register 19 (callee-saved). */
export const x19: A64Register = x(19);
/** 64-bit register 20 (callee-saved). */
export const x20: A64Register = x(20);
/** 64-bit register 21 (callee-saved). */
export const x21: A64Register = x(21);
/** 64-bit register 22 (callee-saved). */
export const x22: A64Register = x(22);
/** 64-bit register 23 (callee-saved). */
export const x23: A64Register = x(23);
/** 64-bit register 24 (callee-saved). */
export const x24: A64Register = x(24);
/** 64-bit register 25 (callee-saved). */
export const x25: A64Register = x(25);
/** 64-bit register 26 (callee-saved). */
export const x26: A64Register = x(26);
/** 64-bit register 27 (callee-saved). */
export const x27: A64Register = x(27);
/** 64-bit register 28 (callee-saved). */
export const x28: A64Register = x(28);
/** 64-bit register 29 (frame pointer). */
export const x29: A64Register = x(29);
/** 64-bit register 30 (link register). */
export const x30: A64Register = x(30);
/** 32-bit register 0. */
export const w0: A64Register = w(0);
/** 32-bit register 1. */
export const w1: A64Register = w(1);
/** 32-bit register 2. */
export const w2: A64Register = w(2);
/** 32-bit register 3. */
export const w3: A64Register = w(3);
/** 32-bit register 4. */
export const w4: A64Register = w(4);
/** 32-bit register 5. */
export const w5: A64Register = w(5);
/** 32-bit register 6. */
export const w6: A64Register = w(6);
/** 32-bit register 7. */
export const w7: A64Register = w(7);
/** 32-bit register 8. */
export const w8: A64Register = w(8);
/** 32-bit register 9. */
export const w9: A64Register = w(9);
/** 32-bit register 10. */
export const w10: A64Register = w(10);
/** 32-bit register 11. */
export const w11: A64Register = w(11);
/** 32-bit register 12. */
export const w12: A64Register = w(12);
/** 32-bit register 13. */
export const w13: A64Register = w(13);
/** 32-bit register 14. */
export const w14: A64Register = w(14);
/** 32-bit register 15. */
export const w15: A64Register = w(15);
/** 32-bit register 16. */
export const w16: A64Register = w(16);
/** 32-bit register 17. */
export const w17: A64Register = w(17);
/** 32-bit register 18. */
export const w18: A64Register = w(18);
/** 32-bit register 19. */
export const w19: A64Register = w(19);
/** 32-bit register 20. */
export const w20: A64Register = w(20);
/** 32-bit register 21. */
export const w21: A64Register = w(21);
/** 32-bit register 22. */
export const w22: A64Register = w(22);
/** 32-bit register 23. */
export const w23: A64Register = w(23);
/** 32-bit register 24. */
export const w24: A64Register = w(24);
/** 32-bit register 25. */
export const w25: A64Register = w(25);
/** 32-bit register 26. */
export const w26: A64Register = w(26);
/** 32-bit register 27. */
export const w27: A64Register = w(27);
/** 32-bit register 28. */
export const w28: A64Register = w(28);
/** 32-bit register 29. */
export const w29: A64Register = w(29);
/** 32-bit register 30. */
export const w30: A64Register = w(30);
/** The stack pointer. */
export const sp: A64Register = new A64Register("sp", 31, 64, "sp");
/** The stack pointer's low 32 bits. */
export const wsp: A64Register = new A64Register("wsp", 31, 32, "sp");
/** The 64-bit zero register. */
export const xzr: A64Register = new A64Register("xzr", 31, 64, "zr");
/** The 32-bit zero register. */
export const wzr: A64Register = new A64Register("wzr", 31, 32, "zr");

/**
 * A memory operand: `[base, #imm]`, `[base, index, lsl #shift]`,
 * `[base, #imm]!` (pre-index) or `[base], #imm` (post-index). Made with
 * {@linkcode mem}, {@linkcode pre} and {@linkcode post}.
 *
 * @example Loading through each form
 * ```ts
 * import { Assembler, mem, post, pre, sp, x0, x1, x2 } from "@bcpl/jit-memory/aarch64";
 *
 * new Assembler()
 *   .ldr(x0, mem(x1, 8)) // ldr x0, [x1, #8]
 *   .ldr(x0, mem(x1, x2, 3)) // ldr x0, [x1, x2, lsl #3]
 *   .str(x0, pre(sp, -16)) // str x0, [sp, #-16]!
 *   .ldr(x0, post(sp, 16)); // ldr x0, [sp], #16
 * ```
 */
export class A64Memory {
  /**
   * Memory operands are made with {@linkcode mem}, {@linkcode pre} and
   * {@linkcode post}.
   *
   * @param mode How the address is formed.
   * @param base A 64-bit base register or `sp`.
   * @param offset The immediate offset, for the immediate modes.
   * @param index The index register, for `"register"`.
   * @param shift The index's left shift, for `"register"`.
   */
  constructor(
    readonly mode: "offset" | "register" | "pre" | "post",
    readonly base: A64Register,
    readonly offset: number,
    readonly index: A64Register | undefined,
    readonly shift: number,
  ) {}
}

function checkBase(m: string, base: unknown): A64Register {
  if (
    !(base instanceof A64Register) || base.bits !== 64 || base.kind === "zr"
  ) {
    throw invalidOperand(
      m,
      `the base must be an x register or sp, not ${describeOperand(base)}`,
    );
  }
  return base;
}

/**
 * Makes `[base, #imm]` (an offset; loads and stores choose the scaled or
 * unscaled form as GNU as does) or `[base, index, lsl #shift]`.
 *
 * @param base An x register or `sp`.
 * @param offsetOrIndex A byte offset, or an x index register.
 * @param shift With an index: 0, or the log2 of the access size.
 * @returns The operand.
 *
 * @example Offsets and indices
 * ```ts
 * import { mem, x0, x1 } from "@bcpl/jit-memory/aarch64";
 *
 * mem(x0); // [x0]
 * mem(x0, 16); // [x0, #16]
 * mem(x0, x1, 3); // [x0, x1, lsl #3]
 * ```
 */
export function mem(
  base: A64Register,
  offsetOrIndex?: number | A64Register,
  shift?: number,
): A64Memory {
  checkBase("mem", base);
  if (offsetOrIndex instanceof A64Register) {
    if (offsetOrIndex.bits !== 64 || offsetOrIndex.kind === "sp") {
      throw invalidOperand(
        "mem",
        `the index must be an x register, not ${
          describeOperand(offsetOrIndex)
        }`,
      );
    }
    if (shift !== undefined && !inRange(shift, 0, 3)) {
      throw invalidOperand(
        "mem",
        `index shift ${describeOperand(shift)} is not 0..3`,
      );
    }
    return new A64Memory("register", base, 0, offsetOrIndex, shift ?? 0);
  }
  if (shift !== undefined) {
    throw invalidOperand("mem", "a shift needs an index register");
  }
  const offset = offsetOrIndex ?? 0;
  if (!Number.isInteger(offset)) {
    throw invalidOperand(
      "mem",
      `offset ${describeOperand(offset)} is not an integer`,
    );
  }
  return new A64Memory("offset", base, offset, undefined, 0);
}

/**
 * Makes `[base, #imm]!`: the base is updated before the access.
 *
 * @param base An x register or `sp`.
 * @param offset The byte offset added to the base.
 * @returns The operand.
 *
 * @example Pushing a pair
 * ```ts
 * import { Assembler, pre, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
 *
 * new Assembler().stp(x29, x30, pre(sp, -16));
 * ```
 */
export function pre(base: A64Register, offset: number): A64Memory {
  checkBase("pre", base);
  if (!Number.isInteger(offset)) {
    throw invalidOperand(
      "pre",
      `offset ${describeOperand(offset)} is not an integer`,
    );
  }
  return new A64Memory("pre", base, offset, undefined, 0);
}

/**
 * Makes `[base], #imm`: the base is updated after the access.
 *
 * @param base An x register or `sp`.
 * @param offset The byte offset added to the base.
 * @returns The operand.
 *
 * @example Popping a pair
 * ```ts
 * import { Assembler, post, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
 *
 * new Assembler().ldp(x29, x30, post(sp, 16));
 * ```
 */
export function post(base: A64Register, offset: number): A64Memory {
  checkBase("post", base);
  if (!Number.isInteger(offset)) {
    throw invalidOperand(
      "post",
      `offset ${describeOperand(offset)} is not an integer`,
    );
  }
  return new A64Memory("post", base, offset, undefined, 0);
}

/**
 * A condition as GNU as spells it, for `bcond`, `cset` and `csel`.
 *
 * @example Naming a condition
 * ```ts
 * import type { Condition } from "@bcpl/jit-memory/aarch64";
 *
 * const unsignedHigherOrSame: Condition = "hs";
 * console.log(`b.${unsignedHigherOrSame}`); // "b.hs"
 * ```
 */
export type Condition =
  | "eq"
  | "ne"
  | "cs"
  | "hs"
  | "cc"
  | "lo"
  | "mi"
  | "pl"
  | "vs"
  | "vc"
  | "hi"
  | "ls"
  | "ge"
  | "lt"
  | "gt"
  | "le"
  | "al"
  | "nv";

const CONDITIONS: Record<Condition, number> = {
  eq: 0,
  ne: 1,
  cs: 2,
  hs: 2,
  cc: 3,
  lo: 3,
  mi: 4,
  pl: 5,
  vs: 6,
  vc: 7,
  hi: 8,
  ls: 9,
  ge: 10,
  lt: 11,
  gt: 12,
  le: 13,
  al: 14,
  nv: 15,
};

function conditionCode(m: string, condition: unknown): number {
  const code = (CONDITIONS as Record<string, number>)[condition as string];
  if (typeof condition !== "string" || code === undefined) {
    throw invalidOperand(m, `unknown condition ${String(condition)}`);
  }
  return code;
}

/** Which meanings of register 31 an operand may have. */
interface Allow {
  sp?: boolean;
  zr?: boolean;
}

function registerCode(m: string, r: unknown, allow: Allow = {}): number {
  if (!(r instanceof A64Register)) {
    throw invalidOperand(m, `expected a register, got ${String(r)}`);
  }
  if (r.kind === "sp" && !allow.sp) {
    throw invalidOperand(m, `${r} is not allowed here`);
  }
  if (r.kind === "zr" && !allow.zr) {
    throw invalidOperand(m, `${r} is not allowed here`);
  }
  return r.code;
}

function sameSize(m: string, ...registers: A64Register[]): 32 | 64 {
  const bits = registers[0].bits;
  if (registers.some((r) => r.bits !== bits)) {
    throw invalidOperand(
      m,
      `registers of different sizes (${registers.join(", ")})`,
    );
  }
  return bits;
}

/** `sf`: bit 31 set for 64-bit operations. */
function sf(bits: 32 | 64): number {
  return bits === 64 ? 0x80000000 : 0;
}

/**
 * Encodes `value` as a logical immediate (a rotated run of ones, repeated)
 * for a `bits`-wide operation.
 *
 * @returns `N:immr:imms` as bits 22..10 of the instruction, or undefined.
 */
function logicalImmediate(value: bigint, bits: 32 | 64): number | undefined {
  const mask = bits === 64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
  value &= mask;
  if (value === 0n || value === mask) return undefined;
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
  return undefined;
}

function toBigInt(m: string, value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  throw invalidOperand(
    m,
    `expected an integer immediate, got ${String(value)}`,
  );
}

/** An immediate for a `bits`-wide operand, as its bit pattern. */
function pattern(m: string, value: unknown, bits: 32 | 64): bigint {
  const v = toBigInt(m, value);
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (v < min || v > max) {
    throw invalidOperand(m, `immediate ${value} does not fit ${bits} bits`);
  }
  return BigInt.asUintN(bits, v);
}

const ACCESS = {
  x: { size: 3, bytes: 8 },
  w: { size: 2, bytes: 4 },
  b: { size: 0, bytes: 1 },
} as const;

/**
 * An AArch64 assembler. Methods are GNU as's mnemonics in lower case with
 * GNU operand order and return the assembler, so instructions chain.
 * Conditions are GNU's strings (`"eq"`, `"lt"`, ...).
 *
 * @example Factorial of `n` (n in x0, result in x0)
 * ```ts
 * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
 *
 * const a = new Assembler();
 * const loop = a.label();
 * const done = a.label();
 * a.mov(x1, 1)
 *   .bind(loop)
 *   .cmp(x0, 1).bcond("le", done)
 *   .mul(x1, x1, x0).sub(x0, x0, 1).b(loop)
 *   .bind(done).mov(x0, x1).ret();
 * console.log(a.instructions().length); // 9
 * ```
 */
export class Assembler extends AssemblerBase {
  /** Words print as objdump prints them. */
  protected override toInstruction(bytes: Uint8Array): Instruction {
    return bytes.length === 4
      ? new Instruction(
        new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true),
      )
      : new Instruction(bytes);
  }

  #word(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
    return this.emit(bytes);
  }

  /**
   * `movz`: move a 16-bit immediate shifted left by 0, 16, 32 or 48 bits,
   * zeroing the rest.
   *
   * @param rd The destination.
   * @param imm16 0..65535.
   * @param shift 0, 16 (and 32, 48 for x registers).
   * @returns This assembler.
   *
   * @example Building a constant
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().movz(x0, 0x1234, 16).movk(x0, 0x5678);
   * ```
   */
  movz(rd: A64Register, imm16: number, shift = 0): this {
    return this.#moveWide("movz", 0x52800000, rd, imm16, shift);
  }

  /**
   * `movk`: insert a 16-bit immediate at bit 0, 16, 32 or 48, keeping the
   * other bits.
   *
   * @param rd The destination.
   * @param imm16 0..65535.
   * @param shift 0, 16 (and 32, 48 for x registers).
   * @returns This assembler.
   *
   * @example Filling in the upper bits
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().movz(x0, 1).movk(x0, 0xffff, 48);
   * ```
   */
  movk(rd: A64Register, imm16: number, shift = 0): this {
    return this.#moveWide("movk", 0x72800000, rd, imm16, shift);
  }

  /**
   * `movn`: move the complement of a shifted 16-bit immediate.
   *
   * @param rd The destination.
   * @param imm16 0..65535.
   * @param shift 0, 16 (and 32, 48 for x registers).
   * @returns This assembler.
   *
   * @example Minus one
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().movn(x0, 0); // x0 = -1
   * ```
   */
  movn(rd: A64Register, imm16: number, shift = 0): this {
    return this.#moveWide("movn", 0x12800000, rd, imm16, shift);
  }

  /**
   * `mov`: between registers (`sp` included), or an immediate. An
   * immediate becomes one `movz`, `movn` or `orr` when one can hold it (as
   * in GNU as), otherwise the shortest `movz`/`movn` + `movk` sequence.
   *
   * @param rd The destination.
   * @param source A register, or an integer (bigint for 64 bits).
   * @returns This assembler.
   *
   * @example Registers and constants
   * ```ts
   * import { Assembler, sp, x0, x29 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler()
   *   .mov(x29, sp)
   *   .mov(x0, 42)
   *   .mov(x0, 0x1234_5678_9abc_def0n); // movz + 3 movk
   * ```
   */
  mov(rd: A64Register, source: A64Register | number | bigint): this {
    const m = "mov";
    if (source instanceof A64Register) {
      const bits = sameSize(m, rd, source);
      if (rd.kind === "sp" || source.kind === "sp") {
        const d = registerCode(m, rd, { sp: true });
        const n = registerCode(m, source, { sp: true });
        return this.#word(sf(bits) | 0x11000000 | (n << 5) | d);
      }
      const d = registerCode(m, rd, { zr: true });
      const n = registerCode(m, source, { zr: true });
      return this.#word(sf(bits) | 0x2a0003e0 | (n << 16) | d);
    }
    const d = registerCode(m, rd);
    const bits = rd.bits;
    const value = pattern(m, source, bits);
    const words = moveImmediate(value, bits, d);
    for (const word of words) this.#word(word);
    return this;
  }

  /**
   * `add`: `add rd, rn, rm` or `add rd, rn, #imm` (a 12-bit immediate,
   * optionally shifted left by 12; GNU as's choices for negative and
   * 4096-multiple immediates).
   *
   * @param rd The destination (`sp` allowed).
   * @param rn The first operand (`sp` allowed).
   * @param operand A register, or an immediate.
   * @param shift 12 to shift the immediate left by 12.
   * @returns This assembler.
   *
   * @example Adding
   * ```ts
   * import { Assembler, sp, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().add(x0, x0, x1).add(sp, sp, 16).add(x0, x1, 1, 12);
   * ```
   */
  add(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    return this.#addSub("add", false, false, rd, rn, operand, shift);
  }

  /**
   * `sub`: `sub rd, rn, rm` or `sub rd, rn, #imm`.
   *
   * @param rd The destination (`sp` allowed).
   * @param rn The first operand (`sp` allowed).
   * @param operand A register, or an immediate.
   * @param shift 12 to shift the immediate left by 12.
   * @returns This assembler.
   *
   * @example Making stack room
   * ```ts
   * import { Assembler, sp } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().sub(sp, sp, 32);
   * ```
   */
  sub(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    return this.#addSub("sub", true, false, rd, rn, operand, shift);
  }

  /**
   * `adds`: add, setting the flags.
   *
   * @param rd The destination (`xzr` allowed).
   * @param rn The first operand (`sp` allowed).
   * @param operand A register, or an immediate.
   * @param shift 12 to shift the immediate left by 12.
   * @returns This assembler.
   *
   * @example Adding with flags
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().adds(x0, x0, x1);
   * ```
   */
  adds(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    return this.#addSub("adds", false, true, rd, rn, operand, shift);
  }

  /**
   * `subs`: subtract, setting the flags.
   *
   * @param rd The destination (`xzr` allowed).
   * @param rn The first operand (`sp` allowed).
   * @param operand A register, or an immediate.
   * @param shift 12 to shift the immediate left by 12.
   * @returns This assembler.
   *
   * @example Counting down
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().subs(x0, x0, 1);
   * ```
   */
  subs(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    return this.#addSub("subs", true, true, rd, rn, operand, shift);
  }

  /**
   * `cmp`: compare (`subs` into the zero register).
   *
   * @param rn The first operand (`sp` allowed).
   * @param operand A register, or an immediate.
   * @param shift 12 to shift the immediate left by 12.
   * @returns This assembler.
   *
   * @example Comparing with a constant
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().cmp(x0, 10);
   * ```
   */
  cmp(rn: A64Register, operand: A64Register | number, shift?: 0 | 12): this {
    return this.#addSub("cmp", true, true, zeroLike(rn), rn, operand, shift);
  }

  /**
   * `cmn`: compare negative (`adds` into the zero register).
   *
   * @param rn The first operand (`sp` allowed).
   * @param operand A register, or an immediate.
   * @param shift 12 to shift the immediate left by 12.
   * @returns This assembler.
   *
   * @example Comparing with minus one
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().cmn(x0, 1);
   * ```
   */
  cmn(rn: A64Register, operand: A64Register | number, shift?: 0 | 12): this {
    return this.#addSub("cmn", false, true, zeroLike(rn), rn, operand, shift);
  }

  /**
   * `neg`: `rd = -rm`.
   *
   * @param rd The destination.
   * @param rm The operand.
   * @returns This assembler.
   *
   * @example Negating
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().neg(x0, x0);
   * ```
   */
  neg(rd: A64Register, rm: A64Register): this {
    const m = "neg";
    const bits = sameSize(m, rd, rm);
    const d = registerCode(m, rd, { zr: true });
    const r = registerCode(m, rm, { zr: true });
    return this.#word(sf(bits) | 0x4b0003e0 | (r << 16) | d);
  }

  /**
   * `mul`: `rd = rn * rm`.
   *
   * @param rd The destination.
   * @param rn The first factor.
   * @param rm The second factor.
   * @returns This assembler.
   *
   * @example Multiplying
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().mul(x0, x0, x1);
   * ```
   */
  mul(rd: A64Register, rn: A64Register, rm: A64Register): this {
    return this.#threeSource("mul", 0x1b000000, rd, rn, rm, zeroLike(rd));
  }

  /**
   * `madd`: `rd = ra + rn * rm`.
   *
   * @param rd The destination.
   * @param rn The first factor.
   * @param rm The second factor.
   * @param ra The addend.
   * @returns This assembler.
   *
   * @example Multiply-add
   * ```ts
   * import { Assembler, x0, x1, x2, x3 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().madd(x0, x1, x2, x3);
   * ```
   */
  madd(
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    ra: A64Register,
  ): this {
    return this.#threeSource("madd", 0x1b000000, rd, rn, rm, ra);
  }

  /**
   * `msub`: `rd = ra - rn * rm` (a remainder after a division).
   *
   * @param rd The destination.
   * @param rn The first factor.
   * @param rm The second factor.
   * @param ra The minuend.
   * @returns This assembler.
   *
   * @example Remainder of x0 / x1
   * ```ts
   * import { Assembler, x0, x1, x2 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().sdiv(x2, x0, x1).msub(x0, x2, x1, x0);
   * ```
   */
  msub(
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    ra: A64Register,
  ): this {
    return this.#threeSource("msub", 0x1b008000, rd, rn, rm, ra);
  }

  /**
   * `sdiv`: signed division, rounding toward zero.
   *
   * @param rd The quotient.
   * @param rn The dividend.
   * @param rm The divisor.
   * @returns This assembler.
   *
   * @example Dividing
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().sdiv(x0, x0, x1);
   * ```
   */
  sdiv(rd: A64Register, rn: A64Register, rm: A64Register): this {
    return this.#twoSource("sdiv", 0x1ac00c00, rd, rn, rm);
  }

  /**
   * `udiv`: unsigned division.
   *
   * @param rd The quotient.
   * @param rn The dividend.
   * @param rm The divisor.
   * @returns This assembler.
   *
   * @example Dividing
   * ```ts
   * import { Assembler, w0, w1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().udiv(w0, w0, w1);
   * ```
   */
  udiv(rd: A64Register, rn: A64Register, rm: A64Register): this {
    return this.#twoSource("udiv", 0x1ac00800, rd, rn, rm);
  }

  /**
   * `and`: with a register or a logical immediate.
   *
   * @param rd The destination (`sp` allowed with an immediate).
   * @param rn The first operand.
   * @param operand A register, or an encodable bit pattern.
   * @returns This assembler.
   *
   * @example Masking
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().and(x0, x0, 0xff);
   * ```
   */
  and(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number | bigint,
  ): this {
    return this.#logical("and", 0, rd, rn, operand);
  }

  /**
   * `orr`: with a register or a logical immediate.
   *
   * @param rd The destination (`sp` allowed with an immediate).
   * @param rn The first operand.
   * @param operand A register, or an encodable bit pattern.
   * @returns This assembler.
   *
   * @example Setting bits
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().orr(x0, x0, x1).orr(x0, x0, 0x8000_0000_0000_0000n);
   * ```
   */
  orr(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number | bigint,
  ): this {
    return this.#logical("orr", 1, rd, rn, operand);
  }

  /**
   * `eor`: exclusive or with a register or a logical immediate.
   *
   * @param rd The destination (`sp` allowed with an immediate).
   * @param rn The first operand.
   * @param operand A register, or an encodable bit pattern.
   * @returns This assembler.
   *
   * @example Flipping bits
   * ```ts
   * import { Assembler, w0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().eor(w0, w0, 1);
   * ```
   */
  eor(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number | bigint,
  ): this {
    return this.#logical("eor", 2, rd, rn, operand);
  }

  /**
   * `lsl`: shift left by an immediate or a register.
   *
   * @param rd The destination.
   * @param rn The value.
   * @param amount 0..63 (0..31 for w registers), or a register.
   * @returns This assembler.
   *
   * @example Scaling an index
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().lsl(x0, x1, 3);
   * ```
   */
  lsl(rd: A64Register, rn: A64Register, amount: number | A64Register): this {
    return this.#shift("lsl", rd, rn, amount);
  }

  /**
   * `lsr`: logical shift right by an immediate or a register.
   *
   * @param rd The destination.
   * @param rn The value.
   * @param amount 0..63 (0..31 for w registers), or a register.
   * @returns This assembler.
   *
   * @example Halving unsigned
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().lsr(x0, x0, 1);
   * ```
   */
  lsr(rd: A64Register, rn: A64Register, amount: number | A64Register): this {
    return this.#shift("lsr", rd, rn, amount);
  }

  /**
   * `asr`: arithmetic shift right by an immediate or a register.
   *
   * @param rd The destination.
   * @param rn The value.
   * @param amount 0..63 (0..31 for w registers), or a register.
   * @returns This assembler.
   *
   * @example The sign as 0 or -1
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().asr(x0, x0, 63);
   * ```
   */
  asr(rd: A64Register, rn: A64Register, amount: number | A64Register): this {
    return this.#shift("asr", rd, rn, amount);
  }

  /**
   * `ldr`: load an x or w register.
   *
   * @param rt The destination (`xzr`/`wzr` allowed).
   * @param address {@linkcode mem}, {@linkcode pre} or {@linkcode post}.
   * @returns This assembler.
   *
   * @example Loading an array element
   * ```ts
   * import { Assembler, mem, x0, x1, x2 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().ldr(x0, mem(x1, x2, 3));
   * ```
   */
  ldr(rt: A64Register, address: A64Memory): this {
    return this.#loadStore("ldr", true, rt, address);
  }

  /**
   * `str`: store an x or w register.
   *
   * @param rt The value (`xzr`/`wzr` allowed).
   * @param address {@linkcode mem}, {@linkcode pre} or {@linkcode post}.
   * @returns This assembler.
   *
   * @example Storing a local
   * ```ts
   * import { Assembler, mem, sp, w0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().str(w0, mem(sp, 12));
   * ```
   */
  str(rt: A64Register, address: A64Memory): this {
    return this.#loadStore("str", false, rt, address);
  }

  /**
   * `ldrb`: load a byte, zero-extended, into a w register.
   *
   * @param rt The destination w register.
   * @param address {@linkcode mem}, {@linkcode pre} or {@linkcode post}.
   * @returns This assembler.
   *
   * @example Reading the next byte of a string
   * ```ts
   * import { Assembler, post, w1, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().ldrb(w1, post(x0, 1));
   * ```
   */
  ldrb(rt: A64Register, address: A64Memory): this {
    return this.#loadStore("ldrb", true, rt, address);
  }

  /**
   * `strb`: store the low byte of a w register.
   *
   * @param rt The value's w register.
   * @param address {@linkcode mem}, {@linkcode pre} or {@linkcode post}.
   * @returns This assembler.
   *
   * @example Writing a byte
   * ```ts
   * import { Assembler, mem, w1, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().strb(w1, mem(x0));
   * ```
   */
  strb(rt: A64Register, address: A64Memory): this {
    return this.#loadStore("strb", false, rt, address);
  }

  /**
   * `ldp`: load a pair of registers.
   *
   * @param rt1 The first destination.
   * @param rt2 The second destination.
   * @param address `mem(base, imm)`, `pre(base, imm)` or `post(base, imm)`.
   * @returns This assembler.
   *
   * @example An epilogue
   * ```ts
   * import { Assembler, post, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().ldp(x29, x30, post(sp, 16)).ret();
   * ```
   */
  ldp(rt1: A64Register, rt2: A64Register, address: A64Memory): this {
    return this.#pair("ldp", true, rt1, rt2, address);
  }

  /**
   * `stp`: store a pair of registers.
   *
   * @param rt1 The first value.
   * @param rt2 The second value.
   * @param address `mem(base, imm)`, `pre(base, imm)` or `post(base, imm)`.
   * @returns This assembler.
   *
   * @example A prologue
   * ```ts
   * import { Assembler, pre, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().stp(x29, x30, pre(sp, -16)).mov(x29, sp);
   * ```
   */
  stp(rt1: A64Register, rt2: A64Register, address: A64Memory): this {
    return this.#pair("stp", false, rt1, rt2, address);
  }

  /**
   * `b`: branch to a label within ±128 MiB.
   *
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example A loop
   * ```ts
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).b(top);
   * ```
   */
  b(target: Label): this {
    return this.emitLabelUse(branch("b", target, 0x14000000, 26));
  }

  /**
   * `bl`: call a label within ±128 MiB (return address in x30).
   *
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example Calling a local function
   * ```ts
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const helper = a.label();
   * a.bl(helper).ret().bind(helper).ret();
   * ```
   */
  bl(target: Label): this {
    return this.emitLabelUse(branch("bl", target, 0x94000000, 26));
  }

  /**
   * `b.cond`: branch to a label within ±1 MiB if `condition` holds.
   *
   * @param condition GNU's name, e.g. `"ne"`.
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example Looping until zero
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).subs(x0, x0, 1).bcond("ne", top).ret();
   * ```
   */
  bcond(condition: Condition, target: Label): this {
    const code = conditionCode("b.cond", condition);
    return this.emitLabelUse(
      branch(`b.${condition}`, target, 0x54000000 | code, 19),
    );
  }

  /**
   * `cbz`: branch to a label within ±1 MiB if the register is zero.
   *
   * @param rt An x or w register.
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example Skipping on zero
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const done = a.label();
   * a.cbz(x0, done).mov(x0, 1).bind(done).ret();
   * ```
   */
  cbz(rt: A64Register, target: Label): this {
    const r = registerCode("cbz", rt, { zr: true });
    return this.emitLabelUse(
      branch("cbz", target, sf(rt.bits) | 0x34000000 | r, 19),
    );
  }

  /**
   * `cbnz`: branch to a label within ±1 MiB if the register is not zero.
   *
   * @param rt An x or w register.
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example Looping while non-zero
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).sub(x0, x0, 1).cbnz(x0, top).ret();
   * ```
   */
  cbnz(rt: A64Register, target: Label): this {
    const r = registerCode("cbnz", rt, { zr: true });
    return this.emitLabelUse(
      branch("cbnz", target, sf(rt.bits) | 0x35000000 | r, 19),
    );
  }

  /**
   * `adr`: the address of a label within ±1 MiB.
   *
   * @param rd An x register.
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example Addressing data after the code
   * ```ts
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const data = a.label();
   * a.adr(x0, data).ret().bind(data).space(8);
   * ```
   */
  adr(rd: A64Register, target: Label): this {
    const m = "adr";
    const d = registerCode(m, rd, { zr: true });
    if (rd.bits !== 64) {
      throw invalidOperand(m, "the destination must be an x register");
    }
    return this.emitLabelUse({
      label: target,
      mnemonic: m,
      sizes: [4],
      range: "±1 MiB",
      encode(_form: number, at: number, to: number): Uint8Array | undefined {
        const offset = to - at;
        if (!inRange(offset, -(2 ** 20), 2 ** 20 - 1)) return undefined;
        const imm = offset & 0x1fffff;
        return wordBytes(
          0x10000000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | d,
        );
      },
    });
  }

  /**
   * `br`: jump to the address in a register.
   *
   * @param rn An x register.
   * @returns This assembler.
   *
   * @example A tail call through x16
   * ```ts
   * import { Assembler, x16 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().br(x16);
   * ```
   */
  br(rn: A64Register): this {
    return this.#branchRegister("br", 0xd61f0000, rn);
  }

  /**
   * `blr`: call the address in a register.
   *
   * @param rn An x register.
   * @returns This assembler.
   *
   * @example Calling a function pointer
   * ```ts
   * import { Assembler, x9 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().blr(x9);
   * ```
   */
  blr(rn: A64Register): this {
    return this.#branchRegister("blr", 0xd63f0000, rn);
  }

  /**
   * `ret`: return through x30, or another x register.
   *
   * @param rn The register holding the return address.
   * @returns This assembler.
   *
   * @example Returning
   * ```ts
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().ret();
   * ```
   */
  ret(rn: A64Register = x30): this {
    return this.#branchRegister("ret", 0xd65f0000, rn);
  }

  /**
   * `cset`: 1 if `condition` holds, else 0.
   *
   * @param rd The destination.
   * @param condition GNU's name, not `"al"` or `"nv"`.
   * @returns This assembler.
   *
   * @example Comparing into a boolean
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().cmp(x0, x1).cset(x0, "lt");
   * ```
   */
  cset(rd: A64Register, condition: Condition): this {
    const m = "cset";
    const code = conditionCode(m, condition);
    if (code >= 14) {
      throw invalidOperand(m, `condition ${condition} is not allowed`);
    }
    const d = registerCode(m, rd, { zr: true });
    return this.#word(sf(rd.bits) | 0x1a9f07e0 | ((code ^ 1) << 12) | d);
  }

  /**
   * `csel`: `rd = condition ? rn : rm`.
   *
   * @param rd The destination.
   * @param rn The value if the condition holds.
   * @param rm The value otherwise.
   * @param condition GNU's name.
   * @returns This assembler.
   *
   * @example The larger of two
   * ```ts
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().cmp(x0, x1).csel(x0, x0, x1, "gt");
   * ```
   */
  csel(
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    condition: Condition,
  ): this {
    const m = "csel";
    const code = conditionCode(m, condition);
    const bits = sameSize(m, rd, rn, rm);
    const [d, n, r] = [rd, rn, rm].map((reg) =>
      registerCode(m, reg, { zr: true })
    );
    return this.#word(
      sf(bits) | 0x1a800000 | (r << 16) | (code << 12) | (n << 5) | d,
    );
  }

  /**
   * `nop`.
   *
   * @returns This assembler.
   *
   * @example Padding
   * ```ts
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().nop();
   * ```
   */
  nop(): this {
    return this.#word(0xd503201f);
  }

  /**
   * `brk`: a breakpoint trap with a 16-bit tag.
   *
   * @param imm16 0..65535.
   * @returns This assembler.
   *
   * @example Trapping
   * ```ts
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * new Assembler().brk(0x3e8);
   * ```
   */
  brk(imm16 = 0): this {
    if (!inRange(imm16, 0, 0xffff)) {
      throw invalidOperand("brk", `immediate ${imm16} is not 0..65535`);
    }
    return this.#word(0xd4200000 | (imm16 << 5));
  }

  #moveWide(
    m: string,
    opcode: number,
    rd: A64Register,
    imm16: number,
    shift: number,
  ): this {
    const d = registerCode(m, rd, { zr: true });
    if (!inRange(imm16, 0, 0xffff)) {
      throw invalidOperand(m, `immediate ${imm16} is not 0..65535`);
    }
    const shifts = rd.bits === 64 ? [0, 16, 32, 48] : [0, 16];
    if (!shifts.includes(shift)) {
      throw invalidOperand(
        m,
        `shift ${shift} is not one of ${shifts.join(", ")}`,
      );
    }
    return this.#word(
      sf(rd.bits) | opcode | ((shift / 16) << 21) | (imm16 << 5) | d,
    );
  }

  #addSub(
    m: string,
    subtract: boolean,
    setFlags: boolean,
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    const flagBit = setFlags ? 0x20000000 : 0;
    if (operand instanceof A64Register) {
      if (shift !== undefined) {
        throw invalidOperand(m, "a shift needs an immediate");
      }
      const bits = sameSize(m, rd, rn, operand);
      const opBit = subtract ? 0x40000000 : 0;
      const r = registerCode(m, operand, { zr: true });
      if (rd.kind === "sp" || rn.kind === "sp") {
        // The extended-register form reads register 31 as sp.
        const d = registerCode(m, rd, setFlags ? { zr: true } : { sp: true });
        const n = registerCode(m, rn, { sp: true });
        const option = bits === 64 ? 3 : 2; // UXTX / UXTW, i.e. LSL #0
        return this.#word(
          sf(bits) | opBit | flagBit | 0x0b200000 | (r << 16) | (option << 13) |
            (n << 5) | d,
        );
      }
      const d = registerCode(m, rd, { zr: true });
      const n = registerCode(m, rn, { zr: true });
      return this.#word(
        sf(bits) | opBit | flagBit | 0x0b000000 | (r << 16) | (n << 5) | d,
      );
    }
    const bits = sameSize(m, rd, rn);
    if (!Number.isInteger(operand)) {
      throw invalidOperand(
        m,
        `expected a register or an integer, got ${operand}`,
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
      throw invalidOperand(m, `shift ${shift} is not 0 or 12`);
    }
    if (!inRange(value, 0, 0xfff)) {
      throw invalidOperand(
        m,
        `immediate ${operand} is not encodable (12 bits, optionally shifted by 12)`,
      );
    }
    const d = registerCode(m, rd, setFlags ? { zr: true } : { sp: true });
    const n = registerCode(m, rn, { sp: true });
    return this.#word(
      sf(bits) | (sub ? 0x40000000 : 0) | flagBit | 0x11000000 |
        (shifted ? 0x400000 : 0) | (value << 10) | (n << 5) | d,
    );
  }

  #threeSource(
    m: string,
    opcode: number,
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    ra: A64Register,
  ): this {
    const bits = sameSize(m, rd, rn, rm, ra);
    const [d, n, r, a] = [rd, rn, rm, ra].map((reg) =>
      registerCode(m, reg, { zr: true })
    );
    return this.#word(sf(bits) | opcode | (r << 16) | (a << 10) | (n << 5) | d);
  }

  #twoSource(
    m: string,
    opcode: number,
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
  ): this {
    const bits = sameSize(m, rd, rn, rm);
    const [d, n, r] = [rd, rn, rm].map((reg) =>
      registerCode(m, reg, { zr: true })
    );
    return this.#word(sf(bits) | opcode | (r << 16) | (n << 5) | d);
  }

  #logical(
    m: string,
    opc: number,
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number | bigint,
  ): this {
    if (operand instanceof A64Register) {
      const bits = sameSize(m, rd, rn, operand);
      const [d, n, r] = [rd, rn, operand].map((reg) =>
        registerCode(m, reg, { zr: true })
      );
      return this.#word(
        sf(bits) | (opc << 29) | 0x0a000000 | (r << 16) | (n << 5) | d,
      );
    }
    const bits = sameSize(m, rd, rn);
    const encoded = logicalImmediate(pattern(m, operand, bits), bits);
    if (encoded === undefined) {
      throw invalidOperand(
        m,
        `immediate ${operand} is not encodable as a logical immediate`,
      );
    }
    const d = registerCode(m, rd, { sp: true });
    const n = registerCode(m, rn, { zr: true });
    return this.#word(
      sf(bits) | (opc << 29) | 0x12000000 | encoded | (n << 5) | d,
    );
  }

  #shift(
    m: "lsl" | "lsr" | "asr",
    rd: A64Register,
    rn: A64Register,
    amount: number | A64Register,
  ): this {
    if (amount instanceof A64Register) {
      const opcode = { lsl: 0x1ac02000, lsr: 0x1ac02400, asr: 0x1ac02800 }[m];
      return this.#twoSource(m, opcode, rd, rn, amount);
    }
    const bits = sameSize(m, rd, rn);
    const d = registerCode(m, rd, { zr: true });
    const n = registerCode(m, rn, { zr: true });
    if (!inRange(amount, 0, bits - 1)) {
      throw invalidOperand(m, `shift ${amount} is not 0..${bits - 1}`);
    }
    // Aliases of UBFM/SBFM: lsl #s is ubfm #(-s mod size), #(size-1-s).
    const [immr, imms] = m === "lsl"
      ? [(bits - amount) % bits, bits - 1 - amount]
      : [amount, bits - 1];
    const base = m === "asr" ? 0x13000000 : 0x53000000;
    const n64 = bits === 64 ? 0x80400000 : 0;
    return this.#word(base | n64 | (immr << 16) | (imms << 10) | (n << 5) | d);
  }

  #loadStore(
    m: "ldr" | "str" | "ldrb" | "strb",
    load: boolean,
    rt: A64Register,
    address: A64Memory,
  ): this {
    const t = registerCode(m, rt, { zr: true });
    const byteAccess = m === "ldrb" || m === "strb";
    if (byteAccess && rt.bits !== 32) {
      throw invalidOperand(m, "the register must be a w register");
    }
    if (!(address instanceof A64Memory)) {
      throw invalidOperand(
        m,
        "expected a memory operand from mem(), pre() or post()",
      );
    }
    const access = byteAccess ? ACCESS.b : rt.bits === 64 ? ACCESS.x : ACCESS.w;
    const n = address.base.code;
    const top = (access.size << 30) | (load ? 0x400000 : 0);
    switch (address.mode) {
      case "offset": {
        const offset = address.offset;
        if (
          offset >= 0 && offset % access.bytes === 0 &&
          offset / access.bytes <= 0xfff
        ) {
          const imm12 = offset / access.bytes;
          return this.#word(top | 0x39000000 | (imm12 << 10) | (n << 5) | t);
        }
        if (inRange(offset, -256, 255)) {
          // GNU as's unscaled form (LDUR/STUR) for what the scaled one
          // cannot hold.
          return this.#word(
            top | 0x38000000 | ((offset & 0x1ff) << 12) | (n << 5) | t,
          );
        }
        throw invalidOperand(
          m,
          `offset ${offset} is neither a multiple of ${access.bytes} in 0..${
            0xfff * access.bytes
          } nor in -256..255`,
        );
      }
      case "pre":
      case "post": {
        if (!inRange(address.offset, -256, 255)) {
          throw invalidOperand(m, `offset ${address.offset} is not -256..255`);
        }
        const mode = address.mode === "pre" ? 0xc00 : 0x400;
        return this.#word(
          top | 0x38000000 | ((address.offset & 0x1ff) << 12) | mode |
            (n << 5) | t,
        );
      }
      case "register": {
        const shift = address.shift;
        const scaled = Math.log2(access.bytes);
        if (shift !== 0 && shift !== scaled) {
          throw invalidOperand(
            m,
            `index shift must be 0 or ${scaled}, not ${shift}`,
          );
        }
        const r = address.index!.code;
        return this.#word(
          top | 0x38206800 | (r << 16) | (shift !== 0 ? 0x1000 : 0) | (n << 5) |
            t,
        );
      }
    }
  }

  #pair(
    m: string,
    load: boolean,
    rt1: A64Register,
    rt2: A64Register,
    address: A64Memory,
  ): this {
    const bits = sameSize(m, rt1, rt2);
    const t1 = registerCode(m, rt1, { zr: true });
    const t2 = registerCode(m, rt2, { zr: true });
    if (!(address instanceof A64Memory) || address.mode === "register") {
      throw invalidOperand(m, "expected mem(base, imm), pre() or post()");
    }
    const scale = bits === 64 ? 8 : 4;
    const offset = address.offset;
    if (offset % scale !== 0 || !inRange(offset / scale, -64, 63)) {
      throw invalidOperand(
        m,
        `offset ${offset} is not a multiple of ${scale} in ${-64 * scale}..${
          63 * scale
        }`,
      );
    }
    const mode = { post: 1, offset: 2, pre: 3 }[address.mode];
    return this.#word(
      (bits === 64 ? 0x80000000 : 0) | 0x28000000 | (mode << 23) |
        (load ? 0x400000 : 0) |
        (((offset / scale) & 0x7f) << 15) | (t2 << 10) |
        (address.base.code << 5) | t1,
    );
  }

  #branchRegister(m: string, opcode: number, rn: A64Register): this {
    const n = registerCode(m, rn, { zr: true });
    if (rn.bits !== 64) {
      throw invalidOperand(m, "the register must be an x register");
    }
    return this.#word(opcode | (n << 5));
  }
}

/** The zero register of `r`'s size. */
function zeroLike(r: A64Register): A64Register {
  return r instanceof A64Register && r.bits === 32 ? wzr : xzr;
}

function wordBytes(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return bytes;
}

/** A PC-relative branch with a `bits`-wide word offset at bit 0 or 5. */
function branch(
  m: string,
  label: Label,
  opcode: number,
  bits: 26 | 19,
): LabelUse {
  const limit = 2 ** (bits - 1);
  return {
    label,
    mnemonic: m,
    sizes: [4],
    range: bits === 26 ? "±128 MiB" : "±1 MiB",
    encode(_form: number, at: number, target: number): Uint8Array | undefined {
      const words = (target - at) / 4;
      if (!inRange(words, -limit, limit - 1)) return undefined;
      const field = words & (2 * limit - 1);
      return wordBytes(opcode | (bits === 26 ? field : field << 5));
    },
  };
}

/**
 * The shortest sequence that puts `value` in register `d`: one `movz`,
 * `movn` or `orr` (as GNU as's `mov` does), else `movz`/`movn` + `movk`.
 */
function moveImmediate(value: bigint, bits: 32 | 64, d: number): number[] {
  const parts = bits / 16;
  const halves = Array.from(
    { length: parts },
    (_, index) => Number((value >> BigInt(16 * index)) & 0xffffn),
  );
  const base = sf(bits);
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
    return [movz(hw, halves[hw])];
  }
  if (nonOnes <= 1) {
    const hw = Math.max(0, halves.findIndex((h) => h !== 0xffff));
    return [movn(hw, (~halves[hw]) & 0xffff)];
  }
  const logical = logicalImmediate(value, bits);
  if (logical !== undefined) {
    // orr rd, zr, #value
    return [base | 0x32000000 | logical | (31 << 5) | d];
  }
  const words: number[] = [];
  if (nonOnes < nonZero) {
    halves.forEach((h, hw) => {
      if (h === 0xffff) return;
      words.push(words.length === 0 ? movn(hw, (~h) & 0xffff) : movk(hw, h));
    });
  } else {
    halves.forEach((h, hw) => {
      if (h === 0) return;
      words.push(words.length === 0 ? movz(hw, h) : movk(hw, h));
    });
  }
  return words;
}

guardOperands(Assembler.prototype);
