/**
 * Linux's side of memory_map.ts: `/proc/self/maps`, `/proc/self/status`
 * and descriptors, read through libc: Deno reserves `/proc/self` for
 * `--allow-all`, and under qemu-user only the guest's own `open()` sees
 * the guest's mappings. libc is opened on first use, so importing this
 * module on another OS costs nothing.
 *
 * @module
 */

import type { Mapping, MemoryMapBackend } from "./memory_map.ts";

const libcSymbols = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  // int fcntl(int fd, int cmd, ...)
  fcntl: { parameters: ["i32", "i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

let opened: Deno.DynamicLibrary<typeof libcSymbols> | undefined;
function libc(): Deno.DynamicLibrary<typeof libcSymbols>["symbols"] {
  opened ??= Deno.dlopen("libc.so.6", libcSymbols);
  return opened.symbols;
}

const F_GETFD = 1;
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

/**
 * Reads and parses `/proc/self/maps`.
 *
 * @returns Every mapping of this process.
 */
function readMappings(): Mapping[] {
  const text = readProcFile("/proc/self/maps");
  return text.split("\n").filter((line) => line.length > 0).map((line) => {
    const [range, permissions, , , inode, ...rest] = line.split(/ +/);
    const [start, end] = range.split("-").map((hex) => BigInt(`0x${hex}`));
    return { start, end, permissions, inode, path: rest.join(" ") };
  });
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
    mappingsOverlapping(start: bigint, size: number): Mapping[] {
      const end = start + BigInt(size);
      return readMappings().filter((mapping) =>
        mapping.start < end && mapping.end > start
      );
    },
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
