/**
 * The kernels in x86-64 code: SSE2 (every x86-64 CPU) and AVX2 + FMA.
 * Only xmm0-xmm5/ymm0-ymm5 are used, which no calling convention asks a
 * function to preserve (Windows keeps xmm6-xmm15).
 *
 * @module
 */

import {
  Assembler,
  callingConvention,
  eax,
  mem,
  r10,
  r11,
  r12,
  r13,
  r14,
  r15,
  r9,
  rax,
  rbp,
  rbx,
  rcx,
  rdi,
  rdx,
  rsi,
  rsp,
  type X86Register,
  xmm0,
  xmm1,
  xmm2,
  xmm3,
  xmm4,
  xmm5,
  ymm0,
  ymm1,
  ymm2,
  ymm3,
  ymm4,
  ymm5,
} from "../../arch/x86_64.ts";

const cc = callingConvention();

/**
 * The register of an integer or pointer argument: Windows numbers
 * arguments by position whatever their type, System V counts integer ones.
 */
function argument(position: number, integerIndex: number): X86Register {
  return cc.integerArguments[
    cc.sharedArgumentPositions ? position : integerIndex
  ];
}

/**
 * `f64 dot(x, y, n)`.
 *
 * @param avx Whether to use AVX2 + FMA (16 elements per iteration) rather
 *   than SSE2 (8).
 * @returns The assembled code.
 */
export function dotProduct(avx: boolean): Assembler {
  const [x, y, n] = [argument(0, 0), argument(1, 1), argument(2, 2)];
  const a = new Assembler();
  const loop = a.label();
  const reduce = a.label();
  const tail = a.label();
  const done = a.label();
  const step = avx ? 16 : 8;
  const at = (base: X86Register, disp = 0) => mem(base, rax, 8, disp);
  if (avx) {
    a.vxorpd(ymm0, ymm0, ymm0).vxorpd(ymm1, ymm1, ymm1)
      .vxorpd(ymm2, ymm2, ymm2).vxorpd(ymm3, ymm3, ymm3);
  } else {
    a.xorpd(xmm0, xmm0).xorpd(xmm1, xmm1).xorpd(xmm2, xmm2).xorpd(xmm3, xmm3);
  }
  a.xor(eax, eax).mov(r11, n).and(r11, -step)
    .bind(loop).cmp(rax, r11).jae(reduce);
  // Four independent accumulators hide the adds' latency.
  const accumulators = avx
    ? [ymm0, ymm1, ymm2, ymm3]
    : [xmm0, xmm1, xmm2, xmm3];
  accumulators.forEach((acc, k) => {
    const bytes = k * (avx ? 32 : 16);
    if (avx) {
      const t = k % 2 === 0 ? ymm4 : ymm5;
      a.vmovupd(t, at(x, bytes)).vfmadd231pd(acc, t, at(y, bytes));
    } else {
      a.movupd(xmm4, at(x, bytes)).movupd(xmm5, at(y, bytes))
        .mulpd(xmm4, xmm5).addpd(acc, xmm4);
    }
  });
  a.add(rax, step).jmp(loop).bind(reduce);
  if (avx) {
    a.vaddpd(ymm0, ymm0, ymm1).vaddpd(ymm2, ymm2, ymm3)
      .vaddpd(ymm0, ymm0, ymm2)
      .vextractf128(xmm1, ymm0, 1).vaddpd(xmm0, xmm0, xmm1)
      .vunpckhpd(xmm1, xmm0, xmm0).vaddsd(xmm0, xmm0, xmm1);
  } else {
    a.addpd(xmm0, xmm1).addpd(xmm2, xmm3).addpd(xmm0, xmm2)
      .movapd(xmm1, xmm0).unpckhpd(xmm1, xmm1).addsd(xmm0, xmm1);
  }
  a.bind(tail).cmp(rax, n).jae(done);
  if (avx) {
    a.vmovsd(xmm1, at(x)).vfmadd231sd(xmm0, xmm1, at(y));
  } else {
    a.movsd(xmm1, at(x)).mulsd(xmm1, at(y)).addsd(xmm0, xmm1);
  }
  a.add(rax, 1).jmp(tail).bind(done);
  if (avx) a.vzeroupper();
  return a.ret();
}

/**
 * `void axpy(a, x, y, n)`: y = a*x + y.
 *
 * @param avx Whether to use AVX2 + FMA (4 elements per iteration, fused)
 *   rather than SSE2 (2, rounded as TypeScript rounds).
 * @returns The assembled code.
 */
export function axpy(avx: boolean): Assembler {
  const [x, y, n] = [argument(1, 0), argument(2, 1), argument(3, 2)];
  const a = new Assembler();
  const loop = a.label();
  const tail = a.label();
  const done = a.label();
  const step = avx ? 4 : 2;
  const at = (base: X86Register) => mem(base, rax, 8);
  a.xor(eax, eax).mov(r11, n).and(r11, -step);
  if (avx) a.vbroadcastsd(ymm0, xmm0);
  else a.unpcklpd(xmm0, xmm0);
  a.bind(loop).cmp(rax, r11).jae(tail);
  if (avx) {
    a.vmovupd(ymm1, at(y)).vfmadd231pd(ymm1, ymm0, at(x)).vmovupd(at(y), ymm1);
  } else {
    a.movupd(xmm1, at(x)).mulpd(xmm1, xmm0).movupd(xmm2, at(y))
      .addpd(xmm1, xmm2).movupd(at(y), xmm1);
  }
  a.add(rax, step).jmp(loop);
  a.bind(tail).cmp(rax, n).jae(done);
  if (avx) {
    a.vmovsd(xmm1, at(y)).vfmadd231sd(xmm1, xmm0, at(x)).vmovsd(at(y), xmm1);
  } else {
    a.movsd(xmm1, at(x)).mulsd(xmm1, xmm0).addsd(xmm1, at(y))
      .movsd(at(y), xmm1);
  }
  a.add(rax, 1).jmp(tail).bind(done);
  if (avx) a.vzeroupper();
  return a.ret();
}

/** Callee-saved on one convention or the other; pushed on both. */
const SAVED = [rbx, rbp, rsi, rdi, r12, r13, r14, r15];

/**
 * `void convolve3x3(src, dst, k, width, height)`, 4 (SSE2) or 8 (AVX2 +
 * FMA) pixels at a time, the rest one by one.
 *
 * @param avx Whether to use AVX2 + FMA.
 * @returns The assembled code.
 */
export function convolve3x3(avx: boolean): Assembler {
  const a = new Assembler();
  const done = a.label();
  for (const r of SAVED) a.push(r);
  // src r12, dst r13, k r14, width r15, height rbx.
  a.mov(r12, argument(0, 0)).mov(r13, argument(1, 1)).mov(r14, argument(2, 2))
    .mov(r15, argument(3, 3));
  if (cc.name === "win64") {
    // The fifth argument is on the stack, above the return address, the
    // shadow space and what was pushed.
    a.mov(rbx, mem(rsp, 8 + cc.shadowSpace + 8 * SAVED.length));
  } else {
    a.mov(rbx, argument(4, 4));
  }
  a.cmp(r15, 3).jb(done).cmp(rbx, 3).jb(done);
  // rbp = out width; rcx = width * 4; rdx = out width * 4.
  a.lea(rbp, mem(r15, -2)).sub(rbx, 2)
    .mov(rcx, r15).shl(rcx, 2).mov(rdx, rbp).shl(rdx, 2)
    .mov(r9, r12).mov(rdi, r13);
  const rowLoop = a.label();
  const vectorLoop = a.label();
  const pixelLoop = a.label();
  const rowDone = a.label();
  const lanes = avx ? 8 : 4;
  a.bind(rowLoop)
    .lea(r10, mem(r9, rcx, 1)).lea(r11, mem(r10, rcx, 1))
    .xor(eax, eax)
    .bind(vectorLoop).lea(rsi, mem(rax, lanes)).cmp(rsi, rbp).ja(pixelLoop);
  convolvePixels(a, avx ? "avx" : "sse");
  a.lea(rax, mem(rax, lanes)).jmp(vectorLoop);
  a.bind(pixelLoop).cmp(rax, rbp).jae(rowDone);
  convolvePixels(a, avx ? "avx-scalar" : "scalar");
  a.add(rax, 1).jmp(pixelLoop);
  a.bind(rowDone).add(r9, rcx).add(rdi, rdx).sub(rbx, 1).jnz(rowLoop);
  a.bind(done);
  if (avx) a.vzeroupper();
  for (const r of SAVED.toReversed()) a.pop(r);
  return a.ret();
}

/**
 * One step of the convolution at column rax of rows r9, r10, r11 into
 * rdi's row: nine multiply-adds in tap order, then a store.
 */
function convolvePixels(
  a: Assembler,
  kind: "avx" | "sse" | "avx-scalar" | "scalar",
): void {
  const rows = [r9, r10, r11];
  for (let tap = 0; tap < 9; tap++) {
    const pixel = mem(rows[(tap / 3) | 0], rax, 4, 4 * (tap % 3));
    const weight = mem(r14, 4 * tap);
    if (kind === "avx") {
      a.vbroadcastss(ymm1, weight);
      if (tap === 0) a.vmulps(ymm0, ymm1, pixel);
      else a.vfmadd231ps(ymm0, ymm1, pixel);
    } else if (kind === "sse") {
      a.movss(xmm1, weight).shufps(xmm1, xmm1, 0).movups(xmm2, pixel)
        .mulps(xmm2, xmm1);
      if (tap === 0) a.movaps(xmm0, xmm2);
      else a.addps(xmm0, xmm2);
    } else if (kind === "avx-scalar") {
      // VEX forms: mixing legacy SSE into AVX code costs a transition.
      a.vmovss(xmm2, pixel).vmulss(xmm2, xmm2, weight);
      if (tap === 0) a.vmovaps(xmm0, xmm2);
      else a.vaddss(xmm0, xmm0, xmm2);
    } else {
      a.movss(xmm2, pixel).mulss(xmm2, weight);
      if (tap === 0) a.movaps(xmm0, xmm2);
      else a.addss(xmm0, xmm2);
    }
  }
  const out = mem(rdi, rax, 4);
  if (kind === "avx") a.vmovups(out, ymm0);
  else if (kind === "sse") a.movups(out, xmm0);
  else if (kind === "avx-scalar") a.vmovss(out, xmm0);
  else a.movss(out, xmm0);
}
