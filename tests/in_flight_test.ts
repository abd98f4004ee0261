// Calls in flight: code that calls back into JavaScript, where the
// callback releases, reprotects or rewrites the code that is running.
import assert from "node:assert/strict";
import { CodeBuffer, CodePool, JITMemoryManager } from "../mod.ts";
import type { Outcome } from "./fixtures/release_from_callback.ts";
import { fixture, runDeno } from "./helpers/deno_child.ts";
import { errorCodeOf } from "./helpers/error_code.ts";
import { DUAL_MAPPING } from "./helpers/host.ts";
import { callThenReturn, returnConstant } from "./helpers/machine_code.ts";

const definition = { parameters: ["pointer"], result: "i32" } as const;

Deno.test("releasing, reprotecting or rewriting running code from a callback ends as documented on both call paths, never with a signal (child process)", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    "--allow-read",
    fixture("release_from_callback.ts"),
  ]);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  const report: Record<string, Outcome> = JSON.parse(result.stdout);
  const expected: Record<string, Outcome> = {
    // Freed later: the object is released at once, the memory when the
    // last call returns.
    "manager.deallocate": {
      inCallback: "done, allocated false, mapped true",
      result: 42,
      after: { mapped: false, again: "NOT_ALLOCATED" },
    },
    "buffer.dispose": {
      inCallback: "done, committed false, mapped true",
      result: 42,
      after: { mapped: false, again: "NOT_ALLOCATED" },
    },
    "span.release dual-map": {
      inCallback:
        "done, released true, allocations 0, pending true, trapped false",
      result: 42,
      after: { pending: 0, trapped: true, again: "NOT_ALLOCATED" },
    },
    "span.release mprotect": {
      inCallback:
        "done, released true, allocations 0, pending true, trapped false",
      result: 42,
      after: { pending: 0, trapped: true, again: "NOT_ALLOCATED" },
    },
    "pool.dispose dual-map": {
      inCallback: "done, blocks 0, mapped true",
      result: 42,
      after: { mapped: false, again: "NOT_ALLOCATED" },
    },
    "pool.dispose mprotect": {
      inCallback: "done, blocks 0, mapped true",
      result: 42,
      after: { mapped: false, again: "NOT_ALLOCATED" },
    },
    // Refused: they would take execute permission from the running code
    // or let it be overwritten.
    "manager.makeWritable": {
      inCallback: "IN_USE",
      result: 42,
      after: { executable: true, again: 42 },
    },
    "manager.patch switching pages": {
      inCallback: "IN_USE",
      result: 42,
      after: { again: 42 },
    },
    "buffer.reset": {
      inCallback: "IN_USE",
      result: 42,
      after: { committed: true, again: 42 },
    },
    "span.patch mprotect": {
      inCallback: "IN_USE",
      result: 42,
      after: { released: false },
    },
    // Done at once: the protection of the running code does not change,
    // and the patched instruction, not yet executed, runs patched.
    "manager.patch through the writable view": {
      inCallback: "done",
      result: 43,
      after: { executable: true },
    },
    "span.patch dual-map": {
      inCallback: "done",
      result: 43,
      after: { released: false },
    },
  };
  if (!DUAL_MAPPING) {
    // No writable views (Windows): those cases cannot happen there.
    for (const name of Object.keys(expected)) {
      if (name.includes("dual-map") || name.includes("writable view")) {
        delete expected[name];
      }
    }
  }
  for (const fast of [false, true]) {
    for (const [name, outcome] of Object.entries(expected)) {
      assert.deepEqual(
        report[`${name} (fast: ${fast})`],
        outcome,
        `${name} (fast: ${fast})`,
      );
    }
  }
  assert.equal(Object.keys(report).length, 2 * Object.keys(expected).length);
});

Deno.test("calls in flight are counted through nested calls and errors", () => {
  using memory = new JITMemoryManager(4096);
  memory.write(callThenReturn(42));
  memory.makeExecutable();
  const f = memory.asFunction(definition, 0, { fast: false });
  let depth = 0;
  const seen: string[] = [];
  const callback = new Deno.UnsafeCallback(
    { parameters: [], result: "void" },
    () => {
      depth++;
      seen.push(errorCodeOf(() => memory.makeWritable()));
      if (depth < 3) f(callback.pointer); // the code re-enters itself
    },
  );
  try {
    assert.equal(f(callback.pointer), 42);
  } finally {
    callback.close();
  }
  assert.deepEqual(seen, ["IN_USE", "IN_USE", "IN_USE"]);
  // Once every call returned, the region can be switched again.
  memory.makeWritable();
  memory.makeExecutable();
  // A call that throws (bad arguments) is no longer in flight either.
  assert.equal(
    errorCodeOf(() => (f as unknown as (x: string) => number)("x")),
    "INVALID_ARGUMENT",
  );
  memory.makeWritable();
  assert.equal(memory.isExecutable(), false);
});

Deno.test("a release deferred by a running call happens once, even if asked twice", () => {
  using pool = new CodePool();
  const keep = pool.add(returnConstant(1));
  const span = pool.add(callThenReturn(42));
  const f = span.asFunction(definition, { fast: true });
  const callback = new Deno.UnsafeCallback(
    { parameters: [], result: "void" },
    () => {
      span.release();
      span.release();
      pool.addMany([returnConstant(2), returnConstant(3)]);
    },
  );
  try {
    assert.equal(f(callback.pointer), 42);
  } finally {
    callback.close();
  }
  const stats = pool.stats();
  assert.equal(stats.allocations, 3);
  assert.equal(stats.pendingBytes, 0);
  assert.equal(stats.usedBytes, 3 * 64);
  assert.equal(keep.asFunction({ parameters: [], result: "i32" })(), 1);
});

Deno.test("a buffer disposed while its code runs can commit again into fresh memory at once", () => {
  using buffer = new CodeBuffer();
  const first = buffer.commit(callThenReturn(42));
  const f = buffer.asFunction(definition);
  let second: Deno.PointerObject | undefined;
  const callback = new Deno.UnsafeCallback(
    { parameters: [], result: "void" },
    () => {
      buffer[Symbol.dispose]();
      second = buffer.commit(returnConstant(7));
    },
  );
  try {
    assert.equal(f(callback.pointer), 42);
  } finally {
    callback.close();
  }
  assert.ok(second !== undefined);
  assert.ok(!Deno.UnsafePointer.equals(first, second), "fresh memory");
  assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 7);
});
