// The permission matrix: the same script run in child processes under each
// way of granting (or not granting) FFI. Importing must always work; only
// allocation needs --allow-ffi, and its error must say what to pass.
import assert from "node:assert/strict";
import { fixture, runDeno } from "./helpers/deno_child.ts";

interface Report {
  imported?: boolean;
  allocated?: boolean;
  name?: string;
  code?: string;
  message?: string;
}

async function reportWith(flags: string[]): Promise<Report> {
  const result = await runDeno([
    "run",
    "--no-prompt",
    ...flags,
    fixture("allocate_and_report.ts"),
  ]);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function assertRefused(report: Report): void {
  assert.equal(report.imported, true);
  assert.equal(report.allocated, undefined);
  assert.equal(report.name, "JITMemoryManagerError");
  assert.equal(report.code, "FFI_PERMISSION");
  assert.match(report.message!, /run Deno with --allow-ffi/);
  assert.match(report.message!, /"deno run --allow-ffi main\.ts"/);
}

Deno.test("permissions: without any flag, importing works and allocating throws FFI_PERMISSION naming --allow-ffi", async () => {
  const report = await reportWith([]);
  assertRefused(report);
  assert.doesNotMatch(report.message!, /--deny-ffi/);
});

Deno.test("permissions: with --allow-ffi, the same script allocates", async () => {
  const report = await reportWith(["--allow-ffi"]);
  assert.equal(report.imported, true);
  assert.equal(report.allocated, true);
  assert.equal(report.code, undefined);
});

Deno.test("permissions: with --deny-ffi, FFI_PERMISSION says to remove --deny-ffi", async () => {
  const alone = await reportWith(["--deny-ffi"]);
  assertRefused(alone);
  assert.match(alone.message!, /remove --deny-ffi/);
  const report = await reportWith(["--allow-ffi", "--deny-ffi"]);
  assertRefused(report);
  assert.match(report.message!, /remove --deny-ffi/);
});

Deno.test("permissions: a path-scoped --allow-ffi=<other path> gives FFI_PERMISSION explaining the scope", async () => {
  const report = await reportWith(["--allow-ffi=/nonexistent/libother.so"]);
  assertRefused(report);
  assert.match(
    report.message!,
    /path-scoped --allow-ffi=<path> does not cover/,
  );
});
