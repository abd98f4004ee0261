/**
 * The BCPL compiler's command line.
 *
 * ```sh
 * deno run --allow-ffi examples/bcpl/main.ts FILE.b               # compile to native code and run
 * deno run --allow-ffi examples/bcpl/main.ts FILE.b --interpret   # run the reference interpreter
 * deno run --allow-ffi examples/bcpl/main.ts FILE.b --disassemble # list the code [--arch=...] [--abi=...]
 * deno run --allow-ffi --allow-write=/tmp examples/bcpl/main.ts FILE.b --profile # run, naming functions for perf
 * ```
 *
 * `--profile` runs the native code with its functions written to the perf
 * map (`/tmp/perf-<pid>.map`, Linux), so that `perf record` of the run and
 * `perf report` show time per BCPL function; it prints the map's path on
 * standard error.
 *
 * `--disassemble` lists code for this CPU and calling convention unless
 * `--arch=x86_64|aarch64` and, for x86-64, `--abi=sysv|win64` (System V
 * or Windows x64) choose others: such code can be listed, not run.
 *
 * The exit code is `start()`'s result (its low 8 bits); 1 for a compile
 * error, 2 for a runtime error, each with a message on standard error.
 *
 * @module
 */

import { enablePerfMap } from "../../mod.ts";
import { BcplError } from "./lexer.ts";
import {
  type Abi,
  check,
  compile,
  type Compiled,
  describeTarget,
  runInterpreted,
  runNative,
} from "./compiler.ts";
import { BcplRuntimeError, Output } from "./runtime.ts";
import { dirname, join } from "node:path";
import { readSource } from "./source_file.ts";

const USAGE = "usage: main.ts FILE.b [--interpret | --profile | " +
  "--disassemble [--arch=x86_64|aarch64] [--abi=sysv|win64]]";

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
    "--profile",
    "--disassemble",
    "--arch=x86_64",
    "--arch=aarch64",
    "--abi=sysv",
    "--abi=win64",
  ];
  const unknown = flags.find((flag) => !known.includes(flag));
  if (files.length !== 1 || unknown !== undefined) {
    printError(unknown ? `unknown option ${unknown}\n${USAGE}` : USAGE);
    return 1;
  }
  const chosenArch = choice(flags, "--arch=") as Compiled["arch"] | undefined;
  const abi = choice(flags, "--abi=") as Abi | undefined;
  const arch = chosenArch ?? Deno.build.arch as Compiled["arch"];
  const misuse = (chosenArch !== undefined || abi !== undefined) &&
      !flags.includes("--disassemble")
    ? "--arch and --abi choose the code --disassemble lists"
    : abi !== undefined && arch === "aarch64"
    ? "--abi applies to x86_64 code"
    : undefined;
  if (misuse !== undefined) {
    printError(`${misuse}\n${USAGE}`);
    return 1;
  }
  const [file] = files;
  const output = new Output(
    (bytes) => writeAll(Deno.stdout, bytes),
    readStandardInput,
  );
  try {
    const checked = check(readSource(file), file, {
      readHeader: (name) => readHeader(file, name),
    });
    if (flags.includes("--disassemble")) {
      writeAll(
        Deno.stdout,
        new TextEncoder().encode(listing(compile(checked, arch, abi))),
      );
      return 0;
    }
    if (flags.includes("--profile")) {
      printError(`perf map: ${enablePerfMap().path}`);
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
 * `GET "name"`: the file beside the source named `name`, `name.h` or
 * `name.b`, if there is one.
 */
function readHeader(source: string, name: string): string | undefined {
  const directory = dirname(source);
  for (const candidate of [name, `${name}.h`, `${name}.b`]) {
    try {
      return readSource(join(directory, candidate));
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** What `rdch()` reads: standard input, read when first asked for. */
function readStandardInput(): Uint8Array {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(65536);
  for (;;) {
    const count = Deno.stdin.readSync(buffer);
    if (count === null || count === 0) break;
    chunks.push(buffer.slice(0, count));
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** The value of the last `--name=value` flag, if any. */
function choice(flags: string[], prefix: string): string | undefined {
  return flags.findLast((flag) => flag.startsWith(prefix))?.slice(
    prefix.length,
  );
}

/**
 * The code as the assembler lists it (objdump's layout: offsets, bytes,
 * instructions, a header for each function), after a line naming the CPU
 * (and for x86-64 the calling convention) and the size.
 *
 * @param compiled The code.
 * @returns The listing.
 */
export function listing(compiled: Compiled): string {
  return `${
    describeTarget(compiled.arch, compiled.abi)
  }: ${compiled.bytes.length} bytes\n\n${compiled.assembler.listing()}`;
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
