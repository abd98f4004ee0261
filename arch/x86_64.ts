/**
 * An x86-64 assembler with GNU as's names and Intel operand order
 * (destination first), producing the same bytes as GNU as.
 *
 * @example A function that returns 42
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer } from "@bcpl/jit-memory";
 * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
 *
 * const asm = new Assembler().mov(eax, 42).ret();
 * assert.deepEqual(asm.bytes(), Uint8Array.of(
 *   0xb8, 0x2a, 0x00, 0x00, 0x00, // mov eax, 42
 *   0xc3, // ret
 * ));
 * if (Deno.build.arch === "x86_64") {
 *   using buffer = new CodeBuffer();
 *   buffer.commit(asm);
 *   assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 42);
 * }
 * ```
 *
 * @module
 */

export { AssemblerBase, Label, type LabelUse } from "./assembler.ts";
export {
  callingConvention,
  SYSTEM_V_X86_64,
  WINDOWS_X64,
  type X86CallingConvention,
} from "./x86_64/calling_convention.ts";
export {
  al,
  bl,
  bpl,
  cl,
  dil,
  dl,
  eax,
  ebp,
  ebx,
  ecx,
  edi,
  edx,
  esi,
  esp,
  r10,
  r10b,
  r10d,
  r11,
  r11b,
  r11d,
  r12,
  r12b,
  r12d,
  r13,
  r13b,
  r13d,
  r14,
  r14b,
  r14d,
  r15,
  r15b,
  r15d,
  r8,
  r8b,
  r8d,
  r9,
  r9b,
  r9d,
  rax,
  rbp,
  rbx,
  rcx,
  rdi,
  rdx,
  rsi,
  rsp,
  sil,
  spl,
  X86Register,
  X86VectorRegister,
  xmm0,
  xmm1,
  xmm10,
  xmm11,
  xmm12,
  xmm13,
  xmm14,
  xmm15,
  xmm2,
  xmm3,
  xmm4,
  xmm5,
  xmm6,
  xmm7,
  xmm8,
  xmm9,
  ymm0,
  ymm1,
  ymm10,
  ymm11,
  ymm12,
  ymm13,
  ymm14,
  ymm15,
  ymm2,
  ymm3,
  ymm4,
  ymm5,
  ymm6,
  ymm7,
  ymm8,
  ymm9,
} from "./x86_64/registers.ts";
export {
  byte,
  type Condition,
  dword,
  type Immediate,
  mem,
  type MemorySize,
  qword,
  X86Memory,
  type X86Operand,
  xmmword,
  ymmword,
} from "./x86_64/operands.ts";
export { Assembler, type ConditionForms } from "./x86_64/assembler.ts";
export { X86SimdAssembler } from "./x86_64/simd_assembler.ts";
