// The test helper that reads this process's memory map, on a region whose
// host mapping the kernel merges with a neighbour of other flags: natively
// two lines of /proc/self/maps; under qemu-user one host mapping, which
// qemu lists with its first page's flags (proc_maps.ts explains the case
// where it lists nothing, which the helper also covers).
import assert from "node:assert/strict";
import { EMULATED } from "./helpers/emulation.ts";
import { mappingReader, permissionsOf } from "./helpers/memory_map.ts";

const libcSymbols = {
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
  },
  mprotect: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

const PROT_READ = 1;
const PROT_WRITE = 2;
const PROT_EXEC = 4;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const SIZE = 65536;

Deno.test({
  name:
    "memory map helper: a code region followed by a read-only neighbour reads r-x, and nothing once unmapped",
  ignore: Deno.build.os !== "linux",
  fn(): void {
    const libc = Deno.dlopen("libc.so.6", libcSymbols);
    const { mmap, mprotect, munmap } = libc.symbols;
    try {
      check(mmap, mprotect, munmap);
    } finally {
      libc.close();
    }
  },
});

function check(
  mmap: Deno.DynamicLibrary<typeof libcSymbols>["symbols"]["mmap"],
  mprotect: Deno.DynamicLibrary<typeof libcSymbols>["symbols"]["mprotect"],
  munmap: Deno.DynamicLibrary<typeof libcSymbols>["symbols"]["munmap"],
): void {
  {
    // Reserve both halves at once so that they are neighbours.
    const both = mmap(
      null,
      BigInt(2 * SIZE),
      PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS,
      -1,
      0n,
    );
    assert.ok(both !== null);
    try {
      const code = both;
      const data = Deno.UnsafePointer.offset(both, SIZE)!;
      assert.equal(mprotect(code, BigInt(SIZE), PROT_READ | PROT_EXEC), 0);
      // A fresh read-only mapping right after it: read-only on the host
      // too, like the executable page qemu maps read-only there.
      assert.equal(
        Deno.UnsafePointer.value(
          mmap(
            data,
            BigInt(SIZE),
            PROT_READ,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
            -1,
            0n,
          ),
        ),
        Deno.UnsafePointer.value(data),
      );
      assert.deepEqual(permissionsOf(code, SIZE), ["r-xp"]);
      assert.deepEqual(
        mappingReader().permissionsOf(Deno.UnsafePointer.value(code), SIZE),
        ["r-xp"],
      );
      if (!EMULATED) {
        // Natively the kernel's own map is exact for the neighbour too.
        assert.deepEqual(permissionsOf(data, SIZE), ["r--p"]);
      }
    } finally {
      assert.equal(munmap(both, BigInt(2 * SIZE)), 0);
    }
    assert.deepEqual(permissionsOf(both, 2 * SIZE), []);
  }
}
