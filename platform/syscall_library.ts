/**
 * Linux system calls made directly, from a tiny shared object generated
 * here: one exported stub per call, which loads the call's number and
 * traps into the kernel (`mov eax, nr; mov r10, rcx; syscall; ret` on
 * x86-64, `mov x8, #nr; svc #0; ret` on AArch64). The kernel returns
 * `-errno` in the result register, so the error of a failed call arrives
 * with its result: nothing that runs afterwards (a garbage collection, a
 * system call of the runtime's) can overwrite it, as it can `errno`.
 *
 * Integer parameters are declared 64-bit: the kernel reads whole
 * registers, and a 32-bit argument leaves the upper half undefined.
 *
 * @module
 */

import { type ElfSymbol, writeSharedObject } from "./elf.ts";
import { type LinuxCalls, MEMBARRIER_NUMBER } from "./linux_calls.ts";
import {
  type LibraryOpener,
  type LoaderCalls,
  loadMemfdLibrary,
} from "./memfd_library.ts";
import type { Architecture, OsError } from "./types.ts";

/** The stubs and the types Deno calls them with. */
export const syscallSymbols = {
  mmap: {
    parameters: ["pointer", "usize", "i64", "i64", "i64", "i64"],
    result: "pointer", // an address, or -errno
  },
  mprotect: { parameters: ["pointer", "usize", "i64"], result: "i32" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  memfd_create: { parameters: ["buffer", "i64"], result: "i32" },
  openat: { parameters: ["i64", "buffer", "i64", "i64"], result: "i32" },
  ftruncate: { parameters: ["i64", "i64"], result: "i32" },
  fcntl: { parameters: ["i64", "i64", "i64"], result: "i32" },
  write: { parameters: ["i64", "buffer", "usize"], result: "i32" },
  close: { parameters: ["i64"], result: "i32" },
  membarrier: { parameters: ["i64", "i64", "i64"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type SyscallName = keyof typeof syscallSymbols;

/** System call numbers (`<asm/unistd.h>`; AArch64 uses the generic table). */
const NUMBERS: Record<Architecture, Record<SyscallName, number>> = {
  x86_64: {
    mmap: 9,
    mprotect: 10,
    munmap: 11,
    memfd_create: 319,
    openat: 257,
    ftruncate: 77,
    fcntl: 72,
    write: 1,
    close: 3,
    membarrier: MEMBARRIER_NUMBER.x86_64,
  },
  aarch64: {
    mmap: 222,
    mprotect: 226,
    munmap: 215,
    memfd_create: 279,
    openat: 56,
    ftruncate: 46,
    fcntl: 25,
    write: 64,
    close: 57,
    membarrier: MEMBARRIER_NUMBER.aarch64,
  },
};

const STUB_SIZE = 16;

/**
 * The shared object's code: one stub per system call.
 *
 * @param arch The CPU.
 * @returns The code, `STUB_SIZE` bytes per stub in the order of
 *   {@linkcode syscallSymbols}.
 */
export function syscallStubs(arch: Architecture): Uint8Array {
  const names = Object.keys(syscallSymbols) as SyscallName[];
  const code = new Uint8Array(names.length * STUB_SIZE);
  const view = new DataView(code.buffer);
  names.forEach((name, index) => {
    const at = index * STUB_SIZE;
    const number = NUMBERS[arch][name];
    if (arch === "x86_64") {
      code.fill(0xcc, at, at + STUB_SIZE); // int3 padding
      code[at] = 0xb8; // mov eax, imm32
      view.setUint32(at + 1, number, true);
      code.set([0x49, 0x89, 0xca], at + 5); // mov r10, rcx (4th argument)
      code.set([0x0f, 0x05], at + 8); // syscall
      code[at + 10] = 0xc3; // ret
    } else {
      view.setUint32(at, (0xd2800008 | (number << 5)) >>> 0, true); // mov x8, #nr
      view.setUint32(at + 4, 0xd4000001, true); // svc #0
      view.setUint32(at + 8, 0xd65f03c0, true); // ret
      view.setUint32(at + 12, 0xd4200000, true); // brk #0 padding
    }
  });
  return code;
}

/**
 * Builds the stubs' shared object.
 *
 * @param arch The CPU.
 * @param pageSize The target's page size.
 * @returns The image.
 */
export function buildSyscallLibrary(
  arch: Architecture,
  pageSize: number,
): Uint8Array {
  const text = syscallStubs(arch);
  const symbols: ElfSymbol[] = Object.keys(syscallSymbols).map((
    name,
    index,
  ) => ({ name, offset: index * STUB_SIZE, size: STUB_SIZE }));
  return writeSharedObject({
    arch,
    pageSize,
    soname: "jit-memory-syscalls.so",
    textSize: text.length,
    dataSize: 8,
    symbols,
    emitText: () => text,
  }).image;
}

/**
 * Loads the stubs and wraps them as {@linkcode LinuxCalls}.
 *
 * @param arch The CPU.
 * @param pageSize The page size.
 * @param bootstrap The calls that load the library (glibc's).
 * @param open `Deno.dlopen`.
 * @param osError Describes an error number.
 * @returns The system calls, made directly.
 * @throws {JITMemoryManagerError} When the library cannot be loaded.
 */
export function loadSyscalls(
  arch: Architecture,
  pageSize: number,
  bootstrap: LoaderCalls,
  open: LibraryOpener,
  osError: (code: number) => OsError,
): LinuxCalls {
  const library = loadMemfdLibrary(
    bootstrap,
    "jit-memory-syscalls",
    buildSyscallLibrary(arch, pageSize),
    syscallSymbols,
    open,
    osError,
  );
  const stub = library.symbols;
  return {
    mmap: (address, length, protection, flags, fd, offset) =>
      stub.mmap(address, length, big(protection), big(flags), big(fd), offset),
    mprotect: (address, length, protection) =>
      stub.mprotect(address, length, big(protection)),
    munmap: (address, length) => stub.munmap(address, length),
    memfd_create: (name, flags) => stub.memfd_create(name, big(flags)),
    openat: (dirfd, path, flags, mode) =>
      stub.openat(big(dirfd), path, big(flags), big(mode)),
    ftruncate: (fd, length) => stub.ftruncate(big(fd), length),
    fcntl: (fd, command, argument) =>
      stub.fcntl(big(fd), big(command), big(argument)),
    write: (fd, buffer, count) => stub.write(big(fd), buffer, count),
    close: (fd) => stub.close(big(fd)),
    membarrier: (command, flags, cpu) =>
      stub.membarrier(big(command), big(flags), big(cpu)),
  };
}

/** Small integers as bigints, made once. */
const SMALL = Array.from(
  { length: 4096 + 129 },
  (_, index) => BigInt(index - 128),
);

/**
 * A 64-bit parameter's value. Deno calls these stubs on its fast path only
 * with bigints (a number costs its slow path, about 0.3 µs more), and the
 * values passed (protections, flags, descriptors) repeat.
 *
 * @param value An integer.
 * @returns It as a bigint.
 */
function big(value: number): bigint {
  return value >= -128 && value <= 4096 ? SMALL[value + 128] : BigInt(value);
}
