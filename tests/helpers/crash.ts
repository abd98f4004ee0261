/**
 * How a child process that crashed ended, in one spelling for every OS: a
 * signal on Linux and macOS, an exception code as the exit code on Windows.
 *
 * @module
 */

/** What ended a crashed child. */
export type Crash =
  | "access-violation" // SIGSEGV, SIGBUS; EXCEPTION_ACCESS_VIOLATION
  | "trap" // SIGTRAP (int3, brk); EXCEPTION_BREAKPOINT
  | "illegal-instruction" // SIGILL (ud2, udf); EXCEPTION_ILLEGAL_INSTRUCTION
  | "other";

const SIGNALS: Partial<Record<Deno.Signal, Crash>> = {
  SIGSEGV: "access-violation",
  SIGBUS: "access-violation",
  SIGTRAP: "trap",
  SIGILL: "illegal-instruction",
};

/** Windows exception codes, as the unsigned exit code of the process. */
const EXCEPTIONS: Record<number, Crash> = {
  0xc0000005: "access-violation", // EXCEPTION_ACCESS_VIOLATION
  0x80000003: "trap", // EXCEPTION_BREAKPOINT
  0xc000001d: "illegal-instruction", // EXCEPTION_ILLEGAL_INSTRUCTION
};

/**
 * What crashed a child, or `null` if it exited normally (any exit code
 * that is not an exception code).
 *
 * @param result The child's exit code and signal.
 * @returns The crash, or `null`.
 */
export function crashOf(
  result: { code: number; signal: Deno.Signal | null },
): Crash | null {
  if (result.signal !== null) return SIGNALS[result.signal] ?? "other";
  return EXCEPTIONS[result.code >>> 0] ?? null;
}

/**
 * A crash described for an assertion message.
 *
 * @param result The child's exit code and signal.
 * @returns Like `"signal SIGSEGV"` or `"exit code 0xc0000005"`.
 */
export function describeExit(
  result: { code: number; signal: Deno.Signal | null },
): string {
  return result.signal !== null
    ? `signal ${result.signal}`
    : `exit code 0x${(result.code >>> 0).toString(16)}`;
}
