/**
 * How x86-64 code reads back in a listing: GNU objdump's Intel-syntax
 * layout (`objdump -d -M intel`).
 *
 * @module
 */

import type { ListingStyle } from "../listing.ts";
import { decodeX86 } from "./disassembler.ts";
import { decodeX86Simd } from "./simd_disassembler.ts";

/** The x86-64 listing layout. */
export const X86_LISTING: ListingStyle = {
  decode: (code, at) => decodeX86(code, at, decodeX86Simd),
  bytes(code, at, length): string {
    const hex = [...code.subarray(at, at + length)].map((byte) =>
      byte.toString(16).padStart(2, "0")
    );
    // objdump leaves room for 7 bytes; longer instructions widen it.
    return `${hex.join(" ")} `.padEnd(21);
  },
  text: (mnemonic, operands) =>
    operands.length === 0
      ? mnemonic
      : `${mnemonic.padEnd(6)} ${operands.join(",")}`,
};
