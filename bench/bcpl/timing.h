/* The programs' own time, printed on stderr as "<ns> ns" so that the
 * comparison (bench/bcpl_operations.ts) leaves process start-up out. */
#include <stdio.h>
#include <time.h>

static long long timing_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void timing_report(long long start) {
  fprintf(stderr, "%lld ns\n", timing_now() - start);
}
