// Binding functions to trampolines cheaply: slot tables written without a
// protection switch where the platform maps them twice (Linux), and
// functions bound and released in one synchronous job kept by nothing.
import assert from "node:assert/strict";
import { CodePool } from "../mod.ts";
import { platform } from "../platform/mod.ts";
import { createFastCalls } from "../platform/fast_calls.ts";
import { buildTrampolineLibrary } from "../platform/trampoline_library.ts";
import { VIEW_REWRITES_INVISIBLE } from "./helpers/emulation.ts";
import { ON_LINUX } from "./helpers/host.ts";
import { returnConstant } from "./helpers/machine_code.ts";
import { permissionsOf, readMappings } from "./helpers/memory_map.ts";

const i32Thunk = { parameters: [], result: "i32" } as const;

Deno.test("binding and releasing switches no slot protection where the table is mapped twice, two per write elsewhere", () => {
  const fastCalls = platform().fastCalls!;
  using pool = new CodePool();
  // The first bind may open the signature's library.
  const first = pool.add(returnConstant(5));
  first.asFunction(i32Thunk, { fast: true });
  first.release();
  const before = fastCalls.stats();
  for (let n = 0; n < 100; n++) {
    // The pool reuses the released span's place; qemu-user would run its
    // old translation of code rewritten there (helpers/emulation.ts).
    const value = VIEW_REWRITES_INVISIBLE ? 5 : n;
    const span = pool.add(returnConstant(value));
    const f = span.asFunction(i32Thunk, { fast: true });
    assert.equal(f.fast, true);
    assert.equal(f(), value);
    span.release();
    assert.equal(f.fast, false);
  }
  const after = fastCalls.stats();
  assert.equal(after.libraries, before.libraries);
  const switches = after.protectionSwitches - before.protectionSwitches;
  if (after.dualMapped === after.libraries) {
    assert.equal(switches, 0);
  } else {
    assert.equal(after.dualMapped, 0);
    assert.equal(switches, 100 * 2 * 2, "bind and release, two each");
  }
  // Linux maps the memfd's slot pages twice.
  assert.equal(after.dualMapped === after.libraries, ON_LINUX);
});

Deno.test("a slot written through the writable view is what the trampoline's read-only table holds", () => {
  const fastCalls = platform().fastCalls!;
  using pool = new CodePool();
  const span = pool.add(returnConstant(7));
  const binding = fastCalls.bind(i32Thunk, span.pointer);
  try {
    const table = new Deno.UnsafePointerView(binding.slotPointer);
    assert.equal(table.getBigUint64(), Deno.UnsafePointer.value(span.pointer));
    assert.equal(binding.slotValue(), table.getBigUint64());
    assert.deepEqual(permissionsOf(binding.slotPointer, 8), ["r--p"]);
    assert.equal((binding.call as () => number)(), 7);
  } finally {
    binding.release();
  }
  const table = new Deno.UnsafePointerView(binding.slotPointer);
  assert.equal(table.getBigUint64(), binding.trapAddress);
  if (fastCalls.stats().dualMapped > 0) {
    // The second view: a shared, writable mapping of the same memfd.
    const shared = readMappings().filter((mapping) =>
      mapping.path.includes("jit-memory-trampolines") &&
      mapping.permissions === "rw-s"
    );
    assert.ok(shared.length >= fastCalls.stats().dualMapped, "rw-s views");
  }
});

Deno.test("a loader without a writable view gets the protection switched around each write", () => {
  const real = platform();
  const switches: string[] = [];
  const slots = new BigUint64Array(64);
  let trampoline = 0;
  const fake = createFastCalls({
    pageSize: () => real.pageSize(),
    build: (count) => buildTrampolineLibrary(real.arch, count, 4096),
    loader: {
      available: () => true,
      load: (count) => ({
        functions: Array.from({ length: count }, () => () => ++trampoline),
        slotTable: Deno.UnsafePointer.of(slots)!,
        trap: 0xdeadn,
      }),
    },
    protectSlots: (_address, _length, access) => switches.push(access),
  });
  const address = Deno.UnsafePointer.create(0x1000n)!;
  const binding = fake.bind(i32Thunk, address);
  binding.release();
  assert.deepEqual(switches, [
    "read-write", // the new library's trap fill
    "read-only",
    "read-write", // bind
    "read-only",
    "read-write", // release
    "read-only",
  ]);
  assert.equal(fake.stats().protectionSwitches, 6);
  assert.equal(fake.stats().dualMapped, 0);

  // The same with a writable view: no switch at all.
  switches.length = 0;
  const view = new BigUint64Array(64);
  const dual = createFastCalls({
    pageSize: () => real.pageSize(),
    build: (count) => buildTrampolineLibrary(real.arch, count, 4096),
    loader: {
      available: () => true,
      load: (count) => ({
        functions: Array.from({ length: count }, () => () => ++trampoline),
        slotTable: Deno.UnsafePointer.of(slots)!,
        trap: 0xdeadn,
        writableSlots: view.subarray(0, count),
      }),
    },
    protectSlots: (_address, _length, access) => switches.push(access),
  });
  const bound = dual.bind(i32Thunk, address);
  assert.equal(view[0], 0x1000n);
  bound.release();
  assert.equal(view[0], 0xdeadn);
  assert.deepEqual(switches, []);
  assert.deepEqual(
    [dual.stats().dualMapped, dual.stats().protectionSwitches],
    [1, 0],
  );
});

Deno.test("functions bound and released in one synchronous job are not kept until it ends", () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc !== undefined, "run with --v8-flags=--expose-gc");
  using pool = new CodePool();
  const code = returnConstant(3);
  const cycle = (): void => {
    const span = pool.add(code);
    const f = span.asFunction(i32Thunk, { fast: true });
    f();
    span.release();
  };
  for (let n = 0; n < 2_000; n++) cycle(); // warm-up
  gc();
  const before = Deno.memoryUsage().heapUsed;
  // 100,000 natively; a tenth under qemu-user, a hundred times slower.
  const cycles = Deno.env.get("JIT_MEMORY_EMULATOR") === undefined
    ? 100_000
    : 10_000;
  for (let n = 0; n < cycles; n++) cycle();
  // Still the same job: what a WeakRef made or dereferenced would keep
  // alive until its end survives this collection.
  gc();
  const kept = (Deno.memoryUsage().heapUsed - before) / cycles;
  assert.ok(kept < 50, `${kept.toFixed(0)} bytes kept per function`);
});

Deno.test("a definition changed after use binds to its new signature's trampolines", () => {
  using pool = new CodePool();
  const definition: {
    parameters: Deno.NativeType[];
    result: Deno.NativeResultType;
  } = { parameters: [], result: "i32" };
  const first = pool.add(returnConstant(9));
  const asI32 = first.asFunction(definition, { fast: true });
  assert.equal(asI32(), 9);
  first.release(); // its i32 slot is free again
  // The same object, now () => i64: a bigint, which an i32 trampoline
  // (a stale signature) would not give.
  definition.result = "i64";
  const span = pool.add(returnConstant(9));
  const asI64 = span.asFunction(definition, { fast: true });
  assert.equal(asI64.fast, true);
  assert.equal(asI64(), 9n);
  // And with a parameter, which the code ignores.
  definition.parameters.push("i32");
  const withParameter = span.asFunction(definition, { fast: true });
  assert.equal(withParameter(123), 9n);
  span.release();
});
