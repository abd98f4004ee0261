/**
 * The seed's CodeBuffer example, then a function with arguments.
 *
 *     deno run --allow-ffi examples/code_buffer.ts
 *
 * @module
 */

import { CodeBuffer, Instruction } from "../mod.ts";
import { Assembler, callingConvention, rax } from "../arch/x86_64.ts";

const aarch64 = Deno.build.arch === "aarch64";

// The seed's example: literally MOV X0, #0; RET on AArch64, and the
// equivalent xor eax, eax; ret on x86-64.
const returnZero = aarch64
  ? [
    new Instruction(0xd2800000), // MOV X0, #0
    new Instruction(0xd65f03c0), // RET
  ]
  : [
    new Instruction([0x31, 0xc0]), // xor eax, eax
    new Instruction([0xc3]), // ret
  ];

{
  using codeBuffer = new CodeBuffer();
  const executableCode = codeBuffer.commit(returnZero);
  console.log(
    `Committed ${codeBuffer.size} bytes at 0x${
      Deno.UnsafePointer.value(executableCode).toString(16)
    }: ${returnZero.join(" ")}`,
  );
  const func = codeBuffer.asFunction({ parameters: [], result: "i64" });
  console.log(`func() = ${func()}`);
}

// A function with arguments: (a, b) => a * b + 1 on 64-bit integers. On
// x86-64 the arguments' registers depend on the OS's calling convention:
// rdi and rsi (System V: Linux, macOS) or rcx and rdx (Windows x64), so
// the code comes from the assembler, with the registers callingConvention()
// names. It calls nothing, so needs no shadow space.
const [a, b] = callingConvention().integerArguments;
const multiplyAdd = aarch64
  ? [
    new Instruction(0x9b017c00), // MUL X0, X0, X1
    new Instruction(0x91000400), // ADD X0, X0, #1
    new Instruction(0xd65f03c0), // RET
  ]
  : new Assembler()
    .mov(rax, a)
    .imul(rax, b)
    .add(rax, 1)
    .ret()
    .instructions();

using codeBuffer = new CodeBuffer();
codeBuffer.commit(multiplyAdd);
const mulAdd = codeBuffer.asFunction({
  parameters: ["i64", "i64"],
  result: "i64",
});
for (const [x, y] of [[6n, 7n], [-3n, 5n], [1n << 40n, 3n]]) {
  console.log(`multiplyAdd(${x}, ${y}) = ${mulAdd(x, y)}`);
}
