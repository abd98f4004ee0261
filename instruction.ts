/**
 * One encoded machine instruction.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import { assembledCode, AssemblerBase } from "./arch/assembler.ts";
import { show, toBytes } from "./validate.ts";

let encodingOf: (instruction: Instruction) => Uint8Array;

/**
 * One machine instruction as the bytes the CPU fetches.
 *
 * Made from a number, it is one 32-bit instruction word stored
 * little-endian, as AArch64 instructions are; made from bytes, it is a
 * variable-length encoding such as x86-64's. Instructions are immutable.
 *
 * @example An AArch64 return and an x86-64 return
 * ```ts
 * import assert from "node:assert/strict";
 * import { Instruction } from "@bcpl/jit-memory";
 *
 * const ret64 = new Instruction(0xd65f03c0); // AArch64 RET
 * assert.equal(ret64.size, 4);
 * assert.equal(ret64.toString(), "d65f03c0");
 * const retX86 = new Instruction([0xc3]); // x86-64 ret
 * assert.equal(retX86.size, 1);
 * assert.equal(retX86.toString(), "c3");
 * ```
 */
export class Instruction {
  readonly #bytes: Uint8Array;
  readonly #word: number | undefined;

  static {
    encodingOf = (instruction) => instruction.#bytes;
  }

  /**
   * Creates an instruction.
   *
   * @param encoding A 32-bit instruction word (an integer 0..2^32-1), or
   *   the instruction's bytes (integers 0..255, at least one).
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for anything else.
   *
   * @example The seed's two AArch64 instructions
   * ```ts
   * import assert from "node:assert/strict";
   * import { Instruction, JITMemoryManagerError } from "@bcpl/jit-memory";
   *
   * const program = [new Instruction(0xd2800000), new Instruction(0xd65f03c0)]; // MOV X0, #0; RET
   * assert.equal(program.map(String).join(" "), "d2800000 d65f03c0");
   * assert.throws( // a word has 32 bits
   *   () => new Instruction(2 ** 32),
   *   (e) => e instanceof JITMemoryManagerError && e.code === "INVALID_ARGUMENT",
   * );
   * ```
   */
  constructor(encoding: number | ArrayLike<number>) {
    if (typeof encoding === "number") {
      if (
        !Number.isInteger(encoding) || encoding < 0 || encoding > 0xffff_ffff
      ) {
        throw new JITMemoryManagerError(
          "INVALID_ARGUMENT",
          `An instruction word must be an integer 0..2^32-1, got ${
            show(encoding)
          }`,
        );
      }
      this.#word = encoding;
      this.#bytes = new Uint8Array(4);
      new DataView(this.#bytes.buffer).setUint32(0, encoding, true);
      return;
    }
    if (ArrayBuffer.isView(encoding) && !(encoding instanceof Uint8Array)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `An instruction's bytes must be a Uint8Array or an array of numbers, ` +
          `got ${show(encoding)}`,
      );
    }
    const bytes = toBytes(encoding).slice();
    if (bytes.length === 0) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "An instruction needs at least one byte",
      );
    }
    this.#word = undefined;
    this.#bytes = bytes;
  }

  /**
   * The encoding, as a copy.
   *
   * @returns The bytes the CPU fetches, in memory order.
   *
   * @example Little-endian words
   * ```ts
   * import assert from "node:assert/strict";
   * import { Instruction } from "@bcpl/jit-memory";
   *
   * assert.deepEqual(new Instruction(0xd65f03c0).bytes, new Uint8Array([0xc0, 0x03, 0x5f, 0xd6]));
   * ```
   */
  get bytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /**
   * The encoding's length.
   *
   * @returns Bytes: 4 for a word, the byte count otherwise.
   *
   * @example Sizes
   * ```ts
   * import assert from "node:assert/strict";
   * import { Instruction } from "@bcpl/jit-memory";
   *
   * assert.equal(new Instruction([0xb8, 0x2a, 0, 0, 0]).size, 5); // x86-64 mov eax, 42
   * assert.equal(new Instruction(0x52800540).size, 4); // AArch64 mov w0, #42
   * ```
   */
  get size(): number {
    return this.#bytes.length;
  }

  /**
   * The encoding in hex, as disassemblers print it: a word as one 8-digit
   * number, bytes as space-separated pairs.
   *
   * @returns For example `"d65f03c0"` or `"b8 2a 00 00 00"`.
   *
   * @example Printing
   * ```ts
   * import assert from "node:assert/strict";
   * import { Instruction } from "@bcpl/jit-memory";
   *
   * assert.equal(`${new Instruction([0xb8, 0x2a, 0, 0, 0])}`, "b8 2a 00 00 00");
   * assert.equal(`${new Instruction(0x52800540)}`, "52800540");
   * ```
   */
  toString(): string {
    if (this.#word !== undefined) {
      return this.#word.toString(16).padStart(8, "0");
    }
    return [...this.#bytes].map((byte) => byte.toString(16).padStart(2, "0"))
      .join(" ");
  }
}

/**
 * Concatenates instructions into one buffer (one copy, not one per write).
 *
 * @param instructions The program.
 * @returns Its bytes.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` if an element is not an
 * {@linkcode Instruction}.
 */
export function encode(instructions: readonly Instruction[]): Uint8Array {
  let total = 0;
  for (let index = 0; index < instructions.length; index++) {
    const instruction = instructions[index];
    if (!(instruction instanceof Instruction)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `Element ${index} is ${
          show(instruction)
        }, not an Instruction (wrap numbers with new Instruction(...))`,
      );
    }
    total += encodingOf(instruction).length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const instruction of instructions) {
    const bytes = encodingOf(instruction);
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

/**
 * Code as `CodeBuffer` and `CodePool` take it: instructions, bytes, or an
 * assembler, whose laid-out code is copied once, straight from its buffer.
 *
 * @example Committing an assembler
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Code, CodeBuffer } from "@bcpl/jit-memory";
 * import * as x86 from "@bcpl/jit-memory/x86_64";
 * import * as a64 from "@bcpl/jit-memory/aarch64";
 *
 * const code: Code = Deno.build.arch === "x86_64"
 *   ? new x86.Assembler().mov(x86.eax, 42).ret()
 *   : new a64.Assembler().mov(a64.w0, 42).ret();
 * using buffer = new CodeBuffer();
 * buffer.commit(code);
 * assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 42);
 * ```
 */
export type Code = readonly Instruction[] | Uint8Array | AssemblerBase;

/**
 * The bytes of code given as instructions, as bytes or as an assembler.
 *
 * @param code An array of {@linkcode Instruction}s, a typed array whose
 *   raw memory is the code, or an assembler.
 * @returns The bytes (a view, not a copy, of a `Uint8Array` or of the
 *   assembler's buffer).
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for anything else,
 * and what the assembler's layout throws (a branch to an unbound label).
 */
export function codeBytes(code: unknown): Uint8Array {
  if (Array.isArray(code)) return encode(code);
  if (ArrayBuffer.isView(code)) return toBytes(code);
  if (code instanceof AssemblerBase) return assembledCode(code);
  throw new JITMemoryManagerError(
    "INVALID_ARGUMENT",
    "Code must be an array of Instruction objects, a Uint8Array or an assembler",
  );
}
