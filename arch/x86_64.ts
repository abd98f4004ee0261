/**
 * An x86-64 assembler with GNU as's names and Intel operand order
 * (destination first), producing the same bytes as GNU as.
 *
 * @example A function that returns 42
 * ```ts
 * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
 *
 * const code = new Assembler().mov(eax, 42).ret().bytes();
 * console.log(code); // Uint8Array(6) [ 184, 42, 0, 0, 0, 195 ]
 * ```
 *
 * @module
 */

import {
  AssemblerBase,
  describeOperand,
  guardOperands,
  inRange,
  invalidOperand,
  Label,
  type LabelUse,
} from "./assembler.ts";

export { AssemblerBase, Label, type LabelUse } from "./assembler.ts";
export {
  callingConvention,
  SYSTEM_V_X86_64,
  WINDOWS_X64,
  type X86CallingConvention,
} from "./x86_64_calling_convention.ts";

import { X86Register } from "./x86_64_registers.ts";

export {
  al,
  bl,
  bpl,
  cl,
  dil,
  dl,
  eax,
  ebp,
  ebx,
  ecx,
  edi,
  edx,
  esi,
  esp,
  r10,
  r10b,
  r10d,
  r11,
  r11b,
  r11d,
  r12,
  r12b,
  r12d,
  r13,
  r13b,
  r13d,
  r14,
  r14b,
  r14d,
  r15,
  r15b,
  r15d,
  r8,
  r8b,
  r8d,
  r9,
  r9b,
  r9d,
  rax,
  rbp,
  rbx,
  rcx,
  rdi,
  rdx,
  rsi,
  rsp,
  sil,
  spl,
  X86Register,
} from "./x86_64_registers.ts";

/**
 * A memory operand: `[base + index*scale + displacement]`, or
 * `[rip + label]`, with an access size where no register implies one.
 * Made with {@linkcode mem}, sized with {@linkcode byte},
 * {@linkcode dword} and {@linkcode qword}.
 *
 * @example Addressing an array element
 * ```ts
 * import { mem, qword, rdi, rsi } from "@bcpl/jit-memory/x86_64";
 *
 * const element = qword(mem(rdi, rsi, 8, 16)); // QWORD PTR [rdi+rsi*8+16]
 * console.log(element.scale, element.displacement); // 8 16
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
   * @param size The access size in bits, where it must be stated.
   */
  constructor(
    readonly base: X86Register | undefined,
    readonly index: X86Register | undefined,
    readonly scale: 1 | 2 | 4 | 8,
    readonly displacement: number,
    readonly label: Label | undefined,
    readonly size: 8 | 32 | 64 | undefined,
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
 * import { mem, rbp, rdi, rsi } from "@bcpl/jit-memory/x86_64";
 *
 * mem(rbp, -8); // [rbp-8]
 * mem(rdi, rsi, 4); // [rdi+rsi*4]
 * mem(rdi, rsi, 4, 100); // [rdi+rsi*4+100]
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

function sized(operand: X86Memory, size: 8 | 32 | 64): X86Memory {
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
 * import { Assembler, byte, mem, rdi } from "@bcpl/jit-memory/x86_64";
 *
 * new Assembler().mov(byte(mem(rdi)), 7); // mov BYTE PTR [rdi], 7
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
 * import { Assembler, dword, mem, rdi } from "@bcpl/jit-memory/x86_64";
 *
 * new Assembler().mov(dword(mem(rdi, 4)), 1000); // mov DWORD PTR [rdi+4], 1000
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
 * import { Assembler, mem, qword, rsp } from "@bcpl/jit-memory/x86_64";
 *
 * new Assembler().mov(qword(mem(rsp, 8)), -1); // mov QWORD PTR [rsp+8], -1
 * ```
 */
export function qword(operand: X86Memory): X86Memory {
  return sized(operand, 64);
}

/**
 * A GNU condition suffix, as in `jne`, `sete`, `cmovl`, aliases included.
 *
 * @example Naming a condition
 * ```ts
 * import type { Condition } from "@bcpl/jit-memory/x86_64";
 *
 * const lessOrEqual: Condition = "le";
 * console.log(`j${lessOrEqual}`); // "jle"
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
const CONDITIONS: Record<Condition, number> = {
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
 * import { mem, rax, rdi, type X86Operand } from "@bcpl/jit-memory/x86_64";
 *
 * const operands: X86Operand[] = [rax, mem(rdi, 8)];
 * console.log(operands.length);
 * ```
 */
export type X86Operand = X86Register | X86Memory;

/**
 * An immediate: a number, or a bigint for 64-bit values.
 *
 * @example A 64-bit constant
 * ```ts
 * import type { Immediate } from "@bcpl/jit-memory/x86_64";
 *
 * const big: Immediate = 0x1122334455667788n;
 * console.log(typeof big);
 * ```
 */
export type Immediate = number | bigint;

/** One ModRM-encoded instruction, before it becomes bytes. */
interface RmSpec {
  mnemonic: string;
  /** Prefixes that go before REX (0x66 and the like); none used yet. */
  opcode: number[];
  /** The ModRM reg field: a register number or an opcode extension. */
  reg: number;
  rm: X86Operand;
  /** REX.W: 64-bit operand size. */
  w: boolean;
  /** Bytes after the displacement. */
  immediate?: number[];
  /** Registers that are 8-bit operands (spl..dil need a REX prefix). */
  byteRegisters?: X86Register[];
}

function le(value: number, bytes: number): number[] {
  const out: number[] = [];
  for (let index = 0; index < bytes; index++) {
    out.push(Number((BigInt(value) >> BigInt(8 * index)) & 0xffn));
  }
  return out;
}

function le64(value: bigint): number[] {
  const out: number[] = [];
  for (let index = 0n; index < 8n; index++) {
    out.push(Number((value >> (8n * index)) & 0xffn));
  }
  return out;
}

/** Encodes a ModRM instruction, or a label use for `[rip + label]`. */
function encodeRm(spec: RmSpec): Uint8Array | LabelUse {
  const { rm } = spec;
  let rexR = (spec.reg >> 3) & 1;
  let rexX = 0;
  let rexB = 0;
  const address: number[] = [];
  let ripLabel: Label | undefined;
  if (rm instanceof X86Register) {
    rexB = rm.code >> 3;
    address.push(0xc0 | ((spec.reg & 7) << 3) | (rm.code & 7));
  } else if (rm.label !== undefined) {
    ripLabel = rm.label;
    address.push(0x05 | ((spec.reg & 7) << 3), 0, 0, 0, 0);
  } else {
    const base = rm.base!;
    rexB = base.code >> 3;
    const needsSib = rm.index !== undefined || (base.code & 7) === 4;
    const disp = rm.displacement;
    // [rbp] and [r13] have no mod=00 form: they take a zero disp8.
    const mod = disp === 0 && (base.code & 7) !== 5
      ? 0
      : inRange(disp, -128, 127)
      ? 1
      : 2;
    address.push(
      (mod << 6) | ((spec.reg & 7) << 3) | (needsSib ? 4 : base.code & 7),
    );
    if (needsSib) {
      const index = rm.index;
      rexX = index === undefined ? 0 : index.code >> 3;
      const scaleBits = [1, 2, 4, 8].indexOf(rm.scale);
      address.push(
        (scaleBits << 6) | ((index === undefined ? 4 : index.code & 7) << 3) |
          (base.code & 7),
      );
    }
    if (mod === 1) address.push(disp & 0xff);
    if (mod === 2) address.push(...le(disp, 4));
  }
  rexR &= 1;
  const needsRex = spec.w || rexR || rexX || rexB ||
    (spec.byteRegisters ?? []).some((r) =>
      r.bits === 8 && r.code >= 4 && r.code < 8
    );
  const prefix = needsRex
    ? [0x40 | (spec.w ? 8 : 0) | (rexR << 2) | (rexX << 1) | rexB]
    : [];
  const bytes = [
    ...prefix,
    ...spec.opcode,
    ...address,
    ...(spec.immediate ?? []),
  ];
  if (ripLabel === undefined) return Uint8Array.from(bytes);
  const dispAt = prefix.length + spec.opcode.length + 1;
  const label = ripLabel;
  return {
    label,
    mnemonic: spec.mnemonic,
    sizes: [bytes.length],
    range: "±2 GiB",
    encode(_form: number, at: number, target: number): Uint8Array {
      const out = Uint8Array.from(bytes);
      new DataView(out.buffer).setInt32(
        dispAt,
        target - (at + bytes.length),
        true,
      );
      return out;
    },
  };
}

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
export class Assembler extends AssemblerBase {
  #put(encoded: Uint8Array | LabelUse): this {
    return encoded instanceof Uint8Array
      ? this.emit(encoded)
      : this.emitLabelUse(encoded);
  }

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
    const m = "mov";
    if (
      dst instanceof X86Register &&
      !(src instanceof X86Register || src instanceof X86Memory)
    ) {
      if (dst.bits === 64) {
        const value = BigInt.asIntN(
          64,
          bigintImmediate(m, src, -(2n ** 63n), 2n ** 64n - 1n),
        );
        if (value >= -(2n ** 31n) && value < 2n ** 31n) {
          return this.#put(encodeRm({
            mnemonic: m,
            opcode: [0xc7],
            reg: 0,
            rm: dst,
            w: true,
            immediate: le(Number(value), 4),
          }));
        }
        return this.emit([
          0x48 | (dst.code >> 3),
          0xb8 | (dst.code & 7),
          ...le64(BigInt.asUintN(64, value)),
        ]);
      }
      const imm = immediate(m, src, dst.bits);
      const rex = dst.code >= 8 || (dst.bits === 8 && dst.code >= 4)
        ? [0x40 | (dst.code >> 3)]
        : [];
      return this.emit([
        ...rex,
        (dst.bits === 8 ? 0xb0 : 0xb8) | (dst.code & 7),
        ...le(imm, dst.bits / 8),
      ]);
    }
    if (
      dst instanceof X86Memory &&
      !(src instanceof X86Register || src instanceof X86Memory)
    ) {
      const size = memorySize(m, dst);
      const imm = immediate(m, src, size);
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [size === 8 ? 0xc6 : 0xc7],
        reg: 0,
        rm: dst,
        w: size === 64,
        immediate: le(imm, size === 8 ? 1 : 4),
      }));
    }
    if (!isOperand(src)) {
      throw invalidOperand(m, "expected a register destination");
    }
    const { reg, rm, toRm, bits } = registerForms(m, dst, src);
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [(bits === 8 ? 0x88 : 0x89) + (toRm ? 0 : 2)],
      reg: reg.code,
      rm,
      w: bits === 64,
      byteRegisters: bits === 8
        ? [reg, ...(rm instanceof X86Register ? [rm] : [])]
        : [],
    }));
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
    return this.#arithmetic("add", 0, dst, src);
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
    return this.#arithmetic("or", 1, dst, src);
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
    return this.#arithmetic("and", 4, dst, src);
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
    return this.#arithmetic("sub", 5, dst, src);
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
    return this.#arithmetic("xor", 6, dst, src);
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
    return this.#arithmetic("cmp", 7, dst, src);
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
    const m = "test";
    if (src instanceof X86Register || src instanceof X86Memory) {
      // TEST is symmetric; GNU as puts the register in the reg field.
      const [reg, rm] = src instanceof X86Register ? [src, dst] : [dst, src];
      if (!(reg instanceof X86Register)) {
        throw invalidOperand(m, "needs a register operand");
      }
      const { bits } = registerForms(m, rm, reg);
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [bits === 8 ? 0x84 : 0x85],
        reg: reg.code,
        rm,
        w: bits === 64,
        byteRegisters: bits === 8
          ? [reg, ...(rm instanceof X86Register ? [rm] : [])]
          : [],
      }));
    }
    const bits = operandBits(m, dst);
    const imm = immediate(m, src, bits);
    const size = bits === 8 ? 1 : 4;
    if (dst instanceof X86Register && dst.code === 0) {
      return this.emit([
        ...(bits === 64 ? [0x48] : []),
        bits === 8 ? 0xa8 : 0xa9,
        ...le(imm, size),
      ]);
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [bits === 8 ? 0xf6 : 0xf7],
      reg: 0,
      rm: dst,
      w: bits === 64,
      immediate: le(imm, size),
      byteRegisters: dst instanceof X86Register ? [dst] : [],
    }));
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
    const m = "imul";
    const { bits } = registerForms(m, src, dst);
    if (bits === 8) throw invalidOperand(m, "8-bit operands are not supported");
    if (factor === undefined) {
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [0x0f, 0xaf],
        reg: dst.code,
        rm: src,
        w: bits === 64,
      }));
    }
    const imm = immediate(m, factor, bits);
    const short = inRange(imm, -128, 127);
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [short ? 0x6b : 0x69],
      reg: dst.code,
      rm: src,
      w: bits === 64,
      immediate: le(imm, short ? 1 : 4),
    }));
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
    return this.#unary("idiv", 7, src);
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
    return this.#unary("neg", 3, dst);
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
    return this.#unary("not", 2, dst);
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
    return this.#shift("shl", 4, dst, count);
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
    return this.#shift("shr", 5, dst, count);
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
    return this.#shift("sar", 7, dst, count);
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
    const m = "lea";
    if (!(dst instanceof X86Register) || dst.bits === 8) {
      throw invalidOperand(
        m,
        "the destination must be a 32- or 64-bit register",
      );
    }
    if (!(src instanceof X86Memory)) {
      throw invalidOperand(m, "the source must be a memory operand");
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0x8d],
      reg: dst.code,
      rm: src,
      w: dst.bits === 64,
    }));
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
    return this.#pushPop("push", 0x50, src);
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
    return this.#pushPop("pop", 0x58, dst);
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
    const m = "movzx";
    if (!(dst instanceof X86Register) || dst.bits === 8) {
      throw invalidOperand(
        m,
        "the destination must be a 32- or 64-bit register",
      );
    }
    if (operandBits(m, src, 8) !== 8) {
      throw invalidOperand(m, "the source must be 8 bits wide");
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0x0f, 0xb6],
      reg: dst.code,
      rm: src,
      w: dst.bits === 64,
      byteRegisters: src instanceof X86Register ? [src] : [],
    }));
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
    if (target instanceof X86Register) return this.#indirect("jmp", 4, target);
    return this.emitLabelUse(relative("jmp", target, [0xeb], [0xe9]));
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
    if (target instanceof X86Register) return this.#indirect("call", 2, target);
    return this.emitLabelUse(relative("call", target, undefined, [0xe8]));
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
    return this.emit([0xc3]);
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
    return this.emit([0x90]);
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
    return this.emit([0xcc]);
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
    return this.emit([0x48, 0x99]);
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
    return this.emit([0x99]);
  }

  /** @internal `jcc` for every condition. */
  jcc(condition: Condition, target: Label): this {
    const code = conditionCode(`j${condition}`, condition);
    return this.emitLabelUse(
      relative(`j${condition}`, target, [0x70 | code], [0x0f, 0x80 | code]),
    );
  }

  /** @internal `setcc` for every condition. */
  setcc(condition: Condition, dst: X86Register): this {
    const m = `set${condition}`;
    const code = conditionCode(m, condition);
    if (!(dst instanceof X86Register) || dst.bits !== 8) {
      throw invalidOperand(m, "the destination must be an 8-bit register");
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0x0f, 0x90 | code],
      reg: 0,
      rm: dst,
      w: false,
      byteRegisters: [dst],
    }));
  }

  /** @internal `cmovcc` for every condition. */
  cmovcc(condition: Condition, dst: X86Register, src: X86Operand): this {
    const m = `cmov${condition}`;
    const code = conditionCode(m, condition);
    const { bits } = registerForms(m, src, dst);
    if (bits === 8) throw invalidOperand(m, "8-bit operands are not supported");
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0x0f, 0x40 | code],
      reg: dst.code,
      rm: src,
      w: bits === 64,
    }));
  }

  #arithmetic(
    m: string,
    digit: number,
    dst: X86Operand,
    src: X86Operand | Immediate,
  ): this {
    if (src instanceof X86Register || src instanceof X86Memory) {
      const { reg, rm, toRm, bits } = registerForms(m, dst, src);
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [(digit << 3) + (bits === 8 ? 0 : 1) + (toRm ? 0 : 2)],
        reg: reg.code,
        rm,
        w: bits === 64,
        byteRegisters: bits === 8
          ? [reg, ...(rm instanceof X86Register ? [rm] : [])]
          : [],
      }));
    }
    const bits = operandBits(m, dst);
    const imm = immediate(m, src, bits);
    if (bits === 8) {
      if (dst instanceof X86Register && dst.code === 0) {
        return this.emit([(digit << 3) | 4, imm & 0xff]);
      }
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [0x80],
        reg: digit,
        rm: dst,
        w: false,
        immediate: [imm & 0xff],
        byteRegisters: dst instanceof X86Register ? [dst] : [],
      }));
    }
    if (inRange(imm, -128, 127)) {
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [0x83],
        reg: digit,
        rm: dst,
        w: bits === 64,
        immediate: [imm & 0xff],
      }));
    }
    if (dst instanceof X86Register && dst.code === 0) {
      return this.emit([
        ...(bits === 64 ? [0x48] : []),
        (digit << 3) | 5,
        ...le(imm, 4),
      ]);
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0x81],
      reg: digit,
      rm: dst,
      w: bits === 64,
      immediate: le(imm, 4),
    }));
  }

  #unary(m: string, digit: number, operand: X86Operand): this {
    const bits = operandBits(m, operand);
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [bits === 8 ? 0xf6 : 0xf7],
      reg: digit,
      rm: operand,
      w: bits === 64,
      byteRegisters: operand instanceof X86Register ? [operand] : [],
    }));
  }

  #shift(
    m: string,
    digit: number,
    dst: X86Operand,
    count: number | X86Register,
  ): this {
    const bits = operandBits(m, dst);
    const byteRegisters = dst instanceof X86Register ? [dst] : [];
    const w = bits === 64;
    const wide = bits === 8 ? 0 : 1;
    if (count instanceof X86Register) {
      if (count.code !== 1 || count.bits !== 8) {
        throw invalidOperand(m, "a register count must be cl");
      }
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [0xd2 | wide],
        reg: digit,
        rm: dst,
        w,
        byteRegisters,
      }));
    }
    if (!inRange(count, 0, 255)) {
      throw invalidOperand(m, `shift count ${count} is not 0..255`);
    }
    if (count === 1) {
      return this.#put(encodeRm({
        mnemonic: m,
        opcode: [0xd0 | wide],
        reg: digit,
        rm: dst,
        w,
        byteRegisters,
      }));
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0xc0 | wide],
      reg: digit,
      rm: dst,
      w,
      immediate: [count],
      byteRegisters,
    }));
  }

  #pushPop(m: string, opcode: number, operand: X86Register): this {
    if (!(operand instanceof X86Register) || operand.bits !== 64) {
      throw invalidOperand(m, "the operand must be a 64-bit register");
    }
    return this.emit([
      ...(operand.code >= 8 ? [0x41] : []),
      opcode | (operand.code & 7),
    ]);
  }

  #indirect(m: string, digit: number, target: X86Register): this {
    if (target.bits !== 64) {
      throw invalidOperand(m, "an indirect target must be a 64-bit register");
    }
    return this.#put(encodeRm({
      mnemonic: m,
      opcode: [0xff],
      reg: digit,
      rm: target,
      w: false,
    }));
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
  Object.defineProperties(Assembler.prototype, {
    [`j${condition}`]: {
      value(this: Assembler, target: Label): Assembler {
        return this.jcc(condition, target);
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

function isOperand(value: unknown): value is X86Operand {
  return value instanceof X86Register || value instanceof X86Memory;
}

function conditionCode(m: string, condition: string): number {
  const code = (CONDITIONS as Record<string, number>)[condition];
  if (code === undefined) {
    throw invalidOperand(m, `unknown condition ${condition}`);
  }
  return code;
}

/** A branch to a label: rel8 first when there is a short form, else rel32. */
function relative(
  m: string,
  label: Label,
  short: number[] | undefined,
  long: number[],
): LabelUse {
  const forms = short === undefined ? [long] : [short, long];
  return {
    label,
    mnemonic: m,
    sizes: forms.map((opcode) => opcode.length + (opcode === short ? 1 : 4)),
    range: "±2 GiB",
    encode(form: number, at: number, target: number): Uint8Array | undefined {
      const opcode = forms[form];
      const isShort = opcode === short;
      const size = opcode.length + (isShort ? 1 : 4);
      const displacement = target - (at + size);
      if (isShort && !inRange(displacement, -128, 127)) return undefined;
      if (!inRange(displacement, -(2 ** 31), 2 ** 31 - 1)) return undefined;
      return Uint8Array.from([
        ...opcode,
        ...le(displacement, isShort ? 1 : 4),
      ]);
    },
  };
}

/**
 * Checks the register/register and register/memory forms: sizes agree and
 * one side is a register. `toRm` tells whether the register is the source
 * (stored into the r/m operand).
 */
function registerForms(
  m: string,
  dst: X86Operand,
  src: X86Operand,
): { reg: X86Register; rm: X86Operand; toRm: boolean; bits: 8 | 32 | 64 } {
  if (src instanceof X86Register) {
    if (!(dst instanceof X86Register || dst instanceof X86Memory)) {
      throw invalidOperand(m, "expected a register or memory destination");
    }
    const bits = operandBits(m, dst, src.bits);
    if (bits !== src.bits) {
      throw invalidOperand(m, `operand sizes differ (${dst}, ${src})`);
    }
    return { reg: src, rm: dst, toRm: true, bits };
  }
  if (dst instanceof X86Register && src instanceof X86Memory) {
    const bits = operandBits(m, src, dst.bits);
    if (bits !== dst.bits) {
      throw invalidOperand(
        m,
        `operand sizes differ (${dst}, memory of ${bits} bits)`,
      );
    }
    return { reg: dst, rm: src, toRm: false, bits };
  }
  throw invalidOperand(m, "needs a register operand");
}

/** The size of a register or memory operand; memory takes `implied`. */
function operandBits(
  m: string,
  operand: X86Operand,
  implied?: number,
): 8 | 32 | 64 {
  if (operand instanceof X86Register) return operand.bits;
  if (operand instanceof X86Memory) {
    const size = operand.size ?? implied;
    if (size === undefined) {
      throw invalidOperand(
        m,
        "state the memory operand's size with byte(), dword() or qword()",
      );
    }
    if (size !== 8 && size !== 32 && size !== 64) {
      throw invalidOperand(m, `operand size ${size} is not supported`);
    }
    return size;
  }
  throw invalidOperand(m, "expected a register or a memory operand");
}

function memorySize(m: string, operand: X86Memory): 8 | 32 | 64 {
  return operandBits(m, operand);
}

/**
 * An immediate for an operand of `bits` bits, as the signed value the
 * instruction encodes. 8-bit operands take -128..255, 32-bit ones
 * -2^31..2^32-1; 64-bit operands take what a sign-extended 32-bit
 * immediate can hold, -2^31..2^31-1.
 */
function immediate(m: string, value: unknown, bits: 8 | 32 | 64): number {
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) {
    throw invalidOperand(
      m,
      `expected an integer immediate, got ${String(value)}`,
    );
  }
  const [min, max] = bits === 8
    ? [-128, 255]
    : bits === 32
    ? [-(2 ** 31), 2 ** 32 - 1]
    : [-(2 ** 31), 2 ** 31 - 1];
  if (number < min || number > max) {
    throw invalidOperand(
      m,
      `immediate ${value} does not fit a ${bits}-bit operand (${min}..${max})`,
    );
  }
  return bits === 8 ? (number << 24) >> 24 : number | 0;
}

function bigintImmediate(
  m: string,
  value: unknown,
  min: bigint,
  max: bigint,
): bigint {
  let result: bigint;
  if (typeof value === "bigint") {
    result = value;
  } else if (typeof value === "number" && Number.isSafeInteger(value)) {
    result = BigInt(value);
  } else {
    throw invalidOperand(
      m,
      `expected an integer immediate, got ${String(value)}`,
    );
  }
  if (result < min || result > max) {
    throw invalidOperand(m, `immediate ${value} does not fit 64 bits`);
  }
  return result;
}

guardOperands(Assembler.prototype);
