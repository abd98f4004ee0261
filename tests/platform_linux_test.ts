// The Linux backend's calls, pinned over a recording fake of glibc and
// libgcc_s; the real backend is exercised by every other test.
import assert from "node:assert/strict";
import { CodeBuffer, JITMemoryManager, JITMemoryManagerError } from "../mod.ts";
import {
  createLinuxPlatform,
  type LinuxLibc,
  type LinuxLibgcc,
} from "../platform/linux.ts";
import type { Architecture, Platform } from "../platform/types.ts";
import { FakeProcess, withPlatform } from "./helpers/fake_native.ts";
import { fakePosix } from "./helpers/fake_posix.ts";

const PROT_RW = 0x3;
const PROT_RX = 0x5;
const MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;

function fakeLibc(process: FakeProcess): LinuxLibc {
  const posix = fakePosix(process, { pageSize: 4096 });
  return {
    ...posix.native,
    __errno_location: posix.errnoLocation,
    // Fast calls are not built over this fake (no dlopen is passed).
    memfd_create(name, flags): number {
      process.record("memfd_create", name, flags);
      return -1;
    },
    write(fd, buffer, count): bigint {
      process.record("write", fd, buffer, count);
      return -1n;
    },
    ftruncate(fd, length): number {
      process.record("ftruncate", fd, length);
      return -1;
    },
    close(fd): number {
      process.record("close", fd);
      return 0;
    },
  };
}

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
): { process: FakeProcess; backend: Platform; loads: () => number } {
  const process = new FakeProcess();
  let loads = 0;
  const backend = createLinuxPlatform(fakeLibc(process), arch, () => {
    loads++;
    return loadLibgcc ? loadLibgcc() : fakeLibgcc(process);
  });
  return { process, backend, loads: () => loads };
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
    assert.deepEqual(process.take(), [
      ["__clear_cache", "region1", "region1+8192"],
      ["mprotect", "region1", 8192n, PROT_RX],
    ]);
    memory.patch(4100, [1, 2, 3, 4]);
    assert.deepEqual(process.take(), [
      ["mprotect", "region1+4096", 4096n, PROT_RW],
      ["memcpy", "region1+4100", "buffer", 4n],
      ["__clear_cache", "region1+4100", "region1+4104"],
      ["mprotect", "region1+4096", 4096n, PROT_RX],
    ]);
    memory.makeWritable();
    memory.makeExecutable();
  });
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

Deno.test("Linux/AArch64: write, flush, protect, in that order, for makeExecutable(), commit() and patch()", () => {
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
    ]);

    using buffer = new CodeBuffer();
    buffer.commit(words);
    assert.deepEqual(process.take(), [
      ["mmap", null, 4096n, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0n],
      ["memcpy", "region2", "buffer", 8n],
      ["__clear_cache", "region2", "region2+4096"],
      ["mprotect", "region2", 4096n, PROT_RX],
    ]);
    buffer.patch(0, words.subarray(0, 4));
    assert.deepEqual(process.take(), [
      ["mprotect", "region2", 4096n, PROT_RW],
      ["memcpy", "region2", "buffer", 4n],
      ["__clear_cache", "region2", "region2+4"],
      ["mprotect", "region2", 4096n, PROT_RX],
    ]);
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
