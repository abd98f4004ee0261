// Cross-thread instruction coherence, for real: on Linux/AArch64 (here
// under qemu-aarch64, which hands membarrier to the host kernel) the
// platform registers for and issues a membarrier once code is executable;
// x86-64 has no barrier to issue. The order of the calls
// is pinned over fakes in platform_linux_test.ts; the cross-worker tests of
// worker_test.ts run other threads' code through the same path.
import assert from "node:assert/strict";
import { CodeBuffer, CodePool } from "../mod.ts";
import {
  type CoreSyncStatus,
  MEMBARRIER_CMD_PRIVATE_EXPEDITED,
  MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
} from "../platform/core_sync.ts";
import { libcCalls, libcSymbols } from "../platform/linux_calls.ts";
import { platform } from "../platform/mod.ts";
import { errnoReader, osErrorDescriber } from "../platform/posix.ts";
import { loadSyscalls } from "../platform/syscall_library.ts";
import { ON_LINUX } from "./helpers/host.ts";
import { returnConstant } from "./helpers/machine_code.ts";

const MEMBARRIER_CMD_QUERY = 0;
const SYNC_CORE_COMMANDS = MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE;
const EXPEDITED_COMMANDS = MEMBARRIER_CMD_PRIVATE_EXPEDITED |
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;

/** The glibc-made and the direct membarrier of this Linux process. */
function membarriers(): {
  viaLibc: (command: number) => number;
  direct: (command: number) => number;
  close(): void;
} {
  const arch = platform().arch;
  const library = Deno.dlopen("libc.so.6", libcSymbols);
  const libc = library.symbols;
  const viaLibc = libcCalls(libc, errnoReader(libc.__errno_location), arch);
  const direct = loadSyscalls(
    arch,
    platform().pageSize(),
    viaLibc,
    Deno.dlopen,
    osErrorDescriber("linux", libc.strerror),
  );
  return {
    viaLibc: (command) => viaLibc.membarrier(command, 0, 0),
    direct: (command) => direct.membarrier(command, 0, 0),
    close: () => library.close(),
  };
}

/**
 * The barrier this kernel should give, from what it offers: the command
 * the CI's kernels have, or the fallback an older one leaves.
 */
function expectedStatus(offered: number): CoreSyncStatus {
  if ((offered & SYNC_CORE_COMMANDS) === SYNC_CORE_COMMANDS) {
    return { state: "sync-core" };
  }
  if ((offered & EXPEDITED_COMMANDS) === EXPEDITED_COMMANDS) {
    return { state: "expedited" };
  }
  return { state: "unavailable", errno: 22 };
}

Deno.test("core sync: committed code runs, and the platform's barrier is in use where the CPU needs one", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(42));
  assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 42);
  using pool = new CodePool();
  const span = pool.add(returnConstant(7));
  assert.equal(span.asFunction({ parameters: [], result: "i32" })(), 7);

  const backend = platform();
  if (backend.os === "linux" && backend.arch === "aarch64") {
    // Registered by the first barrier, then issued by each commit.
    const calls = membarriers();
    try {
      const offered = calls.direct(MEMBARRIER_CMD_QUERY);
      assert.deepEqual(backend.coreSync?.status(), expectedStatus(offered));
    } finally {
      calls.close();
    }
  } else if (backend.arch === "aarch64") {
    // Windows on ARM: FlushProcessWriteBuffers. macOS: none to be had.
    assert.equal(
      backend.coreSync?.status().state,
      backend.os === "windows" ? "flush-process-write-buffers" : undefined,
    );
  } else {
    // x86-64 keeps other cores coherent.
    assert.equal(backend.coreSync, undefined);
  }
});

Deno.test("core sync: membarrier made directly and through glibc's syscall() answers the same", () => {
  if (!ON_LINUX) {
    // No membarrier outside Linux: the glibc path cannot even be bound.
    assert.equal(platform().coreSync, undefined);
    return;
  }
  const calls = membarriers();
  try {
    const offered = calls.direct(MEMBARRIER_CMD_QUERY);
    assert.ok(offered > 0, `QUERY answered ${offered}`);
    assert.equal(calls.viaLibc(MEMBARRIER_CMD_QUERY), offered);
    if ((offered & SYNC_CORE_COMMANDS) !== SYNC_CORE_COMMANDS) {
      console.log(`core sync: this kernel offers 0x${offered.toString(16)}`);
    }
    // A command the kernel does not know is refused with EINVAL, through
    // both paths, as -errno.
    assert.equal(calls.direct(1 << 30), -22);
    assert.equal(calls.viaLibc(1 << 30), -22);
  } finally {
    calls.close();
  }
});
