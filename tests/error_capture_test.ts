// OS errors: captured at the failing call, and told apart by meaning, not
// by a number that means something else on another OS.
import assert from "node:assert/strict";
import { JITMemoryManager } from "../mod.ts";
import { libcCalls, libcSymbols } from "../platform/linux_calls.ts";
import { errorReason } from "../platform/native_error.ts";
import { platform } from "../platform/mod.ts";
import { errnoReader, mmapErrno, osErrorDescriber } from "../platform/posix.ts";
import { loadSyscalls } from "../platform/syscall_library.ts";
import { assertCode } from "./helpers/error_code.ts";
import { ON_LINUX, ON_WINDOWS } from "./helpers/host.ts";

const PAGE = JITMemoryManager.getPageSize();

/** glibc, and its errno cell, on Linux. */
function linuxLibc(): {
  libc: Deno.DynamicLibrary<typeof libcSymbols>["symbols"];
  errnoCell: Int32Array;
  readErrno: () => number;
} {
  const libc = Deno.dlopen("libc.so.6", libcSymbols).symbols;
  return {
    libc,
    errnoCell: new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(libc.__errno_location()!, 4),
    ),
    readErrno: errnoReader(libc.__errno_location),
  };
}

Deno.test("errors are captured where the OS puts them: in the result on Linux (direct system calls), read at the next call elsewhere", () => {
  assert.equal(platform().errorCapture, ON_LINUX ? "in-result" : "next-call");
});

Deno.test({
  name:
    "a direct system call returns -errno and leaves errno alone, so nothing after it can change the error (Linux: its system calls)",
  ignore: !ON_LINUX,
}, () => {
  const { libc, errnoCell, readErrno } = linuxLibc();
  const calls = loadSyscalls(
    Deno.build.arch as "x86_64" | "aarch64",
    PAGE,
    libcCalls(libc, readErrno, Deno.build.arch as "x86_64" | "aarch64"),
    Deno.dlopen,
    osErrorDescriber("linux", libc.strerror),
  );
  errnoCell[0] = 9; // EBADF: a stale value a second read would pick up
  const EINVAL = 22;
  const ENOMEM = 12;
  // mprotect of an address that is not page-aligned: EINVAL.
  assert.equal(
    calls.mprotect(Deno.UnsafePointer.create(BigInt(PAGE + 1)), 4096n, 1),
    -EINVAL,
  );
  assert.equal(
    mmapErrno(calls.mmap(null, 2n ** 50n, 3, 0x22, -1, 0n)),
    ENOMEM,
  );
  assert.equal(calls.close(-1), -9);
  assert.equal(errnoCell[0], 9, "errno was never written");
  // Through glibc the same failures set errno, which is read at once.
  const viaLibc = libcCalls(
    libc,
    readErrno,
    Deno.build.arch as "x86_64" | "aarch64",
  );
  assert.equal(
    viaLibc.mprotect(Deno.UnsafePointer.create(BigInt(PAGE + 1)), 4096n, 1),
    -EINVAL,
  );
  assert.equal(errnoCell[0], EINVAL);
});

Deno.test("a refused allocation is SYSTEM with the OS's error number, the failing call and the portable reason", () => {
  using memory = new JITMemoryManager();
  if (ON_LINUX) linuxLibc().errnoCell[0] = 13; // EACCES, stale: not reported
  // More than the machine can commit, yet inside the user address space
  // (Windows calls a size past it an invalid parameter).
  const error = assertCode(() => memory.allocate(2 ** 44), "SYSTEM");
  assert.equal(error.reason, "out-of-memory");
  if (ON_WINDOWS) {
    assert.equal(error.errno, 8); // ERROR_NOT_ENOUGH_MEMORY
    assert.equal(error.syscall, "VirtualAlloc");
    assert.match(error.message, /\(OS error 8\)/);
  } else {
    assert.equal(error.errno, 12); // ENOMEM
    assert.equal(error.syscall, "mmap");
    assert.match(error.message, /Cannot allocate memory \(OS error 12\)/);
  }
});

Deno.test("error numbers mean different things per OS; reasons do not", () => {
  const cases: [Parameters<typeof errorReason>, string][] = [
    [["linux", 13], "permission-denied"], // EACCES
    [["linux", 1], "permission-denied"], // EPERM
    [["linux", 12], "out-of-memory"], // ENOMEM
    [["linux", 38], "unsupported"], // ENOSYS
    [["linux", 24], "too-many-files"], // EMFILE
    [["linux", 45], "other"], // EL2NSYNC on Linux...
    [["darwin", 45], "unsupported"], // ...ENOTSUP on macOS
    [["darwin", 78], "unsupported"], // ENOSYS
    [["darwin", 38], "other"], // ENOTSOCK on macOS, ENOSYS on Linux
    [["windows", 5], "permission-denied"], // ERROR_ACCESS_DENIED
    [["windows", 1655], "permission-denied"], // ERROR_DYNAMIC_CODE_BLOCKED
    [["windows", 8], "out-of-memory"], // ERROR_NOT_ENOUGH_MEMORY
    [["windows", 1455], "out-of-memory"], // ERROR_COMMITMENT_LIMIT
    [["windows", 12], "other"], // ERROR_INVALID_ACCESS, not ENOMEM
    [["windows", 13], "other"], // ERROR_INVALID_DATA, not EACCES
    [["windows", 87], "invalid-argument"], // ERROR_INVALID_PARAMETER
  ];
  for (const [[os, code], reason] of cases) {
    assert.equal(errorReason(os, code), reason, `${os} ${code}`);
  }
});
