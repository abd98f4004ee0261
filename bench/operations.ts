/**
 * The benchmarked operations, defined once for `deno bench` and for the
 * side-by-side comparison with C (bench/compare.ts). Each mirrors the
 * function of the same name in bench/baseline.c.
 *
 * @module
 */

import { CodeBuffer, CodePool, JITMemoryManager } from "../mod.ts";

/** One operation: what `deno bench` and the comparison time. */
export interface Operation {
  /** The key shared with bench/baseline.c. */
  name: string;
  /** What is measured, for people. */
  label: string;
  /** Iterations per timed trial in the comparison. */
  iterations: number;
  /**
   * How many operations one `run()` performs (default 1). Calls are timed
   * 100 to a `run()`, so that the harness's own dispatch (a few
   * nanoseconds) does not blur a call that costs a few nanoseconds.
   */
  batch?: number;
  /** Performs the operation `batch` times. */
  run(): void;
  /** `false` for operations bench/baseline.c has no counterpart of. */
  c?: false;
}

const CALLS_PER_RUN = 100;

const MiB = 1024 * 1024;

/** A function returning 42 in the host CPU's machine code. */
export const answerCode: Uint8Array = Deno.build.arch === "x86_64"
  ? new Uint8Array([0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]) // mov eax, 42; ret
  : new Uint8Array(new Uint32Array([0x52800540, 0xd65f03c0]).buffer); // movz w0, #42; ret

const answerDefinition = { parameters: [], result: "i32" } as const;

const libc = Deno.dlopen("libc.so.6", {
  abs: { parameters: ["i32"], result: "i32" },
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
  },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
});

const PROT_NONE = 0;
const MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;

function mapGuard(at: Deno.PointerValue, flags: number): Deno.PointerValue {
  return libc.symbols.mmap(at, BigInt(pageSize()), PROT_NONE, flags, -1, 0n);
}

function pageSize(): number {
  return JITMemoryManager.getPageSize();
}

/**
 * A manager whose region lies between two PROT_NONE guard pages, so that
 * switching its protection never splits or merges it with a neighbouring
 * mapping (which costs the kernel 2-3 µs more per switch). The upper guard
 * is mapped first (mmap places the next mapping directly beneath it), then
 * the region, then the lower guard; baseline.c does the same.
 *
 * @param size Bytes to allocate.
 * @returns The isolated manager.
 */
function isolatedManager(size: number): JITMemoryManager {
  for (let attempt = 0; attempt < 64; attempt++) {
    const above = mapGuard(null, MAP_PRIVATE_ANONYMOUS);
    const memory = new JITMemoryManager(size);
    const start = memory.getMemoryPointer()!;
    const end = Deno.UnsafePointer.offset(start, memory.getSize());
    if (Deno.UnsafePointer.equals(end, above)) {
      const at = Deno.UnsafePointer.offset(start, -pageSize());
      const below = mapGuard(at, MAP_PRIVATE_ANONYMOUS | MAP_FIXED_NOREPLACE);
      if (Deno.UnsafePointer.equals(below, at)) return memory;
    }
  }
  throw new Error("cannot isolate a region between guard pages");
}

/**
 * Builds the operations, with the regions some of them reuse. The regions
 * live until the process exits.
 *
 * @returns Every operation, in the order of the comparison table.
 */
export function createOperations(): Operation[] {
  const toggled = isolatedManager(4096);

  const buffer = new CodeBuffer({ capacity: MiB });
  const megabyte = new Uint8Array(MiB);

  const committed = new JITMemoryManager(4096);
  committed.write(answerCode);
  committed.makeExecutable();
  const portable = committed.asFunction(answerDefinition, 0, { fast: false });
  const fast = committed.asFunction(answerDefinition, 0, { fast: true });
  const auto = committed.asFunction(answerDefinition);
  for (let call = 0; call < 1000; call++) auto(); // "auto" binds on the way

  // A 64-byte function: the answer code, padded with trap instructions.
  const function64 = new Uint8Array(64).fill(
    Deno.build.arch === "x86_64" ? 0xcc : 0,
  );
  if (Deno.build.arch !== "x86_64") {
    new Uint32Array(function64.buffer).fill(0xd4200000); // brk #0
  }
  function64.set(answerCode);
  const pools = {
    "dual-map": new CodePool({ strategy: "dual-map" }),
    mprotect: new CodePool({ strategy: "mprotect" }),
  };
  // One live span keeps each pool's block mapped between iterations.
  for (const pool of Object.values(pools)) pool.add(function64);

  // A 64 KiB region whose pages all hold code, as a pool block's do.
  const populated = new JITMemoryManager(64 * 1024);
  populated.write(
    new Uint8Array(64 * 1024).fill(function64[function64.length - 1]),
  );
  populated.makeExecutable();
  const eightBytes = function64.subarray(0, 8);
  // One page of code, switched to read-write and back.
  const populatedPage = isolatedManager(4096);
  populatedPage.write(new Uint8Array(4096).fill(function64[63]));
  populatedPage.makeExecutable();

  // A 32 MiB function, added to and released from the default pool.
  const huge = new Uint8Array(32 * MiB).fill(
    Deno.build.arch === "x86_64" ? 0x90 : 0, // nop (x86-64)
  );
  if (Deno.build.arch !== "x86_64") {
    new Uint32Array(huge.buffer).fill(0xd503201f); // nop
  }
  huge.set(answerCode, huge.length - answerCode.length);

  let sink = 0;
  const poolOperations = (["dual-map", "mprotect"] as const).flatMap((
    strategy,
  ): Operation[] => [
    {
      name: `pool_add_release_${strategy}`,
      label: `CodePool (${strategy}): add + release a 64-byte function`,
      iterations: 20_000,
      c: false,
      run(): void {
        pools[strategy].add(function64).release();
      },
    },
    {
      name: `pool_add_call_release_${strategy}`,
      label: `CodePool (${strategy}): add + call once + release`,
      iterations: 10_000,
      c: false,
      run(): void {
        const span = pools[strategy].add(function64);
        sink += span.asFunction(answerDefinition)();
        span.release();
      },
    },
  ]);
  poolOperations.push(
    {
      name: "switch_populated_page",
      label: "makeWritable + makeExecutable of a page holding code",
      iterations: 20_000,
      c: false,
      run(): void {
        populatedPage.makeWritable();
        populatedPage.makeExecutable();
      },
    },
    {
      name: "patch_live",
      label: "patch 8 bytes of live code (through the writable view)",
      iterations: 20_000,
      c: false,
      run(): void {
        populated.patch(32 * 1024, eightBytes);
      },
    },
    ...(["fill", "no fill"] as const).map((fill): Operation => ({
      name: `pool_add_release_32_mib_${fill.replace(" ", "_")}`,
      label: `new CodePool, add + release a 32 MiB function, dispose (${fill})`,
      iterations: 20,
      c: false,
      run(): void {
        using pool = new CodePool({ fill: fill === "fill" });
        pool.add(huge).release();
      },
    })),
  );
  return [
    {
      name: "allocate_deallocate",
      label: "allocate + deallocate 4 KiB",
      iterations: 20_000,
      run(): void {
        new JITMemoryManager(4096).deallocate();
      },
    },
    {
      name: "toggle",
      label: "makeExecutable + makeWritable (4 KiB)",
      iterations: 20_000,
      run(): void {
        toggled.makeExecutable();
        toggled.makeWritable();
      },
    },
    {
      name: "full_cycle",
      label: "full cycle: allocate, write code, execute, call once, free",
      iterations: 10_000,
      run(): void {
        const memory = new JITMemoryManager(4096);
        memory.write(answerCode);
        memory.makeExecutable();
        sink += memory.asFunction(answerDefinition)();
        memory.deallocate();
      },
    },
    ...poolOperations,
    {
      name: "cycle_100_mib",
      label: "allocate 100 MiB + makeExecutable + deallocate",
      iterations: 2_000,
      run(): void {
        const memory = new JITMemoryManager(100 * MiB);
        memory.makeExecutable();
        memory.deallocate();
      },
    },
    {
      name: "commit_1_mib",
      label: "CodeBuffer commit 1 MiB + reset (C: memcpy + 2 mprotect)",
      iterations: 500,
      run(): void {
        buffer.commit(megabyte);
        buffer.reset();
      },
    },
    {
      name: "call",
      label: "one call via Deno.UnsafeFnPointer (asFunction, fast: false)",
      iterations: 2_000,
      batch: CALLS_PER_RUN,
      run(): void {
        for (let call = 0; call < CALLS_PER_RUN; call++) sink += portable();
      },
    },
    {
      name: "call_fast",
      label: "one call via a trampoline (asFunction, fast: true)",
      iterations: 20_000,
      batch: CALLS_PER_RUN,
      run(): void {
        for (let call = 0; call < CALLS_PER_RUN; call++) sink += fast();
      },
    },
    {
      name: "call_auto",
      label: 'one call via a trampoline (asFunction, "auto" after binding)',
      iterations: 20_000,
      batch: CALLS_PER_RUN,
      run(): void {
        for (let call = 0; call < CALLS_PER_RUN; call++) sink += auto();
      },
    },
    {
      name: "call_abs",
      label: "one call of libc abs() through Deno.dlopen (reference)",
      iterations: 20_000,
      batch: CALLS_PER_RUN,
      run(): void {
        for (let call = 0; call < CALLS_PER_RUN; call++) {
          sink += libc.symbols.abs(-42);
        }
      },
    },
  ];
}
