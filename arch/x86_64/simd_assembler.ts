/**
 * The floating-point and vector half of the x86-64 assembler: SSE, SSE2
 * and SSE4.1 with their mandatory prefixes, AVX, AVX2 and FMA3 with VEX.
 * One method per mnemonic, a thin call into its family in `vector.ts`.
 *
 * @module
 */

import { AssemblerBase, type CodeEmitter, emitterOf } from "../assembler.ts";
import type { X86Memory } from "./operands.ts";
import type { X86Register, X86VectorRegister } from "./registers.ts";
import * as vector from "./vector.ts";

/**
 * The SSE and AVX instructions of `Assembler`, which extends this class;
 * use `Assembler`. Methods are GNU as's mnemonics
 * with Intel operand order; memory operands take their size from the
 * instruction (plain `mem()`), except where GNU as needs it stated.
 *
 * @example A scalar multiply-add of doubles (System V: a, b, c in xmm0-2)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, xmm0, xmm1, xmm2 } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().mulsd(xmm0, xmm1).addsd(xmm0, xmm2).ret();
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xf2, 0x0f, 0x59, 0xc1, // mulsd xmm0, xmm1
 *   0xf2, 0x0f, 0x58, 0xc2, // addsd xmm0, xmm2
 *   0xc3, // ret
 * ));
 * ```
 *
 * @example Eight floats at a time with AVX and FMA
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, rdi, rsi, ymm0 } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler()
 *   .vmovups(ymm0, mem(rdi))
 *   .vfmadd213ps(ymm0, ymm0, mem(rsi)) // ymm0 = ymm0 * ymm0 + [rsi]
 *   .vmovups(mem(rdi), ymm0)
 *   .vzeroupper()
 *   .ret();
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xc5, 0xfc, 0x10, 0x07, // vmovups ymm0, YMMWORD PTR [rdi]
 *   0xc4, 0xe2, 0x7d, 0xa8, 0x06, // vfmadd213ps ymm0, ymm0, YMMWORD PTR [rsi]
 *   0xc5, 0xfc, 0x11, 0x07, // vmovups YMMWORD PTR [rdi], ymm0
 *   0xc5, 0xf8, 0x77, // vzeroupper
 *   0xc3, // ret
 * ));
 * ```
 *
 * @example Memory sizes: implied, or stated where GNU as needs them
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, dword, mem, rdi, xmm0 } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler()
 *   .movsd(xmm0, mem(rdi, 8)) // a movsd load is 64 bits
 *   .cvtsi2sd(xmm0, dword(mem(rdi))); // an int32 could be an int64
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xf2, 0x0f, 0x10, 0x47, 0x08, // movsd xmm0, QWORD PTR [rdi+8]
 *   0xf2, 0x0f, 0x2a, 0x07, // cvtsi2sd xmm0, DWORD PTR [rdi]
 * ));
 * assert.throws(() => asm.cvtsi2sd(xmm0, mem(rdi)), /state the memory operand's size/);
 * ```
 */
export abstract class X86SimdAssembler extends AssemblerBase {
  readonly #code: CodeEmitter = emitterOf(this);

  /**
   * `addss`: adds scalar single-precision values.
   *
   * GNU as assembles `addss xmm1, xmm2` to `f3 0f 58 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  addss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "addss", 0xf3, 0x0f58, 32, dst, src);
    return this;
  }

  /**
   * `addsd`: adds scalar double-precision values.
   *
   * GNU as assembles `addsd xmm1, xmm2` to `f2 0f 58 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  addsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "addsd", 0xf2, 0x0f58, 64, dst, src);
    return this;
  }

  /**
   * `addps`: adds packed single-precision values.
   *
   * GNU as assembles `addps xmm1, xmm2` to `0f 58 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  addps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "addps", 0x0, 0x0f58, 128, dst, src);
    return this;
  }

  /**
   * `addpd`: adds packed double-precision values.
   *
   * GNU as assembles `addpd xmm1, xmm2` to `66 0f 58 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  addpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "addpd", 0x66, 0x0f58, 128, dst, src);
    return this;
  }

  /**
   * `subss`: subtracts scalar single-precision values.
   *
   * GNU as assembles `subss xmm1, xmm2` to `f3 0f 5c ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  subss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "subss", 0xf3, 0x0f5c, 32, dst, src);
    return this;
  }

  /**
   * `subsd`: subtracts scalar double-precision values.
   *
   * GNU as assembles `subsd xmm1, xmm2` to `f2 0f 5c ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  subsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "subsd", 0xf2, 0x0f5c, 64, dst, src);
    return this;
  }

  /**
   * `subps`: subtracts packed single-precision values.
   *
   * GNU as assembles `subps xmm1, xmm2` to `0f 5c ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  subps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "subps", 0x0, 0x0f5c, 128, dst, src);
    return this;
  }

  /**
   * `subpd`: subtracts packed double-precision values.
   *
   * GNU as assembles `subpd xmm1, xmm2` to `66 0f 5c ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  subpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "subpd", 0x66, 0x0f5c, 128, dst, src);
    return this;
  }

  /**
   * `mulss`: multiplies scalar single-precision values.
   *
   * GNU as assembles `mulss xmm1, xmm2` to `f3 0f 59 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  mulss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "mulss", 0xf3, 0x0f59, 32, dst, src);
    return this;
  }

  /**
   * `mulsd`: multiplies scalar double-precision values.
   *
   * GNU as assembles `mulsd xmm1, xmm2` to `f2 0f 59 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  mulsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "mulsd", 0xf2, 0x0f59, 64, dst, src);
    return this;
  }

  /**
   * `mulps`: multiplies packed single-precision values.
   *
   * GNU as assembles `mulps xmm1, xmm2` to `0f 59 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  mulps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "mulps", 0x0, 0x0f59, 128, dst, src);
    return this;
  }

  /**
   * `mulpd`: multiplies packed double-precision values.
   *
   * GNU as assembles `mulpd xmm1, xmm2` to `66 0f 59 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  mulpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "mulpd", 0x66, 0x0f59, 128, dst, src);
    return this;
  }

  /**
   * `divss`: divides scalar single-precision values.
   *
   * GNU as assembles `divss xmm1, xmm2` to `f3 0f 5e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  divss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "divss", 0xf3, 0x0f5e, 32, dst, src);
    return this;
  }

  /**
   * `divsd`: divides scalar double-precision values.
   *
   * GNU as assembles `divsd xmm1, xmm2` to `f2 0f 5e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  divsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "divsd", 0xf2, 0x0f5e, 64, dst, src);
    return this;
  }

  /**
   * `divps`: divides packed single-precision values.
   *
   * GNU as assembles `divps xmm1, xmm2` to `0f 5e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  divps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "divps", 0x0, 0x0f5e, 128, dst, src);
    return this;
  }

  /**
   * `divpd`: divides packed double-precision values.
   *
   * GNU as assembles `divpd xmm1, xmm2` to `66 0f 5e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  divpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "divpd", 0x66, 0x0f5e, 128, dst, src);
    return this;
  }

  /**
   * `minss`: the minimum of scalar single-precision values.
   *
   * GNU as assembles `minss xmm1, xmm2` to `f3 0f 5d ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  minss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "minss", 0xf3, 0x0f5d, 32, dst, src);
    return this;
  }

  /**
   * `minsd`: the minimum of scalar double-precision values.
   *
   * GNU as assembles `minsd xmm1, xmm2` to `f2 0f 5d ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  minsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "minsd", 0xf2, 0x0f5d, 64, dst, src);
    return this;
  }

  /**
   * `minps`: the minimum of packed single-precision values.
   *
   * GNU as assembles `minps xmm1, xmm2` to `0f 5d ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  minps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "minps", 0x0, 0x0f5d, 128, dst, src);
    return this;
  }

  /**
   * `minpd`: the minimum of packed double-precision values.
   *
   * GNU as assembles `minpd xmm1, xmm2` to `66 0f 5d ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  minpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "minpd", 0x66, 0x0f5d, 128, dst, src);
    return this;
  }

  /**
   * `maxss`: the maximum of scalar single-precision values.
   *
   * GNU as assembles `maxss xmm1, xmm2` to `f3 0f 5f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  maxss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "maxss", 0xf3, 0x0f5f, 32, dst, src);
    return this;
  }

  /**
   * `maxsd`: the maximum of scalar double-precision values.
   *
   * GNU as assembles `maxsd xmm1, xmm2` to `f2 0f 5f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  maxsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "maxsd", 0xf2, 0x0f5f, 64, dst, src);
    return this;
  }

  /**
   * `maxps`: the maximum of packed single-precision values.
   *
   * GNU as assembles `maxps xmm1, xmm2` to `0f 5f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  maxps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "maxps", 0x0, 0x0f5f, 128, dst, src);
    return this;
  }

  /**
   * `maxpd`: the maximum of packed double-precision values.
   *
   * GNU as assembles `maxpd xmm1, xmm2` to `66 0f 5f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  maxpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "maxpd", 0x66, 0x0f5f, 128, dst, src);
    return this;
  }

  /**
   * `sqrtss`: the square root of scalar single-precision values.
   *
   * GNU as assembles `sqrtss xmm1, xmm2` to `f3 0f 51 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  sqrtss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "sqrtss", 0xf3, 0x0f51, 32, dst, src);
    return this;
  }

  /**
   * `sqrtsd`: the square root of scalar double-precision values.
   *
   * GNU as assembles `sqrtsd xmm1, xmm2` to `f2 0f 51 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  sqrtsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "sqrtsd", 0xf2, 0x0f51, 64, dst, src);
    return this;
  }

  /**
   * `sqrtps`: the square root of packed single-precision values.
   *
   * GNU as assembles `sqrtps xmm1, xmm2` to `0f 51 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  sqrtps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "sqrtps", 0x0, 0x0f51, 128, dst, src);
    return this;
  }

  /**
   * `sqrtpd`: the square root of packed double-precision values.
   *
   * GNU as assembles `sqrtpd xmm1, xmm2` to `66 0f 51 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  sqrtpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "sqrtpd", 0x66, 0x0f51, 128, dst, src);
    return this;
  }

  /**
   * `andps`: bitwise AND of packed single-precision values.
   *
   * GNU as assembles `andps xmm1, xmm2` to `0f 54 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  andps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "andps", 0x0, 0x0f54, 128, dst, src);
    return this;
  }

  /**
   * `andpd`: bitwise AND of packed double-precision values.
   *
   * GNU as assembles `andpd xmm1, xmm2` to `66 0f 54 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  andpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "andpd", 0x66, 0x0f54, 128, dst, src);
    return this;
  }

  /**
   * `andnps`: bitwise AND NOT (`~dst & src`) of packed single-precision values.
   *
   * GNU as assembles `andnps xmm1, xmm2` to `0f 55 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  andnps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "andnps", 0x0, 0x0f55, 128, dst, src);
    return this;
  }

  /**
   * `andnpd`: bitwise AND NOT (`~dst & src`) of packed double-precision values.
   *
   * GNU as assembles `andnpd xmm1, xmm2` to `66 0f 55 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  andnpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "andnpd", 0x66, 0x0f55, 128, dst, src);
    return this;
  }

  /**
   * `orps`: bitwise OR of packed single-precision values.
   *
   * GNU as assembles `orps xmm1, xmm2` to `0f 56 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  orps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "orps", 0x0, 0x0f56, 128, dst, src);
    return this;
  }

  /**
   * `orpd`: bitwise OR of packed double-precision values.
   *
   * GNU as assembles `orpd xmm1, xmm2` to `66 0f 56 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  orpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "orpd", 0x66, 0x0f56, 128, dst, src);
    return this;
  }

  /**
   * `xorps`: bitwise XOR of packed single-precision values.
   *
   * GNU as assembles `xorps xmm1, xmm2` to `0f 57 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  xorps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "xorps", 0x0, 0x0f57, 128, dst, src);
    return this;
  }

  /**
   * `xorpd`: bitwise XOR of packed double-precision values.
   *
   * GNU as assembles `xorpd xmm1, xmm2` to `66 0f 57 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  xorpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "xorpd", 0x66, 0x0f57, 128, dst, src);
    return this;
  }

  /**
   * `comiss`: compares scalar singles, setting ZF, PF and CF (signalling on any NaN).
   *
   * GNU as assembles `comiss xmm1, xmm2` to `0f 2f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  comiss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "comiss", 0x0, 0x0f2f, 32, dst, src);
    return this;
  }

  /**
   * `comisd`: compares scalar doubles, setting ZF, PF and CF (signalling on any NaN).
   *
   * GNU as assembles `comisd xmm1, xmm2` to `66 0f 2f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  comisd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "comisd", 0x66, 0x0f2f, 64, dst, src);
    return this;
  }

  /**
   * `ucomiss`: compares scalar singles, setting ZF, PF and CF (PF=1: unordered).
   *
   * GNU as assembles `ucomiss xmm1, xmm2` to `0f 2e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  ucomiss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "ucomiss", 0x0, 0x0f2e, 32, dst, src);
    return this;
  }

  /**
   * `ucomisd`: compares scalar doubles, setting ZF, PF and CF (PF=1: unordered).
   *
   * GNU as assembles `ucomisd xmm1, xmm2` to `66 0f 2e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  ucomisd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "ucomisd", 0x66, 0x0f2e, 64, dst, src);
    return this;
  }

  /**
   * `cvtsi2ss`: converts a 32- or 64-bit signed integer to a scalar single.
   *
   * GNU as assembles `cvtsi2ss xmm0, rdi` to `f3 48 0f 2a c7`.
   *
   * @param dst An xmm register.
   * @param src A 32- or 64-bit general register, or a memory operand sized with dword()/qword().
   * @returns This assembler.
   */
  cvtsi2ss(dst: X86VectorRegister, src: X86Register | X86Memory): this {
    vector.fromInteger(this.#code, "cvtsi2ss", false, 2, dst, undefined, src);
    return this;
  }

  /**
   * `cvtsi2sd`: converts a 32- or 64-bit signed integer to a scalar double.
   *
   * GNU as assembles `cvtsi2sd xmm0, rdi` to `f2 48 0f 2a c7`.
   *
   * @param dst An xmm register.
   * @param src A 32- or 64-bit general register, or a memory operand sized with dword()/qword().
   * @returns This assembler.
   */
  cvtsi2sd(dst: X86VectorRegister, src: X86Register | X86Memory): this {
    vector.fromInteger(this.#code, "cvtsi2sd", false, 3, dst, undefined, src);
    return this;
  }

  /**
   * `cvttss2si`: converts a scalar single to a signed integer, truncating.
   *
   * GNU as assembles `cvttss2si rax, xmm0` to `f3 48 0f 2c c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  cvttss2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "cvttss2si", false, 2, 0x2c, 32, dst, src);
    return this;
  }

  /**
   * `cvttsd2si`: converts a scalar double to a signed integer, truncating.
   *
   * GNU as assembles `cvttsd2si rax, xmm0` to `f2 48 0f 2c c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  cvttsd2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "cvttsd2si", false, 3, 0x2c, 64, dst, src);
    return this;
  }

  /**
   * `cvtss2si`: converts a scalar single to a signed integer, rounding by MXCSR.
   *
   * GNU as assembles `cvtss2si rax, xmm0` to `f3 48 0f 2d c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  cvtss2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "cvtss2si", false, 2, 0x2d, 32, dst, src);
    return this;
  }

  /**
   * `cvtsd2si`: converts a scalar double to a signed integer, rounding by MXCSR.
   *
   * GNU as assembles `cvtsd2si rax, xmm0` to `f2 48 0f 2d c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  cvtsd2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "cvtsd2si", false, 3, 0x2d, 64, dst, src);
    return this;
  }

  /**
   * `cvtss2sd`: converts a scalar single to a scalar double.
   *
   * GNU as assembles `cvtss2sd xmm1, xmm2` to `f3 0f 5a ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  cvtss2sd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "cvtss2sd", 0xf3, 0x0f5a, 32, dst, src);
    return this;
  }

  /**
   * `cvtsd2ss`: converts a scalar double to a scalar single.
   *
   * GNU as assembles `cvtsd2ss xmm1, xmm2` to `f2 0f 5a ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  cvtsd2ss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "cvtsd2ss", 0xf2, 0x0f5a, 64, dst, src);
    return this;
  }

  /**
   * `cvtdq2pd`: converts two packed 32-bit integers to two doubles.
   *
   * GNU as assembles `cvtdq2pd xmm1, xmm2` to `f3 0f e6 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  cvtdq2pd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "cvtdq2pd", 0xf3, 0x0fe6, 64, dst, src);
    return this;
  }

  /**
   * `cvtdq2ps`: converts four packed 32-bit integers to four singles.
   *
   * GNU as assembles `cvtdq2ps xmm1, xmm2` to `0f 5b ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  cvtdq2ps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "cvtdq2ps", 0x0, 0x0f5b, 128, dst, src);
    return this;
  }

  /**
   * `cvttpd2dq`: converts two packed doubles to 32-bit integers, truncating.
   *
   * GNU as assembles `cvttpd2dq xmm1, xmm2` to `66 0f e6 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  cvttpd2dq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "cvttpd2dq", 0x66, 0x0fe6, 128, dst, src);
    return this;
  }

  /**
   * `cvttps2dq`: converts four packed singles to 32-bit integers, truncating.
   *
   * GNU as assembles `cvttps2dq xmm1, xmm2` to `f3 0f 5b ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  cvttps2dq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "cvttps2dq", 0xf3, 0x0f5b, 128, dst, src);
    return this;
  }

  /**
   * `shufps`: shuffles singles: the low two from `dst`, the high two from `src`, picked by `imm`.
   *
   * GNU as assembles `shufps xmm1, xmm2, 1` to `0f c6 ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  shufps(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "shufps", 0x0, 0x0fc6, 128, dst, src, imm);
    return this;
  }

  /**
   * `shufpd`: shuffles doubles: the low from `dst`, the high from `src`, picked by `imm`.
   *
   * GNU as assembles `shufpd xmm1, xmm2, 1` to `66 0f c6 ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  shufpd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "shufpd", 0x66, 0x0fc6, 128, dst, src, imm);
    return this;
  }

  /**
   * `unpcklps`: interleaves the low singles of `dst` and `src`.
   *
   * GNU as assembles `unpcklps xmm1, xmm2` to `0f 14 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  unpcklps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "unpcklps", 0x0, 0x0f14, 128, dst, src);
    return this;
  }

  /**
   * `unpcklpd`: interleaves the low doubles of `dst` and `src`.
   *
   * GNU as assembles `unpcklpd xmm1, xmm2` to `66 0f 14 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  unpcklpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "unpcklpd", 0x66, 0x0f14, 128, dst, src);
    return this;
  }

  /**
   * `unpckhps`: interleaves the high singles of `dst` and `src`.
   *
   * GNU as assembles `unpckhps xmm1, xmm2` to `0f 15 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  unpckhps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "unpckhps", 0x0, 0x0f15, 128, dst, src);
    return this;
  }

  /**
   * `unpckhpd`: interleaves the high doubles of `dst` and `src`.
   *
   * GNU as assembles `unpckhpd xmm1, xmm2` to `66 0f 15 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  unpckhpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "unpckhpd", 0x66, 0x0f15, 128, dst, src);
    return this;
  }

  /**
   * `pxor`: bitwise XOR of 128-bit integers.
   *
   * GNU as assembles `pxor xmm1, xmm2` to `66 0f ef ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pxor(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pxor", 0x66, 0x0fef, 128, dst, src);
    return this;
  }

  /**
   * `pand`: bitwise AND of 128-bit integers.
   *
   * GNU as assembles `pand xmm1, xmm2` to `66 0f db ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pand(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pand", 0x66, 0x0fdb, 128, dst, src);
    return this;
  }

  /**
   * `pandn`: bitwise AND NOT (`~dst & src`) of 128-bit integers.
   *
   * GNU as assembles `pandn xmm1, xmm2` to `66 0f df ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pandn(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pandn", 0x66, 0x0fdf, 128, dst, src);
    return this;
  }

  /**
   * `por`: bitwise OR of 128-bit integers.
   *
   * GNU as assembles `por xmm1, xmm2` to `66 0f eb ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  por(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "por", 0x66, 0x0feb, 128, dst, src);
    return this;
  }

  /**
   * `paddb`: adds packed bytes (wrapping).
   *
   * GNU as assembles `paddb xmm1, xmm2` to `66 0f fc ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  paddb(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "paddb", 0x66, 0x0ffc, 128, dst, src);
    return this;
  }

  /**
   * `paddw`: adds packed 16-bit integers (wrapping).
   *
   * GNU as assembles `paddw xmm1, xmm2` to `66 0f fd ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  paddw(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "paddw", 0x66, 0x0ffd, 128, dst, src);
    return this;
  }

  /**
   * `paddd`: adds packed 32-bit integers (wrapping).
   *
   * GNU as assembles `paddd xmm1, xmm2` to `66 0f fe ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  paddd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "paddd", 0x66, 0x0ffe, 128, dst, src);
    return this;
  }

  /**
   * `paddq`: adds packed 64-bit integers (wrapping).
   *
   * GNU as assembles `paddq xmm1, xmm2` to `66 0f d4 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  paddq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "paddq", 0x66, 0x0fd4, 128, dst, src);
    return this;
  }

  /**
   * `psubb`: subtracts packed bytes (wrapping).
   *
   * GNU as assembles `psubb xmm1, xmm2` to `66 0f f8 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  psubb(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "psubb", 0x66, 0x0ff8, 128, dst, src);
    return this;
  }

  /**
   * `psubw`: subtracts packed 16-bit integers (wrapping).
   *
   * GNU as assembles `psubw xmm1, xmm2` to `66 0f f9 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  psubw(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "psubw", 0x66, 0x0ff9, 128, dst, src);
    return this;
  }

  /**
   * `psubd`: subtracts packed 32-bit integers (wrapping).
   *
   * GNU as assembles `psubd xmm1, xmm2` to `66 0f fa ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  psubd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "psubd", 0x66, 0x0ffa, 128, dst, src);
    return this;
  }

  /**
   * `psubq`: subtracts packed 64-bit integers (wrapping).
   *
   * GNU as assembles `psubq xmm1, xmm2` to `66 0f fb ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  psubq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "psubq", 0x66, 0x0ffb, 128, dst, src);
    return this;
  }

  /**
   * `pmullw`: multiplies packed 16-bit integers, keeping the low halves.
   *
   * GNU as assembles `pmullw xmm1, xmm2` to `66 0f d5 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pmullw(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pmullw", 0x66, 0x0fd5, 128, dst, src);
    return this;
  }

  /**
   * `pmuludq`: multiplies the even unsigned 32-bit elements into 64-bit products.
   *
   * GNU as assembles `pmuludq xmm1, xmm2` to `66 0f f4 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pmuludq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pmuludq", 0x66, 0x0ff4, 128, dst, src);
    return this;
  }

  /**
   * `pcmpeqb`: compares packed bytes for equality (all ones where equal).
   *
   * GNU as assembles `pcmpeqb xmm1, xmm2` to `66 0f 74 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pcmpeqb(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pcmpeqb", 0x66, 0x0f74, 128, dst, src);
    return this;
  }

  /**
   * `pcmpeqd`: compares packed 32-bit integers for equality (all ones where equal).
   *
   * GNU as assembles `pcmpeqd xmm1, xmm2` to `66 0f 76 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pcmpeqd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pcmpeqd", 0x66, 0x0f76, 128, dst, src);
    return this;
  }

  /**
   * `pcmpgtd`: compares packed signed 32-bit integers (all ones where `dst > src`).
   *
   * GNU as assembles `pcmpgtd xmm1, xmm2` to `66 0f 66 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pcmpgtd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pcmpgtd", 0x66, 0x0f66, 128, dst, src);
    return this;
  }

  /**
   * `pshufd`: shuffles 32-bit elements of `src` into `dst`, picked by `imm`.
   *
   * GNU as assembles `pshufd xmm1, xmm2, 1` to `66 0f 70 ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  pshufd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "pshufd", 0x66, 0x0f70, 128, dst, src, imm);
    return this;
  }

  /**
   * `psllq`: shifts packed 64-bit integers left by an immediate.
   *
   * GNU as assembles `psllq xmm1, 3` to `66 0f 73 f1 03`.
   *
   * @param dst An xmm register.
   * @param count The shift count (0-255; beyond the element size gives zero, or the sign for psrad).
   * @returns This assembler.
   */
  psllq(dst: X86VectorRegister, count: number): this {
    vector.shiftImmediate(
      this.#code,
      "psllq",
      false,
      0x73,
      6,
      dst,
      count,
      undefined,
    );
    return this;
  }

  /**
   * `psrlq`: shifts packed 64-bit integers right (logical) by an immediate.
   *
   * GNU as assembles `psrlq xmm1, 3` to `66 0f 73 d1 03`.
   *
   * @param dst An xmm register.
   * @param count The shift count (0-255; beyond the element size gives zero, or the sign for psrad).
   * @returns This assembler.
   */
  psrlq(dst: X86VectorRegister, count: number): this {
    vector.shiftImmediate(
      this.#code,
      "psrlq",
      false,
      0x73,
      2,
      dst,
      count,
      undefined,
    );
    return this;
  }

  /**
   * `psrad`: shifts packed 32-bit integers right (arithmetic) by an immediate.
   *
   * GNU as assembles `psrad xmm1, 3` to `66 0f 72 e1 03`.
   *
   * @param dst An xmm register.
   * @param count The shift count (0-255; beyond the element size gives zero, or the sign for psrad).
   * @returns This assembler.
   */
  psrad(dst: X86VectorRegister, count: number): this {
    vector.shiftImmediate(
      this.#code,
      "psrad",
      false,
      0x72,
      4,
      dst,
      count,
      undefined,
    );
    return this;
  }

  /**
   * `roundss`: rounds a scalar single by the mode in `imm` (0 nearest, 1 down, 2 up, 3 toward zero; +8 suppresses the inexact exception).
   *
   * GNU as assembles `roundss xmm1, xmm2, 1` to `66 0f 3a 0a ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  roundss(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "roundss", 0x66, 0xf3a0a, 32, dst, src, imm);
    return this;
  }

  /**
   * `roundsd`: rounds a scalar double by the mode in `imm` (0 nearest, 1 down, 2 up, 3 toward zero; +8 suppresses the inexact exception).
   *
   * GNU as assembles `roundsd xmm1, xmm2, 1` to `66 0f 3a 0b ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  roundsd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "roundsd", 0x66, 0xf3a0b, 64, dst, src, imm);
    return this;
  }

  /**
   * `roundps`: rounds packed singles by the mode in `imm`.
   *
   * GNU as assembles `roundps xmm1, xmm2, 1` to `66 0f 3a 08 ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  roundps(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "roundps", 0x66, 0xf3a08, 128, dst, src, imm);
    return this;
  }

  /**
   * `roundpd`: rounds packed doubles by the mode in `imm`.
   *
   * GNU as assembles `roundpd xmm1, xmm2, 1` to `66 0f 3a 09 ca 01`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  roundpd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.sse(this.#code, "roundpd", 0x66, 0xf3a09, 128, dst, src, imm);
    return this;
  }

  /**
   * `pmulld`: multiplies packed 32-bit integers, keeping the low halves (SSE4.1).
   *
   * GNU as assembles `pmulld xmm1, xmm2` to `66 0f 38 40 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pmulld(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pmulld", 0x66, 0xf3840, 128, dst, src);
    return this;
  }

  /**
   * `pminsd`: the minimum of packed signed 32-bit integers (SSE4.1).
   *
   * GNU as assembles `pminsd xmm1, xmm2` to `66 0f 38 39 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pminsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pminsd", 0x66, 0xf3839, 128, dst, src);
    return this;
  }

  /**
   * `pmaxsd`: the maximum of packed signed 32-bit integers (SSE4.1).
   *
   * GNU as assembles `pmaxsd xmm1, xmm2` to `66 0f 38 3d ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  pmaxsd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "pmaxsd", 0x66, 0xf383d, 128, dst, src);
    return this;
  }

  /**
   * `blendvpd`: picks each double from `src` where xmm0's sign bit is set, else keeps `dst` (SSE4.1).
   *
   * GNU as assembles `blendvpd xmm1, xmm2, xmm0` to `66 0f 38 15 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register or a memory operand (128 bits).
   * @param mask xmm0, the mask, as GNU as lets it be written (optional).
   * @returns This assembler.
   */
  blendvpd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    mask?: X86VectorRegister,
  ): this {
    vector.blendv(this.#code, "blendvpd", dst, src, mask);
    return this;
  }

  /**
   * `ptest`: sets ZF if `dst & src` is zero, CF if `~dst & src` is (SSE4.1).
   *
   * GNU as assembles `ptest xmm1, xmm2` to `66 0f 38 17 ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (128 bits).
   * @returns This assembler.
   */
  ptest(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.sse(this.#code, "ptest", 0x66, 0xf3817, 128, dst, src);
    return this;
  }

  /**
   * `pinsrd`: inserts a 32-bit element from a general register or memory (SSE4.1).
   *
   * GNU as assembles `pinsrd xmm0, eax, 1` to `66 0f 3a 22 c0 01`.
   *
   * @param dst An xmm register.
   * @param src A 32-bit general register or memory operand.
   * @param index The element's index.
   * @returns This assembler.
   */
  pinsrd(
    dst: X86VectorRegister,
    src: X86Register | X86Memory,
    index: number,
  ): this {
    vector.insertElement(
      this.#code,
      "pinsrd",
      false,
      32,
      dst,
      undefined,
      src,
      index,
    );
    return this;
  }

  /**
   * `pinsrq`: inserts a 64-bit element from a general register or memory (SSE4.1).
   *
   * GNU as assembles `pinsrq xmm0, rax, 1` to `66 48 0f 3a 22 c0 01`.
   *
   * @param dst An xmm register.
   * @param src A 64-bit general register or memory operand.
   * @param index The element's index.
   * @returns This assembler.
   */
  pinsrq(
    dst: X86VectorRegister,
    src: X86Register | X86Memory,
    index: number,
  ): this {
    vector.insertElement(
      this.#code,
      "pinsrq",
      false,
      64,
      dst,
      undefined,
      src,
      index,
    );
    return this;
  }

  /**
   * `pextrd`: extracts a 32-bit element to a general register or memory (SSE4.1).
   *
   * GNU as assembles `pextrd eax, xmm1, 1` to `66 0f 3a 16 c8 01`.
   *
   * @param dst A 32-bit general register or memory operand.
   * @param src An xmm register.
   * @param index The element's index.
   * @returns This assembler.
   */
  pextrd(
    dst: X86Register | X86Memory,
    src: X86VectorRegister,
    index: number,
  ): this {
    vector.extractElement(this.#code, "pextrd", false, 32, dst, src, index);
    return this;
  }

  /**
   * `pextrq`: extracts a 64-bit element to a general register or memory (SSE4.1).
   *
   * GNU as assembles `pextrq rax, xmm1, 1` to `66 48 0f 3a 16 c8 01`.
   *
   * @param dst A 64-bit general register or memory operand.
   * @param src An xmm register.
   * @param index The element's index.
   * @returns This assembler.
   */
  pextrq(
    dst: X86Register | X86Memory,
    src: X86VectorRegister,
    index: number,
  ): this {
    vector.extractElement(this.#code, "pextrq", false, 64, dst, src, index);
    return this;
  }

  /**
   * `movss`: moves a scalar single (a load zeroes the upper elements; between registers only the low one moves).
   *
   * GNU as assembles `movss [rdi+16], xmm1` to `f3 0f 11 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (32 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movss(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movss", 0xf3, 0x0f10, 0x0f11, 32, dst, src);
    return this;
  }

  /**
   * `movsd`: moves a scalar double (a load zeroes the upper element; between registers only the low one moves).
   *
   * GNU as assembles `movsd [rdi+16], xmm1` to `f2 0f 11 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (64 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movsd(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movsd", 0xf2, 0x0f10, 0x0f11, 64, dst, src);
    return this;
  }

  /**
   * `movaps`: moves 128 bits of singles; memory must be 16-byte aligned.
   *
   * GNU as assembles `movaps [rdi+16], xmm1` to `0f 29 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (128 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movaps(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movaps", 0x0, 0x0f28, 0x0f29, 128, dst, src);
    return this;
  }

  /**
   * `movups`: moves 128 bits of singles, unaligned.
   *
   * GNU as assembles `movups [rdi+16], xmm1` to `0f 11 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (128 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movups(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movups", 0x0, 0x0f10, 0x0f11, 128, dst, src);
    return this;
  }

  /**
   * `movapd`: moves 128 bits of doubles; memory must be 16-byte aligned.
   *
   * GNU as assembles `movapd [rdi+16], xmm1` to `66 0f 29 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (128 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movapd(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movapd", 0x66, 0x0f28, 0x0f29, 128, dst, src);
    return this;
  }

  /**
   * `movupd`: moves 128 bits of doubles, unaligned.
   *
   * GNU as assembles `movupd [rdi+16], xmm1` to `66 0f 11 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (128 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movupd(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movupd", 0x66, 0x0f10, 0x0f11, 128, dst, src);
    return this;
  }

  /**
   * `movdqa`: moves 128 bits of integers; memory must be 16-byte aligned.
   *
   * GNU as assembles `movdqa [rdi+16], xmm1` to `66 0f 7f 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (128 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movdqa(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movdqa", 0x66, 0x0f6f, 0x0f7f, 128, dst, src);
    return this;
  }

  /**
   * `movdqu`: moves 128 bits of integers, unaligned.
   *
   * GNU as assembles `movdqu [rdi+16], xmm1` to `f3 0f 7f 4f 10`.
   *
   * @param dst An xmm register, or a memory operand (128 bits).
   * @param src An xmm register, or a memory operand when `dst` is a register.
   * @returns This assembler.
   */
  movdqu(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.sseMove(this.#code, "movdqu", 0xf3, 0x0f6f, 0x0f7f, 128, dst, src);
    return this;
  }

  /**
   * `movd`: moves 32 bits between an xmm register and a general register or memory (zeroing the rest of an xmm destination).
   *
   * GNU as assembles `movd xmm0, eax` to `66 0f 6e c0`.
   *
   * @param dst An xmm register, a 32-bit general register or memory.
   * @param src The other side: an xmm register, or (when `dst` is an xmm register) a general register or memory.
   * @returns This assembler.
   */
  movd(
    dst: X86VectorRegister | X86Register | X86Memory,
    src: X86VectorRegister | X86Register | X86Memory,
  ): this {
    vector.moveScalar(this.#code, "movd", false, 32, dst, src);
    return this;
  }

  /**
   * `movq`: moves 64 bits between an xmm register and a general register, memory or another xmm register (zeroing the rest of an xmm destination).
   *
   * GNU as assembles `movq xmm0, rax` to `66 48 0f 6e c0`.
   *
   * @param dst An xmm register, a 64-bit general register or memory.
   * @param src The other side: an xmm register, or (when `dst` is an xmm register) a general register or memory.
   * @returns This assembler.
   */
  movq(
    dst: X86VectorRegister | X86Register | X86Memory,
    src: X86VectorRegister | X86Register | X86Memory,
  ): this {
    vector.moveScalar(this.#code, "movq", false, 64, dst, src);
    return this;
  }

  /**
   * `vaddss`: adds scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vaddss xmm1, xmm2, xmm3` to `c5 ea 58 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vaddss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vaddss", 2, 1, 0, 0x58, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vaddsd`: adds scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vaddsd xmm1, xmm2, xmm3` to `c5 eb 58 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vaddsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vaddsd", 3, 1, 0, 0x58, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vaddps`: adds packed single-precision values.
   *
   * GNU as assembles `vaddps ymm1, ymm2, ymm3` to `c5 ec 58 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vaddps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vaddps", 0, 1, 0, 0x58, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vaddpd`: adds packed double-precision values.
   *
   * GNU as assembles `vaddpd ymm1, ymm2, ymm3` to `c5 ed 58 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vaddpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vaddpd", 1, 1, 0, 0x58, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vsubss`: subtracts scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vsubss xmm1, xmm2, xmm3` to `c5 ea 5c cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vsubss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vsubss", 2, 1, 0, 0x5c, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vsubsd`: subtracts scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vsubsd xmm1, xmm2, xmm3` to `c5 eb 5c cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vsubsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vsubsd", 3, 1, 0, 0x5c, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vsubps`: subtracts packed single-precision values.
   *
   * GNU as assembles `vsubps ymm1, ymm2, ymm3` to `c5 ec 5c cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vsubps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vsubps", 0, 1, 0, 0x5c, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vsubpd`: subtracts packed double-precision values.
   *
   * GNU as assembles `vsubpd ymm1, ymm2, ymm3` to `c5 ed 5c cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vsubpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vsubpd", 1, 1, 0, 0x5c, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vmulss`: multiplies scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vmulss xmm1, xmm2, xmm3` to `c5 ea 59 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vmulss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmulss", 2, 1, 0, 0x59, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vmulsd`: multiplies scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vmulsd xmm1, xmm2, xmm3` to `c5 eb 59 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vmulsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmulsd", 3, 1, 0, 0x59, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vmulps`: multiplies packed single-precision values.
   *
   * GNU as assembles `vmulps ymm1, ymm2, ymm3` to `c5 ec 59 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vmulps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmulps", 0, 1, 0, 0x59, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vmulpd`: multiplies packed double-precision values.
   *
   * GNU as assembles `vmulpd ymm1, ymm2, ymm3` to `c5 ed 59 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vmulpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmulpd", 1, 1, 0, 0x59, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vdivss`: divides scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vdivss xmm1, xmm2, xmm3` to `c5 ea 5e cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vdivss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vdivss", 2, 1, 0, 0x5e, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vdivsd`: divides scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vdivsd xmm1, xmm2, xmm3` to `c5 eb 5e cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vdivsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vdivsd", 3, 1, 0, 0x5e, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vdivps`: divides packed single-precision values.
   *
   * GNU as assembles `vdivps ymm1, ymm2, ymm3` to `c5 ec 5e cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vdivps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vdivps", 0, 1, 0, 0x5e, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vdivpd`: divides packed double-precision values.
   *
   * GNU as assembles `vdivpd ymm1, ymm2, ymm3` to `c5 ed 5e cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vdivpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vdivpd", 1, 1, 0, 0x5e, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vminss`: the minimum of scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vminss xmm1, xmm2, xmm3` to `c5 ea 5d cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vminss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vminss", 2, 1, 0, 0x5d, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vminsd`: the minimum of scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vminsd xmm1, xmm2, xmm3` to `c5 eb 5d cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vminsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vminsd", 3, 1, 0, 0x5d, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vminps`: the minimum of packed single-precision values.
   *
   * GNU as assembles `vminps ymm1, ymm2, ymm3` to `c5 ec 5d cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vminps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vminps", 0, 1, 0, 0x5d, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vminpd`: the minimum of packed double-precision values.
   *
   * GNU as assembles `vminpd ymm1, ymm2, ymm3` to `c5 ed 5d cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vminpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vminpd", 1, 1, 0, 0x5d, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vmaxss`: the maximum of scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vmaxss xmm1, xmm2, xmm3` to `c5 ea 5f cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vmaxss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmaxss", 2, 1, 0, 0x5f, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vmaxsd`: the maximum of scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vmaxsd xmm1, xmm2, xmm3` to `c5 eb 5f cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vmaxsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmaxsd", 3, 1, 0, 0x5f, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vmaxps`: the maximum of packed single-precision values.
   *
   * GNU as assembles `vmaxps ymm1, ymm2, ymm3` to `c5 ec 5f cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vmaxps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmaxps", 0, 1, 0, 0x5f, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vmaxpd`: the maximum of packed double-precision values.
   *
   * GNU as assembles `vmaxpd ymm1, ymm2, ymm3` to `c5 ed 5f cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vmaxpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vmaxpd", 1, 1, 0, 0x5f, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vsqrtss`: the square root of scalar single-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vsqrtss xmm1, xmm2, xmm3` to `c5 ea 51 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vsqrtss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vsqrtss", 2, 1, 0, 0x51, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vsqrtsd`: the square root of scalar double-precision values. The upper elements come from `src1`.
   *
   * GNU as assembles `vsqrtsd xmm1, xmm2, xmm3` to `c5 eb 51 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vsqrtsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vsqrtsd", 3, 1, 0, 0x51, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vsqrtps`: the square root of packed single-precision values.
   *
   * GNU as assembles `vsqrtps ymm1, ymm2` to `c5 fc 51 ca`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vsqrtps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(this.#code, "vsqrtps", 0, 1, 0, 0x51, 3, 0, dst, undefined, src);
    return this;
  }

  /**
   * `vsqrtpd`: the square root of packed double-precision values.
   *
   * GNU as assembles `vsqrtpd ymm1, ymm2` to `c5 fd 51 ca`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vsqrtpd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(this.#code, "vsqrtpd", 1, 1, 0, 0x51, 3, 0, dst, undefined, src);
    return this;
  }

  /**
   * `vandps`: bitwise AND of packed single-precision values.
   *
   * GNU as assembles `vandps ymm1, ymm2, ymm3` to `c5 ec 54 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vandps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vandps", 0, 1, 0, 0x54, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vandpd`: bitwise AND of packed double-precision values.
   *
   * GNU as assembles `vandpd ymm1, ymm2, ymm3` to `c5 ed 54 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vandpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vandpd", 1, 1, 0, 0x54, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vandnps`: bitwise AND NOT (`~dst & src`) of packed single-precision values.
   *
   * GNU as assembles `vandnps ymm1, ymm2, ymm3` to `c5 ec 55 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vandnps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vandnps", 0, 1, 0, 0x55, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vandnpd`: bitwise AND NOT (`~dst & src`) of packed double-precision values.
   *
   * GNU as assembles `vandnpd ymm1, ymm2, ymm3` to `c5 ed 55 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vandnpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vandnpd", 1, 1, 0, 0x55, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vorps`: bitwise OR of packed single-precision values.
   *
   * GNU as assembles `vorps ymm1, ymm2, ymm3` to `c5 ec 56 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vorps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vorps", 0, 1, 0, 0x56, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vorpd`: bitwise OR of packed double-precision values.
   *
   * GNU as assembles `vorpd ymm1, ymm2, ymm3` to `c5 ed 56 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vorpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vorpd", 1, 1, 0, 0x56, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vxorps`: bitwise XOR of packed single-precision values.
   *
   * GNU as assembles `vxorps ymm1, ymm2, ymm3` to `c5 ec 57 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vxorps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vxorps", 0, 1, 0, 0x57, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vxorpd`: bitwise XOR of packed double-precision values.
   *
   * GNU as assembles `vxorpd ymm1, ymm2, ymm3` to `c5 ed 57 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vxorpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vxorpd", 1, 1, 0, 0x57, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vcomiss`: compares scalar singles, setting ZF, PF and CF (signalling on any NaN).
   *
   * GNU as assembles `vcomiss xmm1, xmm2` to `c5 f8 2f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vcomiss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(
      this.#code,
      "vcomiss",
      0,
      1,
      0,
      0x2f,
      1,
      32,
      dst,
      undefined,
      src,
    );
    return this;
  }

  /**
   * `vcomisd`: compares scalar doubles, setting ZF, PF and CF (signalling on any NaN).
   *
   * GNU as assembles `vcomisd xmm1, xmm2` to `c5 f9 2f ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vcomisd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(
      this.#code,
      "vcomisd",
      1,
      1,
      0,
      0x2f,
      1,
      64,
      dst,
      undefined,
      src,
    );
    return this;
  }

  /**
   * `vucomiss`: compares scalar singles, setting ZF, PF and CF (PF=1: unordered).
   *
   * GNU as assembles `vucomiss xmm1, xmm2` to `c5 f8 2e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vucomiss(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(
      this.#code,
      "vucomiss",
      0,
      1,
      0,
      0x2e,
      1,
      32,
      dst,
      undefined,
      src,
    );
    return this;
  }

  /**
   * `vucomisd`: compares scalar doubles, setting ZF, PF and CF (PF=1: unordered).
   *
   * GNU as assembles `vucomisd xmm1, xmm2` to `c5 f9 2e ca`.
   *
   * @param dst An xmm register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vucomisd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(
      this.#code,
      "vucomisd",
      1,
      1,
      0,
      0x2e,
      1,
      64,
      dst,
      undefined,
      src,
    );
    return this;
  }

  /**
   * `vcvtsi2ss`: converts a 32- or 64-bit signed integer to a scalar single. The upper elements come from `src1`.
   *
   * GNU as assembles `vcvtsi2ss xmm0, xmm0, rdi` to `c4 e1 fa 2a c7`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register: the upper elements.
   * @param src A 32- or 64-bit general register, or a memory operand sized with dword()/qword().
   * @returns This assembler.
   */
  vcvtsi2ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src: X86Register | X86Memory,
  ): this {
    vector.fromInteger(this.#code, "vcvtsi2ss", true, 2, dst, src1, src);
    return this;
  }

  /**
   * `vcvtsi2sd`: converts a 32- or 64-bit signed integer to a scalar double. The upper elements come from `src1`.
   *
   * GNU as assembles `vcvtsi2sd xmm0, xmm0, rdi` to `c4 e1 fb 2a c7`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register: the upper elements.
   * @param src A 32- or 64-bit general register, or a memory operand sized with dword()/qword().
   * @returns This assembler.
   */
  vcvtsi2sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src: X86Register | X86Memory,
  ): this {
    vector.fromInteger(this.#code, "vcvtsi2sd", true, 3, dst, src1, src);
    return this;
  }

  /**
   * `vcvttss2si`: converts a scalar single to a signed integer, truncating.
   *
   * GNU as assembles `vcvttss2si rax, xmm0` to `c4 e1 fa 2c c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vcvttss2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "vcvttss2si", true, 2, 0x2c, 32, dst, src);
    return this;
  }

  /**
   * `vcvttsd2si`: converts a scalar double to a signed integer, truncating.
   *
   * GNU as assembles `vcvttsd2si rax, xmm0` to `c4 e1 fb 2c c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vcvttsd2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "vcvttsd2si", true, 3, 0x2c, 64, dst, src);
    return this;
  }

  /**
   * `vcvtss2si`: converts a scalar single to a signed integer, rounding by MXCSR.
   *
   * GNU as assembles `vcvtss2si rax, xmm0` to `c4 e1 fa 2d c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vcvtss2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "vcvtss2si", true, 2, 0x2d, 32, dst, src);
    return this;
  }

  /**
   * `vcvtsd2si`: converts a scalar double to a signed integer, rounding by MXCSR.
   *
   * GNU as assembles `vcvtsd2si rax, xmm0` to `c4 e1 fb 2d c0`.
   *
   * @param dst A 32- or 64-bit general register.
   * @param src An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vcvtsd2si(dst: X86Register, src: X86VectorRegister | X86Memory): this {
    vector.toInteger(this.#code, "vcvtsd2si", true, 3, 0x2d, 64, dst, src);
    return this;
  }

  /**
   * `vcvtss2sd`: converts a scalar single to a scalar double. The upper elements come from `src1`.
   *
   * GNU as assembles `vcvtss2sd xmm1, xmm2, xmm3` to `c5 ea 5a cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vcvtss2sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vcvtss2sd", 2, 1, 0, 0x5a, 1, 32, dst, src1, src2);
    return this;
  }

  /**
   * `vcvtsd2ss`: converts a scalar double to a scalar single. The upper elements come from `src1`.
   *
   * GNU as assembles `vcvtsd2ss xmm1, xmm2, xmm3` to `c5 eb 5a cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vcvtsd2ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vcvtsd2ss", 3, 1, 0, 0x5a, 1, 64, dst, src1, src2);
    return this;
  }

  /**
   * `vcvtdq2pd`: converts packed 32-bit integers to doubles: 2 into an xmm register, 4 into a ymm register.
   *
   * GNU as assembles `vcvtdq2pd ymm0, xmm1` to `c5 fe e6 c1`.
   *
   * @param dst An xmm or ymm register.
   * @param src An xmm register, or memory (64 bits for an xmm destination, 128 for a ymm one).
   * @returns This assembler.
   */
  vcvtdq2pd(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avxWiden(
      this.#code,
      "vcvtdq2pd",
      2,
      1,
      0,
      0xe6,
      3,
      64,
      false,
      dst,
      src,
    );
    return this;
  }

  /**
   * `vcvtdq2ps`: converts four packed 32-bit integers to four singles.
   *
   * GNU as assembles `vcvtdq2ps ymm1, ymm2` to `c5 fc 5b ca`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vcvtdq2ps(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(
      this.#code,
      "vcvtdq2ps",
      0,
      1,
      0,
      0x5b,
      3,
      0,
      dst,
      undefined,
      src,
    );
    return this;
  }

  /**
   * `vcvttpd2dq`: converts packed doubles to 32-bit integers, truncating: 2 from an xmm register, 4 from a ymm register; a memory source states its size with xmmword()/ymmword().
   *
   * GNU as assembles `vcvttpd2dq xmm0, ymm1` to `c5 fd e6 c1`.
   *
   * @param dst An xmm register.
   * @param src An xmm or ymm register, or memory sized with xmmword() or ymmword().
   * @returns This assembler.
   */
  vcvttpd2dq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avxNarrow(this.#code, "vcvttpd2dq", 1, 0xe6, dst, src);
    return this;
  }

  /**
   * `vcvttps2dq`: converts four packed singles to 32-bit integers, truncating.
   *
   * GNU as assembles `vcvttps2dq ymm1, ymm2` to `c5 fe 5b ca`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vcvttps2dq(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(
      this.#code,
      "vcvttps2dq",
      2,
      1,
      0,
      0x5b,
      3,
      0,
      dst,
      undefined,
      src,
    );
    return this;
  }

  /**
   * `vshufps`: shuffles singles: the low two from `src1`, the high two from `src2`, picked by `imm`.
   *
   * GNU as assembles `vshufps ymm1, ymm2, ymm3, 1` to `c5 ec c6 cb 01`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vshufps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vshufps",
      0,
      1,
      0,
      0xc6,
      3,
      0,
      dst,
      src1,
      src2,
      imm,
    );
    return this;
  }

  /**
   * `vshufpd`: shuffles doubles: the low from `src1`, the high from `src2`, picked by `imm`.
   *
   * GNU as assembles `vshufpd ymm1, ymm2, ymm3, 1` to `c5 ed c6 cb 01`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vshufpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vshufpd",
      1,
      1,
      0,
      0xc6,
      3,
      0,
      dst,
      src1,
      src2,
      imm,
    );
    return this;
  }

  /**
   * `vunpcklps`: interleaves the low singles of `src1` and `src2`.
   *
   * GNU as assembles `vunpcklps ymm1, ymm2, ymm3` to `c5 ec 14 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vunpcklps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vunpcklps", 0, 1, 0, 0x14, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vunpcklpd`: interleaves the low doubles of `src1` and `src2`.
   *
   * GNU as assembles `vunpcklpd ymm1, ymm2, ymm3` to `c5 ed 14 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vunpcklpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vunpcklpd", 1, 1, 0, 0x14, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vunpckhps`: interleaves the high singles of `src1` and `src2`.
   *
   * GNU as assembles `vunpckhps ymm1, ymm2, ymm3` to `c5 ec 15 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vunpckhps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vunpckhps", 0, 1, 0, 0x15, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vunpckhpd`: interleaves the high doubles of `src1` and `src2`.
   *
   * GNU as assembles `vunpckhpd ymm1, ymm2, ymm3` to `c5 ed 15 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vunpckhpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vunpckhpd", 1, 1, 0, 0x15, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpxor`: bitwise XOR of 128- or 256-bit integers.
   *
   * GNU as assembles `vpxor ymm1, ymm2, ymm3` to `c5 ed ef cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpxor(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpxor", 1, 1, 0, 0xef, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpand`: bitwise AND of 128- or 256-bit integers.
   *
   * GNU as assembles `vpand ymm1, ymm2, ymm3` to `c5 ed db cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpand(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpand", 1, 1, 0, 0xdb, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpandn`: bitwise AND NOT (`~dst & src`) of 128- or 256-bit integers.
   *
   * GNU as assembles `vpandn ymm1, ymm2, ymm3` to `c5 ed df cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpandn(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpandn", 1, 1, 0, 0xdf, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpor`: bitwise OR of 128- or 256-bit integers.
   *
   * GNU as assembles `vpor ymm1, ymm2, ymm3` to `c5 ed eb cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpor(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpor", 1, 1, 0, 0xeb, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpaddb`: adds packed bytes (wrapping).
   *
   * GNU as assembles `vpaddb ymm1, ymm2, ymm3` to `c5 ed fc cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpaddb(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpaddb", 1, 1, 0, 0xfc, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpaddw`: adds packed 16-bit integers (wrapping).
   *
   * GNU as assembles `vpaddw ymm1, ymm2, ymm3` to `c5 ed fd cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpaddw(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpaddw", 1, 1, 0, 0xfd, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpaddd`: adds packed 32-bit integers (wrapping).
   *
   * GNU as assembles `vpaddd ymm1, ymm2, ymm3` to `c5 ed fe cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpaddd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpaddd", 1, 1, 0, 0xfe, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpaddq`: adds packed 64-bit integers (wrapping).
   *
   * GNU as assembles `vpaddq ymm1, ymm2, ymm3` to `c5 ed d4 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpaddq(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpaddq", 1, 1, 0, 0xd4, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpsubb`: subtracts packed bytes (wrapping).
   *
   * GNU as assembles `vpsubb ymm1, ymm2, ymm3` to `c5 ed f8 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpsubb(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpsubb", 1, 1, 0, 0xf8, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpsubw`: subtracts packed 16-bit integers (wrapping).
   *
   * GNU as assembles `vpsubw ymm1, ymm2, ymm3` to `c5 ed f9 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpsubw(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpsubw", 1, 1, 0, 0xf9, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpsubd`: subtracts packed 32-bit integers (wrapping).
   *
   * GNU as assembles `vpsubd ymm1, ymm2, ymm3` to `c5 ed fa cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpsubd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpsubd", 1, 1, 0, 0xfa, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpsubq`: subtracts packed 64-bit integers (wrapping).
   *
   * GNU as assembles `vpsubq ymm1, ymm2, ymm3` to `c5 ed fb cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpsubq(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpsubq", 1, 1, 0, 0xfb, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpmullw`: multiplies packed 16-bit integers, keeping the low halves.
   *
   * GNU as assembles `vpmullw ymm1, ymm2, ymm3` to `c5 ed d5 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpmullw(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpmullw", 1, 1, 0, 0xd5, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpmuludq`: multiplies the even unsigned 32-bit elements into 64-bit products.
   *
   * GNU as assembles `vpmuludq ymm1, ymm2, ymm3` to `c5 ed f4 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpmuludq(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpmuludq", 1, 1, 0, 0xf4, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpcmpeqb`: compares packed bytes for equality (all ones where equal).
   *
   * GNU as assembles `vpcmpeqb ymm1, ymm2, ymm3` to `c5 ed 74 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpcmpeqb(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpcmpeqb", 1, 1, 0, 0x74, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpcmpeqd`: compares packed 32-bit integers for equality (all ones where equal).
   *
   * GNU as assembles `vpcmpeqd ymm1, ymm2, ymm3` to `c5 ed 76 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpcmpeqd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpcmpeqd", 1, 1, 0, 0x76, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpcmpgtd`: compares packed signed 32-bit integers (all ones where `dst > src`).
   *
   * GNU as assembles `vpcmpgtd ymm1, ymm2, ymm3` to `c5 ed 66 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpcmpgtd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpcmpgtd", 1, 1, 0, 0x66, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpshufd`: shuffles 32-bit elements of `src` into `dst`, picked by `imm`.
   *
   * GNU as assembles `vpshufd ymm1, ymm2, 1` to `c5 fd 70 ca 01`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vpshufd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vpshufd",
      1,
      1,
      0,
      0x70,
      3,
      0,
      dst,
      undefined,
      src,
      imm,
    );
    return this;
  }

  /**
   * `vpsllq`: shifts packed 64-bit integers left by an immediate.
   *
   * GNU as assembles `vpsllq ymm1, ymm2, 3` to `c5 f5 73 f2 03`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size.
   * @param count The shift count.
   * @returns This assembler.
   */
  vpsllq(dst: X86VectorRegister, src: X86VectorRegister, count: number): this {
    vector.shiftImmediate(this.#code, "vpsllq", true, 0x73, 6, dst, src, count);
    return this;
  }

  /**
   * `vpsrlq`: shifts packed 64-bit integers right (logical) by an immediate.
   *
   * GNU as assembles `vpsrlq ymm1, ymm2, 3` to `c5 f5 73 d2 03`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size.
   * @param count The shift count.
   * @returns This assembler.
   */
  vpsrlq(dst: X86VectorRegister, src: X86VectorRegister, count: number): this {
    vector.shiftImmediate(this.#code, "vpsrlq", true, 0x73, 2, dst, src, count);
    return this;
  }

  /**
   * `vpsrad`: shifts packed 32-bit integers right (arithmetic) by an immediate.
   *
   * GNU as assembles `vpsrad ymm1, ymm2, 3` to `c5 f5 72 e2 03`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size.
   * @param count The shift count.
   * @returns This assembler.
   */
  vpsrad(dst: X86VectorRegister, src: X86VectorRegister, count: number): this {
    vector.shiftImmediate(this.#code, "vpsrad", true, 0x72, 4, dst, src, count);
    return this;
  }

  /**
   * `vroundss`: rounds a scalar single by the mode in `imm`; the upper elements come from `src1`.
   *
   * GNU as assembles `vroundss xmm1, xmm2, xmm3, 1` to `c4 e3 69 0a cb 01`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vroundss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vroundss",
      1,
      3,
      0,
      0xa,
      1,
      32,
      dst,
      src1,
      src2,
      imm,
    );
    return this;
  }

  /**
   * `vroundsd`: rounds a scalar double by the mode in `imm`; the upper elements come from `src1`.
   *
   * GNU as assembles `vroundsd xmm1, xmm2, xmm3, 1` to `c4 e3 69 0b cb 01`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vroundsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vroundsd",
      1,
      3,
      0,
      0xb,
      1,
      64,
      dst,
      src1,
      src2,
      imm,
    );
    return this;
  }

  /**
   * `vroundps`: rounds packed singles by the mode in `imm`.
   *
   * GNU as assembles `vroundps ymm1, ymm2, 1` to `c4 e3 7d 08 ca 01`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vroundps(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vroundps",
      1,
      3,
      0,
      0x8,
      3,
      0,
      dst,
      undefined,
      src,
      imm,
    );
    return this;
  }

  /**
   * `vroundpd`: rounds packed doubles by the mode in `imm`.
   *
   * GNU as assembles `vroundpd ymm1, ymm2, 1` to `c4 e3 7d 09 ca 01`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vroundpd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vroundpd",
      1,
      3,
      0,
      0x9,
      3,
      0,
      dst,
      undefined,
      src,
      imm,
    );
    return this;
  }

  /**
   * `vpmulld`: multiplies packed 32-bit integers, keeping the low halves.
   *
   * GNU as assembles `vpmulld ymm1, ymm2, ymm3` to `c4 e2 6d 40 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpmulld(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpmulld", 1, 2, 0, 0x40, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpminsd`: the minimum of packed signed 32-bit integers.
   *
   * GNU as assembles `vpminsd ymm1, ymm2, ymm3` to `c4 e2 6d 39 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpminsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpminsd", 1, 2, 0, 0x39, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vpmaxsd`: the maximum of packed signed 32-bit integers.
   *
   * GNU as assembles `vpmaxsd ymm1, ymm2, ymm3` to `c4 e2 6d 3d cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpmaxsd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpmaxsd", 1, 2, 0, 0x3d, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vblendvpd`: picks each double from `src2` where `mask`'s sign bit is set, else from `src1`.
   *
   * GNU as assembles `vblendvpd ymm0, ymm1, ymm2, ymm3` to `c4 e3 75 4b c2 30`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or memory.
   * @param mask A register of the same size: the mask.
   * @returns This assembler.
   */
  vblendvpd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    mask: X86VectorRegister,
  ): this {
    vector.avxBlendv(this.#code, "vblendvpd", dst, src1, src2, mask);
    return this;
  }

  /**
   * `vptest`: sets ZF if `dst & src` is zero, CF if `~dst & src` is.
   *
   * GNU as assembles `vptest ymm1, ymm2` to `c4 e2 7d 17 ca`.
   *
   * @param dst An xmm or ymm register.
   * @param src A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vptest(dst: X86VectorRegister, src: X86VectorRegister | X86Memory): this {
    vector.avx(this.#code, "vptest", 1, 2, 0, 0x17, 3, 0, dst, undefined, src);
    return this;
  }

  /**
   * `vpinsrd`: inserts a 32-bit element from a general register or memory. The other elements come from `src1`.
   *
   * GNU as assembles `vpinsrd xmm0, xmm0, eax, 1` to `c4 e3 79 22 c0 01`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register: the other elements.
   * @param src A 32-bit general register or memory operand.
   * @param index The element's index.
   * @returns This assembler.
   */
  vpinsrd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src: X86Register | X86Memory,
    index: number,
  ): this {
    vector.insertElement(
      this.#code,
      "vpinsrd",
      true,
      32,
      dst,
      src1,
      src,
      index,
    );
    return this;
  }

  /**
   * `vpinsrq`: inserts a 64-bit element from a general register or memory. The other elements come from `src1`.
   *
   * GNU as assembles `vpinsrq xmm0, xmm0, rax, 1` to `c4 e3 f9 22 c0 01`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register: the other elements.
   * @param src A 64-bit general register or memory operand.
   * @param index The element's index.
   * @returns This assembler.
   */
  vpinsrq(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src: X86Register | X86Memory,
    index: number,
  ): this {
    vector.insertElement(
      this.#code,
      "vpinsrq",
      true,
      64,
      dst,
      src1,
      src,
      index,
    );
    return this;
  }

  /**
   * `vpextrd`: extracts a 32-bit element to a general register or memory.
   *
   * GNU as assembles `vpextrd eax, xmm1, 1` to `c4 e3 79 16 c8 01`.
   *
   * @param dst A 32-bit general register or memory operand.
   * @param src An xmm register.
   * @param index The element's index.
   * @returns This assembler.
   */
  vpextrd(
    dst: X86Register | X86Memory,
    src: X86VectorRegister,
    index: number,
  ): this {
    vector.extractElement(this.#code, "vpextrd", true, 32, dst, src, index);
    return this;
  }

  /**
   * `vpextrq`: extracts a 64-bit element to a general register or memory.
   *
   * GNU as assembles `vpextrq rax, xmm1, 1` to `c4 e3 f9 16 c8 01`.
   *
   * @param dst A 64-bit general register or memory operand.
   * @param src An xmm register.
   * @param index The element's index.
   * @returns This assembler.
   */
  vpextrq(
    dst: X86Register | X86Memory,
    src: X86VectorRegister,
    index: number,
  ): this {
    vector.extractElement(this.#code, "vpextrq", true, 64, dst, src, index);
    return this;
  }

  /**
   * `vmovss`: moves a scalar single (a load zeroes the upper elements; between registers only the low one moves).
   *
   * GNU as assembles `vmovss xmm0, [rdi+8]` to `c5 fa 10 47 08`.
   *
   * @param dst An xmm register, or a memory operand (32 bits).
   * @param src A register, or memory when `dst` is a register; with `src2`, the register giving the upper elements.
   * @param src2 Between registers: the xmm register whose low element moves (`src` gives the upper ones).
   * @returns This assembler.
   */
  vmovss(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
    src2?: X86VectorRegister,
  ): this {
    vector.avxMove(this.#code, "vmovss", 2, 0x10, 0x11, 32, dst, src, src2);
    return this;
  }

  /**
   * `vmovsd`: moves a scalar double (a load zeroes the upper element; between registers only the low one moves).
   *
   * GNU as assembles `vmovsd xmm0, [rdi+8]` to `c5 fb 10 47 08`.
   *
   * @param dst An xmm register, or a memory operand (64 bits).
   * @param src A register, or memory when `dst` is a register; with `src2`, the register giving the upper elements.
   * @param src2 Between registers: the xmm register whose low element moves (`src` gives the upper ones).
   * @returns This assembler.
   */
  vmovsd(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
    src2?: X86VectorRegister,
  ): this {
    vector.avxMove(this.#code, "vmovsd", 3, 0x10, 0x11, 64, dst, src, src2);
    return this;
  }

  /**
   * `vmovaps`: moves 128 or 256 bits of singles; memory must be 16- or 32-byte aligned.
   *
   * GNU as assembles `vmovaps ymm0, [rdi+32]` to `c5 fc 28 47 20`.
   *
   * @param dst An xmm or ymm register, or memory.
   * @param src A register, or memory when `dst` is a register.
   * @returns This assembler.
   */
  vmovaps(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxMove(this.#code, "vmovaps", 0, 0x28, 0x29, 0, dst, src);
    return this;
  }

  /**
   * `vmovups`: moves 128 or 256 bits of singles, unaligned.
   *
   * GNU as assembles `vmovups ymm0, [rdi+32]` to `c5 fc 10 47 20`.
   *
   * @param dst An xmm or ymm register, or memory.
   * @param src A register, or memory when `dst` is a register.
   * @returns This assembler.
   */
  vmovups(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxMove(this.#code, "vmovups", 0, 0x10, 0x11, 0, dst, src);
    return this;
  }

  /**
   * `vmovapd`: moves 128 or 256 bits of doubles; memory must be 16- or 32-byte aligned.
   *
   * GNU as assembles `vmovapd ymm0, [rdi+32]` to `c5 fd 28 47 20`.
   *
   * @param dst An xmm or ymm register, or memory.
   * @param src A register, or memory when `dst` is a register.
   * @returns This assembler.
   */
  vmovapd(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxMove(this.#code, "vmovapd", 1, 0x28, 0x29, 0, dst, src);
    return this;
  }

  /**
   * `vmovupd`: moves 128 or 256 bits of doubles, unaligned.
   *
   * GNU as assembles `vmovupd ymm0, [rdi+32]` to `c5 fd 10 47 20`.
   *
   * @param dst An xmm or ymm register, or memory.
   * @param src A register, or memory when `dst` is a register.
   * @returns This assembler.
   */
  vmovupd(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxMove(this.#code, "vmovupd", 1, 0x10, 0x11, 0, dst, src);
    return this;
  }

  /**
   * `vmovdqa`: moves 128 or 256 bits of integers; memory must be 16- or 32-byte aligned.
   *
   * GNU as assembles `vmovdqa ymm0, [rdi+32]` to `c5 fd 6f 47 20`.
   *
   * @param dst An xmm or ymm register, or memory.
   * @param src A register, or memory when `dst` is a register.
   * @returns This assembler.
   */
  vmovdqa(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxMove(this.#code, "vmovdqa", 1, 0x6f, 0x7f, 0, dst, src);
    return this;
  }

  /**
   * `vmovdqu`: moves 128 or 256 bits of integers, unaligned.
   *
   * GNU as assembles `vmovdqu ymm0, [rdi+32]` to `c5 fe 6f 47 20`.
   *
   * @param dst An xmm or ymm register, or memory.
   * @param src A register, or memory when `dst` is a register.
   * @returns This assembler.
   */
  vmovdqu(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxMove(this.#code, "vmovdqu", 2, 0x6f, 0x7f, 0, dst, src);
    return this;
  }

  /**
   * `vmovd`: moves 32 bits between an xmm register and a general register or memory (zeroing the rest of an xmm destination).
   *
   * GNU as assembles `vmovd xmm0, eax` to `c5 f9 6e c0`.
   *
   * @param dst An xmm register, a 32-bit general register or memory.
   * @param src The other side: an xmm register, or (when `dst` is an xmm register) a general register or memory.
   * @returns This assembler.
   */
  vmovd(
    dst: X86VectorRegister | X86Register | X86Memory,
    src: X86VectorRegister | X86Register | X86Memory,
  ): this {
    vector.moveScalar(this.#code, "vmovd", true, 32, dst, src);
    return this;
  }

  /**
   * `vmovq`: moves 64 bits between an xmm register and a general register, memory or another xmm register (zeroing the rest of an xmm destination).
   *
   * GNU as assembles `vmovq xmm0, rax` to `c4 e1 f9 6e c0`.
   *
   * @param dst An xmm register, a 64-bit general register or memory.
   * @param src The other side: an xmm register, or (when `dst` is an xmm register) a general register or memory.
   * @returns This assembler.
   */
  vmovq(
    dst: X86VectorRegister | X86Register | X86Memory,
    src: X86VectorRegister | X86Register | X86Memory,
  ): this {
    vector.moveScalar(this.#code, "vmovq", true, 64, dst, src);
    return this;
  }

  /**
   * `vbroadcastss`: copies one single (from memory, or with AVX2 an xmm register's low element) into every element.
   *
   * GNU as assembles `vbroadcastss ymm0, [rdi]` to `c4 e2 7d 18 07`.
   *
   * @param dst An xmm or ymm register.
   * @param src An xmm register, or memory (32 bits).
   * @returns This assembler.
   */
  vbroadcastss(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxWiden(
      this.#code,
      "vbroadcastss",
      1,
      2,
      0,
      0x18,
      3,
      32,
      true,
      dst,
      src,
    );
    return this;
  }

  /**
   * `vbroadcastsd`: copies one double (from memory, or with AVX2 an xmm register's low element) into every element of a ymm register.
   *
   * GNU as assembles `vbroadcastsd ymm0, [rdi]` to `c4 e2 7d 19 07`.
   *
   * @param dst A ymm register.
   * @param src An xmm register, or memory (64 bits).
   * @returns This assembler.
   */
  vbroadcastsd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxWiden(
      this.#code,
      "vbroadcastsd",
      1,
      2,
      0,
      0x19,
      2,
      64,
      true,
      dst,
      src,
    );
    return this;
  }

  /**
   * `vperm2f128`: picks each 128-bit half of `dst` from the halves of `src1` and `src2` by `imm` (bit 3 or 7 zeroes a half).
   *
   * GNU as assembles `vperm2f128 ymm1, ymm2, ymm3, 1` to `c4 e3 6d 06 cb 01`.
   *
   * @param dst A ymm register.
   * @param src1 A ymm register.
   * @param src2 A ymm register, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vperm2f128(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vperm2f128",
      1,
      3,
      0,
      0x6,
      2,
      0,
      dst,
      src1,
      src2,
      imm,
    );
    return this;
  }

  /**
   * `vinsertf128`: copies `src1`, replacing the 128-bit half `index` with `src2`.
   *
   * GNU as assembles `vinsertf128 ymm0, ymm0, xmm1, 1` to `c4 e3 7d 18 c1 01`.
   *
   * @param dst A ymm register.
   * @param src1 A ymm register: the other half.
   * @param src2 An xmm register or memory (128 bits).
   * @param index Which half: 0 or 1.
   * @returns This assembler.
   */
  vinsertf128(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
    index: number,
  ): this {
    vector.insert128(this.#code, "vinsertf128", dst, src1, src2, index);
    return this;
  }

  /**
   * `vextractf128`: extracts the 128-bit half `index` of `src`.
   *
   * GNU as assembles `vextractf128 xmm1, ymm0, 1` to `c4 e3 7d 19 c1 01`.
   *
   * @param dst An xmm register or memory (128 bits).
   * @param src A ymm register.
   * @param index Which half: 0 or 1.
   * @returns This assembler.
   */
  vextractf128(
    dst: X86VectorRegister | X86Memory,
    src: X86VectorRegister,
    index: number,
  ): this {
    vector.extract128(this.#code, "vextractf128", dst, src, index);
    return this;
  }

  /**
   * `vzeroupper`: zeroes the upper halves of every ymm register: run it before calling or returning to SSE code, to avoid the transition penalty.
   *
   * GNU as assembles `vzeroupper` to `c5 f8 77`.
   *
   * @returns This assembler.
   */
  vzeroupper(): this {
    vector.vzeroupper(this.#code);
    return this;
  }

  /**
   * `vpbroadcastd`: copies one 32-bit integer (from memory or an xmm register's low element) into every element (AVX2).
   *
   * GNU as assembles `vpbroadcastd ymm0, [rdi]` to `c4 e2 7d 58 07`.
   *
   * @param dst An xmm or ymm register.
   * @param src An xmm register, or memory (32 bits).
   * @returns This assembler.
   */
  vpbroadcastd(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxWiden(
      this.#code,
      "vpbroadcastd",
      1,
      2,
      0,
      0x58,
      3,
      32,
      true,
      dst,
      src,
    );
    return this;
  }

  /**
   * `vpbroadcastq`: copies one 64-bit integer (from memory or an xmm register's low element) into every element (AVX2).
   *
   * GNU as assembles `vpbroadcastq ymm0, [rdi]` to `c4 e2 7d 59 07`.
   *
   * @param dst An xmm or ymm register.
   * @param src An xmm register, or memory (64 bits).
   * @returns This assembler.
   */
  vpbroadcastq(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
  ): this {
    vector.avxWiden(
      this.#code,
      "vpbroadcastq",
      1,
      2,
      0,
      0x59,
      3,
      64,
      true,
      dst,
      src,
    );
    return this;
  }

  /**
   * `vpermq`: picks each 64-bit element of `dst` from `src` by two bits of `imm` (AVX2).
   *
   * GNU as assembles `vpermq ymm1, ymm2, 1` to `c4 e3 fd 00 ca 01`.
   *
   * @param dst A ymm register.
   * @param src A ymm register, or a memory operand of the vector's size.
   * @param imm An 8-bit immediate.
   * @returns This assembler.
   */
  vpermq(
    dst: X86VectorRegister,
    src: X86VectorRegister | X86Memory,
    imm: number,
  ): this {
    vector.avx(
      this.#code,
      "vpermq",
      1,
      3,
      1,
      0x0,
      2,
      0,
      dst,
      undefined,
      src,
      imm,
    );
    return this;
  }

  /**
   * `vpermd`: picks each 32-bit element of `dst` from `src2` by the index in `src1`'s element (AVX2).
   *
   * GNU as assembles `vpermd ymm1, ymm2, ymm3` to `c4 e2 6d 36 cb`.
   *
   * @param dst A ymm register.
   * @param src1 A ymm register.
   * @param src2 A ymm register, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vpermd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vpermd", 1, 2, 0, 0x36, 2, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfmadd132ss`: fused multiply-add of scalar single-precision values, rounded once: `dst = dst * src2 + src1` (FMA3).
   *
   * GNU as assembles `vfmadd132ss xmm1, xmm2, xmm3` to `c4 e2 69 99 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vfmadd132ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfmadd132ss",
      1,
      2,
      0,
      0x99,
      1,
      32,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfmadd132sd`: fused multiply-add of scalar double-precision values, rounded once: `dst = dst * src2 + src1` (FMA3).
   *
   * GNU as assembles `vfmadd132sd xmm1, xmm2, xmm3` to `c4 e2 e9 99 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vfmadd132sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfmadd132sd",
      1,
      2,
      1,
      0x99,
      1,
      64,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfmadd132ps`: fused multiply-add of packed single-precision values, rounded once: `dst = dst * src2 + src1` (FMA3).
   *
   * GNU as assembles `vfmadd132ps ymm1, ymm2, ymm3` to `c4 e2 6d 98 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfmadd132ps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vfmadd132ps", 1, 2, 0, 0x98, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfmadd132pd`: fused multiply-add of packed double-precision values, rounded once: `dst = dst * src2 + src1` (FMA3).
   *
   * GNU as assembles `vfmadd132pd ymm1, ymm2, ymm3` to `c4 e2 ed 98 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfmadd132pd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vfmadd132pd", 1, 2, 1, 0x98, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfmadd213ss`: fused multiply-add of scalar single-precision values, rounded once: `dst = src1 * dst + src2` (FMA3).
   *
   * GNU as assembles `vfmadd213ss xmm1, xmm2, xmm3` to `c4 e2 69 a9 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vfmadd213ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfmadd213ss",
      1,
      2,
      0,
      0xa9,
      1,
      32,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfmadd213sd`: fused multiply-add of scalar double-precision values, rounded once: `dst = src1 * dst + src2` (FMA3).
   *
   * GNU as assembles `vfmadd213sd xmm1, xmm2, xmm3` to `c4 e2 e9 a9 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vfmadd213sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfmadd213sd",
      1,
      2,
      1,
      0xa9,
      1,
      64,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfmadd213ps`: fused multiply-add of packed single-precision values, rounded once: `dst = src1 * dst + src2` (FMA3).
   *
   * GNU as assembles `vfmadd213ps ymm1, ymm2, ymm3` to `c4 e2 6d a8 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfmadd213ps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vfmadd213ps", 1, 2, 0, 0xa8, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfmadd213pd`: fused multiply-add of packed double-precision values, rounded once: `dst = src1 * dst + src2` (FMA3).
   *
   * GNU as assembles `vfmadd213pd ymm1, ymm2, ymm3` to `c4 e2 ed a8 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfmadd213pd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vfmadd213pd", 1, 2, 1, 0xa8, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfmadd231ss`: fused multiply-add of scalar single-precision values, rounded once: `dst = src1 * src2 + dst` (FMA3).
   *
   * GNU as assembles `vfmadd231ss xmm1, xmm2, xmm3` to `c4 e2 69 b9 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vfmadd231ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfmadd231ss",
      1,
      2,
      0,
      0xb9,
      1,
      32,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfmadd231sd`: fused multiply-add of scalar double-precision values, rounded once: `dst = src1 * src2 + dst` (FMA3).
   *
   * GNU as assembles `vfmadd231sd xmm1, xmm2, xmm3` to `c4 e2 e9 b9 cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vfmadd231sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfmadd231sd",
      1,
      2,
      1,
      0xb9,
      1,
      64,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfmadd231ps`: fused multiply-add of packed single-precision values, rounded once: `dst = src1 * src2 + dst` (FMA3).
   *
   * GNU as assembles `vfmadd231ps ymm1, ymm2, ymm3` to `c4 e2 6d b8 cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfmadd231ps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vfmadd231ps", 1, 2, 0, 0xb8, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfmadd231pd`: fused multiply-add of packed double-precision values, rounded once: `dst = src1 * src2 + dst` (FMA3).
   *
   * GNU as assembles `vfmadd231pd ymm0, ymm1, ymm9` to `c4 c2 f5 b8 c1`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfmadd231pd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(this.#code, "vfmadd231pd", 1, 2, 1, 0xb8, 3, 0, dst, src1, src2);
    return this;
  }

  /**
   * `vfnmadd132ss`: fused multiply-add of scalar single-precision values, rounded once: `dst = -(dst * src2) + src1` (FMA3).
   *
   * GNU as assembles `vfnmadd132ss xmm1, xmm2, xmm3` to `c4 e2 69 9d cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vfnmadd132ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd132ss",
      1,
      2,
      0,
      0x9d,
      1,
      32,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd132sd`: fused multiply-add of scalar double-precision values, rounded once: `dst = -(dst * src2) + src1` (FMA3).
   *
   * GNU as assembles `vfnmadd132sd xmm1, xmm2, xmm3` to `c4 e2 e9 9d cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vfnmadd132sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd132sd",
      1,
      2,
      1,
      0x9d,
      1,
      64,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd132ps`: fused multiply-add of packed single-precision values, rounded once: `dst = -(dst * src2) + src1` (FMA3).
   *
   * GNU as assembles `vfnmadd132ps ymm1, ymm2, ymm3` to `c4 e2 6d 9c cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfnmadd132ps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd132ps",
      1,
      2,
      0,
      0x9c,
      3,
      0,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd132pd`: fused multiply-add of packed double-precision values, rounded once: `dst = -(dst * src2) + src1` (FMA3).
   *
   * GNU as assembles `vfnmadd132pd ymm1, ymm2, ymm3` to `c4 e2 ed 9c cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfnmadd132pd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd132pd",
      1,
      2,
      1,
      0x9c,
      3,
      0,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd213ss`: fused multiply-add of scalar single-precision values, rounded once: `dst = -(src1 * dst) + src2` (FMA3).
   *
   * GNU as assembles `vfnmadd213ss xmm1, xmm2, xmm3` to `c4 e2 69 ad cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vfnmadd213ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd213ss",
      1,
      2,
      0,
      0xad,
      1,
      32,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd213sd`: fused multiply-add of scalar double-precision values, rounded once: `dst = -(src1 * dst) + src2` (FMA3).
   *
   * GNU as assembles `vfnmadd213sd xmm1, xmm2, xmm3` to `c4 e2 e9 ad cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vfnmadd213sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd213sd",
      1,
      2,
      1,
      0xad,
      1,
      64,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd213ps`: fused multiply-add of packed single-precision values, rounded once: `dst = -(src1 * dst) + src2` (FMA3).
   *
   * GNU as assembles `vfnmadd213ps ymm1, ymm2, ymm3` to `c4 e2 6d ac cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfnmadd213ps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd213ps",
      1,
      2,
      0,
      0xac,
      3,
      0,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd213pd`: fused multiply-add of packed double-precision values, rounded once: `dst = -(src1 * dst) + src2` (FMA3).
   *
   * GNU as assembles `vfnmadd213pd ymm1, ymm2, ymm3` to `c4 e2 ed ac cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfnmadd213pd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd213pd",
      1,
      2,
      1,
      0xac,
      3,
      0,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd231ss`: fused multiply-add of scalar single-precision values, rounded once: `dst = -(src1 * src2) + dst` (FMA3).
   *
   * GNU as assembles `vfnmadd231ss xmm1, xmm2, xmm3` to `c4 e2 69 bd cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (32 bits).
   * @returns This assembler.
   */
  vfnmadd231ss(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd231ss",
      1,
      2,
      0,
      0xbd,
      1,
      32,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd231sd`: fused multiply-add of scalar double-precision values, rounded once: `dst = -(src1 * src2) + dst` (FMA3).
   *
   * GNU as assembles `vfnmadd231sd xmm1, xmm2, xmm3` to `c4 e2 e9 bd cb`.
   *
   * @param dst An xmm register.
   * @param src1 An xmm register.
   * @param src2 An xmm register, or a memory operand (64 bits).
   * @returns This assembler.
   */
  vfnmadd231sd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd231sd",
      1,
      2,
      1,
      0xbd,
      1,
      64,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd231ps`: fused multiply-add of packed single-precision values, rounded once: `dst = -(src1 * src2) + dst` (FMA3).
   *
   * GNU as assembles `vfnmadd231ps ymm1, ymm2, ymm3` to `c4 e2 6d bc cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfnmadd231ps(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd231ps",
      1,
      2,
      0,
      0xbc,
      3,
      0,
      dst,
      src1,
      src2,
    );
    return this;
  }

  /**
   * `vfnmadd231pd`: fused multiply-add of packed double-precision values, rounded once: `dst = -(src1 * src2) + dst` (FMA3).
   *
   * GNU as assembles `vfnmadd231pd ymm1, ymm2, ymm3` to `c4 e2 ed bc cb`.
   *
   * @param dst An xmm or ymm register.
   * @param src1 A register of the same size.
   * @param src2 A register of the same size, or a memory operand of the vector's size.
   * @returns This assembler.
   */
  vfnmadd231pd(
    dst: X86VectorRegister,
    src1: X86VectorRegister,
    src2: X86VectorRegister | X86Memory,
  ): this {
    vector.avx(
      this.#code,
      "vfnmadd231pd",
      1,
      2,
      1,
      0xbc,
      3,
      0,
      dst,
      src1,
      src2,
    );
    return this;
  }
}
