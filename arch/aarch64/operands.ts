/**
 * AArch64 operands besides registers: memory operands (offset, register,
 * pre- and post-index) and condition codes.
 *
 * @module
 */

import { describeOperand, inRange, invalidOperand } from "../assembler.ts";
import { A64Register } from "./registers.ts";

/**
 * A memory operand: `[base, #imm]`, `[base, index, lsl #shift]`,
 * `[base, #imm]!` (pre-index) or `[base], #imm` (post-index). Made with
 * {@linkcode mem}, {@linkcode pre} and {@linkcode post}.
 *
 * @example Loading through each form
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, post, pre, sp, x0, x1, x2 } from "@bcpl/jit-memory/aarch64";
 *
 * const code = new Assembler()
 *   .ldr(x0, mem(x1, 8))
 *   .ldr(x0, mem(x1, x2, 3))
 *   .str(x0, pre(sp, -16))
 *   .ldr(x0, post(sp, 16))
 *   .bytes();
 * assert.deepEqual([...new Uint32Array(code.buffer)], [
 *   0xf9400420, // ldr x0, [x1, #8]
 *   0xf8627820, // ldr x0, [x1, x2, lsl #3]
 *   0xf81f0fe0, // str x0, [sp, #-16]!
 *   0xf84107e0, // ldr x0, [sp], #16
 * ]);
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
 * import assert from "node:assert/strict";
 * import { mem, x0, x1 } from "@bcpl/jit-memory/aarch64";
 *
 * const plain = mem(x0); // [x0]
 * const offset = mem(x0, 16); // [x0, #16]
 * const indexed = mem(x0, x1, 3); // [x0, x1, lsl #3]
 * assert.deepEqual([plain.mode, plain.base, plain.offset], ["offset", x0, 0]);
 * assert.deepEqual([offset.mode, offset.offset], ["offset", 16]);
 * assert.deepEqual([indexed.mode, indexed.index, indexed.shift], ["register", x1, 3]);
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
    if (shift !== undefined && !inRange(shift, 0, 4)) {
      throw invalidOperand(
        "mem",
        `index shift ${describeOperand(shift)} is not 0..4`,
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
 * import assert from "node:assert/strict";
 * import { Assembler, pre, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
 *
 * const code = new Assembler().stp(x29, x30, pre(sp, -16)).bytes();
 * assert.deepEqual([...new Uint32Array(code.buffer)], [0xa9bf7bfd]); // stp x29, x30, [sp, #-16]!
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
 * import assert from "node:assert/strict";
 * import { Assembler, post, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
 *
 * const code = new Assembler().ldp(x29, x30, post(sp, 16)).bytes();
 * assert.deepEqual([...new Uint32Array(code.buffer)], [0xa8c17bfd]); // ldp x29, x30, [sp], #16
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
 * import assert from "node:assert/strict";
 * import { Assembler, type Condition, x0 } from "@bcpl/jit-memory/aarch64";
 *
 * const unsignedHigherOrSame: Condition = "hs"; // an alias of "cs"
 * const code = new Assembler().cset(x0, unsignedHigherOrSame).bytes();
 * assert.deepEqual([...new Uint32Array(code.buffer)], [0x9a9f37e0]); // cset x0, hs
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

/** The condition codes by GNU name, with their aliases. */
export const CONDITIONS: Readonly<Record<Condition, number>> = {
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
