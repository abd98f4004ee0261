/**
 * AArch64 loads and stores: `ldr`/`str`/`ldrb`/`strb` in every addressing
 * mode, and the pair forms `ldp`/`stp`.
 *
 * @module
 */

import { type CodeEmitter, invalidOperand } from "../assembler.ts";
import { registerCode, sameSize2, ZR } from "./encoding.ts";
import { A64Memory } from "./operands.ts";
import type { A64Register } from "./registers.ts";

/**
 * One register loaded or stored: `[base, #imm]` (scaled, or GNU as's
 * unscaled form for what the scaled one cannot hold), `[base, index, lsl
 * #s]`, pre- and post-index.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param load Whether it loads.
 * @param byteAccess Whether it accesses one byte (`ldrb`/`strb`).
 * @param rt The register.
 * @param address The memory operand.
 */
export function loadStore(
  e: CodeEmitter,
  m: string,
  load: boolean,
  byteAccess: boolean,
  rt: unknown,
  address: unknown,
): void {
  const t = registerCode(m, rt, ZR);
  const bits = (rt as A64Register).bits;
  if (byteAccess && bits !== 32) {
    throw invalidOperand(m, "the register must be a w register");
  }
  if (!(address instanceof A64Memory)) {
    throw invalidOperand(
      m,
      "expected a memory operand from mem(), pre() or post()",
    );
  }
  // log2 of the access size, and the size.
  const size = byteAccess ? 0 : bits === 64 ? 3 : 2;
  const bytes = 1 << size;
  const n = address.base.code;
  const top = (size << 30) | (load ? 0x400000 : 0);
  const offset = address.offset;
  switch (address.mode) {
    case "offset": {
      if (offset >= 0 && offset % bytes === 0 && offset / bytes <= 0xfff) {
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
        `offset ${offset} is neither a multiple of ${bytes} in 0..${
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
 * `ldp`/`stp`: two registers of one size, at a scaled 7-bit offset, with
 * or without pre- or post-index.
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
  const bits = sameSize2(m, rt1, rt2);
  const t1 = registerCode(m, rt1, ZR);
  const t2 = registerCode(m, rt2, ZR);
  if (!(address instanceof A64Memory) || address.mode === "register") {
    throw invalidOperand(m, "expected mem(base, imm), pre() or post()");
  }
  const scale = bits === 64 ? 8 : 4;
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
    (bits === 64 ? 0x80000000 : 0) | 0x28000000 | (mode << 23) |
      (load ? 0x400000 : 0) | (((offset / scale) & 0x7f) << 15) | (t2 << 10) |
      (address.base.code << 5) | t1,
  );
}
