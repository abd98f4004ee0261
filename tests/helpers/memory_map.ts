/**
 * This process's memory map, threads and open handles, read the OS's own
 * way: `/proc/self/maps` on Linux (proc_maps.ts), `VirtualQuery` on
 * Windows (virtual_query.ts). Mappings are described as on Linux: Windows
 * regions get permission strings like `"r-xp"` (`p` for private memory and
 * images, `s` for mapped sections; `---p` for reserved address space), so
 * tests compare one spelling on both.
 *
 * @module
 */

import assert from "node:assert/strict";
import { linuxMemoryMap } from "./proc_maps.ts";
import { windowsMemoryMap } from "./virtual_query.ts";

/** One line of the map. */
export interface Mapping {
  start: bigint;
  end: bigint;
  /** Like `"r-xp"`. */
  permissions: string;
  /** The mapped file's inode number; `"0"` if anonymous. */
  inode: string;
  /** The mapped file, like `"/memfd:name (deleted)"`; empty if anonymous. */
  path: string;
}

/** The mappings overlapping given ranges, as of one moment. */
export interface RangeMap {
  /**
   * The mappings overlapping a range.
   *
   * @param start The range's start.
   * @param size Its size.
   * @returns Them; empty if unmapped.
   */
  overlapping(start: bigint, size: number): Mapping[];
}

/** What each OS's reader provides; everything else here is shared. */
export interface MemoryMapBackend {
  /** Every mapping of this process. */
  readMappings(): Mapping[];
  /**
   * The map for questions about given ranges, as of now: on Linux under
   * qemu-user it also answers from the host mappings qemu leaves out of
   * its `/proc/self/maps` (proc_maps.ts explains when).
   */
  rangeMap(): RangeMap;
  /** How many threads the process has now. */
  threadCount(): number;
  /** How many descriptors (Linux) or handles (Windows) are open. */
  openDescriptorCount(): number;
  /** CPU time of process `pid` so far (any unit); `undefined` if gone. */
  cpuTime(pid: number): number | undefined;
}

const backend: MemoryMapBackend = Deno.build.os === "windows"
  ? windowsMemoryMap()
  : linuxMemoryMap();

/**
 * Every mapping of this process.
 *
 * @returns The map, in address order.
 */
export function readMappings(): Mapping[] {
  return backend.readMappings();
}

/**
 * Counts this process's open file descriptors (Linux) or handles
 * (Windows).
 *
 * @returns How many are open.
 */
export function openDescriptorCount(): number {
  return backend.openDescriptorCount();
}

/**
 * The CPU time a process has used so far, for noticing a stuck child.
 *
 * @param pid The process.
 * @returns Its CPU time in the OS's unit, or `undefined` once it is gone.
 */
export function processCpuTime(pid: number): number | undefined {
  return backend.cpuTime(pid);
}

/**
 * The permissions of every mapping that overlaps a region.
 *
 * @param pointer The region's start.
 * @param size The region's size.
 * @returns Their permission strings, e.g. `["rw-p"]`; empty if unmapped.
 */
export function permissionsOf(
  pointer: Deno.PointerValue,
  size: number,
): string[] {
  const start = Deno.UnsafePointer.value(pointer);
  return permissionsIn(
    backend.rangeMap().overlapping(start, size),
    start,
    size,
  );
}

/**
 * The permissions of the mappings among `mappings` that overlap a region,
 * for callers that check many regions against one read of the map.
 *
 * @param mappings A read of the map.
 * @param start The region's start.
 * @param size The region's size.
 * @returns Their permission strings; empty if unmapped.
 */
export function permissionsIn(
  mappings: Mapping[],
  start: bigint,
  size: number,
): string[] {
  const end = start + BigInt(size);
  return mappings
    .filter((mapping) => mapping.start < end && mapping.end > start)
    .map((mapping) => mapping.permissions);
}

/** Permissions of address ranges, as of one moment. */
export interface MappingReader {
  /**
   * The permissions of the mappings overlapping a range.
   *
   * @param start The range's start.
   * @param size Its size.
   * @returns Their permission strings; empty if unmapped.
   */
  permissionsOf(start: bigint, size: number): string[];
  /**
   * Whether one mapping covers exactly `[start, start + size)`.
   *
   * @param start The range's start.
   * @param size Its size.
   * @returns Whether such a mapping exists.
   */
  mappedExactly(start: bigint, size: number): boolean;
}

/**
 * A reader for checking many ranges at one moment: on Linux one read of
 * `/proc/self/maps`; on Windows a `VirtualQuery` of each range asked
 * about (walking the whole address space, thousands of regions once V8
 * has run a while, would cost far more than the ranges themselves).
 *
 * @returns The reader.
 */
export function mappingReader(): MappingReader {
  const map = backend.rangeMap();
  return {
    permissionsOf: (start, size) =>
      permissionsIn(map.overlapping(start, size), start, size),
    mappedExactly: (start, size) =>
      exactly(map.overlapping(start, size), start, size),
  };
}

function exactly(mappings: Mapping[], start: bigint, size: number): boolean {
  return mappings.some((mapping) =>
    mapping.start === start && mapping.end === start + BigInt(size)
  );
}

/**
 * Which of `addresses` lie in a mapping now (one read of the map).
 *
 * @param addresses Addresses to look for.
 * @returns Those that are mapped.
 */
export function mappedAmong(addresses: Iterable<bigint>): bigint[] {
  // One read of the map on Linux, however many addresses (thousands, in
  // some tests; a read costs milliseconds under qemu-user).
  const reader = mappingReader();
  return [...addresses].filter((address) =>
    reader.permissionsOf(address, 1).length > 0
  );
}

/**
 * How many mappings the process has now.
 *
 * @returns The number of lines in `/proc/self/maps`, or of regions
 *   `VirtualQuery` reports.
 */
export function mappingCount(): number {
  return readMappings().length;
}

/**
 * Whether any mapping of the process is writable and executable at once.
 *
 * @param among Only look at mappings overlapping these regions.
 * @returns The offending mappings.
 */
export function writableAndExecutable(
  among: { pointer: Deno.PointerValue; size: number }[],
): Mapping[] {
  return among.flatMap(({ pointer, size }) =>
    backend.rangeMap().overlapping(Deno.UnsafePointer.value(pointer), size)
  ).filter((mapping) => mapping.permissions.startsWith("rwx"));
}

/**
 * How many threads the process has now.
 *
 * @returns The count.
 */
export function threadCount(): number {
  return backend.threadCount();
}

/** Mapping and thread counts around a measured run. */
export interface MappingsAround {
  before: number;
  after: number;
  threadsBefore: number;
  threadsAfter: number;
}

/**
 * Runs `action` and reports whether the process has the same number of
 * mappings afterwards. The runtime maps memory of its own now and then (V8
 * heap pages, Deno's FFI trampolines compiled on first use), so `action`
 * runs once to warm up, and a count that differs is measured again up to
 * `attempts` times; a real leak grows on every attempt. The event loop
 * turns after every run, as in a real program: until the job that
 * created them ends, V8 keeps alive the objects a `WeakRef.deref()` has
 * returned (fast functions' wrappers among them), so one long synchronous
 * job only grows the heap.
 *
 * @param action What must not leak mappings.
 * @param attempts How many measured runs may be tried.
 * @returns The counts of the last measured run.
 */
export async function mappingsAround(
  action: () => void,
  attempts = 3,
): Promise<MappingsAround> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const endJob = async (): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc?.();
  };
  action();
  await endJob();
  let counts: MappingsAround = {
    before: 0,
    after: -1,
    threadsBefore: 0,
    threadsAfter: 0,
  };
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = mappingCount();
    const threadsBefore = threadCount();
    action();
    await endJob();
    counts = {
      before,
      after: mappingCount(),
      threadsBefore,
      threadsAfter: threadCount(),
    };
    if (counts.before === counts.after) break;
  }
  return counts;
}

/**
 * Asserts that a run left the process's mappings as they were. The
 * runtime's idle threads exit on their own time (Deno's blocking pool
 * after 10 s), taking their stacks' mappings along: with fewer threads the
 * count may drop, and it may never grow (the rule leak_test.ts states).
 * Only meaningful natively: under qemu-user V8 commits and releases heap
 * pages while a slow run goes on, either way, whatever the code under
 * test does (docs/development.md names the tests that skip it there).
 *
 * @param counts What {@linkcode mappingsAround} measured.
 */
export function assertMappingsKept(counts: MappingsAround): void {
  const { before, after, threadsBefore, threadsAfter } = counts;
  if (threadsAfter === threadsBefore) {
    assert.equal(after, before, "mappings");
    return;
  }
  assert.ok(
    threadsAfter < threadsBefore && after <= before,
    `mappings ${before} → ${after} while threads ${threadsBefore} → ` +
      `${threadsAfter}`,
  );
}
