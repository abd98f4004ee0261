/**
 * x86-64 operands besides registers: memory operands and their sizes,
 * immediates and condition codes.
 *
 * @module
 */

import {
  describeOperand,
  inRange,
  invalidOperand,
  Label,
} from "../assembler.ts";
import { X86Register } from "./registers.ts";

/**
 * A memory operand: `[base + index*scale + displacement]`, or
 * `[rip + label]`, with an access size where no register implies one.
 * Made with {@linkcode mem}, sized with {@linkcode byte},
 * {@linkcode dword}, {@linkcode qword}, {@linkcode xmmword} and
 * {@linkcode ymmword}.
 *
 * @example Addressing an array element
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, qword, rax, rdi, rsi } from "@bcpl/jit-memory/x86_64";
 *
 * const element = qword(mem(rdi, rsi, 8, 16)); // QWORD PTR [rdi+rsi*8+16]
 * assert.equal(element.scale, 8);
 * assert.equal(element.displacement, 16);
 * assert.deepEqual(
 *   new Assembler().mov(rax, element).bytes(),
 *   Uint8Array.of(0x48, 0x8b, 0x44, 0xf7, 0x10), // mov rax, QWORD PTR [rdi+rsi*8+16]
 * );
 * ```
 */
export class X86Memory {
  /**
   * Memory operands are made with {@linkcode mem}.
   *
   * @param base The base register (64-bit), if any.
   * @param index The index register (64-bit, not rsp), if any.
   * @param scale The index's scale.
   * @param displacement A signed 32-bit displacement.
   * @param label For `[rip + label]`.
   * @param size The access size in bits, where it must be stated (vector
   *   instructions mostly imply it).
   */
  constructor(
    readonly base: X86Register | undefined,
    readonly index: X86Register | undefined,
    readonly scale: 1 | 2 | 4 | 8,
    readonly displacement: number,
    readonly label: Label | undefined,
    readonly size: MemorySize | undefined,
  ) {}
}

/**
 * Makes a memory operand: `mem(base, disp?)`, `mem(base, index, scale?,
 * disp?)`, or `mem(label)` for `[rip + label]`.
 *
 * @param base A 64-bit base register, or a label (RIP-relative).
 * @param indexOrDisplacement An index register (64-bit, not rsp) or a
 *   displacement.
 * @param scale 1, 2, 4 or 8 (with an index).
 * @param displacement A signed 32-bit displacement (with an index).
 * @returns The operand.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for anything else.
 *
 * @example Three addressing forms
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, rax, rbp, rdi, rsi } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler()
 *   .lea(rax, mem(rbp, -8))
 *   .lea(rax, mem(rdi, rsi, 4))
 *   .lea(rax, mem(rdi, rsi, 4, 100));
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0x48, 0x8d, 0x45, 0xf8, // lea rax, [rbp-8]
 *   0x48, 0x8d, 0x04, 0xb7, // lea rax, [rdi+rsi*4]
 *   0x48, 0x8d, 0x44, 0xb7, 0x64, // lea rax, [rdi+rsi*4+100]
 * ));
 * ```
 */
export function mem(
  base: X86Register | Label,
  indexOrDisplacement?: X86Register | number,
  scale?: 1 | 2 | 4 | 8,
  displacement?: number,
): X86Memory {
  if (!(base instanceof X86Register)) {
    if (!(base instanceof Label)) {
      throw invalidOperand("mem", "expected a 64-bit base register or a label");
    }
    if (indexOrDisplacement !== undefined) {
      throw invalidOperand("mem", "[rip + label] takes no other operand");
    }
    return new X86Memory(undefined, undefined, 1, 0, base, undefined);
  }
  if (base.bits !== 64) {
    throw invalidOperand(
      "mem",
      `the base must be a 64-bit register, not ${base}`,
    );
  }
  let index: X86Register | undefined;
  let disp = 0;
  if (indexOrDisplacement instanceof X86Register) {
    index = indexOrDisplacement;
    if (index.bits !== 64) {
      throw invalidOperand(
        "mem",
        `the index must be a 64-bit register, not ${index}`,
      );
    }
    if (index.code === 4) {
      throw invalidOperand("mem", "rsp cannot be an index register");
    }
    scale ??= 1;
    if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) {
      throw invalidOperand(
        "mem",
        `the scale must be 1, 2, 4 or 8, not ${describeOperand(scale)}`,
      );
    }
    disp = displacement ?? 0;
  } else {
    if (scale !== undefined || displacement !== undefined) {
      throw invalidOperand("mem", "a scale needs an index register");
    }
    disp = indexOrDisplacement ?? 0;
  }
  if (!inRange(disp, -(2 ** 31), 2 ** 31 - 1)) {
    throw invalidOperand(
      "mem",
      `displacement ${describeOperand(disp)} is not a signed 32-bit integer`,
    );
  }
  return new X86Memory(base, index, scale ?? 1, disp, undefined, undefined);
}

/**
 * The access sizes a memory operand can state, in bits.
 *
 * @example A vector-sized access
 * ```ts
 * import assert from "node:assert/strict";
 * import { mem, rdi, ymmword, type MemorySize } from "@bcpl/jit-memory/x86_64";
 *
 * const size: MemorySize | undefined = ymmword(mem(rdi)).size;
 * assert.equal(size, 256);
 * ```
 */
export type MemorySize = 8 | 32 | 64 | 128 | 256;

function sized(operand: X86Memory, size: MemorySize): X86Memory {
  if (!(operand instanceof X86Memory)) {
    throw invalidOperand("ptr", "expected a memory operand from mem()");
  }
  return new X86Memory(
    operand.base,
    operand.index,
    operand.scale,
    operand.displacement,
    operand.label,
    size,
  );
}

/**
 * `BYTE PTR`: a memory operand accessed as 8 bits.
 *
 * @param operand A memory operand.
 * @returns The same operand, sized.
 *
 * @example Storing a byte constant
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, byte, mem, rdi } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().mov(byte(mem(rdi)), 7);
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xc6, 0x07, 0x07, // mov BYTE PTR [rdi], 7
 * ));
 * ```
 */
export function byte(operand: X86Memory): X86Memory {
  return sized(operand, 8);
}

/**
 * `DWORD PTR`: a memory operand accessed as 32 bits.
 *
 * @param operand A memory operand.
 * @returns The same operand, sized.
 *
 * @example Storing a 32-bit constant
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, dword, mem, rdi } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().mov(dword(mem(rdi, 4)), 1000);
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xc7, 0x47, 0x04, 0xe8, 0x03, 0x00, 0x00, // mov DWORD PTR [rdi+4], 1000
 * ));
 * ```
 */
export function dword(operand: X86Memory): X86Memory {
  return sized(operand, 32);
}

/**
 * `QWORD PTR`: a memory operand accessed as 64 bits.
 *
 * @param operand A memory operand.
 * @returns The same operand, sized.
 *
 * @example Storing a 64-bit constant
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, qword, rsp } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().mov(qword(mem(rsp, 8)), -1);
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0x48, 0xc7, 0x44, 0x24, 0x08, 0xff, 0xff, 0xff, 0xff, // mov QWORD PTR [rsp+8], -1
 * ));
 * ```
 */
export function qword(operand: X86Memory): X86Memory {
  return sized(operand, 64);
}

/**
 * `XMMWORD PTR`: a memory operand accessed as 128 bits. Vector
 * instructions imply their access size, so this is needed only where GNU
 * as needs it too (such as `vcvttpd2dq`, whose source may be 128 or 256
 * bits).
 *
 * @param operand A memory operand.
 * @returns The same operand, sized.
 *
 * @example Narrowing four doubles read from memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, rdi, xmm0, xmmword } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().vcvttpd2dq(xmm0, xmmword(mem(rdi)));
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xc5, 0xf9, 0xe6, 0x07, // vcvttpd2dq xmm0, XMMWORD PTR [rdi]
 * ));
 * ```
 */
export function xmmword(operand: X86Memory): X86Memory {
  return sized(operand, 128);
}

/**
 * `YMMWORD PTR`: a memory operand accessed as 256 bits.
 *
 * @param operand A memory operand.
 * @returns The same operand, sized.
 *
 * @example Narrowing eight doubles read from memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, rdi, xmm0, ymmword } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().vcvttpd2dq(xmm0, ymmword(mem(rdi)));
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xc5, 0xfd, 0xe6, 0x07, // vcvttpd2dq xmm0, YMMWORD PTR [rdi]
 * ));
 * ```
 */
export function ymmword(operand: X86Memory): X86Memory {
  return sized(operand, 256);
}

/**
 * A GNU condition suffix, as in `jne`, `sete`, `cmovl`, aliases included.
 *
 * @example Naming a condition
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Condition } from "@bcpl/jit-memory/x86_64";
 *
 * const lessOrEqual: Condition = "le";
 * assert.equal(`j${lessOrEqual}`, "jle");
 * ```
 */
export type Condition =
  | "o"
  | "no"
  | "b"
  | "c"
  | "nae"
  | "ae"
  | "nb"
  | "nc"
  | "e"
  | "z"
  | "ne"
  | "nz"
  | "be"
  | "na"
  | "a"
  | "nbe"
  | "s"
  | "ns"
  | "p"
  | "pe"
  | "np"
  | "po"
  | "l"
  | "nge"
  | "ge"
  | "nl"
  | "le"
  | "ng"
  | "g"
  | "nle";

/** The 16 condition codes by GNU suffix, with their aliases. */
export const CONDITIONS: Readonly<Record<Condition, number>> = {
  o: 0x0,
  no: 0x1,
  b: 0x2,
  c: 0x2,
  nae: 0x2,
  ae: 0x3,
  nb: 0x3,
  nc: 0x3,
  e: 0x4,
  z: 0x4,
  ne: 0x5,
  nz: 0x5,
  be: 0x6,
  na: 0x6,
  a: 0x7,
  nbe: 0x7,
  s: 0x8,
  ns: 0x9,
  p: 0xa,
  pe: 0xa,
  np: 0xb,
  po: 0xb,
  l: 0xc,
  nge: 0xc,
  ge: 0xd,
  nl: 0xd,
  le: 0xe,
  ng: 0xe,
  g: 0xf,
  nle: 0xf,
};

/**
 * A register or memory operand.
 *
 * @example Either kind
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, mem, rax, rcx, rdi, type X86Operand } from "@bcpl/jit-memory/x86_64";
 *
 * const operands: X86Operand[] = [rcx, mem(rdi, 8)];
 * const asm = new Assembler();
 * for (const source of operands) asm.mov(rax, source);
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0x48, 0x89, 0xc8, // mov rax, rcx
 *   0x48, 0x8b, 0x47, 0x08, // mov rax, QWORD PTR [rdi+8]
 * ));
 * ```
 */
export type X86Operand = X86Register | X86Memory;

/**
 * An immediate: a number, or a bigint for 64-bit values.
 *
 * @example A 64-bit constant
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, type Immediate, rax } from "@bcpl/jit-memory/x86_64";
 *
 * const big: Immediate = 0x1122334455667788n;
 * assert.deepEqual(new Assembler().mov(rax, big).bytes(), Uint8Array.of(
 *   0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // movabs rax, 0x1122334455667788
 * ));
 * ```
 */
export type Immediate = number | bigint;
