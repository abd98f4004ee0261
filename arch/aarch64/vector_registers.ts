/**
 * AArch64 SIMD and floating-point registers, with GNU as's names: the
 * scalar views `s0`…`s31`, `d0`…`d31`, `q0`…`q31`, and the vector
 * registers `v0`…`v31` with their arrangements (`v0.s4` is `v0.4s`) and
 * elements (`v1.s(2)` is `v1.s[2]`).
 *
 * @module
 */

import { describeOperand, inRange, invalidOperand } from "../assembler.ts";

/**
 * A SIMD&FP register seen as one scalar: `s` (32-bit float), `d` (64-bit
 * float), `q` (128 bits, for loads, stores and moves), or `b`/`h` (8 and
 * 16 bits, the results of `addv` on bytes and halfwords).
 *
 * @example The three views of register 3
 * ```ts
 * import assert from "node:assert/strict";
 * import { d3, q3, s3 } from "@bcpl/jit-memory/aarch64";
 *
 * assert.deepEqual([s3.bits, d3.bits, q3.bits], [32, 64, 128]);
 * assert.equal(`${d3}`, "d3");
 * ```
 */
export class A64ScalarRegister {
  /**
   * Registers are the exported constants (`s0`, `d0`, `q0`, ...).
   *
   * @param name GNU as's name.
   * @param code The register number, 0-31.
   * @param bits Its size: 8, 16, 32, 64 or 128.
   */
  constructor(
    readonly name: string,
    readonly code: number,
    readonly bits: 8 | 16 | 32 | 64 | 128,
  ) {}

  /**
   * The register's name.
   *
   * @returns GNU as's name, e.g. `"d0"`.
   */
  toString(): string {
    return this.name;
  }
}

/** GNU as's letter for an element or scalar register of each size. */
export const SIZE_LETTERS: Readonly<Record<number, string>> = {
  8: "b",
  16: "h",
  32: "s",
  64: "d",
  128: "q",
};

/** An arrangement's shape: element size and count. */
const SHAPES = {
  b8: [8, 8],
  b16: [8, 16],
  h4: [16, 4],
  h8: [16, 8],
  s2: [32, 2],
  s4: [32, 4],
  d1: [64, 1],
  d2: [64, 2],
} as const;

/**
 * A vector register with an arrangement: GNU as's `v0.4s` is `v0.s4`.
 *
 * @example Four singles
 * ```ts
 * import assert from "node:assert/strict";
 * import { v0 } from "@bcpl/jit-memory/aarch64";
 *
 * const four = v0.s4;
 * assert.deepEqual([four.elementBits, four.lanes, four.bits], [32, 4, 128]);
 * assert.equal(`${four}`, "v0.4s");
 * ```
 */
export class A64Arrangement {
  /**
   * Arrangements come from the vector registers' getters (`v0.s4`).
   *
   * @param register The vector register.
   * @param elementBits The element size: 8, 16, 32 or 64.
   * @param lanes How many elements.
   */
  constructor(
    readonly register: A64VectorRegister,
    readonly elementBits: 8 | 16 | 32 | 64,
    readonly lanes: number,
  ) {}

  /**
   * The register number.
   *
   * @returns 0-31.
   */
  get code(): number {
    return this.register.code;
  }

  /**
   * The vector's size.
   *
   * @returns 64 or 128.
   */
  get bits(): 64 | 128 {
    return this.elementBits * this.lanes === 128 ? 128 : 64;
  }

  /**
   * GNU as's spelling.
   *
   * @returns E.g. `"v0.4s"`.
   */
  toString(): string {
    const letter = SIZE_LETTERS[this.elementBits];
    return `${this.register}.${this.lanes}${letter}`;
  }
}

/**
 * One element of a vector register: GNU as's `v1.s[2]` is `v1.s(2)`.
 *
 * @example The third single of v1
 * ```ts
 * import assert from "node:assert/strict";
 * import { v1 } from "@bcpl/jit-memory/aarch64";
 *
 * const element = v1.s(2);
 * assert.deepEqual([element.elementBits, element.index], [32, 2]);
 * assert.equal(`${element}`, "v1.s[2]");
 * ```
 */
export class A64Element {
  /**
   * Elements come from the vector registers' methods (`v1.s(2)`).
   *
   * @param register The vector register.
   * @param elementBits The element size: 8, 16, 32 or 64.
   * @param index The element's index.
   */
  constructor(
    readonly register: A64VectorRegister,
    readonly elementBits: 8 | 16 | 32 | 64,
    readonly index: number,
  ) {}

  /**
   * The register number.
   *
   * @returns 0-31.
   */
  get code(): number {
    return this.register.code;
  }

  /**
   * GNU as's spelling.
   *
   * @returns E.g. `"v1.s[2]"`.
   */
  toString(): string {
    const letter = SIZE_LETTERS[this.elementBits];
    return `${this.register}.${letter}[${this.index}]`;
  }
}

/**
 * A vector register, `v0`…`v31`: 128 bits seen through an arrangement
 * (`v0.s4`, GNU as's `v0.4s`) or as one element (`v0.s(1)`).
 *
 * @example Arrangements and elements
 * ```ts
 * import assert from "node:assert/strict";
 * import { v7 } from "@bcpl/jit-memory/aarch64";
 *
 * assert.equal(`${v7.b16}`, "v7.16b");
 * assert.equal(`${v7.d(1)}`, "v7.d[1]");
 * assert.throws(() => v7.d(2), /index 2 is not 0..1/);
 * ```
 */
export class A64VectorRegister {
  readonly #arrangements: Record<keyof typeof SHAPES, A64Arrangement>;

  /**
   * Registers are the exported constants (`v0`…`v31`).
   *
   * @param name GNU as's name.
   * @param code The register number, 0-31.
   */
  constructor(readonly name: string, readonly code: number) {
    const all = {} as Record<keyof typeof SHAPES, A64Arrangement>;
    for (const [key, [bits, lanes]] of Object.entries(SHAPES)) {
      all[key as keyof typeof SHAPES] = new A64Arrangement(this, bits, lanes);
    }
    this.#arrangements = all;
  }

  /**
   * Eight bytes (the low 64 bits): `v0.8b`.
   *
   * @returns The arrangement.
   */
  get b8(): A64Arrangement {
    return this.#arrangements.b8;
  }

  /**
   * Sixteen bytes: `v0.16b`.
   *
   * @returns The arrangement.
   */
  get b16(): A64Arrangement {
    return this.#arrangements.b16;
  }

  /**
   * Four halfwords (the low 64 bits): `v0.4h`.
   *
   * @returns The arrangement.
   */
  get h4(): A64Arrangement {
    return this.#arrangements.h4;
  }

  /**
   * Eight halfwords: `v0.8h`.
   *
   * @returns The arrangement.
   */
  get h8(): A64Arrangement {
    return this.#arrangements.h8;
  }

  /**
   * Two words or singles (the low 64 bits): `v0.2s`.
   *
   * @returns The arrangement.
   */
  get s2(): A64Arrangement {
    return this.#arrangements.s2;
  }

  /**
   * Four words or singles: `v0.4s`.
   *
   * @returns The arrangement.
   */
  get s4(): A64Arrangement {
    return this.#arrangements.s4;
  }

  /**
   * One doubleword (the low 64 bits): `v0.1d`, for the 64-bit `movi`.
   *
   * @returns The arrangement.
   */
  get d1(): A64Arrangement {
    return this.#arrangements.d1;
  }

  /**
   * Two doublewords or doubles: `v0.2d`.
   *
   * @returns The arrangement.
   */
  get d2(): A64Arrangement {
    return this.#arrangements.d2;
  }

  /**
   * A byte element: `v0.b[index]`.
   *
   * @param index 0..15.
   * @returns The element.
   */
  b(index: number): A64Element {
    return this.#element("b", 8, index);
  }

  /**
   * A halfword element: `v0.h[index]`.
   *
   * @param index 0..7.
   * @returns The element.
   */
  h(index: number): A64Element {
    return this.#element("h", 16, index);
  }

  /**
   * A word or single element: `v0.s[index]`.
   *
   * @param index 0..3.
   * @returns The element.
   */
  s(index: number): A64Element {
    return this.#element("s", 32, index);
  }

  /**
   * A doubleword or double element: `v0.d[index]`.
   *
   * @param index 0..1.
   * @returns The element.
   */
  d(index: number): A64Element {
    return this.#element("d", 64, index);
  }

  #element(
    letter: string,
    bits: 8 | 16 | 32 | 64,
    index: number,
  ): A64Element {
    const last = 128 / bits - 1;
    if (!inRange(index, 0, last)) {
      throw invalidOperand(
        `${this.name}.${letter}`,
        `element index ${describeOperand(index)} is not 0..${last}`,
      );
    }
    return new A64Element(this, bits, index);
  }

  /**
   * The register's name.
   *
   * @returns GNU as's name, e.g. `"v0"`.
   */
  toString(): string {
    return this.name;
  }
}

const b = (n: number) => new A64ScalarRegister(`b${n}`, n, 8);
const h = (n: number) => new A64ScalarRegister(`h${n}`, n, 16);
const s = (n: number) => new A64ScalarRegister(`s${n}`, n, 32);
const d = (n: number) => new A64ScalarRegister(`d${n}`, n, 64);
const q = (n: number) => new A64ScalarRegister(`q${n}`, n, 128);
const v = (n: number) => new A64VectorRegister(`v${n}`, n);
/** 8-bit view of SIMD&FP register 0. */
export const b0: A64ScalarRegister = b(0);
/** 8-bit view of SIMD&FP register 1. */
export const b1: A64ScalarRegister = b(1);
/** 8-bit view of SIMD&FP register 2. */
export const b2: A64ScalarRegister = b(2);
/** 8-bit view of SIMD&FP register 3. */
export const b3: A64ScalarRegister = b(3);
/** 8-bit view of SIMD&FP register 4. */
export const b4: A64ScalarRegister = b(4);
/** 8-bit view of SIMD&FP register 5. */
export const b5: A64ScalarRegister = b(5);
/** 8-bit view of SIMD&FP register 6. */
export const b6: A64ScalarRegister = b(6);
/** 8-bit view of SIMD&FP register 7. */
export const b7: A64ScalarRegister = b(7);
/** 8-bit view of SIMD&FP register 8. */
export const b8: A64ScalarRegister = b(8);
/** 8-bit view of SIMD&FP register 9. */
export const b9: A64ScalarRegister = b(9);
/** 8-bit view of SIMD&FP register 10. */
export const b10: A64ScalarRegister = b(10);
/** 8-bit view of SIMD&FP register 11. */
export const b11: A64ScalarRegister = b(11);
/** 8-bit view of SIMD&FP register 12. */
export const b12: A64ScalarRegister = b(12);
/** 8-bit view of SIMD&FP register 13. */
export const b13: A64ScalarRegister = b(13);
/** 8-bit view of SIMD&FP register 14. */
export const b14: A64ScalarRegister = b(14);
/** 8-bit view of SIMD&FP register 15. */
export const b15: A64ScalarRegister = b(15);
/** 8-bit view of SIMD&FP register 16. */
export const b16: A64ScalarRegister = b(16);
/** 8-bit view of SIMD&FP register 17. */
export const b17: A64ScalarRegister = b(17);
/** 8-bit view of SIMD&FP register 18. */
export const b18: A64ScalarRegister = b(18);
/** 8-bit view of SIMD&FP register 19. */
export const b19: A64ScalarRegister = b(19);
/** 8-bit view of SIMD&FP register 20. */
export const b20: A64ScalarRegister = b(20);
/** 8-bit view of SIMD&FP register 21. */
export const b21: A64ScalarRegister = b(21);
/** 8-bit view of SIMD&FP register 22. */
export const b22: A64ScalarRegister = b(22);
/** 8-bit view of SIMD&FP register 23. */
export const b23: A64ScalarRegister = b(23);
/** 8-bit view of SIMD&FP register 24. */
export const b24: A64ScalarRegister = b(24);
/** 8-bit view of SIMD&FP register 25. */
export const b25: A64ScalarRegister = b(25);
/** 8-bit view of SIMD&FP register 26. */
export const b26: A64ScalarRegister = b(26);
/** 8-bit view of SIMD&FP register 27. */
export const b27: A64ScalarRegister = b(27);
/** 8-bit view of SIMD&FP register 28. */
export const b28: A64ScalarRegister = b(28);
/** 8-bit view of SIMD&FP register 29. */
export const b29: A64ScalarRegister = b(29);
/** 8-bit view of SIMD&FP register 30. */
export const b30: A64ScalarRegister = b(30);
/** 8-bit view of SIMD&FP register 31. */
export const b31: A64ScalarRegister = b(31);
/** 16-bit view of SIMD&FP register 0. */
export const h0: A64ScalarRegister = h(0);
/** 16-bit view of SIMD&FP register 1. */
export const h1: A64ScalarRegister = h(1);
/** 16-bit view of SIMD&FP register 2. */
export const h2: A64ScalarRegister = h(2);
/** 16-bit view of SIMD&FP register 3. */
export const h3: A64ScalarRegister = h(3);
/** 16-bit view of SIMD&FP register 4. */
export const h4: A64ScalarRegister = h(4);
/** 16-bit view of SIMD&FP register 5. */
export const h5: A64ScalarRegister = h(5);
/** 16-bit view of SIMD&FP register 6. */
export const h6: A64ScalarRegister = h(6);
/** 16-bit view of SIMD&FP register 7. */
export const h7: A64ScalarRegister = h(7);
/** 16-bit view of SIMD&FP register 8. */
export const h8: A64ScalarRegister = h(8);
/** 16-bit view of SIMD&FP register 9. */
export const h9: A64ScalarRegister = h(9);
/** 16-bit view of SIMD&FP register 10. */
export const h10: A64ScalarRegister = h(10);
/** 16-bit view of SIMD&FP register 11. */
export const h11: A64ScalarRegister = h(11);
/** 16-bit view of SIMD&FP register 12. */
export const h12: A64ScalarRegister = h(12);
/** 16-bit view of SIMD&FP register 13. */
export const h13: A64ScalarRegister = h(13);
/** 16-bit view of SIMD&FP register 14. */
export const h14: A64ScalarRegister = h(14);
/** 16-bit view of SIMD&FP register 15. */
export const h15: A64ScalarRegister = h(15);
/** 16-bit view of SIMD&FP register 16. */
export const h16: A64ScalarRegister = h(16);
/** 16-bit view of SIMD&FP register 17. */
export const h17: A64ScalarRegister = h(17);
/** 16-bit view of SIMD&FP register 18. */
export const h18: A64ScalarRegister = h(18);
/** 16-bit view of SIMD&FP register 19. */
export const h19: A64ScalarRegister = h(19);
/** 16-bit view of SIMD&FP register 20. */
export const h20: A64ScalarRegister = h(20);
/** 16-bit view of SIMD&FP register 21. */
export const h21: A64ScalarRegister = h(21);
/** 16-bit view of SIMD&FP register 22. */
export const h22: A64ScalarRegister = h(22);
/** 16-bit view of SIMD&FP register 23. */
export const h23: A64ScalarRegister = h(23);
/** 16-bit view of SIMD&FP register 24. */
export const h24: A64ScalarRegister = h(24);
/** 16-bit view of SIMD&FP register 25. */
export const h25: A64ScalarRegister = h(25);
/** 16-bit view of SIMD&FP register 26. */
export const h26: A64ScalarRegister = h(26);
/** 16-bit view of SIMD&FP register 27. */
export const h27: A64ScalarRegister = h(27);
/** 16-bit view of SIMD&FP register 28. */
export const h28: A64ScalarRegister = h(28);
/** 16-bit view of SIMD&FP register 29. */
export const h29: A64ScalarRegister = h(29);
/** 16-bit view of SIMD&FP register 30. */
export const h30: A64ScalarRegister = h(30);
/** 16-bit view of SIMD&FP register 31. */
export const h31: A64ScalarRegister = h(31);
/** 32-bit float view of SIMD&FP register 0. */
export const s0: A64ScalarRegister = s(0);
/** 32-bit float view of SIMD&FP register 1. */
export const s1: A64ScalarRegister = s(1);
/** 32-bit float view of SIMD&FP register 2. */
export const s2: A64ScalarRegister = s(2);
/** 32-bit float view of SIMD&FP register 3. */
export const s3: A64ScalarRegister = s(3);
/** 32-bit float view of SIMD&FP register 4. */
export const s4: A64ScalarRegister = s(4);
/** 32-bit float view of SIMD&FP register 5. */
export const s5: A64ScalarRegister = s(5);
/** 32-bit float view of SIMD&FP register 6. */
export const s6: A64ScalarRegister = s(6);
/** 32-bit float view of SIMD&FP register 7. */
export const s7: A64ScalarRegister = s(7);
/** 32-bit float view of SIMD&FP register 8. */
export const s8: A64ScalarRegister = s(8);
/** 32-bit float view of SIMD&FP register 9. */
export const s9: A64ScalarRegister = s(9);
/** 32-bit float view of SIMD&FP register 10. */
export const s10: A64ScalarRegister = s(10);
/** 32-bit float view of SIMD&FP register 11. */
export const s11: A64ScalarRegister = s(11);
/** 32-bit float view of SIMD&FP register 12. */
export const s12: A64ScalarRegister = s(12);
/** 32-bit float view of SIMD&FP register 13. */
export const s13: A64ScalarRegister = s(13);
/** 32-bit float view of SIMD&FP register 14. */
export const s14: A64ScalarRegister = s(14);
/** 32-bit float view of SIMD&FP register 15. */
export const s15: A64ScalarRegister = s(15);
/** 32-bit float view of SIMD&FP register 16. */
export const s16: A64ScalarRegister = s(16);
/** 32-bit float view of SIMD&FP register 17. */
export const s17: A64ScalarRegister = s(17);
/** 32-bit float view of SIMD&FP register 18. */
export const s18: A64ScalarRegister = s(18);
/** 32-bit float view of SIMD&FP register 19. */
export const s19: A64ScalarRegister = s(19);
/** 32-bit float view of SIMD&FP register 20. */
export const s20: A64ScalarRegister = s(20);
/** 32-bit float view of SIMD&FP register 21. */
export const s21: A64ScalarRegister = s(21);
/** 32-bit float view of SIMD&FP register 22. */
export const s22: A64ScalarRegister = s(22);
/** 32-bit float view of SIMD&FP register 23. */
export const s23: A64ScalarRegister = s(23);
/** 32-bit float view of SIMD&FP register 24. */
export const s24: A64ScalarRegister = s(24);
/** 32-bit float view of SIMD&FP register 25. */
export const s25: A64ScalarRegister = s(25);
/** 32-bit float view of SIMD&FP register 26. */
export const s26: A64ScalarRegister = s(26);
/** 32-bit float view of SIMD&FP register 27. */
export const s27: A64ScalarRegister = s(27);
/** 32-bit float view of SIMD&FP register 28. */
export const s28: A64ScalarRegister = s(28);
/** 32-bit float view of SIMD&FP register 29. */
export const s29: A64ScalarRegister = s(29);
/** 32-bit float view of SIMD&FP register 30. */
export const s30: A64ScalarRegister = s(30);
/** 32-bit float view of SIMD&FP register 31. */
export const s31: A64ScalarRegister = s(31);
/** 64-bit float view of SIMD&FP register 0. */
export const d0: A64ScalarRegister = d(0);
/** 64-bit float view of SIMD&FP register 1. */
export const d1: A64ScalarRegister = d(1);
/** 64-bit float view of SIMD&FP register 2. */
export const d2: A64ScalarRegister = d(2);
/** 64-bit float view of SIMD&FP register 3. */
export const d3: A64ScalarRegister = d(3);
/** 64-bit float view of SIMD&FP register 4. */
export const d4: A64ScalarRegister = d(4);
/** 64-bit float view of SIMD&FP register 5. */
export const d5: A64ScalarRegister = d(5);
/** 64-bit float view of SIMD&FP register 6. */
export const d6: A64ScalarRegister = d(6);
/** 64-bit float view of SIMD&FP register 7. */
export const d7: A64ScalarRegister = d(7);
/** 64-bit float view of SIMD&FP register 8. */
export const d8: A64ScalarRegister = d(8);
/** 64-bit float view of SIMD&FP register 9. */
export const d9: A64ScalarRegister = d(9);
/** 64-bit float view of SIMD&FP register 10. */
export const d10: A64ScalarRegister = d(10);
/** 64-bit float view of SIMD&FP register 11. */
export const d11: A64ScalarRegister = d(11);
/** 64-bit float view of SIMD&FP register 12. */
export const d12: A64ScalarRegister = d(12);
/** 64-bit float view of SIMD&FP register 13. */
export const d13: A64ScalarRegister = d(13);
/** 64-bit float view of SIMD&FP register 14. */
export const d14: A64ScalarRegister = d(14);
/** 64-bit float view of SIMD&FP register 15. */
export const d15: A64ScalarRegister = d(15);
/** 64-bit float view of SIMD&FP register 16. */
export const d16: A64ScalarRegister = d(16);
/** 64-bit float view of SIMD&FP register 17. */
export const d17: A64ScalarRegister = d(17);
/** 64-bit float view of SIMD&FP register 18. */
export const d18: A64ScalarRegister = d(18);
/** 64-bit float view of SIMD&FP register 19. */
export const d19: A64ScalarRegister = d(19);
/** 64-bit float view of SIMD&FP register 20. */
export const d20: A64ScalarRegister = d(20);
/** 64-bit float view of SIMD&FP register 21. */
export const d21: A64ScalarRegister = d(21);
/** 64-bit float view of SIMD&FP register 22. */
export const d22: A64ScalarRegister = d(22);
/** 64-bit float view of SIMD&FP register 23. */
export const d23: A64ScalarRegister = d(23);
/** 64-bit float view of SIMD&FP register 24. */
export const d24: A64ScalarRegister = d(24);
/** 64-bit float view of SIMD&FP register 25. */
export const d25: A64ScalarRegister = d(25);
/** 64-bit float view of SIMD&FP register 26. */
export const d26: A64ScalarRegister = d(26);
/** 64-bit float view of SIMD&FP register 27. */
export const d27: A64ScalarRegister = d(27);
/** 64-bit float view of SIMD&FP register 28. */
export const d28: A64ScalarRegister = d(28);
/** 64-bit float view of SIMD&FP register 29. */
export const d29: A64ScalarRegister = d(29);
/** 64-bit float view of SIMD&FP register 30. */
export const d30: A64ScalarRegister = d(30);
/** 64-bit float view of SIMD&FP register 31. */
export const d31: A64ScalarRegister = d(31);
/** 128-bit view of SIMD&FP register 0. */
export const q0: A64ScalarRegister = q(0);
/** 128-bit view of SIMD&FP register 1. */
export const q1: A64ScalarRegister = q(1);
/** 128-bit view of SIMD&FP register 2. */
export const q2: A64ScalarRegister = q(2);
/** 128-bit view of SIMD&FP register 3. */
export const q3: A64ScalarRegister = q(3);
/** 128-bit view of SIMD&FP register 4. */
export const q4: A64ScalarRegister = q(4);
/** 128-bit view of SIMD&FP register 5. */
export const q5: A64ScalarRegister = q(5);
/** 128-bit view of SIMD&FP register 6. */
export const q6: A64ScalarRegister = q(6);
/** 128-bit view of SIMD&FP register 7. */
export const q7: A64ScalarRegister = q(7);
/** 128-bit view of SIMD&FP register 8. */
export const q8: A64ScalarRegister = q(8);
/** 128-bit view of SIMD&FP register 9. */
export const q9: A64ScalarRegister = q(9);
/** 128-bit view of SIMD&FP register 10. */
export const q10: A64ScalarRegister = q(10);
/** 128-bit view of SIMD&FP register 11. */
export const q11: A64ScalarRegister = q(11);
/** 128-bit view of SIMD&FP register 12. */
export const q12: A64ScalarRegister = q(12);
/** 128-bit view of SIMD&FP register 13. */
export const q13: A64ScalarRegister = q(13);
/** 128-bit view of SIMD&FP register 14. */
export const q14: A64ScalarRegister = q(14);
/** 128-bit view of SIMD&FP register 15. */
export const q15: A64ScalarRegister = q(15);
/** 128-bit view of SIMD&FP register 16. */
export const q16: A64ScalarRegister = q(16);
/** 128-bit view of SIMD&FP register 17. */
export const q17: A64ScalarRegister = q(17);
/** 128-bit view of SIMD&FP register 18. */
export const q18: A64ScalarRegister = q(18);
/** 128-bit view of SIMD&FP register 19. */
export const q19: A64ScalarRegister = q(19);
/** 128-bit view of SIMD&FP register 20. */
export const q20: A64ScalarRegister = q(20);
/** 128-bit view of SIMD&FP register 21. */
export const q21: A64ScalarRegister = q(21);
/** 128-bit view of SIMD&FP register 22. */
export const q22: A64ScalarRegister = q(22);
/** 128-bit view of SIMD&FP register 23. */
export const q23: A64ScalarRegister = q(23);
/** 128-bit view of SIMD&FP register 24. */
export const q24: A64ScalarRegister = q(24);
/** 128-bit view of SIMD&FP register 25. */
export const q25: A64ScalarRegister = q(25);
/** 128-bit view of SIMD&FP register 26. */
export const q26: A64ScalarRegister = q(26);
/** 128-bit view of SIMD&FP register 27. */
export const q27: A64ScalarRegister = q(27);
/** 128-bit view of SIMD&FP register 28. */
export const q28: A64ScalarRegister = q(28);
/** 128-bit view of SIMD&FP register 29. */
export const q29: A64ScalarRegister = q(29);
/** 128-bit view of SIMD&FP register 30. */
export const q30: A64ScalarRegister = q(30);
/** 128-bit view of SIMD&FP register 31. */
export const q31: A64ScalarRegister = q(31);
/** Vector register 0. */
export const v0: A64VectorRegister = v(0);
/** Vector register 1. */
export const v1: A64VectorRegister = v(1);
/** Vector register 2. */
export const v2: A64VectorRegister = v(2);
/** Vector register 3. */
export const v3: A64VectorRegister = v(3);
/** Vector register 4. */
export const v4: A64VectorRegister = v(4);
/** Vector register 5. */
export const v5: A64VectorRegister = v(5);
/** Vector register 6. */
export const v6: A64VectorRegister = v(6);
/** Vector register 7. */
export const v7: A64VectorRegister = v(7);
/** Vector register 8. */
export const v8: A64VectorRegister = v(8);
/** Vector register 9. */
export const v9: A64VectorRegister = v(9);
/** Vector register 10. */
export const v10: A64VectorRegister = v(10);
/** Vector register 11. */
export const v11: A64VectorRegister = v(11);
/** Vector register 12. */
export const v12: A64VectorRegister = v(12);
/** Vector register 13. */
export const v13: A64VectorRegister = v(13);
/** Vector register 14. */
export const v14: A64VectorRegister = v(14);
/** Vector register 15. */
export const v15: A64VectorRegister = v(15);
/** Vector register 16. */
export const v16: A64VectorRegister = v(16);
/** Vector register 17. */
export const v17: A64VectorRegister = v(17);
/** Vector register 18. */
export const v18: A64VectorRegister = v(18);
/** Vector register 19. */
export const v19: A64VectorRegister = v(19);
/** Vector register 20. */
export const v20: A64VectorRegister = v(20);
/** Vector register 21. */
export const v21: A64VectorRegister = v(21);
/** Vector register 22. */
export const v22: A64VectorRegister = v(22);
/** Vector register 23. */
export const v23: A64VectorRegister = v(23);
/** Vector register 24. */
export const v24: A64VectorRegister = v(24);
/** Vector register 25. */
export const v25: A64VectorRegister = v(25);
/** Vector register 26. */
export const v26: A64VectorRegister = v(26);
/** Vector register 27. */
export const v27: A64VectorRegister = v(27);
/** Vector register 28. */
export const v28: A64VectorRegister = v(28);
/** Vector register 29. */
export const v29: A64VectorRegister = v(29);
/** Vector register 30. */
export const v30: A64VectorRegister = v(30);
/** Vector register 31. */
export const v31: A64VectorRegister = v(31);
