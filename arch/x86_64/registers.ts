/**
 * x86-64 general-purpose registers, with GNU as's names.
 *
 * @module
 */

/**
 * A general-purpose register: its GNU name, its number (0-15) and its size
 * in bits.
 *
 * @example Comparing registers
 * ```ts
 * import assert from "node:assert/strict";
 * import { r12d, rax } from "@bcpl/jit-memory/x86_64";
 *
 * assert.equal(rax.name, "rax");
 * assert.equal(rax.bits, 64);
 * assert.equal(r12d.code, 12);
 * assert.equal(`${r12d}`, "r12d");
 * ```
 */
export class X86Register {
  /**
   * Registers are the exported constants (`rax`, `eax`, `al`, ...).
   *
   * @param name GNU as's name.
   * @param code The register number, 0-15.
   * @param bits Its size: 8, 32 or 64.
   */
  constructor(
    readonly name: string,
    readonly code: number,
    readonly bits: 8 | 32 | 64,
  ) {}

  /**
   * The register's name.
   *
   * @returns GNU as's name, e.g. `"rax"`.
   */
  toString(): string {
    return this.name;
  }
}

const NAMES_64 = [
  "rax",
  "rcx",
  "rdx",
  "rbx",
  "rsp",
  "rbp",
  "rsi",
  "rdi",
];
const NAMES_32 = [
  "eax",
  "ecx",
  "edx",
  "ebx",
  "esp",
  "ebp",
  "esi",
  "edi",
];
const NAMES_16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const NAMES_8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];

/**
 * GNU as's name of general register `code` at a size (8-bit names as with
 * a REX prefix: `spl`…`dil`, not `ah`…`bh`).
 *
 * @param code 0..15.
 * @param bits The size.
 * @returns The name, e.g. `"r9d"`.
 */
export function registerName(code: number, bits: 8 | 16 | 32 | 64): string {
  const names = { 64: NAMES_64, 32: NAMES_32, 16: NAMES_16, 8: NAMES_8 }[bits];
  const suffix = { 64: "", 32: "d", 16: "w", 8: "b" }[bits];
  return code < 8 ? names[code] : `r${code}${suffix}`;
}

function register(code: number, bits: 8 | 32 | 64): X86Register {
  return new X86Register(registerName(code, bits), code, bits);
}

/** 64-bit registers. */
export const rax: X86Register = register(0, 64);
/** 64-bit register 1. */
export const rcx: X86Register = register(1, 64);
/** 64-bit register 2. */
export const rdx: X86Register = register(2, 64);
/** 64-bit register 3. */
export const rbx: X86Register = register(3, 64);
/** The stack pointer. */
export const rsp: X86Register = register(4, 64);
/** 64-bit register 5, the frame pointer by convention. */
export const rbp: X86Register = register(5, 64);
/** 64-bit register 6. */
export const rsi: X86Register = register(6, 64);
/** 64-bit register 7. */
export const rdi: X86Register = register(7, 64);
/** 64-bit register 8. */
export const r8: X86Register = register(8, 64);
/** 64-bit register 9. */
export const r9: X86Register = register(9, 64);
/** 64-bit register 10. */
export const r10: X86Register = register(10, 64);
/** 64-bit register 11. */
export const r11: X86Register = register(11, 64);
/** 64-bit register 12. */
export const r12: X86Register = register(12, 64);
/** 64-bit register 13. */
export const r13: X86Register = register(13, 64);
/** 64-bit register 14. */
export const r14: X86Register = register(14, 64);
/** 64-bit register 15. */
export const r15: X86Register = register(15, 64);

/** 32-bit registers (writing one zeroes the upper half). */
export const eax: X86Register = register(0, 32);
/** 32-bit register 1. */
export const ecx: X86Register = register(1, 32);
/** 32-bit register 2. */
export const edx: X86Register = register(2, 32);
/** 32-bit register 3. */
export const ebx: X86Register = register(3, 32);
/** 32-bit register 4. */
export const esp: X86Register = register(4, 32);
/** 32-bit register 5. */
export const ebp: X86Register = register(5, 32);
/** 32-bit register 6. */
export const esi: X86Register = register(6, 32);
/** 32-bit register 7. */
export const edi: X86Register = register(7, 32);
/** 32-bit register 8. */
export const r8d: X86Register = register(8, 32);
/** 32-bit register 9. */
export const r9d: X86Register = register(9, 32);
/** 32-bit register 10. */
export const r10d: X86Register = register(10, 32);
/** 32-bit register 11. */
export const r11d: X86Register = register(11, 32);
/** 32-bit register 12. */
export const r12d: X86Register = register(12, 32);
/** 32-bit register 13. */
export const r13d: X86Register = register(13, 32);
/** 32-bit register 14. */
export const r14d: X86Register = register(14, 32);
/** 32-bit register 15. */
export const r15d: X86Register = register(15, 32);

/** 8-bit registers (the low byte of each 64-bit register). */
export const al: X86Register = register(0, 8);
/** 8-bit register 1. */
export const cl: X86Register = register(1, 8);
/** 8-bit register 2. */
export const dl: X86Register = register(2, 8);
/** 8-bit register 3. */
export const bl: X86Register = register(3, 8);
/** 8-bit register 4 (needs a REX prefix). */
export const spl: X86Register = register(4, 8);
/** 8-bit register 5 (needs a REX prefix). */
export const bpl: X86Register = register(5, 8);
/** 8-bit register 6 (needs a REX prefix). */
export const sil: X86Register = register(6, 8);
/** 8-bit register 7 (needs a REX prefix). */
export const dil: X86Register = register(7, 8);
/** 8-bit register 8. */
export const r8b: X86Register = register(8, 8);
/** 8-bit register 9. */
export const r9b: X86Register = register(9, 8);
/** 8-bit register 10. */
export const r10b: X86Register = register(10, 8);
/** 8-bit register 11. */
export const r11b: X86Register = register(11, 8);
/** 8-bit register 12. */
export const r12b: X86Register = register(12, 8);
/** 8-bit register 13. */
export const r13b: X86Register = register(13, 8);
/** 8-bit register 14. */
export const r14b: X86Register = register(14, 8);
/** 8-bit register 15. */
export const r15b: X86Register = register(15, 8);

/**
 * A vector register: `xmm0`…`xmm15` (128 bits, also the scalar
 * floating-point registers) or `ymm0`…`ymm15` (256 bits, AVX), with its
 * number (0-15).
 *
 * @example The two views of register 3
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmm3, ymm3 } from "@bcpl/jit-memory/x86_64";
 *
 * assert.equal(xmm3.code, ymm3.code);
 * assert.deepEqual([xmm3.bits, ymm3.bits], [128, 256]);
 * assert.equal(`${ymm3}`, "ymm3");
 * ```
 */
export class X86VectorRegister {
  /**
   * Registers are the exported constants (`xmm0`, `ymm0`, ...).
   *
   * @param name GNU as's name.
   * @param code The register number, 0-15.
   * @param bits Its size: 128 (xmm) or 256 (ymm).
   */
  constructor(
    readonly name: string,
    readonly code: number,
    readonly bits: 128 | 256,
  ) {}

  /**
   * The register's name.
   *
   * @returns GNU as's name, e.g. `"xmm0"`.
   */
  toString(): string {
    return this.name;
  }
}

const xmm = (n: number) => new X86VectorRegister(`xmm${n}`, n, 128);
const ymm = (n: number) => new X86VectorRegister(`ymm${n}`, n, 256);
/** 128-bit vector register 0 (the first floating-point argument and result). */
export const xmm0: X86VectorRegister = xmm(0);
/** 128-bit vector register 1. */
export const xmm1: X86VectorRegister = xmm(1);
/** 128-bit vector register 2. */
export const xmm2: X86VectorRegister = xmm(2);
/** 128-bit vector register 3. */
export const xmm3: X86VectorRegister = xmm(3);
/** 128-bit vector register 4. */
export const xmm4: X86VectorRegister = xmm(4);
/** 128-bit vector register 5. */
export const xmm5: X86VectorRegister = xmm(5);
/** 128-bit vector register 6. */
export const xmm6: X86VectorRegister = xmm(6);
/** 128-bit vector register 7. */
export const xmm7: X86VectorRegister = xmm(7);
/** 128-bit vector register 8. */
export const xmm8: X86VectorRegister = xmm(8);
/** 128-bit vector register 9. */
export const xmm9: X86VectorRegister = xmm(9);
/** 128-bit vector register 10. */
export const xmm10: X86VectorRegister = xmm(10);
/** 128-bit vector register 11. */
export const xmm11: X86VectorRegister = xmm(11);
/** 128-bit vector register 12. */
export const xmm12: X86VectorRegister = xmm(12);
/** 128-bit vector register 13. */
export const xmm13: X86VectorRegister = xmm(13);
/** 128-bit vector register 14. */
export const xmm14: X86VectorRegister = xmm(14);
/** 128-bit vector register 15. */
export const xmm15: X86VectorRegister = xmm(15);
/** 256-bit vector register 0, whose low half is xmm0. */
export const ymm0: X86VectorRegister = ymm(0);
/** 256-bit vector register 1, whose low half is xmm1. */
export const ymm1: X86VectorRegister = ymm(1);
/** 256-bit vector register 2, whose low half is xmm2. */
export const ymm2: X86VectorRegister = ymm(2);
/** 256-bit vector register 3, whose low half is xmm3. */
export const ymm3: X86VectorRegister = ymm(3);
/** 256-bit vector register 4, whose low half is xmm4. */
export const ymm4: X86VectorRegister = ymm(4);
/** 256-bit vector register 5, whose low half is xmm5. */
export const ymm5: X86VectorRegister = ymm(5);
/** 256-bit vector register 6, whose low half is xmm6. */
export const ymm6: X86VectorRegister = ymm(6);
/** 256-bit vector register 7, whose low half is xmm7. */
export const ymm7: X86VectorRegister = ymm(7);
/** 256-bit vector register 8, whose low half is xmm8. */
export const ymm8: X86VectorRegister = ymm(8);
/** 256-bit vector register 9, whose low half is xmm9. */
export const ymm9: X86VectorRegister = ymm(9);
/** 256-bit vector register 10, whose low half is xmm10. */
export const ymm10: X86VectorRegister = ymm(10);
/** 256-bit vector register 11, whose low half is xmm11. */
export const ymm11: X86VectorRegister = ymm(11);
/** 256-bit vector register 12, whose low half is xmm12. */
export const ymm12: X86VectorRegister = ymm(12);
/** 256-bit vector register 13, whose low half is xmm13. */
export const ymm13: X86VectorRegister = ymm(13);
/** 256-bit vector register 14, whose low half is xmm14. */
export const ymm14: X86VectorRegister = ymm(14);
/** 256-bit vector register 15, whose low half is xmm15. */
export const ymm15: X86VectorRegister = ymm(15);
