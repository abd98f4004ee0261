/**
 * Windows' side of memory_map.ts: the address space walked with
 * `VirtualQuery`, threads counted with a Toolhelp snapshot, handles with
 * `GetProcessHandleCount`. kernel32 is opened when the reader is made
 * (not at import, so importing this module on another OS costs nothing;
 * not at the first read, which would map call stubs where a test has just
 * unmapped memory).
 *
 * @module
 */

import type { Mapping, MemoryMapBackend } from "./memory_map.ts";

const kernel32Symbols = {
  VirtualQuery: {
    parameters: [
      "pointer", // LPCVOID lpAddress
      "buffer", // PMEMORY_BASIC_INFORMATION lpBuffer
      "usize", // SIZE_T dwLength
    ],
    result: "usize", // SIZE_T (bytes written; 0 past the address space)
  },
  GetCurrentProcess: { parameters: [], result: "pointer" }, // HANDLE
  GetCurrentProcessId: { parameters: [], result: "u32" }, // DWORD
  GetProcessHandleCount: {
    parameters: ["pointer", "buffer"], // HANDLE, PDWORD
    result: "i32", // BOOL
  },
  CreateToolhelp32Snapshot: {
    parameters: ["u32", "u32"], // DWORD dwFlags, DWORD th32ProcessID
    result: "pointer", // HANDLE (INVALID_HANDLE_VALUE on error)
  },
  Thread32First: {
    parameters: ["pointer", "buffer"], // HANDLE, LPTHREADENTRY32
    result: "i32", // BOOL
  },
  Thread32Next: {
    parameters: ["pointer", "buffer"], // HANDLE, LPTHREADENTRY32
    result: "i32", // BOOL
  },
  OpenProcess: {
    parameters: ["u32", "i32", "u32"], // DWORD access, BOOL inherit, DWORD pid
    result: "pointer", // HANDLE (NULL on error)
  },
  GetProcessTimes: {
    // HANDLE, then four LPFILETIME: creation, exit, kernel, user
    parameters: ["pointer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32", // BOOL
  },
  GetExitCodeProcess: {
    parameters: ["pointer", "buffer"], // HANDLE, LPDWORD
    result: "i32", // BOOL
  },
  CloseHandle: { parameters: ["pointer"], result: "i32" }, // HANDLE -> BOOL
} as const satisfies Deno.ForeignLibraryInterface;

let opened: Deno.DynamicLibrary<typeof kernel32Symbols> | undefined;
function kernel32(): Deno.DynamicLibrary<typeof kernel32Symbols>["symbols"] {
  opened ??= Deno.dlopen("kernel32.dll", kernel32Symbols);
  return opened.symbols;
}

/** `MEMORY_BASIC_INFORMATION` on 64-bit Windows: 48 bytes. */
const MBI_SIZE = 48;
const MBI_BASE = 0;
const MBI_REGION_SIZE = 24;
const MBI_STATE = 32;
const MBI_PROTECT = 36;
const MBI_TYPE = 40;
const MEM_COMMIT = 0x1000;
const MEM_FREE = 0x10000;
const MEM_MAPPED = 0x40000;
const TH32CS_SNAPTHREAD = 0x4;
/** `THREADENTRY32`: dwSize, cntUsage, th32ThreadID, th32OwnerProcessID, ... */
const THREADENTRY32_SIZE = 28;
const THREADENTRY32_OWNER = 12;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
const STILL_ACTIVE = 259;

/** `PAGE_*` protections (modifier bits masked off) as Linux spells them. */
const PERMISSIONS: Record<number, string> = {
  0x01: "---", // PAGE_NOACCESS
  0x02: "r--", // PAGE_READONLY
  0x04: "rw-", // PAGE_READWRITE
  0x08: "rw-", // PAGE_WRITECOPY
  0x10: "--x", // PAGE_EXECUTE
  0x20: "r-x", // PAGE_EXECUTE_READ
  0x40: "rwx", // PAGE_EXECUTE_READWRITE
  0x80: "rwx", // PAGE_EXECUTE_WRITECOPY
};

const info = new Uint8Array(MBI_SIZE);
const view = new DataView(info.buffer);

/**
 * The region `VirtualQuery` reports at `address`, as a mapping, with where
 * the next region starts; `undefined` past the user address space.
 */
function queryAt(
  address: bigint,
): { mapping?: Mapping; next: bigint } | undefined {
  const written = kernel32().VirtualQuery(
    Deno.UnsafePointer.create(address),
    info,
    BigInt(MBI_SIZE),
  );
  if (written === 0n) return undefined;
  const start = view.getBigUint64(MBI_BASE, true);
  const end = start + view.getBigUint64(MBI_REGION_SIZE, true);
  const state = view.getUint32(MBI_STATE, true);
  if (state === MEM_FREE) return { next: end };
  const protect = view.getUint32(MBI_PROTECT, true) & 0xff;
  const rwx = state === MEM_COMMIT ? PERMISSIONS[protect] ?? "---" : "---";
  const shared = view.getUint32(MBI_TYPE, true) === MEM_MAPPED ? "s" : "p";
  return {
    mapping: {
      start,
      end,
      permissions: rwx + shared,
      inode: "0",
      path: "",
    },
    next: end,
  };
}

function walk(from: bigint, to: bigint): Mapping[] {
  const mappings: Mapping[] = [];
  for (let address = from; address < to;) {
    const region = queryAt(address);
    if (region === undefined) break;
    if (region.mapping !== undefined) mappings.push(region.mapping);
    if (region.next <= address) break;
    address = region.next;
  }
  return mappings;
}

function fileTime(buffer: Uint8Array): number {
  return Number(new DataView(buffer.buffer).getBigUint64(0, true));
}

/**
 * The Windows reader for memory_map.ts.
 *
 * @returns It.
 */
export function windowsMemoryMap(): MemoryMapBackend {
  kernel32();
  return {
    readMappings: () => walk(0n, 1n << 48n),
    // A VirtualQuery of each range asked about: walking the whole address
    // space, thousands of regions once V8 has run a while, would cost far
    // more than the ranges themselves.
    rangeMap: () => ({
      overlapping: (start: bigint, size: number) =>
        walk(start, start + BigInt(Math.max(size, 1))),
    }),
    threadCount(): number {
      const k = kernel32();
      const snapshot = k.CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
      if (Deno.UnsafePointer.value(snapshot) === 0xffff_ffff_ffff_ffffn) {
        throw new Error("CreateToolhelp32Snapshot failed");
      }
      const self = k.GetCurrentProcessId();
      const entry = new Uint8Array(THREADENTRY32_SIZE);
      const entryView = new DataView(entry.buffer);
      let count = 0;
      try {
        entryView.setUint32(0, THREADENTRY32_SIZE, true);
        for (
          let more = k.Thread32First(snapshot, entry);
          more !== 0;
          more = k.Thread32Next(snapshot, entry)
        ) {
          if (entryView.getUint32(THREADENTRY32_OWNER, true) === self) count++;
        }
      } finally {
        k.CloseHandle(snapshot);
      }
      return count;
    },
    openDescriptorCount(): number {
      const count = new Uint32Array(1);
      const k = kernel32();
      if (k.GetProcessHandleCount(k.GetCurrentProcess(), count) === 0) {
        throw new Error("GetProcessHandleCount failed");
      }
      return count[0];
    },
    cpuTime(pid: number): number | undefined {
      const k = kernel32();
      const process = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
      if (process === null) return undefined;
      try {
        const exit = new Uint32Array(1);
        if (
          k.GetExitCodeProcess(process, exit) === 0 || exit[0] !== STILL_ACTIVE
        ) {
          return undefined;
        }
        const [creation, exited, kernel, user] = Array.from(
          { length: 4 },
          () => new Uint8Array(8),
        );
        if (k.GetProcessTimes(process, creation, exited, kernel, user) === 0) {
          return undefined;
        }
        return fileTime(kernel) + fileTime(user);
      } finally {
        k.CloseHandle(process);
      }
    },
  };
}
