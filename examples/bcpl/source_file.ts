/**
 * Reads a BCPL source file. The compiler runs with `--allow-ffi` alone,
 * and FFI can do anything a C program can, so without `--allow-read` the
 * file is read through the C library's POSIX `open`/`read`/`close`.
 *
 * @module
 */

const symbols = {
  open: { parameters: ["buffer", "i32"], result: "i32" }, // (const char *path, int flags)
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" }, // (int fd, void *buf, size_t count)
  close: { parameters: ["i32"], result: "i32" }, // (int fd)
} as const satisfies Deno.ForeignLibraryInterface;

/** The C library's name, tried in order: glibc, then Apple's libSystem. */
const C_LIBRARIES = ["libc.so.6", "libSystem.B.dylib"];

const O_RDONLY = 0;

/**
 * Reads a file as UTF-8 text.
 *
 * @param path The file.
 * @returns Its text.
 * @throws {Error} When it cannot be read; the message names the file.
 */
export function readSource(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) {
      throw new Error(`cannot read ${path}: ${(error as Error).message}`);
    }
  }
  return new TextDecoder().decode(readThroughC(path));
}

function readThroughC(path: string): Uint8Array {
  const libc = openC();
  try {
    const fd = libc.symbols.open(
      new TextEncoder().encode(`${path}\0`),
      O_RDONLY,
    );
    if (fd < 0) throw new Error(`cannot read ${path}: open() failed`);
    try {
      const chunks: Uint8Array[] = [];
      for (;;) {
        const chunk = new Uint8Array(65536);
        const count = Number(
          libc.symbols.read(fd, chunk, BigInt(chunk.length)),
        );
        if (count < 0) throw new Error(`cannot read ${path}: read() failed`);
        if (count === 0) break;
        chunks.push(chunk.subarray(0, count));
      }
      const text = new Uint8Array(
        chunks.reduce((total, c) => total + c.length, 0),
      );
      let offset = 0;
      for (const chunk of chunks) {
        text.set(chunk, offset);
        offset += chunk.length;
      }
      return text;
    } finally {
      libc.symbols.close(fd);
    }
  } finally {
    libc.close();
  }
}

function openC(): Deno.DynamicLibrary<typeof symbols> {
  for (const name of C_LIBRARIES) {
    try {
      return Deno.dlopen(name, symbols);
    } catch {
      // Not this system's C library: try the next.
    }
  }
  throw new Error("reading the source needs --allow-read on this system");
}
