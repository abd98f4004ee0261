// The Windows backend, driven through the public API over a recording fake
// of kernel32: no Windows machine runs CI, so these tests pin the exact
// native calls.
import assert from "node:assert/strict";
import { JITMemoryManager, JITMemoryManagerError } from "../mod.ts";
import { createWindowsPlatform, type Kernel32 } from "../platform/windows.ts";
import type { Architecture, Platform } from "../platform/types.ts";
import { FakeProcess, withPlatform } from "./helpers/fake_native.ts";

const MEM_COMMIT_RESERVE = 0x1000 | 0x2000;
const MEM_RELEASE = 0x8000;
const PAGE_READWRITE = 0x04;
const PAGE_EXECUTE_READ = 0x20;
const FORMAT_FLAGS = 0x1000 | 0x0200;
const CURRENT_PROCESS = Deno.UnsafePointer.create(0xffff_ffff_ffff_ffffn);

interface Script {
  pageSize?: number;
  lastError?: number;
  failVirtualAlloc?: boolean;
  failVirtualProtect?: boolean;
  failVirtualFree?: boolean;
  noMessage?: boolean;
}

const MESSAGES: Record<number, string> = {
  8: "Not enough memory resources are available to process this command.\r\n",
  87: "The parameter is incorrect.\r\n",
};

function fakeKernel32(process: FakeProcess, script: Script = {}): Kernel32 {
  return {
    VirtualAlloc(address, size, type, protection): Deno.PointerValue {
      process.record("VirtualAlloc", address, size, type, protection);
      return script.failVirtualAlloc ? null : process.map(Number(size));
    },
    VirtualProtect(address, size, protection, old): number {
      process.record("VirtualProtect", address, size, protection, old);
      return script.failVirtualProtect ? 0 : 1;
    },
    VirtualFree(address, size, type): number {
      process.record("VirtualFree", address, size, type);
      if (script.failVirtualFree) return 0;
      process.unmap(address);
      return 1;
    },
    GetSystemInfo(info): void {
      process.record("GetSystemInfo", info);
      const view = new DataView(
        (info as Uint8Array).buffer,
        (info as Uint8Array).byteOffset,
      );
      view.setUint16(0, 9, true); // PROCESSOR_ARCHITECTURE_AMD64
      view.setUint32(4, script.pageSize ?? 4096, true);
      view.setUint32(40, 65536, true); // dwAllocationGranularity
    },
    GetCurrentProcess(): Deno.PointerValue {
      process.record("GetCurrentProcess");
      return CURRENT_PROCESS;
    },
    FlushInstructionCache(handle, address, size): number {
      process.record("FlushInstructionCache", handle, address, size);
      return 1;
    },
    FlushProcessWriteBuffers(): void {
      process.record("FlushProcessWriteBuffers");
    },
    RtlMoveMemory(destination, source, length): void {
      process.record("RtlMoveMemory", destination, source, length);
      process.copy(destination, source as BufferSource);
    },
    GetLastError(): number {
      process.record("GetLastError");
      return script.lastError ?? 0;
    },
    FormatMessageW(flags, source, code, language, buffer, size, args): number {
      process.record(
        "FormatMessageW",
        flags,
        source,
        code,
        language,
        buffer,
        size,
        args,
      );
      const message = MESSAGES[code];
      if (script.noMessage || message === undefined) return 0;
      const target = buffer as Uint16Array;
      for (let index = 0; index < message.length; index++) {
        target[index] = message.charCodeAt(index);
      }
      return message.length;
    },
  };
}

function setUp(
  arch: Architecture,
  script?: Script,
): { process: FakeProcess; backend: Platform } {
  const process = new FakeProcess();
  const backend = createWindowsPlatform(fakeKernel32(process, script), arch);
  return { process, backend };
}

Deno.test("Windows: allocate, make executable, make writable, deallocate make exactly these kernel32 calls", () => {
  const { process, backend } = setUp("x86_64");
  withPlatform(backend, () => {
    const memory = new JITMemoryManager(6);
    assert.equal(memory.getSize(), 4096);
    assert.deepEqual(process.take(), [
      ["GetSystemInfo", "buffer"],
      ["VirtualAlloc", null, 4096n, MEM_COMMIT_RESERVE, PAGE_READWRITE],
    ]);
    memory.write([0xb8, 0x2a, 0, 0, 0, 0xc3]);
    assert.deepEqual(process.take(), [[
      "RtlMoveMemory",
      "region1",
      "buffer",
      6n,
    ]]);
    assert.deepEqual([...memory.read(0, 6)], [0xb8, 0x2a, 0, 0, 0, 0xc3]);
    memory.makeExecutable();
    assert.deepEqual(process.take(), [
      ["VirtualProtect", "region1", 4096n, PAGE_EXECUTE_READ, "buffer"],
    ]);
    memory.makeWritable();
    assert.deepEqual(process.take(), [
      ["VirtualProtect", "region1", 4096n, PAGE_READWRITE, "buffer"],
    ]);
    memory.deallocate();
    assert.deepEqual(process.take(), [[
      "VirtualFree",
      "region1",
      0n,
      MEM_RELEASE,
    ]]);
  });
});

Deno.test("Windows: the page size comes from GetSystemInfo's dwPageSize", () => {
  const { backend } = setUp("x86_64", { pageSize: 8192 });
  withPlatform(backend, () => {
    assert.equal(JITMemoryManager.getPageSize(), 8192);
    using memory = new JITMemoryManager(8193);
    assert.equal(memory.getSize(), 16384);
  });
});

Deno.test("Windows on ARM: FlushInstructionCache(GetCurrentProcess(), ...) before every switch to executable and after a patch, FlushProcessWriteBuffers last", () => {
  const { process, backend } = setUp("aarch64");
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    process.take();
    memory.makeExecutable();
    assert.deepEqual(process.take(), [
      ["GetCurrentProcess"],
      ["FlushInstructionCache", "0xffffffffffffffff", "region1", 4096n],
      ["VirtualProtect", "region1", 4096n, PAGE_EXECUTE_READ, "buffer"],
      ["FlushProcessWriteBuffers"],
    ]);
    memory.patch(8, [1, 2, 3, 4]);
    assert.deepEqual(process.take(), [
      ["VirtualProtect", "region1", 4096n, PAGE_READWRITE, "buffer"],
      ["RtlMoveMemory", "region1+8", "buffer", 4n],
      ["GetCurrentProcess"],
      ["FlushInstructionCache", "0xffffffffffffffff", "region1+8", 4n],
      ["VirtualProtect", "region1", 4096n, PAGE_EXECUTE_READ, "buffer"],
      ["FlushProcessWriteBuffers"],
    ]);
    assert.deepEqual(backend.coreSync?.status(), {
      state: "flush-process-write-buffers",
    });
  });
  // x86-64 needs no barrier.
  assert.equal(setUp("x86_64").backend.coreSync, undefined);
});

Deno.test("Windows: a refused VirtualAlloc becomes SYSTEM with GetLastError and FormatMessageW's text", () => {
  const { process, backend } = setUp("x86_64", {
    failVirtualAlloc: true,
    lastError: 8,
  });
  withPlatform(backend, () => {
    const memory = new JITMemoryManager();
    assert.throws(() => memory.allocate(4096), (error) => {
      assert.ok(error instanceof JITMemoryManagerError);
      assert.equal(error.code, "SYSTEM");
      assert.equal(error.errno, 8);
      assert.equal(error.syscall, "VirtualAlloc");
      assert.equal(error.reason, "out-of-memory");
      assert.match(
        error.message,
        /Not enough memory resources are available to process this command\. \(OS error 8\)$/,
      );
      return true;
    });
    assert.equal(memory.isAllocated(), false);
    const calls = process.take();
    assert.deepEqual(calls.slice(-2), [
      ["GetLastError"],
      ["FormatMessageW", FORMAT_FLAGS, null, 8, 0, "buffer", 512, null],
    ]);
  });
});

Deno.test("Windows: a refused VirtualProtect becomes SYSTEM and the state is unchanged", () => {
  const { backend } = setUp("x86_64", {
    failVirtualProtect: true,
    lastError: 87,
  });
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    assert.throws(() => memory.makeExecutable(), (error) => {
      assert.ok(error instanceof JITMemoryManagerError);
      assert.equal(error.code, "SYSTEM");
      assert.equal(error.errno, 87);
      assert.equal(error.syscall, "VirtualProtect");
      assert.equal(error.reason, "invalid-argument");
      assert.match(error.message, /The parameter is incorrect\./);
      return true;
    });
    assert.equal(memory.isExecutable(), false);
  });
});

Deno.test("Windows: ACG's refusal to make memory executable (1655) is permission-denied, as EACCES is on Linux", () => {
  const { backend } = setUp("x86_64", {
    failVirtualProtect: true,
    lastError: 1655,
  });
  withPlatform(backend, () => {
    using memory = new JITMemoryManager(4096);
    assert.throws(() => memory.makeExecutable(), (error) => {
      assert.ok(error instanceof JITMemoryManagerError);
      assert.equal(error.errno, 1655);
      assert.equal(error.reason, "permission-denied");
      return true;
    });
    // No dual mapping on Windows (yet): the region stays writable.
    assert.equal(memory.isExecutable(), false);
  });
});

Deno.test("Windows: an error without a system message still names its code", () => {
  const { backend } = setUp("x86_64", {
    failVirtualAlloc: true,
    lastError: 1455,
    noMessage: true,
  });
  withPlatform(backend, () => {
    assert.throws(
      () => new JITMemoryManager(4096),
      (error) =>
        error instanceof JITMemoryManagerError && error.errno === 1455 &&
        /Windows error 1455/.test(error.message),
    );
  });
});
