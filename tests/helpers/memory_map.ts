/**
 * Reads this process's memory map, `/proc/self/maps`, through libc: Deno
 * reserves that file for `--allow-all`, and under qemu-user only the
 * guest's own `open()` sees the guest's mappings.
 *
 * @module
 */

import assert from "node:assert/strict";

const libc = Deno.dlopen("libc.so.6", {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  // int fcntl(int fd, int cmd, ...)
  fcntl: { parameters: ["i32", "i32"], result: "i32" },
});

const F_GETFD = 1;

/**
 * Counts this process's open file descriptors, probing each number with
 * `fcntl(F_GETFD)`: Deno reserves `/proc/self/fd` for `--allow-all`.
 *
 * @param limit Numbers below this are probed.
 * @returns How many are open.
 */
export function openDescriptorCount(limit = 4096): number {
  let open = 0;
  for (let fd = 0; fd < limit; fd++) {
    if (libc.symbols.fcntl(fd, F_GETFD) !== -1) open++;
  }
  return open;
}

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

/**
 * Reads and parses `/proc/self/maps`.
 *
 * @returns Every mapping of this process.
 */
export function readMappings(): Mapping[] {
  const text = readProcFile("/proc/self/maps");
  return text.split("\n").filter((line) => line.length > 0).map((line) => {
    const [range, permissions, , , inode, ...rest] = line.split(/ +/);
    const [start, end] = range.split("-").map((hex) => BigInt(`0x${hex}`));
    return { start, end, permissions, inode, path: rest.join(" ") };
  });
}

/**
 * Reads a file of /proc whole, through libc (see the module's note).
 *
 * @param path Like `"/proc/self/maps"` or `"/proc/123/stat"`.
 * @returns Its text.
 * @throws {Error} When it cannot be opened or read.
 */
export function readProcFile(path: string): string {
  const fd = libc.symbols.open(encoder.encode(`${path}\0`), 0);
  if (fd < 0) throw new Error(`cannot open ${path}`);
  let length = 0;
  try {
    while (true) {
      if (length === buffer.length) {
        const larger = new Uint8Array(buffer.length * 2);
        larger.set(buffer);
        buffer = larger;
      }
      const free = buffer.subarray(length);
      const count = Number(libc.symbols.read(fd, free, BigInt(free.length)));
      if (count < 0) throw new Error(`cannot read ${path}`);
      if (count === 0) break;
      length += count;
    }
  } finally {
    libc.symbols.close(fd);
  }
  return decoder.decode(buffer.subarray(0, length));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Reused between reads: the map is read after every step of the fuzz test.
let buffer = new Uint8Array(65536);

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
  return permissionsIn(
    readMappings(),
    Deno.UnsafePointer.value(pointer),
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

/**
 * Which of `addresses` lie in a mapping now (one read of the map).
 *
 * @param addresses Addresses to look for.
 * @returns Those that are mapped.
 */
export function mappedAmong(addresses: Iterable<bigint>): bigint[] {
  const mappings = readMappings();
  return [...addresses].filter((address) =>
    mappings.some((mapping) =>
      mapping.start <= address && address < mapping.end
    )
  );
}

/**
 * How many mappings the process has now.
 *
 * @returns The number of lines in `/proc/self/maps`.
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
  return readMappings().filter((mapping) =>
    mapping.permissions.startsWith("rwx") &&
    among.some(({ pointer, size }) => {
      const start = Deno.UnsafePointer.value(pointer);
      return mapping.start < start + BigInt(size) && mapping.end > start;
    })
  );
}

/**
 * How many threads the process has now.
 *
 * @returns The `Threads:` line of `/proc/self/status`.
 */
export function threadCount(): number {
  const status = readProcFile("/proc/self/status");
  return Number(status.match(/^Threads:\s+(\d+)$/m)?.[1] ?? NaN);
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
 * test does (README names the tests that skip it there).
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
