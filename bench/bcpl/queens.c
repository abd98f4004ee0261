/* N-queens solutions counted with bit masks: one bit per column, and the
 * diagonals under attack shift one column per row. The same program as
 * queens.ts and examples/bcpl/programs/queens.b.
 *
 *   cc -O2 -o /tmp/queens bench/bcpl/queens.c && /tmp/queens 14
 */
#include <stdio.h>

#include "timing.h"
#include <stdlib.h>

static long count;
static unsigned all; /* n one bits: every column */

/* ld, cols and rd mark the squares of this row attacked along a left
 * diagonal, a column or a right diagonal. */
static void place(unsigned ld, unsigned cols, unsigned rd) {
  unsigned poss;
  if (cols == all) {
    count++;
    return;
  }
  poss = ~(ld | cols | rd) & all;
  while (poss) {
    unsigned bit = poss & -poss; /* the lowest free column */
    poss -= bit;
    place((ld | bit) << 1, cols | bit, (rd | bit) >> 1);
  }
}

static long queens(int n) {
  count = 0;
  all = (1u << n) - 1;
  place(0, 0, 0);
  return count;
}

int main(int argc, char **argv) {
  long long start = timing_now();
  int maxn = argc > 1 ? atoi(argv[1]) : 16;
  for (int n = 1; n <= maxn; n++)
    printf("%2d queens: %ld solutions\n", n, queens(n));
  timing_report(start);
  return 0;
}
