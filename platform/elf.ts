/**
 * A writer of minimal ELF64 little-endian shared objects: one read-execute
 * segment of code with exported function symbols, one read-write segment
 * holding `.dynamic`, and one data segment (read-only, or writable), which
 * may export data objects. No relocations, no
 * dependencies: just enough for the dynamic loader (`dlopen`) to map the
 * file and find its symbols through `DT_HASH`, plus section headers so
 * `readelf` and `objdump` can inspect it.
 *
 * Written from the System V ABI's ELF chapters ("Object Files", "Program
 * Loading and Dynamic Linking") and the x86-64/AArch64 psABI machine
 * numbers.
 *
 * @module
 */

import type { Architecture } from "./types.ts";

/** An exported function: where it starts in the code and how long it is. */
export interface ElfSymbol {
  /** The symbol's name, as `dlsym` looks it up. */
  name: string;
  /** Offset from the start of the code. */
  offset: number;
  /** Size in bytes. */
  size: number;
}

/** Where the loader will place the code and the read-only data. */
export interface ElfLayout {
  /** Address (relative to the load base) of the first code byte. */
  textAddress: number;
  /** Address (relative to the load base) of the read-only data. */
  dataAddress: number;
}

/** What to put in the shared object. */
export interface SharedObjectSpec {
  /** The target CPU. */
  arch: Architecture;
  /** Segment alignment: the target's page size (or a multiple of it). */
  pageSize: number;
  /** `DT_SONAME`. */
  soname: string;
  /** Size of the code. */
  textSize: number;
  /** Size of the read-only data segment (zero-filled). */
  dataSize: number;
  /** The exported functions. */
  symbols: readonly ElfSymbol[];
  /** Exported data objects, at offsets in the data segment. */
  dataSymbols?: readonly ElfSymbol[];
  /** The data segment's first bytes (the rest is zero). */
  dataBytes?: Uint8Array;
  /** Whether the data segment is writable (default: read-only). */
  writableData?: boolean;
  /** The data section's name (default `.jit.slots`). */
  dataName?: string;
  /**
   * Produces the code once the layout is known, so that it can address the
   * data segment PC-relatively.
   */
  emitText(layout: ElfLayout): Uint8Array;
}

/** The image and where its parts landed. */
export interface SharedObject extends ElfLayout {
  /** The file's bytes. */
  image: Uint8Array;
}

const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const ET_DYN = 3;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_GNU_STACK = 0x6474e551;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;
const SHT_HASH = 5;
const SHT_DYNAMIC = 6;
const SHT_DYNSYM = 11;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const DT_NULL = 0;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_SONAME = 14;
const STB_GLOBAL = 1;
const STT_OBJECT = 1;
const STT_FUNC = 2;

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const DYN_SIZE = 16;
const PROGRAM_HEADERS = 5;

/** Section indices, in the order the section headers are written. */
const SECTION = {
  hash: 1,
  dynsym: 2,
  dynstr: 3,
  text: 4,
  dynamic: 5,
  data: 6,
  shstrtab: 7,
} as const;
const SECTION_NAMES = [
  "",
  ".hash",
  ".dynsym",
  ".dynstr",
  ".text",
  ".dynamic",
  ".jit.slots", // the data section, unless named otherwise
  ".shstrtab",
];

/**
 * The System V ABI's symbol hash, used by `DT_HASH`.
 *
 * @param name A symbol name (ASCII).
 * @returns Its hash.
 */
export function elfHash(name: string): number {
  let h = 0;
  for (let index = 0; index < name.length; index++) {
    h = ((h << 4) + name.charCodeAt(index)) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

/**
 * Builds a shared object; file offsets equal addresses, segments start on
 * `pageSize` boundaries.
 *
 * @param spec What to put in it.
 * @returns The image and its layout.
 */
export function writeSharedObject(spec: SharedObjectSpec): SharedObject {
  const strings = new StringTable();
  const sonameIndex = strings.add(spec.soname);
  const exported = [
    ...spec.symbols.map((symbol) => ({ ...symbol, data: false })),
    ...(spec.dataSymbols ?? []).map((symbol) => ({ ...symbol, data: true })),
  ];
  const symbolNames = exported.map((symbol) => strings.add(symbol.name));
  const dynstr = strings.bytes();
  const dataFlags = spec.writableData ? SHF_ALLOC | SHF_WRITE : SHF_ALLOC;
  const sectionNames = SECTION_NAMES.map((name, index) =>
    index === SECTION.data ? spec.dataName ?? name : name
  );

  const symbolCount = exported.length + 1; // index 0 is the null symbol
  const bucketCount = Math.max(1, Math.ceil(exported.length / 2));

  // Segment 1, read-execute: headers, .hash, .dynsym, .dynstr, .text.
  const hashOffset = align(EHDR_SIZE + PROGRAM_HEADERS * PHDR_SIZE, 8);
  const hashSize = 4 * (2 + bucketCount + symbolCount);
  const dynsymOffset = align(hashOffset + hashSize, 8);
  const dynstrOffset = dynsymOffset + symbolCount * SYM_SIZE;
  const textOffset = align(dynstrOffset + dynstr.length, 16);
  const segment1End = textOffset + spec.textSize;
  // Segment 2, read-write: .dynamic (the loader may adjust it in place).
  const dynamicOffset = align(segment1End, spec.pageSize);
  const dynamicEntries: [number, number][] = [
    [DT_HASH, hashOffset],
    [DT_STRTAB, dynstrOffset],
    [DT_SYMTAB, dynsymOffset],
    [DT_STRSZ, dynstr.length],
    [DT_SYMENT, SYM_SIZE],
    [DT_SONAME, sonameIndex],
    [DT_NULL, 0],
  ];
  const dynamicSize = dynamicEntries.length * DYN_SIZE;
  // Segment 3, read-only data.
  const dataOffset = align(dynamicOffset + dynamicSize, spec.pageSize);
  const shstrtab = new StringTable();
  const sectionNameIndices = sectionNames.map((name) => shstrtab.add(name));
  const shstrtabBytes = shstrtab.bytes();
  const shstrtabOffset = dataOffset + spec.dataSize;
  const sectionHeadersOffset = align(
    shstrtabOffset + shstrtabBytes.length,
    8,
  );
  const fileSize = sectionHeadersOffset + SECTION_NAMES.length * SHDR_SIZE;

  const image = new Uint8Array(fileSize);
  const out = new DataView(image.buffer);

  // ELF header.
  image.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELFCLASS64, LSB, v1, SYSV
  out.setUint16(16, ET_DYN, true);
  out.setUint16(18, spec.arch === "x86_64" ? EM_X86_64 : EM_AARCH64, true);
  out.setUint32(20, 1, true); // EV_CURRENT
  out.setBigUint64(24, 0n, true); // e_entry
  out.setBigUint64(32, BigInt(EHDR_SIZE), true); // e_phoff
  out.setBigUint64(40, BigInt(sectionHeadersOffset), true); // e_shoff
  out.setUint32(48, 0, true); // e_flags
  out.setUint16(52, EHDR_SIZE, true);
  out.setUint16(54, PHDR_SIZE, true);
  out.setUint16(56, PROGRAM_HEADERS, true);
  out.setUint16(58, SHDR_SIZE, true);
  out.setUint16(60, SECTION_NAMES.length, true);
  out.setUint16(62, SECTION.shstrtab, true);

  // Program headers.
  const programHeader = (
    index: number,
    type: number,
    flags: number,
    offset: number,
    size: number,
    alignment: number,
  ): void => {
    const at = EHDR_SIZE + index * PHDR_SIZE;
    out.setUint32(at, type, true);
    out.setUint32(at + 4, flags, true);
    out.setBigUint64(at + 8, BigInt(offset), true);
    out.setBigUint64(at + 16, BigInt(offset), true); // p_vaddr
    out.setBigUint64(at + 24, BigInt(offset), true); // p_paddr
    out.setBigUint64(at + 32, BigInt(size), true); // p_filesz
    out.setBigUint64(at + 40, BigInt(size), true); // p_memsz
    out.setBigUint64(at + 48, BigInt(alignment), true);
  };
  programHeader(0, PT_LOAD, PF_R | PF_X, 0, segment1End, spec.pageSize);
  programHeader(
    1,
    PT_LOAD,
    PF_R | PF_W,
    dynamicOffset,
    dynamicSize,
    spec.pageSize,
  );
  programHeader(
    2,
    PT_LOAD,
    spec.writableData ? PF_R | PF_W : PF_R,
    dataOffset,
    spec.dataSize,
    spec.pageSize,
  );
  programHeader(3, PT_DYNAMIC, PF_R | PF_W, dynamicOffset, dynamicSize, 8);
  // A non-executable stack: without this header the loader would try to
  // make the process's stacks executable.
  programHeader(4, PT_GNU_STACK, PF_R | PF_W, 0, 0, 16);

  // .hash: nbucket, nchain, buckets, chains.
  const buckets = new Uint32Array(bucketCount);
  const chains = new Uint32Array(symbolCount);
  exported.forEach((symbol, index) => {
    const symbolIndex = index + 1;
    const bucket = elfHash(symbol.name) % bucketCount;
    chains[symbolIndex] = buckets[bucket];
    buckets[bucket] = symbolIndex;
  });
  out.setUint32(hashOffset, bucketCount, true);
  out.setUint32(hashOffset + 4, symbolCount, true);
  buckets.forEach((value, index) =>
    out.setUint32(hashOffset + 8 + 4 * index, value, true)
  );
  chains.forEach((value, index) =>
    out.setUint32(hashOffset + 8 + 4 * (bucketCount + index), value, true)
  );

  // .dynsym (entry 0 stays zero: the null symbol).
  exported.forEach((symbol, index) => {
    const at = dynsymOffset + (index + 1) * SYM_SIZE;
    out.setUint32(at, symbolNames[index], true);
    image[at + 4] = (STB_GLOBAL << 4) | (symbol.data ? STT_OBJECT : STT_FUNC);
    image[at + 5] = 0; // STV_DEFAULT
    out.setUint16(at + 6, symbol.data ? SECTION.data : SECTION.text, true);
    const base = symbol.data ? dataOffset : textOffset;
    out.setBigUint64(at + 8, BigInt(base + symbol.offset), true);
    out.setBigUint64(at + 16, BigInt(symbol.size), true);
  });
  if (spec.dataBytes !== undefined) image.set(spec.dataBytes, dataOffset);
  image.set(dynstr, dynstrOffset);

  const text = spec.emitText({
    textAddress: textOffset,
    dataAddress: dataOffset,
  });
  if (text.length !== spec.textSize) {
    throw new RangeError(
      `emitText produced ${text.length} bytes, not ${spec.textSize}`,
    );
  }
  image.set(text, textOffset);

  dynamicEntries.forEach(([tag, value], index) => {
    const at = dynamicOffset + index * DYN_SIZE;
    out.setBigInt64(at, BigInt(tag), true);
    out.setBigUint64(at + 8, BigInt(value), true);
  });

  image.set(shstrtabBytes, shstrtabOffset);

  // Section headers, for readelf and objdump (the loader ignores them).
  const sectionHeader = (
    index: number,
    type: number,
    flags: number,
    offset: number,
    size: number,
    link: number,
    info: number,
    alignment: number,
    entrySize: number,
  ): void => {
    const at = sectionHeadersOffset + index * SHDR_SIZE;
    out.setUint32(at, sectionNameIndices[index], true);
    out.setUint32(at + 4, type, true);
    out.setBigUint64(at + 8, BigInt(flags), true);
    const loaded = (flags & SHF_ALLOC) !== 0;
    out.setBigUint64(at + 16, BigInt(loaded ? offset : 0), true); // sh_addr
    out.setBigUint64(at + 24, BigInt(offset), true);
    out.setBigUint64(at + 32, BigInt(size), true);
    out.setUint32(at + 40, link, true);
    out.setUint32(at + 44, info, true);
    out.setBigUint64(at + 48, BigInt(alignment), true);
    out.setBigUint64(at + 56, BigInt(entrySize), true);
  };
  sectionHeader(
    SECTION.hash,
    SHT_HASH,
    SHF_ALLOC,
    hashOffset,
    hashSize,
    SECTION.dynsym,
    0,
    8,
    4,
  );
  sectionHeader(
    SECTION.dynsym,
    SHT_DYNSYM,
    SHF_ALLOC,
    dynsymOffset,
    symbolCount * SYM_SIZE,
    SECTION.dynstr,
    1, // index of the first global symbol
    8,
    SYM_SIZE,
  );
  sectionHeader(
    SECTION.dynstr,
    SHT_STRTAB,
    SHF_ALLOC,
    dynstrOffset,
    dynstr.length,
    0,
    0,
    1,
    0,
  );
  sectionHeader(
    SECTION.text,
    SHT_PROGBITS,
    SHF_ALLOC | SHF_EXECINSTR,
    textOffset,
    spec.textSize,
    0,
    0,
    16,
    0,
  );
  sectionHeader(
    SECTION.dynamic,
    SHT_DYNAMIC,
    SHF_ALLOC | SHF_WRITE,
    dynamicOffset,
    dynamicSize,
    SECTION.dynstr,
    0,
    8,
    DYN_SIZE,
  );
  sectionHeader(
    SECTION.data,
    SHT_PROGBITS,
    dataFlags,
    dataOffset,
    spec.dataSize,
    0,
    0,
    8,
    0,
  );
  sectionHeader(
    SECTION.shstrtab,
    SHT_STRTAB,
    0,
    shstrtabOffset,
    shstrtabBytes.length,
    0,
    0,
    1,
    0,
  );

  return { image, textAddress: textOffset, dataAddress: dataOffset };
}

function align(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** A NUL-separated string table that starts with the empty string. */
class StringTable {
  #parts: string[] = [""];
  #size = 1;

  add(text: string): number {
    if (text === "") return 0;
    const index = this.#size;
    this.#parts.push(text);
    this.#size += new TextEncoder().encode(text).length + 1;
    return index;
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(this.#parts.join("\0") + "\0");
  }
}
