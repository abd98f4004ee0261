// Model-based fuzzing: random sequences of operations on managers, code
// buffers and a pool, each checked against a small model of what must
// happen. The model is written from the documented contract, not from the
// implementation: which call throws which code, what every live function
// returns, what read() gives back, and which protection each region has in
// /proc/self/maps (never rwx).
//
// A second run injects failures: a platform that wraps the real one fails
// chosen native operations (map, protect, unmap, write, trap fill, dual
// map), and every command that meets one must leave its objects as
// documented (unchanged, or the documented partial outcome), with stats()
// equal to the live spans; once failures stop, disposing everything must
// unmap every mapping made.
//
// FUZZ_RUNS sets the number of sequences (default 2,000; 100 under the
// emulated AArch64 run), FUZZ_SEED replays a seed.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CodeBuffer,
  CodePool,
  type CodeSpan,
  type JITErrorCode,
  JITMemoryManager,
  JITMemoryManagerError,
} from "../mod.ts";
import { DUAL_MAPPING } from "./helpers/host.ts";
import { returnConstant } from "./helpers/machine_code.ts";
import { detachedBytes } from "./helpers/buffers.ts";
import { type MappingReader, mappingReader } from "./helpers/memory_map.ts";
import { show } from "../validate.ts";
import { platform, setPlatformForTesting } from "../platform/mod.ts";
import { FailingPlatform, isInjected } from "./helpers/failing_platform.ts";
import { bytesAt, VIEW_REWRITES_INVISIBLE } from "./helpers/emulation.ts";

const PAGE = JITMemoryManager.getPageSize();
const ALIGNMENT = Deno.build.arch === "aarch64" ? 4 : 1;
const MANAGERS = 3;
const BUFFERS = 2;
const FUNCTION_SLOTS = [0, 16, 32, 48, 64];
const DEFINITION = { parameters: [], result: "i32" } as const;
type Call = () => number;

// ---------------------------------------------------------------- model

type State = "writable" | "executable" | "retired" | "released";

/** Memory the model tracks: a manager's region, a commit or a pool span. */
interface ModelRegion {
  state: State;
  bytes: Uint8Array;
  /**
   * A failed protection switch may have left it writable (documented for
   * patch()): its functions may throw NOT_EXECUTABLE until its owner's
   * next operation that meets no failure.
   */
  maybeWritable?: boolean;
  /**
   * Emulated runs only: code was rewritten through a second, writable view
   * after qemu-user may have translated it, and qemu would run its old
   * translation (helpers/emulation.ts): calls then check the bytes.
   */
  viewStale?: boolean;
  /** A manager's region that a patch of executable code made dual-mapped. */
  converted?: boolean;
}

interface ModelBuffer {
  capacity: number;
  commit: number | undefined;
  /** Its memory was made dual-mapped by a patch of executable code. */
  converted?: boolean;
}

interface Model {
  regions: ModelRegion[];
  managers: (number | undefined)[];
  buffers: ModelBuffer[];
  spans: number[];
  functions: { region: number; offset: number }[];
}

/** The objects under test, with the same indices as the model. */
interface Real {
  managers: JITMemoryManager[];
  buffers: CodeBuffer[];
  pool: CodePool;
  spans: CodeSpan[];
  functions: Call[];
  /** Every region ever mapped by a manager or buffer: start and size. */
  mapped: { start: bigint; size: number }[];
  steps: number;
  /** The failing platform, in the run that injects failures. */
  failing?: FailingPlatform;
  /** Commands that met an injected failure. */
  injected: number;
  /** Address ranges of pool code that ran (for the emulated run). */
  executed: [bigint, bigint][];
}

/** The value the code at `offset` returns, or undefined if it is not a
 * complete `return constant` function (random bytes must never be run). */
function decodedConstant(
  bytes: Uint8Array,
  offset: number,
): number | undefined {
  const expected = (value: number) => returnConstant(value);
  const length = expected(0).length;
  if (offset < 0 || offset + length > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const value = Deno.build.arch === "aarch64"
    ? (view.getUint32(0, true) >>> 5) & 0xffff
    : view.getInt32(1, true);
  const code = expected(value);
  return code.every((byte, index) => byte === bytes[offset + index])
    ? value
    : undefined;
}

function pageRound(size: number): number {
  return Math.ceil(size / PAGE) * PAGE;
}

function isSafeNonNegative(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** The code an argument check must give, following the documented order. */
function offsetError(offset: unknown): JITErrorCode | undefined {
  if (offset === undefined) return undefined;
  return isSafeNonNegative(offset) ? undefined : "INVALID_ARGUMENT";
}

function bytesError(bytes: unknown): JITErrorCode | undefined {
  if (bytes === DETACHED) return "INVALID_ARGUMENT";
  if (bytes instanceof Uint8Array) return undefined;
  if (!Array.isArray(bytes)) return "INVALID_ARGUMENT";
  return bytes.every((byte) =>
      Number.isInteger(byte) && byte >= 0 && byte <= 255
    )
    ? undefined
    : "INVALID_ARGUMENT";
}

function rangeError(
  offset: number,
  length: number,
  size: number,
): JITErrorCode | undefined {
  return offset < 0 || length < 0 || offset + length > size
    ? "OUT_OF_BOUNDS"
    : undefined;
}

function sizeError(size: unknown): JITErrorCode | undefined {
  return isSafeNonNegative(size) && size > 0 ? undefined : "INVALID_SIZE";
}

function asBytes(bytes: unknown): Uint8Array {
  return bytes instanceof Uint8Array
    ? bytes
    : Uint8Array.from(bytes as number[]);
}

// ------------------------------------------------------------- checking

/** Runs `action` and checks it throws `code`, or returns when `code` is
 * undefined. */
function expectOutcome<T>(
  code: JITErrorCode | undefined,
  action: () => T,
): T | undefined {
  let result: T;
  try {
    result = action();
  } catch (error) {
    // An injected failure is the command's own business (see command()).
    if (isInjected(error)) throw error;
    if (!(error instanceof JITMemoryManagerError)) {
      throw new Error(`expected ${code ?? "success"}, got ${error}`);
    }
    assert.equal(error.code, code, error.message);
    return undefined;
  }
  assert.equal(code, undefined, `expected ${code}, but the call succeeded`);
  return result;
}

function assertProtection(
  mappings: MappingReader,
  pointer: Deno.PointerValue,
  size: number,
  expected: "rw-" | "r-x" | "either",
  what: string,
): void {
  const found = new Set(
    mappings.permissionsOf(Deno.UnsafePointer.value(pointer), size)
      .map((permissions) => permissions.slice(0, 3)),
  );
  if (expected === "either") {
    assert.ok(
      found.size === 1 && (found.has("rw-") || found.has("r-x")),
      `${what}: ${[...found]}`,
    );
    return;
  }
  assert.deepEqual([...found], [expected], `${what}: ${[...found]}`);
}

/** After every step: protections, read-back contents and live functions. */
function checkInvariants(model: Model, real: Real): void {
  const mappings = mappingReader();
  model.managers.forEach((id, slot) => {
    const manager = real.managers[slot];
    if (id === undefined) {
      assert.equal(manager.isAllocated(), false);
      return;
    }
    const region = model.regions[id];
    assert.equal(manager.getSize(), region.bytes.length);
    assert.equal(manager.isExecutable(), region.state === "executable");
    assertProtection(
      mappings,
      manager.getMemoryPointer(),
      region.bytes.length,
      region.state === "executable" ? "r-x" : "rw-",
      `manager ${slot}`,
    );
  });
  model.buffers.forEach((buffer, slot) => {
    const real_ = real.buffers[slot];
    assert.equal(real_.capacity, buffer.capacity);
    assert.equal(real_.isCommitted(), buffer.commit !== undefined);
    if (buffer.capacity === 0) return;
    const commit = buffer.commit === undefined
      ? undefined
      : model.regions[buffer.commit];
    assertProtection(
      mappings,
      real_.getMemoryPointer(),
      buffer.capacity,
      commit === undefined ? "rw-" : commit.maybeWritable ? "either" : "r-x",
      `buffer ${slot}`,
    );
  });
  for (const [index, id] of model.spans.entries()) {
    const span = real.spans[index];
    const region = model.regions[id];
    assert.equal(span.released, region.state === "released");
    if (span.released) continue;
    assertProtection(
      mappings,
      span.pointer,
      span.size,
      region.maybeWritable ? "either" : "r-x",
      `span ${index}`,
    );
  }
  // stats() must be the live spans exactly: derived, never out of step.
  const live = model.spans.filter((id) =>
    model.regions[id].state !== "released"
  );
  const stats = real.pool.stats();
  assert.equal(stats.allocations, live.length);
  assert.equal(
    stats.usedBytes,
    live.reduce(
      (sum, id) => sum + Math.ceil(model.regions[id].bytes.length / 64) * 64,
      0,
    ),
  );
  assert.equal(stats.pendingBytes, 0);
  real.steps++;
}

// -------------------------------------------------------------- values

const DETACHED = Symbol("a detached Uint8Array");

const badNumbers = fc.constantFrom<unknown>(
  NaN,
  1.5,
  -0.5,
  Infinity,
  2 ** 53,
  "16",
  null,
  4096n,
  {},
);
const sizes = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 3 * PAGE }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -1, -PAGE) },
  { weight: 1, arbitrary: badNumbers },
  // Valid, but more than any address space: the OS must say ENOMEM.
  { weight: 1, arbitrary: fc.constant(2 ** 50) },
);
const offsets = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -4, max: 3 * PAGE + 8 }) },
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...FUNCTION_SLOTS) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: badNumbers },
);
const byteSources = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  {
    weight: 2,
    arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      [256],
      [-1],
      [0.5],
      ["1"],
      "\x01\x02",
      42,
      null,
      DETACHED,
    ),
  },
);
const constants = fc.integer({ min: 0, max: 0xffff });
const slots = (count: number) => fc.integer({ min: 0, max: count - 1 });
const definitions = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>(DEFINITION) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { parameters: [], result: "int" },
      { parameters: "i32", result: "i32" },
      { parameters: ["i32", "x"], result: "i32" },
      { parameters: [], result: "i32", nonblocking: true },
      null,
    ),
  },
);
const callOptions = fc.constantFrom<unknown>(
  undefined,
  { fast: true },
  { fast: false },
  { fast: "auto" },
);

/** A value as a counterexample should show it. */
function text(value: unknown): string {
  return value instanceof Uint8Array
    ? `Uint8Array [${value.join(", ")}]`
    : show(value);
}

function resolve(value: unknown): unknown {
  return value === DETACHED ? detachedBytes() : value;
}

// ------------------------------------------------------------ commands

type Command = fc.Command<Model, Real>;

/**
 * A command. `run` updates the model only after the real call succeeded
 * or threw what the model expected; if an injected failure ends it,
 * `failed` checks the documented outcome against the model (still as
 * before the command) and brings the model in line.
 */
function command(
  name: string,
  run: (model: Model, real: Real) => void,
  check: (model: Model) => boolean = () => true,
  failed: (model: Model, real: Real) => void = () => {
    throw new Error(`${name} cannot fail`);
  },
): Command {
  return {
    check,
    run(model, real): void {
      if (TRACE) console.error(`  ${name}`);
      const failuresBefore = real.failing?.failures ?? 0;
      try {
        run(model, real);
      } catch (error) {
        if (!isInjected(error)) throw error;
        real.injected++;
        failed(model, real);
      }
      if ((real.failing?.failures ?? 0) === failuresBefore) {
        settleAfterCleanOperation(name, model);
      }
      checkInvariants(model, real);
    },
    toString: () => name,
  };
}

/**
 * A pool or buffer operation that met no failure restored any protection
 * an earlier failure left writable.
 */
function settleAfterCleanOperation(name: string, model: Model): void {
  // The pool restores protections at the start of every add, release and
  // patch; a buffer at patch and asFunction of a commit.
  const pool = /^(pool\.add|span\[\d+\]\.(release|patch))/.test(name);
  const ids = pool
    ? model.spans
    : model.buffers.flatMap((buffer, slot) =>
      new RegExp(`^b${slot}\\.(patch|asFunction)`).test(name) &&
        buffer.commit !== undefined
        ? [buffer.commit]
        : []
    );
  for (const id of ids) model.regions[id].maybeWritable = false;
}

/**
 * After a failed patch: the bytes are the old or the new ones, and a
 * failed switch back may have left the memory writable.
 */
function patchFailed(
  region: ModelRegion,
  actual: Uint8Array,
  offset: number,
  patch: Uint8Array,
): void {
  const old = region.bytes.slice(offset, offset + patch.length);
  const now = actual.slice(offset, offset + patch.length);
  const isNew = now.every((byte, index) => byte === patch[index]);
  const isOld = now.every((byte, index) => byte === old[index]);
  assert.ok(isNew || isOld, "a failed patch wrote part of the bytes");
  if (isNew) region.bytes.set(patch, offset);
}

function managerRegion(model: Model, slot: number): ModelRegion | undefined {
  const id = model.managers[slot];
  return id === undefined ? undefined : model.regions[id];
}

function releaseRegion(model: Model, id: number | undefined): void {
  if (id !== undefined) model.regions[id].state = "released";
}

/**
 * A patch of a manager's executable code: the first one converts the
 * region (a remap, which every emulator sees); later ones go through the
 * writable view, which qemu-user does not see once it translated the code.
 */
function patchedLive(region: ModelRegion): void {
  if (region.state !== "executable") return;
  if (region.converted) region.viewStale = true;
  region.converted = true;
}

/** Whether `[start, start + length)` overlaps pool code that ran. */
function overlapsExecuted(real: Real, start: bigint, length: number): boolean {
  const end = start + BigInt(length);
  return real.executed.some(([from, to]) => from < end && to > start);
}

/** A manager whose operation failed is as it was. */
function managerUnchanged(slot: number): (model: Model, real: Real) => void {
  return (model, real) => {
    const region = managerRegion(model, slot);
    const manager = real.managers[slot];
    assert.equal(manager.isAllocated(), region !== undefined);
    if (region !== undefined) {
      assert.equal(manager.isExecutable(), region.state === "executable");
    }
  };
}

/**
 * A failed write() changed nothing; a failed patch() wrote the bytes or
 * not, and may have left the region writable (then it says so).
 */
function managerWriteFailed(
  slot: number,
  offset: () => number,
  bytes: () => Uint8Array,
): (model: Model, real: Real) => void {
  return (model, real) => {
    const region = managerRegion(model, slot)!;
    const manager = real.managers[slot];
    patchFailed(region, manager.read(), offset(), bytes());
    if (region.state === "executable") region.viewStale = true;
    if (region.state === "executable" && !manager.isExecutable()) {
      region.state = "writable";
    }
    assert.equal(manager.isExecutable(), region.state === "executable");
  };
}

const managerCommands = [
  fc.tuple(slots(MANAGERS), sizes).map(([slot, size]) =>
    command(
      `allocate(m${slot}, ${text(size)})`,
      (model, real) => {
        const code = model.managers[slot] !== undefined
          ? "ALREADY_ALLOCATED"
          : sizeError(size) ?? (size === 2 ** 50 ? "SYSTEM" : undefined);
        const pointer = expectOutcome(
          code,
          () => real.managers[slot].allocate(size as number),
        );
        if (pointer === undefined) return;
        const bytes = new Uint8Array(pageRound(size as number));
        model.managers[slot] =
          model.regions.push({ state: "writable", bytes }) -
          1;
        real.mapped.push({
          start: Deno.UnsafePointer.value(pointer),
          size: bytes.length,
        });
      },
      undefined,
      (_model, real) => {
        assert.equal(real.managers[slot].isAllocated(), false);
      },
    )
  ),
  slots(MANAGERS).map((slot) =>
    command(
      `deallocate(m${slot})`,
      (model, real) => {
        real.managers[slot].deallocate();
        releaseRegion(model, model.managers[slot]);
        model.managers[slot] = undefined;
      },
      undefined,
      managerUnchanged(slot),
    )
  ),
  slots(MANAGERS).map((slot) =>
    command(
      `makeExecutable(m${slot})`,
      (model, real) => {
        const region = managerRegion(model, slot);
        expectOutcome(
          region === undefined ? "NOT_ALLOCATED" : undefined,
          () => real.managers[slot].makeExecutable(),
        );
        if (region !== undefined) region.state = "executable";
      },
      undefined,
      managerUnchanged(slot),
    )
  ),
  slots(MANAGERS).map((slot) =>
    command(
      `makeWritable(m${slot})`,
      (model, real) => {
        const region = managerRegion(model, slot);
        expectOutcome(
          region === undefined ? "NOT_ALLOCATED" : undefined,
          () => real.managers[slot].makeWritable(),
        );
        if (region !== undefined) region.state = "writable";
      },
      undefined,
      managerUnchanged(slot),
    )
  ),
  fc.tuple(slots(MANAGERS), byteSources, offsets, fc.boolean()).map(
    ([slot, source, offset, patch]) =>
      command(
        `${patch ? "patch" : "write"}(m${slot}, ${text(source)} at ${
          text(offset)
        })`,
        (model, real) => {
          const region = managerRegion(model, slot);
          const start = offset === undefined ? 0 : offset as number;
          let code: JITErrorCode | undefined;
          if (region === undefined) code = "NOT_ALLOCATED";
          else if (patch) {
            code = offsetError(offset) ?? bytesError(source);
          } else {
            code = bytesError(source) ?? offsetError(offset);
            if (code === undefined && region.state !== "writable") {
              code = "NOT_WRITABLE";
            }
          }
          const length = code === undefined ? asBytes(source).length : 0;
          code ??= rangeError(start, length, region!.bytes.length);
          const value = resolve(source) as Uint8Array;
          expectOutcome(
            code,
            () =>
              patch
                ? real.managers[slot].patch(offset as number, value)
                : real.managers[slot].write(value, offset as number),
          );
          if (code === undefined) {
            region!.bytes.set(asBytes(source), start);
            if (patch && asBytes(source).length > 0) patchedLive(region!);
          }
        },
        undefined,
        managerWriteFailed(
          slot,
          () => offset === undefined ? 0 : offset as number,
          () => asBytes(source),
        ),
      ),
  ),
  fc.tuple(
    slots(MANAGERS),
    fc.constantFrom(...FUNCTION_SLOTS),
    constants,
    fc.boolean(),
  )
    .map(([slot, offset, value, patch]) =>
      command(
        `${patch ? "patch" : "write"}(m${slot}, return ${value} at ${offset})`,
        (model, real) => {
          const region = managerRegion(model, slot);
          const bytes = returnConstant(value);
          const code = region === undefined
            ? "NOT_ALLOCATED"
            : !patch && region.state !== "writable"
            ? "NOT_WRITABLE"
            : undefined;
          expectOutcome(
            code,
            () =>
              patch
                ? real.managers[slot].patch(offset, bytes)
                : real.managers[slot].write(bytes, offset),
          );
          if (code === undefined) {
            region!.bytes.set(bytes, offset);
            if (patch) patchedLive(region!);
          }
        },
        undefined,
        managerWriteFailed(slot, () => offset, () => returnConstant(value)),
      )
    ),
  fc.tuple(slots(MANAGERS), offsets, offsets).map(([slot, offset, length]) =>
    command(
      `read(m${slot}, ${text(offset)}, ${text(length)})`,
      (model, real) => {
        const region = managerRegion(model, slot);
        let code: JITErrorCode | undefined = region === undefined
          ? "NOT_ALLOCATED"
          : offsetError(offset) ?? offsetError(length);
        const start = (offset ?? 0) as number;
        const count = code === undefined
          ? (length ?? region!.bytes.length - start) as number
          : 0;
        code ??= rangeError(start, count, region!.bytes.length);
        const bytes = expectOutcome(
          code,
          () => real.managers[slot].read(offset as number, length as number),
        );
        if (code === undefined) {
          assert.deepEqual(bytes, region!.bytes.slice(start, start + count));
        }
      },
    )
  ),
  fc.tuple(slots(MANAGERS), offsets, definitions, callOptions).map(
    ([slot, offset, definition, options]) =>
      command(
        `asFunction(m${slot}, ${JSON.stringify(definition)}, ${text(offset)}, ${
          JSON.stringify(options)
        })`,
        (model, real) => {
          const id = model.managers[slot];
          const size = id === undefined ? 0 : model.regions[id].bytes.length;
          const start = (offset ?? 0) as number;
          let code: JITErrorCode | undefined = id === undefined
            ? "NOT_ALLOCATED"
            : offsetError(offset);
          if (code === undefined && (start < 0 || start >= size)) {
            code = "OUT_OF_BOUNDS";
          }
          if (code === undefined && start % ALIGNMENT !== 0) {
            code = "INVALID_ARGUMENT";
          }
          if (code === undefined && definition !== DEFINITION) {
            code = "INVALID_ARGUMENT";
          }
          const fn = expectOutcome(
            code,
            () =>
              real.managers[slot].asFunction(
                definition as typeof DEFINITION,
                offset as number,
                options as undefined,
              ),
          );
          if (fn === undefined) return;
          model.functions.push({ region: id!, offset: start });
          real.functions.push(fn);
          callFunction(model, real, model.functions.length - 1);
        },
      ),
  ),
  fc.tuple(slots(MANAGERS), slots(MANAGERS)).map(([from, to]) =>
    command(
      `m${to} = m${from}.transfer()`,
      (model, real) => {
        const moved = real.managers[from].transfer();
        assert.equal(real.managers[from].isAllocated(), false);
        if (from === to) {
          // The slot's old (now empty) manager is dropped, as a user would.
          real.managers[to] = moved;
          return;
        }
        real.managers[to] = moved;
        model.managers[to] = model.managers[from];
        model.managers[from] = undefined;
      },
      // Overwriting an allocated manager would leak it: users must not.
      (model) => model.managers[to] === undefined || from === to,
    )
  ),
  fc.tuple(slots(MANAGERS), slots(MANAGERS)).map(([to, from]) =>
    command(
      `m${to}.moveFrom(m${from})`,
      (model, real) => {
        real.managers[to].moveFrom(real.managers[from]);
        if (from === to) return;
        releaseRegion(model, model.managers[to]);
        model.managers[to] = model.managers[from];
        model.managers[from] = undefined;
      },
      undefined,
      (model, real) => {
        // The target's deallocate() failed: nothing moved.
        managerUnchanged(to)(model, real);
        managerUnchanged(from)(model, real);
      },
    )
  ),
  fc.tuple(
    slots(MANAGERS),
    fc.constantFrom<unknown>({}, null, 1, new Uint8Array(4)),
  )
    .map(([slot, other]) =>
      command(`m${slot}.moveFrom(${text(other)})`, (_model, real) => {
        expectOutcome(
          "INVALID_ARGUMENT",
          () => real.managers[slot].moveFrom(other as JITMemoryManager),
        );
      })
    ),
];

const bufferCommands = [
  fc.tuple(slots(BUFFERS), constants, fc.integer({ min: 0, max: PAGE + 64 }))
    .map(([slot, value, padding]) =>
      command(
        `b${slot}.commit(return ${value}, +${padding} bytes)`,
        (model, real) => {
          const buffer = model.buffers[slot];
          const bytes = new Uint8Array(returnConstant(0).length + padding);
          bytes.set(returnConstant(value));
          const code = buffer.commit !== undefined
            ? "ALREADY_COMMITTED"
            : undefined;
          const memoryBefore = real.buffers[slot].getMemoryPointer();
          expectOutcome(code, () => real.buffers[slot].commit(bytes));
          if (code !== undefined) return;
          const memoryAfter = real.buffers[slot].getMemoryPointer();
          if (
            memoryBefore === null ||
            !Deno.UnsafePointer.equals(memoryBefore, memoryAfter)
          ) buffer.converted = false; // fresh memory
          buffer.capacity = Math.max(buffer.capacity, pageRound(bytes.length));
          buffer.commit = model.regions.push({ state: "executable", bytes }) -
            1;
          if (real.buffers[slot].getMemoryPointer() !== null) {
            real.mapped.push({
              start: Deno.UnsafePointer.value(
                real.buffers[slot].getMemoryPointer(),
              ),
              size: buffer.capacity,
            });
          }
        },
        undefined,
        (model, real) => {
          const buffer = model.buffers[slot];
          const actual = real.buffers[slot];
          assert.equal(actual.isCommitted(), false);
          // Memory may have been remapped larger before the failure, or
          // unmapped and not mapped again.
          const needed = pageRound(returnConstant(0).length + padding);
          assert.ok(
            [buffer.capacity, needed, 0].includes(actual.capacity),
            `capacity ${actual.capacity}`,
          );
          buffer.capacity = actual.capacity;
          if (actual.getMemoryPointer() !== null) {
            real.mapped.push({
              start: Deno.UnsafePointer.value(actual.getMemoryPointer()),
              size: actual.capacity,
            });
          }
        },
      )
    ),
  fc.tuple(
    slots(BUFFERS),
    fc.constantFrom<unknown>(new Uint8Array(0), [], "code", null),
  )
    .map(([slot, code]) =>
      command(`b${slot}.commit(${text(code)})`, (model, real) => {
        const expected = model.buffers[slot].commit !== undefined
          ? "ALREADY_COMMITTED"
          : Array.isArray(code) || code instanceof Uint8Array
          ? "INVALID_SIZE"
          : "INVALID_ARGUMENT";
        expectOutcome(
          expected,
          () => real.buffers[slot].commit(code as Uint8Array),
        );
      })
    ),
  slots(BUFFERS).map((slot) =>
    command(
      `b${slot}.reset()`,
      (model, real) => {
        real.buffers[slot].reset();
        const commit = model.buffers[slot].commit;
        if (commit !== undefined) model.regions[commit].state = "retired";
        model.buffers[slot].commit = undefined;
      },
      undefined,
      bufferUnchanged(slot),
    )
  ),
  slots(BUFFERS).map((slot) =>
    command(
      `b${slot}.dispose()`,
      (model, real) => {
        real.buffers[slot][Symbol.dispose]();
        releaseRegion(model, model.buffers[slot].commit);
        model.buffers[slot] = {
          capacity: 0,
          commit: undefined,
          converted: false,
        };
      },
      undefined,
      bufferUnchanged(slot),
    )
  ),
  fc.tuple(slots(BUFFERS), constants).map(([slot, value]) =>
    command(
      `b${slot}.patch(return ${value})`,
      (model, real) => {
        const commit = model.buffers[slot].commit;
        const bytes = returnConstant(value);
        expectOutcome(
          commit === undefined ? "NOT_EXECUTABLE" : undefined,
          () => real.buffers[slot].patch(0, bytes),
        );
        if (commit === undefined) return;
        model.regions[commit].bytes.set(bytes);
        // The first patch converts the memory; later ones go through the
        // writable view (see patchedLive()).
        const buffer = model.buffers[slot];
        if (buffer.converted) model.regions[commit].viewStale = true;
        buffer.converted = true;
      },
      undefined,
      (model, real) => {
        const region = model.regions[model.buffers[slot].commit!];
        const pointer = real.buffers[slot].getMemoryPointer()!;
        patchFailed(
          region,
          new Uint8Array(bytesAt(pointer, region.bytes.length)),
          0,
          returnConstant(value),
        );
        region.maybeWritable = true;
        region.viewStale = true;
      },
    )
  ),
  fc.tuple(slots(BUFFERS), callOptions).map(([slot, options]) =>
    command(
      `b${slot}.asFunction(${JSON.stringify(options)})`,
      (model, real) => {
        const commit = model.buffers[slot].commit;
        const fn = expectOutcome(
          commit === undefined ? "NOT_EXECUTABLE" : undefined,
          () =>
            real.buffers[slot].asFunction(DEFINITION, 0, options as undefined),
        );
        if (fn === undefined) return;
        model.functions.push({ region: commit!, offset: 0 });
        real.functions.push(fn);
        callFunction(model, real, model.functions.length - 1);
      },
      undefined,
      // Restoring the protection a failed patch left failed again.
      (model, real) => {
        const commit = model.buffers[slot].commit!;
        assert.equal(model.regions[commit].maybeWritable, true);
        assert.equal(real.buffers[slot].isCommitted(), true);
      },
    )
  ),
];

/** A buffer whose operation failed is as it was. */
function bufferUnchanged(slot: number): (model: Model, real: Real) => void {
  return (model, real) => {
    const buffer = model.buffers[slot];
    assert.equal(real.buffers[slot].isCommitted(), buffer.commit !== undefined);
    assert.equal(real.buffers[slot].capacity, buffer.capacity);
  };
}

const poolCommands = [
  fc.tuple(constants, fc.constantFrom<unknown>(undefined, 16, 64, 256))
    .map(([value, align]) =>
      command(
        `pool.add(return ${value}, align ${align})`,
        (model, real) => {
          const bytes = returnConstant(value);
          const span = real.pool.add(bytes, { align: align as number });
          if (align !== undefined) {
            assert.equal(
              Deno.UnsafePointer.value(span.pointer) % BigInt(align as number),
              0n,
            );
          }
          // qemu-user still holds translations of code that ran here.
          const viewStale = real.pool.strategy === "dual-map" &&
            overlapsExecuted(
              real,
              Deno.UnsafePointer.value(span.pointer),
              bytes.length,
            );
          model.spans.push(
            model.regions.push({
              state: "executable",
              bytes: bytes.slice(),
              viewStale,
            }) - 1,
          );
          real.spans.push(span);
        },
        undefined,
        () => {
          // Nothing was added: checkInvariants() compares stats() with the
          // live spans of the model, which did not change.
        },
      )
    ),
  fc.nat().map((pick) =>
    command(`span[${pick}].release()`, (model, real) => {
      const index = pick % model.spans.length;
      real.spans[index].release();
      releaseRegion(model, model.spans[index]);
    }, (model) =>
      model.spans.length > 0, (model, real) => {
      // Released anyway: only the trap fill or an unmap failed.
      const index = pick % model.spans.length;
      const id = model.spans[index];
      if (real.spans[index].released) {
        releaseRegion(model, id);
      } else assert.notEqual(model.regions[id].state, "released");
    })
  ),
  fc.tuple(fc.nat(), constants).map(([pick, value]) =>
    command(
      `span[${pick}].patch(return ${value})`,
      (model, real) => {
        const index = pick % model.spans.length;
        const region = model.regions[model.spans[index]];
        const patch = returnConstant(value);
        expectOutcome(
          region.state === "released" ? "NOT_ALLOCATED" : undefined,
          () => real.spans[index].patch(0, patch),
        );
        if (region.state === "released") return;
        region.bytes.set(patch);
        if (real.pool.strategy === "dual-map") region.viewStale = true;
      },
      (model) => model.spans.length > 0,
      (model, real) => {
        const index = pick % model.spans.length;
        const region = model.regions[model.spans[index]];
        const span = real.spans[index];
        patchFailed(
          region,
          new Uint8Array(bytesAt(span.pointer, span.size)),
          0,
          returnConstant(value),
        );
        region.viewStale = true;
        // With "mprotect", a failed switch back leaves pages writable.
        for (const id of model.spans) model.regions[id].maybeWritable = true;
      },
    )
  ),
  fc.tuple(fc.nat(), callOptions).map(([pick, options]) =>
    command(
      `span[${pick}].asFunction(${JSON.stringify(options)})`,
      (model, real) => {
        const index = pick % model.spans.length;
        const id = model.spans[index];
        const fn = expectOutcome(
          model.regions[id].state === "released" ? "NOT_ALLOCATED" : undefined,
          () => real.spans[index].asFunction(DEFINITION, options as undefined),
        );
        if (fn === undefined) return;
        model.functions.push({ region: id, offset: 0 });
        real.functions.push(fn);
        callFunction(model, real, model.functions.length - 1);
      },
      (model) => model.spans.length > 0,
    )
  ),
  fc.constant(
    command(
      "pool.dispose()",
      (model, real) => {
        real.pool[Symbol.dispose]();
        for (const id of model.spans) releaseRegion(model, id);
        // Unmapped: qemu-user drops its translations there.
        real.executed = [];
      },
      undefined,
      (model, real) => {
        // Every span is released; a block left mapped is unmapped later.
        for (const [index, id] of model.spans.entries()) {
          assert.equal(real.spans[index].released, true);
          releaseRegion(model, id);
        }
      },
    ),
  ),
  fc.constantFrom<unknown>(new Uint8Array(0), "code", [300], null).map((code) =>
    command(`pool.add(${text(code)})`, (_model, real) => {
      expectOutcome(
        code instanceof Uint8Array ? "INVALID_SIZE" : "INVALID_ARGUMENT",
        () => real.pool.add(code as Uint8Array),
      );
    })
  ),
];

/** Calls a function and checks what its region's state says must happen. */
function callFunction(model: Model, real: Real, index: number): void {
  const { region: id, offset } = model.functions[index];
  const region = model.regions[id];
  const code: JITErrorCode | undefined = region.state === "released"
    ? "NOT_ALLOCATED"
    : region.state === "executable"
    ? undefined
    : "NOT_EXECUTABLE";
  const value = decodedConstant(region.bytes, offset);
  // Bytes that are not a whole function are never run.
  if (code === undefined && value === undefined) return;
  const fn = real.functions[index] as Call & { pointer: Deno.PointerObject };
  const length = returnConstant(0).length;
  if (code === undefined && VIEW_REWRITES_INVISIBLE && region.viewStale) {
    // qemu-user would run an old translation: the bytes must be right.
    assert.deepEqual(
      bytesAt(fn.pointer, length),
      [...region.bytes.subarray(offset, offset + length)],
    );
    return;
  }
  if (
    code === undefined && model.spans.includes(model.functions[index].region)
  ) {
    const start = Deno.UnsafePointer.value(fn.pointer);
    real.executed.push([start, start + BigInt(length)]);
  }
  if (code === undefined && region.maybeWritable) {
    // Left writable by a failed switch: it throws, or it is restored.
    try {
      assert.equal(real.functions[index](), value);
    } catch (error) {
      if (!(error instanceof JITMemoryManagerError)) throw error;
      assert.equal(error.code, "NOT_EXECUTABLE");
    }
    return;
  }
  const result = expectOutcome(code, () => real.functions[index]());
  if (code === undefined) assert.equal(result, value);
}

const callCommand = fc.nat().map((pick) =>
  command(`call fn[${pick}]`, (model, real) => {
    callFunction(model, real, pick % model.functions.length);
  }, (model) => model.functions.length > 0)
);

const allCommands = [
  ...managerCommands,
  ...bufferCommands,
  ...poolCommands,
  callCommand,
  callCommand,
];

// ---------------------------------------------------------------- runs

const emulated = Deno.env.get("JIT_MEMORY_EMULATOR") !== undefined;
// Under qemu-user a step costs far more, so that run takes fewer sequences
// (docs/reliability.md names it).
const runs = Number(Deno.env.get("FUZZ_RUNS") ?? (emulated ? 100 : 2000));
const seed = Number(Deno.env.get("FUZZ_SEED") ?? 20261122);
/** FUZZ_TRACE=1 prints each sequence before it runs (to find a crash). */
const TRACE = Deno.env.get("FUZZ_TRACE") !== undefined;

function newWorld(
  poolOptions: { strategy?: "mprotect" | "dual-map" } = {},
  failing?: FailingPlatform,
): { model: Model; real: Real } {
  return {
    model: {
      regions: [],
      managers: Array(MANAGERS).fill(undefined),
      buffers: Array.from({ length: BUFFERS }, () => ({
        capacity: 0,
        commit: undefined,
      })),
      spans: [],
      functions: [],
    },
    real: {
      managers: Array.from({ length: MANAGERS }, () => new JITMemoryManager()),
      buffers: Array.from({ length: BUFFERS }, () => new CodeBuffer()),
      pool: new CodePool({ blockSize: PAGE, ...poolOptions }),
      spans: [],
      functions: [],
      mapped: [],
      steps: 0,
      failing,
      injected: 0,
      executed: [],
    },
  };
}

function disposeWorld(real: Real): void {
  for (const manager of real.managers) manager.deallocate();
  for (const buffer of real.buffers) buffer[Symbol.dispose]();
  real.pool[Symbol.dispose]();
}

Deno.test("fuzz: random operation sequences match the model, never rwx, nothing left mapped", () => {
  let sequences = 0;
  let steps = 0;
  let stillMapped = 0;
  const started = performance.now();
  fc.assert(
    fc.property(
      fc.commands(allCommands, { maxCommands: 40, size: "max" }),
      (commands) => {
        const world = newWorld();
        try {
          fc.modelRun(() => world, commands);
        } finally {
          disposeWorld(world.real);
        }
        const mappings = mappingReader();
        stillMapped +=
          world.real.mapped.filter(({ start, size }) =>
            mappings.mappedExactly(start, size)
          ).length;
        sequences++;
        steps += world.real.steps;
      },
    ),
    { numRuns: runs, seed },
  );
  console.log(
    `fuzz: ${sequences} sequences, ${steps} checked steps, seed ${seed}, ` +
      `${stillMapped} regions left mapped, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(FUZZ_RUNS=${runs}${emulated ? ", emulated" : ""})`,
  );
  assert.equal(stillMapped, 0);
  assert.ok(sequences >= runs);
});

Deno.test("fuzz with injected failures: each failed native call leaves objects as documented, stats() equal to the live spans, and nothing mapped once failures stop", () => {
  const real = platform();
  let sequences = 0;
  let steps = 0;
  let injected = 0;
  let failedCommands = 0;
  const byOperation = new Map<string, number>();
  const started = performance.now();
  fc.assert(
    fc.property(
      fc.commands(allCommands, { maxCommands: 40, size: "max" }),
      fc.uniqueArray(fc.integer({ min: 1, max: 24 }), {
        minLength: 1,
        maxLength: 4,
      }),
      // "dual-map" needs memfds (Linux); elsewhere "mprotect" only.
      DUAL_MAPPING
        ? fc.constantFrom("dual-map" as const, "mprotect" as const)
        : fc.constant("mprotect" as const),
      (commands, failAt, strategy) => {
        if (TRACE) {
          console.error(`TRACE ${strategy} fail at ${failAt}:`);
        }
        const failing = new FailingPlatform(real);
        setPlatformForTesting(failing.platform);
        try {
          const world = newWorld({ strategy }, failing);
          failing.failAt(failAt);
          try {
            fc.modelRun(() => world, commands);
          } catch (error) {
            if (TRACE) console.error(`  FAILED: ${error}`);
            throw error;
          } finally {
            failing.stop();
            disposeWorld(world.real);
          }
          // Every mapping made was unmapped, failures or not.
          assert.deepEqual(
            [...failing.live.keys()].map((address) => address.toString(16)),
            [],
            "mappings left",
          );
          sequences++;
          steps += world.real.steps;
          injected += failing.failures;
          failedCommands += world.real.injected;
          for (const [operation, count] of failing.byOperation) {
            byOperation.set(
              operation,
              (byOperation.get(operation) ?? 0) + count,
            );
          }
        } finally {
          setPlatformForTesting(real);
        }
      },
    ),
    { numRuns: runs, seed },
  );
  console.log(
    `fuzz with failures: ${sequences} sequences, ${steps} checked steps, ` +
      `${injected} injected failures (${
        [...byOperation].map(([operation, count]) => `${operation} ${count}`)
          .join(", ")
      }), ${failedCommands} commands failed by them, seed ${seed}, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.ok(sequences >= runs);
  assert.ok(injected > runs / 4, `only ${injected} failures injected`);
});
