import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { callingConvention } from "../arch/x86_64.ts";
import { cpuFeatures } from "../mod.ts";
import { type Compiled, describeTarget } from "../examples/bcpl/compiler.ts";
import { VIEW_REWRITES_INVISIBLE } from "./helpers/emulation.ts";
import { runDeno } from "./helpers/deno_child.ts";

function example(name: string): string {
  return fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
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

Deno.test("examples/code_buffer.ts runs the seed's example and a function with arguments", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    example("code_buffer.ts"),
  ]);
  assert.equal(result.code, 0, result.stderr);
  const seedCode = Deno.build.arch === "x86_64"
    ? "Committed 3 bytes at 0x*: 31 c0 c3"
    : "Committed 8 bytes at 0x*: d2800000 d65f03c0";
  // The same lines on every OS and CPU, but for the address.
  assert.equal(
    result.stdout.replace(/ at 0x[0-9a-f]+:/, " at 0x*:"),
    [
      seedCode,
      "func() = 0",
      "multiplyAdd(6, 7) = 43",
      "multiplyAdd(-3, 5) = -14",
      "multiplyAdd(1099511627776, 3) = 3298534883329",
      "",
    ].join("\n"),
  );
});

Deno.test("examples/patching.ts patches a live function", async () => {
  const result = await runDeno(["run", "--allow-ffi", example("patching.ts")]);
  assert.equal(result.code, 0, result.stderr);
  const results = [...result.stdout.matchAll(/version\(\) = (\d+)/g)].map((m) =>
    Number(m[1])
  );
  if (VIEW_REWRITES_INVISIBLE) {
    // qemu-user runs its first translation of a rewrite through the view
    // (see helpers/emulation.ts): only the first patch, which remaps the
    // code, is seen for sure.
    assert.deepEqual(results.slice(0, 2), [1, 2]);
    assert.equal(results.length, 4);
  } else {
    assert.deepEqual(results, [1, 2, 3, 42]);
  }
  assert.match(
    result.stdout,
    /after reset\(\): The code this function was made for was reset/,
  );
});

Deno.test("examples/bcpl/demo.ts runs demo.b and times three ways (--quick)", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    example("bcpl/demo.ts"),
    "--quick",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const demoOutput = Deno.readTextFileSync(
    new URL("./bcpl/demo.out", import.meta.url),
  );
  assert.ok(result.stdout.includes(demoOutput), result.stdout);
  const target = describeTarget(
    Deno.build.arch as Compiled["arch"],
    callingConvention().name,
  ).replace(/[()]/g, "\\$&");
  assert.match(
    result.stdout,
    new RegExp(
      // A fast call where the platform can make one with the permissions
      // given (the demo has --allow-ffi alone), else an ordinary FFI call.
      `^BCPL on ${target}: demo.b compiled to \\d+ bytes \\(fib, factorial, primes, start, newline, writes, writed, writen\\), committed with CodeBuffer, entered by (a fast call|an FFI call)\n`,
    ),
  );
  assert.match(result.stdout, /^start\(\) returned 0$/m);
  const number = "\\d+\\.\\d+";
  for (const work of ["fib\\(20\\) = 6765", "primes below 10000 = 1229"]) {
    assert.match(
      result.stdout,
      new RegExp(
        `^${work} +${number} ms +${number} ms +${number} ms +${number}x +${number}x$`,
        "m",
      ),
    );
  }
});

Deno.test("examples/kernels.ts checks every kernel path the CPU runs against TypeScript", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    example("kernels.ts"),
    "--check",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const cpu = cpuFeatures();
  const paths = cpu.arch === "x86_64"
    ? ["sse2", ...(cpu.has("avx2") && cpu.has("fma") ? ["avx2+fma"] : [])]
    : ["neon"];
  assert.equal(
    result.stdout.trim(),
    paths.map((path) =>
      `${path}: dot, axpy and convolve3x3 agree with TypeScript`
    ).join("\n"),
  );
});
