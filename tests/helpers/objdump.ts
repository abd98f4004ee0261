/**
 * The oracle of the listing tests: GNU objdump (Intel syntax for x86-64),
 * run on the bytes of a batch of instructions, compared line by line with
 * what our listing prints for the same bytes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { formatListing, type ListingStyle } from "../../arch/listing.ts";
import type { Case } from "./gnu_as.ts";
import { runCommand } from "./spawn.ts";

const OBJDUMP = {
  x86_64: [
    "objdump",
    "-D",
    "-b",
    "binary",
    "-m",
    "i386:x86-64",
    "-M",
    "intel",
    "-w",
  ],
  aarch64: [
    "aarch64-linux-gnu-objdump",
    "-D",
    "-b",
    "binary",
    "-m",
    "aarch64",
    "-w",
  ],
} as const;

/** A listing line with runs of blanks made one space. */
function normal(line: string): string {
  return line.replace(/[ \t]+/g, " ").trim();
}

/**
 * objdump's lines for raw `bytes` (no symbols: targets print as
 * addresses).
 *
 * @param arch The CPU.
 * @param bytes The code.
 * @returns The instruction lines, whitespace normalized.
 */
export async function objdumpLines(
  arch: keyof typeof OBJDUMP,
  bytes: Uint8Array,
): Promise<string[]> {
  const dir = Deno.makeTempDirSync({ prefix: "jit-memory-objdump-" });
  try {
    Deno.writeFileSync(`${dir}/code.bin`, bytes);
    const [command, ...args] = OBJDUMP[arch];
    const output = await runCommand(command, [...args, `${dir}/code.bin`]);
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    return new TextDecoder().decode(output.stdout).split("\n")
      .filter((line) => /^\s*[0-9a-f]+:\t/.test(line))
      .map(normal);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * Asserts that our listing of every case's bytes reads as objdump's.
 *
 * @param arch The CPU.
 * @param cases Instructions (their bytes already checked against GNU as).
 * @param style Our decoder and layout for the CPU.
 */
export async function assertListsLikeObjdump(
  arch: keyof typeof OBJDUMP,
  cases: Case[],
  style: ListingStyle,
): Promise<void> {
  const total = cases.reduce((sum, c) => sum + c.bytes.length, 0);
  const code = new Uint8Array(total);
  // Where each instruction starts (an AArch64 case may be several), and
  // the case it belongs to.
  const starts: number[] = [];
  const owners: number[] = [];
  let offset = 0;
  cases.forEach((testCase, index) => {
    const step = arch === "aarch64" ? 4 : testCase.bytes.length;
    for (let at = 0; at < testCase.bytes.length; at += step) {
      starts.push(offset + at);
      owners.push(index);
    }
    code.set(testCase.bytes, offset);
    offset += testCase.bytes.length;
  });
  const ours = formatListing(code, starts, [], style).trimEnd().split("\n")
    .map(normal);
  const theirs = await objdumpLines(arch, code);
  for (let index = 0; index < starts.length; index++) {
    if (ours[index] !== theirs[index]) {
      assert.fail(
        `${cases[owners[index]].source}\n  ours:    ${
          ours[index]
        }\n  objdump: ${theirs[index]}`,
      );
    }
  }
  assert.equal(theirs.length, starts.length, "objdump read more instructions");
}
