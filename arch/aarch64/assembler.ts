/**
 * The AArch64 assembler class: one method per mnemonic, each a thin call
 * into its instruction family, which checks the operands and writes the
 * word into the shared engine's buffer.
 *
 * @module
 */

import {
  type CodeEmitter,
  describeOperand,
  emitterOf,
  Fixup,
  invalidOperand,
  type Label,
  setListingStyle,
} from "../assembler.ts";
import * as branches from "./branches.ts";
import * as integer from "./integer.ts";
import { A64_LISTING } from "./listing_style.ts";
import * as memory from "./memory.ts";
import * as neon from "./neon.ts";
import type { A64Memory, Condition } from "./operands.ts";
import { A64Register, x30 } from "./registers.ts";
import { A64SimdAssembler } from "./simd_assembler.ts";
import {
  A64Arrangement,
  A64Element,
  type A64ScalarRegister,
} from "./vector_registers.ts";

/**
 * An AArch64 assembler. Methods are GNU as's mnemonics in lower case with
 * GNU operand order and return the assembler, so instructions chain.
 * Conditions are GNU's strings (`"eq"`, `"lt"`, ...).
 *
 * @example Factorial of `n` (n in x0, result in x0)
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer } from "@bcpl/jit-memory";
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
 * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
 *   0xd2800021, // mov x1, #1
 *   0xf100041f, // loop: cmp x0, #1
 *   0x5400008d, // b.le done
 *   0x9b007c21, // mul x1, x1, x0
 *   0xd1000400, // sub x0, x0, #1
 *   0x17fffffc, // b loop
 *   0xaa0103e0, // done: mov x0, x1
 *   0xd65f03c0, // ret
 * ]);
 * if (Deno.build.arch === "aarch64") { // run it where it is native code
 *   using buffer = new CodeBuffer();
 *   buffer.commit(a);
 *   const factorial = buffer.asFunction({ parameters: ["i64"], result: "i64" });
 *   assert.equal(factorial(5n), 120n);
 * }
 * ```
 */
export class Assembler extends A64SimdAssembler {
  readonly #code: CodeEmitter = emitterOf(this);

  /**
   * Words print as objdump prints them.
   *
   * @returns `true`: 4-byte instructions are words.
   */
  protected override wordInstructions(): boolean {
    return true;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().movz(x0, 0x1234, 16).movk(x0, 0x5678).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xd2a24680, // movz x0, #0x1234, lsl #16
   *   0xf28acf00, // movk x0, #0x5678
   * ]);
   * ```
   */
  movz(rd: A64Register, imm16: number, shift = 0): this {
    integer.moveWide(this.#code, "movz", 0x52800000, rd, imm16, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().movz(x0, 1).movk(x0, 0xffff, 48).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xd2800020, // movz x0, #1
   *   0xf2ffffe0, // movk x0, #0xffff, lsl #48
   * ]);
   * ```
   */
  movk(rd: A64Register, imm16: number, shift = 0): this {
    integer.moveWide(this.#code, "movk", 0x72800000, rd, imm16, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().movn(x0, 0).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x92800000]); // movn x0, #0 (x0 = -1)
   * ```
   */
  movn(rd: A64Register, imm16: number, shift = 0): this {
    integer.moveWide(this.#code, "movn", 0x12800000, rd, imm16, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, sp, x0, x29 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler()
   *   .mov(x29, sp)
   *   .mov(x0, 42)
   *   .mov(x0, 0x1234_5678_9abc_def0n) // movz + 3 movk
   *   .bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0x910003fd, // mov x29, sp
   *   0xd2800540, // mov x0, #42
   *   0xd29bde00, // movz x0, #0xdef0
   *   0xf2b35780, // movk x0, #0x9abc, lsl #16
   *   0xf2cacf00, // movk x0, #0x5678, lsl #32
   *   0xf2e24680, // movk x0, #0x1234, lsl #48
   * ]);
   * ```
   */
  mov(
    rd: A64Register | A64Arrangement | A64Element,
    source: A64Register | A64Arrangement | A64Element | number | bigint,
  ): this {
    if (rd instanceof A64Arrangement) {
      // mov vd.T, vn.T is orr vd.T, vn.T, vn.T.
      neon.logic(this.#code, "mov", 0, 2, rd, source, source);
    } else if (rd instanceof A64Element) {
      neon.ins(this.#code, "mov", rd, source);
    } else if (source instanceof A64Element) {
      if (!(rd instanceof A64Register) || source.elementBits !== rd.bits) {
        throw invalidOperand(
          "mov",
          `mov takes an s element to a w register or a d element to an x register (else umov or smov), not ${
            describeOperand(rd)
          }, ${source}`,
        );
      }
      neon.moveToGeneral(this.#code, "mov", false, rd, source);
    } else {
      integer.mov(this.#code, rd, source);
    }
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
   * import assert from "node:assert/strict";
   * import { Assembler, sp, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().add(x0, x0, x1).add(sp, sp, 16).add(x0, x1, 1, 12).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0x8b010000, // add x0, x0, x1
   *   0x910043ff, // add sp, sp, #16
   *   0x91400420, // add x0, x1, #1, lsl #12
   * ]);
   * ```
   */
  add(
    rd: A64Register | A64Arrangement,
    rn: A64Register | A64Arrangement,
    operand: A64Register | A64Arrangement | number,
    shift?: 0 | 12,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.threeSame(
        this.#code,
        "add",
        0,
        0x10,
        neon.Arrangements.integer,
        rd,
        rn,
        operand,
      );
      return this;
    }
    integer.addSub(this.#code, "add", false, false, rd, rn, operand, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, sp } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().sub(sp, sp, 32).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd10083ff]); // sub sp, sp, #32
   * ```
   */
  sub(
    rd: A64Register | A64Arrangement,
    rn: A64Register | A64Arrangement,
    operand: A64Register | A64Arrangement | number,
    shift?: 0 | 12,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.threeSame(
        this.#code,
        "sub",
        1,
        0x10,
        neon.Arrangements.integer,
        rd,
        rn,
        operand,
      );
      return this;
    }
    integer.addSub(this.#code, "sub", true, false, rd, rn, operand, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().adds(x0, x0, x1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xab010000]); // adds x0, x0, x1
   * ```
   */
  adds(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    integer.addSub(this.#code, "adds", false, true, rd, rn, operand, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().subs(x0, x0, 1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xf1000400]); // subs x0, x0, #1
   * ```
   */
  subs(
    rd: A64Register,
    rn: A64Register,
    operand: A64Register | number,
    shift?: 0 | 12,
  ): this {
    integer.addSub(this.#code, "subs", true, true, rd, rn, operand, shift);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().cmp(x0, 10).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xf100281f]); // cmp x0, #10
   * ```
   */
  cmp(rn: A64Register, operand: A64Register | number, shift?: 0 | 12): this {
    integer.addSub(
      this.#code,
      "cmp",
      true,
      true,
      integer.zeroLike(rn),
      rn,
      operand,
      shift,
    );
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().cmn(x0, 1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xb100041f]); // cmn x0, #1
   * ```
   */
  cmn(rn: A64Register, operand: A64Register | number, shift?: 0 | 12): this {
    integer.addSub(
      this.#code,
      "cmn",
      false,
      true,
      integer.zeroLike(rn),
      rn,
      operand,
      shift,
    );
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().neg(x0, x0).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xcb0003e0]); // neg x0, x0
   * ```
   */
  neg(rd: A64Register, rm: A64Register): this {
    integer.neg(this.#code, rd, rm);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().mul(x0, x0, x1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x9b017c00]); // mul x0, x0, x1
   * ```
   */
  mul(
    rd: A64Register | A64Arrangement,
    rn: A64Register | A64Arrangement,
    rm: A64Register | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.threeSame(
        this.#code,
        "mul",
        0,
        0x13,
        neon.Arrangements.narrow,
        rd,
        rn,
        rm,
      );
      return this;
    }
    integer.threeSource(
      this.#code,
      "mul",
      0x1b000000,
      rd,
      rn,
      rm,
      integer.zeroLike(rd),
    );
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1, x2, x3 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().madd(x0, x1, x2, x3).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x9b020c20]); // madd x0, x1, x2, x3
   * ```
   */
  madd(
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    ra: A64Register,
  ): this {
    integer.threeSource(this.#code, "madd", 0x1b000000, rd, rn, rm, ra);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1, x2 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().sdiv(x2, x0, x1).msub(x0, x2, x1, x0).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0x9ac10c02, // sdiv x2, x0, x1
   *   0x9b018040, // msub x0, x2, x1, x0
   * ]);
   * ```
   */
  msub(
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    ra: A64Register,
  ): this {
    integer.threeSource(this.#code, "msub", 0x1b008000, rd, rn, rm, ra);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().sdiv(x0, x0, x1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x9ac10c00]); // sdiv x0, x0, x1
   * ```
   */
  sdiv(rd: A64Register, rn: A64Register, rm: A64Register): this {
    integer.twoSource(this.#code, "sdiv", 0x1ac00c00, rd, rn, rm);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, w0, w1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().udiv(w0, w0, w1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x1ac10800]); // udiv w0, w0, w1
   * ```
   */
  udiv(rd: A64Register, rn: A64Register, rm: A64Register): this {
    integer.twoSource(this.#code, "udiv", 0x1ac00800, rd, rn, rm);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().and(x0, x0, 0xff).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x92401c00]); // and x0, x0, #0xff
   * ```
   */
  and(
    rd: A64Register | A64Arrangement,
    rn: A64Register | A64Arrangement,
    operand: A64Register | A64Arrangement | number | bigint,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.logic(this.#code, "and", 0, 0, rd, rn, operand);
      return this;
    }
    integer.logical(this.#code, "and", 0, rd, rn, operand);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().orr(x0, x0, x1).orr(x0, x0, 0x8000_0000_0000_0000n).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xaa010000, // orr x0, x0, x1
   *   0xb2410000, // orr x0, x0, #0x8000000000000000
   * ]);
   * ```
   */
  orr(
    rd: A64Register | A64Arrangement,
    rn: A64Register | A64Arrangement,
    operand: A64Register | A64Arrangement | number | bigint,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.logic(this.#code, "orr", 0, 2, rd, rn, operand);
      return this;
    }
    integer.logical(this.#code, "orr", 1, rd, rn, operand);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, w0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().eor(w0, w0, 1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x52000000]); // eor w0, w0, #1
   * ```
   */
  eor(
    rd: A64Register | A64Arrangement,
    rn: A64Register | A64Arrangement,
    operand: A64Register | A64Arrangement | number | bigint,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.logic(this.#code, "eor", 1, 0, rd, rn, operand);
      return this;
    }
    integer.logical(this.#code, "eor", 2, rd, rn, operand);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().lsl(x0, x1, 3).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd37df020]); // lsl x0, x1, #3
   * ```
   */
  lsl(rd: A64Register, rn: A64Register, amount: number | A64Register): this {
    integer.shift(this.#code, "lsl", rd, rn, amount);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().lsr(x0, x0, 1).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd341fc00]); // lsr x0, x0, #1
   * ```
   */
  lsr(rd: A64Register, rn: A64Register, amount: number | A64Register): this {
    integer.shift(this.#code, "lsr", rd, rn, amount);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().asr(x0, x0, 63).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x937ffc00]); // asr x0, x0, #63
   * ```
   */
  asr(rd: A64Register, rn: A64Register, amount: number | A64Register): this {
    integer.shift(this.#code, "asr", rd, rn, amount);
    return this;
  }

  /**
   * `ldr`: load an x or w register, or a b, h, s, d or q register.
   *
   * @param rt The destination (`xzr`/`wzr` allowed).
   * @param address {@linkcode mem}, {@linkcode pre} or {@linkcode post}.
   * @returns This assembler.
   *
   * @example Loading an array element
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, mem, x0, x1, x2 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().ldr(x0, mem(x1, x2, 3)).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xf8627820]); // ldr x0, [x1, x2, lsl #3]
   * ```
   */
  ldr(rt: A64Register | A64ScalarRegister, address: A64Memory): this {
    memory.loadStore(this.#code, "ldr", true, false, rt, address);
    return this;
  }

  /**
   * `str`: store an x or w register, or a b, h, s, d or q register.
   *
   * @param rt The value (`xzr`/`wzr` allowed).
   * @param address {@linkcode mem}, {@linkcode pre} or {@linkcode post}.
   * @returns This assembler.
   *
   * @example Storing a local
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, mem, sp, w0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().str(w0, mem(sp, 12)).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xb9000fe0]); // str w0, [sp, #12]
   * ```
   */
  str(rt: A64Register | A64ScalarRegister, address: A64Memory): this {
    memory.loadStore(this.#code, "str", false, false, rt, address);
    return this;
  }

  /**
   * `ldur`: load with an unscaled offset, -256..255 (`ldr` picks this
   * form itself where its scaled one cannot hold the offset).
   *
   * @param rt An x or w register, or a b, h, s, d or q register.
   * @param address `mem(base, offset)`.
   * @returns This assembler.
   *
   * @example An odd offset
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, d0, mem, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().ldur(d0, mem(x1, -3)).bytes(); // ldur d0, [x1, #-3]
   * assert.equal(new DataView(code.buffer).getUint32(0, true), 0xfc5fd020);
   * ```
   */
  ldur(rt: A64Register | A64ScalarRegister, address: A64Memory): this {
    memory.loadStore(this.#code, "ldur", true, false, rt, address, true);
    return this;
  }

  /**
   * `stur`: store with an unscaled offset, -256..255.
   *
   * @param rt An x or w register, or a b, h, s, d or q register.
   * @param address `mem(base, offset)`.
   * @returns This assembler.
   *
   * @example Storing below the base
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, mem, x0, x29 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().stur(x0, mem(x29, -8)).bytes(); // stur x0, [x29, #-8]
   * assert.equal(new DataView(code.buffer).getUint32(0, true), 0xf81f83a0);
   * ```
   */
  stur(rt: A64Register | A64ScalarRegister, address: A64Memory): this {
    memory.loadStore(this.#code, "stur", false, false, rt, address, true);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, post, w1, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().ldrb(w1, post(x0, 1)).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x38401401]); // ldrb w1, [x0], #1
   * ```
   */
  ldrb(rt: A64Register, address: A64Memory): this {
    memory.loadStore(this.#code, "ldrb", true, true, rt, address);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, mem, w1, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().strb(w1, mem(x0)).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0x39000001]); // strb w1, [x0]
   * ```
   */
  strb(rt: A64Register, address: A64Memory): this {
    memory.loadStore(this.#code, "strb", false, true, rt, address);
    return this;
  }

  /**
   * `ldp`: load a pair of registers (x, w, or s, d, q).
   *
   * @param rt1 The first destination.
   * @param rt2 The second destination.
   * @param address `mem(base, imm)`, `pre(base, imm)` or `post(base, imm)`.
   * @returns This assembler.
   *
   * @example An epilogue
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, post, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().ldp(x29, x30, post(sp, 16)).ret().bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xa8c17bfd, // ldp x29, x30, [sp], #16
   *   0xd65f03c0, // ret
   * ]);
   * ```
   */
  ldp(
    rt1: A64Register | A64ScalarRegister,
    rt2: A64Register | A64ScalarRegister,
    address: A64Memory,
  ): this {
    memory.pair(this.#code, "ldp", true, rt1, rt2, address);
    return this;
  }

  /**
   * `stp`: store a pair of registers (x, w, or s, d, q).
   *
   * @param rt1 The first value.
   * @param rt2 The second value.
   * @param address `mem(base, imm)`, `pre(base, imm)` or `post(base, imm)`.
   * @returns This assembler.
   *
   * @example A prologue
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, pre, sp, x29, x30 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().stp(x29, x30, pre(sp, -16)).mov(x29, sp).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
   *   0x910003fd, // mov x29, sp
   * ]);
   * ```
   */
  stp(
    rt1: A64Register | A64ScalarRegister,
    rt2: A64Register | A64ScalarRegister,
    address: A64Memory,
  ): this {
    memory.pair(this.#code, "stp", false, rt1, rt2, address);
    return this;
  }

  /**
   * `b`: branch to a label within ±128 MiB.
   *
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example A loop
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).b(top);
   * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
   *   0x14000000, // top: b top
   * ]);
   * ```
   */
  b(target: Label): this {
    branches.toLabel(this.#code, "b", Fixup.A64Branch26, 0x14000000, target);
    return this;
  }

  /**
   * `bl`: call a label within ±128 MiB (return address in x30).
   *
   * @param target A label of this assembler.
   * @returns This assembler.
   *
   * @example Calling a local function
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const helper = a.label();
   * a.bl(helper).ret().bind(helper).ret();
   * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
   *   0x94000002, // bl helper
   *   0xd65f03c0, // ret
   *   0xd65f03c0, // helper: ret
   * ]);
   * ```
   */
  bl(target: Label): this {
    branches.toLabel(
      this.#code,
      "bl",
      Fixup.A64Branch26,
      0x94000000,
      target,
    );
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).subs(x0, x0, 1).bcond("ne", top).ret();
   * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
   *   0xf1000400, // top: subs x0, x0, #1
   *   0x54ffffe1, // b.ne top
   *   0xd65f03c0, // ret
   * ]);
   * ```
   */
  bcond(condition: Condition, target: Label): this {
    branches.bcond(this.#code, condition, target);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const done = a.label();
   * a.cbz(x0, done).mov(x0, 1).bind(done).ret();
   * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
   *   0xb4000040, // cbz x0, done
   *   0xd2800020, // mov x0, #1
   *   0xd65f03c0, // done: ret
   * ]);
   * ```
   */
  cbz(rt: A64Register, target: Label): this {
    branches.compareBranch(this.#code, "cbz", 0x34000000, rt, target);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).sub(x0, x0, 1).cbnz(x0, top).ret();
   * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
   *   0xd1000400, // top: sub x0, x0, #1
   *   0xb5ffffe0, // cbnz x0, top
   *   0xd65f03c0, // ret
   * ]);
   * ```
   */
  cbnz(rt: A64Register, target: Label): this {
    branches.compareBranch(this.#code, "cbnz", 0x35000000, rt, target);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0 } from "@bcpl/jit-memory/aarch64";
   *
   * const a = new Assembler();
   * const data = a.label();
   * a.adr(x0, data).ret().bind(data).space(8);
   * assert.deepEqual([...new Uint32Array(a.bytes().buffer)], [
   *   0x10000040, // adr x0, data
   *   0xd65f03c0, // ret
   *   0x00000000, // data: .space 8
   *   0x00000000,
   * ]);
   * ```
   */
  adr(rd: A64Register, target: Label): this {
    branches.adr(this.#code, rd, target);
    return this;
  }

  /**
   * `br`: jump to the address in a register.
   *
   * @param rn An x register.
   * @returns This assembler.
   *
   * @example A tail call through x16
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, x16 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().br(x16).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd61f0200]); // br x16
   * ```
   */
  br(rn: A64Register): this {
    branches.branchRegister(this.#code, "br", 0xd61f0000, rn);
    return this;
  }

  /**
   * `blr`: call the address in a register.
   *
   * @param rn An x register.
   * @returns This assembler.
   *
   * @example Calling a function pointer
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, x9 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().blr(x9).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd63f0120]); // blr x9
   * ```
   */
  blr(rn: A64Register): this {
    branches.branchRegister(this.#code, "blr", 0xd63f0000, rn);
    return this;
  }

  /**
   * `ret`: return through x30, or another x register.
   *
   * @param rn The register holding the return address.
   * @returns This assembler.
   *
   * @example Returning
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().ret().bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd65f03c0]); // ret
   * ```
   */
  ret(rn: A64Register = x30): this {
    branches.branchRegister(this.#code, "ret", 0xd65f0000, rn);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().cmp(x0, x1).cset(x0, "lt").bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xeb01001f, // cmp x0, x1
   *   0x9a9fa7e0, // cset x0, lt
   * ]);
   * ```
   */
  cset(rd: A64Register, condition: Condition): this {
    integer.cset(this.#code, rd, condition);
    return this;
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
   * import assert from "node:assert/strict";
   * import { Assembler, x0, x1 } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().cmp(x0, x1).csel(x0, x0, x1, "gt").bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [
   *   0xeb01001f, // cmp x0, x1
   *   0x9a81c000, // csel x0, x0, x1, gt
   * ]);
   * ```
   */
  csel(
    rd: A64Register,
    rn: A64Register,
    rm: A64Register,
    condition: Condition,
  ): this {
    integer.csel(this.#code, rd, rn, rm, condition);
    return this;
  }

  /**
   * `nop`.
   *
   * @returns This assembler.
   *
   * @example Padding
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().nop().bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd503201f]); // nop
   * ```
   */
  nop(): this {
    this.#code.word(0xd503201f);
    return this;
  }

  /**
   * `brk`: a breakpoint trap with a 16-bit tag.
   *
   * @param imm16 0..65535.
   * @returns This assembler.
   *
   * @example Trapping
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/aarch64";
   *
   * const code = new Assembler().brk(0x3e8).bytes();
   * assert.deepEqual([...new Uint32Array(code.buffer)], [0xd4207d00]); // brk #0x3e8
   * ```
   */
  brk(imm16 = 0): this {
    integer.brk(this.#code, imm16);
    return this;
  }
}

setListingStyle(Assembler, A64_LISTING);
