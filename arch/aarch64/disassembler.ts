/**
 * Reads back the instructions the AArch64 assembler emits, as GNU objdump
 * prints them (`aarch64-linux-gnu-objdump -d`): preferred aliases (`mov`,
 * `cmp`, `lsl`, `cset`, `mul`...), hex immediates, and the comments
 * objdump adds (decimal values of moves, the other names of conditions).
 *
 * Written from the Arm Architecture Reference Manual's encoding index
 * (A64 "Top-level encodings") and its alias conditions.
 *
 * @module
 */

import type { Decoded } from "../listing.ts";
import {
  branchComment,
  conditionComment,
  CONDITIONS,
  field,
  gpr,
  matches,
  result,
  signExtend,
} from "./decoding.ts";

const SHIFTS = ["lsl", "lsr", "asr", "ror"];
const EXTENDS = [
  "uxtb",
  "uxth",
  "uxtw",
  "uxtx",
  "sxtb",
  "sxth",
  "sxtw",
  "sxtx",
];

const hex = (value: number | bigint): string =>
  `#0x${BigInt(value).toString(16)}`;

/** A signed immediate as objdump prints offsets: `#-8`, `#16`. */
const decimal = (value: number): string => `#${value}`;

/**
 * The value of a logical immediate (`N:immr:imms`), or `undefined` for a
 * reserved encoding.
 */
export function decodeBitmask(
  n: number,
  immr: number,
  imms: number,
  wide: boolean,
): bigint | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  const length = 31 - Math.clz32(combined);
  if (length < 1) return undefined;
  const size = 1 << length;
  const levels = size - 1;
  const ones = (imms & levels) + 1;
  if (ones === size) return undefined;
  const rotate = immr & levels;
  const element = (1n << BigInt(ones)) - 1n;
  const mask = (1n << BigInt(size)) - 1n;
  const rotated = ((element >> BigInt(rotate)) |
    (element << BigInt(size - rotate))) & mask;
  let value = 0n;
  const total = wide ? 64 : 32;
  for (let at = 0; at < total; at += size) value |= rotated << BigInt(at);
  return value;
}

/** Whether `movz`/`movn` can make `value` (objdump then prefers `mov`). */
function moveWidePreferred(value: bigint, wide: boolean): boolean {
  const bits = wide ? 64 : 32;
  const mask = (1n << BigInt(bits)) - 1n;
  for (const candidate of [value & mask, ~value & mask]) {
    for (let shift = 0; shift < bits; shift += 16) {
      if ((candidate & ~(0xffffn << BigInt(shift)) & mask) === 0n) return true;
    }
  }
  return false;
}

/** `mov` of an immediate, with objdump's padded decimal comment. */
function moveImmediate(
  rd: string,
  value: bigint,
  wide: boolean,
): Decoded {
  const bits = wide ? 64 : 32;
  const unsigned = BigInt.asUintN(bits, value);
  const operands = `${rd}, ${hex(unsigned)}`;
  return {
    length: 4,
    mnemonic: "mov",
    operands: [rd, hex(unsigned)],
    comment: `${" ".repeat(Math.max(0, 27 - operands.length))}\t// #${
      BigInt.asIntN(bits, unsigned)
    }`,
  };
}

/**
 * Decodes the instruction at `at`.
 *
 * @param code The program.
 * @param at Where the instruction starts (a multiple of 4).
 * @param simd Decodes the FP and SIMD instructions, `undefined` for others.
 * @returns The instruction, or `undefined` for a word this does not know.
 */
export function decodeA64(
  code: Uint8Array,
  at: number,
  simd?: (word: number, at: number) => Decoded | undefined,
): Decoded | undefined {
  if (at + 4 > code.length) return undefined;
  const word = new DataView(code.buffer, code.byteOffset + at, 4)
    .getUint32(0, true);
  const op0 = field(word, 25, 4);
  if ((op0 & 0b1110) === 0b1000) return dataImmediate(word, at);
  if ((op0 & 0b1110) === 0b1010) return branch(word, at);
  if ((op0 & 0b0101) === 0b0100) {
    if (word & (1 << 26)) return simd?.(word, at);
    return loadStore(word, at);
  }
  if ((op0 & 0b0111) === 0b0101) return dataRegister(word);
  if ((op0 & 0b0111) === 0b0111) return simd?.(word, at);
  return undefined;
}

function dataImmediate(word: number, at: number): Decoded | undefined {
  const wide = (word >>> 31) === 1;
  const rd = field(word, 0, 5);
  const rn = field(word, 5, 5);
  switch (field(word, 23, 3)) {
    case 0b000:
    case 0b001: {
      if (word >>> 31) return undefined; // adrp
      const offset = signExtend(
        (field(word, 5, 19) << 2) | field(word, 29, 2),
        21,
      );
      return result("adr", [gpr(rd, true)], { target: at + offset });
    }
    case 0b010: {
      const subtract = (word >>> 30) & 1;
      const setFlags = (word >>> 29) & 1;
      const shifted = (word >>> 22) & 1;
      const imm = field(word, 10, 12);
      const operands = [hex(imm)];
      if (shifted) operands.push("lsl #12");
      if (setFlags && rd === 31) {
        return result(subtract ? "cmp" : "cmn", [
          gpr(rn, wide, true),
          ...operands,
        ]);
      }
      if (
        !subtract && !setFlags && imm === 0 && !shifted &&
        (rd === 31 || rn === 31)
      ) {
        return result("mov", [gpr(rd, wide, true), gpr(rn, wide, true)]);
      }
      const name = (subtract ? "sub" : "add") + (setFlags ? "s" : "");
      return result(name, [
        gpr(rd, wide, !setFlags),
        gpr(rn, wide, true),
        ...operands,
      ]);
    }
    case 0b100: {
      const opc = field(word, 29, 2);
      const value = decodeBitmask(
        (word >>> 22) & 1,
        field(word, 16, 6),
        field(word, 10, 6),
        wide,
      );
      if (value === undefined) return undefined;
      if (opc === 3 && rd === 31) {
        return result("tst", [gpr(rn, wide), hex(value)]);
      }
      if (opc === 1 && rn === 31 && !moveWidePreferred(value, wide)) {
        return moveImmediate(gpr(rd, wide, true), value, wide);
      }
      const name = ["and", "orr", "eor", "ands"][opc];
      return result(name, [
        gpr(rd, wide, opc !== 3),
        gpr(rn, wide),
        hex(value),
      ]);
    }
    case 0b101: {
      const opc = field(word, 29, 2);
      const hw = field(word, 21, 2);
      const imm = BigInt(field(word, 5, 16));
      const shift = BigInt(16 * hw);
      const rdText = gpr(rd, wide);
      if (opc === 3) {
        return result("movk", [
          rdText,
          hex(imm),
          ...(hw ? [`lsl #${16 * hw}`] : []),
        ]);
      }
      if (opc === 1) return undefined;
      const plain = opc === 2 ? "movz" : "movn";
      const aliasable = !(imm === 0n && hw !== 0) &&
        !(opc === 0 && !wide && imm === 0xffffn);
      if (aliasable) {
        const value = opc === 2 ? imm << shift : ~(imm << shift);
        return moveImmediate(rdText, value, wide);
      }
      return result(plain, [
        rdText,
        hex(imm),
        ...(hw ? [`lsl #${16 * hw}`] : []),
      ]);
    }
    case 0b110: {
      const opc = field(word, 29, 2);
      const immr = field(word, 16, 6);
      const imms = field(word, 10, 6);
      const top = wide ? 63 : 31;
      const d = gpr(rd, wide);
      const n = gpr(rn, wide);
      if (opc === 2 && imms !== top && imms + 1 === immr) {
        return result("lsl", [d, n, `#${top - imms}`]);
      }
      if (opc === 2 && imms === top) return result("lsr", [d, n, `#${immr}`]);
      if (opc === 0 && imms === top) return result("asr", [d, n, `#${immr}`]);
      const name = ["sbfm", "bfm", "ubfm"][opc];
      return name === undefined
        ? undefined
        : result(name, [d, n, `#${immr}`, `#${imms}`]);
    }
  }
  return undefined;
}

function branch(word: number, at: number): Decoded | undefined {
  if (matches(word, 0x7c000000, 0x14000000)) {
    const offset = signExtend(field(word, 0, 26), 26) * 4;
    return result(word >>> 31 ? "bl" : "b", [], { target: at + offset });
  }
  if (matches(word, 0x7e000000, 0x34000000)) {
    const offset = signExtend(field(word, 5, 19), 19) * 4;
    return result((word >>> 24) & 1 ? "cbnz" : "cbz", [
      gpr(field(word, 0, 5), (word >>> 31) === 1),
    ], { target: at + offset });
  }
  if (matches(word, 0xff000010, 0x54000000)) {
    const offset = signExtend(field(word, 5, 19), 19) * 4;
    const condition = CONDITIONS[field(word, 0, 4)];
    return result(`b.${condition}`, [], {
      target: at + offset,
      ...branchComment(condition),
    });
  }
  if (matches(word, 0xffe0001f, 0xd4200000)) {
    return result("brk", [hex(field(word, 5, 16))]);
  }
  if (word === 0xd503201f) return result("nop", []);
  if (matches(word, 0xfffffc1f, 0xd61f0000)) {
    return result("br", [gpr(field(word, 5, 5), true)]);
  }
  if (matches(word, 0xfffffc1f, 0xd63f0000)) {
    return result("blr", [gpr(field(word, 5, 5), true)]);
  }
  if (matches(word, 0xfffffc1f, 0xd65f0000)) {
    const rn = field(word, 5, 5);
    return result("ret", rn === 30 ? [] : [gpr(rn, true)]);
  }
  return undefined;
}

/** The general-register loads and stores: name and width by size:opc. */
function loadStoreName(
  size: number,
  opc: number,
): { name: string; wide: boolean; scale: number } | undefined {
  const table: Record<string, [string, boolean]> = {
    "0,0": ["strb", false],
    "0,1": ["ldrb", false],
    "0,2": ["ldrsb", true],
    "0,3": ["ldrsb", false],
    "1,0": ["strh", false],
    "1,1": ["ldrh", false],
    "1,2": ["ldrsh", true],
    "1,3": ["ldrsh", false],
    "2,0": ["str", false],
    "2,1": ["ldr", false],
    "2,2": ["ldrsw", true],
    "3,0": ["str", true],
    "3,1": ["ldr", true],
  };
  const entry = table[`${size},${opc}`];
  return entry && { name: entry[0], wide: entry[1], scale: size };
}

function loadStore(word: number, at: number): Decoded | undefined {
  const rt = field(word, 0, 5);
  const rn = field(word, 5, 5);
  const base = gpr(rn, true, true);
  // Load register (literal).
  if (matches(word, 0x3b000000, 0x18000000)) {
    const opc = word >>> 30;
    if (opc > 1) return undefined;
    const offset = signExtend(field(word, 5, 19), 19) * 4;
    return result("ldr", [gpr(rt, opc === 1)], { target: at + offset });
  }
  // Load/store pair.
  if (matches(word, 0x3a000000, 0x28000000)) {
    const opc = word >>> 30;
    const mode = field(word, 23, 2);
    const load = (word >>> 22) & 1;
    if (opc === 1 || opc === 3 || mode === 0) return undefined;
    const wide = opc === 2;
    const offset = signExtend(field(word, 15, 7), 7) * (wide ? 8 : 4);
    const registers = [gpr(rt, wide), gpr(field(word, 10, 5), wide)];
    const name = load ? "ldp" : "stp";
    if (mode === 1) {
      return result(name, [...registers, `[${base}]`, decimal(offset)]);
    }
    if (mode === 3) {
      return result(name, [...registers, `[${base}, ${decimal(offset)}]!`]);
    }
    const address = offset === 0
      ? `[${base}]`
      : `[${base}, ${decimal(offset)}]`;
    return result(name, [...registers, address]);
  }
  if (
    !matches(word, 0x3b000000, 0x39000000) &&
    !matches(word, 0x3b000000, 0x38000000)
  ) {
    return undefined;
  }
  const size = word >>> 30;
  const opc = field(word, 22, 2);
  const kind = loadStoreName(size, opc);
  if (kind === undefined) return undefined;
  const target = gpr(rt, kind.wide);
  if (matches(word, 0x3b000000, 0x39000000)) {
    const offset = field(word, 10, 12) << kind.scale;
    return result(kind.name, [
      target,
      offset === 0 ? `[${base}]` : `[${base}, ${decimal(offset)}]`,
    ]);
  }
  if ((word >>> 21) & 1) {
    if (field(word, 10, 2) !== 2) return undefined;
    const option = field(word, 13, 3);
    const shifted = (word >>> 12) & 1;
    const rm = field(word, 16, 5);
    const index = gpr(rm, (option & 1) === 1);
    let extend = option === 3 ? "lsl" : EXTENDS[option];
    if (option === 3 && !shifted) extend = "";
    const amount = shifted ? ` #${kind.scale}` : "";
    const suffix = extend === "" ? "" : `, ${extend}${amount}`;
    return result(kind.name, [target, `[${base}, ${index}${suffix}]`]);
  }
  const offset = signExtend(field(word, 12, 9), 9);
  const mode = field(word, 10, 2);
  if (mode === 0) {
    const name = kind.name.replace(/^ldr|^str/, (m) => `${m.slice(0, 2)}ur`);
    return result(name, [
      target,
      offset === 0 ? `[${base}]` : `[${base}, ${decimal(offset)}]`,
    ]);
  }
  if (mode === 1) {
    return result(kind.name, [target, `[${base}]`, decimal(offset)]);
  }
  if (mode === 3) {
    return result(kind.name, [target, `[${base}, ${decimal(offset)}]!`]);
  }
  return undefined;
}

function shiftText(word: number): string[] {
  const amount = field(word, 10, 6);
  return amount === 0 ? [] : [`${SHIFTS[field(word, 22, 2)]} #${amount}`];
}

function dataRegister(word: number): Decoded | undefined {
  const wide = (word >>> 31) === 1;
  const rd = field(word, 0, 5);
  const rn = field(word, 5, 5);
  const rm = field(word, 16, 5);
  const [d, n, m] = [gpr(rd, wide), gpr(rn, wide), gpr(rm, wide)];
  // Logical (shifted register).
  if (matches(word, 0x1f000000, 0x0a000000)) {
    const opc = field(word, 29, 2);
    const negate = (word >>> 21) & 1;
    const shift = shiftText(word);
    const name = [["and", "bic"], ["orr", "orn"], ["eor", "eon"], [
      "ands",
      "bics",
    ]][opc][negate];
    if (opc === 1 && rn === 31 && shift.length === 0) {
      return result(negate ? "mvn" : "mov", [d, m]);
    }
    if (opc === 1 && negate && rn === 31) {
      return result("mvn", [d, m, ...shift]);
    }
    if (opc === 3 && !negate && rd === 31) {
      return result("tst", [n, m, ...shift]);
    }
    return result(name, [d, n, m, ...shift]);
  }
  // Add/subtract (shifted register).
  if (matches(word, 0x1f200000, 0x0b000000)) {
    const subtract = (word >>> 30) & 1;
    const setFlags = (word >>> 29) & 1;
    const shift = shiftText(word);
    if (setFlags && rd === 31) {
      return result(subtract ? "cmp" : "cmn", [n, m, ...shift]);
    }
    if (subtract && rn === 31) {
      return result(setFlags ? "negs" : "neg", [d, m, ...shift]);
    }
    const name = (subtract ? "sub" : "add") + (setFlags ? "s" : "");
    return result(name, [d, n, m, ...shift]);
  }
  // Add/subtract (extended register).
  if (matches(word, 0x1f200000, 0x0b200000)) {
    const subtract = (word >>> 30) & 1;
    const setFlags = (word >>> 29) & 1;
    const option = field(word, 13, 3);
    const amount = field(word, 10, 3);
    const rdSp = rd === 31 && !setFlags;
    const usesSp = rdSp || rn === 31;
    const index = gpr(rm, (option & 3) === 3);
    const lslAlias = usesSp && option === (wide ? 3 : 2);
    const extend = lslAlias
      ? amount === 0 ? [] : [`lsl #${amount}`]
      : [`${EXTENDS[option]}${amount ? ` #${amount}` : ""}`];
    const dText = gpr(rd, wide, !setFlags);
    const nText = gpr(rn, wide, true);
    if (setFlags && rd === 31) {
      return result(subtract ? "cmp" : "cmn", [nText, index, ...extend]);
    }
    const name = (subtract ? "sub" : "add") + (setFlags ? "s" : "");
    return result(name, [dText, nText, index, ...extend]);
  }
  // Conditional select.
  if (matches(word, 0x1fe00800, 0x1a800000)) {
    const op = (word >>> 30) & 1;
    const o2 = (word >>> 10) & 1;
    const cond = field(word, 12, 4);
    const name = [["csel", "csinc"], ["csinv", "csneg"]][op][o2];
    if (name === "csinc" && rn === 31 && rm === 31 && cond < 14) {
      const inverse = CONDITIONS[cond ^ 1];
      return result("cset", [d, inverse], conditionComment(inverse));
    }
    const condition = CONDITIONS[cond];
    return result(name, [d, n, m, condition], conditionComment(condition));
  }
  // Data-processing (2 source).
  if (matches(word, 0x5fe00000, 0x1ac00000)) {
    const names: Record<number, string> = {
      2: "udiv",
      3: "sdiv",
      8: "lsl",
      9: "lsr",
      10: "asr",
      11: "ror",
    };
    const name = names[field(word, 10, 6)];
    return name === undefined ? undefined : result(name, [d, n, m]);
  }
  // Data-processing (3 source): madd, msub.
  if (matches(word, 0x7fe00000, 0x1b000000)) {
    const ra = field(word, 10, 5);
    const subtract = (word >>> 15) & 1;
    if (ra === 31) return result(subtract ? "mneg" : "mul", [d, n, m]);
    return result(subtract ? "msub" : "madd", [d, n, m, gpr(ra, wide)]);
  }
  return undefined;
}
