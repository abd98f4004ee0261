/**
 * Executable memory for JIT compilers in Deno.
 *
 * jit-memory maps page-aligned regions with the operating system's own
 * allocator (`mmap`/`mprotect`/`munmap` from libc, `VirtualAlloc` and
 * friends from kernel32) through `Deno.dlopen`, keeps them writable or
 * executable but never both (W^X), makes the instruction cache coherent
 * before code runs, and turns committed machine code into plain callable
 * functions that refuse to run once their memory is writable or freed.
 *
 * Importing needs no permission; the first call that touches memory needs
 * `--allow-ffi` and otherwise throws a `JITMemoryManagerError` with code
 * `FFI_PERMISSION`.
 *
 * @example Running machine code written at run time
 * ```ts
 * import assert from "node:assert/strict";
 * import { JITMemoryManager } from "@bcpl/jit-memory";
 *
 * const code = Deno.build.arch === "x86_64"
 *   ? new Uint8Array([0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]) // mov eax, 42; ret
 *   : new Uint32Array([0x52800540, 0xd65f03c0]); // mov w0, #42; ret
 *
 * using memory = new JITMemoryManager(code.byteLength);
 * memory.write(code);
 * memory.makeExecutable();
 * const answer = memory.asFunction({ parameters: [], result: "i32" });
 * assert.equal(answer(), 42);
 * ```
 *
 * @module
 */

export { JITMemoryManager } from "./jit_memory_manager.ts";
export { CodeBuffer, type CodeBufferOptions } from "./code_buffer.ts";
export { type Code, Instruction } from "./instruction.ts";
export { AssemblerBase, Label } from "./arch/assembler.ts";
export {
  type AddOptions,
  CodePool,
  type CodePoolOptions,
  type CodePoolStats,
  CodeSpan,
  type PoolCode,
  type PoolStrategy,
} from "./code_pool.ts";
export {
  type JITErrorCode,
  JITMemoryManagerError,
  type JITMemoryManagerErrorOptions,
  type SystemErrorReason,
} from "./errors.ts";
export {
  type AsFunctionOptions,
  AUTO_BIND_AFTER,
  type FastMode,
  type NativeFunction,
} from "./native_function.ts";
export type { ByteSource } from "./validate.ts";
export type { CodeSymbol, NameOptions } from "./code_names.ts";
export { enablePerfMap, type PerfMap } from "./perf_map.ts";
export { enableDebuggerRegistration } from "./debugger_registration.ts";
export {
  type CpuFeature,
  type CpuFeatures,
  cpuFeatures,
} from "./cpu_features.ts";
