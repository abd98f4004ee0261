/**
 * Reads a BCPL source file. The compiler runs with `--allow-ffi` alone,
 * and FFI can do anything a C program can, so without `--allow-read` the
 * file is read through the C library's `open`/`read`/`close` (POSIX's,
 * or `_wopen`/`_read`/`_close` of Windows's C runtime).
 *
 * @module
 */

const POSIX = {
  open: { parameters: ["buffer", "i32"], result: "i32" }, // (const char *path, int flags)
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" }, // (int fd, void *buf, size_t count)
  close: { parameters: ["i32"], result: "i32" }, // (int fd)
} as const satisfies Deno.ForeignLibraryInterface;

/** The same three in Microsoft's C runtime, which names them with `_`. */
const UCRT = {
  _wopen: { parameters: ["buffer", "i32"], result: "i32" }, // (const wchar_t *path, int flags)
  _read: { parameters: ["i32", "buffer", "u32"], result: "i32" }, // (int fd, void *buf, unsigned count)
  _close: { parameters: ["i32"], result: "i32" }, // (int fd)
} as const satisfies Deno.ForeignLibraryInterface;

/** `open`, `read` and `close` of whichever C library this system has. */
interface CFiles {
  open(path: string): number;
  read(fd: number, buffer: Uint8Array): number;
  close(fd: number): void;
  /** Closes the library. */
  release(): void;
}

const O_RDONLY = 0;
/** Microsoft's `_O_BINARY`: the bytes as they are, no CR LF translation. */
const O_BINARY = 0x8000;

/**
 * The C libraries, tried in order: glibc, Apple's libSystem, then the
 * Windows Universal C Runtime (whose `_wopen` takes a UTF-16 path).
 */
const C_LIBRARIES: (() => CFiles)[] = [
  () => posix("libc.so.6"),
  () => posix("libSystem.B.dylib"),
  () => {
    const library = Deno.dlopen("ucrtbase.dll", UCRT);
    const { _wopen, _read, _close } = library.symbols;
    return {
      open: (path) => {
        const wide = new Uint16Array(path.length + 1);
        for (let index = 0; index < path.length; index++) {
          wide[index] = path.charCodeAt(index);
        }
        return _wopen(wide, O_RDONLY | O_BINARY);
      },
      read: (fd, buffer) => _read(fd, buffer, buffer.length),
      close: (fd) => void _close(fd),
      release: () => library.close(),
    };
  },
];

function posix(name: string): CFiles {
  const library = Deno.dlopen(name, POSIX);
  const { open, read, close } = library.symbols;
  return {
    open: (path) => open(new TextEncoder().encode(`${path}\0`), O_RDONLY),
    read: (fd, buffer) => Number(read(fd, buffer, BigInt(buffer.length))),
    close: (fd) => void close(fd),
    release: () => library.close(),
  };
}

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
  const c = openC();
  try {
    const fd = c.open(path);
    if (fd < 0) throw new Error(`cannot read ${path}: open() failed`);
    try {
      const chunks: Uint8Array[] = [];
      for (;;) {
        const chunk = new Uint8Array(65536);
        const count = c.read(fd, chunk);
        if (count < 0) throw new Error(`cannot read ${path}: read() failed`);
        if (count === 0) break;
        chunks.push(chunk.subarray(0, count));
      }
      const text = new Uint8Array(
        chunks.reduce((total, chunk) => total + chunk.length, 0),
      );
      let offset = 0;
      for (const chunk of chunks) {
        text.set(chunk, offset);
        offset += chunk.length;
      }
      return text;
    } finally {
      c.close(fd);
    }
  } finally {
    c.release();
  }
}

function openC(): CFiles {
  for (const open of C_LIBRARIES) {
    try {
      return open();
    } catch {
      // Not this system's C library: try the next.
    }
  }
  throw new Error("reading the source needs --allow-read on this system");
}
