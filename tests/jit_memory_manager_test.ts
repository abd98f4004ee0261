import assert from "node:assert/strict";
import {
  DUAL_MAPPING,
  ON_WINDOWS,
  OUT_OF_MEMORY_ERROR,
  PATCHED_CODE_PERMISSIONS,
} from "./helpers/host.ts";
import { JITMemoryManager } from "../mod.ts";
import { platform, setPlatformForTesting } from "../platform/mod.ts";
import { FailingPlatform, isInjected } from "./helpers/failing_platform.ts";
import { assertCode } from "./helpers/error_code.ts";
import { addInt32, returnConstant } from "./helpers/machine_code.ts";
import { countMappings, recordSwitches } from "./helpers/counting_platform.ts";
import {
  assertMappingsKept,
  mappedAmong,
  mappingsAround,
  permissionsOf,
  readMappings,
} from "./helpers/memory_map.ts";
import {
  bytesAt,
  EMULATED,
  VIEW_REWRITES_INVISIBLE,
} from "./helpers/emulation.ts";

const PAGE = JITMemoryManager.getPageSize();
const i32Thunk = { parameters: [], result: "i32" } as const;

Deno.test("new JITMemoryManager() holds no memory", () => {
  const memory = new JITMemoryManager();
  assert.equal(memory.isAllocated(), false);
  assert.equal(memory.isExecutable(), false);
  assert.equal(memory.getSize(), 0);
  assert.equal(memory.getMemoryPointer(), null);
});

Deno.test("new JITMemoryManager(size) allocates at once", () => {
  using memory = new JITMemoryManager(8192);
  assert.equal(memory.isAllocated(), true);
  assert.equal(memory.getSize(), JITMemoryManager.roundToPageSize(8192));
  assert.deepEqual(permissionsOf(memory.getMemoryPointer(), memory.getSize()), [
    "rw-p",
  ]);
});

Deno.test("getPageSize() is a power of two of at least 4 KiB", () => {
  assert.ok(PAGE >= 4096);
  assert.equal(PAGE & (PAGE - 1), 0);
});

Deno.test("roundToPageSize() rounds up to whole pages", () => {
  assert.equal(JITMemoryManager.roundToPageSize(0), 0);
  assert.equal(JITMemoryManager.roundToPageSize(1), PAGE);
  assert.equal(JITMemoryManager.roundToPageSize(PAGE), PAGE);
  assert.equal(JITMemoryManager.roundToPageSize(PAGE + 1), 2 * PAGE);
  for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, "4096", 1n, null]) {
    assertCode(
      () => JITMemoryManager.roundToPageSize(bad as number),
      "INVALID_SIZE",
    );
  }
});

Deno.test("allocate() rounds up to the page size and maps read-write", () => {
  using memory = new JITMemoryManager();
  const pointer = memory.allocate(6);
  assert.equal(typeof pointer, "object");
  assert.notEqual(pointer, null);
  assert.equal(memory.getMemoryPointer(), pointer);
  assert.equal(memory.getSize(), PAGE);
  assert.equal(memory.isExecutable(), false);
  assert.deepEqual(permissionsOf(pointer, PAGE), ["rw-p"]);
});

Deno.test("allocate() gives zeroed memory", () => {
  using memory = new JITMemoryManager(3 * PAGE);
  assert.ok(memory.read().every((byte) => byte === 0));
});

Deno.test("protection follows makeExecutable(), makeWritable() and deallocate(); never rwx", () => {
  const memory = new JITMemoryManager(6);
  const pointer = memory.getMemoryPointer();
  assert.deepEqual(permissionsOf(pointer, PAGE), ["rw-p"]);
  memory.makeExecutable();
  assert.equal(memory.isExecutable(), true);
  assert.deepEqual(permissionsOf(pointer, PAGE), ["r-xp"]);
  memory.makeWritable();
  assert.equal(memory.isExecutable(), false);
  assert.deepEqual(permissionsOf(pointer, PAGE), ["rw-p"]);
  memory.deallocate();
  assert.deepEqual(permissionsOf(pointer, PAGE), []);
  assert.equal(memory.isAllocated(), false);
  assert.equal(memory.getSize(), 0);
  assert.equal(memory.getMemoryPointer(), null);
});

Deno.test("makeExecutable() and makeWritable() twice in a row are no-ops", () => {
  using memory = new JITMemoryManager(PAGE);
  const pointer = memory.getMemoryPointer();
  memory.makeExecutable();
  memory.makeExecutable();
  assert.deepEqual(permissionsOf(pointer, PAGE), ["r-xp"]);
  memory.makeWritable();
  memory.makeWritable();
  assert.deepEqual(permissionsOf(pointer, PAGE), ["rw-p"]);
});

Deno.test("written code runs after makeExecutable() and returns 42", () => {
  using memory = new JITMemoryManager(6);
  memory.write(returnConstant(42));
  memory.makeExecutable();
  const answer = memory.asFunction(i32Thunk);
  assert.equal(answer(), 42);
});

Deno.test("a two-argument add returns correct sums", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.write(addInt32());
  memory.makeExecutable();
  const add = memory.asFunction({ parameters: ["i32", "i32"], result: "i32" });
  const cases: [number, number][] = [[2, 3], [0, 0], [-7, 7], [
    2 ** 30,
    2 ** 30,
  ], [
    -(2 ** 31),
    -1,
  ]];
  for (const [a, b] of cases) assert.equal(add(a, b), (a + b) | 0);
});

Deno.test("asFunction(def, offset) runs code at that offset", () => {
  using memory = new JITMemoryManager(2 * PAGE);
  memory.write(returnConstant(1), 0);
  memory.write(returnConstant(2), 64);
  memory.write(returnConstant(3), PAGE + 16);
  memory.makeExecutable();
  assert.equal(memory.asFunction(i32Thunk)(), 1);
  assert.equal(memory.asFunction(i32Thunk, 64)(), 2);
  assert.equal(memory.asFunction(i32Thunk, PAGE + 16)(), 3);
  assert.equal(
    Deno.UnsafePointer.value(memory.asFunction(i32Thunk, 64).pointer),
    Deno.UnsafePointer.value(memory.getMemoryPointer()) + 64n,
  );
});

Deno.test("read() returns a copy, in either state", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.write([1, 2, 3, 4, 5], 10);
  const copy = memory.read(10, 5);
  assert.deepEqual([...copy], [1, 2, 3, 4, 5]);
  copy[0] = 99;
  assert.deepEqual([...memory.read(10, 5)], [1, 2, 3, 4, 5]);
  memory.makeExecutable();
  assert.deepEqual([...memory.read(9, 3)], [0, 1, 2]);
  assert.equal(memory.read().length, PAGE);
  assert.equal(memory.read(PAGE - 2).length, 2);
  assert.equal(memory.read(PAGE, 0).length, 0);
});

Deno.test("write() accepts typed arrays, views and arrays of bytes", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.write(new Uint32Array([0x04030201]), 0);
  memory.write(new Uint8Array([9, 8, 7, 6]).subarray(1, 3), 4);
  memory.write(new DataView(new Uint8Array([5, 6]).buffer), 6);
  memory.write([0xff, 0], 8);
  assert.deepEqual([...memory.read(0, 10)], [1, 2, 3, 4, 8, 7, 5, 6, 255, 0]);
});

Deno.test("write() rejects values that are not bytes", () => {
  using memory = new JITMemoryManager(PAGE);
  for (const bad of [[256], [-1], [1.5], [NaN], ["1"], [1n]]) {
    assertCode(() => memory.write(bad as number[]), "INVALID_ARGUMENT");
  }
  for (const bad of [42, "code", null, undefined, {}, true]) {
    assertCode(
      () => memory.write(bad as unknown as number[]),
      "INVALID_ARGUMENT",
    );
  }
  const detached = new Uint8Array(4);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  assertCode(() => memory.write(detached), "INVALID_ARGUMENT");
  assert.ok(memory.read(0, 8).every((byte) => byte === 0));
});

Deno.test("allocate(0) throws INVALID_SIZE: Cannot allocate zero bytes", () => {
  const memory = new JITMemoryManager();
  const error = assertCode(() => memory.allocate(0), "INVALID_SIZE");
  assert.equal(error.message, "Cannot allocate zero bytes");
  assert.equal(memory.isAllocated(), false);
});

Deno.test("sizes that are not positive safe integers throw INVALID_SIZE and map nothing", async () => {
  const bad: unknown[] = [
    -1,
    -4096,
    0.5,
    4096.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 53,
    2 ** 64,
    "4096",
    4096n,
    null,
    undefined,
    {},
    [4096],
  ];
  const attempts = () => {
    for (const size of bad) {
      const memory = new JITMemoryManager();
      assertCode(() => memory.allocate(size as number), "INVALID_SIZE");
      assert.equal(memory.isAllocated(), false);
    }
    assertCode(() => new JITMemoryManager(-4), "INVALID_SIZE");
    assertCode(
      () => new JITMemoryManager(null as unknown as number),
      "INVALID_SIZE",
    );
  };
  assert.deepEqual(countMappings(attempts), { mapped: 0, unmapped: 0 });
  // The count of all the process's mappings means something natively only
  // (see assertMappingsKept); the exact ledger above holds everywhere.
  const counts = await mappingsAround(attempts, EMULATED ? 1 : 10);
  if (!EMULATED) assertMappingsKept(counts);
});

Deno.test("a second allocate() throws ALREADY_ALLOCATED and keeps the first region", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.write(returnConstant(42));
  const pointer = memory.getMemoryPointer();
  const error = assertCode(() => memory.allocate(PAGE), "ALREADY_ALLOCATED");
  assert.match(error.message, /^Memory already allocated/);
  assert.equal(memory.getMemoryPointer(), pointer);
  assert.equal(memory.getSize(), PAGE);
  memory.makeExecutable();
  assert.equal(memory.asFunction(i32Thunk)(), 42);
});

Deno.test("operations on an unallocated manager throw NOT_ALLOCATED: No memory allocated.", () => {
  const memory = new JITMemoryManager();
  const operations: (() => unknown)[] = [
    () => memory.makeExecutable(),
    () => memory.makeWritable(),
    () => memory.write([0xc3]),
    () => memory.read(),
    () => memory.patch(0, [0xc3]),
    () => memory.asFunction(i32Thunk),
  ];
  for (const operation of operations) {
    assert.equal(
      assertCode(operation, "NOT_ALLOCATED").message,
      "No memory allocated.",
    );
  }
});

Deno.test("write() while executable throws NOT_WRITABLE and changes nothing", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.write(returnConstant(42));
  memory.makeExecutable();
  assertCode(() => memory.write([0, 0, 0, 0]), "NOT_WRITABLE");
  assert.deepEqual(
    memory.read(0, returnConstant(42).length),
    returnConstant(42),
  );
  assert.deepEqual(permissionsOf(memory.getMemoryPointer(), PAGE), ["r-xp"]);
});

Deno.test("writes and reads that do not fit throw OUT_OF_BOUNDS", () => {
  using memory = new JITMemoryManager(PAGE);
  assertCode(() => memory.write([1], PAGE), "OUT_OF_BOUNDS");
  assertCode(() => memory.write([1, 2], PAGE - 1), "OUT_OF_BOUNDS");
  assertCode(() => memory.write(new Uint8Array(PAGE + 1)), "OUT_OF_BOUNDS");
  assertCode(() => memory.write([1], -1), "OUT_OF_BOUNDS");
  assertCode(() => memory.read(-1, 1), "OUT_OF_BOUNDS");
  assertCode(() => memory.read(0, PAGE + 1), "OUT_OF_BOUNDS");
  assertCode(() => memory.read(PAGE + 1), "OUT_OF_BOUNDS");
  assertCode(() => memory.read(0, -1), "OUT_OF_BOUNDS");
  assertCode(() => memory.patch(PAGE - 1, [1, 2]), "OUT_OF_BOUNDS");
  assertCode(() => memory.patch(-4, [1]), "OUT_OF_BOUNDS");
  assertCode(() => memory.write([1], 1.5), "INVALID_ARGUMENT");
  assertCode(() => memory.read(NaN), "INVALID_ARGUMENT");
  assertCode(
    () => memory.read(0, "4" as unknown as number),
    "INVALID_ARGUMENT",
  );
  assert.ok(memory.read().every((byte) => byte === 0));
});

Deno.test("a write of exactly the region size works", () => {
  using memory = new JITMemoryManager(PAGE);
  const full = new Uint8Array(PAGE).map((_, index) => index & 0xff);
  memory.write(full);
  assert.deepEqual(memory.read(), full);
  memory.write([7], PAGE - 1);
  assert.equal(memory.read(PAGE - 1, 1)[0], 7);
});

Deno.test(
  "patch() changes what live code returns through a writable view far from the code; the code's protection never changes (dual mapping: Linux)",
  {
    ignore: !DUAL_MAPPING,
  },
  () => {
    using memory = new JITMemoryManager(PAGE);
    memory.write(returnConstant(42));
    memory.makeExecutable();
    const f = memory.asFunction(i32Thunk);
    assert.equal(f(), 42);
    const before = readMappings().map((mapping) => mapping.start);
    recordSwitches((switches) => {
      memory.patch(0, returnConstant(1234));
      assert.deepEqual(switches, [], "no protection switch");
    });
    // The first patch remaps the code, so even qemu-user sees it.
    assert.equal(f(), 1234);
    assert.equal(memory.isExecutable(), true);
    const pointer = memory.getMemoryPointer();
    assert.deepEqual(permissionsOf(pointer, PAGE), ["r-xs"]);
    const view = readMappings().find((mapping) =>
      mapping.path.includes("jit-memory-code") &&
      mapping.permissions === "rw-s" && !before.includes(mapping.start)
    );
    assert.ok(view !== undefined, "a writable view of the code exists");
    const distance = view.start - Deno.UnsafePointer.value(pointer);
    assert.ok(
      distance > 2n ** 30n || distance < -(2n ** 30n),
      `the view is ${distance} bytes from the code`,
    );
    memory.patch(0, returnConstant(77));
    if (VIEW_REWRITES_INVISIBLE) {
      assert.deepEqual(bytesAt(pointer!, 8), [...memory.read(0, 8)]);
      assert.deepEqual(
        memory.read(0, returnConstant(77).length),
        returnConstant(77),
      );
    } else {
      assert.equal(f(), 77);
    }
    memory.deallocate();
    assert.deepEqual(mappedAmong([view.start]), [], "the view is unmapped too");
  },
);

Deno.test("patch() on a multi-page region leaves it read-execute everywhere", () => {
  using memory = new JITMemoryManager(4 * PAGE);
  // The code, and the patch, straddle the second and third pages.
  const offset = 2 * PAGE - 4;
  memory.write(returnConstant(5), offset);
  memory.makeExecutable();
  memory.patch(offset, returnConstant(6));
  assert.equal(memory.asFunction(i32Thunk, offset)(), 6);
  const permissions = permissionsOf(memory.getMemoryPointer(), 4 * PAGE);
  assert.ok(
    permissions.every((p) => p === PATCHED_CODE_PERMISSIONS),
    permissions.join(","),
  );
});

Deno.test("makeWritable() and makeExecutable() still switch a patched region, and raw writes work while writable", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.write(returnConstant(1));
  memory.makeExecutable();
  memory.patch(0, returnConstant(2));
  memory.makeWritable();
  assert.deepEqual(permissionsOf(memory.getMemoryPointer(), PAGE), [
    DUAL_MAPPING ? "rw-s" : "rw-p",
  ]);
  const raw = new Uint8Array(
    Deno.UnsafePointerView.getArrayBuffer(memory.getMemoryPointer()!, PAGE),
  );
  raw.set(returnConstant(3));
  memory.makeExecutable();
  assert.deepEqual(permissionsOf(memory.getMemoryPointer(), PAGE), [
    PATCHED_CODE_PERMISSIONS,
  ]);
  // Switching the protection makes qemu-user see the rewrite as well.
  assert.equal(memory.asFunction(i32Thunk)(), 3);
});

Deno.test("patch() on a writable region is a plain write", () => {
  using memory = new JITMemoryManager(PAGE);
  memory.patch(3, [1, 2]);
  assert.deepEqual([...memory.read(2, 4)], [0, 1, 2, 0]);
  assert.equal(memory.isExecutable(), false);
  assert.deepEqual(permissionsOf(memory.getMemoryPointer(), PAGE), ["rw-p"]);
});

Deno.test("a refused request throws SYSTEM with the OS's out-of-memory error (mmap's ENOMEM, VirtualAlloc's ERROR_NOT_ENOUGH_MEMORY)", () => {
  using memory = new JITMemoryManager();
  const error = assertCode(() => memory.allocate(2 ** 46), "SYSTEM");
  assert.equal(error.errno, OUT_OF_MEMORY_ERROR);
  assert.equal(error.syscall, ON_WINDOWS ? "VirtualAlloc" : "mmap");
  assert.match(
    error.message,
    ON_WINDOWS ? /Not enough memory/ : /Cannot allocate memory/,
  );
  assert.equal(memory.isAllocated(), false);
});

Deno.test(
  "the first patch of a large region gives its copy memory only for the pages that hold code (dual mapping: Linux)",
  {
    ignore: !DUAL_MAPPING,
  },
  () => {
    const size = 64 * 1024 * 1024;
    using memory = new JITMemoryManager(size);
    memory.write(returnConstant(1));
    memory.write(returnConstant(2), size / 2);
    memory.makeExecutable();
    memory.patch(0, returnConstant(3));
    assert.equal(memory.asFunction(i32Thunk)(), 3);
    assert.equal(memory.asFunction(i32Thunk, size / 2)(), 2);
    // The file behind the code now: where does it hold data?
    const start = Deno.UnsafePointer.value(memory.getMemoryPointer());
    const range = `${start.toString(16)}-${
      (start + BigInt(size)).toString(16)
    }`;
    const fd = files().open(
      new TextEncoder().encode(`/proc/self/map_files/${range}\0`),
      0, // O_RDONLY
    );
    assert.ok(fd >= 0, `cannot open /proc/self/map_files/${range}`);
    try {
      const SEEK_DATA = 3;
      const SEEK_HOLE = 4;
      const extents: [bigint, bigint][] = [];
      for (let at = 0n; at < BigInt(size);) {
        const data = files().lseek(fd, at, SEEK_DATA);
        if (data < 0n) break; // ENXIO: no data past `at`
        const hole = files().lseek(fd, data, SEEK_HOLE);
        extents.push([data, hole]);
        at = hole;
      }
      const page = BigInt(PAGE);
      const half = BigInt(size / 2);
      assert.deepEqual(extents, [[0n, page], [half, half + page]]);
    } finally {
      files().close(fd);
    }
  },
);

// Opened on first use: the tests that use it are Linux-only.
const filesSymbols = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  close: { parameters: ["i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;
let filesLibrary: Deno.DynamicLibrary<typeof filesSymbols> | undefined;
function files(): Deno.DynamicLibrary<typeof filesSymbols>["symbols"] {
  filesLibrary ??= Deno.dlopen("libc.so.6", filesSymbols);
  return filesLibrary.symbols;
}

/**
 * patch() where pages are switched (as on Windows, or here with dual
 * mapping taken away), with the switch back to read-execute refused
 * `refusals` times in a row: what the region is left as.
 */
function patchWithRefusedSwitches(refusals: number): {
  memory: JITMemoryManager;
  error?: unknown;
  restore: () => void;
} {
  const real = platform();
  const failing = new FailingPlatform({ ...real, dualMapping: undefined });
  setPlatformForTesting(failing.platform);
  const memory = new JITMemoryManager(2 * PAGE);
  memory.write(returnConstant(1));
  memory.write(returnConstant(2), PAGE);
  memory.makeExecutable();
  // patch(): protect(read-write) 1, write 2, protect(read-execute) 3; then
  // the whole region read-write 4, the patched page read-execute again 5.
  failing.failAt([3, 4, 5].slice(0, refusals));
  let error: unknown;
  try {
    memory.patch(0, returnConstant(7));
  } catch (caught) {
    error = caught;
  }
  failing.stop();
  return {
    memory,
    error,
    restore: () => {
      memory.deallocate();
      setPlatformForTesting(real);
    },
  };
}

Deno.test("a patch() whose switch back fails leaves the whole region writable, so write() works on every page", () => {
  const { memory, error, restore } = patchWithRefusedSwitches(1);
  try {
    assert.ok(isInjected(error as Error));
    assert.equal(memory.isExecutable(), false);
    assert.deepEqual(permissionsOf(memory.getMemoryPointer(), 2 * PAGE), [
      "rw-p",
    ]);
    memory.write(returnConstant(3), PAGE);
    memory.makeExecutable();
    assert.equal(memory.asFunction(i32Thunk)(), 7);
    assert.equal(memory.asFunction(i32Thunk, PAGE)(), 3);
  } finally {
    restore();
  }
});

Deno.test("a patch() whose switch back fails twice switches the patched page back on the third try: done, still executable", () => {
  const { memory, error, restore } = patchWithRefusedSwitches(2);
  try {
    assert.equal(error, undefined);
    assert.equal(memory.isExecutable(), true);
    assert.deepEqual(permissionsOf(memory.getMemoryPointer(), 2 * PAGE), [
      "r-xp",
    ]);
    assert.equal(memory.asFunction(i32Thunk)(), 7);
  } finally {
    restore();
  }
});

Deno.test("a patch() whose every switch back fails says writable, and the next write() switches the whole region first (never a write into read-execute)", () => {
  const { memory, error, restore } = patchWithRefusedSwitches(3);
  try {
    assert.ok(isInjected(error as Error));
    assert.equal(memory.isExecutable(), false);
    // The second page is still read-execute: a raw write would fault.
    memory.write(returnConstant(4), PAGE);
    assert.deepEqual(permissionsOf(memory.getMemoryPointer(), 2 * PAGE), [
      "rw-p",
    ]);
    memory.makeExecutable();
    assert.equal(memory.asFunction(i32Thunk, PAGE)(), 4);
  } finally {
    restore();
  }
});
