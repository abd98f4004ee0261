/**
 * Linux's side of memory_map.ts: `/proc/self/maps`, `/proc/self/status`
 * and descriptors, read through libc: Deno reserves `/proc/self` for
 * `--allow-all`, and under qemu-user only the guest's own `open()` sees
 * the guest's mappings. libc is opened on first use, so importing this
 * module on another OS costs nothing.
 *
 * @module
 */

import type { Mapping, MemoryMapBackend, RangeMap } from "./memory_map.ts";

const libcSymbols = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  // int fcntl(int fd, int cmd, ...)
  fcntl: { parameters: ["i32", "i32"], result: "i32" },
  gettid: { parameters: [], result: "i32" },
  // int mincore(void *addr, size_t length, unsigned char *vec)
  mincore: { parameters: ["pointer", "usize", "buffer"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

let opened: Deno.DynamicLibrary<typeof libcSymbols> | undefined;
function libc(): Deno.DynamicLibrary<typeof libcSymbols>["symbols"] {
  opened ??= Deno.dlopen("libc.so.6", libcSymbols);
  return opened.symbols;
}

const F_GETFD = 1;

/**
 * Whether this process runs under qemu-user (emulation.ts's test, read
 * here without throwing: child processes of the tests import this module
 * without `--allow-env`, and read the map as qemu writes it).
 */
function emulated(): boolean {
  try {
    return Deno.env.get("JIT_MEMORY_EMULATOR") !== undefined;
  } catch {
    return false;
  }
}
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Reused between reads: the map is read after every step of the fuzz test.
let buffer = new Uint8Array(65536);

/**
 * Reads a file of /proc whole, through libc (see the module's note).
 *
 * @param path Like `"/proc/self/maps"` or `"/proc/123/stat"`.
 * @returns Its text.
 * @throws {Error} When it cannot be opened or read.
 */
export function readProcFile(path: string): string {
  return decoder.decode(readProcBytes(path));
}

/**
 * Reads a file of /proc whole as bytes (`/proc/self/auxv`), through libc.
 *
 * @param path The file.
 * @returns A view of its bytes, valid until the next read.
 * @throws {Error} When it cannot be opened or read.
 */
export function readProcBytes(path: string): Uint8Array {
  const fd = libc().open(encoder.encode(`${path}\0`), 0);
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
      const count = Number(libc().read(fd, free, BigInt(free.length)));
      if (count < 0) throw new Error(`cannot read ${path}`);
      if (count === 0) break;
      length += count;
    }
  } finally {
    libc().close(fd);
  }
  return buffer.subarray(0, length);
}

function parseMappings(text: string): Mapping[] {
  return text.split("\n").filter((line) => line.length > 0).map((line) => {
    const [range, permissions, , , inode, ...rest] = line.split(/ +/);
    const [start, end] = range.split("-").map((hex) => BigInt(`0x${hex}`));
    return { start, end, permissions, inode, path: rest.join(" ") };
  });
}

/**
 * The host mappings qemu-user leaves out of the guest's `/proc/self/maps`.
 *
 * qemu-user writes that file itself: one line per host mapping, with the
 * guest flags of the mapping's first page, and no line at all for a host
 * mapping whose pages are not all valid guest pages with at least those
 * flags (`page_check_range` in its `open_self_maps`). The host kernel
 * merges neighbouring anonymous mappings of equal host protection, guest
 * or not, so a region placed next to one of qemu's own mappings can vanish
 * from the guest's map while it is mapped: in long emulated runs a fresh
 * read-write region sometimes did. The host's own map
 * (`/proc/self/task/<tid>/maps`, which qemu passes through; guest and host
 * addresses are equal here) still shows it. qemu maps guest-executable
 * pages read-only on the host, so read-only pages found there are given
 * back their guest `x`: jit-memory maps code read-execute and never leaves
 * one of its regions read-only.
 *
 * @param listed The guest's map, as qemu-user wrote it.
 * @returns The host mappings that overlap nothing listed.
 */
function hiddenByEmulator(listed: Mapping[]): Mapping[] {
  const tid = libc().gettid();
  const host = parseMappings(readProcFile(`/proc/self/task/${tid}/maps`));
  return host.filter((mapping) =>
    !listed.some((seen) => seen.start < mapping.end && seen.end > mapping.start)
  ).map((mapping) => ({
    ...mapping,
    permissions: mapping.permissions.startsWith("r--")
      ? `r-x${mapping.permissions.slice(3)}`
      : mapping.permissions,
  }));
}

/**
 * Reads and parses `/proc/self/maps`; under qemu-user, with the shared
 * memory (memfd) mappings qemu left out of it (see
 * {@linkcode hiddenByEmulator}), which tests find by their names.
 *
 * @returns Every mapping of this process.
 */
function readMappings(): Mapping[] {
  const listed = parseMappings(readProcFile("/proc/self/maps"));
  if (!emulated()) return listed;
  const hidden = hiddenByEmulator(listed).filter((mapping) =>
    mapping.path.startsWith("/memfd:")
  );
  return [...listed, ...hidden].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0
  );
}

/**
 * Whether the emulated process may read `[start, start + size)`: qemu-user
 * checks a `mincore()` range against its own record of the guest's pages
 * (the kernel, natively, against the mappings), so this tells a hidden
 * guest mapping from a host mapping of qemu's own at a freed address.
 */
function guestReadable(start: bigint, size: number): boolean {
  const page = 4096n;
  const first = start & ~(page - 1n);
  const pages = Number((start + BigInt(size) - first + page - 1n) / page);
  const pointer = Deno.UnsafePointer.create(first);
  return libc().mincore(
    pointer,
    BigInt(pages) * page,
    new Uint8Array(pages),
  ) ===
    0;
}

/**
 * The map for questions about particular address ranges, read once: under
 * qemu-user, a range it lists nothing for but that the guest can read is
 * answered from the host mappings it left out (see
 * {@linkcode hiddenByEmulator}).
 *
 * @returns The reader.
 */
function rangeMap(): RangeMap {
  const listed = parseMappings(readProcFile("/proc/self/maps"));
  let hidden: Mapping[] | undefined;
  return {
    overlapping(start: bigint, size: number): Mapping[] {
      const end = start + BigInt(size);
      const overlaps = (mapping: Mapping) =>
        mapping.start < end && mapping.end > start;
      const found = listed.filter(overlaps);
      if (found.length > 0 || !emulated() || !guestReadable(start, size)) {
        return found;
      }
      hidden ??= hiddenByEmulator(listed);
      return hidden.filter(overlaps);
    },
  };
}

/**
 * The Linux reader for memory_map.ts.
 *
 * @returns It.
 */
export function linuxMemoryMap(): MemoryMapBackend {
  libc();
  return {
    readMappings,
    rangeMap,
    threadCount(): number {
      const status = readProcFile("/proc/self/status");
      return Number(status.match(/^Threads:\s+(\d+)$/m)?.[1] ?? NaN);
    },
    // Probes each number with fcntl(F_GETFD): Deno reserves /proc/self/fd
    // for --allow-all.
    openDescriptorCount(limit = 4096): number {
      let open = 0;
      for (let fd = 0; fd < limit; fd++) {
        if (libc().fcntl(fd, F_GETFD) !== -1) open++;
      }
      return open;
    },
    cpuTime(pid: number): number | undefined {
      let text: string;
      try {
        text = readProcFile(`/proc/${pid}/stat`);
      } catch {
        return undefined; // already gone
      }
      // Fields after the command name, which is in parentheses and may
      // hold spaces: state is field 3, utime 14 and stime 15.
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      return Number(fields[11]) + Number(fields[12]);
    },
  };
}
