/**
 * N-queens solutions counted with bit masks: one bit per column, and the
 * diagonals under attack shift one column per row. The same program as
 * queens.c and examples/bcpl/programs/queens.b; run as a script it prints
 * the counts for 1 to the given N (default 16).
 *
 * ```sh
 * deno run bench/bcpl/queens.ts 14
 * ```
 *
 * @module
 */

let count = 0;
let all = 0; // n one bits: every column

/**
 * ld, cols and rd mark the squares of this row attacked along a left
 * diagonal, a column or a right diagonal.
 */
function place(ld: number, cols: number, rd: number): void {
  if (cols === all) {
    count++;
    return;
  }
  let poss = ~(ld | cols | rd) & all;
  while (poss !== 0) {
    const bit = poss & -poss; // the lowest free column
    poss -= bit;
    place((ld | bit) << 1, cols | bit, (rd | bit) >> 1);
  }
}

/**
 * Counts the ways to place n queens on an n by n board, none attacking
 * another.
 *
 * @param n The board size, 1 to 30 (the masks are 32-bit).
 * @returns The number of solutions.
 *
 * @example
 * ```ts
 * import { queens } from "./queens.ts";
 * if (queens(8) !== 92) throw new Error("wrong");
 * ```
 */
export function queens(n: number): number {
  count = 0;
  all = (1 << n) - 1;
  place(0, 0, 0);
  return count;
}

if (import.meta.main) {
  const maxN = Deno.args.length > 0 ? Number(Deno.args[0]) : 16;
  for (let n = 1; n <= maxN; n++) {
    console.log(`${String(n).padStart(2)} queens: ${queens(n)} solutions`);
  }
}
