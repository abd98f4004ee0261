/**
 * The code of a trampoline library, whatever its file format: exported
 * functions `t0`, `t1`, ... each jump through one 8-byte slot of a
 * read-only table; `jit_base()` returns the library's load address, and
 * `jit_trap` is where unused slots point. Written out as an ELF shared
 * object (Linux, elf.ts) or a PE DLL (Windows, pe.ts).
 *
 * x86-64 trampoline: `jmp qword [rip + slot]`. AArch64: `ldr x16, slot;
 * br x16` (x16 is the intra-procedure-call scratch register, free to
 * clobber between a call and its target). All addressing is relative to
 * the instruction, so the code runs unchanged at any load address.
 *
 * A DLL additionally exports `jit_claim()`: Windows maps a DLL once per
 * process however often it is opened, so the same file opened by two
 * workers would be one slot table; the loader takes a copy only if its
 * `jit_claim()` returns 0, the first call in the process (an atomic
 * compare-and-swap on a word of its own).
 *
 * @module
 */

import { writeSharedObject } from "./elf.ts";
import { writeDll } from "./pe.ts";
import type { Architecture } from "./types.ts";

/** A built library and the addresses (relative to its base) inside it. */
export interface TrampolineLibraryImage {
  /** The shared object's or DLL's bytes. */
  image: Uint8Array;
  /** Names of the trampolines, slot `i` belonging to `names[i]`. */
  names: string[];
  /** Where the slot table starts, relative to the load base. */
  slotTableOffset: number;
  /** Where the trap code is, relative to the load base. */
  trapOffset: number;
  /** Where the first trampoline is, relative to the load base. */
  trampolineOffset: number;
  /** The bytes of each trampoline (the next follows right after). */
  trampolineSize: number;
}

/** The file formats a library can be written in. */
export type TrampolineFormat = "elf" | "pe";

/** An exported function of the code: where it starts and how long it is. */
export interface TrampolineSymbol {
  /** The exported name. */
  name: string;
  /** Offset from the start of the code. */
  offset: number;
  /** Size in bytes. */
  size: number;
}

/** Where the code's data lands, relative to the load base. */
export interface TrampolineAddresses {
  /** The first code byte. */
  text: number;
  /** The slot table. */
  slots: number;
  /** The claim word (only for code built with a claim). */
  claim?: number;
}

/** The code of a library with its symbols, before a format places it. */
export interface TrampolineCode {
  /** Names of the trampolines, slot `i` belonging to `names[i]`. */
  names: string[];
  /** Every exported function. */
  symbols: TrampolineSymbol[];
  /** Size of the code. */
  textSize: number;
  /** Size of the slot table. */
  slotTableSize: number;
  /** Bytes of read-write data the claim needs (0 without a claim). */
  claimSize: number;
  /** Offset of the trap from the start of the code. */
  trapOffset: number;
  /** The code's bytes once the addresses are known. */
  emit(addresses: TrampolineAddresses): Uint8Array;
}

/** Name of the exported function that returns the load base. */
export const BASE_SYMBOL = "jit_base";
/** Name of the exported trap. */
export const TRAP_SYMBOL = "jit_trap";
/**
 * Name of the exported function that claims the loaded copy: returns 0 on
 * the first call in a process, 1 on every later one.
 */
export const CLAIM_SYMBOL = "jit_claim";

const STUB_SIZE = 16;
const TRAMPOLINE_SIZE = 8;
const SLOT_SIZE = 8;
const CLAIM_WORD_SIZE = 8;

/**
 * Lays out the code of a library with `count` trampolines: `jit_base`,
 * `jit_trap`, the trampolines, then (with a claim) `jit_claim`.
 *
 * @param arch The CPU the code is for.
 * @param count How many trampolines (and slots).
 * @param claim Whether to add `jit_claim` (x86-64 only).
 * @returns The code and its symbols.
 * @throws {RangeError} For a claim on AArch64, which has no claim code.
 */
export function trampolineCode(
  arch: Architecture,
  count: number,
  claim = false,
): TrampolineCode {
  if (claim && arch !== "x86_64") {
    throw new RangeError(`${CLAIM_SYMBOL} is written for x86_64 only`);
  }
  const names = Array.from({ length: count }, (_, index) => `t${index}`);
  const claimOffset = 2 * STUB_SIZE + count * TRAMPOLINE_SIZE;
  const symbols: TrampolineSymbol[] = [
    { name: BASE_SYMBOL, offset: 0, size: STUB_SIZE },
    { name: TRAP_SYMBOL, offset: STUB_SIZE, size: STUB_SIZE },
    ...names.map((name, index) => ({
      name,
      offset: 2 * STUB_SIZE + index * TRAMPOLINE_SIZE,
      size: TRAMPOLINE_SIZE,
    })),
  ];
  if (claim) {
    symbols.push({ name: CLAIM_SYMBOL, offset: claimOffset, size: STUB_SIZE });
  }
  const textSize = claimOffset + (claim ? STUB_SIZE : 0);
  return {
    names,
    symbols,
    textSize,
    slotTableSize: count * SLOT_SIZE,
    claimSize: claim ? CLAIM_WORD_SIZE : 0,
    trapOffset: STUB_SIZE,
    emit(addresses: TrampolineAddresses): Uint8Array {
      if (arch === "aarch64") {
        return aarch64Text(addresses.text, addresses.slots, count);
      }
      const text = new Uint8Array(textSize).fill(0xcc); // int3: padding that traps
      text.set(x86Text(addresses.text, addresses.slots, count));
      if (claim) {
        if (addresses.claim === undefined) {
          throw new RangeError("the claim word has no address");
        }
        text.set(
          x86Claim(addresses.text + claimOffset, addresses.claim),
          claimOffset,
        );
      }
      return text;
    },
  };
}

/**
 * Builds a trampoline library with `count` trampolines.
 *
 * @param arch The CPU the code is for.
 * @param count How many trampolines (and slots).
 * @param pageSize The target's page size (segment or section alignment).
 * @param format ELF (Linux) or PE (Windows, x86-64, with `jit_claim`).
 * @returns The image and its layout.
 */
export function buildTrampolineLibrary(
  arch: Architecture,
  count: number,
  pageSize: number,
  format: TrampolineFormat = "elf",
): TrampolineLibraryImage {
  if (format === "pe") {
    if (arch !== "x86_64") {
      throw new RangeError(`PE trampolines are written for x86_64 only`);
    }
    const code = trampolineCode(arch, count, true);
    const dll = writeDll({
      arch,
      sectionAlignment: pageSize,
      name: "jit-memory-trampolines.dll",
      textSize: code.textSize,
      dataSize: code.slotTableSize,
      writableSize: code.claimSize,
      exports: code.symbols,
      emitText: (layout) =>
        code.emit({
          text: layout.textAddress,
          slots: layout.dataAddress,
          claim: layout.writableAddress,
        }),
    });
    return {
      image: dll.image,
      names: code.names,
      slotTableOffset: dll.dataAddress,
      trapOffset: dll.textAddress + code.trapOffset,
      trampolineOffset: dll.textAddress + 2 * STUB_SIZE,
      trampolineSize: TRAMPOLINE_SIZE,
    };
  }
  const code = trampolineCode(arch, count);
  const library = writeSharedObject({
    arch,
    pageSize,
    soname: "jit-memory-trampolines.so",
    textSize: code.textSize,
    dataSize: code.slotTableSize,
    symbols: code.symbols,
    emitText: ({ textAddress, dataAddress }) =>
      code.emit({ text: textAddress, slots: dataAddress }),
  });
  return {
    image: library.image,
    names: code.names,
    slotTableOffset: library.dataAddress,
    trapOffset: library.textAddress + code.trapOffset,
    trampolineOffset: library.textAddress + 2 * STUB_SIZE,
    trampolineSize: TRAMPOLINE_SIZE,
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

/**
 * `jit_claim` at `address`: `mov ecx, 1; xor eax, eax; lock cmpxchg
 * [rip + claim], ecx; ret`, so eax is the word's old value, 0 only for
 * the call that set it.
 */
function x86Claim(address: number, claimAddress: number): Uint8Array {
  const code = new Uint8Array(16).fill(0xcc);
  code.set([0xb9, 0x01, 0x00, 0x00, 0x00, 0x31, 0xc0, 0xf0, 0x0f, 0xb1, 0x0d]);
  new DataView(code.buffer).setInt32(11, claimAddress - (address + 15), true);
  code[15] = 0xc3;
  return code;
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
export function adr(register: number, offset: number): number {
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
