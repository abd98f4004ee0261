/**
 * AArch64 loads and stores: `ldr`/`str`/`ldrb`/`strb` in every addressing
 * mode, and the pair forms `ldp`/`stp`.
 *
 * @module
 */

import {
  type CodeEmitter,
  describeOperand,
  invalidOperand,
} from "../assembler.ts";
import { registerCode, sameSize2, ZR } from "./encoding.ts";
import { A64Memory } from "./operands.ts";
import type { A64Register } from "./registers.ts";
import { A64ScalarRegister } from "./vector_registers.ts";

/** log2 of a SIMD&FP register's size in bytes: b 0 ... q 4. */
function scalarSize(r: A64ScalarRegister): number {
  return r.bits === 8
    ? 0
    : r.bits === 16
    ? 1
    : r.bits === 32
    ? 2
    : r.bits === 64
    ? 3
    : 4;
}

/**
 * One register loaded or stored: `[base, #imm]` (scaled, or GNU as's
 * unscaled form for what the scaled one cannot hold), `[base, index, lsl
 * #s]`, pre- and post-index. The register is general (w, x) or SIMD&FP
 * (b, h, s, d, q).
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param load Whether it loads.
 * @param byteAccess Whether it accesses one byte (`ldrb`/`strb`).
 * @param rt The register.
 * @param address The memory operand.
 * @param unscaled Whether only the unscaled offset form may be used
 *   (`ldur`/`stur`).
 */
export function loadStore(
  e: CodeEmitter,
  m: string,
  load: boolean,
  byteAccess: boolean,
  rt: unknown,
  address: unknown,
  unscaled = false,
): void {
  // log2 of the access size, and the fixed bits: size, V and opc.
  let size: number;
  let top: number;
  let t: number;
  if (rt instanceof A64ScalarRegister && !byteAccess) {
    t = rt.code;
    size = scalarSize(rt);
    top = ((size & 3) << 30) | 0x04000000 | (size === 4 ? 0x800000 : 0) |
      (load ? 0x400000 : 0);
  } else {
    t = registerCode(m, rt, ZR);
    const bits = (rt as A64Register).bits;
    if (byteAccess && bits !== 32) {
      throw invalidOperand(m, "the register must be a w register");
    }
    size = byteAccess ? 0 : bits === 64 ? 3 : 2;
    top = (size << 30) | (load ? 0x400000 : 0);
  }
  if (!(address instanceof A64Memory)) {
    throw invalidOperand(
      m,
      "expected a memory operand from mem(), pre() or post()",
    );
  }
  if (unscaled && address.mode !== "offset") {
    throw invalidOperand(m, "takes mem(base, offset) only");
  }
  const bytes = 1 << size;
  const n = address.base.code;
  const offset = address.offset;
  switch (address.mode) {
    case "offset": {
      if (
        !unscaled && offset >= 0 && offset % bytes === 0 &&
        offset / bytes <= 0xfff
      ) {
        e.word(top | 0x39000000 | ((offset / bytes) << 10) | (n << 5) | t);
        return;
      }
      if (offset >= -256 && offset <= 255) {
        // GNU as's unscaled form (LDUR/STUR) for what the scaled one
        // cannot hold.
        e.word(top | 0x38000000 | ((offset & 0x1ff) << 12) | (n << 5) | t);
        return;
      }
      throw invalidOperand(
        m,
        unscaled
          ? `offset ${offset} is not -256..255`
          : `offset ${offset} is neither a multiple of ${bytes} in 0..${
            0xfff * bytes
          } nor in -256..255`,
      );
    }
    case "pre":
    case "post": {
      if (!(offset >= -256 && offset <= 255)) {
        throw invalidOperand(m, `offset ${offset} is not -256..255`);
      }
      const mode = address.mode === "pre" ? 0xc00 : 0x400;
      e.word(
        top | 0x38000000 | ((offset & 0x1ff) << 12) | mode | (n << 5) | t,
      );
      return;
    }
    case "register": {
      const shift = address.shift;
      if (shift !== 0 && shift !== size) {
        throw invalidOperand(
          m,
          `index shift must be 0 or ${size}, not ${shift}`,
        );
      }
      const r = address.index!.code;
      e.word(
        top | 0x38206800 | (r << 16) | (shift !== 0 ? 0x1000 : 0) | (n << 5) |
          t,
      );
      return;
    }
  }
  throw invalidOperand(
    m,
    "expected a memory operand from mem(), pre() or post()",
  );
}

/**
 * `ldp`/`stp`: two registers of one size (general, or SIMD&FP s, d, q),
 * at a scaled 7-bit offset, with or without pre- or post-index.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param load Whether it loads.
 * @param rt1 The first register.
 * @param rt2 The second register.
 * @param address `mem(base, imm)`, `pre()` or `post()`.
 */
export function pair(
  e: CodeEmitter,
  m: string,
  load: boolean,
  rt1: unknown,
  rt2: unknown,
  address: unknown,
): void {
  let opc: number;
  let scale: number;
  let t1: number;
  let t2: number;
  if (rt1 instanceof A64ScalarRegister) {
    if (
      !(rt2 instanceof A64ScalarRegister) || rt2.bits !== rt1.bits ||
      rt1.bits < 32
    ) {
      throw invalidOperand(
        m,
        `expected two s, d or q registers of one size, got ${rt1}, ${
          describeOperand(rt2)
        }`,
      );
    }
    const size = scalarSize(rt1);
    opc = ((size - 2) << 30) | 0x04000000;
    scale = 1 << size;
    t1 = rt1.code;
    t2 = rt2.code;
  } else {
    const bits = sameSize2(m, rt1, rt2);
    t1 = registerCode(m, rt1, ZR);
    t2 = registerCode(m, rt2, ZR);
    opc = bits === 64 ? 0x80000000 : 0;
    scale = bits === 64 ? 8 : 4;
  }
  if (!(address instanceof A64Memory) || address.mode === "register") {
    throw invalidOperand(m, "expected mem(base, imm), pre() or post()");
  }
  const offset = address.offset;
  if (
    offset % scale !== 0 || !(offset / scale >= -64 && offset / scale <= 63)
  ) {
    throw invalidOperand(
      m,
      `offset ${offset} is not a multiple of ${scale} in ${-64 * scale}..${
        63 * scale
      }`,
    );
  }
  const mode = address.mode === "post" ? 1 : address.mode === "offset" ? 2 : 3;
  e.word(
    opc | 0x28000000 | (mode << 23) |
      (load ? 0x400000 : 0) | (((offset / scale) & 0x7f) << 15) | (t2 << 10) |
      (address.base.code << 5) | t1,
  );
}
