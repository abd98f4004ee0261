/**
 * Tiny functions in the host CPU's machine code, for tests that execute
 * what they write. Every helper has an x86-64 (System V) and an AArch64
 * encoding, so each execution test runs on both CPUs.
 *
 * @module
 */

const arch = Deno.build.arch;

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
    // lea eax, [rdi + rsi]; ret
    return new Uint8Array([0x8d, 0x04, 0x37, 0xc3]);
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
