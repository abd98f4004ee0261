/*
 * The physical limit for jit-memory's benchmarks: the same operations done
 * in C with raw mmap/mprotect/munmap. bench/compare.ts builds this with the
 * system `cc -O2` and runs one trial at a time, interleaved with the Deno
 * side:
 *
 *     baseline <operation> <iterations>
 *
 * prints the nanoseconds per operation of one timed trial (after a warm-up
 * of a tenth as many iterations). The operations mirror bench/operations.ts
 * step for step, including the instruction-cache flush on AArch64.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
/* mov eax, 42; ret */
static const unsigned char answer_code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
#elif defined(__aarch64__)
/* movz w0, #42; ret */
static const unsigned char answer_code[] = {0x40, 0x05, 0x80, 0x52,
                                            0xc0, 0x03, 0x5f, 0xd6};
#else
#error "baseline.c supports x86-64 and AArch64"
#endif

#define MiB (1024 * 1024)

typedef int (*answer_fn)(void);

static size_t page_size;
static volatile int sink;

/* What jit-memory's makeExecutable() does before mprotect: nothing on
 * x86-64, __clear_cache over the region on AArch64. */
static void flush(void *start, size_t size) {
#if defined(__aarch64__)
  __builtin___clear_cache((char *)start, (char *)start + size);
#else
  (void)start;
  (void)size;
#endif
}

static void *map_rw(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(1);
  }
  return p;
}

static void protect(void *p, size_t size, int prot) {
  if (mprotect(p, size, prot) != 0) {
    perror("mprotect");
    exit(1);
  }
}

static void unmap(void *p, size_t size) {
  if (munmap(p, size) != 0) {
    perror("munmap");
    exit(1);
  }
}

static size_t round_to_page(size_t size) {
  return (size + page_size - 1) / page_size * page_size;
}

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void *map_guard(void *at, int flags) {
  return mmap(at, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | flags,
              -1, 0);
}

/* A read-write region between two PROT_NONE guard pages, so that changing
 * its protection never splits or merges it with a neighbouring mapping:
 * what a toggle costs then depends on the kernel, not on where the region
 * happened to land. The upper guard is mapped first (mmap places the next
 * mapping directly beneath it), then the region, then the lower guard.
 * bench/operations.ts isolates its region the same way. */
static void *map_isolated(size_t size) {
  for (int attempt = 0; attempt < 64; attempt++) {
    char *above = map_guard(NULL, 0);
    char *p = map_rw(size);
    if (p + size == above) {
      char *below = map_guard(p - page_size, MAP_FIXED_NOREPLACE);
      if (below == p - page_size) return p;
    }
  }
  fprintf(stderr, "cannot isolate a region between guard pages\n");
  exit(1);
}

/* State shared by the operations that need a region set up beforehand. */
static void *toggle_region;
static void *commit_region;
static unsigned char *commit_source;
static answer_fn answer;
static int (*volatile abs_fn)(int) = abs;

static void allocate_deallocate(void) {
  size_t size = round_to_page(4096);
  unmap(map_rw(size), size);
}

static void toggle(void) {
  size_t size = round_to_page(4096);
  flush(toggle_region, size);
  protect(toggle_region, size, PROT_READ | PROT_EXEC);
  protect(toggle_region, size, PROT_READ | PROT_WRITE);
}

static void full_cycle(void) {
  size_t size = round_to_page(4096);
  void *p = map_rw(size);
  memcpy(p, answer_code, sizeof answer_code);
  flush(p, size);
  protect(p, size, PROT_READ | PROT_EXEC);
  sink += ((answer_fn)p)();
  unmap(p, size);
}

static void cycle_100_mib(void) {
  size_t size = 100 * MiB;
  void *p = map_rw(size);
  flush(p, size);
  protect(p, size, PROT_READ | PROT_EXEC);
  unmap(p, size);
}

static void commit_1_mib(void) {
  memcpy(commit_region, commit_source, MiB);
  flush(commit_region, MiB);
  protect(commit_region, MiB, PROT_READ | PROT_EXEC);
  protect(commit_region, MiB, PROT_READ | PROT_WRITE);
}

static void call(void) { sink += answer(); }

static void call_abs(void) { sink += abs_fn(-42); }

static void set_up(void) {
  toggle_region = map_isolated(round_to_page(4096));

  commit_region = map_rw(MiB);
  commit_source = malloc(MiB);
  memset(commit_source, 0, MiB);

  size_t size = round_to_page(4096);
  void *p = map_rw(size);
  memcpy(p, answer_code, sizeof answer_code);
  flush(p, size);
  protect(p, size, PROT_READ | PROT_EXEC);
  answer = (answer_fn)p;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static const struct {
  const char *name;
  void (*run)(void);
} operations[] = {
    {"allocate_deallocate", allocate_deallocate},
    {"toggle", toggle},
    {"full_cycle", full_cycle},
    {"cycle_100_mib", cycle_100_mib},
    {"commit_1_mib", commit_1_mib},
    {"call", call},
    {"call_fast", call},
    {"call_auto", call},
    {"call_abs", call_abs},
};

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <operation> <iterations>\n", argv[0]);
    return 2;
  }
  page_size = (size_t)sysconf(_SC_PAGESIZE);
  long iterations = atol(argv[2]);
  for (size_t i = 0; i < sizeof operations / sizeof operations[0]; i++) {
    if (strcmp(operations[i].name, argv[1]) != 0) continue;
    set_up();
    for (long n = 0; n < iterations / 10 + 1; n++) operations[i].run();
    uint64_t start = now_ns();
    for (long n = 0; n < iterations; n++) operations[i].run();
    uint64_t elapsed = now_ns() - start;
    printf("%.1f\n", (double)elapsed / (double)iterations);
    return 0;
  }
  fprintf(stderr, "unknown operation: %s\n", argv[1]);
  return 2;
}
