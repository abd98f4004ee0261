/**
 * The programs the assembler benchmarks emit, defined once for
 * `deno bench` (bench/assembler_bench.ts) and the side-by-side comparison
 * (bench/compare.ts): a realistic mix of register moves, immediates, loads
 * and stores with displacements, compares, and a conditional branch back to
 * a label every 16 instructions; the same program as GNU as source text.
 *
 * Memory operands are made once, as a JIT keeps its frame and field
 * operands, so what is timed is the encoding.
 *
 * @module
 */

import * as x86 from "../arch/x86_64.ts";
import * as a64 from "../arch/aarch64.ts";

/** Instructions in one block of the mix (the last one a branch). */
export const BLOCK = 16;

const x86Operands = {
  field8: x86.mem(x86.rdi, 8),
  field16: x86.mem(x86.rsi, 16),
  slot24: x86.mem(x86.rsp, 24),
  local8: x86.mem(x86.rbp, -8),
  element: x86.mem(x86.rdi, x86.rsi, 8, 32),
};

/**
 * Emits `blocks` blocks of the x86-64 mix.
 *
 * @param a The assembler.
 * @param blocks How many blocks of {@linkcode BLOCK} instructions.
 */
export function emitX86Mix(a: x86.Assembler, blocks: number): void {
  const { field8, field16, slot24, local8, element } = x86Operands;
  for (let block = 0; block < blocks; block++) {
    const top = a.label();
    a.bind(top)
      .mov(x86.rax, x86.rdi)
      .mov(x86.ecx, 42)
      .mov(x86.rdx, field8)
      .mov(field16, x86.rax)
      .add(x86.rax, x86.rcx)
      .sub(x86.rdx, 1)
      .cmp(x86.rax, x86.rdx)
      .mov(x86.r8, slot24)
      .mov(local8, x86.r8)
      .add(x86.eax, 1000)
      .xor(x86.ecx, x86.ecx)
      .lea(x86.r9, element)
      .imul(x86.rax, x86.rcx)
      .and(x86.edx, 255)
      .test(x86.rax, x86.rax)
      .jne(top);
  }
}

/**
 * The x86-64 mix as GNU as source (Intel syntax).
 *
 * @param blocks How many blocks.
 * @returns The source text.
 */
export function x86MixSource(blocks: number): string {
  const lines = [".intel_syntax noprefix"];
  for (let block = 0; block < blocks; block++) {
    lines.push(
      `L${block}:`,
      "mov rax, rdi",
      "mov ecx, 42",
      "mov rdx, QWORD PTR [rdi+8]",
      "mov QWORD PTR [rsi+16], rax",
      "add rax, rcx",
      "sub rdx, 1",
      "cmp rax, rdx",
      "mov r8, QWORD PTR [rsp+24]",
      "mov QWORD PTR [rbp-8], r8",
      "add eax, 1000",
      "xor ecx, ecx",
      "lea r9, [rdi+rsi*8+32]",
      "imul rax, rcx",
      "and edx, 255",
      "test rax, rax",
      `jne L${block}`,
    );
  }
  return lines.join("\n") + "\n";
}

const a64Operands = {
  field8: a64.mem(a64.x1, 8),
  field16: a64.mem(a64.x2, 16),
  slot24: a64.mem(a64.sp, 24),
  local16: a64.mem(a64.x29, 16),
  element: a64.mem(a64.x1, a64.x2, 3),
};

/**
 * Emits `blocks` blocks of the AArch64 mix.
 *
 * @param a The assembler.
 * @param blocks How many blocks of {@linkcode BLOCK} instructions.
 */
export function emitA64Mix(a: a64.Assembler, blocks: number): void {
  const { field8, field16, slot24, local16, element } = a64Operands;
  for (let block = 0; block < blocks; block++) {
    const top = a.label();
    a.bind(top)
      .mov(a64.x0, a64.x1)
      .mov(a64.w2, 42)
      .ldr(a64.x3, field8)
      .str(a64.x0, field16)
      .add(a64.x0, a64.x0, a64.x2)
      .sub(a64.x3, a64.x3, 1)
      .cmp(a64.x0, a64.x3)
      .ldr(a64.x8, slot24)
      .str(a64.x8, local16)
      .add(a64.w4, a64.w4, 1000)
      .eor(a64.x2, a64.x2, a64.x2)
      .ldr(a64.x9, element)
      .mul(a64.x0, a64.x0, a64.x2)
      .and(a64.w3, a64.w3, 255)
      .cmp(a64.x0, 0)
      .bcond("ne", top);
  }
}

/**
 * The AArch64 mix as GNU as source.
 *
 * @param blocks How many blocks.
 * @returns The source text.
 */
export function a64MixSource(blocks: number): string {
  const lines: string[] = [];
  for (let block = 0; block < blocks; block++) {
    lines.push(
      `L${block}:`,
      "mov x0, x1",
      "mov w2, 42",
      "ldr x3, [x1, 8]",
      "str x0, [x2, 16]",
      "add x0, x0, x2",
      "sub x3, x3, 1",
      "cmp x0, x3",
      "ldr x8, [sp, 24]",
      "str x8, [x29, 16]",
      "add w4, w4, 1000",
      "eor x2, x2, x2",
      "ldr x9, [x1, x2, lsl 3]",
      "mul x0, x0, x2",
      "and w3, w3, 255",
      "cmp x0, 0",
      `b.ne L${block}`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Emits `count` instructions with `labels` labels spread evenly, each the
 * target of a forward conditional branch over its block and an
 * unconditional one back from the next block; every 64th conditional
 * branch reaches 8 blocks back instead, beyond an x86-64 rel8.
 *
 * @param a The x86-64 assembler.
 * @param count Instructions in all.
 * @param labels Labels to bind.
 */
export function emitX86Branchy(
  a: x86.Assembler,
  count: number,
  labels: number,
): void {
  const between = Math.round(count / labels) - 2;
  const bound = [a.label()];
  a.bind(bound[0]);
  for (let n = 0; n < labels; n++) {
    const previous = bound[n];
    const next = a.label();
    a.jne(n % 64 === 63 ? bound[Math.max(0, n - 8)] : next);
    for (let k = 0; k < between; k++) a.add(x86.rax, x86.rcx);
    a.jmp(previous);
    a.bind(next);
    bound.push(next);
  }
}

/**
 * The AArch64 counterpart of {@linkcode emitX86Branchy}.
 *
 * @param a The AArch64 assembler.
 * @param count Instructions in all.
 * @param labels Labels to bind.
 */
export function emitA64Branchy(
  a: a64.Assembler,
  count: number,
  labels: number,
): void {
  const between = Math.round(count / labels) - 2;
  const bound = [a.label()];
  a.bind(bound[0]);
  for (let n = 0; n < labels; n++) {
    const previous = bound[n];
    const next = a.label();
    a.bcond("ne", n % 64 === 63 ? bound[Math.max(0, n - 8)] : next);
    for (let k = 0; k < between; k++) a.add(a64.x0, a64.x0, a64.x2);
    a.b(previous);
    a.bind(next);
    bound.push(next);
  }
}
