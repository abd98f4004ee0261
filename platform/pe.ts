/**
 * A writer of minimal PE32+ DLLs (the Windows image format) for x86-64:
 * a DOS header and stub, the PE headers, one read-execute code section
 * with exported functions, a read-only export directory, a read-only data
 * section (the trampolines' slot table), a small read-write data section,
 * and a base-relocation section that relocates nothing. No imports, no
 * entry point: just enough for `LoadLibrary` to map the file at any base
 * and `GetProcAddress` to find its exports.
 *
 * Written from Microsoft's "PE Format" specification (MS-DOS stub, COFF
 * file header, PE32+ optional header, section table, `.edata`, `.reloc`).
 *
 * Why a `.reloc` section when nothing needs relocating: every loader may
 * place a DLL elsewhere than its preferred `ImageBase` (its base is taken,
 * or ASLR moves it, which `IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE` asks
 * for). An image whose `IMAGE_FILE_RELOCS_STRIPPED` flag is set cannot be
 * moved and fails to load there (STATUS_CONFLICTING_ADDRESSES, in Windows
 * and Wine alike). Without that flag, Windows and Wine move an image with
 * no relocation directory too, but tools and policies differ on such
 * images: mandatory ASLR's "require relocations" refuses them, and some
 * loaders and checkers take a missing directory for "not relocatable". So
 * the directory is there, holding one block of padding entries
 * (`IMAGE_REL_BASED_ABSOLUTE`, which every loader skips). The code itself
 * addresses its data RIP-relatively, so it runs unchanged at any base.
 *
 * @module
 */

/** An exported function: where it starts in the code and how long it is. */
export interface DllExport {
  /** The export's name, as `GetProcAddress` looks it up (ASCII). */
  name: string;
  /** Offset from the start of the code. */
  offset: number;
}

/** Where the loader will place the sections, relative to the load base. */
export interface DllLayout {
  /** Relative virtual address of the first code byte. */
  textAddress: number;
  /** Relative virtual address of the read-only data. */
  dataAddress: number;
  /** Relative virtual address of the read-write data. */
  writableAddress: number;
}

/** What to put in the DLL. */
export interface DllSpec {
  /** The target CPU; only x86-64 images are written. */
  arch: "x86_64";
  /**
   * Section alignment in memory: the target's page size (or a multiple),
   * so that every section has pages, and protection, of its own.
   */
  sectionAlignment: number;
  /** The DLL's own name, recorded in the export directory. */
  name: string;
  /** Size of the code. */
  textSize: number;
  /** Size of the read-only data section (zero-filled). */
  dataSize: number;
  /** Size of the read-write data section (zero-filled). */
  writableSize: number;
  /** The exported functions. */
  exports: readonly DllExport[];
  /**
   * Produces the code once the layout is known, so that it can address the
   * data sections RIP-relatively.
   */
  emitText(layout: DllLayout): Uint8Array;
}

/** The image and where its parts landed. */
export interface Dll extends DllLayout {
  /** The file's bytes. */
  image: Uint8Array;
}

/** `IMAGE_FILE_MACHINE_AMD64`. */
const MACHINE_AMD64 = 0x8664;
const FILE_EXECUTABLE_IMAGE = 0x0002;
const FILE_LARGE_ADDRESS_AWARE = 0x0020;
const FILE_DLL = 0x2000;
const PE32_PLUS_MAGIC = 0x20b;
const SUBSYSTEM_WINDOWS_GUI = 2;
const DLL_HIGH_ENTROPY_VA = 0x0020;
const DLL_DYNAMIC_BASE = 0x0040;
const DLL_NX_COMPAT = 0x0100;
const SCN_CNT_CODE = 0x00000020;
const SCN_CNT_INITIALIZED_DATA = 0x00000040;
const SCN_MEM_DISCARDABLE = 0x02000000;
const SCN_MEM_EXECUTE = 0x20000000;
const SCN_MEM_READ = 0x40000000;
const SCN_MEM_WRITE = 0x80000000;
const DIRECTORY_EXPORT = 0;
const DIRECTORY_BASERELOC = 5;
const DIRECTORY_COUNT = 16;
/** `IMAGE_REL_BASED_ABSOLUTE` at offset 0: a padding entry. */
const RELOCATION_PADDING = 0x0000;

/**
 * The preferred load address, 64 KiB-aligned as every image base must be;
 * the default of 64-bit DLLs, above 4 GiB.
 */
const IMAGE_BASE = 0x1_8000_0000n;
/** The smallest file alignment the format allows. */
const FILE_ALIGNMENT = 512;
const DOS_HEADER_SIZE = 64;
const FILE_HEADER_SIZE = 20;
const OPTIONAL_HEADER_SIZE = 112 + DIRECTORY_COUNT * 8;
const SECTION_HEADER_SIZE = 40;
const EXPORT_DIRECTORY_SIZE = 40;

/**
 * What runs if the file is started under MS-DOS: prints a line and exits
 * with status 1 (`push cs; pop ds; mov dx, message; mov ah, 9; int 21h;
 * mov ax, 4c01h; int 21h`), the message following the 14 code bytes.
 */
const DOS_STUB = new Uint8Array([
  ...[0x0e, 0x1f, 0xba, 0x0e, 0x00, 0xb4, 0x09, 0xcd, 0x21],
  ...[0xb8, 0x01, 0x4c, 0xcd, 0x21],
  ...new TextEncoder().encode(
    "jit-memory trampolines: a Windows DLL, not a DOS program.\r\n$",
  ),
]);

interface Section {
  name: string;
  address: number;
  virtualSize: number;
  fileOffset: number;
  rawSize: number;
  flags: number;
}

/**
 * Builds a DLL. Sections follow the headers in this order: `.text`,
 * `.rdata` (exports), `.slots` (read-only data), `.data` (read-write),
 * `.reloc`; each starts on a `sectionAlignment` boundary in memory and a
 * 512-byte boundary in the file. The image has no time stamp, so the same
 * spec always gives the same bytes.
 *
 * @param spec What to put in it.
 * @returns The image and its layout.
 * @throws {RangeError} For a non-x86-64 target, a section alignment that
 *   is not a power of two of at least 4096, duplicate or non-ASCII export
 *   names, or code of the wrong size.
 */
export function writeDll(spec: DllSpec): Dll {
  if (spec.arch !== "x86_64") {
    throw new RangeError(`PE images are written for x86_64, not ${spec.arch}`);
  }
  const alignment = spec.sectionAlignment;
  if (alignment < 4096 || (alignment & (alignment - 1)) !== 0) {
    throw new RangeError(`section alignment ${alignment} is not a page size`);
  }
  const names = spec.exports.map((entry) => entry.name);
  if (new Set(names).size !== names.length) {
    throw new RangeError("export names must be unique");
  }
  if (names.some((name) => !/^[\x21-\x7e]+$/.test(name))) {
    throw new RangeError("export names must be printable ASCII");
  }

  const sectionCount = 5;
  const peOffset = align(DOS_HEADER_SIZE + DOS_STUB.length, 8);
  const optionalOffset = peOffset + 4 + FILE_HEADER_SIZE;
  const sectionTableOffset = optionalOffset + OPTIONAL_HEADER_SIZE;
  const headersSize = align(
    sectionTableOffset + sectionCount * SECTION_HEADER_SIZE,
    FILE_ALIGNMENT,
  );

  // .rdata: the export directory, then its three tables, then the names.
  const exportData = exportDirectoryBytes(spec.name, spec.exports);
  const relocations = new Uint8Array(12);

  const sections: Section[] = [];
  const place = (name: string, size: number, flags: number): Section => {
    const previous = sections.at(-1);
    const section: Section = {
      name,
      address: previous === undefined
        ? align(headersSize, alignment)
        : align(previous.address + previous.virtualSize, alignment),
      virtualSize: size,
      fileOffset: previous === undefined
        ? headersSize
        : previous.fileOffset + previous.rawSize,
      rawSize: align(size, FILE_ALIGNMENT),
      flags,
    };
    sections.push(section);
    return section;
  };
  const text = place(
    ".text",
    spec.textSize,
    SCN_CNT_CODE | SCN_MEM_EXECUTE | SCN_MEM_READ,
  );
  const rdata = place(
    ".rdata",
    exportData.size,
    SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ,
  );
  const slots = place(
    ".slots",
    Math.max(spec.dataSize, 1),
    SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ,
  );
  const data = place(
    ".data",
    Math.max(spec.writableSize, 1),
    SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ | SCN_MEM_WRITE,
  );
  const reloc = place(
    ".reloc",
    relocations.length,
    SCN_CNT_INITIALIZED_DATA | SCN_MEM_DISCARDABLE | SCN_MEM_READ,
  );
  const imageSize = align(reloc.address + reloc.virtualSize, alignment);
  const fileSize = reloc.fileOffset + reloc.rawSize;

  const image = new Uint8Array(fileSize);
  const out = new DataView(image.buffer);

  // MS-DOS header: the "MZ" signature, a header of 4 paragraphs, a load
  // module that ends where the PE headers start, and e_lfanew.
  image.set([0x4d, 0x5a], 0);
  out.setUint16(0x02, peOffset % 512, true); // e_cblp: bytes in last page
  out.setUint16(0x04, Math.ceil(peOffset / 512), true); // e_cp: pages
  out.setUint16(0x08, DOS_HEADER_SIZE / 16, true); // e_cparhdr
  out.setUint16(0x0c, 0xffff, true); // e_maxalloc
  out.setUint16(0x10, 0xb8, true); // e_sp
  out.setUint16(0x18, DOS_HEADER_SIZE, true); // e_lfarlc
  out.setUint32(0x3c, peOffset, true); // e_lfanew
  image.set(DOS_STUB, DOS_HEADER_SIZE);

  // "PE\0\0" and the COFF file header.
  image.set([0x50, 0x45, 0, 0], peOffset);
  const file = peOffset + 4;
  out.setUint16(file, MACHINE_AMD64, true);
  out.setUint16(file + 2, sectionCount, true);
  out.setUint32(file + 4, 0, true); // TimeDateStamp: none, for reproducibility
  out.setUint16(file + 16, OPTIONAL_HEADER_SIZE, true);
  out.setUint16(
    file + 18,
    FILE_EXECUTABLE_IMAGE | FILE_LARGE_ADDRESS_AWARE | FILE_DLL,
    true,
  );

  // PE32+ optional header.
  const opt = optionalOffset;
  const initializedData = rdata.rawSize + slots.rawSize + data.rawSize +
    reloc.rawSize;
  out.setUint16(opt, PE32_PLUS_MAGIC, true);
  out.setUint32(opt + 4, text.rawSize, true); // SizeOfCode
  out.setUint32(opt + 8, initializedData, true); // SizeOfInitializedData
  out.setUint32(opt + 16, 0, true); // AddressOfEntryPoint: no DllMain
  out.setUint32(opt + 20, text.address, true); // BaseOfCode
  out.setBigUint64(opt + 24, IMAGE_BASE, true);
  out.setUint32(opt + 32, alignment, true); // SectionAlignment
  out.setUint32(opt + 36, FILE_ALIGNMENT, true);
  out.setUint16(opt + 40, 6, true); // MajorOperatingSystemVersion (Vista)
  out.setUint16(opt + 48, 6, true); // MajorSubsystemVersion
  out.setUint32(opt + 56, imageSize, true); // SizeOfImage
  out.setUint32(opt + 60, headersSize, true); // SizeOfHeaders
  out.setUint32(opt + 64, 0, true); // CheckSum: only drivers need one
  out.setUint16(opt + 68, SUBSYSTEM_WINDOWS_GUI, true);
  out.setUint16(
    opt + 70,
    DLL_HIGH_ENTROPY_VA | DLL_DYNAMIC_BASE | DLL_NX_COMPAT,
    true,
  );
  out.setBigUint64(opt + 72, 0x10_0000n, true); // SizeOfStackReserve
  out.setBigUint64(opt + 80, 0x1000n, true); // SizeOfStackCommit
  out.setBigUint64(opt + 88, 0x10_0000n, true); // SizeOfHeapReserve
  out.setBigUint64(opt + 96, 0x1000n, true); // SizeOfHeapCommit
  out.setUint32(opt + 108, DIRECTORY_COUNT, true); // NumberOfRvaAndSizes
  const directory = (index: number, address: number, size: number): void => {
    out.setUint32(opt + 112 + 8 * index, address, true);
    out.setUint32(opt + 112 + 8 * index + 4, size, true);
  };
  directory(DIRECTORY_EXPORT, rdata.address, exportData.size);
  directory(DIRECTORY_BASERELOC, reloc.address, relocations.length);

  // Section table.
  sections.forEach((section, index) => {
    const at = sectionTableOffset + index * SECTION_HEADER_SIZE;
    image.set(new TextEncoder().encode(section.name), at); // NUL-padded to 8
    out.setUint32(at + 8, section.virtualSize, true);
    out.setUint32(at + 12, section.address, true);
    out.setUint32(at + 16, section.rawSize, true);
    out.setUint32(at + 20, section.fileOffset, true);
    out.setUint32(at + 36, section.flags, true);
  });

  // Contents.
  const layout: DllLayout = {
    textAddress: text.address,
    dataAddress: slots.address,
    writableAddress: data.address,
  };
  const code = spec.emitText(layout);
  if (code.length !== spec.textSize) {
    throw new RangeError(
      `emitText produced ${code.length} bytes, not ${spec.textSize}`,
    );
  }
  image.set(code, text.fileOffset);
  image.set(exportData.bytes(rdata.address, text.address), rdata.fileOffset);
  // One relocation block for the first code page, holding two padding
  // entries (a block is a multiple of 4 bytes long).
  const relocationView = new DataView(relocations.buffer);
  relocationView.setUint32(0, text.address, true); // PageRVA
  relocationView.setUint32(4, relocations.length, true); // BlockSize
  relocationView.setUint16(8, RELOCATION_PADDING, true);
  relocationView.setUint16(10, RELOCATION_PADDING, true);
  image.set(relocations, reloc.fileOffset);

  return { image, ...layout };
}

/**
 * The export directory and its tables: the export address table in the
 * order of `exports` (ordinal base 1), the name pointer table sorted by
 * the names' bytes, as the loader binary-searches it, and the ordinal
 * table beside it.
 */
function exportDirectoryBytes(
  dllName: string,
  exports: readonly DllExport[],
): { size: number; bytes(address: number, textAddress: number): Uint8Array } {
  const encoder = new TextEncoder();
  const sorted = exports.map((entry, index) => ({ ...entry, index })).sort((
    a,
    b,
  ) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const count = exports.length;
  const functionsOffset = EXPORT_DIRECTORY_SIZE;
  const namesOffset = functionsOffset + 4 * count;
  const ordinalsOffset = namesOffset + 4 * count;
  const stringsOffset = ordinalsOffset + 2 * count;
  const strings = [dllName, ...sorted.map((entry) => entry.name)].map((
    text,
  ) => encoder.encode(`${text}\0`));
  const size = stringsOffset +
    strings.reduce((total, bytes) => total + bytes.length, 0);

  return {
    size,
    bytes(address: number, textAddress: number): Uint8Array {
      const bytes = new Uint8Array(size);
      const view = new DataView(bytes.buffer);
      const stringAddresses: number[] = [];
      let at = stringsOffset;
      for (const text of strings) {
        stringAddresses.push(address + at);
        bytes.set(text, at);
        at += text.length;
      }
      view.setUint32(12, stringAddresses[0], true); // Name
      view.setUint32(16, 1, true); // Base: ordinals count from 1
      view.setUint32(20, count, true); // NumberOfFunctions
      view.setUint32(24, count, true); // NumberOfNames
      view.setUint32(28, address + functionsOffset, true);
      view.setUint32(32, address + namesOffset, true);
      view.setUint32(36, address + ordinalsOffset, true);
      exports.forEach((entry, index) => {
        view.setUint32(
          functionsOffset + 4 * index,
          textAddress + entry.offset,
          true,
        );
      });
      sorted.forEach((entry, rank) => {
        view.setUint32(namesOffset + 4 * rank, stringAddresses[rank + 1], true);
        view.setUint16(ordinalsOffset + 2 * rank, entry.index, true);
      });
      return bytes;
    },
  };
}

function align(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
