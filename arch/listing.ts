/**
 * Assembler listings in GNU objdump's layout: a header for each named
 * label, then one line per instruction with its offset, its bytes and its
 * text. Both CPUs share this; each brings a decoder of its own
 * instructions.
 *
 * @module
 */

/** One instruction read back by a CPU's decoder. */
export interface Decoded {
  /** Its length in bytes. */
  length: number;
  /** The mnemonic. */
  mnemonic: string;
  /** The operands, as objdump prints them. */
  operands: string[];
  /** For branches: the target's offset (an operand of its own). */
  target?: number;
  /** For PC-relative memory: the address, shown as a comment (x86-64). */
  ripTarget?: number;
  /** What objdump prints after the operands (AArch64's comments). */
  comment?: string;
}

/** How a CPU's objdump lays a line out. */
export interface ListingStyle {
  /** Decodes the instruction at `at`, or `undefined` for unknown bytes. */
  decode(code: Uint8Array, at: number): Decoded | undefined;
  /** The bytes column: space-separated bytes (x86-64) or words (AArch64). */
  bytes(code: Uint8Array, at: number, length: number): string;
  /** Joins mnemonic and operands. */
  text(mnemonic: string, operands: string[]): string;
}

/** A named place in the code. */
export interface NamedOffset {
  name: string;
  offset: number;
}

/**
 * Where `target` lies, as objdump prints it: `18 <loop>` or
 * `1c <loop+0x4>` after a named label, `0x18` where none precedes.
 *
 * @param target The offset.
 * @param labels The named labels, by offset (ascending).
 * @returns The text.
 */
export function addressText(
  target: number,
  labels: readonly NamedOffset[],
): string {
  let nearest: NamedOffset | undefined;
  for (const label of labels) {
    if (label.offset <= target) nearest = label;
  }
  const hex = BigInt.asUintN(64, BigInt(target)).toString(16);
  if (nearest === undefined) return `0x${hex}`;
  const delta = target - nearest.offset;
  return `${hex} <${nearest.name}${
    delta > 0 ? `+0x${delta.toString(16)}` : ""
  }>`;
}

/**
 * Lists a program.
 *
 * @param code The laid-out code.
 * @param starts Where each instruction (or data run) starts.
 * @param named The named labels.
 * @param style The CPU's decoder and layout.
 * @returns The listing, one line per instruction.
 */
export function formatListing(
  code: Uint8Array,
  starts: readonly number[],
  named: readonly NamedOffset[],
  style: ListingStyle,
): string {
  const labels = [...named].sort((a, b) => a.offset - b.offset);
  const lines: string[] = [];
  let next = 0;
  for (let index = 0; index < starts.length; index++) {
    const start = starts[index];
    const end = index + 1 < starts.length ? starts[index + 1] : code.length;
    while (next < labels.length && labels[next].offset <= start) {
      const label = labels[next++];
      if (lines.length > 0) lines.push("");
      lines.push(
        `${label.offset.toString(16).padStart(16, "0")} <${label.name}>:`,
      );
    }
    const decoded = style.decode(code, start);
    const offset = `${start.toString(16).padStart(4)}:`;
    if (decoded === undefined || decoded.length !== end - start) {
      // Data (data(), space()) or bytes the decoder does not know.
      const bytes = [...code.subarray(start, end)].map((byte) =>
        `0x${byte.toString(16).padStart(2, "0")}`
      );
      lines.push(
        `${offset}\t${style.bytes(code, start, end - start)}\t.byte ${
          bytes.join(",")
        }`,
      );
      continue;
    }
    const operands = [...decoded.operands];
    if (decoded.target !== undefined) {
      operands.push(addressText(decoded.target, labels));
    }
    let text = style.text(decoded.mnemonic, operands);
    if (decoded.ripTarget !== undefined) {
      text += `        # ${addressText(decoded.ripTarget, labels)}`;
    }
    if (decoded.comment !== undefined) text += decoded.comment;
    lines.push(
      `${offset}\t${style.bytes(code, start, decoded.length)}\t${text}`,
    );
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
