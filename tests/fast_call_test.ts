// Fast calls: JIT'd functions bound to dlopen-speed trampolines (Linux).
import assert from "node:assert/strict";
import { CodeBuffer, JITMemoryManager } from "../mod.ts";
import { platform, setPlatformForTesting } from "../platform/mod.ts";
import { createFastCalls } from "../platform/fast_calls.ts";
import { libcCalls, libcSymbols } from "../platform/linux_calls.ts";
import { errnoReader } from "../platform/posix.ts";
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
} from "./helpers/proc_maps.ts";

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

/** Mappings of trampoline libraries (their memfd files). */
function trampolineMappings(): number {
  return readMappings().filter((mapping) =>
    mapping.path.includes("jit-memory-trampolines")
  ).length;
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
  // hundred times more, fewer (and says so in README).
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
  const libc = Deno.dlopen("libc.so.6", libcSymbols).symbols;
  let opens = 0;
  const refusing = createFastCalls(
    libcCalls(libc, errnoReader(libc.__errno_location)),
    {
      arch: real.arch,
      pageSize: () => real.pageSize(),
      osError: (code) => ({ code, message: `errno ${code}`, reason: "other" }),
      open: () => {
        opens++;
        throw new Error("the loader refused the file");
      },
    },
  );
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
