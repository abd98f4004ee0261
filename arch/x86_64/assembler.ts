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
 * console.log(a.bytes().length);
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
   * import { Assembler, mem, qword, rax, rdi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler()
   *   .mov(rax, rdi) // mov rax, rdi
   *   .mov(rax, 0x1122334455667788n) // movabs rax, 0x1122334455667788
   *   .mov(rax, mem(rdi, 8)) // mov rax, QWORD PTR [rdi+8]
   *   .mov(qword(mem(rdi)), 0); // mov QWORD PTR [rdi], 0
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
   * import { Assembler, eax, edi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().add(eax, edi).add(eax, 1);
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
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().or(eax, 0x80);
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
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().and(eax, 0xff);
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
   * import { Assembler, rsp } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().sub(rsp, 16);
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
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().xor(eax, eax);
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
   * import { Assembler, edi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().cmp(edi, 10);
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
   * import { Assembler, rdi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().test(rdi, rdi);
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
   * import { Assembler, eax, edi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().imul(eax, edi).imul(eax, eax, 10);
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
   * import { Assembler, rsi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().cqo().idiv(rsi);
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
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().neg(eax);
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
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().not(eax);
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
   * import { Assembler, cl, rax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().shl(rax, 3).shl(rax, cl);
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
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().shr(eax, 1);
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
   * import { Assembler, rax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().sar(rax, 63);
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
   * import { Assembler, eax, mem, rdi, rsi } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().lea(eax, mem(rdi, rsi, 1));
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
   * import { Assembler, rbx } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().push(rbx).pop(rbx);
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
   * import { Assembler, r12 } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().push(r12).pop(r12);
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
   * import { Assembler, al, eax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().movzx(eax, al);
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
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * const a = new Assembler();
   * const top = a.label();
   * a.bind(top).jmp(top);
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
   * import { Assembler, rax } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().call(rax);
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
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().ret();
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
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().nop();
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
   * import { Assembler } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().int3();
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
   * import { Assembler, rcx } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().cqo().idiv(rcx);
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
   * import { Assembler, ecx } from "@bcpl/jit-memory/x86_64";
   *
   * new Assembler().cdq().idiv(ecx);
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
 * import { Assembler, al, eax, ecx } from "@bcpl/jit-memory/x86_64";
 *
 * const a = new Assembler();
 * const done = a.label();
 * a.cmp(eax, ecx).jl(done).setl(al).cmovl(eax, ecx).bind(done).ret();
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
