import assert from "node:assert/strict";
import { fixture, runDeno } from "./helpers/deno_child.ts";

Deno.test("without --allow-ffi, importing works and allocating throws FFI_PERMISSION naming the flag", async () => {
  const result = await runDeno([
    "run",
    "--no-prompt",
    fixture("allocate_and_report.ts"),
  ]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.imported, true);
  assert.equal(report.name, "JITMemoryManagerError");
  assert.equal(report.code, "FFI_PERMISSION");
  assert.match(report.message, /--allow-ffi/);
});

Deno.test("with --allow-ffi, the same script allocates", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    fixture("allocate_and_report.ts"),
  ]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.allocated, true);
});
