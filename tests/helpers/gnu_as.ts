/**
 * The oracle of the assembler tests: GNU as (`as` for x86-64 with Intel
 * syntax, `aarch64-linux-gnu-as` for AArch64), run on a whole batch of
 * instructions at once and compared with our bytes instruction by
 * instruction.
 *
 * @module
 */

import assert from "node:assert/strict";
import { runCommand } from "./spawn.ts";

/** One instruction: GNU source and the bytes we produced for it. */
export interface Case {
  source: string;
  bytes: Uint8Array;
}

const TOOLS = {
  x86_64: {
    as: ["as", "--64", "-msyntax=intel", "-mnaked-reg"],
    objcopy: "objcopy",
  },
  aarch64: {
    as: ["aarch64-linux-gnu-as"],
    objcopy: "aarch64-linux-gnu-objcopy",
  },
} as const;

/**
 * Whether the GNU tools for `arch` are installed.
 *
 * @param arch The target.
 * @returns Whether `as` and `objcopy` for it run.
 */
export async function gnuAvailable(
  arch: keyof typeof TOOLS,
): Promise<boolean> {
  try {
    for (const tool of [TOOLS[arch].as[0], TOOLS[arch].objcopy]) {
      if (!(await runCommand(tool, ["--version"])).success) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Assembles `source` and returns its `.text` section.
 *
 * @param arch The target.
 * @param source GNU assembler source.
 * @returns The bytes GNU as produced.
 */
export async function assemble(
  arch: keyof typeof TOOLS,
  source: string,
): Promise<Uint8Array> {
  const dir = Deno.makeTempDirSync({ prefix: "jit-memory-as-" });
  try {
    Deno.writeTextFileSync(`${dir}/in.s`, `${source}\n`);
    const [as, ...flags] = TOOLS[arch].as;
    await run(as, [...flags, "-o", `${dir}/out.o`, `${dir}/in.s`]);
    await run(TOOLS[arch].objcopy, [
      "-O",
      "binary",
      "--only-section=.text",
      `${dir}/out.o`,
      `${dir}/out.bin`,
    ]);
    return Deno.readFileSync(`${dir}/out.bin`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function run(command: string, args: string[]): Promise<void> {
  const output = await runCommand(command, args);
  if (!output.success) {
    throw new Error(
      `${command} failed:\n${new TextDecoder().decode(output.stderr)}`,
    );
  }
}

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");

/**
 * Asserts that GNU as encodes every case's source exactly as we did.
 *
 * @param arch The target.
 * @param cases Instructions with our bytes.
 */
export async function assertMatchesGnu(
  arch: keyof typeof TOOLS,
  cases: Case[],
): Promise<void> {
  assert.ok(cases.length > 0, "no cases generated");
  const expected = await assemble(arch, cases.map((c) => c.source).join("\n"));
  let offset = 0;
  for (const testCase of cases) {
    const theirs = expected.subarray(offset, offset + testCase.bytes.length);
    if (hex(theirs) !== hex(testCase.bytes)) {
      const alone = await assemble(arch, testCase.source);
      assert.fail(
        `${testCase.source}\n  ours:   ${hex(testCase.bytes)}\n  GNU as: ${
          hex(alone)
        }`,
      );
    }
    offset += testCase.bytes.length;
  }
  assert.equal(offset, expected.length, "GNU as produced more bytes");
}
