/**
 * Runs a child process to completion, restarting it if it stalls.
 *
 * Under qemu-user a child of a multi-threaded guest can deadlock between
 * fork and exec, on the emulator's own locks: it then sleeps forever with
 * the parent waiting, and the whole suite hangs. Such a child never uses
 * CPU time, so a child whose CPU time has not moved for a while is killed
 * and started again. A working child, however slow, keeps using CPU.
 *
 * @module
 */

import { processCpuTime } from "./memory_map.ts";

/** How a child ended and what it printed. */
export interface CommandResult {
  success: boolean;
  code: number;
  signal: Deno.Signal | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** Options of {@linkcode runCommand}. */
export interface RunOptions {
  env?: Record<string, string>;
  /** Seconds without CPU progress after which the child counts as stuck. */
  stallSeconds?: number;
  /** Starts in all, the first included. */
  attempts?: number;
}

const POLL_MS = 2_000;

/**
 * Runs `command` with `args`, piping its output.
 *
 * @param command The program.
 * @param args Its arguments.
 * @param options Environment, stall limit and attempts.
 * @returns Its exit status and output.
 */
export async function runCommand(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const { env, stallSeconds = 30, attempts = 3 } = options;
  for (let attempt = 1;; attempt++) {
    const child = new Deno.Command(command, {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    let lastTicks = -1;
    let stillSince = Date.now();
    let stalled = false;
    const watch = setInterval(() => {
      const ticks = processCpuTime(child.pid);
      if (ticks === undefined) return; // already gone
      if (ticks !== lastTicks) {
        lastTicks = ticks;
        stillSince = Date.now();
      } else if (Date.now() - stillSince > stallSeconds * 1000) {
        stalled = true;
        // SIGKILL: a deadlocked emulator may never act on a catchable one.
        child.kill("SIGKILL");
      }
    }, POLL_MS);
    let result: Deno.CommandOutput;
    try {
      result = await output;
    } finally {
      clearInterval(watch);
    }
    if (!stalled) {
      return {
        success: result.success,
        code: result.code,
        signal: result.signal,
        stdout: result.stdout,
        stderr: result.stderr,
      };
    }
    const what = `${command} ${args.join(" ")}`.slice(0, 200);
    if (attempt >= attempts) {
      throw new Error(
        `${what}: no CPU progress for ${stallSeconds} s, ${attempts} times`,
      );
    }
    console.error(`restarting a stalled child (${what})`);
  }
}
