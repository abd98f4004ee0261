/**
 * The GDB JIT interface (GDB manual, "JIT Compilation Interface"): a
 * process that generates code exports `__jit_debug_descriptor` and a
 * function `__jit_debug_register_code`, on which gdb sets a breakpoint.
 * To describe code, the process links an entry pointing to an in-memory
 * ELF object (the code's symbols) into the descriptor's list, sets
 * `action_flag` to register (or, to drop it, unlinks it and sets
 * unregister) and calls the function; gdb reads the object from the
 * process's memory.
 *
 * Both symbols live in a small shared object built here and loaded from a
 * memfd kept open for the life of the process, under the path
 * `/proc/<pid>/fd/<n>`: gdb runs in another process and opens every
 * library by the path the loader recorded, so `/proc/self/...` would be
 * its own descriptors, and a closed memfd would be gone.
 *
 * ```c
 * struct jit_code_entry { struct jit_code_entry *next, *prev;
 *                         const char *symfile_addr; uint64_t symfile_size; };
 * struct jit_descriptor { uint32_t version; uint32_t action_flag;
 *                         struct jit_code_entry *relevant_entry, *first_entry; };
 * ```
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { writeSharedObject } from "./elf.ts";
import { createExecutableMemfd } from "./memfd.ts";
import { type LoaderCalls, writeImage } from "./memfd_library.ts";
import { adr } from "./trampoline_library.ts";
import type { Architecture, OsError } from "./types.ts";

/** One function of the code to describe. */
export interface DebugSymbol {
  /** Its name. */
  readonly name: string;
  /** Its start, from the code's start. */
  readonly offset: number;
  /** Its size in bytes. */
  readonly size: number;
}

/** The process's side of the GDB JIT interface. */
export interface DebuggerInterface {
  /**
   * Describes code to the debugger.
   *
   * @param address The code's start.
   * @param symbols Its functions.
   * @returns A handle for {@linkcode DebuggerInterface.unregister}.
   */
  register(address: bigint, symbols: readonly DebugSymbol[]): object;
  /**
   * Takes a description back (the code was released).
   *
   * @param handle What {@linkcode DebuggerInterface.register} returned.
   */
  unregister(handle: object): void;
  /** The descriptor's address (tests read the list through it). */
  readonly descriptor: Deno.PointerObject;
  /** The path the library was loaded from. */
  readonly path: string;
}

const JIT_NOACTION = 0;
const JIT_REGISTER_FN = 1;
const JIT_UNREGISTER_FN = 2;
const DESCRIPTOR_SIZE = 24;
const ENTRY_SIZE = 32;
const STUB_SIZE = 8;

const librarySymbols = {
  jit_debug_base: { parameters: [], result: "pointer" },
  __jit_debug_register_code: { parameters: [], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

/** Opens a library; `Deno.dlopen` outside tests. */
type Opener = (
  path: string,
  symbols: typeof librarySymbols,
) => Deno.DynamicLibrary<typeof librarySymbols>;

/**
 * The shared object holding the descriptor (version 1, empty list) and the
 * registration function, plus `jit_debug_base`, which returns the load
 * base (the descriptor's address is the base plus its offset).
 *
 * @param arch The CPU.
 * @param pageSize The page size.
 * @returns The image and where the descriptor lies from the base.
 */
export function buildDebuggerLibrary(
  arch: Architecture,
  pageSize: number,
): { image: Uint8Array; descriptorOffset: number } {
  const descriptor = new Uint8Array(DESCRIPTOR_SIZE);
  new DataView(descriptor.buffer).setUint32(0, 1, true); // version 1
  const library = writeSharedObject({
    arch,
    pageSize,
    soname: "jit-memory-debugger.so",
    textSize: 2 * STUB_SIZE,
    dataSize: DESCRIPTOR_SIZE,
    dataBytes: descriptor,
    writableData: true,
    dataName: ".data",
    symbols: [
      { name: "jit_debug_base", offset: 0, size: STUB_SIZE },
      { name: "__jit_debug_register_code", offset: STUB_SIZE, size: 4 },
    ],
    dataSymbols: [
      { name: "__jit_debug_descriptor", offset: 0, size: DESCRIPTOR_SIZE },
    ],
    emitText: ({ textAddress }) => {
      if (arch === "aarch64") {
        // adr x0, -textAddress; ret; ret; brk #0
        return new Uint8Array(
          new Uint32Array([
            adr(0, -textAddress),
            0xd65f03c0,
            0xd65f03c0,
            0xd4200000,
          ]).buffer,
        );
      }
      // lea rax, [rip - (textAddress + 7)]; ret; then ret, int3 padding
      const text = new Uint8Array(2 * STUB_SIZE).fill(0xcc);
      text.set([0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xc3]);
      new DataView(text.buffer).setInt32(3, -(textAddress + 7), true);
      text[STUB_SIZE] = 0xc3;
      return text;
    },
  });
  return { image: library.image, descriptorOffset: library.dataAddress };
}

/**
 * An ELF relocatable object describing code at `address`: a `.text`
 * section without contents (`SHT_NOBITS`) placed at the code's address,
 * and a symbol table naming its functions, offsets into `.text`. What gdb
 * needs to name frames and addresses; no debug information.
 *
 * @param arch The CPU.
 * @param address The code's start.
 * @param symbols Its functions.
 * @returns The object's bytes.
 */
export function debugSymbolFile(
  arch: Architecture,
  address: bigint,
  symbols: readonly DebugSymbol[],
): Uint8Array {
  const encoder = new TextEncoder();
  const size = Math.max(
    ...symbols.map((symbol) => symbol.offset + symbol.size),
  );
  const shstrtab = encoder.encode("\0.text\0.symtab\0.strtab\0.shstrtab\0");
  const names = [1, 7, 15, 23]; // offsets of the four names above
  let strtab = "\0";
  const nameAt: number[] = [];
  for (const symbol of symbols) {
    nameAt.push(encoder.encode(strtab).length);
    strtab += `${symbol.name}\0`;
  }
  const strtabBytes = encoder.encode(strtab);
  const symtabOffset = 64;
  const symtabSize = 24 * (symbols.length + 1);
  const strtabOffset = symtabOffset + symtabSize;
  const shstrtabOffset = strtabOffset + strtabBytes.length;
  const sectionsOffset = Math.ceil((shstrtabOffset + shstrtab.length) / 8) * 8;
  // Its own ArrayBuffer: off-heap, so its address stays for gdb to read.
  const image = new Uint8Array(new ArrayBuffer(sectionsOffset + 5 * 64));
  const out = new DataView(image.buffer);
  image.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // ELF64, LSB, v1, SYSV
  out.setUint16(16, 1, true); // ET_REL
  out.setUint16(18, arch === "x86_64" ? 62 : 183, true);
  out.setUint32(20, 1, true);
  out.setBigUint64(40, BigInt(sectionsOffset), true); // e_shoff
  out.setUint16(52, 64, true); // e_ehsize
  out.setUint16(58, 64, true); // e_shentsize
  out.setUint16(60, 5, true); // e_shnum
  out.setUint16(62, 4, true); // e_shstrndx
  symbols.forEach((symbol, index) => {
    const at = symtabOffset + 24 * (index + 1);
    out.setUint32(at, nameAt[index], true);
    image[at + 4] = (1 << 4) | 2; // STB_GLOBAL, STT_FUNC
    out.setUint16(at + 6, 1, true); // .text
    out.setBigUint64(at + 8, BigInt(symbol.offset), true);
    out.setBigUint64(at + 16, BigInt(symbol.size), true);
  });
  image.set(strtabBytes, strtabOffset);
  image.set(shstrtab, shstrtabOffset);
  const section = (
    index: number,
    fields: {
      type: number;
      flags?: number;
      address?: bigint;
      offset: number;
      size: number;
      link?: number;
      info?: number;
      align: number;
      entry?: number;
    },
  ): void => {
    const at = sectionsOffset + 64 * index;
    out.setUint32(at, names[index - 1], true);
    out.setUint32(at + 4, fields.type, true);
    out.setBigUint64(at + 8, BigInt(fields.flags ?? 0), true);
    out.setBigUint64(at + 16, fields.address ?? 0n, true);
    out.setBigUint64(at + 24, BigInt(fields.offset), true);
    out.setBigUint64(at + 32, BigInt(fields.size), true);
    out.setUint32(at + 40, fields.link ?? 0, true);
    out.setUint32(at + 44, fields.info ?? 0, true);
    out.setBigUint64(at + 48, BigInt(fields.align), true);
    out.setBigUint64(at + 56, BigInt(fields.entry ?? 0), true);
  };
  // .text: SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, at the code.
  section(1, {
    type: 8,
    flags: 6,
    address,
    offset: sectionsOffset,
    size,
    align: 16,
  });
  // .symtab: SHT_SYMTAB, linked to .strtab; every symbol after 0 global.
  section(2, {
    type: 2,
    offset: symtabOffset,
    size: symtabSize,
    link: 3,
    info: 1,
    align: 8,
    entry: 24,
  });
  section(3, {
    type: 3,
    offset: strtabOffset,
    size: strtabBytes.length,
    align: 1,
  });
  section(4, {
    type: 3,
    offset: shstrtabOffset,
    size: shstrtab.length,
    align: 1,
  });
  return image;
}

/** A registered object and its list entry, kept alive while linked. */
interface Entry {
  readonly entry: BigUint64Array;
  readonly address: bigint;
  readonly file: Uint8Array;
  linked: boolean;
}

/**
 * Loads the debugger library and returns the registrar over it.
 *
 * @param arch The CPU.
 * @param pageSize The page size.
 * @param calls `memfd_create`, `write`, `close`.
 * @param open `Deno.dlopen`.
 * @param osError Describes an error number.
 * @returns The interface.
 * @throws {JITMemoryManagerError} `SYSTEM` if the memfd cannot be made or
 * written, `UNSUPPORTED` if the loader refuses it (the memfd is closed).
 */
export function openDebuggerInterface(
  arch: Architecture,
  pageSize: number,
  calls: Pick<LoaderCalls, "memfd_create" | "write" | "close">,
  open: Opener,
  osError: (code: number) => OsError,
): DebuggerInterface {
  const { image, descriptorOffset } = buildDebuggerLibrary(arch, pageSize);
  // Never closed: gdb opens the library through this descriptor, and an
  // open descriptor's number is never handed out again, so the path
  // stays unique in this process.
  const fd = createExecutableMemfd(calls, "jit-memory-debugger", osError);
  const path = `/proc/${Deno.pid}/fd/${fd}`;
  let library: Deno.DynamicLibrary<typeof librarySymbols>;
  try {
    writeImage(calls, fd, "jit-memory-debugger", image, osError);
    library = open(path, librarySymbols);
  } catch (cause) {
    calls.close(fd);
    if (cause instanceof JITMemoryManagerError) throw cause;
    throw new JITMemoryManagerError(
      "UNSUPPORTED",
      `Cannot load the debugger interface library: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
  const base = library.symbols.jit_debug_base()!;
  const descriptor = Deno.UnsafePointer.offset(base, descriptorOffset)!;
  const header = new Uint32Array(
    Deno.UnsafePointerView.getArrayBuffer(descriptor, 8),
  );
  const links = new BigUint64Array(
    Deno.UnsafePointerView.getArrayBuffer(descriptor, DESCRIPTOR_SIZE),
    8,
    2,
  ); // [relevant_entry, first_entry]
  const notify = (entry: Entry, action: number): void => {
    links[0] = entry.address;
    header[1] = action;
    library.symbols.__jit_debug_register_code();
    header[1] = JIT_NOACTION;
  };
  const entries = new Map<object, Entry>();
  return {
    descriptor,
    path,
    register(address, symbols): object {
      const file = debugSymbolFile(arch, address, symbols);
      // Off-heap memory (an ArrayBuffer's own store) whose address stays.
      const entry = new BigUint64Array(new ArrayBuffer(ENTRY_SIZE));
      const record: Entry = {
        entry,
        address: Deno.UnsafePointer.value(Deno.UnsafePointer.of(entry)),
        file,
        linked: true,
      };
      const first = links[1];
      entry[0] = first; // next
      entry[1] = 0n; // prev
      entry[2] = Deno.UnsafePointer.value(Deno.UnsafePointer.of(file));
      entry[3] = BigInt(file.length);
      if (first !== 0n) previousOf(first)[0] = record.address;
      links[1] = record.address;
      const handle = {};
      entries.set(handle, record);
      notify(record, JIT_REGISTER_FN);
      return handle;
    },
    unregister(handle): void {
      const record = entries.get(handle);
      if (record === undefined) return;
      entries.delete(handle);
      const [next, previous] = [record.entry[0], record.entry[1]];
      if (previous === 0n) links[1] = next;
      else nextOf(previous)[0] = next;
      if (next !== 0n) previousOf(next)[0] = previous;
      record.linked = false;
      notify(record, JIT_UNREGISTER_FN);
    },
  };
}

/** The `prev` field of the entry at `address`. */
function previousOf(address: bigint): BigUint64Array {
  return new BigUint64Array(
    Deno.UnsafePointerView.getArrayBuffer(
      Deno.UnsafePointer.create(address + 8n)!,
      8,
    ),
  );
}

/** The `next` field of the entry at `address`. */
function nextOf(address: bigint): BigUint64Array {
  return new BigUint64Array(
    Deno.UnsafePointerView.getArrayBuffer(
      Deno.UnsafePointer.create(address)!,
      8,
    ),
  );
}
