import assert from "node:assert/strict";
import { EMULATED } from "./helpers/emulation.ts";
import { JITMemoryManager } from "../mod.ts";
import { returnConstant } from "./helpers/machine_code.ts";
import { countMappings } from "./helpers/counting_platform.ts";
import {
  assertMappingsKept,
  mappedAmong,
  mappingsAround,
  permissionsOf,
  writableAndExecutable,
} from "./helpers/memory_map.ts";

const i32Thunk = { parameters: [], result: "i32" } as const;
const MiB = 1024 * 1024;

for (const size of [100 * MiB, 512 * MiB]) {
  Deno.test(`a ${size / MiB} MiB region runs code at its last page and frees`, () => {
    const memory = new JITMemoryManager(size);
    const page = JITMemoryManager.getPageSize();
    assert.equal(memory.getSize(), size);
    const lastPage = size - page;
    memory.write(returnConstant(size / MiB), lastPage);
    memory.makeExecutable();
    assert.equal(memory.asFunction(i32Thunk, lastPage)(), size / MiB);
    const pointer = memory.getMemoryPointer();
    memory.deallocate();
    assert.deepEqual(permissionsOf(pointer, size), []);
  });
}

Deno.test("ten regions at once each run their own code", () => {
  const regions = Array.from({ length: 10 }, (_, index) => {
    const memory = new JITMemoryManager(4096 * (index + 1));
    memory.write(returnConstant(100 + index));
    memory.makeExecutable();
    return memory;
  });
  const functions = regions.map((memory) => memory.asFunction(i32Thunk));
  functions.forEach((f, index) => assert.equal(f(), 100 + index));
  assert.deepEqual(
    writableAndExecutable(
      regions.map((m) => ({
        pointer: m.getMemoryPointer(),
        size: m.getSize(),
      })),
    ),
    [],
  );
  for (const memory of regions) memory.deallocate();
});

Deno.test("2,000 allocate/execute/free cycles leave the number of mappings unchanged", async () => {
  const handedOut = new Set<bigint>();
  const cycles = (): void => {
    for (let cycle = 0; cycle < 2000; cycle++) {
      using memory = new JITMemoryManager(6);
      handedOut.add(Deno.UnsafePointer.value(memory.getMemoryPointer()));
      memory.write(returnConstant(cycle & 0xffff));
      memory.makeExecutable();
      assert.equal(memory.asFunction(i32Thunk)(), cycle & 0xffff);
    }
  };
  assert.deepEqual(countMappings(cycles), { mapped: 2000, unmapped: 2000 });
  // The count of all the process's mappings means something natively only
  // (see assertMappingsKept); the exact ledger and lookups hold everywhere.
  const counts = await mappingsAround(cycles, EMULATED ? 1 : 10);
  if (!EMULATED) assertMappingsKept(counts);
  assert.deepEqual(mappedAmong(handedOut), []);
});
