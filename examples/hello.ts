/**
 * The seed's "Basic JITMemoryManager Usage Demo", for the CPU it runs on:
 * allocate, copy machine code in, make it executable, call it.
 *
 *     deno run --allow-ffi examples/hello.ts
 *
 * @module
 */

import { JITMemoryManager } from "../mod.ts";

// A function that returns 42, in the host CPU's machine code.
const code = Deno.build.arch === "x86_64"
  ? new Uint8Array([0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]) // mov eax, 42; ret
  : new Uint8Array(new Uint32Array([0x52800540, 0xd65f03c0]).buffer); // movz w0, #42; ret

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");

console.log("=== Basic JITMemoryManager Usage Demo ===\n");

using manager = new JITMemoryManager();
console.log("1. Memory manager created (no memory allocated yet)");
console.log(`   Allocated: ${manager.isAllocated() ? "Yes" : "No"}`);
console.log(`   Size: ${manager.getSize()} bytes\n`);

const memory = manager.allocate(code.length);
console.log("2. Memory allocated");
console.log(`   Requested size: ${code.length} bytes`);
console.log(`   Actual size: ${manager.getSize()} bytes (page-aligned)`);
console.log(
  `   Memory address: 0x${Deno.UnsafePointer.value(memory).toString(16)}`,
);
console.log(`   Executable: ${manager.isExecutable() ? "Yes" : "No"}\n`);

manager.write(code);
console.log("3. Machine code copied to memory");
console.log(`   Code bytes: ${hex(manager.read(0, code.length))}\n`);

manager.makeExecutable();
console.log("4. Memory permissions changed to executable");
console.log(`   Executable: ${manager.isExecutable() ? "Yes" : "No"}\n`);

const generated = manager.asFunction({ parameters: [], result: "i32" });
console.log("5. Generated function executed");
console.log(`   Result: ${generated()}\n`);

console.log("=== All tests completed successfully! ===");
