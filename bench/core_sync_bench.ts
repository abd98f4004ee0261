// What the AArch64 cross-thread barrier (membarrier SYNC_CORE) costs, taken
// on any Linux: x86-64 kernels offer the same command, so the barrier is
// forced onto this CPU's backend here to weigh it against what it follows
// (an mprotect, a pool's add). Elsewhere the benchmarks are skipped.
//
//     deno bench --allow-ffi --allow-read bench/core_sync_bench.ts
import { CodePool } from "../mod.ts";
import {
  type CoreSynchronizer,
  membarrierCoreSync,
} from "../platform/core_sync.ts";
import { libcCalls, libcSymbols } from "../platform/linux_calls.ts";
import { platform, setPlatformForTesting } from "../platform/mod.ts";
import { errnoReader, osErrorDescriber } from "../platform/posix.ts";
import { loadSyscalls } from "../platform/syscall_library.ts";
import type { Platform } from "../platform/types.ts";

const host = platform();
const onLinux = host.os === "linux";

/** The barrier over the direct system-call stubs, registered. */
function openBarrier(): CoreSynchronizer {
  const libc = Deno.dlopen("libc.so.6", libcSymbols).symbols;
  const viaLibc = libcCalls(
    libc,
    errnoReader(libc.__errno_location),
    host.arch,
  );
  const calls = loadSyscalls(
    host.arch,
    host.pageSize(),
    viaLibc,
    Deno.dlopen,
    osErrorDescriber("linux", libc.strerror),
  );
  const barrier = membarrierCoreSync(calls);
  barrier.synchronize();
  if (barrier.status().state !== "sync-core") {
    throw new Error(`membarrier refused: ${JSON.stringify(barrier.status())}`);
  }
  return barrier;
}

const barrier = onLinux ? openBarrier() : undefined;
const page = host.pageSize();
const region = host.mapReadWrite(page);
const code = new Uint8Array(64).fill(host.arch === "x86_64" ? 0xc3 : 0);

Deno.bench({
  name: "membarrier SYNC_CORE",
  group: "barrier",
  ignore: !onLinux,
  fn(): void {
    barrier!.synchronize();
  },
});

Deno.bench({
  name: "mprotect pair: a page to read-execute, then back to read-write",
  group: "barrier",
  baseline: true,
  ignore: !onLinux,
  fn(): void {
    host.protect(region, page, "read-execute");
    host.protect(region, page, "read-write");
  },
});

/** Runs `action` with the host backend, its barrier forced on. */
function withBarrier(action: () => void): void {
  const forced: Platform = { ...host, coreSync: barrier };
  const previous = setPlatformForTesting(forced);
  try {
    action();
  } finally {
    setPlatformForTesting(previous);
  }
}

let plain: CodePool | undefined;
Deno.bench({
  name: "CodePool add + release, no barrier",
  group: "pool",
  baseline: true,
  ignore: !onLinux,
  fn(): void {
    plain ??= new CodePool();
    plain.add(code).release();
  },
});

let barred: CodePool | undefined;
Deno.bench({
  name: "CodePool add + release, barrier forced on",
  group: "pool",
  ignore: !onLinux,
  fn(): void {
    withBarrier(() => {
      barred ??= new CodePool();
      barred.add(code).release();
    });
  },
});

let own: CodePool | undefined;
Deno.bench({
  name: "CodePool add + release, barrier forced on, sharedWithWorkers: false",
  group: "pool",
  ignore: !onLinux,
  fn(): void {
    withBarrier(() => {
      own ??= new CodePool({ sharedWithWorkers: false });
      own.add(code).release();
    });
  },
});
