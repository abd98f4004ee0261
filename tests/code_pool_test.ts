import assert from "node:assert/strict";
import fc from "fast-check";
import { CodePool, type CodeSpan, JITMemoryManager } from "../mod.ts";
import { createDarwinPlatform } from "../platform/darwin.ts";
import { createLinuxPlatform } from "../platform/linux.ts";
import { platform, setPlatformForTesting } from "../platform/mod.ts";
import type { Architecture, Platform } from "../platform/types.ts";
import { crashOf, describeExit } from "./helpers/crash.ts";
import { DUAL_MAPPING, ON_WINDOWS } from "./helpers/host.ts";
import { fixture, runDeno } from "./helpers/deno_child.ts";
import { assertCode, errorCodeOf } from "./helpers/error_code.ts";
import { recordSwitches } from "./helpers/counting_platform.ts";
import { FailingPlatform, isInjected } from "./helpers/failing_platform.ts";
import { cString, FakeProcess, withPlatform } from "./helpers/fake_native.ts";
import { fakePosix } from "./helpers/fake_posix.ts";
import { returnValue } from "./helpers/machine_code.ts";
import {
  mappedAmong,
  permissionsOf,
  readMappings,
} from "./helpers/memory_map.ts";
import {
  bytesAt,
  EMULATED,
  VIEW_REWRITES_INVISIBLE,
} from "./helpers/emulation.ts";

const i32Thunk = { parameters: [], result: "i32" } as const;
const STRATEGIES = ["mprotect", "dual-map"] as const;
/** The strategies this OS offers ("dual-map" needs memfds: Linux). */
const AVAILABLE = STRATEGIES.filter((s) => s !== "dual-map" || DUAL_MAPPING);
/** Options that skip a test of a strategy this OS does not offer. */
const onlyWith = (strategy: string): { ignore: boolean } => ({
  ignore: !(AVAILABLE as readonly string[]).includes(strategy),
});
const PAGE = JITMemoryManager.getPageSize();
/** The OS's unit of reserved address space: a page, or 64 KiB on Windows. */
const UNIT = JITMemoryManager.getAllocationGranularity();
const TRAP = Deno.build.arch === "x86_64" ? [0xcc] : [0x00, 0x00, 0x20, 0xd4];

function call(span: CodeSpan): number {
  return span.asFunction(i32Thunk, { fast: false })();
}

/**
 * Under qemu-user, code rewritten through the writable view of dual-mapped
 * memory after it ran is not seen (see helpers/emulation.ts): there the
 * emulated run checks the bytes at the executable view instead.
 */
const rewritesInvisible = (strategy: string): boolean =>
  strategy === "dual-map" && VIEW_REWRITES_INVISIBLE;

/**
 * Mappings that overlap the pool's spans, or are memfd views other than
 * those in `earlier` (what other tests of this process left mapped).
 */
function poolMappings(spans: CodeSpan[], earlier: Set<bigint>): string[] {
  const addresses = spans.map((span) => Deno.UnsafePointer.value(span.pointer));
  return readMappings()
    .filter((m) =>
      (m.path.includes("jit-memory-code") && !earlier.has(m.start)) ||
      addresses.some((address) => m.start <= address && address < m.end)
    )
    .map((m) => m.permissions);
}

/** The memfd views mapped now. */
function memfdViews(): Set<bigint> {
  return new Set(
    readMappings().filter((m) => m.path.includes("jit-memory-code")).map((m) =>
      m.start
    ),
  );
}

for (const strategy of STRATEGIES) {
  Deno.test(
    `${strategy}: spans run their own code; never rwx; unmapped after dispose`,
    onlyWith(strategy),
    () => {
      const earlier = memfdViews();
      const pool = new CodePool({ strategy });
      assert.equal(pool.strategy, strategy);
      const spans = Array.from(
        { length: 500 },
        (_, n) => pool.add(returnValue(n * 7)),
      );
      spans.forEach((span, n) => assert.equal(call(span), n * 7));
      const permissions = new Set(poolMappings(spans, earlier));
      if (EMULATED) {
        // qemu-user lists a host mapping with the guest flags of its first
        // page, and maps guest code read-only on the host, where the
        // kernel may merge it with a read-only neighbour: the pool's pages
        // then show as that neighbour's r--p (seen once in CI). No page is
        // ever shown writable and executable either way.
        permissions.delete("r--p");
      }
      assert.deepEqual(
        [...permissions].sort(),
        strategy === "dual-map" ? ["r-xs", "rw-s"] : ["r-xp"],
      );
      const addresses = spans.map((span) =>
        Deno.UnsafePointer.value(span.pointer)
      );
      pool[Symbol.dispose]();
      assert.deepEqual(mappedAmong(addresses), []);
      assert.deepEqual(poolMappings([], earlier), [], "no memfd view left");
      assert.equal(errorCodeOf(() => call(spans[0])), "NOT_ALLOCATED");
    },
  );

  Deno.test(
    `${strategy}: a released span is the trap pattern, its functions throw, its space is reused`,
    onlyWith(strategy),
    () => {
      using pool = new CodePool({ strategy });
      const keep = pool.add(returnValue(1));
      const span = pool.add(returnValue(2, 64));
      const f = span.asFunction(i32Thunk, { fast: true });
      assert.equal(f(), 2);
      const pointer = span.pointer;
      span.release();
      span.release();
      assert.equal(span.released, true);
      assert.deepEqual(
        bytesAt(pointer, 64),
        Array(64 / TRAP.length).fill(TRAP).flat(),
      );
      assert.equal(errorCodeOf(f), "NOT_ALLOCATED");
      assert.equal(
        errorCodeOf(() => span.asFunction(i32Thunk)),
        "NOT_ALLOCATED",
      );
      assert.equal(
        errorCodeOf(() => span.patch(0, returnValue(3))),
        "NOT_ALLOCATED",
      );
      const again = pool.add(returnValue(3));
      assert.ok(
        Deno.UnsafePointer.equals(again.pointer, pointer),
        "first fit reuses the space",
      );
      if (rewritesInvisible(strategy)) {
        assert.deepEqual(
          bytesAt(again.pointer, returnValue(3).length),
          [...returnValue(3)],
        );
      } else {
        assert.equal(call(again), 3);
      }
      assert.equal(call(keep), 1);
    },
  );

  Deno.test(
    `${strategy}: patch() changes a span's code in place`,
    onlyWith(strategy),
    () => {
      using pool = new CodePool({ strategy });
      const span = pool.add(returnValue(10, 32));
      const f = span.asFunction(i32Thunk, { fast: true });
      assert.equal(f(), 10);
      span.patch(0, returnValue(11));
      if (rewritesInvisible(strategy)) {
        assert.deepEqual(bytesAt(span.pointer, returnValue(11).length), [
          ...returnValue(11),
        ]);
      } else {
        assert.equal(f(), 11);
      }
      assert.equal(
        errorCodeOf(() => span.patch(30, returnValue(1))),
        "OUT_OF_BOUNDS",
      );
    },
  );

  Deno.test(
    `${strategy}: 100,000 live 64-byte functions each return their own value`,
    onlyWith(strategy),
    () => {
      using pool = new CodePool({ strategy });
      const count = 100_000;
      const spans = pool.addMany(
        Array.from({ length: count }, (_, n) => returnValue(n, 64)),
      );
      for (let n = 0; n < count; n++) {
        if (call(spans[n]) !== n) {
          assert.fail(`span ${n} returned ${call(spans[n])}`);
        }
      }
      const stats = pool.stats();
      assert.equal(stats.allocations, count);
      assert.equal(stats.usedBytes, count * 64);
      assert.ok(
        stats.reservedBytes <= 2 * stats.usedBytes,
        JSON.stringify(stats),
      );
      for (const span of spans) span.release();
      const after = pool.stats();
      assert.equal(after.usedBytes, 0);
      assert.equal(after.allocations, 0);
      assert.equal(after.blocks, 1, "one empty block is kept for reuse");
    },
  );
}

Deno.test('"auto" picks "dual-map" where memory can be dual-mapped (Linux), page-exclusive "mprotect" elsewhere', () => {
  using pool = new CodePool();
  const expected = DUAL_MAPPING ? "dual-map" : "mprotect";
  assert.equal(pool.strategy, expected);
  assert.equal(pool.stats().strategy, expected);
});

Deno.test("addMany() writes a batch under one protection switch per block", () => {
  recordSwitches((switches) => {
    using pool = new CodePool({ strategy: "mprotect" });
    pool.add(returnValue(0)); // maps the first block
    switches.length = 0;
    const spans = pool.addMany(
      Array.from({ length: 200 }, (_, n) => returnValue(n + 1)),
    );
    assert.deepEqual(switches.map((change) => change.protection), [
      "read-write",
      "read-execute",
    ]);
    spans.forEach((span, n) => assert.equal(call(span), n + 1));
  });
});

Deno.test("align places a span's start on the boundary asked for", () => {
  using pool = new CodePool({ granularity: 16 });
  pool.add(returnValue(1));
  for (const align of [16, 32, 256, 1024, PAGE]) {
    const span = pool.add(returnValue(align), { align });
    assert.equal(Deno.UnsafePointer.value(span.pointer) % BigInt(align), 0n);
    assert.equal(call(span), align);
  }
  const [batched] = pool.addMany([{ code: returnValue(5), align: 512 }]);
  assert.equal(Deno.UnsafePointer.value(batched.pointer) % 512n, 0n);
  for (const align of [0, 3, 48, 2 * PAGE, 1.5, "16"]) {
    assert.equal(
      errorCodeOf(() => pool.add(returnValue(1), { align: align as number })),
      "INVALID_ARGUMENT",
    );
  }
});

Deno.test("an oversized function gets a block of its own, unmapped when released", () => {
  using pool = new CodePool({ blockSize: PAGE });
  pool.add(returnValue(1));
  // Larger than the first block, which is a page or (Windows) 64 KiB.
  const big = new Uint8Array(3 * UNIT).fill(TRAP.length === 1 ? 0x90 : 0);
  if (TRAP.length === 4) new Uint32Array(big.buffer).fill(0xd503201f); // nop
  big.set(returnValue(77), big.length - returnValue(77).length);
  const span = pool.add(big);
  assert.equal(pool.stats().blocks, 2);
  assert.equal(
    span.asFunction(i32Thunk, { fast: false }).pointer,
    span.pointer,
  );
  assert.equal(call(span), 77);
  const address = Deno.UnsafePointer.value(span.pointer);
  span.release();
  assert.equal(pool.stats().blocks, 1);
  assert.deepEqual(mappedAmong([address]), []);
});

Deno.test("blocks are whole units of the OS's allocation granularity (64 KiB on Windows), so no address space is wasted between them", () => {
  const unit = UNIT;
  if (ON_WINDOWS) assert.equal(unit, 65536);
  else assert.equal(unit, PAGE);
  using pool = new CodePool({ blockSize: PAGE, strategy: "mprotect" });
  const span = pool.add(returnValue(3));
  assert.equal(pool.stats().reservedBytes, unit, "first block");
  // An oversized function's block is rounded to the unit too.
  const big = pool.add(returnValue(4, unit + 64));
  assert.equal(pool.stats().reservedBytes, unit + 2 * unit);
  assert.equal(call(span) + call(big), 7);
  // The whole block is committed and usable, not just its first page: the
  // span's page is executable, any other read-write (never reserved only).
  const permissions = permissionsOf(span.pointer, unit);
  assert.equal(permissions[0], "r-xp");
  assert.ok(
    permissions.every((p) => p === "r-xp" || p === "rw-p"),
    permissions.join(","),
  );
});

Deno.test("blocks grow geometrically from blockSize", () => {
  // Page-sized granules, so each block holds a known number of functions;
  // the first block is four allocation units (pages; 64 KiB on Windows).
  using pool = new CodePool({ blockSize: 4 * UNIT, granularity: PAGE });
  const perUnit = UNIT / PAGE;
  const sizes: number[] = [];
  for (let n = 0; n < (4 + 8 + 16) * perUnit; n++) {
    pool.add(returnValue(n));
    sizes.push(pool.stats().reservedBytes);
  }
  assert.deepEqual([...new Set(sizes)], [4 * UNIT, 12 * UNIT, 28 * UNIT]);
});

Deno.test("bad code and options throw before anything is mapped", () => {
  using pool = new CodePool();
  assert.equal(errorCodeOf(() => pool.add(new Uint8Array(0))), "INVALID_SIZE");
  assert.equal(errorCodeOf(() => pool.add([])), "INVALID_SIZE");
  assert.equal(
    errorCodeOf(() => pool.add("c3" as unknown as Uint8Array)),
    "INVALID_ARGUMENT",
  );
  assert.equal(
    errorCodeOf(() =>
      pool.addMany([returnValue(1), null as unknown as Uint8Array])
    ),
    "INVALID_ARGUMENT",
  );
  assert.equal(
    errorCodeOf(() => pool.addMany("x" as unknown as Uint8Array[])),
    "INVALID_ARGUMENT",
  );
  assert.deepEqual(pool.stats(), {
    strategy: DUAL_MAPPING ? "dual-map" : "mprotect",
    blocks: 0,
    reservedBytes: 0,
    usedBytes: 0,
    pendingBytes: 0,
    allocations: 0,
  });
  for (
    const options of [
      { granularity: 8 },
      { granularity: 48 },
      { granularity: 2 * PAGE },
      { strategy: "rwx" },
      { fill: 1 },
      null,
    ]
  ) {
    assert.equal(
      errorCodeOf(() => new CodePool(options as object)),
      "INVALID_ARGUMENT",
      JSON.stringify(options),
    );
  }
  assert.equal(
    errorCodeOf(() => new CodePool({ blockSize: -1 })),
    "INVALID_SIZE",
  );
  assert.equal(
    errorCodeOf(() => new CodePool({ strategy: "map-jit" })),
    "UNSUPPORTED",
  );
});

Deno.test("a released span traps when called from a stale pointer (child process)", async () => {
  // The trap bytes themselves are checked for both strategies above.
  for (const strategy of AVAILABLE.filter((s) => !rewritesInvisible(s))) {
    const result = await runDeno([
      "run",
      "--allow-ffi",
      fixture("call_released_span.ts"),
      strategy,
    ]);
    assert.match(result.stdout, /before release: 42/, result.stderr);
    assert.match(result.stdout, /calling the released span/);
    assert.doesNotMatch(result.stdout, /after release/);
    const expected = Deno.build.arch === "x86_64"
      ? ["trap"]
      : ["trap", "illegal-instruction"];
    assert.ok(
      expected.includes(crashOf(result) ?? ""),
      `${strategy}: ${describeExit(result)}`,
    );
  }
});

Deno.test("random add/patch/release sequences keep every live span and the stats right", () => {
  type Op =
    | { kind: "add"; value: number; size: number; align?: number }
    | { kind: "release"; pick: number }
    | { kind: "patch"; pick: number; value: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("add" as const),
      value: fc.integer({ min: 0, max: 0xffffff }),
      size: fc.integer({ min: 3, max: 75 }).map((words) => words * 4),
      align: fc.option(fc.constantFrom(16, 64, 128, 512), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant("patch" as const),
      pick: fc.nat(),
      value: fc.integer({ min: 0, max: 0xffffff }),
    }),
  );
  const seed = 20261122;
  fc.assert(
    fc.property(
      fc.constantFrom(...AVAILABLE),
      fc.array(op, { maxLength: 60 }),
      (strategy, ops) => {
        using pool = new CodePool({
          strategy,
          blockSize: PAGE,
          granularity: 16,
        });
        const live: { span: CodeSpan; value: number; size: number }[] = [];
        for (const step of ops) {
          if (step.kind === "add") {
            const span = pool.add(returnValue(step.value, step.size), {
              align: step.align,
            });
            if (step.align) {
              assert.equal(
                Deno.UnsafePointer.value(span.pointer) % BigInt(step.align),
                0n,
              );
            }
            live.push({ span, value: step.value, size: step.size });
          } else if (live.length > 0) {
            const index = step.pick % live.length;
            if (step.kind === "release") {
              live[index].span.release();
              live.splice(index, 1);
            } else {
              live[index].span.patch(0, returnValue(step.value));
              live[index].value = step.value;
            }
          }
          const stats = pool.stats();
          assert.equal(stats.allocations, live.length);
          assert.equal(
            stats.usedBytes,
            live.reduce((sum, l) => sum + Math.ceil(l.size / 16) * 16, 0),
          );
          assert.ok(stats.usedBytes <= stats.reservedBytes);
        }
        for (const { span, value, size } of live) {
          if (rewritesInvisible(strategy)) {
            assert.deepEqual(
              bytesAt(span.pointer, size),
              [...returnValue(value, size)],
            );
          } else {
            assert.equal(call(span), value);
          }
        }
      },
    ),
    { seed, numRuns: Number(Deno.env.get("FUZZ_RUNS") ?? 100) },
  );
});

/** A Linux platform over fakes whose mprotect refuses PROT_EXEC. */
function hardenedLinux(
  arch: Architecture,
): { backend: Platform; process: FakeProcess } {
  const process = new FakeProcess();
  const errno = new Int32Array(1);
  const files = new Map<number, Deno.PointerObject>();
  let nextFd = 100;
  const backend = createLinuxPlatform(
    {
      mmap(address, length, protection, flags, fd, offset): Deno.PointerValue {
        process.record("mmap", address, length, protection, flags, fd, offset);
        if (fd >= 0) return files.get(fd)!; // both views share the file's memory
        return process.map(Number(length));
      },
      mprotect(address, length, protection): number {
        process.record("mprotect", address, length, protection);
        if (protection & 4) {
          errno[0] = 13; // EACCES, as under an SELinux execmem denial
          return -1;
        }
        return 0;
      },
      munmap(address, length): number {
        process.record("munmap", address, length);
        return 0;
      },
      memcpy(destination, source, _length): Deno.PointerValue {
        process.copy(destination, source as BufferSource);
        return destination;
      },
      sysconf: (): bigint => 4096n,
      strerror: (): Deno.PointerValue => cString("Permission denied"),
      __errno_location: (): Deno.PointerValue => Deno.UnsafePointer.of(errno),
      memfd_create(_name, flags): number {
        process.record("memfd_create", flags);
        return nextFd++;
      },
      ftruncate(fd, length): number {
        process.record("ftruncate", fd, length);
        files.set(fd, process.map(Number(length)));
        return 0;
      },
      write: (): bigint => -1n,
      openat: (): number => -1,
      fcntl(fd, command, argument): number {
        process.record("fcntl", fd, command, argument);
        return 0;
      },
      close(fd): number {
        process.record("close", fd);
        return 0;
      },
      syscall(_number, command): bigint {
        process.record("membarrier", Number(command));
        return 0n;
      },
    },
    arch,
    () => ({ __clear_cache(): void {} }),
  );
  return { backend, process };
}

Deno.test('"auto" picks dual mapping where executable mprotect is refused (fake)', () => {
  for (const arch of ["x86_64", "aarch64"] as const) {
    const { backend, process } = hardenedLinux(arch);
    withPlatform(backend, () => {
      using pool = new CodePool();
      assert.equal(pool.strategy, "dual-map");
      const span = pool.add(returnValue(9));
      assert.notEqual(span.pointer, null);
      const calls = process.take().map((c) => c[0]);
      assert.ok(calls.includes("memfd_create") && calls.includes("ftruncate"));
      assert.equal(
        errorCodeOf(() =>
          new CodePool({ strategy: "mprotect" }).add(returnValue(1))
        ),
        "SYSTEM",
      );
    });
  }
});

Deno.test('"auto" picks "map-jit" on Apple silicon and writes under the per-thread switch (fake)', () => {
  const process = new FakeProcess();
  const posix = fakePosix(process, { pageSize: 16384 });
  const backend = createDarwinPlatform({
    ...posix.native,
    __error: posix.errnoLocation,
    pthread_jit_write_protect_supported_np: (): number => 1,
    pthread_jit_write_protect_np(enabled): void {
      process.record("pthread_jit_write_protect_np", enabled);
    },
    sys_icache_invalidate(start, length): void {
      process.record("sys_icache_invalidate", start, length);
    },
  }, "aarch64");
  withPlatform(backend, () => {
    using pool = new CodePool({ blockSize: 16384 });
    assert.equal(pool.strategy, "map-jit");
    pool.add(new Uint8Array(new Uint32Array([0xd65f03c0]).buffer)); // maps the block
    const mmap = process.take().find((c) => c[0] === "mmap")!;
    assert.equal(mmap[3], 0x1 | 0x2 | 0x4, "MAP_JIT memory is mapped RWX once");
    const span = pool.add(
      new Uint8Array(new Uint32Array([0x52800540, 0xd65f03c0]).buffer),
    );
    assert.deepEqual(process.take(), [
      ["pthread_jit_write_protect_np", 0],
      ["memcpy", "region1+64", "buffer", 8n],
      ["pthread_jit_write_protect_np", 1],
      ["sys_icache_invalidate", "region1+64", 8n],
    ]);
    span.release();
    const calls = process.take();
    // The trap fill of a small span is a copy of a page of traps made
    // once, under the switch.
    assert.deepEqual(calls, [
      ["pthread_jit_write_protect_np", 0],
      ["memcpy", "region1+64", "buffer", 64n],
      ["pthread_jit_write_protect_np", 1],
      ["sys_icache_invalidate", "region1+64", 64n],
    ]);
    assert.deepEqual(
      bytesAt(span.pointer, 8),
      [0x00, 0x00, 0x20, 0xd4, 0x00, 0x00, 0x20, 0xd4],
      "brk #0",
    );
    assert.ok(!calls.some((c) => c[0] === "mprotect"));
  });
});

for (const strategy of STRATEGIES) {
  Deno.test(
    `${strategy}: addMany() of 200,000 one-byte pieces succeeds whole`,
    onlyWith(strategy),
    () => {
      using pool = new CodePool({ strategy });
      const ret = Deno.build.arch === "x86_64" ? 0xc3 : 0x00;
      const pieces = Array.from(
        { length: 200_000 },
        () => new Uint8Array([ret]),
      );
      const spans = pool.addMany(pieces);
      assert.equal(spans.length, 200_000);
      const stats = pool.stats();
      assert.equal(stats.allocations, 200_000);
      assert.equal(stats.usedBytes, 200_000 * 64);
      const addresses = new Set(
        spans.map((span) => Deno.UnsafePointer.value(span.pointer)),
      );
      assert.equal(addresses.size, 200_000, "every piece has its own place");
      for (let n = 0; n < 200_000; n += 9973) {
        assert.deepEqual(bytesAt(spans[n].pointer, 1), [ret]);
      }
      if (Deno.build.arch === "x86_64") {
        assert.equal(
          spans[123_456].asFunction({ parameters: [], result: "void" })(),
          undefined,
        );
      }
    },
  );

  // Under qemu-user a batch this size takes a minute per failure point:
  // the emulated run takes a tenth of it (named in docs/reliability.md).
  const pieceCount = EMULATED ? 20_000 : 200_000;
  Deno.test(
    `${strategy}: addMany() of ${
      pieceCount.toLocaleString("en")
    } pieces that meets a failure adds none and maps nothing more`,
    onlyWith(strategy),
    () => {
      const real = platform();
      for (const failAt of [2, 40]) {
        const failing = new FailingPlatform(real);
        setPlatformForTesting(failing.platform);
        try {
          const pool = new CodePool({ strategy });
          pool.add(returnValue(1));
          const before = { stats: pool.stats(), live: failing.live.size };
          failing.failAt([failAt]);
          const pieces = Array.from(
            { length: pieceCount },
            (_, n) => returnValue(n, 16),
          );
          const error = assertCode(() => pool.addMany(pieces), "SYSTEM");
          assert.ok(isInjected(error));
          failing.stop();
          assert.deepEqual(pool.stats(), before.stats, `fail at ${failAt}`);
          assert.equal(failing.live.size, before.live, "new blocks unmapped");
          // The pool goes on working.
          const [again] = pool.addMany([returnValue(7)]);
          assert.equal(call(again), 7);
          pool[Symbol.dispose]();
          assert.equal(failing.live.size, 0);
        } finally {
          setPlatformForTesting(real);
        }
      }
    },
  );
}

Deno.test("mprotect: new code goes to pages without live code; released code is trap-filled once its pages hold none", () => {
  recordSwitches((switches) => {
    // The pages made writable so far.
    const switched = (): bigint[] =>
      switches.filter((change) => change.protection === "read-write")
        .flatMap((change) =>
          Array.from(
            { length: change.size / PAGE },
            (_, page) => change.address + BigInt(page * PAGE),
          )
        );
    using pool = new CodePool({ strategy: "mprotect" });
    const pageOf = (span: CodeSpan): bigint =>
      Deno.UnsafePointer.value(span.pointer) / BigInt(PAGE) * BigInt(PAGE);
    const first = pool.add(returnValue(1));
    // A batch shares pages; single adds each take a page of their own.
    const batch = pool.addMany([returnValue(2), returnValue(3)]);
    const single = pool.add(returnValue(4));
    assert.equal(pageOf(batch[0]), pageOf(batch[1]));
    // Each write switched only the page it placed code on, which held no
    // live code before.
    assert.deepEqual(switched(), [first, batch[0], single].map(pageOf));
    switches.length = 0;
    batch[0].release();
    assert.deepEqual(switched(), [], "its page still holds batch[1]");
    assert.notDeepEqual(bytesAt(batch[0].pointer, 1), TRAP.slice(0, 1));
    batch[1].release();
    assert.deepEqual(switched(), [pageOf(batch[1])], "then it is filled");
    assert.deepEqual(
      bytesAt(batch[0].pointer, 64),
      Array(64 / TRAP.length).fill(TRAP).flat(),
    );
    assert.equal(call(first), 1);
    assert.equal(call(single), 4);
  });
});

Deno.test("trap fill keeps no buffer: a pool that once held a 48 MiB span holds no memory for it after dispose", async () => {
  const gc = (globalThis as { gc?: () => void }).gc!;
  // Array buffers are swept after a collection, on a later turn.
  const collect = async (): Promise<void> => {
    for (let turn = 0; turn < 2; turn++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await collect();
  const before = Deno.memoryUsage().external;
  const pool = new CodePool();
  const span = pool.add(new Uint8Array(48 * 1024 * 1024));
  pool.add(returnValue(1)).release(); // fills a small span too
  span.release();
  pool[Symbol.dispose]();
  await collect();
  const held = Deno.memoryUsage().external - before;
  // The pool is still alive here: nothing it keeps may be that large.
  assert.equal(pool.stats().blocks, 0);
  assert.ok(held < 4 * 1024 * 1024, `${held} bytes still held`);
});

Deno.test(
  "dual-map: a block's memfd is sealed (reopened through /proc/self/map_files it cannot be truncated) and its writable view lies far from its code",
  onlyWith("dual-map"),
  () => {
    using pool = new CodePool({ strategy: "dual-map" });
    const span = pool.add(returnValue(5));
    const code = Deno.UnsafePointer.value(span.pointer);
    const views = readMappings().filter((m) =>
      m.path.includes("jit-memory-code") &&
      (m.permissions === "r-xs" || m.permissions === "rw-s")
    );
    const executable = views.find((m) => m.start <= code && code < m.end)!;
    assert.equal(executable.permissions, "r-xs");
    // The writable view is the other mapping of the same file (inode).
    const writable = views.find((m) =>
      m.permissions === "rw-s" && m.inode === executable.inode
    );
    assert.ok(writable !== undefined, "the block's writable view");
    const distance = writable.start - executable.start;
    assert.ok(
      distance > 2n ** 30n || distance < -(2n ** 30n),
      `views ${distance} bytes apart`,
    );
    const reopened = reopenMapping(executable);
    try {
      const F_GET_SEALS = 1034;
      assert.equal(libc().fcntl(reopened, F_GET_SEALS), 0x1 | 0x2 | 0x4);
      assert.equal(libc().ftruncate(reopened, 0n), -1, "truncation refused");
    } finally {
      libc().close(reopened);
    }
    assert.equal(call(span), 5);
  },
);

// Opened on first use: the tests that use it are Linux-only.
const libcSymbols = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  fcntl: { parameters: ["i32", "i32"], result: "i32" },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;
let libcLibrary: Deno.DynamicLibrary<typeof libcSymbols> | undefined;
function libc(): Deno.DynamicLibrary<typeof libcSymbols>["symbols"] {
  libcLibrary ??= Deno.dlopen("libc.so.6", libcSymbols);
  return libcLibrary.symbols;
}

/** Opens the file behind a mapping, read-write, as anyone in the process could. */
function reopenMapping(mapping: { start: bigint; end: bigint }): number {
  const range = `${mapping.start.toString(16)}-${mapping.end.toString(16)}`;
  const O_RDWR = 2;
  const fd = libc().open(
    new TextEncoder().encode(`/proc/self/map_files/${range}\0`),
    O_RDWR,
  );
  assert.ok(fd >= 0, `cannot open /proc/self/map_files/${range}`);
  return fd;
}
