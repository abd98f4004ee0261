/**
 * Reads this process's memory map, `/proc/self/maps`, through libc: Deno
 * reserves that file for `--allow-all`, and under qemu-user only the
 * guest's own `open()` sees the guest's mappings.
 *
 * @module
 */

const libc = Deno.dlopen("libc.so.6", {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
});

/** One line of the map. */
export interface Mapping {
  start: bigint;
  end: bigint;
  /** Like `"r-xp"`. */
  permissions: string;
  /** The mapped file, like `"/memfd:name (deleted)"`; empty if anonymous. */
  path: string;
}

/**
 * Reads and parses `/proc/self/maps`.
 *
 * @returns Every mapping of this process.
 */
export function readMappings(): Mapping[] {
  const path = new TextEncoder().encode("/proc/self/maps\0");
  const fd = libc.symbols.open(path, 0);
  if (fd < 0) throw new Error("cannot open /proc/self/maps");
  const chunks: Uint8Array[] = [];
  try {
    while (true) {
      const chunk = new Uint8Array(65536);
      const count = Number(libc.symbols.read(fd, chunk, BigInt(chunk.length)));
      if (count < 0) throw new Error("cannot read /proc/self/maps");
      if (count === 0) break;
      chunks.push(chunk.subarray(0, count));
    }
  } finally {
    libc.symbols.close(fd);
  }
  const text = new TextDecoder().decode(concat(chunks));
  return text.split("\n").filter((line) => line.length > 0).map((line) => {
    const [range, permissions, , , , ...rest] = line.split(/ +/);
    const [start, end] = range.split("-").map((hex) => BigInt(`0x${hex}`));
    return { start, end, permissions, path: rest.join(" ") };
  });
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
  const end = start + BigInt(size);
  return readMappings()
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

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Runs `action` and reports whether the process has the same number of
 * mappings afterwards. The runtime maps memory of its own now and then (V8
 * heap pages, Deno's FFI trampolines compiled on first use), so `action`
 * runs once to warm up, and a count that differs is measured again up to
 * `attempts` times; a real leak grows on every attempt.
 *
 * @param action What must not leak mappings.
 * @param attempts How many measured runs may be tried.
 * @returns The mapping counts of the last measured run.
 */
export function mappingsAround(
  action: () => void,
  attempts = 3,
): { before: number; after: number } {
  action();
  let counts = { before: 0, after: -1 };
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = mappingCount();
    action();
    counts = { before, after: mappingCount() };
    if (counts.before === counts.after) break;
  }
  return counts;
}
