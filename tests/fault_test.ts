import assert from "node:assert/strict";
import { fixture, runDeno } from "./helpers/deno_child.ts";

Deno.test("a raw write into executable memory dies with SIGSEGV: the protection is real", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    fixture("write_after_execute.ts"),
  ]);
  assert.match(result.stdout, /about to write/, result.stderr);
  assert.doesNotMatch(result.stdout, /wrote/);
  assert.equal(
    result.signal,
    "SIGSEGV",
    `code ${result.code}: ${result.stderr}`,
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
