import assert from "node:assert/strict";
import { Instruction, JITMemoryManagerError } from "../mod.ts";

function assertInvalid(encoding: unknown): void {
  assert.throws(
    () => new Instruction(encoding as number),
    (error) =>
      error instanceof JITMemoryManagerError &&
      error.code === "INVALID_ARGUMENT",
    `new Instruction(${String(encoding)}) should throw INVALID_ARGUMENT`,
  );
}

Deno.test("new Instruction(word) stores the word little-endian", () => {
  const ret = new Instruction(0xd65f03c0);
  assert.deepEqual([...ret.bytes], [0xc0, 0x03, 0x5f, 0xd6]);
  assert.equal(ret.size, 4);
  assert.deepEqual([...new Instruction(0).bytes], [0, 0, 0, 0]);
  assert.deepEqual([...new Instruction(0xffffffff).bytes], [
    255,
    255,
    255,
    255,
  ]);
});

Deno.test("new Instruction(bytes) holds a variable-length encoding", () => {
  assert.deepEqual([...new Instruction([0xc3]).bytes], [0xc3]);
  const mov = new Instruction(new Uint8Array([0xb8, 0x2a, 0, 0, 0]));
  assert.equal(mov.size, 5);
  assert.deepEqual([...mov.bytes], [0xb8, 0x2a, 0, 0, 0]);
});

Deno.test("toString() prints hex as disassemblers do", () => {
  assert.equal(new Instruction(0xd65f03c0).toString(), "d65f03c0");
  assert.equal(new Instruction(0x1f).toString(), "0000001f");
  assert.equal(
    String(new Instruction([0xb8, 0x2a, 0, 0, 0])),
    "b8 2a 00 00 00",
  );
});

Deno.test("an Instruction cannot be changed through its bytes or its source", () => {
  const source = new Uint8Array([0x90]);
  const nop = new Instruction(source);
  source[0] = 0xcc;
  nop.bytes[0] = 0xcc;
  assert.deepEqual([...nop.bytes], [0x90]);
});

Deno.test("bad words and bytes throw INVALID_ARGUMENT", () => {
  for (
    const bad of [
      2 ** 32,
      -1,
      1.5,
      NaN,
      Infinity,
      [256],
      [-1],
      [0.5],
      [],
      new Uint8Array(0),
      ["c3"],
      "c3",
      null,
      undefined,
      1n,
      new Uint32Array([0xd65f03c0]),
    ]
  ) {
    assertInvalid(bad);
  }
});
