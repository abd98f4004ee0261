// The Linux backend's calls, pinned over a recording fake of glibc and
// libgcc_s; the real backend is exercised by every other test.
import assert from "node:assert/strict";
import {
  CodeBuffer,
  CodePool,
  JITMemoryManager,
  JITMemoryManagerError,
} from "../mod.ts";
import { mapSharedAtRandom } from "../platform/dual_mapping.ts";
import { createLinuxPlatform, type LinuxLibgcc } from "../platform/linux.ts";
import type { Architecture, Platform } from "../platform/types.ts";
import { FakeProcess, withPlatform } from "./helpers/fake_native.ts";
import {
  fakeLinuxLibc,
  type LinuxScript,
  withHints,
} from "./helpers/fake_linux.ts";

const PROT_RW = 0x3;
const PROT_RX = 0x5;
const MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
const MAP_SHARED = 0x01;
const MAP_SHARED_FIXED = 0x01 | 0x10;
const MFD_CLOEXEC_SEALABLE_EXEC = 0x1 | 0x2 | 0x10;
const F_ADD_SEALS = 1033;
const SEAL_SHRINK_GROW_SEAL = 0x2 | 0x4 | 0x1;
/** membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) */
const REGISTER_SYNC_CORE = ["membarrier", 64, 0, 0];
/** membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) */
const SYNC_CORE = ["membarrier", 32, 0, 0];
/** membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) */
const REGISTER_EXPEDITED = ["membarrier", 16, 0, 0];
/** membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) */
const EXPEDITED = ["membarrier", 8, 0, 0];

function fakeLibgcc(process: FakeProcess): LinuxLibgcc {
  return {
    __clear_cache(begin, end): void {
      process.record("__clear_cache", begin, end);
    },
  };
}

function setUp(
  arch: Architecture,
  loadLibgcc?: () => LinuxLibgcc,
  script: LinuxScript = {},
): { process: FakeProcess; backend: Platform; loads: () => number } {
  const process = new FakeProcess();
  let loads = 0;
  const backend = createLinuxPlatform(
    fakeLinuxLibc(process, { arch, ...script }),
    arch,
    () => {
      loads++;
      return loadLibgcc ? loadLibgcc() : fakeLibgcc(process);
    },
  );
  return { process, backend, loads: () => loads };
}

/**
 * The calls that map a writable view of `fd` at a random address. The fake
 * never places a view at its hint (its memory is a JavaScript buffer), as
 * a kernel whose hints are all taken would not: each misplaced view is
 * unmapped and another address tried, four in all, and the fourth
 * placement kept. The views are the fake's regions `first`, `first + 1`...
 */
function randomView(
  size: bigint,
  fd: number,
  first: number,
): unknown[][] {
  const view = ["mmap", "hint", size, PROT_RW, MAP_SHARED, fd, 0n];
  return [0, 1, 2].flatMap((attempt) => [
    view,
    ["munmap", `region${first + attempt}`, size],
  ]).concat([view]);
}

/**
 * The calls of converting `region` (`size` bytes, read-execute) into a
 * dual mapping backed by memfd `fd`. The writable views tried are the
 * fake's regions from `first`; the code is copied into the one kept
 * (`first + 3`) through memory, which records no call.
 */
function conversion(
  region: string,
  size: bigint,
  fd: number,
  first: number,
): unknown[][] {
  return [
    ["memfd_create", "jit-memory-code", MFD_CLOEXEC_SEALABLE_EXEC],
    ["ftruncate", fd, size],
    ["fcntl", fd, F_ADD_SEALS, SEAL_SHRINK_GROW_SEAL],
    ...randomView(size, fd, first),
    ["mmap", region, size, PROT_RX, MAP_SHARED_FIXED, fd, 0n],
    ["close", fd],
  ];
}

Deno.test("Linux/x86-64: mmap(MAP_PRIVATE|MAP_ANONYMOUS), mprotect toggles, no cache maintenance", () => {
  const { process, backend, loads } = setUp("x86_64");
  withPlatform(backend, () => {
    const memory = new JITMemoryManager(6);
    memory.makeExecutable();
    memory.makeWritable();
    memory.deallocate();
  });
  assert.deepEqual(process.take(), [
    ["sysconf", 30],
    ["mmap", null, 4096n, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0n],
    ["mprotect", "region1", 4096n, PROT_RX],
    ["mprotect", "region1", 4096n, PROT_RW],
    ["munmap", "region1", 4096n],
  ]);
  assert.equal(loads(), 0);
});

Deno.test("Linux/AArch64: __clear_cache(begin, end) before every switch to executable and after a patch", () => {
  const { process, backend, loads } = setUp("aarch64");
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(8192);
    process.take();
    memory.makeExecutable();
    // The first barrier registers the process, once.
    assert.deepEqual(process.take(), [
      ["__clear_cache", "region1", "region1+8192"],
      ["mprotect", "region1", 8192n, PROT_RX],
      REGISTER_SYNC_CORE,
      SYNC_CORE,
    ]);
    // The first patch of executable code makes the region dual-mapped:
    // its pages never change protection, the bytes go through the view.
    memory.patch(4100, [1, 2, 3, 4]);
    assert.deepEqual(withHints(process.take()), [
      ...conversion("region1", 8192n, 100, 2),
      ["memcpy", "region5+4100", "buffer", 4n],
      ["__clear_cache", "region1+4100", "region1+4104"],
      SYNC_CORE,
    ]);
    memory.patch(8, [5, 6, 7, 8]);
    assert.deepEqual(process.take(), [
      ["memcpy", "region5+8", "buffer", 4n],
      ["__clear_cache", "region1+8", "region1+12"],
      SYNC_CORE,
    ]);
    memory.makeWritable();
    memory.makeExecutable();
    assert.deepEqual(process.take(), [
      ["mprotect", "region1", 8192n, PROT_RW],
      ["__clear_cache", "region1", "region1+8192"],
      ["mprotect", "region1", 8192n, PROT_RX],
      SYNC_CORE,
    ]);
  });
  assert.deepEqual(process.take(), [
    ["munmap", "region5", 8192n],
    ["munmap", "region1", 8192n],
  ]);
  assert.equal(loads(), 1, "libgcc_s is opened once");
});

Deno.test("Linux/AArch64 without libgcc_s refuses to make code executable (UNSUPPORTED)", () => {
  const { process, backend } = setUp("aarch64", () => {
    throw new Error("libgcc_s.so.1: cannot open shared object file");
  });
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    process.take();
    assert.throws(
      () => memory.makeExecutable(),
      (error) =>
        error instanceof JITMemoryManagerError &&
        error.code === "UNSUPPORTED" && /libgcc_s/.test(error.message),
    );
    assert.equal(memory.isExecutable(), false);
    assert.deepEqual(process.take(), []);
  });
});

Deno.test("Linux/AArch64: write, flush, protect, membarrier, in that order, for makeExecutable(), commit() and patch()", () => {
  const { process, backend } = setUp("aarch64");
  const words = new Uint8Array(
    new Uint32Array([0x52800540, 0xd65f03c0]).buffer,
  );
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    process.take();
    memory.write(words);
    memory.makeExecutable();
    assert.deepEqual(process.take(), [
      ["memcpy", "region1", "buffer", 8n],
      ["__clear_cache", "region1", "region1+4096"],
      ["mprotect", "region1", 4096n, PROT_RX],
      REGISTER_SYNC_CORE,
      SYNC_CORE,
    ]);

    using buffer = new CodeBuffer();
    buffer.commit(words);
    // Only the committed bytes are flushed, not the whole buffer.
    assert.deepEqual(process.take(), [
      ["mmap", null, 4096n, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0n],
      ["memcpy", "region2", "buffer", 8n],
      ["__clear_cache", "region2", "region2+8"],
      ["mprotect", "region2", 4096n, PROT_RX],
      SYNC_CORE,
    ]);
    buffer.patch(0, words.subarray(0, 4));
    assert.deepEqual(withHints(process.take()), [
      ...conversion("region2", 4096n, 100, 3),
      ["memcpy", "region6", "buffer", 4n],
      ["__clear_cache", "region2", "region2+4"],
      SYNC_CORE,
    ]);
  });
});

Deno.test("Linux/AArch64: a 100-byte commit into a 64 MiB buffer flushes 100 bytes", () => {
  const { process, backend } = setUp("aarch64");
  withPlatform(backend, () => {
    using buffer = new CodeBuffer({ capacity: 64 * 1024 * 1024 });
    process.take();
    buffer.commit(new Uint8Array(100));
    assert.deepEqual(
      process.take().filter((call) => call[0] === "__clear_cache"),
      [["__clear_cache", "region1", "region1+100"]],
    );
  });
});

Deno.test("Linux: where memfds and O_TMPFILE files are refused, patch() switches the pages, and dual mapping is not tried again", () => {
  const { process, backend } = setUp("aarch64", undefined, {
    refuseMemfd: 1,
    refuseTemporaryFiles: 13,
  });
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(8192);
    memory.makeExecutable();
    process.take();
    memory.patch(4100, [1, 2, 3, 4]);
    const O_TMPFILE_RDWR_CLOEXEC = 0o20000000 | 0o40000 | 0o2 | 0o2000000;
    assert.deepEqual(process.take(), [
      ["memfd_create", "jit-memory-code", MFD_CLOEXEC_SEALABLE_EXEC],
      ["openat", -100, "/dev/shm", O_TMPFILE_RDWR_CLOEXEC, 0o600],
      ["openat", -100, "/tmp", O_TMPFILE_RDWR_CLOEXEC, 0o600],
      ["mprotect", "region1+4096", 4096n, PROT_RW],
      ["memcpy", "region1+4100", "buffer", 4n],
      ["__clear_cache", "region1+4100", "region1+4104"],
      ["mprotect", "region1+4096", 4096n, PROT_RX],
      SYNC_CORE,
    ]);
    memory.patch(0, [9]);
    assert.deepEqual(process.take(), [
      ["mprotect", "region1", 4096n, PROT_RW],
      ["memcpy", "region1", "buffer", 1n],
      ["__clear_cache", "region1", "region1+1"],
      ["mprotect", "region1", 4096n, PROT_RX],
      SYNC_CORE,
    ]);
  });
});

Deno.test("Linux: where memfds are refused, dual mapping falls back to an O_TMPFILE file in /dev/shm, unsealed", () => {
  const { process, backend } = setUp("x86_64", undefined, { refuseMemfd: 38 });
  withPlatform(backend, () => {
    const views = backend.dualMapping!.map(8192);
    const O_TMPFILE_RDWR_CLOEXEC = 0o20000000 | 0o200000 | 0o2 | 0o2000000;
    assert.deepEqual(withHints(process.take()), [
      ["memfd_create", "jit-memory-code", MFD_CLOEXEC_SEALABLE_EXEC],
      ["openat", -100, "/dev/shm", O_TMPFILE_RDWR_CLOEXEC, 0o600],
      ["ftruncate", 100, 8192n],
      ["sysconf", 30],
      ...randomView(8192n, 100, 1),
      ["mmap", null, 8192n, PROT_RX, MAP_SHARED, 100, 0n],
      ["close", 100],
    ]);
    assert.notEqual(views.writable, views.executable);
  });
});

Deno.test("Linux: where the OS refuses executable mprotect, managers and buffers run dual-mapped (fake)", () => {
  const { process, backend } = setUp("x86_64", undefined, {
    refuseExecutableProtect: 13,
  });
  withPlatform(backend, () => {
    const first = new JITMemoryManager(4096);
    first.write([0xc3]);
    process.take();
    first.makeExecutable();
    assert.equal(first.isExecutable(), true);
    assert.deepEqual(withHints(process.take()), [
      ["mprotect", "region1", 4096n, PROT_RX],
      ...conversion("region1", 4096n, 100, 2),
    ]);
    // Switching back to write changes no protection: writes go through
    // the writable view.
    first.makeWritable();
    first.write([0x90], 1);
    assert.deepEqual(process.take(), [["memcpy", "region5+1", "buffer", 1n]]);
    first.deallocate();
    assert.deepEqual(process.take(), [
      ["munmap", "region5", 4096n],
      ["munmap", "region1", 4096n],
    ]);

    // From now on, memory is dual-mapped from the start.
    using buffer = new CodeBuffer();
    buffer.commit(new Uint8Array([0xc3]));
    assert.deepEqual(withHints(process.take()), [
      ["memfd_create", "jit-memory-code", MFD_CLOEXEC_SEALABLE_EXEC],
      ["ftruncate", 101, 4096n],
      ["fcntl", 101, F_ADD_SEALS, SEAL_SHRINK_GROW_SEAL],
      ...randomView(4096n, 101, 6),
      ["mmap", null, 4096n, PROT_RX, MAP_SHARED, 101, 0n],
      ["close", 101],
      ["memcpy", "region9", "buffer", 1n],
    ]);
    buffer.reset();
    buffer.commit(new Uint8Array([0x90, 0xc3]));
    assert.deepEqual(process.take(), [["memcpy", "region9", "buffer", 2n]]);
  });
});

Deno.test("Linux/AArch64: asFunction() refuses entry points off a 4-byte boundary", () => {
  const { backend } = setUp("aarch64");
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    for (const offset of [1, 2, 3, 4094]) {
      assert.throws(
        () => memory.asFunction({ parameters: [], result: "void" }, offset),
        (error) =>
          error instanceof JITMemoryManagerError &&
          error.code === "INVALID_ARGUMENT" && /4-byte/.test(error.message),
      );
    }
    assert.equal(
      typeof memory.asFunction({ parameters: [], result: "void" }, 8),
      "function",
    );
  });
});

Deno.test("Linux: a writable view whose random address was taken is unmapped and placed again; one placed where asked is kept", () => {
  const calls: string[] = [];
  const elsewhere = Deno.UnsafePointer.create(0x7f0000000000n);
  let placements = 0;
  const view = mapSharedAtRandom(
    {
      mmap(address, length, protection, flags, fd, offset): Deno.PointerValue {
        calls.push(
          `mmap ${protection} ${flags} ${fd} ${offset} ${length}`,
        );
        // The second address asked for is free; the first is not.
        return ++placements === 2 ? address : elsewhere;
      },
      munmap(address, length): number {
        calls.push(`munmap ${Deno.UnsafePointer.value(address)} ${length}`);
        return 0;
      },
    },
    7,
    8192,
    PROT_RW,
    4096n,
    4096,
  );
  const placed = Deno.UnsafePointer.value(view);
  assert.ok(placed >= 2n ** 40n && placed < 2n ** 46n, `${placed}`);
  assert.deepEqual(calls, [
    `mmap ${PROT_RW} ${MAP_SHARED} 7 4096 8192`,
    `munmap ${0x7f0000000000n} 8192`,
    `mmap ${PROT_RW} ${MAP_SHARED} 7 4096 8192`,
  ]);
});

Deno.test("Linux/AArch64: a kernel without SYNC_CORE gets the plain expedited membarrier, whose interrupt return synchronizes too", () => {
  const { process, backend } = setUp("aarch64", undefined, {
    refuseMembarrier: { 64: 22 }, // EINVAL: Linux 4.14 and 4.15
  });
  withPlatform(backend, () => {
    using buffer = new CodeBuffer();
    buffer.commit(new Uint8Array(8));
    assert.deepEqual(
      process.take().filter((call) => call[0] === "membarrier"),
      [REGISTER_SYNC_CORE, REGISTER_EXPEDITED, EXPEDITED],
    );
    assert.deepEqual(backend.coreSync?.status(), { state: "expedited" });
    buffer.patch(0, new Uint8Array(4));
    assert.deepEqual(
      process.take().filter((call) => call[0] === "membarrier"),
      [EXPEDITED],
    );
  });
});

Deno.test("Linux/AArch64: a kernel with neither barrier is asked once; code still runs, with no barrier", () => {
  const { process, backend } = setUp("aarch64", undefined, {
    refuseMembarrier: { 64: 22, 16: 22 }, // before Linux 4.14
  });
  withPlatform(backend, () => {
    using buffer = new CodeBuffer();
    buffer.commit(new Uint8Array(8));
    assert.deepEqual(
      process.take().filter((call) => call[0] === "membarrier"),
      [REGISTER_SYNC_CORE, REGISTER_EXPEDITED],
    );
    assert.deepEqual(backend.coreSync?.status(), {
      state: "unavailable",
      errno: 22,
    });
    buffer.patch(0, new Uint8Array(4));
    buffer.reset();
    buffer.commit(new Uint8Array(8));
    assert.equal(buffer.isCommitted(), true);
    assert.deepEqual(
      process.take().filter((call) => call[0] === "membarrier"),
      [],
    );
  });
});

Deno.test("Linux/AArch64: a barrier refused after registration: EPERM stops the barriers, ENOMEM is tried again; objects stay consistent", () => {
  const { process, backend } = setUp("aarch64", undefined, {
    refuseMembarrier: { 32: 12 }, // ENOMEM, as old kernels may
  });
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    memory.makeExecutable();
    memory.patch(0, [1, 2, 3, 4]);
    assert.equal(memory.isExecutable(), true);
    assert.deepEqual(
      process.take().filter((call) => call[0] === "membarrier"),
      [REGISTER_SYNC_CORE, SYNC_CORE, SYNC_CORE],
    );
    assert.deepEqual(backend.coreSync?.status(), { state: "sync-core" });
  });

  const denied = setUp("aarch64", undefined, {
    refuseMembarrier: { 32: 1 }, // EPERM, as from a seccomp filter since
  });
  withPlatform(denied.backend, () => {
    using memory = new JITMemoryManager(4096);
    memory.makeExecutable();
    assert.equal(memory.isExecutable(), true);
    assert.deepEqual(
      denied.process.take().filter((call) => call[0] === "membarrier"),
      [REGISTER_SYNC_CORE, SYNC_CORE],
    );
    assert.deepEqual(denied.backend.coreSync?.status(), {
      state: "unavailable",
      errno: 1,
    });
    memory.patch(0, [1, 2, 3, 4]);
    assert.equal(memory.isExecutable(), true);
    const calls = denied.process.take();
    assert.ok(calls.some((call) => call[0] === "memcpy"), "patched");
    assert.deepEqual(calls.filter((call) => call[0] === "membarrier"), []);
  });
});

Deno.test("Linux/AArch64: a membarrier binding that throws never makes a commit fail", () => {
  const { process, backend } = setUp("aarch64", undefined, {
    throwFromMembarrier: true,
  });
  withPlatform(backend, () => {
    using buffer = new CodeBuffer();
    buffer.commit(new Uint8Array(8));
    assert.equal(buffer.isCommitted(), true);
    assert.deepEqual(
      process.take().filter((call) => call[0] === "membarrier"),
      [REGISTER_SYNC_CORE, REGISTER_EXPEDITED],
    );
    assert.equal(backend.coreSync?.status().state, "unavailable");
  });
});

Deno.test("Linux/AArch64: a code pool's batch is flushed, protected, then followed by one barrier (both strategies)", () => {
  for (const strategy of ["mprotect", "dual-map"] as const) {
    const { process, backend } = setUp("aarch64");
    withPlatform(backend, () => {
      using pool = new CodePool({ strategy });
      pool.add(new Uint8Array(8));
      process.take();
      pool.addMany([new Uint8Array(8), new Uint8Array(8)]);
      const calls = process.take().map((call) => call[0]);
      // One barrier for the batch, after its last flush and protection.
      assert.deepEqual(
        calls.filter((name) => name === "membarrier"),
        ["membarrier"],
        strategy,
      );
      assert.equal(calls.at(-1), "membarrier", strategy);
      assert.ok(calls.includes("__clear_cache"), strategy);
      if (strategy === "mprotect") {
        assert.equal(calls.at(-2), "mprotect", strategy);
      }
    });
  }
});

Deno.test("Linux/AArch64: a pool not shared with workers issues no barrier, nor does releasing code (trap fill)", () => {
  const { process, backend } = setUp("aarch64");
  withPlatform(backend, () => {
    using shared = new CodePool({ strategy: "dual-map" });
    const span = shared.add(new Uint8Array(8));
    process.take();
    span.release(); // filled with traps: no thread may run it any more
    const release = process.take().map((call) => call[0]);
    assert.ok(release.includes("memcpy"), "the trap fill is written");
    assert.ok(!release.includes("membarrier"));

    using own = new CodePool({ sharedWithWorkers: false });
    own.add(new Uint8Array(8));
    own.addMany([new Uint8Array(8), new Uint8Array(8)]).forEach((piece) =>
      piece.release()
    );
    const calls = process.take().map((call) => call[0]);
    assert.ok(calls.includes("__clear_cache"));
    assert.ok(!calls.includes("membarrier"));
  });
  assert.throws(
    () => new CodePool({ sharedWithWorkers: "no" as unknown as boolean }),
    (error) =>
      error instanceof JITMemoryManagerError &&
      error.code === "INVALID_ARGUMENT" &&
      /sharedWithWorkers/.test(error.message),
  );
});
