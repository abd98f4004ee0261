// Fast calls: JIT'd functions bound to dlopen-speed trampolines (Linux:
// ELF libraries in memfds; Windows x64: DLLs in the temporary directory).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { CodeBuffer, JITMemoryManager } from "../mod.ts";
import { platform, setPlatformForTesting } from "../platform/mod.ts";
import {
  createDllFileLoader,
  windowsTemporaryDirectory,
} from "../platform/dll_file_loader.ts";
import { createFastCalls, type SlotAccess } from "../platform/fast_calls.ts";
import { virtualProtectSlots } from "../platform/slot_protector.ts";
import { buildTrampolineLibrary } from "../platform/trampoline_library.ts";
import { errorCodeOf } from "./helpers/error_code.ts";
import {
  comparable,
  returnConstant,
  returnConstantPatch,
  signatureCases,
} from "./helpers/machine_code.ts";
import {
  assertMappingsKept,
  mappedAmong,
  mappingsAround,
  openDescriptorCount,
  permissionsOf,
  readMappings,
} from "./helpers/memory_map.ts";
import { runCommand } from "./helpers/spawn.ts";

const i32Thunk = { parameters: [], result: "i32" } as const;
const AUTO_BIND_AFTER = 128;

function executable(code: Uint8Array): JITMemoryManager {
  const memory = new JITMemoryManager(code.length);
  memory.write(code);
  memory.makeExecutable();
  return memory;
}

/** Whether this run is under an emulator (test:aarch64 sets the variable). */
const emulated = Deno.env.get("JIT_MEMORY_EMULATOR") !== undefined;

const onWindows = Deno.build.os === "windows";

/**
 * Trampoline libraries the process has mapped: mappings of their memfd
 * files on Linux, loaded modules from their DLL files on Windows.
 */
function trampolineMappings(): number {
  if (onWindows) return trampolineModules().length;
  return readMappings().filter((mapping) =>
    mapping.path.includes("jit-memory-trampolines")
  ).length;
}

/** kernel32, for the Windows-only checks (opened on first use). */
const windowsSymbols = {
  VirtualQuery: {
    parameters: [
      "pointer", // LPCVOID lpAddress
      "buffer", // PMEMORY_BASIC_INFORMATION lpBuffer
      "usize", // SIZE_T dwLength
    ],
    result: "usize", // SIZE_T
  },
  VirtualProtect: {
    parameters: [
      "pointer", // LPVOID lpAddress
      "usize", // SIZE_T dwSize
      "u32", // DWORD flNewProtect
      "buffer", // PDWORD lpflOldProtect
    ],
    result: "i32", // BOOL
  },
  GetLastError: { parameters: [], result: "u32" }, // DWORD
  GetCurrentProcess: { parameters: [], result: "pointer" }, // HANDLE
  K32EnumProcessModules: {
    parameters: [
      "pointer", // HANDLE hProcess
      "buffer", // HMODULE *lphModule
      "u32", // DWORD cb
      "buffer", // LPDWORD lpcbNeeded
    ],
    result: "i32", // BOOL
  },
  GetModuleFileNameW: {
    parameters: [
      "pointer", // HMODULE hModule
      "buffer", // LPWSTR lpFilename
      "u32", // DWORD nSize (in WCHARs)
    ],
    result: "u32", // DWORD (WCHARs written)
  },
} as const satisfies Deno.ForeignLibraryInterface;

let kernel32Library: Deno.DynamicLibrary<typeof windowsSymbols> | undefined;
function kernel32(): Deno.DynamicLibrary<typeof windowsSymbols>["symbols"] {
  kernel32Library ??= Deno.dlopen("kernel32.dll", windowsSymbols);
  return kernel32Library.symbols;
}

const PAGE_READONLY = 0x02;
const PAGE_READWRITE = 0x04;
const PAGE_WRITECOPY = 0x08;

/** `VirtualQuery`'s `Protect` of the page holding `pointer`. */
function pageProtection(pointer: Deno.PointerValue): number {
  const info = new Uint8Array(48); // MEMORY_BASIC_INFORMATION
  assert.equal(kernel32().VirtualQuery(pointer, info, 48n), 48n);
  return new DataView(info.buffer).getUint32(36, true);
}

/** Paths of the trampoline DLLs loaded in this process. */
function trampolineModules(): string[] {
  const k = kernel32();
  const modules = new BigUint64Array(4096);
  const needed = new Uint32Array(1);
  assert.notEqual(
    k.K32EnumProcessModules(
      k.GetCurrentProcess(),
      modules,
      modules.byteLength,
      needed,
    ),
    0,
  );
  const paths: string[] = [];
  const name = new Uint16Array(1024);
  for (const module of modules.subarray(0, needed[0] / 8)) {
    const length = k.GetModuleFileNameW(
      Deno.UnsafePointer.create(module),
      name,
      name.length,
    );
    const path = String.fromCharCode(...name.subarray(0, length));
    if (/jit-memory-trampolines-[0-9a-f]{16}(-\d+)?\.dll$/i.test(path)) {
      paths.push(path);
    }
  }
  return paths;
}

for (const testCase of signatureCases()) {
  Deno.test(`fast and portable calls agree: ${testCase.name}`, () => {
    using memory = executable(testCase.code);
    const fast = memory.asFunction(testCase.definition, 0, { fast: true });
    const portable = memory.asFunction(testCase.definition, 0, { fast: false });
    assert.equal(fast.fast, true);
    assert.equal(portable.fast, false);
    for (const { args, expected } of testCase.calls) {
      const viaFast = (fast as (...args: unknown[]) => unknown)(...args);
      const viaPortable = (portable as (...args: unknown[]) => unknown)(
        ...args,
      );
      assert.deepEqual(comparable(viaFast), expected);
      assert.deepEqual(comparable(viaPortable), expected);
    }
  });
}

Deno.test('"auto" starts portable and binds after a number of calls, not on the first', () => {
  using memory = executable(returnConstant(7));
  const f = memory.asFunction(i32Thunk);
  assert.equal(f.fast, false);
  assert.equal(f(), 7);
  assert.equal(f.fast, false, "the first call does not bind");
  for (let call = 1; call < AUTO_BIND_AFTER - 1; call++) f();
  assert.equal(f.fast, false);
  assert.equal(f(), 7);
  assert.equal(f.fast, true);
  assert.equal(f(), 7);
});

Deno.test("fast: false never binds; structs stay portable even with fast: true", () => {
  using memory = executable(returnConstant(3));
  const never = memory.asFunction(i32Thunk, 0, { fast: false });
  for (let call = 0; call < 2 * AUTO_BIND_AFTER; call++) never();
  assert.equal(never.fast, false);
  const struct = memory.asFunction(
    { parameters: [{ struct: ["i32", "i32"] }], result: "i32" },
    0,
    { fast: true },
  );
  assert.equal(struct.fast, false);
  assert.equal(struct(new Uint8Array(8)), 3);
});

Deno.test("bad fast options throw INVALID_ARGUMENT", () => {
  using memory = executable(returnConstant(1));
  for (const options of [{ fast: "yes" }, { fast: 1 }, null, "fast", 1]) {
    assert.equal(
      errorCodeOf(() =>
        memory.asFunction(i32Thunk, 0, options as unknown as { fast: true })
      ),
      "INVALID_ARGUMENT",
    );
  }
});

Deno.test("a fast function throws after makeWritable() and deallocate(); its slot then points to the trap", () => {
  const memory = executable(returnConstant(11));
  const f = memory.asFunction(i32Thunk, 0, { fast: true });
  assert.equal(f(), 11);
  const fastCalls = platform().fastCalls!;
  const before = fastCalls.stats().bound;
  memory.makeWritable();
  assert.equal(errorCodeOf(f), "NOT_EXECUTABLE");
  memory.makeExecutable();
  assert.equal(f(), 11);
  assert.equal(f.fast, true);
  memory.deallocate();
  assert.equal(errorCodeOf(f), "NOT_ALLOCATED");
  assert.equal(f.fast, false);
  assert.equal(fastCalls.stats().bound, before - 1);
});

Deno.test("a fast function of a CodeBuffer throws after reset() and dispose", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(5));
  const f = buffer.asFunction(i32Thunk, 0, { fast: true });
  assert.equal(f(), 5);
  assert.equal(f.fast, true);
  buffer.reset();
  assert.equal(errorCodeOf(f), "NOT_EXECUTABLE");
  buffer.commit(returnConstant(6));
  assert.equal(
    errorCodeOf(f),
    "NOT_EXECUTABLE",
    "old functions do not run new code",
  );
  const g = buffer.asFunction(i32Thunk, 0, { fast: true });
  assert.equal(g(), 6);
  buffer[Symbol.dispose]();
  assert.equal(errorCodeOf(g), "NOT_ALLOCATED");
});

Deno.test("patch() keeps a fast function bound and it runs the patched code", () => {
  using buffer = new CodeBuffer();
  buffer.commit(returnConstant(100));
  const f = buffer.asFunction(i32Thunk, 0, { fast: true });
  assert.equal(f(), 100);
  const { offset, bytes } = returnConstantPatch(200);
  buffer.patch(offset, bytes);
  assert.equal(f.fast, true);
  assert.equal(f(), 200);
});

Deno.test("released slots point to the trap; the slot table is read-only", () => {
  const fastCalls = platform().fastCalls!;
  using memory = executable(returnConstant(1));
  const binding = fastCalls.bind(i32Thunk, memory.getMemoryPointer()!);
  assert.equal(
    binding.slotValue(),
    Deno.UnsafePointer.value(memory.getMemoryPointer()),
  );
  assert.deepEqual(permissionsOf(binding.slotPointer, 8), ["r--p"]);
  assert.equal((binding.call as () => number)(), 1);
  binding.release();
  binding.release();
  assert.equal(binding.slotValue(), binding.trapAddress);
  assert.deepEqual(permissionsOf(binding.slotPointer, 8), ["r--p"]);
  // The trap is a trap: ud2 (x86-64) or brk #0 (AArch64), in code.
  const trap = Deno.UnsafePointer.create(binding.trapAddress)!;
  const bytes = new Uint8Array(
    Deno.UnsafePointerView.getArrayBuffer(trap, 4),
  );
  if (Deno.build.arch === "x86_64") {
    assert.deepEqual([...bytes.subarray(0, 2)], [0x0f, 0x0b]);
  } else {
    assert.deepEqual([...bytes], [0x00, 0x00, 0x20, 0xd4]);
  }
  assert.deepEqual(permissionsOf(trap, 1), ["r-xp"]);
});

Deno.test("10,000 functions bound and released leak no descriptors or mappings; slots are reused", async () => {
  const fastCalls = platform().fastCalls!;
  const handedOut = new Set<bigint>();
  const cycles = (): void => {
    for (let cycle = 0; cycle < 10_000; cycle++) {
      using memory = executable(returnConstant(cycle & 0xffff));
      handedOut.add(Deno.UnsafePointer.value(memory.getMemoryPointer()));
      const f = memory.asFunction(i32Thunk, 0, { fast: true });
      assert.equal(f(), cycle & 0xffff);
    }
  };
  // The helpers' own libraries are opened first: Deno compiles a stub per
  // symbol into memory of its own, which may land where a freed region of
  // the cycles was (Windows hands the same addresses out again soon).
  trampolineMappings();
  openDescriptorCount();
  readMappings();
  cycles(); // opens the signature's first library
  const libraries = fastCalls.stats().libraries;
  const libraryMappings = trampolineMappings();
  const descriptors = openDescriptorCount();
  const counts = await mappingsAround(cycles, emulated ? 1 : 10);
  assert.equal(openDescriptorCount(), descriptors);
  assert.equal(fastCalls.stats().libraries, libraries, "slots were reused");
  assert.equal(fastCalls.stats().bound, 0);
  assert.equal(trampolineMappings(), libraryMappings);
  assert.deepEqual(mappedAmong(handedOut), []);
  // Under qemu-user, V8 keeps committing heap pages over 10,000 iterations
  // (also on the portable path, also after a full GC), so the count of all
  // the process's mappings only means something natively.
  if (!emulated) assertMappingsKept(counts);
});

Deno.test("many live fast functions of one signature grow the libraries geometrically", () => {
  const fastCalls = platform().fastCalls!;
  const definition = { parameters: ["u8", "u8", "u8"], result: "u8" } as const;
  const before = fastCalls.stats();
  using memory = executable(returnConstant(9));
  const functions = Array.from(
    { length: 10 },
    () => memory.asFunction(definition, 0, { fast: true }),
  );
  for (const f of functions) assert.equal(f(0, 0, 0), 9);
  const after = fastCalls.stats();
  // 1 + 2 + 4 + 8 trampolines hold 10 functions.
  assert.equal(after.libraries - before.libraries, 4);
  assert.equal(after.slots - before.slots, 15);
  assert.equal(after.bound - before.bound, 10);
});

/** Ends the job, collects garbage and lets finalizers run. */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  for (let turn = 0; turn < 3; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("thousands of dropped fast functions of every result type give their slots back: no new library after warm-up", async () => {
  const fastCalls = platform().fastCalls!;
  const cases = signatureCases();
  const regions = cases.map((testCase) => executable(testCase.code));
  // Per round and result type: functions bound at once, and some bound by
  // "auto" (129 calls each). Under qemu-user, where a call costs about a
  // hundred times more, fewer (and docs/reliability.md says so).
  const eager = emulated ? 100 : 600;
  const automatic = emulated ? 4 : 20;
  const round = (): void => {
    cases.forEach((testCase, index) => {
      for (let n = 0; n < eager + automatic; n++) {
        const bound = n < eager;
        const f = regions[index].asFunction(testCase.definition, 0, {
          fast: bound ? true : "auto",
        }) as (...args: unknown[]) => unknown;
        const { args, expected } = testCase.calls[0];
        const calls = bound ? 1 : AUTO_BIND_AFTER + 1;
        for (let call = 0; call < calls; call++) {
          assert.deepEqual(comparable(f(...args)), expected);
        }
      }
    });
  };
  try {
    round(); // warm-up: each signature's libraries grow to what a round needs
    await collectGarbage();
    const warm = fastCalls.stats();
    const trampolines = trampolineMappings();
    for (let again = 0; again < 5; again++) {
      round();
      await collectGarbage();
    }
    const after = fastCalls.stats();
    assert.equal(after.libraries, warm.libraries, "no new library");
    assert.equal(after.slots, warm.slots);
    assert.equal(trampolineMappings(), trampolines);
    assert.equal(after.bound, warm.bound, "every dropped function's slot back");
  } finally {
    for (const region of regions) region.deallocate();
  }
});

Deno.test('a trampoline library that cannot load makes fast: true and "auto" stay portable, and is tried once (negative cache)', () => {
  const real = platform();
  let opens = 0;
  const refusing = createFastCalls({
    pageSize: () => real.pageSize(),
    build: (count) => buildTrampolineLibrary(real.arch, count, 4096),
    loader: {
      available: () => true,
      load(): never {
        opens++;
        throw new Error("the loader refused the file");
      },
    },
    protectSlots: () => {
      throw new Error("no library, no slots");
    },
  });
  setPlatformForTesting({ ...real, fastCalls: refusing });
  try {
    using memory = executable(returnConstant(8));
    const eager = memory.asFunction(i32Thunk, 0, { fast: true });
    assert.equal(eager.fast, false);
    assert.equal(eager(), 8);
    const auto = memory.asFunction(i32Thunk);
    for (let call = 0; call < 3 * AUTO_BIND_AFTER; call++) {
      assert.equal(auto(), 8);
    }
    assert.equal(auto.fast, false);
    for (let n = 0; n < 10; n++) {
      assert.equal(memory.asFunction(i32Thunk, 0, { fast: true })(), 8);
    }
    assert.equal(opens, 1, "the load was tried once");
    assert.equal(refusing.stats().available, false);
    assert.equal(refusing.supports(i32Thunk), false);
  } finally {
    setPlatformForTesting(real);
  }
});

Deno.test("a loader that is not available here (e.g. no permission) is asked once, and nothing is loaded", () => {
  const real = platform();
  let asked = 0;
  let loads = 0;
  const unavailable = createFastCalls({
    pageSize: () => real.pageSize(),
    build: (count) => buildTrampolineLibrary(real.arch, count, 4096),
    loader: {
      available: () => {
        asked++;
        return false;
      },
      load(): never {
        loads++;
        throw new Error("not to be called");
      },
    },
    protectSlots: () => {},
  });
  setPlatformForTesting({ ...real, fastCalls: unavailable });
  try {
    using memory = executable(returnConstant(4));
    for (const fast of [true, "auto", true] as const) {
      const f = memory.asFunction(i32Thunk, 0, { fast });
      for (let call = 0; call < 2 * AUTO_BIND_AFTER; call++) {
        assert.equal(f(), 4);
      }
      assert.equal(f.fast, false);
    }
    assert.equal(asked, 1);
    assert.equal(loads, 0);
    assert.equal(unavailable.stats().available, false);
    assert.equal(
      errorCodeOf(() => unavailable.bind(i32Thunk, memory.getMemoryPointer()!)),
      "UNSUPPORTED",
    );
  } finally {
    setPlatformForTesting(real);
  }
});

// Windows x64: the DLLs, their files, permissions and page protections.

/** The trampoline DLL files in `dir`, by name: size and modification time. */
function dllFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.startsWith("jit-memory-trampolines")) continue;
    const info = Deno.statSync(`${dir}\\${entry.name}`);
    files.set(entry.name, `${info.size} bytes, ${info.mtime?.getTime()}`);
  }
  return files;
}

/**
 * A script a child Deno runs: binds `mov eax, 7; ret` under three
 * signatures (it reads no argument, so it is right in every calling
 * convention) and prints whether each call was fast, its result, and the
 * binder's counters.
 */
function childScript(): string {
  const mod = new URL("../mod.ts", import.meta.url).href;
  const platformMod = new URL("../platform/mod.ts", import.meta.url).href;
  return `
import { JITMemoryManager } from ${JSON.stringify(mod)};
import { platform } from ${JSON.stringify(platformMod)};
const memory = new JITMemoryManager(4096);
memory.write(new Uint8Array([0xb8, 7, 0, 0, 0, 0xc3]));
memory.makeExecutable();
const definitions = [
  { parameters: [], result: "i32" },
  { parameters: ["i32"], result: "i32" },
  { parameters: ["f64", "pointer"], result: "i32" },
];
const calls = definitions.map((definition) => {
  const f = memory.asFunction(definition, 0, { fast: true });
  const args = definition.parameters.map((type) =>
    type === "f64" ? 1.5 : type === "pointer" ? null : 1
  );
  return { fast: f.fast, result: f(...args) };
});
console.log(JSON.stringify({ calls, stats: platform().fastCalls?.stats() }));
`;
}

interface ChildReport {
  calls: { fast: boolean; result: number }[];
  stats: { available: boolean; libraries: number };
}

/** Runs the child script with `permissions`, its temporary directory `dir`. */
async function runChild(
  dir: string,
  script: string,
  permissions: string[],
): Promise<ChildReport> {
  const output = await runCommand(
    Deno.execPath(),
    ["run", "--no-check", ...permissions, script],
    { env: { TMP: dir, TEMP: dir, NO_COLOR: "1" } },
  );
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test({
  name:
    "Windows: every signature case is fast, through DLLs from the temporary directory whose names are their contents' SHA-256",
  ignore: !onWindows,
  fn(): void {
    for (const testCase of signatureCases()) {
      using memory = executable(testCase.code);
      const f = memory.asFunction(testCase.definition, 0, { fast: true });
      assert.equal(f.fast, true, testCase.name);
      for (const { args, expected } of testCase.calls) {
        assert.deepEqual(
          comparable((f as (...args: unknown[]) => unknown)(...args)),
          expected,
          testCase.name,
        );
      }
    }
    const modules = trampolineModules();
    assert.ok(modules.length > 0);
    const temporary = Deno.env.get("TMP")!.replace(/\\+$/, "").toLowerCase();
    for (const path of modules) {
      assert.equal(
        path.slice(0, path.lastIndexOf("\\")).toLowerCase(),
        temporary,
      );
      const digest = createHash("sha256").update(Deno.readFileSync(path))
        .digest("hex");
      const name = path.slice(path.lastIndexOf("\\") + 1);
      assert.match(
        name,
        new RegExp(
          `^jit-memory-trampolines-${digest.slice(0, 16)}(-\\d+)?\\.dll$`,
        ),
      );
    }
  },
});

Deno.test({
  name:
    "Windows: a second process reuses the DLL files of the first: no new file, none rewritten",
  ignore: !onWindows,
  async fn(): Promise<void> {
    const dir = Deno.makeTempDirSync();
    try {
      const script = `${dir}\\child.ts`;
      Deno.writeTextFileSync(script, childScript());
      const permissions = [
        "--allow-ffi",
        "--allow-read",
        "--allow-write",
        "--allow-env",
      ];
      const first = await runChild(dir, script, permissions);
      assert.deepEqual(first.calls, Array(3).fill({ fast: true, result: 7 }));
      const files = dllFiles(dir);
      // Three signatures, a one-trampoline library each: three runs of
      // one DLL, so one file.
      assert.equal(first.stats.libraries, 3);
      assert.equal(files.size, 1);
      assert.equal(
        [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp"))
          .length,
        0,
        "no temporary file left",
      );
      await new Promise((resolve) => setTimeout(resolve, 50)); // mtimes would move
      const second = await runChild(dir, script, permissions);
      assert.deepEqual(second.calls, first.calls);
      assert.deepEqual(dllFiles(dir), files);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

for (
  const [missing, permissions] of [
    ["write", ["--allow-ffi", "--allow-read", "--allow-env"]],
    ["read", ["--allow-ffi", "--allow-write", "--allow-env"]],
    ["env", ["--allow-ffi", "--allow-read", "--allow-write"]],
  ] as const
) {
  Deno.test({
    name:
      `Windows: without ${missing} permission functions are not fast, and calls still work, without a prompt or an error`,
    ignore: !onWindows,
    async fn(): Promise<void> {
      const dir = Deno.makeTempDirSync();
      try {
        const script = `${dir}\\child.ts`;
        Deno.writeTextFileSync(script, childScript());
        const report = await runChild(dir, script, [...permissions]);
        assert.deepEqual(
          report.calls,
          Array(3).fill({ fast: false, result: 7 }),
        );
        assert.equal(report.stats.available, false);
        assert.equal(report.stats.libraries, 0);
        assert.equal(dllFiles(dir).size, 0);
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name:
    "Windows: the slot table's page is PAGE_READONLY, made writable only while a slot is written",
  ignore: !onWindows,
  fn(): void {
    const real = platform();
    using memory = executable(returnConstant(3));
    // The platform's own binder: read-only between writes.
    const binding = real.fastCalls!.bind(i32Thunk, memory.getMemoryPointer()!);
    assert.equal(pageProtection(binding.slotPointer), PAGE_READONLY);
    binding.release();
    assert.equal(pageProtection(binding.slotPointer), PAGE_READONLY);

    // A binder like it whose protector reports what each switch left.
    const k = kernel32();
    const switches: { access: SlotAccess; protection: number }[] = [];
    const protect = virtualProtectSlots(k, () => ({
      code: k.GetLastError(),
      message: "VirtualProtect failed",
      reason: "other",
    }));
    const binder = createFastCalls({
      pageSize: () => real.pageSize(),
      build: (count) =>
        buildTrampolineLibrary("x86_64", count, real.pageSize(), "pe"),
      loader: createDllFileLoader({
        open: Deno.dlopen,
        directory: windowsTemporaryDirectory,
      }),
      protectSlots: (address, length, access) => {
        protect(address, length, access);
        switches.push({ access, protection: pageProtection(address) });
      },
    });
    const bound = binder.bind(i32Thunk, memory.getMemoryPointer()!);
    assert.equal((bound.call as () => number)(), 3);
    assert.equal(pageProtection(bound.slotPointer), PAGE_READONLY);
    bound.release();
    assert.equal(pageProtection(bound.slotPointer), PAGE_READONLY);
    // Filling the new library's slots with the trap, binding, releasing.
    assert.equal(switches.length, 6);
    for (const { access, protection } of switches) {
      if (access === "read-write") {
        assert.ok(
          protection === PAGE_READWRITE || protection === PAGE_WRITECOPY,
          `writable: 0x${protection.toString(16)}`,
        );
      } else {
        assert.equal(protection, PAGE_READONLY);
      }
    }
    assert.deepEqual(
      switches.map((s) => s.access),
      Array(3).fill(["read-write", "read-only"]).flat(),
    );
  },
});

Deno.test({
  name:
    "Windows: a worker claims a copy of the DLL of its own, given back when it ends",
  ignore: !onWindows,
  async fn(): Promise<void> {
    using memory = executable(returnConstant(1));
    const f = memory.asFunction(i32Thunk, 0, { fast: true });
    assert.equal(f(), 1);
    const before = trampolineModules();
    const mod = new URL("../mod.ts", import.meta.url).href;
    const source = `
      import { JITMemoryManager } from ${JSON.stringify(mod)};
      const memory = new JITMemoryManager(4096);
      memory.write(new Uint8Array([0xb8, 2, 0, 0, 0, 0xc3]));
      memory.makeExecutable();
      const f = memory.asFunction({ parameters: [], result: "i32" }, 0, { fast: true });
      self.postMessage({ fast: f.fast, result: f() });
      self.onmessage = () => self.postMessage({ fast: f.fast, result: f() });
    `;
    const url = URL.createObjectURL(
      new Blob([source], { type: "application/typescript" }),
    );
    const worker = new Worker(url, { type: "module" });
    const reply = (): Promise<{ fast: boolean; result: number }> =>
      new Promise((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(event.message);
      });
    try {
      assert.deepEqual(await reply(), { fast: true, result: 2 });
      // Its trampolines are not this thread's: each still runs its own code.
      assert.equal(f(), 1);
      const during = trampolineModules();
      const added = during.filter((path) => !before.includes(path));
      assert.equal(added.length, 1, `a copy of its own: ${added}`);
      assert.match(added[0], /-\d+\.dll$/, "a later copy of the same file");
      worker.postMessage("again");
      assert.deepEqual(await reply(), { fast: true, result: 2 });
    } finally {
      worker.terminate();
      URL.revokeObjectURL(url);
    }
    // The worker's isolate is torn down on its own thread, closing its
    // libraries: its copy is unloaded, free to be claimed again.
    let after = trampolineModules();
    for (let wait = 0; wait < 50 && after.length !== before.length; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = trampolineModules();
    }
    assert.deepEqual(after.sort(), [...before].sort());
    assert.equal(f(), 1);
  },
});
