/**
 * The perf map file of this process (`/tmp/perf-<pid>.map`, Linux only):
 * the file `perf report` reads to name samples in code no ELF file
 * describes, one `START SIZE name` line (hex, no `0x`) per function.
 *
 * V8 writes the same file when Deno runs with
 * `--v8-flags=--perf-basic-prof`, through its own stream, at its own file
 * offset: a line appended through another open file would be overwritten
 * by V8's next one. So where V8 has the file open, lines are written
 * through a duplicate of V8's descriptor (one offset for both, and V8
 * flushes whole lines); otherwise through a descriptor opened `O_APPEND`.
 * Every line is one `write()`, so writers never split each other's lines.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { openLibrary } from "./open_library.ts";

/** The libc functions the perf map needs. */
export const perfMapSymbols = {
  open: {
    parameters: [
      "buffer", // const char *pathname
      "i32", // int flags
      "u32", // mode_t mode
    ],
    result: "i32", // int
  },
  readlink: {
    parameters: [
      "buffer", // const char *pathname
      "buffer", // char *buf
      "usize", // size_t bufsiz
    ],
    result: "isize", // ssize_t
  },
  dup: { parameters: ["i32"], result: "i32" }, // int dup(int oldfd)
  write: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *buf
      "usize", // size_t count
    ],
    result: "isize", // ssize_t
  },
} as const satisfies Deno.ForeignLibraryInterface;

type PerfMapLibc = Deno.DynamicLibrary<typeof perfMapSymbols>["symbols"];

/** An open perf map. */
export interface PerfMapFile {
  /** Its path. */
  readonly path: string;
  /** Whether lines go through V8's own descriptor (`--perf-basic-prof`). */
  readonly sharedWithV8: boolean;
  /**
   * Writes one whole line.
   *
   * @param line The line, ending in a newline.
   */
  append(line: string): void;
}

const O_WRONLY = 0o1;
const O_CREAT = 0o100;
const O_APPEND = 0o2000;
const O_CLOEXEC = 0o2000000;
/** Descriptors looked at for V8's handle of the file. */
const DESCRIPTORS_SEARCHED = 1024;

const encoder = new TextEncoder();

function cString(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

/**
 * The descriptor this process already has open on `path` (V8's, under
 * `--perf-basic-prof`), or -1.
 */
function openDescriptorOf(libc: PerfMapLibc, path: string): number {
  const target = new Uint8Array(4096);
  const wanted = encoder.encode(path);
  for (let fd = 0; fd < DESCRIPTORS_SEARCHED; fd++) {
    const length = Number(
      libc.readlink(cString(`/proc/self/fd/${fd}`), target, 4096n),
    );
    if (length !== wanted.length) continue;
    if (target.subarray(0, length).every((byte, at) => byte === wanted[at])) {
      return fd;
    }
  }
  return -1;
}

/**
 * Opens this process's perf map for appending.
 *
 * @param load Loads libc (tests hand in a fake).
 * @returns The file.
 * @throws {JITMemoryManagerError} `UNSUPPORTED` off Linux,
 * `WRITE_PERMISSION` without `--allow-write` for the file,
 * `FFI_PERMISSION` without `--allow-ffi`, `SYSTEM` if it cannot be opened.
 */
export function openPerfMap(
  load: () => PerfMapLibc = () =>
    openLibrary("libc.so.6", perfMapSymbols).symbols,
): PerfMapFile {
  if (Deno.build.os !== "linux") {
    throw new JITMemoryManagerError(
      "UNSUPPORTED",
      `perf map files are read by Linux's perf only; this is ${Deno.build.os}`,
    );
  }
  const path = `/tmp/perf-${Deno.pid}.map`;
  const permission = Deno.permissions.querySync({ name: "write", path });
  if (permission.state !== "granted") {
    throw new JITMemoryManagerError(
      "WRITE_PERMISSION",
      `Writing the perf map needs --allow-write=${path} (or --allow-write)`,
    );
  }
  const libc = load();
  const v8 = openDescriptorOf(libc, path);
  const fd = v8 >= 0 ? libc.dup(v8) : libc.open(
    cString(path),
    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
    0o644,
  );
  if (fd < 0) {
    throw new JITMemoryManagerError(
      "SYSTEM",
      `Cannot open ${path} to append to it`,
    );
  }
  return {
    path,
    sharedWithV8: v8 >= 0,
    append(line: string): void {
      const bytes = encoder.encode(line);
      const written = Number(libc.write(fd, bytes, BigInt(bytes.length)));
      if (written !== bytes.length) {
        throw new JITMemoryManagerError(
          "SYSTEM",
          `Writing ${path} failed (${written} of ${bytes.length} bytes)`,
        );
      }
    },
  };
}
