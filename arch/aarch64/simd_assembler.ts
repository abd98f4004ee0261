/**
 * The floating-point and Advanced SIMD half of the AArch64 assembler:
 * scalar `s`/`d` arithmetic, conversions and `fmov`, and NEON on
 * arrangements. One method per mnemonic, a thin call into its family
 * (`floating_point.ts`, `neon.ts`). Mnemonics shared with integer
 * instructions (`add`, `sub`, `mul`, `and`, `orr`, `eor`, `mov`, loads and
 * stores) are methods of `Assembler`, which takes both kinds of operand.
 *
 * @module
 */

import {
  AssemblerBase,
  type CodeEmitter,
  emitterOf,
  invalidOperand,
} from "../assembler.ts";
import * as fp from "./floating_point.ts";
import * as neon from "./neon.ts";
import type { A64Memory, Condition } from "./operands.ts";
import type { A64Register } from "./registers.ts";
import {
  A64Arrangement,
  type A64Element,
  type A64ScalarRegister,
} from "./vector_registers.ts";

/**
 * The floating-point and NEON instructions of `Assembler`, which extends
 * this class; use `Assembler`. Methods are GNU as's mnemonics; vector
 * operands are arrangements (`v0.s4` for `v0.4s`) and elements (`v1.s(2)`
 * for `v1.s[2]`).
 *
 * @example A scalar multiply-add of doubles (AAPCS64: a, b, c in d0-d2)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, d0, d1, d2 } from "@bcpl/jit-memory/aarch64";
 *
 * const code = new Assembler().fmadd(d0, d0, d1, d2).ret().bytes();
 * // fmadd d0, d0, d1, d2; ret
 * assert.deepEqual(
 *   [...new Uint32Array(code.buffer)],
 *   [0x1f410800, 0xd65f03c0],
 * );
 * ```
 *
 * @example Four floats at a time
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, post, v0, v1, v2, x0, x1 } from "@bcpl/jit-memory/aarch64";
 *
 * const code = new Assembler()
 *   .ld1([v0.s4, v1.s4], post(x0, 32)) // ld1 {v0.4s, v1.4s}, [x0], #32
 *   .fmla(v2.s4, v0.s4, v1.s4) // v2 += v0 * v1
 *   .st1(v2.s4, mem(x1)) // st1 {v2.4s}, [x1]
 *   .bytes();
 * assert.deepEqual(
 *   [...new Uint32Array(code.buffer)],
 *   [0x4cdfa800, 0x4e21cc02, 0x4c007822],
 * );
 * ```
 */
export abstract class A64SimdAssembler extends AssemblerBase {
  readonly #code: CodeEmitter = emitterOf(this);

  /**
   * `fadd`: adds: scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fadd d0, d1, d2` to `1e622820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fadd(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fadd", 0, 0, 0x1a, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fadd", 2, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fsub`: subtracts: scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fsub d0, d1, d2` to `1e623820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fsub(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fsub", 0, 1, 0x1a, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fsub", 3, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fmul`: multiplies: scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fmul v0.4s, v1.4s, v2.4s` to `6e22dc20`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fmul(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fmul", 1, 0, 0x1b, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fmul", 0, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fdiv`: divides: scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fdiv d0, d1, d2` to `1e621820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fdiv(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fdiv", 1, 0, 0x1f, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fdiv", 1, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fmax`: the maximum (NaN if either is NaN): scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fmax d0, d1, d2` to `1e624820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fmax(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fmax", 0, 0, 0x1e, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fmax", 4, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fmin`: the minimum (NaN if either is NaN): scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fmin d0, d1, d2` to `1e625820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fmin(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fmin", 0, 1, 0x1e, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fmin", 5, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fmaxnm`: the maximum number (a quiet NaN loses to a number): scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fmaxnm d0, d1, d2` to `1e626820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fmaxnm(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fmaxnm", 0, 0, 0x18, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fmaxnm", 6, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fminnm`: the minimum number (a quiet NaN loses to a number): scalar `s`/`d` registers, or vectors of singles or doubles (2s, 4s, 2d).
   *
   * GNU as assembles `fminnm d0, d1, d2` to `1e627820`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The first source, the same kind.
   * @param rm The second source, the same kind.
   * @returns This assembler.
   */
  fminnm(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
    rm: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "fminnm", 0, 1, 0x18, rd, rn, rm);
    } else {
      fp.binary(this.#code, "fminnm", 7, rd, rn, rm);
    }
    return this;
  }

  /**
   * `fabs`: the absolute value: of an `s`/`d` register, or of each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `fabs d0, d1` to `1e60c020`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The source, the same kind.
   * @returns This assembler.
   */
  fabs(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "fabs", 0, 1, 0xf, rd, rn);
    } else {
      fp.unary(this.#code, "fabs", 1, rd, rn);
    }
    return this;
  }

  /**
   * `fneg`: the negation: of an `s`/`d` register, or of each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `fneg d0, d1` to `1e614020`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The source, the same kind.
   * @returns This assembler.
   */
  fneg(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "fneg", 1, 1, 0xf, rd, rn);
    } else {
      fp.unary(this.#code, "fneg", 2, rd, rn);
    }
    return this;
  }

  /**
   * `fsqrt`: the square root: of an `s`/`d` register, or of each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `fsqrt d0, d1` to `1e61c020`.
   *
   * @param rd The destination: an s or d register, or an arrangement.
   * @param rn The source, the same kind.
   * @returns This assembler.
   */
  fsqrt(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "fsqrt", 1, 1, 0x1f, rd, rn);
    } else {
      fp.unary(this.#code, "fsqrt", 3, rd, rn);
    }
    return this;
  }

  /**
   * `fmadd`: fused multiply-add, rounded once: `rd = ra + rn * rm`.
   *
   * GNU as assembles `fmadd d0, d1, d2, d3` to `1f420c20`.
   *
   * @param rd The destination: an s or d register.
   * @param rn The first factor.
   * @param rm The second factor.
   * @param ra The addend.
   * @returns This assembler.
   */
  fmadd(
    rd: A64ScalarRegister,
    rn: A64ScalarRegister,
    rm: A64ScalarRegister,
    ra: A64ScalarRegister,
  ): this {
    fp.ternary(this.#code, "fmadd", 0, 0, rd, rn, rm, ra);
    return this;
  }

  /**
   * `fmsub`: fused multiply-add, rounded once: `rd = ra - rn * rm`.
   *
   * GNU as assembles `fmsub d0, d1, d2, d3` to `1f428c20`.
   *
   * @param rd The destination: an s or d register.
   * @param rn The first factor.
   * @param rm The second factor.
   * @param ra The addend.
   * @returns This assembler.
   */
  fmsub(
    rd: A64ScalarRegister,
    rn: A64ScalarRegister,
    rm: A64ScalarRegister,
    ra: A64ScalarRegister,
  ): this {
    fp.ternary(this.#code, "fmsub", 0, 1, rd, rn, rm, ra);
    return this;
  }

  /**
   * `fnmadd`: fused multiply-add, rounded once: `rd = -ra - rn * rm`.
   *
   * GNU as assembles `fnmadd d0, d1, d2, d3` to `1f620c20`.
   *
   * @param rd The destination: an s or d register.
   * @param rn The first factor.
   * @param rm The second factor.
   * @param ra The addend.
   * @returns This assembler.
   */
  fnmadd(
    rd: A64ScalarRegister,
    rn: A64ScalarRegister,
    rm: A64ScalarRegister,
    ra: A64ScalarRegister,
  ): this {
    fp.ternary(this.#code, "fnmadd", 1, 0, rd, rn, rm, ra);
    return this;
  }

  /**
   * `fnmsub`: fused multiply-add, rounded once: `rd = -ra + rn * rm`.
   *
   * GNU as assembles `fnmsub d0, d1, d2, d3` to `1f628c20`.
   *
   * @param rd The destination: an s or d register.
   * @param rn The first factor.
   * @param rm The second factor.
   * @param ra The addend.
   * @returns This assembler.
   */
  fnmsub(
    rd: A64ScalarRegister,
    rn: A64ScalarRegister,
    rm: A64ScalarRegister,
    ra: A64ScalarRegister,
  ): this {
    fp.ternary(this.#code, "fnmsub", 1, 1, rd, rn, rm, ra);
    return this;
  }

  /**
   * `fcmp`: compares two `s`/`d` registers, or one with `0`, setting NZCV (C and V for unordered).
   *
   * GNU as assembles `fcmp d0, #0.0` to `1e602008`.
   *
   * @param rn An s or d register.
   * @param rm A register of the same precision, or `0`.
   * @returns This assembler.
   */
  fcmp(rn: A64ScalarRegister, rm: A64ScalarRegister | 0): this {
    fp.compare(this.#code, "fcmp", false, rn, rm);
    return this;
  }

  /**
   * `fcmpe`: like `fcmp`, but signals an invalid-operation exception for a quiet NaN too.
   *
   * GNU as assembles `fcmpe s1, s2` to `1e222030`.
   *
   * @param rn An s or d register.
   * @param rm A register of the same precision, or `0`.
   * @returns This assembler.
   */
  fcmpe(rn: A64ScalarRegister, rm: A64ScalarRegister | 0): this {
    fp.compare(this.#code, "fcmpe", true, rn, rm);
    return this;
  }

  /**
   * `fccmp`: compares `rn` with `rm` if `condition` holds, else sets NZCV to `nzcv`.
   *
   * GNU as assembles `fccmp d0, d1, #4, ne` to `1e611404`.
   *
   * @param rn An s or d register.
   * @param rm A register of the same precision.
   * @param nzcv The flags (0..15) when the condition fails.
   * @param condition The condition.
   * @returns This assembler.
   */
  fccmp(
    rn: A64ScalarRegister,
    rm: A64ScalarRegister,
    nzcv: number,
    condition: Condition,
  ): this {
    fp.conditionalCompare(this.#code, "fccmp", rn, rm, nzcv, condition);
    return this;
  }

  /**
   * `fcsel`: `rd = condition ? rn : rm`.
   *
   * GNU as assembles `fcsel d0, d1, d2, gt` to `1e62cc20`.
   *
   * @param rd An s or d register.
   * @param rn Picked when the condition holds.
   * @param rm Picked otherwise.
   * @param condition The condition.
   * @returns This assembler.
   */
  fcsel(
    rd: A64ScalarRegister,
    rn: A64ScalarRegister,
    rm: A64ScalarRegister,
    condition: Condition,
  ): this {
    fp.select(this.#code, "fcsel", rd, rn, rm, condition);
    return this;
  }

  /**
   * `scvtf`: converts signed integers to floating point: a `w`/`x` register to an `s`/`d` one, or each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `scvtf d0, x1` to `9e620020`.
   *
   * @param rd An s or d register, or an arrangement.
   * @param rn A w or x register, or the same arrangement.
   * @returns This assembler.
   */
  scvtf(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64Register | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "scvtf", 0, 0, 0x1d, rd, rn);
    } else {
      fp.fromInteger(this.#code, "scvtf", false, rd, rn);
    }
    return this;
  }

  /**
   * `ucvtf`: converts unsigned integers to floating point: a `w`/`x` register to an `s`/`d` one, or each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `ucvtf d0, x1` to `9e630020`.
   *
   * @param rd An s or d register, or an arrangement.
   * @param rn A w or x register, or the same arrangement.
   * @returns This assembler.
   */
  ucvtf(
    rd: A64ScalarRegister | A64Arrangement,
    rn: A64Register | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "ucvtf", 1, 0, 0x1d, rd, rn);
    } else {
      fp.fromInteger(this.#code, "ucvtf", true, rd, rn);
    }
    return this;
  }

  /**
   * `fcvtzs`: converts floating point to signed integers, rounding toward zero (saturating): an `s`/`d` register to a `w`/`x` one, or each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `fcvtzs w0, d1` to `1e780020`.
   *
   * @param rd A w or x register, or an arrangement.
   * @param rn An s or d register, or the same arrangement.
   * @returns This assembler.
   */
  fcvtzs(
    rd: A64Register | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "fcvtzs", 0, 1, 0x1b, rd, rn);
    } else {
      fp.toInteger(this.#code, "fcvtzs", false, rd, rn);
    }
    return this;
  }

  /**
   * `fcvtzu`: converts floating point to unsigned integers, rounding toward zero (saturating): an `s`/`d` register to a `w`/`x` one, or each element of a 2s, 4s or 2d vector.
   *
   * GNU as assembles `fcvtzu w0, d1` to `1e790020`.
   *
   * @param rd A w or x register, or an arrangement.
   * @param rn An s or d register, or the same arrangement.
   * @returns This assembler.
   */
  fcvtzu(
    rd: A64Register | A64Arrangement,
    rn: A64ScalarRegister | A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatTwoMisc(this.#code, "fcvtzu", 1, 1, 0x1b, rd, rn);
    } else {
      fp.toInteger(this.#code, "fcvtzu", true, rd, rn);
    }
    return this;
  }

  /**
   * `fcvt`: converts between precisions: `s` to `d` or `d` to `s` (rounding by FPCR).
   *
   * GNU as assembles `fcvt d0, s1` to `1e22c020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the other precision.
   * @returns This assembler.
   */
  fcvt(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.convertPrecision(this.#code, "fcvt", rd, rn);
    return this;
  }

  /**
   * `frintn`: rounds an `s`/`d` register to an integral value, to nearest, ties to even.
   *
   * GNU as assembles `frintn d0, d1` to `1e644020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frintn(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frintn", 8, rd, rn);
    return this;
  }

  /**
   * `frintp`: rounds an `s`/`d` register to an integral value, toward +∞.
   *
   * GNU as assembles `frintp d0, d1` to `1e64c020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frintp(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frintp", 9, rd, rn);
    return this;
  }

  /**
   * `frintm`: rounds an `s`/`d` register to an integral value, toward −∞.
   *
   * GNU as assembles `frintm d0, d1` to `1e654020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frintm(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frintm", 10, rd, rn);
    return this;
  }

  /**
   * `frintz`: rounds an `s`/`d` register to an integral value, toward zero.
   *
   * GNU as assembles `frintz d0, d1` to `1e65c020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frintz(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frintz", 11, rd, rn);
    return this;
  }

  /**
   * `frinta`: rounds an `s`/`d` register to an integral value, to nearest, ties away from zero.
   *
   * GNU as assembles `frinta d0, d1` to `1e664020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frinta(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frinta", 12, rd, rn);
    return this;
  }

  /**
   * `frintx`: rounds an `s`/`d` register to an integral value, by FPCR, signalling inexact.
   *
   * GNU as assembles `frintx d0, d1` to `1e674020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frintx(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frintx", 14, rd, rn);
    return this;
  }

  /**
   * `frinti`: rounds an `s`/`d` register to an integral value, by FPCR.
   *
   * GNU as assembles `frinti d0, d1` to `1e67c020`.
   *
   * @param rd An s or d register.
   * @param rn A register of the same precision.
   * @returns This assembler.
   */
  frinti(rd: A64ScalarRegister, rn: A64ScalarRegister): this {
    fp.unary(this.#code, "frinti", 15, rd, rn);
    return this;
  }

  /**
   * `fmov`: moves between `s`/`d` registers, between `w` and `s` or `x` and `d` (the bits unchanged), or an immediate into `s`/`d`: ±n/16 × 2^e with n 16..31 and e −3..4 (such as `1.5`, `-0.25`, `31`), or `0`.
   *
   * GNU as assembles `fmov d0, #-0.25` to `1e7a1000`.
   *
   * @param rd An s or d register, or a w or x register.
   * @param rn A register of the same size, or an immediate.
   * @returns This assembler.
   */
  fmov(
    rd: A64ScalarRegister | A64Register,
    rn: A64ScalarRegister | A64Register | number,
  ): this {
    fp.fmov(this.#code, rd, rn);
    return this;
  }

  /**
   * `fmla`: multiplies and adds to the destination: `rd += rn * rm`, element-wise, fused (2s, 4s, 2d).
   *
   * GNU as assembles `fmla v0.2d, v1.2d, v2.2d` to `4e62cc20`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  fmla(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.floatThreeSame(this.#code, "fmla", 0, 0, 0x19, rd, rn, rm);
    return this;
  }

  /**
   * `fmls`: multiplies and subtracts from the destination: `rd -= rn * rm`, element-wise, fused (2s, 4s, 2d).
   *
   * GNU as assembles `fmls v0.2d, v1.2d, v2.2d` to `4ee2cc20`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  fmls(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.floatThreeSame(this.#code, "fmls", 0, 1, 0x19, rd, rn, rm);
    return this;
  }

  /**
   * `fcmeq`: compares floating-point elements for equality: all ones where equal (2s, 4s, 2d).
   *
   * GNU as assembles `fcmeq v0.2d, v1.2d, v2.2d` to `4e62e420`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  fcmeq(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.floatThreeSame(this.#code, "fcmeq", 0, 0, 0x1c, rd, rn, rm);
    return this;
  }

  /**
   * `fcmge`: compares floating-point elements: all ones where `rn >= rm` (2s, 4s, 2d).
   *
   * GNU as assembles `fcmge v0.2d, v1.2d, v2.2d` to `6e62e420`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  fcmge(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.floatThreeSame(this.#code, "fcmge", 1, 0, 0x1c, rd, rn, rm);
    return this;
  }

  /**
   * `fcmgt`: compares floating-point elements: all ones where `rn > rm` (2s, 4s, 2d).
   *
   * GNU as assembles `fcmgt v0.2d, v1.2d, v2.2d` to `6ee2e420`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  fcmgt(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.floatThreeSame(this.#code, "fcmgt", 1, 1, 0x1c, rd, rn, rm);
    return this;
  }

  /**
   * `faddp`: adds adjacent pairs: of two vectors (`rd` an arrangement: 2s, 4s, 2d), or of one two-element vector into a scalar (`faddp d0, v1.2d`, `rm` omitted).
   *
   * GNU as assembles `faddp d0, v1.2d` to `7e70d820`.
   *
   * @param rd An arrangement, or an s or d register.
   * @param rn The first source.
   * @param rm The second source, for the vector form.
   * @returns This assembler.
   */
  faddp(
    rd: A64Arrangement | A64ScalarRegister,
    rn: A64Arrangement,
    rm?: A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.floatThreeSame(this.#code, "faddp", 1, 0, 0x1a, rd, rn, rm);
    } else {
      if (rm !== undefined) {
        throw invalidOperand("faddp", "the scalar form takes two operands");
      }
      neon.pairwiseScalar(this.#code, "faddp", true, rd, rn);
    }
    return this;
  }

  /**
   * `addp`: adds adjacent integer pairs: of two vectors (`rd` an arrangement), or of a 2d vector into a `d` register (`rm` omitted).
   *
   * GNU as assembles `addp v0.4s, v1.4s, v2.4s` to `4ea2bc20`.
   *
   * @param rd An arrangement, or a d register.
   * @param rn The first source.
   * @param rm The second source, for the vector form.
   * @returns This assembler.
   */
  addp(
    rd: A64Arrangement | A64ScalarRegister,
    rn: A64Arrangement,
    rm?: A64Arrangement,
  ): this {
    if (rd instanceof A64Arrangement) {
      neon.threeSame(
        this.#code,
        "addp",
        0,
        0x17,
        neon.Arrangements.integer,
        rd,
        rn,
        rm,
      );
    } else {
      if (rm !== undefined) {
        throw invalidOperand("addp", "the scalar form takes two operands");
      }
      neon.pairwiseScalar(this.#code, "addp", false, rd, rn);
    }
    return this;
  }

  /**
   * `addv`: adds every element into a scalar of the element's size (8b, 16b, 4h, 8h, 4s).
   *
   * GNU as assembles `addv s0, v1.4s` to `4eb1b820`.
   *
   * @param rd A b, h or s register, the element's size.
   * @param rn The vector.
   * @returns This assembler.
   */
  addv(rd: A64ScalarRegister, rn: A64Arrangement): this {
    neon.acrossLanes(
      this.#code,
      "addv",
      0,
      0,
      0x1b,
      neon.Arrangements.across,
      rd,
      rn,
    );
    return this;
  }

  /**
   * `fmaxv`: the largest of the four singles of a 4s vector, into an `s` register.
   *
   * GNU as assembles `fmaxv s0, v1.4s` to `6e30f820`.
   *
   * @param rd An s register.
   * @param rn A 4s arrangement.
   * @returns This assembler.
   */
  fmaxv(rd: A64ScalarRegister, rn: A64Arrangement): this {
    neon.acrossLanes(this.#code, "fmaxv", 1, 0, 0xf, 0b00100000, rd, rn);
    return this;
  }

  /**
   * `fminv`: the smallest of the four singles of a 4s vector, into an `s` register.
   *
   * GNU as assembles `fminv s0, v1.4s` to `6eb0f820`.
   *
   * @param rd An s register.
   * @param rn A 4s arrangement.
   * @returns This assembler.
   */
  fminv(rd: A64ScalarRegister, rn: A64Arrangement): this {
    neon.acrossLanes(this.#code, "fminv", 1, 1, 0xf, 0b00100000, rd, rn);
    return this;
  }

  /**
   * `bic`: `rd = rn & ~rm` (8b or 16b).
   *
   * GNU as assembles `bic v0.16b, v1.16b, v2.16b` to `4e621c20`.
   *
   * @param rd The destination (8b or 16b).
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  bic(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.logic(this.#code, "bic", 0, 1, rd, rn, rm);
    return this;
  }

  /**
   * `bsl`: bitwise select: `rd = (rd & rn) | (~rd & rm)` (8b or 16b).
   *
   * GNU as assembles `bsl v0.16b, v1.16b, v2.16b` to `6e621c20`.
   *
   * @param rd The destination (8b or 16b).
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  bsl(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.logic(this.#code, "bsl", 1, 1, rd, rn, rm);
    return this;
  }

  /**
   * `bit`: inserts `rn`'s bits where `rm` is set: `rd = (rd & ~rm) | (rn & rm)` (8b or 16b).
   *
   * GNU as assembles `bit v0.16b, v1.16b, v2.16b` to `6ea21c20`.
   *
   * @param rd The destination (8b or 16b).
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  bit(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.logic(this.#code, "bit", 1, 2, rd, rn, rm);
    return this;
  }

  /**
   * `bif`: inserts `rn`'s bits where `rm` is clear: `rd = (rd & rm) | (rn & ~rm)` (8b or 16b).
   *
   * GNU as assembles `bif v0.16b, v1.16b, v2.16b` to `6ee21c20`.
   *
   * @param rd The destination (8b or 16b).
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  bif(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.logic(this.#code, "bif", 1, 3, rd, rn, rm);
    return this;
  }

  /**
   * `cmeq`: compares integer elements: all ones where elements are equal.
   *
   * GNU as assembles `cmeq v0.4s, v1.4s, v2.4s` to `6ea28c20`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  cmeq(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.threeSame(
      this.#code,
      "cmeq",
      1,
      0x11,
      neon.Arrangements.integer,
      rd,
      rn,
      rm,
    );
    return this;
  }

  /**
   * `cmgt`: compares integer elements: all ones where `rn > rm` (signed).
   *
   * GNU as assembles `cmgt v0.4s, v1.4s, v2.4s` to `4ea23420`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  cmgt(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.threeSame(
      this.#code,
      "cmgt",
      0,
      0x6,
      neon.Arrangements.integer,
      rd,
      rn,
      rm,
    );
    return this;
  }

  /**
   * `cmge`: compares integer elements: all ones where `rn >= rm` (signed).
   *
   * GNU as assembles `cmge v0.4s, v1.4s, v2.4s` to `4ea23c20`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  cmge(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.threeSame(
      this.#code,
      "cmge",
      0,
      0x7,
      neon.Arrangements.integer,
      rd,
      rn,
      rm,
    );
    return this;
  }

  /**
   * `dup`: copies one element, or a general register (`w` for elements up to 32 bits, `x` for 64), into every element.
   *
   * GNU as assembles `dup v0.4s, w1` to `4e040c20`.
   *
   * @param rd The destination arrangement.
   * @param source An element of the same size, or a general register.
   * @returns This assembler.
   */
  dup(rd: A64Arrangement, source: A64Element | A64Register): this {
    neon.dup(this.#code, rd, source);
    return this;
  }

  /**
   * `movi`: moves an immediate into every element: 0..255 (bytes; halfwords with `shift` 0 or 8; words with `shift` 0, 8, 16, 24 or `{ msl: 8 | 16 }`), or for `d2` (and a `d` register) a 64-bit value whose bytes are each 0 or 0xff.
   *
   * GNU as assembles `movi v0.4s, #0x12, lsl #8` to `4f002640`.
   *
   * @param rd An arrangement, or a d register.
   * @param imm The immediate.
   * @param shift A left shift, or `{ msl }` to shift in ones.
   * @returns This assembler.
   */
  movi(
    rd: A64Arrangement | A64ScalarRegister,
    imm: number | bigint,
    shift?: number | { msl: 8 | 16 },
  ): this {
    neon.moveImmediate(this.#code, "movi", false, rd, imm, shift);
    return this;
  }

  /**
   * `mvni`: moves the complement of a shifted immediate into every element (4h, 8h with `shift` 0 or 8; 2s, 4s with 0, 8, 16, 24 or `{ msl: 8 | 16 }`).
   *
   * GNU as assembles `mvni v0.4s, #0` to `6f000400`.
   *
   * @param rd The destination arrangement.
   * @param imm 0..255.
   * @param shift A left shift, or `{ msl }`.
   * @returns This assembler.
   */
  mvni(
    rd: A64Arrangement,
    imm: number,
    shift?: number | { msl: 8 | 16 },
  ): this {
    neon.moveImmediate(this.#code, "mvni", true, rd, imm, shift);
    return this;
  }

  /**
   * `ins`: inserts a general register or another vector's element into one element (GNU as also spells it `mov`).
   *
   * GNU as assembles `ins v0.s[1], w2` to `4e0c1c40`.
   *
   * @param rd The element written.
   * @param source A w register (x for a d element), or an element of the same size.
   * @returns This assembler.
   */
  ins(rd: A64Element, source: A64Register | A64Element): this {
    neon.ins(this.#code, "ins", rd, source);
    return this;
  }

  /**
   * `umov`: moves an element to a general register, zero-extended (`w` for b, h, s elements; `x` for d).
   *
   * GNU as assembles `umov w0, v1.b[3]` to `0e073c20`.
   *
   * @param rd A w or x register.
   * @param source The element.
   * @returns This assembler.
   */
  umov(rd: A64Register, source: A64Element): this {
    neon.moveToGeneral(this.#code, "umov", false, rd, source);
    return this;
  }

  /**
   * `smov`: moves an element to a general register, sign-extended (b, h to `w` or `x`; s to `x`).
   *
   * GNU as assembles `smov x0, v1.s[1]` to `4e0c2c20`.
   *
   * @param rd A w or x register.
   * @param source The element.
   * @returns This assembler.
   */
  smov(rd: A64Register, source: A64Element): this {
    neon.moveToGeneral(this.#code, "smov", true, rd, source);
    return this;
  }

  /**
   * `ld1`: loads 1 to 4 consecutive registers of one arrangement, element by element, at `[base]` or post-indexed by their total size.
   *
   * GNU as assembles `ld1 {v0.4s, v1.4s}, [x0], #32` to `4cdfa800`.
   *
   * @param registers One arrangement or a list of 1-4 consecutive ones.
   * @param address `mem(base)` or `post(base, bytes)`.
   * @returns This assembler.
   */
  ld1(registers: A64Arrangement | A64Arrangement[], address: A64Memory): this {
    neon.loadStoreMultiple(this.#code, "ld1", true, registers, address);
    return this;
  }

  /**
   * `st1`: stores 1 to 4 consecutive registers of one arrangement, element by element, at `[base]` or post-indexed by their total size.
   *
   * GNU as assembles `st1 {v0.4s, v1.4s}, [x0], #32` to `4c9fa800`.
   *
   * @param registers One arrangement or a list of 1-4 consecutive ones.
   * @param address `mem(base)` or `post(base, bytes)`.
   * @returns This assembler.
   */
  st1(registers: A64Arrangement | A64Arrangement[], address: A64Memory): this {
    neon.loadStoreMultiple(this.#code, "st1", false, registers, address);
    return this;
  }

  /**
   * `ld1r`: loads one element and replicates it into every lane.
   *
   * GNU as assembles `ld1r {v0.2d}, [x0]` to `4d40cc00`.
   *
   * @param registers One arrangement (alone or in a list).
   * @param address `mem(base)` or `post(base, elementBytes)`.
   * @returns This assembler.
   */
  ld1r(registers: A64Arrangement | A64Arrangement[], address: A64Memory): this {
    neon.loadReplicate(this.#code, registers, address);
    return this;
  }

  /**
   * `ext`: extracts a vector from a pair: bytes `index`.. of `rn:rm` (`rn` low).
   *
   * GNU as assembles `ext v0.16b, v1.16b, v2.16b, #4` to `6e022020`.
   *
   * @param rd The destination (8b or 16b).
   * @param rn The low source.
   * @param rm The high source.
   * @param index The first byte taken from `rn`.
   * @returns This assembler.
   */
  ext(
    rd: A64Arrangement,
    rn: A64Arrangement,
    rm: A64Arrangement,
    index: number,
  ): this {
    neon.ext(this.#code, rd, rn, rm, index);
    return this;
  }

  /**
   * `uzp1`: permutes: the even elements of `rn:rm`.
   *
   * GNU as assembles `uzp1 v0.4s, v1.4s, v2.4s` to `4e821820`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  uzp1(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.permute(this.#code, "uzp1", 1, rd, rn, rm);
    return this;
  }

  /**
   * `trn1`: permutes: the even elements of `rn` interleaved with the even of `rm`.
   *
   * GNU as assembles `trn1 v0.4s, v1.4s, v2.4s` to `4e822820`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  trn1(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.permute(this.#code, "trn1", 2, rd, rn, rm);
    return this;
  }

  /**
   * `zip1`: permutes: the low halves of `rn` and `rm` interleaved.
   *
   * GNU as assembles `zip1 v0.4s, v1.4s, v2.4s` to `4e823820`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  zip1(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.permute(this.#code, "zip1", 3, rd, rn, rm);
    return this;
  }

  /**
   * `uzp2`: permutes: the odd elements of `rn:rm`.
   *
   * GNU as assembles `uzp2 v0.4s, v1.4s, v2.4s` to `4e825820`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  uzp2(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.permute(this.#code, "uzp2", 5, rd, rn, rm);
    return this;
  }

  /**
   * `trn2`: permutes: the odd elements of `rn` interleaved with the odd of `rm`.
   *
   * GNU as assembles `trn2 v0.4s, v1.4s, v2.4s` to `4e826820`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  trn2(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.permute(this.#code, "trn2", 6, rd, rn, rm);
    return this;
  }

  /**
   * `zip2`: permutes: the high halves of `rn` and `rm` interleaved.
   *
   * GNU as assembles `zip2 v0.4s, v1.4s, v2.4s` to `4e827820`.
   *
   * @param rd The destination arrangement.
   * @param rn The first source, the same arrangement.
   * @param rm The second source, the same arrangement.
   * @returns This assembler.
   */
  zip2(rd: A64Arrangement, rn: A64Arrangement, rm: A64Arrangement): this {
    neon.permute(this.#code, "zip2", 7, rd, rn, rm);
    return this;
  }

  /**
   * `shl`: shifts each element left by an immediate (0..element bits − 1).
   *
   * GNU as assembles `shl v0.4s, v1.4s, #3` to `4f235420`.
   *
   * @param rd The destination arrangement.
   * @param rn The source, the same arrangement.
   * @param amount The shift.
   * @returns This assembler.
   */
  shl(rd: A64Arrangement, rn: A64Arrangement, amount: number): this {
    neon.shiftImmediate(this.#code, "shl", 0, 0xa, true, rd, rn, amount);
    return this;
  }

  /**
   * `ushr`: shifts each element right, logical, by an immediate (1..element bits).
   *
   * GNU as assembles `ushr v0.4s, v1.4s, #3` to `6f3d0420`.
   *
   * @param rd The destination arrangement.
   * @param rn The source, the same arrangement.
   * @param amount The shift.
   * @returns This assembler.
   */
  ushr(rd: A64Arrangement, rn: A64Arrangement, amount: number): this {
    neon.shiftImmediate(this.#code, "ushr", 1, 0x0, false, rd, rn, amount);
    return this;
  }

  /**
   * `sshr`: shifts each element right, arithmetic, by an immediate (1..element bits).
   *
   * GNU as assembles `sshr v0.4s, v1.4s, #3` to `4f3d0420`.
   *
   * @param rd The destination arrangement.
   * @param rn The source, the same arrangement.
   * @param amount The shift.
   * @returns This assembler.
   */
  sshr(rd: A64Arrangement, rn: A64Arrangement, amount: number): this {
    neon.shiftImmediate(this.#code, "sshr", 0, 0x0, false, rd, rn, amount);
    return this;
  }

  /**
   * `sxtl`: sign-extends each element of the low half to twice its size (8b→8h, 4h→4s, 2s→2d).
   *
   * GNU as assembles `sxtl v0.2d, v1.2s` to `0f20a420`.
   *
   * @param rd The wide destination: 8h, 4s or 2d.
   * @param rn The narrow source: 8b, 4h or 2s.
   * @returns This assembler.
   */
  sxtl(rd: A64Arrangement, rn: A64Arrangement): this {
    neon.extendLong(this.#code, "sxtl", 0, rd, rn);
    return this;
  }

  /**
   * `uxtl`: zero-extends each element of the low half to twice its size (8b→8h, 4h→4s, 2s→2d).
   *
   * GNU as assembles `uxtl v0.2d, v1.2s` to `2f20a420`.
   *
   * @param rd The wide destination: 8h, 4s or 2d.
   * @param rn The narrow source: 8b, 4h or 2s.
   * @returns This assembler.
   */
  uxtl(rd: A64Arrangement, rn: A64Arrangement): this {
    neon.extendLong(this.#code, "uxtl", 1, rd, rn);
    return this;
  }

  /**
   * `xtn`: narrows each element to half its size, keeping the low bits (8h→8b, 4s→4h, 2d→2s).
   *
   * GNU as assembles `xtn v0.2s, v1.2d` to `0ea12820`.
   *
   * @param rd The narrow destination: 8b, 4h or 2s.
   * @param rn The wide source: 8h, 4s or 2d.
   * @returns This assembler.
   */
  xtn(rd: A64Arrangement, rn: A64Arrangement): this {
    neon.xtn(this.#code, rd, rn);
    return this;
  }
}
