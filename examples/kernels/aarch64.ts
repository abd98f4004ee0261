/**
 * The kernels in AArch64 code with NEON (every AArch64 CPU Linux runs
 * on). Only v0-v7 and v16-v31 are used: the low halves of v8-v15 are
 * callee-saved.
 *
 * @module
 */

import {
  Assembler,
  d0,
  d1,
  d2,
  mem,
  post,
  q0,
  q1,
  q2,
  s0,
  s1,
  v0,
  v1,
  v16,
  v17,
  v18,
  v19,
  v2,
  v3,
  v4,
  v5,
  v6,
  v7,
  x0,
  x1,
  x10,
  x11,
  x12,
  x13,
  x14,
  x15,
  x2,
  x3,
  x4,
  x5,
  x6,
  x7,
  x8,
  x9,
} from "../../arch/aarch64.ts";
import * as a64 from "../../arch/aarch64.ts";

/**
 * `f64 dot(x0 = x, x1 = y, x2 = n)`, 8 elements per iteration in four
 * accumulators.
 *
 * @returns The assembled code.
 */
export function dotProduct(): Assembler {
  const a = new Assembler();
  const loop = a.label();
  const reduce = a.label();
  const tail = a.label();
  const done = a.label();
  a.movi(v0.d2, 0).movi(v1.d2, 0).movi(v2.d2, 0).movi(v3.d2, 0)
    .lsr(x3, x2, 3).cbz(x3, reduce)
    .bind(loop)
    .ld1([v4.d2, v5.d2, v6.d2, v7.d2], post(x0, 64))
    .ld1([v16.d2, v17.d2, v18.d2, v19.d2], post(x1, 64))
    .fmla(v0.d2, v4.d2, v16.d2).fmla(v1.d2, v5.d2, v17.d2)
    .fmla(v2.d2, v6.d2, v18.d2).fmla(v3.d2, v7.d2, v19.d2)
    .subs(x3, x3, 1).bcond("ne", loop)
    .bind(reduce)
    .fadd(v0.d2, v0.d2, v1.d2).fadd(v2.d2, v2.d2, v3.d2)
    .fadd(v0.d2, v0.d2, v2.d2).faddp(d0, v0.d2)
    .and(x2, x2, 7).cbz(x2, done)
    .bind(tail)
    .ldr(d1, post(x0, 8)).ldr(d2, post(x1, 8)).fmadd(d0, d1, d2, d0)
    .subs(x2, x2, 1).bcond("ne", tail)
    .bind(done);
  return a.ret();
}

/**
 * `void axpy(d0 = a, x0 = x, x1 = y, x2 = n)`: y = a*x + y, 2 elements
 * per iteration, fused.
 *
 * @returns The assembled code.
 */
export function axpy(): Assembler {
  const a = new Assembler();
  const loop = a.label();
  const tail = a.label();
  const done = a.label();
  a.dup(v0.d2, v0.d(0))
    .lsr(x3, x2, 1).cbz(x3, tail)
    .bind(loop)
    .ldr(q1, post(x0, 16)).ldr(q2, mem(x1))
    .fmla(v2.d2, v1.d2, v0.d2).str(q2, post(x1, 16))
    .subs(x3, x3, 1).bcond("ne", loop)
    .bind(tail).and(x2, x2, 1).cbz(x2, done)
    .ldr(d1, mem(x0)).ldr(d2, mem(x1)).fmadd(d2, d1, d0, d2).str(d2, mem(x1))
    .bind(done);
  return a.ret();
}

/** The nine weights, replicated into v16-v24. */
const WEIGHTS = Array.from(
  { length: 9 },
  (_, tap) =>
    (a64 as unknown as Record<string, a64.A64VectorRegister>)[`v${16 + tap}`],
);

/**
 * `void convolve3x3(x0 = src, x1 = dst, x2 = k, x3 = width, x4 = height)`,
 * 4 pixels at a time, the rest one by one.
 *
 * @returns The assembled code.
 */
export function convolve3x3(): Assembler {
  const a = new Assembler();
  const done = a.label();
  const rowLoop = a.label();
  const vectorLoop = a.label();
  const pixelLoop = a.label();
  const rowDone = a.label();
  a.cmp(x3, 3).bcond("lo", done).cmp(x4, 3).bcond("lo", done);
  for (const weight of WEIGHTS) a.ld1r(weight.s4, post(x2, 4));
  // x5 = out width, x4 = out height, x6 = width * 4, x15 = out width * 4,
  // x7 = row 0, x8 = the output row.
  a.sub(x5, x3, 2).sub(x4, x4, 2).lsl(x6, x3, 2).lsl(x15, x5, 2)
    .mov(x7, x0).mov(x8, x1)
    .bind(rowLoop)
    .add(x9, x7, x6).add(x10, x9, x6).mov(x11, 0)
    .bind(vectorLoop).add(x12, x11, 4).cmp(x12, x5).bcond("hi", pixelLoop);
  convolvePixels(a, true);
  a.mov(x11, x12).b(vectorLoop);
  a.bind(pixelLoop).cmp(x11, x5).bcond("hs", rowDone);
  convolvePixels(a, false);
  a.add(x11, x11, 1).b(pixelLoop);
  a.bind(rowDone).add(x7, x7, x6).add(x8, x8, x15)
    .subs(x4, x4, 1).bcond("ne", rowLoop)
    .bind(done);
  return a.ret();
}

/**
 * One step at column x11 of rows x7, x9, x10 into x8's row: nine
 * multiply-adds in tap order, then a store.
 */
function convolvePixels(a: Assembler, vector: boolean): void {
  const rows = [x7, x9, x10];
  a.lsl(x14, x11, 2);
  for (let tap = 0; tap < 9; tap++) {
    if (tap % 3 === 0) a.add(x13, rows[tap / 3], x14);
    const weight = WEIGHTS[tap];
    const offset = 4 * (tap % 3);
    if (vector) {
      a.ldr(q1, mem(x13, offset));
      if (tap === 0) a.fmul(v0.s4, v1.s4, weight.s4);
      else a.fmla(v0.s4, v1.s4, weight.s4);
    } else {
      // s(n) of a replicated weight is the weight.
      const w = (a64 as unknown as Record<string, a64.A64ScalarRegister>)[
        `s${weight.code}`
      ];
      a.ldr(s1, mem(x13, offset));
      if (tap === 0) a.fmul(s0, s1, w);
      else a.fmadd(s0, s1, w, s0);
    }
  }
  a.add(x13, x8, x14);
  if (vector) a.str(q0, mem(x13));
  else a.str(s0, mem(x13));
}
