// Fallbacks, for real: where memfds may not be mapped executable
// (vm.memfd_noexec=2), nothing that needs one may fail; each feature takes
// its documented fallback. The setting is made in a child's own pid
// namespace (it is per namespace), so the rest of the machine is untouched.
import { ON_LINUX } from "./helpers/host.ts";
import assert from "node:assert/strict";
import { fixture } from "./helpers/deno_child.ts";
import { runCommand } from "./helpers/spawn.ts";

Deno.test(
  "with vm.memfd_noexec=2: direct system calls and fast calls fall back (negative cache), dual mapping uses an O_TMPFILE file, everything runs (child process; Linux: memfd)",
  {
    ignore: !ON_LINUX,
  },
  async () => {
    const emulator = (Deno.env.get("JIT_MEMORY_EMULATOR") ?? "").split(" ")
      .filter((part) => part.length > 0);
    const output = await runCommand("unshare", [
      "--pid",
      "--fork",
      "--mount-proc",
      "sh",
      "-c",
      'echo 2 > /proc/sys/vm/memfd_noexec && exec "$@"',
      "sh",
      ...emulator,
      Deno.execPath(),
      "run",
      "--allow-ffi",
      "--allow-read",
      fixture("memfds_not_executable.ts"),
    ], { env: { NO_COLOR: "1" } });
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.signal, null, stderr);
    assert.equal(output.code, 0, stderr);
    const report = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.deepEqual(report, {
      noexec: "2",
      // errno read right after each failed call, through glibc.
      errorCapture: "next-call",
      // fast: true stays portable instead of throwing; so does "auto".
      eager: { result: 5, fast: false },
      auto: { sum: 5000, fast: false },
      // The first failed load marked fast calls unavailable: nothing loaded.
      fastCalls: {
        libraries: 0,
        slots: 0,
        bound: 0,
        dualMapped: 0,
        protectionSwitches: 0,
        available: false,
      },
      patched: 6,
      pool: {
        strategy: "dual-map",
        result: 7,
        source: "/dev/shm",
        views: [["r-xs", report.pool.views[0][1]]],
      },
      refused: {
        code: "SYSTEM",
        errno: 12,
        syscall: "mmap",
        reason: "out-of-memory",
      },
    });
    assert.match(report.pool.views[0][1], /^\/dev\/shm\/#\d+ \(deleted\)$/);
  },
);
