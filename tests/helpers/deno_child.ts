/**
 * Runs Deno in a child process, for tests that must crash or must run
 * without permissions. Under emulation there is no binfmt handler, so the
 * emulator command (e.g. `qemu-aarch64 -L /usr/aarch64-linux-gnu`) comes
 * from the `JIT_MEMORY_EMULATOR` environment variable and prefixes the
 * runtime.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { runCommand } from "./spawn.ts";

/** How a child ended and what it printed. */
export interface ChildResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno <args>` with the running Deno binary, through the emulator
 * when one is configured.
 *
 * @param args Arguments after the runtime, e.g. `["run", "x.ts"]`.
 * @returns Exit code, signal and output.
 */
export async function runDeno(args: string[]): Promise<ChildResult> {
  const prefix = (Deno.env.get("JIT_MEMORY_EMULATOR") ?? "").split(" ")
    .filter((part) => part.length > 0);
  const [command, ...rest] = [...prefix, Deno.execPath(), ...args];
  const output = await runCommand(command, rest, { env: { NO_COLOR: "1" } });
  return {
    code: output.code,
    signal: output.signal,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/**
 * The path of a fixture script under `tests/fixtures/`.
 *
 * @param name The file name.
 * @returns Its absolute path.
 */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}
