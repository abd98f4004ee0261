/**
 * AArch64 general-purpose registers, with GNU as's names.
 *
 * @module
 */

/**
 * A general-purpose register: `x0`-`x30` (64-bit) and `w0`-`w30` (their
 * low halves), the stack pointer `sp`/`wsp` and the zero register
 * `xzr`/`wzr`, which share number 31.
 *
 * @example Register facts
 * ```ts
 * import assert from "node:assert/strict";
 * import { sp, w3, xzr } from "@bcpl/jit-memory/aarch64";
 *
 * assert.deepEqual([w3.bits, sp.code, xzr.kind], [32, 31, "zr"]);
 * assert.equal(`${w3}`, "w3");
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
