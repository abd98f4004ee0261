import assert from "node:assert/strict";
import { JITMemoryManager, JITMemoryManagerError } from "../mod.ts";
import { returnConstant } from "./helpers/machine_code.ts";
import { permissionsOf } from "./helpers/memory_map.ts";

const i32Thunk = { parameters: [], result: "i32" } as const;

Deno.test("transfer() moves the region and leaves the source empty", () => {
  const source = new JITMemoryManager(4096);
  source.write(returnConstant(42));
  source.makeExecutable();
  const f = source.asFunction(i32Thunk);
  const pointer = source.getMemoryPointer();
  const size = source.getSize();

  using target = source.transfer();
  assert.equal(source.isAllocated(), false);
  assert.equal(source.getMemoryPointer(), null);
  assert.equal(source.getSize(), 0);
  assert.equal(target.getMemoryPointer(), pointer);
  assert.equal(target.getSize(), size);
  assert.equal(target.isExecutable(), true);

  source.deallocate(); // must not unmap what target owns
  assert.deepEqual(permissionsOf(pointer, size), ["r-xp"]);
  assert.equal(f(), 42);
  assert.equal(target.asFunction(i32Thunk)(), 42);
});

Deno.test("transfer() of an empty manager gives an empty manager", () => {
  const empty = new JITMemoryManager();
  const moved = empty.transfer();
  assert.equal(moved.isAllocated(), false);
  assert.notEqual(moved, empty);
});

Deno.test("moveFrom() unmaps the target's old region and takes the source's", () => {
  const target = new JITMemoryManager(4096);
  const oldPointer = target.getMemoryPointer();
  const oldSize = target.getSize();
  const source = new JITMemoryManager(3 * 4096);
  source.write(returnConstant(9));
  source.makeExecutable();
  const sourcePointer = source.getMemoryPointer();

  assert.equal(target.moveFrom(source), target);
  assert.deepEqual(permissionsOf(oldPointer, oldSize), []);
  assert.equal(source.isAllocated(), false);
  assert.equal(target.getMemoryPointer(), sourcePointer);
  assert.equal(target.getSize(), JITMemoryManager.roundToPageSize(3 * 4096));
  assert.equal(target.asFunction(i32Thunk)(), 9);
  target.deallocate();
  assert.deepEqual(permissionsOf(sourcePointer, 3 * 4096), []);
});

Deno.test("moveFrom() itself changes nothing; a non-manager is INVALID_ARGUMENT", () => {
  using memory = new JITMemoryManager(4096);
  const pointer = memory.getMemoryPointer();
  assert.equal(memory.moveFrom(memory), memory);
  assert.equal(memory.getMemoryPointer(), pointer);
  assert.throws(
    () => memory.moveFrom({} as JITMemoryManager),
    (error) =>
      error instanceof JITMemoryManagerError &&
      error.code === "INVALID_ARGUMENT",
  );
  assert.equal(memory.getMemoryPointer(), pointer);
});

Deno.test("using unmaps at the end of the block", () => {
  let pointer: Deno.PointerValue = null;
  let size = 0;
  {
    using memory = new JITMemoryManager(4096);
    pointer = memory.getMemoryPointer();
    size = memory.getSize();
    assert.deepEqual(permissionsOf(pointer, size), ["rw-p"]);
  }
  assert.deepEqual(permissionsOf(pointer, size), []);
});

Deno.test("deallocate() is idempotent", () => {
  const memory = new JITMemoryManager(4096);
  memory.deallocate();
  memory.deallocate();
  memory[Symbol.dispose]();
  assert.equal(memory.isAllocated(), false);
  new JITMemoryManager().deallocate();
});
