/**
 * Tiny functions in the host CPU's machine code, for tests that execute
 * what they write. Every helper has an x86-64 and an AArch64 encoding, so
 * each execution test runs on both CPUs. x86-64 code that takes arguments
 * reads them where this OS's calling convention puts them (System V on
 * Linux and macOS, Windows x64 on Windows): each such helper has one
 * encoding per convention (checked with GNU as; machine_code_test.ts pins
 * them to our assembler). Bytes, not the assembler, so that a child
 * running under a tight address-space limit loads little code.
 *
 * @module
 */

import {
  callingConvention,
  type X86CallingConvention,
} from "../../arch/x86_64/calling_convention.ts";

const arch = Deno.build.arch;

/** The x86-64 calling convention of this process. */
export const convention: X86CallingConvention = callingConvention();

/** The x86-64 helpers whose code depends on the calling convention. */
export interface X86Encodings {
  /** `(i32, i32) => i32`: lea eax, [a0 + a1]; ret. */
  addInt32: Uint8Array;
  /** `(i64, i64) => i64`: lea rax, [a0 + a1]; ret. */
  addInt64: Uint8Array;
  /** `(pointer) => pointer`: mov rax, a0; ret. */
  identity: Uint8Array;
  /** `(buffer, usize) => u64`: the sum of the bytes (see below). */
  sumBytes: Uint8Array;
  /** The call of {@linkcode callThenReturn}, without its `mov eax`/`ret`. */
  callFirstArgument: Uint8Array;
}

/**
 * The encodings for one convention (checked with GNU as), a0 and a1 being
 * its first two argument registers: rdi, rsi (System V) or rcx, rdx
 * (Windows x64).
 *
 * @param cc The convention.
 * @returns Its encodings.
 */
export function x86Encodings(cc: X86CallingConvention): X86Encodings {
  const win64 = cc.name === "win64";
  const [test, load, step, count] = win64
    ? [0xd2, 0x11, 0xc1, 0xea]
    : [0xf6, 0x17, 0xc7, 0xee];
  // 8 bytes keep the stack 16-byte aligned at the call; Windows x64 also
  // wants 32 bytes of shadow space above the return address.
  const frame = 8 + cc.shadowSpace;
  return {
    addInt32: new Uint8Array([0x8d, 0x04, win64 ? 0x11 : 0x37, 0xc3]),
    addInt64: new Uint8Array([0x48, 0x8d, 0x04, win64 ? 0x11 : 0x37, 0xc3]),
    identity: new Uint8Array([0x48, 0x89, win64 ? 0xc8 : 0xf8, 0xc3]),
    sumBytes: new Uint8Array([
      ...[0x31, 0xc0], // xor eax, eax
      ...[0x48, 0x85, test], // test a1, a1
      ...[0x74, 0x11], // je done
      ...[0x44, 0x0f, 0xb6, load], // loop: movzx r10d, byte [a0] (r10: scratch)
      ...[0x4c, 0x01, 0xd0], // add rax, r10
      ...[0x48, 0x83, step, 0x01], // add a0, 1
      ...[0x48, 0x83, count, 0x01], // sub a1, 1
      ...[0x75, 0xef], // jne loop
      0xc3, // done: ret
    ]),
    callFirstArgument: new Uint8Array([
      ...[0x48, 0x83, 0xec, frame], // sub rsp, frame
      ...[0xff, win64 ? 0xd1 : 0xd7], // call a0
      ...[0x48, 0x83, 0xc4, frame], // add rsp, frame
    ]),
  };
}

const x86 = x86Encodings(convention);

/** AArch64 `ret`. */
const A64_RET = 0xd65f03c0;

function words(...values: number[]): Uint8Array {
  return new Uint8Array(new Uint32Array(values).buffer);
}

/** AArch64 `movz w0, #value` (value 0..65535). */
function a64MovzW0(value: number): number {
  return (0x52800000 | (value << 5)) >>> 0;
}

/**
 * A function `() => i32` returning `value` (0..65535).
 *
 * @param value The constant to return.
 * @returns Its machine code.
 */
export function returnConstant(value: number): Uint8Array {
  if (arch === "x86_64") {
    // mov eax, imm32; ret
    return new Uint8Array([0xb8, ...le32(value), 0xc3]);
  }
  return words(a64MovzW0(value), A64_RET);
}

/**
 * The patch that makes {@linkcode returnConstant}'s code return `value`.
 *
 * @param value The new constant (0..65535).
 * @returns Where to patch and with what.
 */
export function returnConstantPatch(
  value: number,
): { offset: number; bytes: Uint8Array } {
  if (arch === "x86_64") {
    return { offset: 1, bytes: new Uint8Array(le32(value)) };
  }
  return { offset: 0, bytes: words(a64MovzW0(value)) };
}

/**
 * A function `(i32, i32) => i32` returning the sum of its arguments.
 *
 * @returns Its machine code.
 */
export function addInt32(): Uint8Array {
  if (arch === "x86_64") {
    return x86.addInt32;
  }
  // add w0, w0, w1; ret
  return words(0x0b010000, A64_RET);
}

function le32(value: number): number[] {
  return [
    value & 0xff,
    (value >>> 8) & 0xff,
    (value >>> 16) & 0xff,
    value >>> 24,
  ];
}

/**
 * The seed's CodeBuffer example: `MOV X0, #0; RET` on AArch64, its
 * equivalent `xor eax, eax; ret` on x86-64. Returns 0.
 *
 * @returns One encoding per instruction, words on AArch64.
 */
export function seedReturnZero(): (number | number[])[] {
  if (arch === "x86_64") return [[0x31, 0xc0], [0xc3]];
  return [0xd2800000, A64_RET];
}

/**
 * A function `() => i32` that zeroes the result and adds 1 to it `count`
 * times: `xor eax, eax; add eax, 1 ...; ret` or `movz w0, #0;
 * add w0, w0, #1 ...; ret`.
 *
 * @param count How many additions.
 * @returns One encoding per instruction, words on AArch64.
 */
export function countTo(count: number): (number | number[])[] {
  if (arch === "x86_64") {
    return [[0x31, 0xc0], ...Array(count).fill([0x83, 0xc0, 0x01]), [0xc3]];
  }
  return [a64MovzW0(0), ...Array(count).fill(0x11000400), A64_RET];
}

/** One signature of the fast-call tests: code, and calls with answers. */
export interface SignatureCase {
  name: string;
  definition: Deno.ForeignFunction;
  code: Uint8Array;
  calls: { args: unknown[]; expected: unknown }[];
}

const bytesToSum = new Uint8Array([1, 2, 3, 250, 255]);

/**
 * A function per signature the fast path must handle, with the results it
 * must return (checked with GNU as / aarch64-linux-gnu-as).
 *
 * @returns The cases.
 */
export function signatureCases(): SignatureCase[] {
  const onX86 = arch === "x86_64";
  return [
    {
      name: "() => i32",
      definition: { parameters: [], result: "i32" },
      code: returnConstant(42),
      calls: [{ args: [], expected: 42 }],
    },
    {
      name: "(i32, i32) => i32",
      definition: { parameters: ["i32", "i32"], result: "i32" },
      code: addInt32(),
      calls: [
        { args: [2, 3], expected: 5 },
        { args: [-7, 3], expected: -4 },
        { args: [2 ** 31 - 1, 1], expected: -(2 ** 31) },
      ],
    },
    {
      name: "(i64, i64) => i64",
      definition: { parameters: ["i64", "i64"], result: "i64" },
      code: onX86 ? x86.addInt64 : words(0x8b010000, A64_RET), // add x0, x0, x1; ret
      calls: [
        { args: [1n << 40n, 5n], expected: (1n << 40n) + 5n },
        { args: [-(1n << 62n), -3n], expected: -(1n << 62n) - 3n },
      ],
    },
    {
      name: "(f64, f64) => f64",
      definition: { parameters: ["f64", "f64"], result: "f64" },
      code: onX86
        ? new Uint8Array([0xf2, 0x0f, 0x58, 0xc1, 0xc3]) // addsd xmm0, xmm1; ret
        : words(0x1e612800, A64_RET), // fadd d0, d0, d1; ret
      calls: [
        { args: [1.5, 2.25], expected: 3.75 },
        { args: [-0.1, 0.1], expected: 0 },
      ],
    },
    {
      name: "(pointer) => pointer",
      definition: { parameters: ["pointer"], result: "pointer" },
      code: onX86 ? x86.identity : words(A64_RET), // ret (x0 in, x0 out)
      // Pointers are compared by address (see comparable()).
      calls: [
        { args: [null], expected: null },
        {
          args: [Deno.UnsafePointer.create(0x1234_5678n)],
          expected: 0x1234_5678n,
        },
      ],
    },
    {
      name: "(buffer, usize) => u64",
      definition: { parameters: ["buffer", "usize"], result: "u64" },
      code: onX86 ? x86.sumBytes : words(
        0xd2800002, // mov x2, #0
        0xb40000a1, // cbz x1, done
        0x38401403, // loop: ldrb w3, [x0], #1
        0x8b030042, // add x2, x2, x3
        0xf1000421, // subs x1, x1, #1
        0x54ffffa1, // b.ne loop
        0xaa0203e0, // done: mov x0, x2
        A64_RET,
      ),
      calls: [
        { args: [bytesToSum, 5n], expected: 511n },
        { args: [bytesToSum, 0n], expected: 0n },
      ],
    },
    {
      name: "() => void",
      definition: { parameters: [], result: "void" },
      code: onX86 ? new Uint8Array([0xc3]) : words(A64_RET),
      calls: [{ args: [], expected: undefined }],
    },
  ];
}

/**
 * A result in a form `assert.deepEqual` can compare: pointer objects are
 * all empty objects, so they become their addresses.
 *
 * @param value A function's result.
 * @returns The value, or a pointer's address as a bigint.
 */
export function comparable(value: unknown): unknown {
  if (
    value !== null && typeof value === "object" && !ArrayBuffer.isView(value)
  ) {
    return Deno.UnsafePointer.value(value as Deno.PointerObject);
  }
  return value;
}

/**
 * A function `() => i32` returning any 32-bit `value`, padded with trap
 * instructions to `size` bytes.
 *
 * @param value The constant (0..2^32-1).
 * @param size The total size in bytes (at least 12).
 * @returns Its machine code.
 */
export function returnValue(value: number, size = 0): Uint8Array {
  const code = arch === "x86_64"
    ? new Uint8Array([0xb8, ...le32(value), 0xc3])
    : words(
      a64MovzW0(value & 0xffff),
      (0x72a00000 | ((value >>> 16) << 5)) >>> 0, // movk w0, #hi, lsl #16
      A64_RET,
    );
  if (size <= code.length) return code;
  const padded = new Uint8Array(size).fill(arch === "x86_64" ? 0xcc : 0);
  if (arch !== "x86_64") {
    new Uint32Array(padded.buffer).fill(0xd4200000); // brk #0
  }
  padded.set(code);
  return padded;
}

/**
 * A function `(pointer) => i32` that calls its argument, a function
 * pointer (e.g. a `Deno.UnsafeCallback`'s), then returns `value`: code
 * that is on the call stack while JavaScript runs.
 *
 * @param value The constant to return afterwards (0..65535).
 * @returns Its machine code (in this OS's convention on x86-64).
 */
export function callThenReturn(value: number): Uint8Array {
  if (arch === "x86_64") {
    return new Uint8Array([
      ...x86.callFirstArgument,
      ...[0xb8, ...le32(value)], // mov eax, value
      0xc3, // ret
    ]);
  }
  return words(
    0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
    0x910003fd, // mov x29, sp
    0xd63f0000, // blr x0
    0xa8c17bfd, // ldp x29, x30, [sp], #16
    a64MovzW0(value),
    A64_RET,
  );
}
