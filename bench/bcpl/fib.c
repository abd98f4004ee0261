/* Recursive Fibonacci, mostly a measure of call cost. The same program as
 * fib.ts and examples/bcpl/programs/fib.b (which returns the value).
 *
 *   cc -O2 -o /tmp/fib bench/bcpl/fib.c && /tmp/fib
 */
#include <stdio.h>

#include "timing.h"
#include <stdlib.h>

static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
  long long start = timing_now();
  long n = argc > 1 ? atol(argv[1]) : 30;
  printf("fib(%ld) = %ld\n", n, fib(n));
  timing_report(start);
  return 0;
}
