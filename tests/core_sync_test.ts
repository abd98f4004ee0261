// Cross-thread instruction coherence, for real: on Linux/AArch64 (here
// under qemu-aarch64, which hands membarrier to the host kernel) the
// platform registers for and issues membarrier SYNC_CORE once code is
// executable; elsewhere it has no barrier to issue. The order of the calls
// is pinned over fakes in platform_linux_test.ts; the cross-worker tests of
// worker_test.ts run other threads' code through the same path.
import assert from "node:assert/strict";
import { CodeBuffer, CodePool } from "../mod.ts";
import {
  MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
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

Deno.test("core sync: committed code runs, and the platform's barrier is in use where the CPU needs one", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(42));
  assert.equal(buffer.asFunction({ parameters: [], result: "i32" })(), 42);
  using pool = new CodePool();
  const span = pool.add(returnConstant(7));
  assert.equal(span.asFunction({ parameters: [], result: "i32" })(), 7);

  const backend = platform();
  if (backend.os === "linux" && backend.arch === "aarch64") {
    // Registered by the first commit, then issued by each.
    assert.deepEqual(backend.coreSync?.status(), { state: "membarrier" });
  } else {
    // x86-64 keeps other cores coherent; Windows and macOS offer no such
    // barrier to a process.
    assert.equal(backend.coreSync, undefined);
  }
});

Deno.test("core sync: membarrier made directly and through glibc's syscall() answers the same, with SYNC_CORE offered", () => {
  if (!ON_LINUX) {
    // No membarrier outside Linux: the glibc path cannot even be bound.
    assert.equal(platform().coreSync, undefined);
    return;
  }
  const arch = platform().arch;
  const library = Deno.dlopen("libc.so.6", libcSymbols);
  try {
    const libc = library.symbols;
    const viaLibc = libcCalls(libc, errnoReader(libc.__errno_location), arch);
    const direct = loadSyscalls(
      arch,
      platform().pageSize(),
      viaLibc,
      Deno.dlopen,
      osErrorDescriber("linux", libc.strerror),
    );
    const offered = direct.membarrier(MEMBARRIER_CMD_QUERY, 0, 0);
    assert.ok(offered > 0, `QUERY answered ${offered}`);
    assert.equal(viaLibc.membarrier(MEMBARRIER_CMD_QUERY, 0, 0), offered);
    assert.equal(offered & SYNC_CORE_COMMANDS, SYNC_CORE_COMMANDS);
    // A command the kernel does not know is refused with EINVAL, through
    // both paths, as -errno.
    assert.equal(direct.membarrier(1 << 30, 0, 0), -22);
    assert.equal(viaLibc.membarrier(1 << 30, 0, 0), -22);
  } finally {
    library.close();
  }
});
