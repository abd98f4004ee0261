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
 * import { rax, r12d } from "@bcpl/jit-memory/x86_64";
 *
 * console.log(rax.name, rax.bits, r12d.code); // "rax" 64 12
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
const NAMES_8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];

function register(code: number, bits: 8 | 32 | 64): X86Register {
  const names = bits === 64 ? NAMES_64 : bits === 32 ? NAMES_32 : NAMES_8;
  const suffix = bits === 64 ? "" : bits === 32 ? "d" : "b";
  const name = code < 8 ? names[code] : `r${code}${suffix}`;
  return new X86Register(name, code, bits);
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
