import assert from "node:assert/strict";
import { JITMemoryManager } from "../mod.ts";
import { errorCodeOf } from "./helpers/error_code.ts";
import { returnConstant } from "./helpers/machine_code.ts";

const i32Thunk = { parameters: [], result: "i32" } as const;

Deno.test("a function throws NOT_EXECUTABLE while its region is writable", () => {
  using memory = new JITMemoryManager(4096);
  memory.write(returnConstant(42));
  const early = memory.asFunction(i32Thunk);
  assert.equal(errorCodeOf(early), "NOT_EXECUTABLE");
  memory.makeExecutable();
  assert.equal(early(), 42);
  memory.makeWritable();
  assert.equal(errorCodeOf(early), "NOT_EXECUTABLE");
  memory.makeExecutable();
  assert.equal(early(), 42);
});

Deno.test("a function throws NOT_ALLOCATED after deallocate(), also after a new allocate()", () => {
  const memory = new JITMemoryManager(4096);
  memory.write(returnConstant(42));
  memory.makeExecutable();
  const f = memory.asFunction(i32Thunk);
  assert.equal(f(), 42);
  memory.deallocate();
  assert.equal(errorCodeOf(f), "NOT_ALLOCATED");
  memory.allocate(4096);
  memory.write(returnConstant(7));
  memory.makeExecutable();
  assert.equal(errorCodeOf(f), "NOT_ALLOCATED");
  assert.equal(memory.asFunction(i32Thunk)(), 7);
  memory.deallocate();
});

Deno.test("a function exposes its pointer and definition", () => {
  using memory = new JITMemoryManager(4096);
  const f = memory.asFunction(i32Thunk, 16);
  assert.equal(f.definition, i32Thunk);
  assert.equal(
    Deno.UnsafePointer.value(f.pointer),
    Deno.UnsafePointer.value(memory.getMemoryPointer()) + 16n,
  );
});

Deno.test("asFunction() rejects offsets outside the region", () => {
  using memory = new JITMemoryManager(4096);
  const size = memory.getSize();
  assert.equal(
    errorCodeOf(() => memory.asFunction(i32Thunk, size)),
    "OUT_OF_BOUNDS",
  );
  assert.equal(
    errorCodeOf(() => memory.asFunction(i32Thunk, -1)),
    "OUT_OF_BOUNDS",
  );
  assert.equal(
    errorCodeOf(() => memory.asFunction(i32Thunk, 0.5)),
    "INVALID_ARGUMENT",
  );
});

Deno.test("asFunction() rejects definitions Deno could not call", () => {
  using memory = new JITMemoryManager(4096);
  const bad: unknown[] = [
    undefined,
    null,
    "i32",
    {},
    { parameters: "i32", result: "i32" },
    { parameters: ["int"], result: "i32" },
    { parameters: [], result: "int" },
    { parameters: [], result: "i32", nonblocking: true },
    { parameters: [{ struct: [] }], result: "void" },
  ];
  for (const definition of bad) {
    assert.equal(
      errorCodeOf(() => memory.asFunction(definition as Deno.ForeignFunction)),
      "INVALID_ARGUMENT",
      JSON.stringify(definition),
    );
  }
});

Deno.test("a call with arguments of the wrong type throws INVALID_ARGUMENT", () => {
  using memory = new JITMemoryManager(4096);
  memory.write(returnConstant(1));
  memory.makeExecutable();
  const f = memory.asFunction({ parameters: ["pointer"], result: "i32" });
  assert.equal(
    errorCodeOf(() => (f as (x: unknown) => number)("not a pointer")),
    "INVALID_ARGUMENT",
  );
});

Deno.test("asFunction() takes any byte offset on x86-64 and only 4-byte boundaries on AArch64", () => {
  using memory = new JITMemoryManager(4096);
  memory.write(returnConstant(3), 2);
  memory.makeExecutable();
  if (Deno.build.arch === "x86_64") {
    assert.equal(memory.asFunction(i32Thunk, 2)(), 3);
  } else {
    assert.equal(
      errorCodeOf(() => memory.asFunction(i32Thunk, 2)),
      "INVALID_ARGUMENT",
    );
  }
});
