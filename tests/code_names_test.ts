// Names for code: checked like every argument, kept while the code lives,
// dropped when it is released, reset or deallocated, and never a reason for
// a commit to fail.
import assert from "node:assert/strict";
import {
  CodeBuffer,
  CodePool,
  JITMemoryManager,
  JITMemoryManagerError,
} from "../mod.ts";
import {
  addNameSink,
  type NamedCode,
  namedCode,
  removeNameSink,
} from "../code_names.ts";
import { returnConstant } from "./helpers/machine_code.ts";

/** The names of live code that starts at `pointer`. */
function namesAt(pointer: Deno.PointerValue): string[] {
  const address = Deno.UnsafePointer.value(pointer);
  return namedCode()
    .filter((code) => code.address === address)
    .flatMap((code) => code.symbols.map((symbol) => symbol.name));
}

function rejects(
  run: () => unknown,
  code: "INVALID_ARGUMENT" | "OUT_OF_BOUNDS",
  pattern: RegExp,
): void {
  assert.throws(
    run,
    (error) =>
      error instanceof JITMemoryManagerError && error.code === code &&
      pattern.test(error.message),
  );
}

Deno.test("names: a buffer's commit is named until reset() or disposal", () => {
  const code = returnConstant(1);
  const buffer = new CodeBuffer();
  const pointer = buffer.commit(code, { name: "first" });
  assert.deepEqual(namesAt(pointer), ["first"]);
  assert.equal(
    namedCode().find((c) => c.symbols[0].name === "first")!.symbols[0].size,
    code.length,
  );
  buffer.reset();
  assert.deepEqual(namesAt(pointer), []);
  buffer.commit(code, { name: "second" });
  assert.deepEqual(namesAt(pointer), ["second"]);
  buffer[Symbol.dispose]();
  assert.deepEqual(namesAt(pointer), []);
});

Deno.test("names: pool spans (name, symbols, addMany) are named until released or the pool is disposed", () => {
  const code = returnConstant(2);
  const pool = new CodePool();
  const one = pool.add(code, { name: "one", align: 64 });
  const [two, three] = pool.addMany([
    { code, name: "two" },
    {
      code: new Uint8Array(64),
      symbols: [{ name: "a", offset: 0, size: 8 }, {
        name: "b",
        offset: 32,
        size: 32,
      }],
    },
  ]);
  assert.deepEqual(namesAt(one.pointer), ["one"]);
  assert.deepEqual(namesAt(two.pointer), ["two"]);
  assert.deepEqual(namesAt(three.pointer), ["a", "b"]);
  one.release();
  assert.deepEqual(namesAt(one.pointer), []);
  pool[Symbol.dispose]();
  assert.deepEqual(namesAt(two.pointer), []);
  assert.deepEqual(namesAt(three.pointer), []);
});

Deno.test("names: a manager's symbols replace each other, move with transfer(), and go with deallocate()", () => {
  const memory = new JITMemoryManager(4096);
  memory.write(returnConstant(3));
  memory.makeExecutable({ symbols: [{ name: "old", offset: 0, size: 4 }] });
  const pointer = memory.getMemoryPointer();
  memory.makeWritable();
  memory.makeExecutable({ name: "whole" });
  assert.deepEqual(namesAt(pointer), ["whole"]);
  memory.makeWritable();
  memory.makeExecutable(); // no names given: the old ones stay
  assert.deepEqual(namesAt(pointer), ["whole"]);
  const moved = memory.transfer();
  assert.deepEqual(namesAt(pointer), ["whole"]);
  moved.deallocate();
  assert.deepEqual(namesAt(pointer), []);
});

Deno.test("names: bad names and symbols are refused before anything is committed", () => {
  const code = returnConstant(4);
  using buffer = new CodeBuffer();
  rejects(
    () => buffer.commit(code, { name: "" }),
    "INVALID_ARGUMENT",
    /name must be a non-empty string/,
  );
  rejects(
    () => buffer.commit(code, { name: 7 as unknown as string }),
    "INVALID_ARGUMENT",
    /non-empty string, got 7/,
  );
  rejects(
    () => buffer.commit(code, { name: "two\nlines" }),
    "INVALID_ARGUMENT",
    /newline/,
  );
  rejects(
    () => buffer.commit(code, { name: "x".repeat(1025) }),
    "INVALID_ARGUMENT",
    /longer than 1024/,
  );
  rejects(
    () => buffer.commit(code, { name: "a", symbols: [] }),
    "INVALID_ARGUMENT",
    /not both/,
  );
  rejects(
    () => buffer.commit(code, null as unknown as { name: string }),
    "INVALID_ARGUMENT",
    /Options must be an object/,
  );
  rejects(
    () => buffer.commit(code, { symbols: {} as unknown as [] }),
    "INVALID_ARGUMENT",
    /symbols must be an array/,
  );
  rejects(
    () =>
      buffer.commit(code, {
        symbols: [
          null as unknown as { name: string; offset: number; size: number },
        ],
      }),
    "INVALID_ARGUMENT",
    /symbols\[0\] must be/,
  );
  rejects(
    () =>
      buffer.commit(code, { symbols: [{ name: "f", offset: 0.5, size: 1 }] }),
    "INVALID_ARGUMENT",
    /offset must be an integer/,
  );
  rejects(
    () =>
      buffer.commit(code, {
        symbols: [{ name: "f", offset: 0, size: code.length + 1 }],
      }),
    "OUT_OF_BOUNDS",
    /does not lie inside/,
  );
  rejects(
    () =>
      buffer.commit(code, { symbols: [{ name: "f", offset: -1, size: 1 }] }),
    "OUT_OF_BOUNDS",
    /does not lie inside/,
  );
  rejects(
    () => buffer.commit(code, { symbols: [{ name: "f", offset: 0, size: 0 }] }),
    "OUT_OF_BOUNDS",
    /does not lie inside/,
  );
  assert.equal(buffer.isCommitted(), false);
  using pool = new CodePool();
  rejects(() => pool.add(code, { name: "" }), "INVALID_ARGUMENT", /name/);
  rejects(
    () => pool.addMany([code, { code, name: "\0" }]),
    "INVALID_ARGUMENT",
    /NUL/,
  );
  assert.equal(pool.stats().allocations, 0);
  using memory = new JITMemoryManager(4096);
  rejects(
    () =>
      memory.makeExecutable({
        symbols: [{ name: "f", offset: 4096, size: 1 }],
      }),
    "OUT_OF_BOUNDS",
    /does not lie inside/,
  );
  assert.equal(memory.isExecutable(), false);
});

Deno.test("names: a sink that throws (a tool's file full, say) does not fail the commit or stop other sinks", () => {
  const heard: string[] = [];
  const failing = {
    added(): void {
      throw new Error("disk full");
    },
    removed(): void {
      throw new Error("disk full");
    },
  };
  const listening = {
    added: (code: NamedCode): void => {
      heard.push(`+${code.symbols[0].name}`);
    },
    removed: (code: NamedCode): void => {
      heard.push(`-${code.symbols[0].name}`);
    },
  };
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]): void => {
    errors.push(args.join(" "));
  };
  addNameSink(failing);
  addNameSink(listening);
  try {
    using buffer = new CodeBuffer();
    const pointer = buffer.commit(returnConstant(5), { name: "survivor" });
    assert.deepEqual(namesAt(pointer), ["survivor"]);
    assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 5);
  } finally {
    removeNameSink(failing);
    removeNameSink(listening);
    console.error = original;
  }
  assert.deepEqual(heard, ["+survivor", "-survivor"]);
  assert.equal(errors.length, 1, "reported once");
  assert.match(String(errors[0]), /disk full/);
});

Deno.test("names: a sink added late hears of the code already named", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(6), { name: "early" });
  const heard: string[] = [];
  const sink = {
    added: (code: NamedCode): void => {
      heard.push(...code.symbols.map((symbol) => symbol.name));
    },
    removed: (): void => {},
  };
  addNameSink(sink);
  removeNameSink(sink);
  assert.ok(heard.includes("early"));
});
