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

export { AssemblerBase, Label, type LabelUse } from "./assembler.ts";
export {
  A64Register,
  sp,
  w0,
  w1,
  w10,
  w11,
  w12,
  w13,
  w14,
  w15,
  w16,
  w17,
  w18,
  w19,
  w2,
  w20,
  w21,
  w22,
  w23,
  w24,
  w25,
  w26,
  w27,
  w28,
  w29,
  w3,
  w30,
  w4,
  w5,
  w6,
  w7,
  w8,
  w9,
  wsp,
  wzr,
  x0,
  x1,
  x10,
  x11,
  x12,
  x13,
  x14,
  x15,
  x16,
  x17,
  x18,
  x19,
  x2,
  x20,
  x21,
  x22,
  x23,
  x24,
  x25,
  x26,
  x27,
  x28,
  x29,
  x3,
  x30,
  x4,
  x5,
  x6,
  x7,
  x8,
  x9,
  xzr,
} from "./aarch64/registers.ts";
export {
  A64Memory,
  type Condition,
  mem,
  post,
  pre,
} from "./aarch64/operands.ts";
export { Assembler } from "./aarch64/assembler.ts";
