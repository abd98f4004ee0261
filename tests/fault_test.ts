import assert from "node:assert/strict";
import { crashOf, describeExit } from "./helpers/crash.ts";
import { fixture, runDeno } from "./helpers/deno_child.ts";

Deno.test("a raw write into executable memory dies with an access violation (SIGSEGV, 0xC0000005): the protection is real", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    fixture("write_after_execute.ts"),
  ]);
  assert.match(result.stdout, /about to write/, result.stderr);
  assert.doesNotMatch(result.stdout, /wrote/);
  assert.equal(
    crashOf(result),
    "access-violation",
    `${describeExit(result)}: ${result.stderr}`,
  );
});

Deno.test("the same raw write into writable memory succeeds (control)", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    fixture("write_after_execute.ts"),
    "--writable",
  ]);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /wrote 7/);
});

Deno.test("a function's guard stops calls after its memory is released, on every call path (child process)", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    fixture("call_after_release.ts"),
  ]);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  for (const fast of [false, true]) {
    assert.equal(report[`manager before (fast: ${fast})`], 7);
    assert.equal(report[`buffer before (fast: ${fast})`], 8);
    assert.equal(report[`span before (fast: ${fast})`], 9);
    assert.equal(
      report[`manager after deallocate (fast: ${fast})`],
      "NOT_ALLOCATED",
    );
    assert.equal(
      report[`buffer after reset (fast: ${fast})`],
      "NOT_EXECUTABLE",
    );
    assert.equal(report[`span after release (fast: ${fast})`], "NOT_ALLOCATED");
  }
});
