/**
 * Reads back the floating-point and Advanced SIMD (NEON) instructions the
 * AArch64 assembler emits, as GNU objdump prints them: scalar FP
 * arithmetic, compares, selects, conversions and `fmov` (immediates as
 * `%.18e`), loads and stores of `b h s d q` registers, and the vector
 * forms (three same, two-register, across lanes, copies, immediates,
 * permutes, shifts, `ld1`/`st1`/`ld1r`), with objdump's aliases (`mov`
 * for `orr`, `umov` and `ins`; `sxtl`/`uxtl` for a shift of 0).
 *
 * Written from the Arm Architecture Reference Manual's A64 encoding index
 * ("Data Processing -- Scalar Floating-Point and Advanced SIMD", "Loads
 * and Stores").
 *
 * @module
 */

import type { Decoded } from "../listing.ts";
import {
  conditionComment,
  CONDITIONS,
  field,
  gpr,
  matches,
  result,
  signExtend,
} from "./decoding.ts";

/** An FP register of type `type` (0 single, 1 double, 3 half). */
function fpr(n: number, type: number): string {
  return `${type === 0 ? "s" : type === 1 ? "d" : "h"}${n}`;
}

/** `v1.4s`: the arrangement of integer elements `size` and Q. */
function arrangement(n: number, size: number, q: number): string {
  const names = [["8b", "16b"], ["4h", "8h"], ["2s", "4s"], ["1d", "2d"]];
  return `v${n}.${names[size][q]}`;
}

/** The arrangement of float elements (`sz` 0 singles, 1 doubles). */
function floatArrangement(n: number, sz: number, q: number): string {
  return arrangement(n, 2 + sz, q);
}

/** objdump's `%.18e` spelling of an FP immediate. */
function floatText(value: number): string {
  const [mantissa, exponent] = value.toExponential(18).split("e");
  const power = Number(exponent);
  const sign = power < 0 ? "-" : "+";
  return `#${mantissa}e${sign}${String(Math.abs(power)).padStart(2, "0")}`;
}

/** The value of an 8-bit FP immediate (`imm8` of `fmov`). */
function fpImmediate(imm8: number): number {
  // imm8 = a:b:cd:efgh is ±(16 + efgh)/16 × 2^e, e = cd + 1 when b is 0
  // and cd - 3 when it is 1 (the exponent NOT(b):b…b:cd less the bias).
  const sign = imm8 >> 7 ? -1 : 1;
  const cd = (imm8 >> 4) & 3;
  const e = (imm8 >> 6) & 1 ? cd - 3 : cd + 1;
  return sign * ((16 + (imm8 & 15)) / 16) * 2 ** e;
}

/**
 * Decodes a floating-point or SIMD instruction.
 *
 * @param word The instruction.
 * @param at Its offset (for PC-relative forms).
 * @returns The instruction, or `undefined` for one this does not know.
 */
export function decodeA64Simd(word: number, at: number): Decoded | undefined {
  void at;
  const op0 = field(word, 25, 4);
  if ((op0 & 0b0101) === 0b0100) return loadStore(word);
  if (matches(word, 0x5f000000, 0x1e000000)) return scalarFloat(word);
  if (matches(word, 0x5f000000, 0x1f000000)) return fusedMultiplyAdd(word);
  if (matches(word, 0xdf000000, 0x5e000000)) return scalarSimd(word);
  if (matches(word, 0xbf208400, 0x2e000000)) {
    const q = field(word, 30, 1);
    return result("ext", [
      arrangement(field(word, 0, 5), 0, q),
      arrangement(field(word, 5, 5), 0, q),
      arrangement(field(word, 16, 5), 0, q),
      `#${field(word, 11, 4)}`,
    ]);
  }
  if (matches(word, 0x9f000000, 0x0e000000)) return vector(word);
  if (matches(word, 0x9f800400, 0x0f000400)) return shiftOrImmediate(word);
  return undefined;
}

function scalarFloat(word: number): Decoded | undefined {
  const type = field(word, 22, 2);
  const rd = field(word, 0, 5);
  const rn = field(word, 5, 5);
  const rm = field(word, 16, 5);
  if (!((word >>> 21) & 1)) return undefined;
  const low = field(word, 10, 2);
  if (low === 1) {
    const name = (word >>> 4) & 1 ? "fccmpe" : "fccmp";
    const condition = CONDITIONS[field(word, 12, 4)];
    return result(name, [
      fpr(rn, type),
      fpr(rm, type),
      `#0x${field(word, 0, 4).toString(16)}`,
      condition,
    ], conditionComment(condition));
  }
  if (low === 2) {
    const names = [
      "fmul",
      "fdiv",
      "fadd",
      "fsub",
      "fmax",
      "fmin",
      "fmaxnm",
      "fminnm",
      "fnmul",
    ];
    const name = names[field(word, 12, 4)];
    return name === undefined
      ? undefined
      : result(name, [fpr(rd, type), fpr(rn, type), fpr(rm, type)]);
  }
  if (low === 3) {
    const condition = CONDITIONS[field(word, 12, 4)];
    return result("fcsel", [
      fpr(rd, type),
      fpr(rn, type),
      fpr(rm, type),
      condition,
    ], conditionComment(condition));
  }
  if ((word >>> 12) & 1) {
    if (field(word, 5, 5) !== 0) return undefined;
    return result("fmov", [
      fpr(rd, type),
      floatText(fpImmediate(field(word, 13, 8))),
    ]);
  }
  if ((word >>> 13) & 1) {
    const opc = field(word, 0, 5);
    const name = opc & 0x10 ? "fcmpe" : "fcmp";
    return result(name, [fpr(rn, type), opc & 8 ? "#0.0" : fpr(rm, type)]);
  }
  if ((word >>> 14) & 1) {
    const opcode = field(word, 15, 6);
    if (opcode === 4 || opcode === 5 || opcode === 7) {
      const to = opcode & 3;
      return result("fcvt", [fpr(rd, to === 3 ? 3 : to), fpr(rn, type)]);
    }
    const names: Record<number, string> = {
      0: "fmov",
      1: "fabs",
      2: "fneg",
      3: "fsqrt",
      8: "frintn",
      9: "frintp",
      10: "frintm",
      11: "frintz",
      12: "frinta",
      14: "frintx",
      15: "frinti",
    };
    const name = names[opcode];
    return name === undefined
      ? undefined
      : result(name, [fpr(rd, type), fpr(rn, type)]);
  }
  if (field(word, 10, 6) === 0) {
    const wide = (word >>> 31) === 1;
    const rmode = field(word, 19, 2);
    const opcode = field(word, 16, 3);
    if (rmode === 0 && opcode === 6) {
      return result("fmov", [gpr(rd, wide), fpr(rn, type)]);
    }
    if (rmode === 0 && opcode === 7) {
      return result("fmov", [fpr(rd, type), gpr(rn, wide)]);
    }
    if (rmode === 0 && (opcode === 2 || opcode === 3)) {
      return result(opcode === 2 ? "scvtf" : "ucvtf", [
        fpr(rd, type),
        gpr(rn, wide),
      ]);
    }
    if (rmode === 3 && (opcode === 0 || opcode === 1)) {
      return result(opcode === 0 ? "fcvtzs" : "fcvtzu", [
        gpr(rd, wide),
        fpr(rn, type),
      ]);
    }
  }
  return undefined;
}

function fusedMultiplyAdd(word: number): Decoded {
  const type = field(word, 22, 2);
  const names = [["fmadd", "fmsub"], ["fnmadd", "fnmsub"]];
  const name = names[(word >>> 21) & 1][(word >>> 15) & 1];
  return result(name, [
    fpr(field(word, 0, 5), type),
    fpr(field(word, 5, 5), type),
    fpr(field(word, 16, 5), type),
    fpr(field(word, 10, 5), type),
  ]);
}

/** Advanced SIMD scalar: three same (`add d0, d1, d2`), pairwise. */
function scalarSimd(word: number): Decoded | undefined {
  const u = (word >>> 29) & 1;
  const size = field(word, 22, 2);
  const rd = field(word, 0, 5);
  const rn = field(word, 5, 5);
  if ((word >>> 21) & 1 && (word >>> 10) & 1 && size === 3) {
    const opcode = field(word, 11, 5);
    if (opcode === 0x10) {
      return result(u ? "sub" : "add", [
        `d${rd}`,
        `d${rn}`,
        `d${field(word, 16, 5)}`,
      ]);
    }
    return undefined;
  }
  if (matches(word, 0x003e0c00, 0x00300800)) {
    const opcode = field(word, 12, 5);
    if (!u && opcode === 0x1b && size === 3) {
      return result("addp", [`d${rd}`, arrangement(rn, 3, 1)]);
    }
    if (u && opcode === 0x0d && size < 2) {
      return result("faddp", [
        size ? `d${rd}` : `s${rd}`,
        floatArrangement(rn, size, size ? 1 : 0),
      ]);
    }
  }
  return undefined;
}

function vector(word: number): Decoded | undefined {
  const q = field(word, 30, 1);
  const u = (word >>> 29) & 1;
  const size = field(word, 22, 2);
  const rd = field(word, 0, 5);
  const rn = field(word, 5, 5);
  const rm = field(word, 16, 5);
  if ((word >>> 21) & 1) {
    if ((word >>> 10) & 1) return threeSame(word, q, u, size, rd, rn, rm);
    if (field(word, 10, 2) === 2 && field(word, 17, 4) === 0) {
      return twoRegister(word, q, u, size, rd, rn);
    }
    if (field(word, 10, 2) === 2 && field(word, 17, 4) === 8) {
      return acrossLanes(word, q, u, size, rd, rn);
    }
    return undefined;
  }
  if (matches(word, 0x9fe08400, 0x0e000400)) return copy(word, q, u, rd, rn);
  if (!u && field(word, 10, 2) === 2 && !((word >>> 15) & 1)) {
    const names = ["", "uzp1", "trn1", "zip1", "", "uzp2", "trn2", "zip2"];
    const name = names[field(word, 12, 3)];
    if (name === "") return undefined;
    return result(name, [
      arrangement(rd, size, q),
      arrangement(rn, size, q),
      arrangement(rm, size, q),
    ]);
  }
  return undefined;
}

function threeSame(
  word: number,
  q: number,
  u: number,
  size: number,
  rd: number,
  rn: number,
  rm: number,
): Decoded | undefined {
  const opcode = field(word, 11, 5);
  const same = (name: string): Decoded =>
    result(name, [
      arrangement(rd, size, q),
      arrangement(rn, size, q),
      arrangement(rm, size, q),
    ]);
  if (opcode === 0x03) {
    const names = u
      ? ["eor", "bsl", "bit", "bif"]
      : ["and", "bic", "orr", "orn"];
    if (!u && size === 2 && rn === rm) {
      return result("mov", [arrangement(rd, 0, q), arrangement(rn, 0, q)]);
    }
    return result(names[size], [
      arrangement(rd, 0, q),
      arrangement(rn, 0, q),
      arrangement(rm, 0, q),
    ]);
  }
  const integer: Record<string, string> = {
    "0:16": "add",
    "1:16": "sub",
    "0:19": "mul",
    "0:23": "addp",
    "1:17": "cmeq",
    "0:6": "cmgt",
    "0:7": "cmge",
  };
  const name = integer[`${u}:${opcode}`];
  if (name !== undefined) return same(name);
  if (opcode < 0x18) return undefined;
  const a = size >> 1;
  const sz = size & 1;
  const floats: Record<string, string> = {
    "0:0:26": "fadd",
    "0:1:26": "fsub",
    "1:0:27": "fmul",
    "1:0:31": "fdiv",
    "0:0:30": "fmax",
    "0:1:30": "fmin",
    "0:0:24": "fmaxnm",
    "0:1:24": "fminnm",
    "0:0:25": "fmla",
    "0:1:25": "fmls",
    "0:0:28": "fcmeq",
    "1:0:28": "fcmge",
    "1:1:28": "fcmgt",
    "1:0:26": "faddp",
  };
  const floatName = floats[`${u}:${a}:${opcode}`];
  if (floatName === undefined) return undefined;
  return result(floatName, [
    floatArrangement(rd, sz, q),
    floatArrangement(rn, sz, q),
    floatArrangement(rm, sz, q),
  ]);
}

function twoRegister(
  word: number,
  q: number,
  u: number,
  size: number,
  rd: number,
  rn: number,
): Decoded | undefined {
  const opcode = field(word, 12, 5);
  if (!u && opcode === 0x12) {
    return result(q ? "xtn2" : "xtn", [
      arrangement(rd, size, q),
      arrangement(rn, size + 1, 1),
    ]);
  }
  const a = size >> 1;
  const sz = size & 1;
  const floats: Record<string, string> = {
    "0:1:15": "fabs",
    "1:1:15": "fneg",
    "1:1:31": "fsqrt",
    "0:0:29": "scvtf",
    "1:0:29": "ucvtf",
    "0:1:27": "fcvtzs",
    "1:1:27": "fcvtzu",
  };
  const name = floats[`${u}:${a}:${opcode}`];
  if (name === undefined) return undefined;
  return result(name, [
    floatArrangement(rd, sz, q),
    floatArrangement(rn, sz, q),
  ]);
}

function acrossLanes(
  word: number,
  q: number,
  u: number,
  size: number,
  rd: number,
  rn: number,
): Decoded | undefined {
  const opcode = field(word, 12, 5);
  if (!u && opcode === 0x1b) {
    const scalar = ["b", "h", "s", "d"][size];
    return result("addv", [`${scalar}${rd}`, arrangement(rn, size, q)]);
  }
  if (u && opcode === 0x0f) {
    const name = size >> 1 ? "fminv" : "fmaxv";
    return result(name, [`s${rd}`, floatArrangement(rn, size & 1, q)]);
  }
  return undefined;
}

/** The element size of `imm5` (0 b, 1 h, 2 s, 3 d) and the index. */
function element(imm5: number): [size: number, index: number] | undefined {
  const size = 31 - Math.clz32(imm5 & -imm5);
  if (size > 3) return undefined;
  return [size, imm5 >> (size + 1)];
}

const LETTERS = ["b", "h", "s", "d"];

function copy(
  word: number,
  q: number,
  op: number,
  rd: number,
  rn: number,
): Decoded | undefined {
  const imm5 = field(word, 16, 5);
  const imm4 = field(word, 11, 4);
  const decoded = element(imm5);
  if (decoded === undefined) return undefined;
  const [size, index] = decoded;
  const letter = LETTERS[size];
  if (op) {
    // ins (element): mov v0.s[1], v1.s[0]
    const from = imm4 >> size;
    return result("mov", [
      `v${rd}.${letter}[${index}]`,
      `v${rn}.${letter}[${from}]`,
    ]);
  }
  switch (imm4) {
    case 0:
      return result("dup", [
        arrangement(rd, size, q),
        `v${rn}.${letter}[${index}]`,
      ]);
    case 1:
      return result("dup", [arrangement(rd, size, q), gpr(rn, size === 3)]);
    case 3:
      return result("mov", [`v${rd}.${letter}[${index}]`, gpr(rn, size === 3)]);
    case 5:
      return result("smov", [gpr(rd, q === 1), `v${rn}.${letter}[${index}]`]);
    case 7: {
      const alias = size >= 2;
      return result(alias ? "mov" : "umov", [
        gpr(rd, q === 1),
        `v${rn}.${letter}[${index}]`,
      ]);
    }
  }
  return undefined;
}

function shiftOrImmediate(word: number): Decoded | undefined {
  const q = field(word, 30, 1);
  const u = (word >>> 29) & 1;
  const rd = field(word, 0, 5);
  const immh = field(word, 19, 4);
  if (immh === 0) return modifiedImmediate(word, q, u, rd);
  const rn = field(word, 5, 5);
  const size = 31 - Math.clz32(immh);
  const bits = 8 << size;
  const shiftField = field(word, 16, 7);
  const opcode = field(word, 11, 5);
  if (opcode === 0x00) {
    return result(u ? "ushr" : "sshr", [
      arrangement(rd, size, q),
      arrangement(rn, size, q),
      `#${2 * bits - shiftField}`,
    ]);
  }
  if (opcode === 0x0a && !u) {
    return result("shl", [
      arrangement(rd, size, q),
      arrangement(rn, size, q),
      `#${shiftField - bits}`,
    ]);
  }
  if (opcode === 0x14) {
    const shift = shiftField - bits;
    const long = arrangement(rd, size + 1, 1);
    const short = arrangement(rn, size, q);
    if (shift === 0) {
      return result(`${u ? "u" : "s"}xtl${q ? "2" : ""}`, [long, short]);
    }
    return result(`${u ? "u" : "s"}shll${q ? "2" : ""}`, [
      long,
      short,
      `#${shift}`,
    ]);
  }
  return undefined;
}

function modifiedImmediate(
  word: number,
  q: number,
  op: number,
  rd: number,
): Decoded | undefined {
  const cmode = field(word, 12, 4);
  const imm8 = (field(word, 16, 3) << 5) | field(word, 5, 5);
  const hex = (value: number | bigint): string => `#0x${value.toString(16)}`;
  if (cmode === 14 && op) {
    let value = 0n;
    for (let bit = 0; bit < 8; bit++) {
      if ((imm8 >> bit) & 1) value |= 0xffn << BigInt(8 * bit);
    }
    return q
      ? result("movi", [arrangement(rd, 3, 1), hex(value)])
      : result("movi", [`d${rd}`, hex(value)]);
  }
  if (cmode === 14) return result("movi", [arrangement(rd, 0, q), hex(imm8)]);
  if (cmode === 15) return undefined;
  if (cmode >> 1 === 6) {
    // 32-bit, shifting ones in: msl #8 / #16
    return result(op ? "mvni" : "movi", [
      arrangement(rd, 2, q),
      hex(imm8),
      `msl #${cmode & 1 ? 16 : 8}`,
    ]);
  }
  if ((cmode & 1) === 1) return undefined; // orr/bic (immediate): not emitted
  const halves = (cmode & 0b1100) === 0b1000;
  const shift = halves ? 8 * ((cmode >> 1) & 1) : 8 * ((cmode >> 1) & 3);
  const operands = [arrangement(rd, halves ? 1 : 2, q), hex(imm8)];
  if (shift > 0) operands.push(`lsl #${shift}`);
  return result(op ? "mvni" : "movi", operands);
}

/** A register list: `{v0.4s}`, `{v0.4s, v1.4s}`, `{v0.4s-v2.4s}`. */
function registerList(first: number, count: number, suffix: string): string {
  if (count <= 2 || first + count > 32) {
    return `{${
      Array.from({ length: count }, (_, n) => `v${(first + n) % 32}.${suffix}`)
        .join(", ")
    }}`;
  }
  return `{v${first}.${suffix}-v${(first + count - 1) % 32}.${suffix}}`;
}

const SUFFIXES = [["8b", "16b"], ["4h", "8h"], ["2s", "4s"], ["1d", "2d"]];

function loadStore(word: number): Decoded | undefined {
  const rt = field(word, 0, 5);
  const rn = field(word, 5, 5);
  const base = gpr(rn, true, true);
  // ld1/st1 (multiple structures), ld1r.
  if (
    matches(word, 0xbf000000, 0x0c000000) ||
    matches(word, 0xbf000000, 0x0d000000)
  ) {
    const q = field(word, 30, 1);
    const size = field(word, 10, 2);
    const load = (word >>> 22) & 1;
    const post = (word >>> 23) & 1;
    const rm = field(word, 16, 5);
    const suffix = SUFFIXES[size][q];
    const replicate = (word >>> 24) & 1;
    let name: string;
    let count: number;
    if (replicate) {
      if (!load || field(word, 13, 3) !== 6 || (word >>> 21) & 1) {
        return undefined;
      }
      name = "ld1r";
      count = 1;
    } else {
      const counts: Record<number, number> = { 7: 1, 10: 2, 6: 3, 2: 4 };
      const found = counts[field(word, 12, 4)];
      if (found === undefined) return undefined;
      name = load ? "ld1" : "st1";
      count = found;
    }
    const operands = [registerList(rt, count, suffix), `[${base}]`];
    if (post) {
      const bytes = replicate ? 1 << size : count * (q ? 16 : 8);
      operands.push(rm === 31 ? `#${bytes}` : gpr(rm, true));
    }
    return result(name, operands);
  }
  // Load/store pair of SIMD registers.
  if (matches(word, 0x3a000000, 0x28000000) && (word >>> 26) & 1) {
    const opc = word >>> 30;
    const mode = field(word, 23, 2);
    if (opc === 3 || mode === 0) return undefined;
    const letter = ["s", "d", "q"][opc];
    const scale = 4 << opc;
    const offset = signExtend(field(word, 15, 7), 7) * scale;
    const name = (word >>> 22) & 1 ? "ldp" : "stp";
    const registers = [`${letter}${rt}`, `${letter}${field(word, 10, 5)}`];
    if (mode === 1) {
      return result(name, [...registers, `[${base}]`, `#${offset}`]);
    }
    if (mode === 3) {
      return result(name, [...registers, `[${base}, #${offset}]!`]);
    }
    return result(name, [
      ...registers,
      offset === 0 ? `[${base}]` : `[${base}, #${offset}]`,
    ]);
  }
  if (
    !matches(word, 0x3f000000, 0x3d000000) &&
    !matches(word, 0x3f000000, 0x3c000000)
  ) {
    return undefined;
  }
  const size = word >>> 30;
  const opc = field(word, 22, 2);
  const wide = opc >> 1;
  if (wide && size !== 0) return undefined;
  const scale = wide ? 4 : size;
  const letter = wide ? "q" : LETTERS[size];
  const name = opc & 1 ? "ldr" : "str";
  const target = `${letter}${rt}`;
  if (matches(word, 0x3f000000, 0x3d000000)) {
    const offset = field(word, 10, 12) << scale;
    return result(name, [
      target,
      offset === 0 ? `[${base}]` : `[${base}, #${offset}]`,
    ]);
  }
  if ((word >>> 21) & 1) {
    if (field(word, 10, 2) !== 2) return undefined;
    const option = field(word, 13, 3);
    const shifted = (word >>> 12) & 1;
    const index = gpr(field(word, 16, 5), (option & 1) === 1);
    const extends_ = ["", "", "uxtw", "lsl", "", "", "sxtw", "sxtx"];
    let extend = extends_[option];
    if (option === 3 && !shifted) extend = "";
    const amount = shifted ? ` #${scale}` : "";
    const suffix = extend === "" ? "" : `, ${extend}${amount}`;
    return result(name, [target, `[${base}, ${index}${suffix}]`]);
  }
  const offset = signExtend(field(word, 12, 9), 9);
  switch (field(word, 10, 2)) {
    case 0:
      return result(opc & 1 ? "ldur" : "stur", [
        target,
        offset === 0 ? `[${base}]` : `[${base}, #${offset}]`,
      ]);
    case 1:
      return result(name, [target, `[${base}]`, `#${offset}`]);
    case 3:
      return result(name, [target, `[${base}, #${offset}]!`]);
  }
  return undefined;
}
