import assert from "node:assert/strict";
import { PATCHED_CODE_PERMISSIONS } from "./helpers/host.ts";
import {
  CodeBuffer,
  type CodeBufferOptions,
  Instruction,
  JITMemoryManager,
} from "../mod.ts";
import { errorCodeOf } from "./helpers/error_code.ts";
import {
  addInt32,
  countTo,
  returnConstant,
  returnConstantPatch,
  seedReturnZero,
} from "./helpers/machine_code.ts";
import { permissionsOf } from "./helpers/memory_map.ts";
import { bytesAt, VIEW_REWRITES_INVISIBLE } from "./helpers/emulation.ts";

const PAGE = JITMemoryManager.getPageSize();
const i32Thunk = { parameters: [], result: "i32" } as const;

function program(encodings: (number | number[])[]): Instruction[] {
  return encodings.map((encoding) => new Instruction(encoding));
}

/** Splits code bytes into one-byte instructions (any split is valid). */
function asInstructions(bytes: Uint8Array): Instruction[] {
  return [...bytes].map((byte) => new Instruction([byte]));
}

Deno.test("commit() makes host code executable and callable", () => {
  using buffer = new CodeBuffer();
  const pointer = buffer.commit(asInstructions(returnConstant(42)));
  assert.notEqual(pointer, null);
  assert.equal(buffer.isCommitted(), true);
  assert.equal(buffer.getMemoryPointer(), pointer);
  assert.deepEqual(permissionsOf(pointer, buffer.capacity), ["r-xp"]);
  assert.equal(buffer.asFunction(i32Thunk)(), 42);
});

Deno.test("the seed's example (MOV X0, #0; RET or xor eax, eax; ret) returns 0", () => {
  using buffer = new CodeBuffer();
  buffer.commit(program(seedReturnZero()));
  assert.equal(buffer.asFunction({ parameters: [], result: "i64" })(), 0n);
});

Deno.test("arguments pass: add(a, b) returns correct sums, negatives included", () => {
  using buffer = new CodeBuffer();
  buffer.commit(asInstructions(addInt32()));
  const add = buffer.asFunction({ parameters: ["i32", "i32"], result: "i32" });
  for (const [a, b] of [[1, 2], [-5, 3], [-5, -7], [2 ** 31 - 1, 1], [0, 0]]) {
    assert.equal(add(a, b), (a + b) | 0);
  }
});

Deno.test("commit(Uint8Array) works like the instruction list", () => {
  using buffer = new CodeBuffer();
  const code = returnConstant(7);
  buffer.commit(code);
  assert.equal(buffer.size, code.length);
  assert.equal(buffer.asFunction(i32Thunk)(), 7);
});

Deno.test("size is the committed byte count; capacity the mapped, page-rounded size", () => {
  using buffer = new CodeBuffer();
  assert.equal(buffer.size, 0);
  assert.equal(buffer.capacity, 0);
  assert.equal(buffer.getMemoryPointer(), null);
  const code = returnConstant(1);
  buffer.commit(code);
  assert.equal(buffer.size, code.length);
  assert.equal(buffer.capacity, PAGE);
  using preallocated = new CodeBuffer({ capacity: PAGE + 1 });
  assert.equal(preallocated.capacity, 2 * PAGE);
  assert.equal(preallocated.size, 0);
  assert.deepEqual(permissionsOf(preallocated.getMemoryPointer(), 2 * PAGE), [
    "rw-p",
  ]);
});

Deno.test("a second commit throws ALREADY_COMMITTED and keeps the first", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(1));
  assert.equal(
    errorCodeOf(() => buffer.commit(returnConstant(2))),
    "ALREADY_COMMITTED",
  );
  assert.equal(buffer.asFunction(i32Thunk)(), 1);
});

Deno.test("reset() makes the memory rw-p; the next commit reuses the address and runs the new code", () => {
  using buffer = new CodeBuffer();
  const first = buffer.commit(returnConstant(1));
  const old = buffer.asFunction(i32Thunk);
  assert.equal(old(), 1);
  buffer.reset();
  assert.equal(buffer.isCommitted(), false);
  assert.equal(buffer.size, 0);
  assert.deepEqual(permissionsOf(first, buffer.capacity), ["rw-p"]);
  assert.equal(errorCodeOf(old), "NOT_EXECUTABLE");
  const second = buffer.commit(returnConstant(2));
  assert.ok(Deno.UnsafePointer.equals(first, second));
  assert.equal(buffer.asFunction(i32Thunk)(), 2);
  assert.equal(
    errorCodeOf(old),
    "NOT_EXECUTABLE",
    "a function of the old commit must not run the new code",
  );
});

Deno.test("reset() with nothing committed does nothing", () => {
  using buffer = new CodeBuffer();
  buffer.reset();
  buffer.commit(returnConstant(3));
  buffer.reset();
  buffer.reset();
  assert.equal(buffer.isCommitted(), false);
});

Deno.test("without a capacity, a larger commit after reset() maps a larger region", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(1));
  const small = buffer.asFunction(i32Thunk);
  buffer.reset();
  const big = new Uint8Array(3 * PAGE).fill(
    Deno.build.arch === "x86_64" ? 0x90 : 0,
  );
  const tail = returnConstant(5);
  big.set(tail, big.length - tail.length);
  buffer.commit(big);
  assert.equal(buffer.capacity, 3 * PAGE);
  assert.equal(buffer.asFunction(i32Thunk, big.length - tail.length)(), 5);
  assert.equal(errorCodeOf(small), "NOT_EXECUTABLE");
});

Deno.test("with capacity 65536, a larger commit throws OUT_OF_BOUNDS and leaves the buffer usable", () => {
  using buffer = new CodeBuffer({ capacity: 65536 });
  const pointer = buffer.getMemoryPointer();
  assert.equal(
    errorCodeOf(() => buffer.commit(new Uint8Array(65537))),
    "OUT_OF_BOUNDS",
  );
  assert.equal(buffer.isCommitted(), false);
  assert.equal(buffer.capacity, 65536);
  assert.ok(
    Deno.UnsafePointer.equals(buffer.commit(returnConstant(9)), pointer),
  );
  assert.equal(buffer.asFunction(i32Thunk)(), 9);
  buffer.reset();
  const exactlyFull = new Uint8Array(65536);
  exactlyFull.set(returnConstant(10));
  buffer.commit(exactlyFull);
  assert.equal(buffer.asFunction(i32Thunk)(), 10);
});

Deno.test("patch() changes a committed function's result and leaves the code read-execute", () => {
  using buffer = new CodeBuffer();
  buffer.commit(asInstructions(returnConstant(100)));
  const f = buffer.asFunction(i32Thunk);
  assert.equal(f(), 100);
  const { offset, bytes } = returnConstantPatch(200);
  buffer.patch(offset, asInstructions(bytes));
  assert.equal(f(), 200);
  buffer.patch(offset, returnConstantPatch(300).bytes);
  if (VIEW_REWRITES_INVISIBLE) {
    assert.deepEqual(
      bytesAt(buffer.getMemoryPointer()!, returnConstant(300).length),
      [...returnConstant(300)],
    );
  } else {
    assert.equal(f(), 300);
  }
  assert.deepEqual(permissionsOf(buffer.getMemoryPointer(), buffer.capacity), [
    PATCHED_CODE_PERMISSIONS,
  ]);
  // After a reset the next commit is seen by every CPU and emulator.
  buffer.reset();
  buffer.commit(returnConstant(400));
  assert.equal(buffer.asFunction(i32Thunk)(), 400);
});

Deno.test("patch() past the committed code or without a commit throws", () => {
  using buffer = new CodeBuffer({ capacity: PAGE });
  assert.equal(
    errorCodeOf(() => buffer.patch(0, returnConstant(1))),
    "NOT_EXECUTABLE",
  );
  const code = returnConstant(1);
  buffer.commit(code);
  assert.equal(
    errorCodeOf(() => buffer.patch(code.length, [new Instruction([0x90])])),
    "OUT_OF_BOUNDS",
  );
  assert.equal(
    errorCodeOf(() => buffer.patch(-1, [new Instruction([0x90])])),
    "OUT_OF_BOUNDS",
  );
  assert.equal(buffer.asFunction(i32Thunk)(), 1);
});

Deno.test("asFunction() needs a commit and an offset inside the committed code", () => {
  using buffer = new CodeBuffer();
  assert.equal(
    errorCodeOf(() => buffer.asFunction(i32Thunk)),
    "NOT_EXECUTABLE",
  );
  const code = returnConstant(1);
  buffer.commit(code);
  assert.equal(
    errorCodeOf(() => buffer.asFunction(i32Thunk, code.length)),
    "OUT_OF_BOUNDS",
  );
  assert.equal(
    errorCodeOf(() =>
      buffer.asFunction(
        { parameters: [], result: "nope" } as unknown as Deno.ForeignFunction,
      )
    ),
    "INVALID_ARGUMENT",
  );
});

Deno.test("commit([]) and empty bytes throw INVALID_SIZE; non-code throws INVALID_ARGUMENT", () => {
  using buffer = new CodeBuffer();
  assert.equal(errorCodeOf(() => buffer.commit([])), "INVALID_SIZE");
  assert.equal(
    errorCodeOf(() => buffer.commit(new Uint8Array(0))),
    "INVALID_SIZE",
  );
  for (const bad of [[0xc3], ["c3"], [null], "c3", null, undefined, 42, {}]) {
    assert.equal(
      errorCodeOf(() => buffer.commit(bad as Instruction[])),
      "INVALID_ARGUMENT",
      String(bad),
    );
  }
  assert.equal(buffer.isCommitted(), false);
  assert.equal(buffer.getMemoryPointer(), null, "nothing was mapped");
});

Deno.test("bad capacities throw INVALID_SIZE", () => {
  for (const capacity of [0, -1, 1.5, NaN, "4096", 2 ** 53]) {
    assert.equal(
      errorCodeOf(() => new CodeBuffer({ capacity: capacity as number })),
      "INVALID_SIZE",
    );
  }
  assert.equal(
    errorCodeOf(() => new CodeBuffer(null as unknown as CodeBufferOptions)),
    "INVALID_ARGUMENT",
  );
});

Deno.test("a function of 100,000 instructions commits and returns 100000", () => {
  using buffer = new CodeBuffer();
  const instructions = program(countTo(100_000));
  assert.equal(instructions.length, 100_002);
  buffer.commit(instructions);
  assert.equal(buffer.asFunction(i32Thunk)(), 100_000);
});

Deno.test("using unmaps at block end; functions then throw NOT_ALLOCATED", () => {
  let pointer: Deno.PointerValue = null;
  let capacity = 0;
  let f: (() => number) | undefined;
  {
    using buffer = new CodeBuffer();
    pointer = buffer.commit(returnConstant(4));
    capacity = buffer.capacity;
    f = buffer.asFunction(i32Thunk);
    assert.equal(f(), 4);
  }
  assert.deepEqual(permissionsOf(pointer, capacity), []);
  assert.equal(errorCodeOf(f), "NOT_ALLOCATED");
});

Deno.test("a disposed buffer can commit again into fresh memory", () => {
  const buffer = new CodeBuffer({ capacity: PAGE });
  buffer.commit(returnConstant(1));
  buffer[Symbol.dispose]();
  assert.equal(buffer.isCommitted(), false);
  assert.equal(buffer.capacity, 0);
  buffer.commit(returnConstant(2));
  assert.equal(buffer.capacity, PAGE);
  assert.equal(buffer.asFunction(i32Thunk)(), 2);
  buffer[Symbol.dispose]();
});
