/**
 * The BCPL compiler's command line.
 *
 * ```sh
 * deno run --allow-ffi examples/bcpl/main.ts FILE.b               # compile to native code and run
 * deno run --allow-ffi examples/bcpl/main.ts FILE.b --interpret   # run the reference interpreter
 * deno run --allow-ffi examples/bcpl/main.ts FILE.b --disassemble # list the code [--arch=aarch64]
 * ```
 *
 * The exit code is `start()`'s result (its low 8 bits); 1 for a compile
 * error, 2 for a runtime error, each with a message on standard error.
 *
 * @module
 */

import { BcplError } from "./lexer.ts";
import {
  check,
  compile,
  type Compiled,
  runInterpreted,
  runNative,
} from "./compiler.ts";
import { BcplRuntimeError, Output } from "./runtime.ts";
import { readSource } from "./source_file.ts";

const USAGE =
  "usage: main.ts FILE.b [--interpret | --disassemble [--arch=x86_64|aarch64]]";

/**
 * Runs the command line.
 *
 * @param args The arguments.
 * @returns The exit code.
 */
export function main(args: string[]): number {
  const flags = args.filter((arg) => arg.startsWith("--"));
  const files = args.filter((arg) => !arg.startsWith("--"));
  const known = [
    "--interpret",
    "--disassemble",
    "--arch=x86_64",
    "--arch=aarch64",
  ];
  const unknown = flags.find((flag) => !known.includes(flag));
  if (files.length !== 1 || unknown !== undefined) {
    printError(unknown ? `unknown option ${unknown}\n${USAGE}` : USAGE);
    return 1;
  }
  const [file] = files;
  const output = new Output((bytes) => writeAll(Deno.stdout, bytes));
  try {
    const checked = check(readSource(file), file);
    if (flags.includes("--disassemble")) {
      const arch = flags.includes("--arch=aarch64")
        ? "aarch64"
        : flags.includes("--arch=x86_64")
        ? "x86_64"
        : undefined;
      writeAll(
        Deno.stdout,
        new TextEncoder().encode(listing(compile(checked, arch))),
      );
      return 0;
    }
    const result = flags.includes("--interpret")
      ? runInterpreted(checked, output)
      : runNative(compile(checked), output);
    output.flush();
    return Number(BigInt.asUintN(8, result));
  } catch (error) {
    output.flush();
    if (error instanceof BcplRuntimeError) {
      printError(error.message);
      return 2;
    }
    printError(
      error instanceof BcplError
        ? error.message
        : `error: ${(error as Error).message}`,
    );
    return 1;
  }
}

/**
 * The code as hex, one instruction per line, under each function's name,
 * offset and size.
 *
 * @param compiled The code.
 * @returns The listing.
 */
export function listing(compiled: Compiled): string {
  const lines = [`${compiled.arch}: ${compiled.bytes.length} bytes`];
  let offset = 0;
  let next = 0;
  for (const instruction of compiled.instructions) {
    while (
      next < compiled.functions.length &&
      compiled.functions[next].offset <= offset
    ) {
      const { name, size } = compiled.functions[next++];
      lines.push("", `${name}: offset ${hex(offset)}, ${size} bytes`);
    }
    const bytes = instruction.bytes;
    // Data (the string constants) is one long "instruction": 16 per line.
    for (let at = 0; at < bytes.length; at += 16) {
      const row = [...bytes.subarray(at, at + 16)];
      lines.push(
        `  ${hex(offset + at)}  ${
          row.map((b) => b.toString(16).padStart(2, "0")).join(" ")
        }`,
      );
    }
    offset += bytes.length;
  }
  return lines.join("\n") + "\n";
}

function hex(offset: number): string {
  return offset.toString(16).padStart(4, "0");
}

function printError(message: string): void {
  writeAll(Deno.stderr, new TextEncoder().encode(message + "\n"));
}

function writeAll(
  stream: { writeSync(bytes: Uint8Array): number },
  bytes: Uint8Array,
): void {
  for (let at = 0; at < bytes.length;) {
    at += stream.writeSync(bytes.subarray(at));
  }
}

if (import.meta.main) Deno.exit(main(Deno.args));
