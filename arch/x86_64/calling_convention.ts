/**
 * The two x86-64 calling conventions JIT'd code meets: System V (Linux,
 * macOS) and Windows x64, and which one this process uses.
 *
 * @module
 */

import { x86CallingConventionName } from "../../platform/mod.ts";
import {
  ecx,
  edi,
  edx,
  esi,
  r12,
  r13,
  r14,
  r15,
  r8,
  r8d,
  r9,
  r9d,
  rax,
  rbp,
  rbx,
  rcx,
  rdi,
  rdx,
  rsi,
  type X86Register,
} from "./registers.ts";

/**
 * Where a function finds its arguments and what it must preserve, as far
 * as JIT'd code called through `asFunction` needs to know.
 *
 * @example Saving what a convention wants kept
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, WINDOWS_X64 } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler();
 * for (const register of WINDOWS_X64.calleeSaved) asm.push(register);
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0x53, 0x55, 0x57, 0x56, // push rbx; push rbp; push rdi; push rsi
 *   0x41, 0x54, 0x41, 0x55, // push r12; push r13
 *   0x41, 0x56, 0x41, 0x57, // push r14; push r15
 * ));
 * ```
 */
export interface X86CallingConvention {
  /** `"sysv"` (System V AMD64 ABI) or `"win64"` (Microsoft x64). */
  readonly name: "sysv" | "win64";
  /** The 64-bit registers of the integer and pointer arguments, in order. */
  readonly integerArguments: readonly X86Register[];
  /** The same registers' 32-bit halves, for `i32`/`u32` arguments. */
  readonly integerArguments32: readonly X86Register[];
  /** How many `xmm` registers carry float arguments (xmm0 upwards). */
  readonly floatArgumentCount: number;
  /**
   * Whether integer and float arguments share positions (Windows x64: the
   * third argument is in r8 or xmm2, whatever the first two were) rather
   * than counting each class on its own (System V).
   */
  readonly sharedArgumentPositions: boolean;
  /** Where an integer or pointer result goes. */
  readonly result: X86Register;
  /** The general-purpose registers a function must give back unchanged. */
  readonly calleeSaved: readonly X86Register[];
  /** The `xmm` registers (by number) a function must give back unchanged. */
  readonly calleeSavedXmm: readonly number[];
  /**
   * Bytes the caller reserves above the return address for the callee to
   * spill its register arguments into (32 on Windows x64), so a function
   * that calls another reserves them too.
   */
  readonly shadowSpace: number;
  /** Bytes below `rsp` a leaf function may use without moving it. */
  readonly redZone: number;
}

/**
 * The System V AMD64 ABI, used by Linux and macOS.
 *
 * @example Its argument registers
 * ```ts
 * import { SYSTEM_V_X86_64 } from "@bcpl/jit-memory/x86_64";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   SYSTEM_V_X86_64.integerArguments.map((register) => register.name),
 *   ["rdi", "rsi", "rdx", "rcx", "r8", "r9"],
 * );
 * ```
 */
export const SYSTEM_V_X86_64: X86CallingConvention = Object.freeze({
  name: "sysv",
  integerArguments: Object.freeze([rdi, rsi, rdx, rcx, r8, r9]),
  integerArguments32: Object.freeze([edi, esi, edx, ecx, r8d, r9d]),
  floatArgumentCount: 8,
  sharedArgumentPositions: false,
  result: rax,
  calleeSaved: Object.freeze([rbx, rbp, r12, r13, r14, r15]),
  calleeSavedXmm: Object.freeze([]),
  shadowSpace: 0,
  redZone: 128,
});

/**
 * The Microsoft x64 calling convention, used by Windows.
 *
 * @example Its argument registers and shadow space
 * ```ts
 * import { WINDOWS_X64 } from "@bcpl/jit-memory/x86_64";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   WINDOWS_X64.integerArguments.map((register) => register.name),
 *   ["rcx", "rdx", "r8", "r9"],
 * );
 * assert.equal(WINDOWS_X64.shadowSpace, 32);
 * ```
 */
export const WINDOWS_X64: X86CallingConvention = Object.freeze({
  name: "win64",
  integerArguments: Object.freeze([rcx, rdx, r8, r9]),
  integerArguments32: Object.freeze([ecx, edx, r8d, r9d]),
  floatArgumentCount: 4,
  sharedArgumentPositions: true,
  result: rax,
  calleeSaved: Object.freeze([rbx, rbp, rdi, rsi, r12, r13, r14, r15]),
  calleeSavedXmm: Object.freeze([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
  shadowSpace: 32,
  redZone: 0,
});

/**
 * The x86-64 calling convention of functions called from this process:
 * {@linkcode WINDOWS_X64} on Windows, {@linkcode SYSTEM_V_X86_64}
 * elsewhere. What `asFunction` expects JIT'd x86-64 code to follow.
 *
 * @returns The convention.
 *
 * @example Adding the first two arguments, wherever it runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, callingConvention, eax, mem } from "@bcpl/jit-memory/x86_64";
 *
 * const cc = callingConvention();
 * assert.equal(cc.name, Deno.build.os === "windows" ? "win64" : "sysv");
 * const [a, b] = cc.integerArguments;
 * const asm = new Assembler().lea(eax, mem(a, b, 1)).ret();
 * assert.deepEqual(
 *   asm.bytes(),
 *   cc.name === "win64"
 *     ? Uint8Array.of(0x8d, 0x04, 0x11, 0xc3) // lea eax, [rcx+rdx*1]; ret
 *     : Uint8Array.of(0x8d, 0x04, 0x37, 0xc3), // lea eax, [rdi+rsi*1]; ret
 * );
 * ```
 */
export function callingConvention(): X86CallingConvention {
  return x86CallingConventionName() === "win64" ? WINDOWS_X64 : SYSTEM_V_X86_64;
}
