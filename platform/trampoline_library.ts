/**
 * The code of a trampoline library: a shared object whose exported
 * functions `t0`, `t1`, ... each jump through one 8-byte slot of a
 * read-only table, plus `jit_base()`, which returns the library's load
 * address, and `jit_trap`, where unused slots point.
 *
 * x86-64 trampoline: `jmp qword [rip + slot]`. AArch64: `ldr x16, slot;
 * br x16` (x16 is the intra-procedure-call scratch register, free to
 * clobber between a call and its target).
 *
 * @module
 */

import { type ElfSymbol, writeSharedObject } from "./elf.ts";
import type { Architecture } from "./types.ts";

/** A built library and the addresses (relative to its base) inside it. */
export interface TrampolineLibraryImage {
  /** The shared object's bytes. */
  image: Uint8Array;
  /** Names of the trampolines, slot `i` belonging to `names[i]`. */
  names: string[];
  /** Where the slot table starts, relative to the load base. */
  slotTableOffset: number;
  /** Where the trap code is, relative to the load base. */
  trapOffset: number;
}

/** Name of the exported function that returns the load base. */
export const BASE_SYMBOL = "jit_base";
/** Name of the exported trap. */
export const TRAP_SYMBOL = "jit_trap";

const STUB_SIZE = 16;
const TRAMPOLINE_SIZE = 8;
const SLOT_SIZE = 8;

/**
 * Builds a trampoline library with `count` trampolines.
 *
 * @param arch The CPU the code is for.
 * @param count How many trampolines (and slots).
 * @param pageSize The target's page size.
 * @returns The image and its layout.
 */
export function buildTrampolineLibrary(
  arch: Architecture,
  count: number,
  pageSize: number,
): TrampolineLibraryImage {
  const names = Array.from({ length: count }, (_, index) => `t${index}`);
  const symbols: ElfSymbol[] = [
    { name: BASE_SYMBOL, offset: 0, size: STUB_SIZE },
    { name: TRAP_SYMBOL, offset: STUB_SIZE, size: STUB_SIZE },
    ...names.map((name, index) => ({
      name,
      offset: 2 * STUB_SIZE + index * TRAMPOLINE_SIZE,
      size: TRAMPOLINE_SIZE,
    })),
  ];
  const encode = arch === "x86_64" ? x86Text : aarch64Text;
  const library = writeSharedObject({
    arch,
    pageSize,
    soname: "jit-memory-trampolines.so",
    textSize: 2 * STUB_SIZE + count * TRAMPOLINE_SIZE,
    dataSize: count * SLOT_SIZE,
    symbols,
    emitText: ({ textAddress, dataAddress }) =>
      encode(textAddress, dataAddress, count),
  });
  return {
    image: library.image,
    names,
    slotTableOffset: library.dataAddress,
    trapOffset: library.textAddress + STUB_SIZE,
  };
}

function x86Text(
  textAddress: number,
  slotsAddress: number,
  count: number,
): Uint8Array {
  const text = new Uint8Array(2 * STUB_SIZE + count * TRAMPOLINE_SIZE).fill(
    0xcc, // int3: padding that traps
  );
  const view = new DataView(text.buffer);
  // jit_base: lea rax, [rip - (textAddress + 7)]; ret
  text.set([0x48, 0x8d, 0x05], 0);
  view.setInt32(3, -(textAddress + 7), true);
  text[7] = 0xc3;
  // jit_trap: ud2
  text.set([0x0f, 0x0b], STUB_SIZE);
  for (let index = 0; index < count; index++) {
    const at = 2 * STUB_SIZE + index * TRAMPOLINE_SIZE;
    const next = textAddress + at + 6;
    // jmp qword [rip + disp32]
    text.set([0xff, 0x25], at);
    view.setInt32(at + 2, slotsAddress + index * SLOT_SIZE - next, true);
  }
  return text;
}

function aarch64Text(
  textAddress: number,
  slotsAddress: number,
  count: number,
): Uint8Array {
  const words = new Uint32Array((2 * STUB_SIZE + count * TRAMPOLINE_SIZE) / 4)
    .fill(0xd4200000); // brk #0: padding that traps
  // jit_base: adr x0, -textAddress; ret
  words[0] = adr(0, -textAddress);
  words[1] = 0xd65f03c0;
  // jit_trap: brk #0 (already there)
  for (let index = 0; index < count; index++) {
    const at = 2 * STUB_SIZE + index * TRAMPOLINE_SIZE;
    const distance = slotsAddress + index * SLOT_SIZE - (textAddress + at);
    words[at / 4] = ldrLiteralX(16, distance);
    words[at / 4 + 1] = 0xd61f0200; // br x16
  }
  return new Uint8Array(words.buffer);
}

/** `adr xd, #offset` (offset within ±1 MiB). */
function adr(register: number, offset: number): number {
  if (offset < -(1 << 20) || offset >= 1 << 20) {
    throw new RangeError(`adr offset ${offset} out of range`);
  }
  const imm = offset & 0x1fffff;
  return (0x10000000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | register) >>> 0;
}

/** `ldr xt, #offset` (PC-relative literal, offset a multiple of 4 within ±1 MiB). */
function ldrLiteralX(register: number, offset: number): number {
  if (offset % 4 !== 0 || offset < -(1 << 20) || offset >= 1 << 20) {
    throw new RangeError(`ldr literal offset ${offset} out of range`);
  }
  return (0x58000000 | (((offset >> 2) & 0x7ffff) << 5) | register) >>> 0;
}
