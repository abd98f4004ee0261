/**
 * Reads back the SSE and AVX instructions the x86-64 assembler emits, as
 * GNU objdump prints them in Intel syntax: from the decode table
 * (simd_opcodes.ts) where an opcode's operands follow one of a few
 * layouts, and by hand for the encodings of their own (general-register
 * moves and conversions, shifts by an immediate, element inserts and
 * extracts, blends, 128-bit halves).
 *
 * @module
 */

import type { DecodedX86, ModRm } from "./disassembler.ts";
import {
  done,
  immediate,
  PTR,
  readModRm,
  register,
  type X86Reader,
} from "./disassembler.ts";
import { SIMD_ROWS, type SimdRow } from "./simd_opcodes.ts";

let table: Map<string, SimdRow[]> | undefined;

function rowsFor(key: string): SimdRow[] | undefined {
  if (table === undefined) {
    table = new Map();
    for (const row of SIMD_ROWS) {
      const rowKey = `${row[0]}:${row[1]}:${row[2]}:${row[3]}`;
      const rows = table.get(rowKey) ?? [];
      rows.push(row);
      table.set(rowKey, rows);
    }
  }
  return table.get(key);
}

/** Vector register `n`: xmm or ymm. */
function vec(n: number, bits: number): string {
  return `${bits === 256 ? "ymm" : "xmm"}${n}`;
}

/** What the instruction's fields are, once its prefix and opcode are read. */
interface Fields {
  vex: boolean;
  pp: number;
  map: number;
  op: number;
  w: number;
  l: number;
  vvvv: number;
}

function readFields(r: X86Reader): Fields | undefined {
  const first = r.byte();
  if (first === 0xc5 || first === 0xc4) {
    const b1 = r.byte();
    let rex = (b1 & 0x80) ? 0 : 4;
    let map = 1;
    let w = 0;
    let b2 = b1;
    if (first === 0xc4) {
      if (!(b1 & 0x40)) rex |= 2;
      if (!(b1 & 0x20)) rex |= 1;
      map = b1 & 0x1f;
      b2 = r.byte();
      w = b2 >> 7;
    }
    r.rex = rex | (w ? 8 : 0);
    const fields: Fields = {
      vex: true,
      pp: b2 & 3,
      map,
      op: r.byte(),
      w,
      l: (b2 >> 2) & 1,
      vvvv: (~b2 >> 3) & 15,
    };
    r.vex = { l: fields.l, vvvv: fields.vvvv, pp: fields.pp, map, w };
    return fields;
  }
  if (first !== 0x0f) return undefined;
  let map = 1;
  let op = r.byte();
  if (op === 0x38 || op === 0x3a) {
    map = op === 0x38 ? 2 : 3;
    op = r.byte();
  }
  const pp = r.repeat === 0xf3
    ? 2
    : r.repeat === 0xf2
    ? 3
    : r.operandSize16
    ? 1
    : 0;
  return { vex: false, pp, map, op, w: (r.rex >> 3) & 1, l: 0, vvvv: 0 };
}

/** The r/m operand as a vector register or sized memory. */
function rmVector(m: ModRm, registerBits: number, memoryBits: number): string {
  if (m.rm !== undefined) return vec(m.rm, registerBits);
  return `${PTR[memoryBits]}${m.memory === "" ? "RIP" : m.memory}`;
}

/** The r/m operand as a general register or sized memory. */
function rmGeneral(m: ModRm, bits: number): string {
  if (m.rm !== undefined) return register(m.rm, bits, true);
  return `${PTR[bits]}${m.memory === "" ? "RIP" : m.memory}`;
}

/**
 * Decodes an SSE or AVX instruction.
 *
 * @param r The reader, after legacy prefixes and REX, at `0F` or VEX.
 * @returns The instruction, or `undefined` for one this does not know.
 */
export function decodeX86Simd(r: X86Reader): DecodedX86 | undefined {
  const f = readFields(r);
  if (f === undefined) return undefined;
  const v = f.vex ? "v" : "";
  const width = f.l ? 256 : 128;
  if (f.vex && f.map === 1 && f.op === 0x77 && f.pp === 0) {
    return f.l
      ? undefined
      : { length: r.at - r.start, mnemonic: "vzeroupper", operands: [] };
  }
  const special = decodeSpecial(r, f, v, width);
  if (special !== null) return special;
  const rows = rowsFor(`${f.vex ? 1 : 0}:${f.pp}:${f.map}:${f.op}`)
    ?.filter((row) => row[4] === -1 || row[4] === f.w);
  if (rows === undefined || rows.length === 0) return undefined;
  const [, , , , , name, layout, scalar] = rows[0];
  const m = readModRm(r);
  const bits = scalar > 0 ? 128 : width;
  const memoryBits = scalar > 0 ? scalar : width;
  const reg = vec(m.reg, bits);
  const rm = rmVector(m, bits, memoryBits);
  const src1 = vec(f.vvvv, bits);
  switch (layout) {
    case "sse":
    case "load":
      return done(r, name, [reg, rm], m);
    case "sseImm":
      return done(r, name, [reg, rm, immediate(r.signed(1), 8)], m);
    case "store":
      return done(r, name, [rm, reg], m);
    case "avx3":
      return done(r, name, [reg, src1, rm], m);
    case "avx2":
      return done(r, name, [reg, rm], m);
    case "avx3imm":
      return done(r, name, [reg, src1, rm, immediate(r.signed(1), 8)], m);
    case "avx2imm":
      return done(r, name, [reg, rm, immediate(r.signed(1), 8)], m);
    case "vload":
      return done(
        r,
        name,
        scalar > 0 && m.rm !== undefined ? [reg, src1, rm] : [reg, rm],
        m,
      );
    case "vstore":
      return done(
        r,
        name,
        scalar > 0 && m.rm !== undefined ? [rm, src1, reg] : [rm, reg],
        m,
      );
    case "widen": {
      const broadcast = name.includes("broadcast");
      const source = broadcast ? scalar : f.l ? 128 : 64;
      return done(r, name, [vec(m.reg, width), rmVector(m, 128, source)], m);
    }
    case "narrow":
      return done(r, name, [vec(m.reg, 128), rmVector(m, width, width)], m);
  }
}

/**
 * The encodings of their own; `null` when the opcode is not one of them.
 */
function decodeSpecial(
  r: X86Reader,
  f: Fields,
  v: string,
  width: number,
): DecodedX86 | undefined | null {
  const bits = f.w ? 64 : 32;
  if (f.map === 1 && f.pp === 1 && (f.op === 0x6e || f.op === 0x7e)) {
    const m = readModRm(r);
    const name = `${v}${f.w ? "movq" : "movd"}`;
    const general = rmGeneral(m, bits);
    const xmm = vec(m.reg, 128);
    return done(r, name, f.op === 0x6e ? [xmm, general] : [general, xmm], m);
  }
  if (f.map === 1 && f.pp === 2 && f.op === 0x7e) {
    const m = readModRm(r);
    return done(r, `${v}movq`, [vec(m.reg, 128), rmVector(m, 128, 64)], m);
  }
  if (f.map === 1 && f.pp === 1 && f.op === 0xd6) {
    const m = readModRm(r);
    return done(r, `${v}movq`, [rmVector(m, 128, 64), vec(m.reg, 128)], m);
  }
  if (f.map === 1 && f.pp >= 2 && f.op === 0x2a) {
    const m = readModRm(r);
    const name = `${v}cvtsi2${f.pp === 2 ? "ss" : "sd"}`;
    const operands = [vec(m.reg, 128)];
    if (f.vex) operands.push(vec(f.vvvv, 128));
    operands.push(rmGeneral(m, bits));
    return done(r, name, operands, m);
  }
  if (f.map === 1 && f.pp >= 2 && (f.op === 0x2c || f.op === 0x2d)) {
    const m = readModRm(r);
    const from = f.pp === 2 ? "ss" : "sd";
    const name = `${v}cvt${f.op === 0x2c ? "t" : ""}${from}2si`;
    return done(r, name, [
      register(m.reg, bits, true),
      rmVector(m, 128, f.pp === 2 ? 32 : 64),
    ], m);
  }
  if (f.map === 1 && f.pp === 1 && f.op >= 0x71 && f.op <= 0x73) {
    const m = readModRm(r);
    const names: Record<string, string> = {
      "114:4": "psrad",
      "115:2": "psrlq",
      "115:6": "psllq",
    };
    const name = names[`${f.op}:${m.reg & 7}`];
    if (name === undefined || m.rm === undefined) return undefined;
    const count = immediate(r.signed(1), 8);
    const operands = f.vex
      ? [vec(f.vvvv, width), vec(m.rm, width), count]
      : [vec(m.rm, 128), count];
    return done(r, `${v}${name}`, operands, m);
  }
  if (!f.vex && f.map === 2 && f.pp === 1 && f.op === 0x15) {
    const m = readModRm(r);
    return done(r, "blendvpd", [
      vec(m.reg, 128),
      rmVector(m, 128, 128),
      "xmm0",
    ], m);
  }
  if (f.vex && f.map === 3 && f.pp === 1 && f.op === 0x4b) {
    const m = readModRm(r);
    const rm = rmVector(m, width, width);
    const mask = vec((r.byte() >> 4) & 15, width);
    return done(r, "vblendvpd", [
      vec(m.reg, width),
      vec(f.vvvv, width),
      rm,
      mask,
    ], m);
  }
  if (f.map === 3 && f.pp === 1 && (f.op === 0x22 || f.op === 0x16)) {
    const m = readModRm(r);
    const general = rmGeneral(m, bits);
    const index = () => immediate(r.signed(1), 8);
    if (f.op === 0x22) {
      const operands = [vec(m.reg, 128)];
      if (f.vex) operands.push(vec(f.vvvv, 128));
      operands.push(general, index());
      return done(r, `${v}pinsr${f.w ? "q" : "d"}`, operands, m);
    }
    return done(r, `${v}pextr${f.w ? "q" : "d"}`, [
      general,
      vec(m.reg, 128),
      index(),
    ], m);
  }
  if (f.vex && f.map === 3 && f.pp === 1 && f.op === 0x18) {
    const m = readModRm(r);
    const source = rmVector(m, 128, 128);
    return done(r, "vinsertf128", [
      vec(m.reg, 256),
      vec(f.vvvv, 256),
      source,
      immediate(r.signed(1), 8),
    ], m);
  }
  if (f.vex && f.map === 3 && f.pp === 1 && f.op === 0x19) {
    const m = readModRm(r);
    const target = rmVector(m, 128, 128);
    return done(r, "vextractf128", [
      target,
      vec(m.reg, 256),
      immediate(r.signed(1), 8),
    ], m);
  }
  return null;
}
