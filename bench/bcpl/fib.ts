/**
 * Recursive Fibonacci, mostly a measure of call cost. The same program as
 * fib.c and examples/bcpl/programs/fib.b; run as a script it prints
 * `fib(30) = 832040`, or fib of the given number.
 *
 * ```sh
 * deno run bench/bcpl/fib.ts 30
 * ```
 *
 * @module
 */

/**
 * The nth Fibonacci number, computed by the doubly recursive definition.
 *
 * @param n Which number; fib(0) = 0, fib(1) = 1.
 * @returns fib(n).
 *
 * @example
 * ```ts
 * import { fib } from "./fib.ts";
 * if (fib(30) !== 832040) throw new Error("wrong");
 * ```
 */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

if (import.meta.main) {
  const n = Deno.args.length > 0 ? Number(Deno.args[0]) : 30;
  console.log(`fib(${n}) = ${fib(n)}`);
}
