/**
 * x86-64 floating-point and vector instructions: SSE/SSE2/SSE4.1 with
 * their mandatory prefixes, and AVX/AVX2/FMA3 with VEX. Each family checks
 * its operands' classes and sizes, then writes through the encoding core.
 *
 * @module
 */

import {
  type CodeEmitter,
  describeOperand,
  inRange,
  invalidOperand,
} from "../assembler.ts";
import { emitFixed, emitRm, emitVex, VexMap } from "./encoding.ts";
import { X86Memory } from "./operands.ts";
import { X86Register, X86VectorRegister } from "./registers.ts";

/** Which vector sizes an AVX form takes. */
export const Lengths = { xmm: 1, ymm: 2, both: 3 } as const;

const SIZE_NAMES: Record<number, string> = {
  8: "BYTE",
  32: "DWORD",
  64: "QWORD",
  128: "XMMWORD",
  256: "YMMWORD",
};

/** The mandatory prefix byte for a VEX `pp` value. */
const PREFIX_OF_PP = [0, 0x66, 0xf3, 0xf2];

/**
 * Checks a vector register of one of the allowed sizes.
 *
 * @param m The mnemonic, for errors.
 * @param r Anything.
 * @param lengths Which sizes are allowed ({@linkcode Lengths}).
 * @returns The register.
 */
export function vector(
  m: string,
  r: unknown,
  lengths: number,
): X86VectorRegister {
  if (r instanceof X86VectorRegister) {
    if ((r.bits === 128 ? 1 : 2) & lengths) return r;
    throw invalidOperand(
      m,
      `expected ${
        lengths === Lengths.xmm ? "an xmm" : "a ymm"
      } register, got ${r}`,
    );
  }
  throw invalidOperand(
    m,
    `expected ${
      lengths === Lengths.both
        ? "an xmm or ymm"
        : lengths === Lengths.xmm
        ? "an xmm"
        : "a ymm"
    } register, got ${describeOperand(r)}`,
  );
}

/**
 * Checks a memory operand whose size is implied: unsized, or stated as
 * exactly `bits`.
 */
function memoryOf(m: string, operand: X86Memory, bits: number): X86Memory {
  if (operand.size !== undefined && operand.size !== bits) {
    throw invalidOperand(
      m,
      `expected a ${SIZE_NAMES[bits]} PTR operand (or plain mem()), got ${
        SIZE_NAMES[operand.size]
      } PTR`,
    );
  }
  return operand;
}

/**
 * Checks a vector register of `bits` bits or a memory operand of
 * `memoryBits` bits.
 */
function vectorOrMemory(
  m: string,
  operand: unknown,
  bits: number,
  memoryBits: number,
): X86VectorRegister | X86Memory {
  if (operand instanceof X86Memory) return memoryOf(m, operand, memoryBits);
  return vector(m, operand, bits === 128 ? Lengths.xmm : Lengths.ymm);
}

/**
 * Checks a 32- or 64-bit general register, or a memory operand of 32 or
 * 64 bits (stated with dword()/qword(), unless `implied` says).
 *
 * @returns The operand's size.
 */
function integerOperand(m: string, operand: unknown, implied = 0): number {
  if (operand instanceof X86Register) {
    if (operand.bits === 32 || operand.bits === 64) return operand.bits;
    throw invalidOperand(
      m,
      `expected a 32- or 64-bit register, got ${operand}`,
    );
  }
  if (operand instanceof X86Memory) {
    const size = operand.size ?? implied;
    if (size === 32 || size === 64) return size;
    throw invalidOperand(
      m,
      size === 0
        ? "state the memory operand's size with dword() or qword()"
        : `expected a DWORD or QWORD PTR operand, got ${SIZE_NAMES[size]} PTR`,
    );
  }
  throw invalidOperand(
    m,
    `expected a general register or memory operand, got ${
      describeOperand(operand)
    }`,
  );
}

/**
 * Checks an 8-bit immediate (-128..255, as GNU as takes it).
 *
 * @returns Its byte.
 */
export function imm8(m: string, value: unknown): number {
  if (!inRange(value, -128, 255)) {
    throw invalidOperand(
      m,
      `expected an 8-bit immediate, got ${describeOperand(value)}`,
    );
  }
  return (value as number) & 0xff;
}

/**
 * An SSE instruction `op xmm, xmm/mem` (with an optional 8-bit
 * immediate): `[prefix] [REX] opcode ModRM`.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param prefix The mandatory prefix (`0x66`, `0xf2`, `0xf3`), or 0.
 * @param opcode The opcode after any prefix (`0x0f58`, `0x0f3840`).
 * @param memoryBits The memory operand's implied size.
 * @param dst An xmm register.
 * @param src An xmm register or memory operand.
 * @param imm An 8-bit immediate, or `undefined` for none.
 */
export function sse(
  e: CodeEmitter,
  m: string,
  prefix: number,
  opcode: number,
  memoryBits: number,
  dst: unknown,
  src: unknown,
  imm?: unknown,
): void {
  const reg = vector(m, dst, Lengths.xmm).code;
  const rm = vectorOrMemory(m, src, 128, memoryBits);
  if (imm === undefined) {
    emitRm(e, m, opcode, reg, rm, false, false, 0, 0, prefix);
  } else {
    emitRm(e, m, opcode, reg, rm, false, false, 1, imm8(m, imm), prefix);
  }
}

/**
 * An SSE move: `load` (`op xmm, xmm/mem`) or `store` (`op mem, xmm`).
 * Register to register uses the load form, as GNU as does.
 */
export function sseMove(
  e: CodeEmitter,
  m: string,
  prefix: number,
  load: number,
  store: number,
  memoryBits: number,
  dst: unknown,
  src: unknown,
): void {
  if (dst instanceof X86Memory) {
    const reg = vector(m, src, Lengths.xmm).code;
    emitRm(
      e,
      m,
      store,
      reg,
      memoryOf(m, dst, memoryBits),
      false,
      false,
      0,
      0,
      prefix,
    );
    return;
  }
  sse(e, m, prefix, load, memoryBits, dst, src);
}

/**
 * `movd`/`movq` (and with `vex`, `vmovd`/`vmovq`): between an xmm register
 * and a general register or memory; `movq` also between xmm registers.
 */
export function moveScalar(
  e: CodeEmitter,
  m: string,
  vex: boolean,
  bits: 32 | 64,
  dst: unknown,
  src: unknown,
): void {
  const w = bits === 64;
  if (dst instanceof X86VectorRegister) {
    const reg = vector(m, dst, Lengths.xmm).code;
    if (
      bits === 64 &&
      (src instanceof X86VectorRegister || src instanceof X86Memory)
    ) {
      // movq xmm, xmm/m64: F3 0F 7E.
      const rm = vectorOrMemory(m, src, 128, 64);
      if (vex && rm instanceof X86VectorRegister && rm.code >= 8 && reg < 8) {
        // GNU as's swap to the store form (66 0F D6) for a two-byte VEX.
        emitVex(e, m, 1, VexMap.x0f, 0, 0, 0xd6, rm.code, 0, dst, -1);
      } else if (vex) emitVex(e, m, 2, VexMap.x0f, 0, 0, 0x7e, reg, 0, rm, -1);
      else emitRm(e, m, 0x0f7e, reg, rm, false, false, 0, 0, 0xf3);
      return;
    }
    const rm = generalOf(m, src, bits);
    if (vex) emitVex(e, m, 1, VexMap.x0f, 0, w ? 1 : 0, 0x6e, reg, 0, rm, -1);
    else emitRm(e, m, 0x0f6e, reg, rm, w, false, 0, 0, 0x66);
    return;
  }
  const reg = vector(m, src, Lengths.xmm).code;
  if (bits === 64 && dst instanceof X86Memory) {
    // movq m64, xmm: 66 0F D6.
    const rm = memoryOf(m, dst, 64);
    if (vex) emitVex(e, m, 1, VexMap.x0f, 0, 0, 0xd6, reg, 0, rm, -1);
    else emitRm(e, m, 0x0fd6, reg, rm, false, false, 0, 0, 0x66);
    return;
  }
  const rm = generalOf(m, dst, bits);
  if (vex) emitVex(e, m, 1, VexMap.x0f, 0, w ? 1 : 0, 0x7e, reg, 0, rm, -1);
  else emitRm(e, m, 0x0f7e, reg, rm, w, false, 0, 0, 0x66);
}

/** A general register or memory operand of exactly `bits` bits. */
function generalOf(
  m: string,
  operand: unknown,
  bits: number,
): X86Register | X86Memory {
  const size = integerOperand(m, operand, bits);
  if (size !== bits) {
    throw invalidOperand(
      m,
      `expected a ${bits}-bit register or memory operand, got ${
        describeOperand(operand)
      }`,
    );
  }
  return operand as X86Register | X86Memory;
}

/**
 * `cvtsi2ss`/`cvtsi2sd` (and VEX forms with `src1`): xmm from a 32- or
 * 64-bit integer register or sized memory operand.
 */
export function fromInteger(
  e: CodeEmitter,
  m: string,
  vex: boolean,
  pp: number,
  dst: unknown,
  src1: unknown,
  src: unknown,
): void {
  const reg = vector(m, dst, Lengths.xmm).code;
  const extra = vex ? vector(m, src1, Lengths.xmm).code : 0;
  const bits = integerOperand(m, src);
  const rm = src as X86Register | X86Memory;
  if (vex) {
    emitVex(
      e,
      m,
      pp,
      VexMap.x0f,
      0,
      bits === 64 ? 1 : 0,
      0x2a,
      reg,
      extra,
      rm,
      -1,
    );
  } else {
    emitRm(e, m, 0x0f2a, reg, rm, bits === 64, false, 0, 0, PREFIX_OF_PP[pp]);
  }
}

/**
 * `cvtss2si`, `cvttsd2si` and friends (and VEX forms): a 32- or 64-bit
 * general register from an xmm register or memory operand.
 */
export function toInteger(
  e: CodeEmitter,
  m: string,
  vex: boolean,
  pp: number,
  opcode: number,
  memoryBits: number,
  dst: unknown,
  src: unknown,
): void {
  if (!(dst instanceof X86Register) || (dst.bits !== 32 && dst.bits !== 64)) {
    throw invalidOperand(
      m,
      `expected a 32- or 64-bit general register, got ${describeOperand(dst)}`,
    );
  }
  const rm = vectorOrMemory(m, src, 128, memoryBits);
  const w = dst.bits === 64;
  if (vex) {
    emitVex(e, m, pp, VexMap.x0f, 0, w ? 1 : 0, opcode, dst.code, 0, rm, -1);
  } else {emitRm(
      e,
      m,
      0x0f00 | opcode,
      dst.code,
      rm,
      w,
      false,
      0,
      0,
      PREFIX_OF_PP[pp],
    );}
}

/**
 * A shift by an immediate: `op xmm, imm8` (SSE2, `66 0F op /ext ib`) or
 * `vop v1, v2, imm8` (AVX, the destination in VEX.vvvv).
 */
export function shiftImmediate(
  e: CodeEmitter,
  m: string,
  vex: boolean,
  opcode: number,
  extension: number,
  dst: unknown,
  src: unknown,
  count: unknown,
): void {
  if (vex) {
    const d = vector(m, dst, Lengths.both);
    const s = vector(m, src, d.bits === 128 ? Lengths.xmm : Lengths.ymm);
    const imm = imm8(m, count);
    emitVex(
      e,
      m,
      1,
      VexMap.x0f,
      d.bits === 256 ? 1 : 0,
      0,
      opcode,
      extension,
      d.code,
      s,
      imm,
    );
    return;
  }
  const d = vector(m, dst, Lengths.xmm);
  emitRm(
    e,
    m,
    0x0f00 | opcode,
    extension,
    d,
    false,
    false,
    1,
    imm8(m, src),
    0x66,
  );
}

/**
 * `pinsrd`/`pinsrq` (`vpinsrd`/`vpinsrq` with `src1`): an element from a
 * general register or memory operand.
 */
export function insertElement(
  e: CodeEmitter,
  m: string,
  vex: boolean,
  bits: 32 | 64,
  dst: unknown,
  src1: unknown,
  src: unknown,
  index: unknown,
): void {
  const reg = vector(m, dst, Lengths.xmm).code;
  const extra = vex ? vector(m, src1, Lengths.xmm).code : 0;
  const rm = generalOf(m, src, bits);
  const imm = imm8(m, index);
  if (vex) {
    emitVex(
      e,
      m,
      1,
      VexMap.x0f3a,
      0,
      bits === 64 ? 1 : 0,
      0x22,
      reg,
      extra,
      rm,
      imm,
    );
  } else emitRm(e, m, 0x0f3a22, reg, rm, bits === 64, false, 1, imm, 0x66);
}

/**
 * `pextrd`/`pextrq` (and VEX forms): an element to a general register or
 * memory operand.
 */
export function extractElement(
  e: CodeEmitter,
  m: string,
  vex: boolean,
  bits: 32 | 64,
  dst: unknown,
  src: unknown,
  index: unknown,
): void {
  const rm = generalOf(m, dst, bits);
  const reg = vector(m, src, Lengths.xmm).code;
  const imm = imm8(m, index);
  if (vex) {
    emitVex(
      e,
      m,
      1,
      VexMap.x0f3a,
      0,
      bits === 64 ? 1 : 0,
      0x16,
      reg,
      0,
      rm,
      imm,
    );
  } else emitRm(e, m, 0x0f3a16, reg, rm, bits === 64, false, 1, imm, 0x66);
}

/** `blendvpd xmm, xmm/m128[, xmm0]`: the mask is always xmm0. */
export function blendv(
  e: CodeEmitter,
  m: string,
  dst: unknown,
  src: unknown,
  mask: unknown,
): void {
  if (
    mask !== undefined &&
    !(mask instanceof X86VectorRegister && mask.bits === 128 && mask.code === 0)
  ) {
    throw invalidOperand(
      m,
      `the mask must be xmm0, not ${describeOperand(mask)}`,
    );
  }
  sse(e, m, 0x66, 0x0f3815, 128, dst, src);
}

/**
 * An AVX instruction `vop v1, v2, v3/mem` (or with `src1` `undefined`, the
 * two-operand `vop v1, v2/mem`), with an optional 8-bit immediate.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param pp The implied prefix: 0 none, 1 `66`, 2 `F3`, 3 `F2`.
 * @param map The opcode map.
 * @param w VEX.W.
 * @param opcode The opcode.
 * @param lengths The sizes the form takes ({@linkcode Lengths}).
 * @param scalarBits The memory size of a scalar form, or 0 for the
 *   vector's size.
 * @param dst The destination register.
 * @param src1 The first source register (VEX.vvvv), or `undefined`.
 * @param src2 The second source: a register or memory operand.
 * @param imm An 8-bit immediate, or `undefined`.
 */
export function avx(
  e: CodeEmitter,
  m: string,
  pp: number,
  map: number,
  w: number,
  opcode: number,
  lengths: number,
  scalarBits: number,
  dst: unknown,
  src1: unknown,
  src2: unknown,
  imm?: unknown,
): void {
  const d = vector(m, dst, lengths);
  const bits = d.bits;
  const same = bits === 128 ? Lengths.xmm : Lengths.ymm;
  const extra = src1 === undefined ? 0 : vector(m, src1, same).code;
  const rm = vectorOrMemory(m, src2, bits, scalarBits || bits);
  const i = imm === undefined ? -1 : imm8(m, imm);
  emitVex(e, m, pp, map, bits === 256 ? 1 : 0, w, opcode, d.code, extra, rm, i);
}

/**
 * An AVX move: `vop v, v/mem` (load form) or `vop mem, v` (store form).
 * `vmovss`/`vmovsd` between registers take three operands (`scalarBits`
 * non-zero), the others two.
 */
export function avxMove(
  e: CodeEmitter,
  m: string,
  pp: number,
  load: number,
  store: number,
  scalarBits: number,
  dst: unknown,
  src: unknown,
  src2?: unknown,
): void {
  const lengths = scalarBits === 0 ? Lengths.both : Lengths.xmm;
  if (dst instanceof X86Memory) {
    if (src2 !== undefined) {
      throw invalidOperand(m, "a store takes two operands");
    }
    const r = vector(m, src, lengths);
    const rm = memoryOf(m, dst, scalarBits || r.bits);
    emitVex(
      e,
      m,
      pp,
      VexMap.x0f,
      r.bits === 256 ? 1 : 0,
      0,
      store,
      r.code,
      0,
      rm,
      -1,
    );
    return;
  }
  if (scalarBits !== 0) {
    if (src instanceof X86Memory) {
      if (src2 !== undefined) {
        throw invalidOperand(m, "a load takes two operands");
      }
      const reg = vector(m, dst, Lengths.xmm).code;
      emitVex(
        e,
        m,
        pp,
        VexMap.x0f,
        0,
        0,
        load,
        reg,
        0,
        memoryOf(m, src, scalarBits),
        -1,
      );
      return;
    }
    // Between registers: vmovss xmm1, xmm2, xmm3 merges xmm3's low element
    // into xmm2's upper ones.
    const d = vector(m, dst, Lengths.xmm);
    const s1 = vector(m, src, Lengths.xmm).code;
    const s2 = vector(m, src2, Lengths.xmm);
    registerMove(e, m, pp, 0, load, store, d, s1, s2);
    return;
  }
  if (src2 !== undefined) throw invalidOperand(m, "takes two operands");
  if (src instanceof X86Memory) {
    avx(e, m, pp, VexMap.x0f, 0, load, Lengths.both, 0, dst, undefined, src);
    return;
  }
  const d = vector(m, dst, Lengths.both);
  const s = vector(m, src, d.bits === 128 ? Lengths.xmm : Lengths.ymm);
  registerMove(e, m, pp, d.bits === 256 ? 1 : 0, load, store, d, 0, s);
}

/**
 * A move between registers, in the load form, or in the store form with
 * the registers swapped where only that fits the two-byte VEX prefix
 * (the source needs VEX.B, the destination no VEX.R), as GNU as does.
 */
function registerMove(
  e: CodeEmitter,
  m: string,
  pp: number,
  l: number,
  load: number,
  store: number,
  dst: X86VectorRegister,
  vvvv: number,
  src: X86VectorRegister,
): void {
  if (src.code >= 8 && dst.code < 8) {
    emitVex(e, m, pp, VexMap.x0f, l, 0, store, src.code, vvvv, dst, -1);
  } else {
    emitVex(e, m, pp, VexMap.x0f, l, 0, load, dst.code, vvvv, src, -1);
  }
}

/**
 * A conversion or broadcast whose source is narrower than its
 * destination: `vop xmm|ymm, xmm/mem` with the memory operand `memoryBits`
 * for an xmm destination and twice that for a ymm one (`vcvtdq2pd`), or
 * fixed (`broadcast`).
 */
export function avxWiden(
  e: CodeEmitter,
  m: string,
  pp: number,
  map: number,
  w: number,
  opcode: number,
  lengths: number,
  memoryBits: number,
  broadcast: boolean,
  dst: unknown,
  src: unknown,
): void {
  const d = vector(m, dst, lengths);
  const l = d.bits === 256 ? 1 : 0;
  const rm = src instanceof X86Memory
    ? memoryOf(m, src, broadcast ? memoryBits : memoryBits << l)
    : vector(m, src, Lengths.xmm);
  emitVex(e, m, pp, map, l, w, opcode, d.code, 0, rm, -1);
}

/**
 * `vcvttpd2dq xmm, xmm|ymm/mem`: a narrowing conversion whose size comes
 * from the source; a memory source must state it (xmmword()/ymmword()).
 */
export function avxNarrow(
  e: CodeEmitter,
  m: string,
  pp: number,
  opcode: number,
  dst: unknown,
  src: unknown,
): void {
  const d = vector(m, dst, Lengths.xmm);
  let l: number;
  if (src instanceof X86Memory) {
    if (src.size !== 128 && src.size !== 256) {
      throw invalidOperand(
        m,
        "state the memory operand's size with xmmword() or ymmword()",
      );
    }
    l = src.size === 256 ? 1 : 0;
  } else {
    l = vector(m, src, Lengths.both).bits === 256 ? 1 : 0;
  }
  emitVex(e, m, pp, VexMap.x0f, l, 0, opcode, d.code, 0, src as X86Memory, -1);
}

/**
 * `vinsertf128 ymm, ymm, xmm/m128, imm8`.
 */
export function insert128(
  e: CodeEmitter,
  m: string,
  dst: unknown,
  src1: unknown,
  src2: unknown,
  index: unknown,
): void {
  const d = vector(m, dst, Lengths.ymm).code;
  const s = vector(m, src1, Lengths.ymm).code;
  const rm = vectorOrMemory(m, src2, 128, 128);
  emitVex(e, m, 1, VexMap.x0f3a, 1, 0, 0x18, d, s, rm, imm8(m, index));
}

/**
 * `vextractf128 xmm/m128, ymm, imm8`.
 */
export function extract128(
  e: CodeEmitter,
  m: string,
  dst: unknown,
  src: unknown,
  index: unknown,
): void {
  const rm = vectorOrMemory(m, dst, 128, 128);
  const s = vector(m, src, Lengths.ymm).code;
  emitVex(e, m, 1, VexMap.x0f3a, 1, 0, 0x19, s, 0, rm, imm8(m, index));
}

/**
 * `vblendvpd v1, v2, v3/mem, v4`: the mask register is encoded in the
 * immediate's upper four bits.
 */
export function avxBlendv(
  e: CodeEmitter,
  m: string,
  dst: unknown,
  src1: unknown,
  src2: unknown,
  mask: unknown,
): void {
  const d = vector(m, dst, Lengths.both);
  const same = d.bits === 128 ? Lengths.xmm : Lengths.ymm;
  const s = vector(m, src1, same).code;
  const rm = vectorOrMemory(m, src2, d.bits, d.bits);
  const k = vector(m, mask, same).code;
  emitVex(
    e,
    m,
    1,
    VexMap.x0f3a,
    d.bits === 256 ? 1 : 0,
    0,
    0x4b,
    d.code,
    s,
    rm,
    k << 4,
  );
}

/** `vzeroupper`: zeroes the upper halves of every ymm register. */
export function vzeroupper(e: CodeEmitter): void {
  emitFixed(e, 0x77f8c5, 3);
}
