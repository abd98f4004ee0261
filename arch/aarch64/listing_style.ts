/**
 * How AArch64 code reads back in a listing: GNU objdump's layout
 * (`aarch64-linux-gnu-objdump -d`), one 32-bit word per instruction.
 *
 * @module
 */

import type { ListingStyle } from "../listing.ts";
import { decodeA64 } from "./disassembler.ts";
import { decodeA64Simd } from "./simd_disassembler.ts";

/** The AArch64 listing layout. */
export const A64_LISTING: ListingStyle = {
  decode: (code, at) => decodeA64(code, at, decodeA64Simd),
  bytes(code, at, length): string {
    if (length !== 4) {
      return [...code.subarray(at, at + length)].map((byte) =>
        byte.toString(16).padStart(2, "0")
      ).join(" ");
    }
    const word = new DataView(code.buffer, code.byteOffset + at, 4)
      .getUint32(0, true);
    return `${word.toString(16).padStart(8, "0")} `;
  },
  text: (mnemonic, operands) =>
    operands.length === 0 ? mnemonic : `${mnemonic}\t${operands.join(", ")}`,
};
