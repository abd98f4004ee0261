// The macOS backend, driven through the public API over a recording fake of
// libSystem: no Mac runs CI, so these tests pin the exact native calls.
import assert from "node:assert/strict";
import { JITMemoryManager, JITMemoryManagerError } from "../mod.ts";
import { managerInternals } from "../jit_memory_manager.ts";
import { errorCodeOf } from "./helpers/error_code.ts";
import {
  createDarwinPlatform,
  type DarwinLibSystem,
} from "../platform/darwin.ts";
import type { Architecture, Platform } from "../platform/types.ts";
import { FakeProcess, withPlatform } from "./helpers/fake_native.ts";
import { fakePosix } from "./helpers/fake_posix.ts";

const PROT_RW = 0x1 | 0x2;
const PROT_RX = 0x1 | 0x4;
const PROT_RWX = 0x1 | 0x2 | 0x4;
const MAP_PRIVATE_ANON_JIT = 0x0002 | 0x1000 | 0x0800;

interface Script {
  pageSize?: number;
  jitToggleSupported?: boolean | "missing";
  failMmap?: number;
  failMprotect?: number;
}

function fakeLibSystem(
  process: FakeProcess,
  script: Script = {},
): DarwinLibSystem {
  const posix = fakePosix(process, {
    pageSize: script.pageSize ?? 16384,
    failMmap: script.failMmap,
    failMprotect: script.failMprotect,
  });
  const toggleMissing = script.jitToggleSupported === "missing";
  return {
    ...posix.native,
    __error: posix.errnoLocation,
    pthread_jit_write_protect_supported_np: toggleMissing
      ? null
      : (): number => {
        process.record("pthread_jit_write_protect_supported_np");
        return script.jitToggleSupported === false ? 0 : 1;
      },
    pthread_jit_write_protect_np: toggleMissing ? null : (enabled): void => {
      process.record("pthread_jit_write_protect_np", enabled);
    },
    sys_icache_invalidate(start, length): void {
      process.record("sys_icache_invalidate", start, length);
    },
  };
}

function setUp(
  arch: Architecture,
  script?: Script,
): { process: FakeProcess; backend: Platform } {
  const process = new FakeProcess();
  const backend = createDarwinPlatform(fakeLibSystem(process, script), arch);
  process.take();
  return { process, backend };
}

Deno.test("macOS/Apple silicon: allocate() maps MAP_JIT read-write-execute with MAP_PRIVATE|MAP_ANON|MAP_JIT", () => {
  const { process, backend } = setUp("aarch64");
  assert.equal(backend.writeMode, "thread-toggle");
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(100);
    assert.equal(memory.getSize(), 16384);
    assert.deepEqual(process.take(), [
      ["sysconf", 29],
      ["mmap", null, 16384n, PROT_RWX, MAP_PRIVATE_ANON_JIT, -1, 0n],
    ]);
  });
});

Deno.test("macOS/Apple silicon: write() brackets memcpy with the per-thread write switch", () => {
  const { process, backend } = setUp("aarch64");
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(100);
    process.take();
    memory.write([0x40, 0x05, 0x80, 0x52], 8);
    assert.deepEqual(process.take(), [
      ["pthread_jit_write_protect_np", 0],
      ["memcpy", "region1+8", "buffer", 4n],
      ["pthread_jit_write_protect_np", 1],
    ]);
    assert.deepEqual([...memory.read(8, 4)], [0x40, 0x05, 0x80, 0x52]);
  });
});

Deno.test("macOS/Apple silicon: makeExecutable() invalidates the icache and never calls mprotect", () => {
  const { process, backend } = setUp("aarch64");
  withPlatform(backend, () => {
    const memory = new JITMemoryManager(100);
    process.take();
    memory.makeExecutable();
    assert.deepEqual(process.take(), [
      ["sys_icache_invalidate", "region1", 16384n],
    ]);
    assert.equal(memory.isExecutable(), true);
    memory.makeWritable();
    assert.deepEqual(process.take(), []);
    assert.equal(memory.isExecutable(), false);
    memory.deallocate();
    assert.deepEqual(process.take(), [["munmap", "region1", 16384n]]);
  });
});

Deno.test("macOS/Apple silicon: patch() on executable code switches, copies, switches back, invalidates", () => {
  const { process, backend } = setUp("aarch64");
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(100);
    memory.makeExecutable();
    process.take();
    memory.patch(4, [1, 2, 3, 4]);
    assert.deepEqual(process.take(), [
      ["pthread_jit_write_protect_np", 0],
      ["memcpy", "region1+4", "buffer", 4n],
      ["pthread_jit_write_protect_np", 1],
      ["sys_icache_invalidate", "region1+4", 4n],
    ]);
    assert.equal(memory.isExecutable(), true);
  });
});

Deno.test("macOS/Apple silicon: patch() of running code goes ahead (the switch is this thread's own); without the switch it is IN_USE", () => {
  for (const jitToggleSupported of [true, false] as const) {
    const { process, backend } = setUp("aarch64", { jitToggleSupported });
    withPlatform(backend, () => {
      using memory = new JITMemoryManager(100);
      memory.makeExecutable();
      process.take();
      // As CodeBuffer.patch() does for a commit whose code is running.
      const patch = (): void =>
        managerInternals.patch(memory, 4, new Uint8Array(4), true);
      if (jitToggleSupported) {
        patch();
        assert.deepEqual(process.take().map((call) => call[0]), [
          "pthread_jit_write_protect_np",
          "memcpy",
          "pthread_jit_write_protect_np",
          "sys_icache_invalidate",
        ]);
      } else {
        assert.equal(errorCodeOf(patch), "IN_USE");
        assert.deepEqual(process.take(), [], "nothing switched");
      }
    });
  }
});

Deno.test("macOS/Apple silicon without the per-thread switch falls back to mprotect", () => {
  for (const jitToggleSupported of [false, "missing"] as const) {
    const { process, backend } = setUp("aarch64", { jitToggleSupported });
    assert.equal(backend.writeMode, "protect");
    withPlatform(backend, () => {
      const memory = new JITMemoryManager(100);
      memory.makeExecutable();
      assert.deepEqual(process.take(), [
        ["sysconf", 29],
        ["mmap", null, 16384n, PROT_RW, MAP_PRIVATE_ANON_JIT, -1, 0n],
        ["sys_icache_invalidate", "region1", 16384n],
        ["mprotect", "region1", 16384n, PROT_RX],
      ]);
      memory.deallocate();
    });
  }
});

Deno.test("macOS/Intel: MAP_JIT read-write, then mprotect toggles, no icache maintenance", () => {
  const { process, backend } = setUp("x86_64", { pageSize: 4096 });
  assert.equal(backend.writeMode, "protect");
  withPlatform(backend, () => {
    const memory = new JITMemoryManager(6);
    memory.write([0xc3]);
    memory.makeExecutable();
    memory.makeWritable();
    memory.deallocate();
    assert.deepEqual(process.take(), [
      ["sysconf", 29],
      ["mmap", null, 4096n, PROT_RW, MAP_PRIVATE_ANON_JIT, -1, 0n],
      ["memcpy", "region1", "buffer", 1n],
      ["mprotect", "region1", 4096n, PROT_RX],
      ["mprotect", "region1", 4096n, PROT_RW],
      ["munmap", "region1", 4096n],
    ]);
  });
});

Deno.test("macOS: a refused mmap becomes SYSTEM with errno and strerror's text", () => {
  const { backend } = setUp("aarch64", { failMmap: 12 });
  withPlatform(backend, () => {
    const memory = new JITMemoryManager();
    assert.throws(() => memory.allocate(4096), (error) => {
      assert.ok(error instanceof JITMemoryManagerError);
      assert.equal(error.code, "SYSTEM");
      assert.equal(error.errno, 12);
      assert.equal(error.syscall, "mmap");
      assert.match(error.message, /Cannot allocate memory/);
      return true;
    });
    assert.equal(memory.isAllocated(), false);
  });
});

Deno.test("macOS/Intel: a refused mprotect becomes SYSTEM and the region stays writable", () => {
  const { backend } = setUp("x86_64", { pageSize: 4096, failMprotect: 13 });
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    assert.throws(() => memory.makeExecutable(), (error) => {
      assert.ok(error instanceof JITMemoryManagerError);
      assert.equal(error.code, "SYSTEM");
      assert.equal(error.errno, 13);
      assert.equal(error.syscall, "mprotect");
      assert.match(error.message, /Permission denied/);
      return true;
    });
    assert.equal(memory.isExecutable(), false);
  });
});
