/**
 * The x86-64 assembler class: one method per mnemonic, each a thin call
 * into its instruction family, which checks the operands and writes the
 * encoding into the shared engine's buffer.
 *
 * @module
 */

import {
  type CodeEmitter,
  emitterOf,
  type Label,
  setListingStyle,
} from "../assembler.ts";
import * as branches from "./branches.ts";
import { emitFixed } from "./encoding.ts";
import * as integer from "./integer.ts";
import {
  type Condition,
  CONDITIONS,
  type Immediate,
  type X86Memory,
  type X86Operand,
} from "./operands.ts";
import { X86_LISTING } from "./listing_style.ts";
import type { X86Register } from "./registers.ts";
import { X86SimdAssembler } from "./simd_assembler.ts";

/**
 * An x86-64 assembler. Methods are GNU as's mnemonics in lower case with
 * Intel operand order (destination first) and return the assembler, so
 * instructions chain. `bytes()` lays the program out, choosing 8-bit
 * branch displacements wherever they reach, as GNU as does.
 *
 * @example Factorial of `n` (System V: n in edi, result in eax)
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer } from "@bcpl/jit-memory";
 * import { Assembler, eax, edi } from "@bcpl/jit-memory/x86_64";
 *
 * const a = new Assembler();
 * const loop = a.label();
 * const done = a.label();
 * a.mov(eax, 1)
 *   .bind(loop)
 *   .cmp(edi, 1).jle(done)
 *   .imul(eax, edi).sub(edi, 1).jmp(loop)
 *   .bind(done).ret();
 * assert.deepEqual(a.bytes(), Uint8Array.of(
 *   0xb8, 0x01, 0x00, 0x00, 0x00, // mov eax, 1
 *   0x83, 0xff, 0x01, 0x7e, 0x08, // loop: cmp edi, 1; jle done
 *   0x0f, 0xaf, 0xc7, 0x83, 0xef, 0x01, // imul eax, edi; sub edi, 1
 *   0xeb, 0xf3, 0xc3, // jmp loop; done: ret
 * ));
 * // Runs where n arrives in edi: x86-64 but not Windows (n in ecx there).
 * if (Deno.build.arch === "x86_64" && Deno.build.os !== "windows") {
 *   using buffer = new CodeBuffer();
 *   buffer.commit(a);
 *   const factorial = buffer.asFunction({ parameters: ["i32"], result: "i32" });
 *   assert.equal(factorial(5), 120);
 * }
 * ```
 */
export class Assembler extends X86SimdAssembler {
  readonly #code: CodeEmitter = emitterOf(this);

  /**
   * `mov`: register/memory/immediate moves. `mov r64, imm` takes a bigint
   * or number; it is `mov r/m64, imm32` when the value fits a signed 32-bit
   * immediate, otherwise `movabs` with 64 bits.
   *
   * @param dst A register, or a memory operand.
   * @param src A register, a memory operand or an immediate.
   * @returns This assembler.
   *
   * @example Moves
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, mem, qword, rax, rdi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler()
   *   .mov(rax, rdi)
   *   .mov(rax, 0x1122334455667788n)
   *   .mov(rax, mem(rdi, 8))
   *   .mov(qword(mem(rdi)), 0);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0x89, 0xf8, // mov rax, rdi
   *   0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // movabs rax, 0x1122334455667788
   *   0x48, 0x8b, 0x47, 0x08, // mov rax, QWORD PTR [rdi+8]
   *   0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00, // mov QWORD PTR [rdi], 0
   * ));
   * ```
   */
  mov(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.mov(this.#code, dst, src);
    return this;
  }

  /**
   * `add`.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Adding
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax, edi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().add(eax, edi).add(eax, 1);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x01, 0xf8, // add eax, edi
   *   0x83, 0xc0, 0x01, // add eax, 1
   * ));
   * ```
   */
  add(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.arithmetic(this.#code, "add", 0, dst, src);
    return this;
  }

  /**
   * `or`.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Setting bits
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().or(eax, 0x80);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x0d, 0x80, 0x00, 0x00, 0x00, // or eax, 0x80
   * ));
   * ```
   */
  or(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.arithmetic(this.#code, "or", 1, dst, src);
    return this;
  }

  /**
   * `and`.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Masking
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().and(eax, 0xff);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x25, 0xff, 0x00, 0x00, 0x00, // and eax, 0xff
   * ));
   * ```
   */
  and(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.arithmetic(this.#code, "and", 4, dst, src);
    return this;
  }

  /**
   * `sub`.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Subtracting
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rsp } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().sub(rsp, 16);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0x83, 0xec, 0x10, // sub rsp, 16
   * ));
   * ```
   */
  sub(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.arithmetic(this.#code, "sub", 5, dst, src);
    return this;
  }

  /**
   * `xor`.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Zeroing a register
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().xor(eax, eax);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x31, 0xc0, // xor eax, eax
   * ));
   * ```
   */
  xor(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.arithmetic(this.#code, "xor", 6, dst, src);
    return this;
  }

  /**
   * `cmp`.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Comparing
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, edi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().cmp(edi, 10);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x83, 0xff, 0x0a, // cmp edi, 10
   * ));
   * ```
   */
  cmp(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.arithmetic(this.#code, "cmp", 7, dst, src);
    return this;
  }

  /**
   * `test`: AND without a result, setting flags.
   *
   * @param dst A register or memory operand.
   * @param src A register, memory operand or immediate.
   * @returns This assembler.
   *
   * @example Testing for zero
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rdi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().test(rdi, rdi);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0x85, 0xff, // test rdi, rdi
   * ));
   * ```
   */
  test(dst: X86Operand, src: X86Operand | Immediate): this {
    integer.test(this.#code, dst, src);
    return this;
  }

  /**
   * `imul`: `imul r, r/m` or `imul r, r/m, imm`.
   *
   * @param dst A 32- or 64-bit register.
   * @param src A register or memory operand of the same size.
   * @param factor An immediate for the three-operand form.
   * @returns This assembler.
   *
   * @example Multiplying
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax, edi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().imul(eax, edi).imul(eax, eax, 10);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x0f, 0xaf, 0xc7, // imul eax, edi
   *   0x6b, 0xc0, 0x0a, // imul eax, eax, 10
   * ));
   * ```
   */
  imul(dst: X86Register, src: X86Operand, factor?: Immediate): this {
    integer.imul(this.#code, dst, src, factor);
    return this;
  }

  /**
   * `idiv`: signed divide of rdx:rax (or edx:eax) by the operand.
   *
   * @param src A register or sized memory operand.
   * @returns This assembler.
   *
   * @example Dividing (with cqo first)
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rsi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().cqo().idiv(rsi);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0x99, // cqo
   *   0x48, 0xf7, 0xfe, // idiv rsi
   * ));
   * ```
   */
  idiv(src: X86Operand): this {
    integer.unary(this.#code, "idiv", 7, src);
    return this;
  }

  /**
   * `neg`: two's-complement negation.
   *
   * @param dst A register or sized memory operand.
   * @returns This assembler.
   *
   * @example Negating
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().neg(eax);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0xf7, 0xd8, // neg eax
   * ));
   * ```
   */
  neg(dst: X86Operand): this {
    integer.unary(this.#code, "neg", 3, dst);
    return this;
  }

  /**
   * `not`: bitwise complement.
   *
   * @param dst A register or sized memory operand.
   * @returns This assembler.
   *
   * @example Complementing
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().not(eax);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0xf7, 0xd0, // not eax
   * ));
   * ```
   */
  not(dst: X86Operand): this {
    integer.unary(this.#code, "not", 2, dst);
    return this;
  }

  /**
   * `shl`: shift left by an immediate or by `cl`.
   *
   * @param dst A register or sized memory operand.
   * @param count 0-255, or the register `cl`.
   * @returns This assembler.
   *
   * @example Shifting
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, cl, rax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().shl(rax, 3).shl(rax, cl);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0xc1, 0xe0, 0x03, // shl rax, 3
   *   0x48, 0xd3, 0xe0, // shl rax, cl
   * ));
   * ```
   */
  shl(dst: X86Operand, count: number | X86Register): this {
    integer.shift(this.#code, "shl", 4, dst, count);
    return this;
  }

  /**
   * `shr`: logical shift right by an immediate or by `cl`.
   *
   * @param dst A register or sized memory operand.
   * @param count 0-255, or the register `cl`.
   * @returns This assembler.
   *
   * @example Shifting
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().shr(eax, 1);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0xd1, 0xe8, // shr eax, 1
   * ));
   * ```
   */
  shr(dst: X86Operand, count: number | X86Register): this {
    integer.shift(this.#code, "shr", 5, dst, count);
    return this;
  }

  /**
   * `sar`: arithmetic shift right by an immediate or by `cl`.
   *
   * @param dst A register or sized memory operand.
   * @param count 0-255, or the register `cl`.
   * @returns This assembler.
   *
   * @example Shifting
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().sar(rax, 63);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0xc1, 0xf8, 0x3f, // sar rax, 63
   * ));
   * ```
   */
  sar(dst: X86Operand, count: number | X86Register): this {
    integer.shift(this.#code, "sar", 7, dst, count);
    return this;
  }

  /**
   * `lea`: load the address of a memory operand.
   *
   * @param dst A 32- or 64-bit register.
   * @param src A memory operand.
   * @returns This assembler.
   *
   * @example Adding two registers into a third
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax, mem, rdi, rsi } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().lea(eax, mem(rdi, rsi, 1));
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x8d, 0x04, 0x37, // lea eax, [rdi+rsi*1]
   * ));
   * ```
   */
  lea(dst: X86Register, src: X86Memory): this {
    integer.lea(this.#code, dst, src);
    return this;
  }

  /**
   * `push` a 64-bit register.
   *
   * @param src A 64-bit register.
   * @returns This assembler.
   *
   * @example Saving a callee-saved register
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rbx } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().push(rbx).pop(rbx);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x53, // push rbx
   *   0x5b, // pop rbx
   * ));
   * ```
   */
  push(src: X86Register): this {
    integer.pushPop(this.#code, "push", 0x50, src);
    return this;
  }

  /**
   * `pop` into a 64-bit register.
   *
   * @param dst A 64-bit register.
   * @returns This assembler.
   *
   * @example Restoring a callee-saved register
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, r12 } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().push(r12).pop(r12);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x41, 0x54, // push r12
   *   0x41, 0x5c, // pop r12
   * ));
   * ```
   */
  pop(dst: X86Register): this {
    integer.pushPop(this.#code, "pop", 0x58, dst);
    return this;
  }

  /**
   * `movzx`: zero-extend a byte into a 32- or 64-bit register.
   *
   * @param dst A 32- or 64-bit register.
   * @param src An 8-bit register or a `byte()` memory operand.
   * @returns This assembler.
   *
   * @example Widening a flag
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, al, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().movzx(eax, al);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x0f, 0xb6, 0xc0, // movzx eax, al
   * ));
   * ```
   */
  movzx(dst: X86Register, src: X86Operand): this {
    integer.movzx(this.#code, dst, src);
    return this;
  }

  /**
   * `jmp` to a label (8- or 32-bit displacement, chosen at layout) or
   * through a 64-bit register.
   *
   * @param target A label of this assembler, or a 64-bit register.
   * @returns This assembler.
   *
   * @example An endless loop
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).jmp(top);
   * assert.deepEqual(a.bytes(), Uint8Array.of(0xeb, 0xfe)); // top: jmp top
   * ```
   */
  jmp(target: Label | X86Register): this {
    branches.jmp(this.#code, target);
    return this;
  }

  /**
   * `call` a label (32-bit displacement) or through a 64-bit register.
   *
   * @param target A label of this assembler, or a 64-bit register.
   * @returns This assembler.
   *
   * @example Calling a function whose address is in rax
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rax } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().call(rax);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0xff, 0xd0, // call rax
   * ));
   * ```
   */
  call(target: Label | X86Register): this {
    branches.call(this.#code, target);
    return this;
  }

  /**
   * `ret`.
   *
   * @returns This assembler.
   *
   * @example Returning
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().ret();
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0xc3, // ret
   * ));
   * ```
   */
  ret(): this {
    emitFixed(this.#code, 0xc3, 1);
    return this;
  }

  /**
   * `nop`: one byte that does nothing.
   *
   * @returns This assembler.
   *
   * @example Padding
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().nop();
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x90, // nop
   * ));
   * ```
   */
  nop(): this {
    emitFixed(this.#code, 0x90, 1);
    return this;
  }

  /**
   * `int3`: a breakpoint trap.
   *
   * @returns This assembler.
   *
   * @example Trapping
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().int3();
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0xcc, // int3
   * ));
   * ```
   */
  int3(): this {
    emitFixed(this.#code, 0xcc, 1);
    return this;
  }

  /**
   * `cqo`: sign-extend rax into rdx:rax (before a 64-bit `idiv`).
   *
   * @returns This assembler.
   *
   * @example Before dividing
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, rcx } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().cqo().idiv(rcx);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x48, 0x99, // cqo
   *   0x48, 0xf7, 0xf9, // idiv rcx
   * ));
   * ```
   */
  cqo(): this {
    emitFixed(this.#code, 0x9948, 2);
    return this;
  }

  /**
   * `cdq`: sign-extend eax into edx:eax (before a 32-bit `idiv`).
   *
   * @returns This assembler.
   *
   * @example Before dividing
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, ecx } from "@bcpl/jit-memory/x86_64";
   *
   * const asm = new Assembler().cdq().idiv(ecx);
   * assert.deepEqual(asm.bytes(), Uint8Array.of(
   *   0x99, // cdq
   *   0xf7, 0xf9, // idiv ecx
   * ));
   * ```
   */
  cdq(): this {
    emitFixed(this.#code, 0x99, 1);
    return this;
  }

  /** @internal `jcc` for every condition. */
  jcc(condition: Condition, target: Label): this {
    branches.jcc(this.#code, condition, target);
    return this;
  }

  /** @internal `setcc` for every condition. */
  setcc(condition: Condition, dst: X86Register): this {
    branches.setcc(this.#code, condition, dst);
    return this;
  }

  /** @internal `cmovcc` for every condition. */
  cmovcc(condition: Condition, dst: X86Register, src: X86Operand): this {
    branches.cmovcc(this.#code, condition, dst, src);
    return this;
  }
}

/**
 * The condition-code forms, one method per condition as GNU as names them:
 * `jcc` (`je`, `jne`, `jl`, ...), `setcc` (`sete`, ...) and `cmovcc`
 * (`cmovl`, ...).
 *
 * @example Three forms of one condition
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, al, eax, ecx } from "@bcpl/jit-memory/x86_64";
 *
 * const a = new Assembler();
 * const done = a.label();
 * a.cmp(eax, ecx).jl(done).setl(al).cmovl(eax, ecx).bind(done).ret();
 * assert.deepEqual(a.bytes(), Uint8Array.of(
 *   0x39, 0xc8, // cmp eax, ecx
 *   0x7c, 0x06, // jl done
 *   0x0f, 0x9c, 0xc0, // setl al
 *   0x0f, 0x4c, 0xc1, // cmovl eax, ecx
 *   0xc3, // done: ret
 * ));
 * ```
 */
export type ConditionForms =
  & { [C in Condition as `j${C}`]: (target: Label) => Assembler }
  & { [C in Condition as `set${C}`]: (dst: X86Register) => Assembler }
  & {
    [C in Condition as `cmov${C}`]: (
      dst: X86Register,
      src: X86Register | X86Memory,
    ) => Assembler;
  };

/**
 * The condition-code methods of {@linkcode Assembler}, added to its
 * prototype below (one per condition).
 */
export interface Assembler extends ConditionForms {}

for (const condition of Object.keys(CONDITIONS) as Condition[]) {
  const jump = `j${condition}`;
  const code = CONDITIONS[condition];
  Object.defineProperties(Assembler.prototype, {
    [jump]: {
      value(this: Assembler, target: Label): Assembler {
        // The condition is known here: no lookup on the branch's path.
        branches.jumpIf(emitterOf(this), code, jump, target);
        return this;
      },
    },
    [`set${condition}`]: {
      value(this: Assembler, dst: X86Register): Assembler {
        return this.setcc(condition, dst);
      },
    },
    [`cmov${condition}`]: {
      value(this: Assembler, dst: X86Register, src: X86Operand): Assembler {
        return this.cmovcc(condition, dst, src);
      },
    },
  });
}

setListingStyle(Assembler, X86_LISTING);
