import assert from "node:assert/strict";
import { runDeno } from "./helpers/deno_child.ts";

function example(name: string): string {
  return new URL(`../examples/${name}`, import.meta.url).pathname;
}

Deno.test("examples/hello.ts prints the seed's five steps and Result: 42", async () => {
  const result = await runDeno(["run", "--allow-ffi", example("hello.ts")]);
  assert.equal(result.code, 0, result.stderr);
  const expectedCode = Deno.build.arch === "x86_64"
    ? "b8 2a 00 00 00 c3"
    : "40 05 80 52 c0 03 5f d6";
  for (
    const line of [
      "1. Memory manager created (no memory allocated yet)",
      "   Allocated: No",
      "2. Memory allocated",
      "   Executable: No",
      `3. Machine code copied to memory\n   Code bytes: ${expectedCode}`,
      "4. Memory permissions changed to executable\n   Executable: Yes",
      "5. Generated function executed\n   Result: 42",
      "=== All tests completed successfully! ===",
    ]
  ) {
    assert.ok(result.stdout.includes(line), `missing ${JSON.stringify(line)}`);
  }
  assert.match(result.stdout, /Actual size: (\d+) bytes \(page-aligned\)/);
});
