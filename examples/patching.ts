/**
 * Patching a live function: the function object keeps working and runs the
 * new code. On Linux the code stays read-execute throughout (the bytes go
 * through a second, writable view of its memory, so other workers may keep
 * running it); elsewhere its page is writable for the moment of the write.
 *
 *     deno run --allow-ffi examples/patching.ts
 *
 * @module
 */

import { CodeBuffer, Instruction } from "../mod.ts";

const aarch64 = Deno.build.arch === "aarch64";

/** `return value` (0..65535) as one instruction, and `ret`. */
const load = (value: number): Instruction =>
  aarch64
    ? new Instruction(0x52800000 | (value << 5)) // MOVZ W0, #value
    : new Instruction([0xb8, value & 0xff, value >> 8, 0, 0]); // mov eax, value
const ret = aarch64 ? new Instruction(0xd65f03c0) : new Instruction([0xc3]);

using codeBuffer = new CodeBuffer();
codeBuffer.commit([load(1), ret]);
const version = codeBuffer.asFunction({ parameters: [], result: "i32" });
console.log(`before patching: version() = ${version()}`);

for (const next of [2, 3, 42]) {
  codeBuffer.patch(0, [load(next)]);
  console.log(`patched to ${load(next)}: version() = ${version()}`);
}

codeBuffer.reset();
try {
  version();
} catch (error) {
  console.log(`after reset(): ${(error as Error).message}`);
}
