// The PE writer and the Windows trampoline DLL, checked with GNU objdump
// (binutils reads pei-x86-64) on the host, loaded for real by Windows
// (Wine) under test:windows; and the content-addressed files they are
// loaded from.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  createDllFileLoader,
  DEFAULT_CAPACITY,
  DLL_FILE_PREFIX,
  dllFileName,
} from "../platform/dll_file_loader.ts";
import type { LibraryOpener } from "../platform/memfd_library.ts";
import { writeDll } from "../platform/pe.ts";
import { sha256 } from "../platform/sha256.ts";
import {
  buildTrampolineLibrary,
  type TrampolineLibraryImage,
} from "../platform/trampoline_library.ts";
import { errorCodeOf } from "./helpers/error_code.ts";
import { runCommand } from "./helpers/spawn.ts";

const onWindows = Deno.build.os === "windows";

async function available(tool: string): Promise<boolean> {
  if (onWindows) return false; // the host's binutils are not reachable from Wine
  try {
    return (await runCommand(tool, ["--version"])).success;
  } catch {
    return false;
  }
}

const hasObjdump = await available("objdump");
/** Says in the objdump tests' names why they are skipped, if they are. */
const objdumpNote = hasObjdump ? "" : " [skipped: no objdump here]";

async function objdump(args: string[], path: string): Promise<string> {
  // In UTC, so that a time stamp of 0 reads as the epoch.
  const output = await runCommand("objdump", [...args, path], {
    env: { TZ: "UTC" },
  });
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, `objdump ${args.join(" ")} failed: ${stderr}`);
  assert.equal(stderr, "", `objdump warned: ${stderr}`);
  return new TextDecoder().decode(output.stdout);
}

async function withFile<T>(
  image: Uint8Array,
  action: (path: string) => T | Promise<T>,
): Promise<T> {
  const path = Deno.makeTempFileSync({ suffix: ".dll" });
  try {
    Deno.writeFileSync(path, image);
    return await action(path);
  } finally {
    Deno.removeSync(path);
  }
}

/** A `Key  value` line of `objdump -p`. */
function field(text: string, key: string): string {
  const match = text.match(new RegExp(`^${key}\\s+(\\S+)`, "m"));
  assert.ok(match, `objdump -p shows no ${key}`);
  return match[1];
}

/** The indented flag lines under a `Key` line of `objdump -p`. */
function flagsUnder(text: string, key: string): string[] {
  const match = text.match(
    new RegExp(`^${key}[^\\n]*\\n((?:\\t[^\\n]*\\n)*)`, "m"),
  );
  assert.ok(match, `objdump -p shows no ${key}`);
  return match[1].split("\n").map((line) => line.trim()).filter((line) =>
    line !== ""
  );
}

interface SectionInfo {
  name: string;
  size: bigint;
  vma: bigint;
  flags: string[];
}

/** The sections of `objdump -h`. */
function sectionsOf(text: string): SectionInfo[] {
  return [...text.matchAll(
    /^\s+\d+ (\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+\S+\n\s+([^\n]*)$/gm,
  )].map((m) => ({
    name: m[1],
    size: BigInt(`0x${m[2]}`),
    vma: BigInt(`0x${m[3]}`),
    flags: m[4].split(",").map((flag) => flag.trim()),
  }));
}

/** Export names with their addresses (RVAs), from `objdump -p`. */
function exportsOf(
  text: string,
): { names: string[]; rva: Map<string, bigint> } {
  const addressTable = text.split("Export Address Table -- Ordinal Base")[1]
    .split("\n\n")[0];
  const rvaByIndex = new Map<number, bigint>();
  for (
    const m of addressTable.matchAll(
      /\[\s*(\d+)\] \+base\[\s*\d+\] ([0-9a-f]+) Export RVA/g,
    )
  ) {
    rvaByIndex.set(Number(m[1]), BigInt(`0x${m[2]}`));
  }
  const nameTable = text.split("[Ordinal/Name Pointer] Table")[1]
    .split("\n\n")[0];
  const names: string[] = [];
  const rva = new Map<string, bigint>();
  for (const m of nameTable.matchAll(/\[\s*(\d+)\] (\S+)/g)) {
    names.push(m[2]);
    rva.set(m[2], rvaByIndex.get(Number(m[1]))!);
  }
  return { names, rva };
}

/** Orders strings by their bytes, as the Windows loader's binary search. */
function byBytes(a: string, b: string): number {
  const [x, y] = [new TextEncoder().encode(a), new TextEncoder().encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

for (const count of [1, 12, 64]) {
  for (const alignment of [4096, 65536]) {
    const library = buildTrampolineLibrary("x86_64", count, alignment, "pe");
    const label = `${count} trampolines, ${alignment}-byte sections`;

    Deno.test({
      name:
        `objdump -p: a PE32+ AMD64 DLL that may load at any base (${label})${objdumpNote}`,
      ignore: !hasObjdump,
      async fn(): Promise<void> {
        const headers = await withFile(
          library.image,
          (path) => objdump(["-p"], path),
        );
        assert.match(headers, /file format pei-x86-64/);
        const characteristics = flagsUnder(headers, "Characteristics");
        assert.ok(characteristics.includes("DLL"), characteristics.join());
        assert.ok(characteristics.includes("executable"));
        assert.ok(characteristics.includes("large address aware"));
        assert.ok(
          !characteristics.includes("relocations stripped"),
          "a stripped image can only load at its preferred base",
        );
        assert.equal(field(headers, "Magic"), "020b");
        assert.equal(BigInt(`0x${field(headers, "ImageBase")}`) % 0x10000n, 0n);
        assert.equal(
          Number(`0x${field(headers, "SectionAlignment")}`),
          alignment,
        );
        assert.equal(Number(`0x${field(headers, "FileAlignment")}`), 512);
        assert.equal(Number(`0x${field(headers, "AddressOfEntryPoint")}`), 0);
        assert.equal(
          Number(`0x${field(headers, "SizeOfImage")}`) % alignment,
          0,
        );
        assert.match(headers, /^Time\/Date\s+Thu Jan {2}1 00:00:00 1970$/m);
        const dll = flagsUnder(headers, "DllCharacteristics");
        for (const flag of ["DYNAMIC_BASE", "NX_COMPAT", "HIGH_ENTROPY_VA"]) {
          assert.ok(dll.includes(flag), `${flag} in ${dll.join()}`);
        }
        const entry = (name: string): [bigint, bigint] => {
          const m = headers.match(
            new RegExp(`^Entry [0-9a-f] ([0-9a-f]+) ([0-9a-f]+) ${name}`, "m"),
          );
          assert.ok(m, `no ${name} entry`);
          return [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)];
        };
        assert.notEqual(entry("Export Directory")[1], 0n);
        assert.deepEqual(entry("Import Directory"), [0n, 0n], "no imports");
        assert.notEqual(entry("Base Relocation Directory")[1], 0n);
        // The relocation directory relocates nothing: padding entries only.
        const relocations = [...headers.matchAll(/^\treloc\s+\d+ .* (\S+)$/gm)];
        assert.ok(relocations.length > 0);
        assert.ok(relocations.every((m) => m[1] === "ABSOLUTE"));
      },
    });

    Deno.test({
      name:
        `objdump -h: code read-execute, slots read-only, nothing writable and executable (${label})${objdumpNote}`,
      ignore: !hasObjdump,
      async fn(): Promise<void> {
        const sections = sectionsOf(
          await withFile(library.image, (path) => objdump(["-h"], path)),
        );
        const byName = new Map(sections.map((s) => [s.name, s]));
        assert.deepEqual(
          [...byName.keys()].sort(),
          [".data", ".rdata", ".reloc", ".slots", ".text"],
        );
        const text = byName.get(".text")!;
        assert.ok(
          text.flags.includes("CODE") && text.flags.includes("READONLY"),
        );
        const slots = byName.get(".slots")!;
        assert.ok(slots.flags.includes("READONLY"), slots.flags.join());
        assert.ok(!slots.flags.includes("CODE"));
        assert.equal(slots.size, BigInt(8 * count));
        const data = byName.get(".data")!;
        assert.ok(
          !data.flags.includes("READONLY") && !data.flags.includes("CODE"),
        );
        for (const section of sections) {
          assert.equal(section.vma % BigInt(alignment), 0n, section.name);
          if (section.flags.includes("CODE")) {
            assert.ok(section.flags.includes("READONLY"), section.name);
          }
        }
        // The slot table's page holds nothing else: it alone is switched
        // to read-write while a slot is written.
        for (const other of sections) {
          if (other === slots) continue;
          assert.ok(
            other.vma + other.size <= slots.vma ||
              other.vma >= slots.vma + BigInt(alignment),
            `${other.name} shares the slot table's page`,
          );
        }
      },
    });

    Deno.test({
      name:
        `objdump -p: exports named in ASCII order, every function once (${label})${objdumpNote}`,
      ignore: !hasObjdump,
      async fn(): Promise<void> {
        const { names } = exportsOf(
          await withFile(library.image, (path) => objdump(["-p"], path)),
        );
        const expected = [
          "jit_base",
          "jit_trap",
          "jit_claim",
          ...Array.from({ length: count }, (_, i) => `t${i}`),
        ];
        assert.deepEqual([...names].sort(byBytes), names, "sorted by bytes");
        assert.deepEqual([...names].sort(), [...expected].sort());
        if (count === 12) {
          // Worked out by hand: "jit_b" < "jit_c" < "jit_t" < "t…", and
          // a prefix sorts first, so "t1" < "t10" < "t11" < "t2".
          assert.deepEqual(names, [
            "jit_base",
            "jit_claim",
            "jit_trap",
            "t0",
            "t1",
            "t10",
            "t11",
            "t2",
            "t3",
            "t4",
            "t5",
            "t6",
            "t7",
            "t8",
            "t9",
          ]);
        }
      },
    });

    Deno.test({
      name:
        `objdump -d: each tN is jmp *disp(%rip) to slot N; jit_base, jit_trap and jit_claim (${label})${objdumpNote}`,
      ignore: !hasObjdump,
      async fn(): Promise<void> {
        await withFile(library.image, async (path) => {
          const headers = await objdump(["-p"], path);
          const sections = sectionsOf(await objdump(["-h"], path));
          const code = await objdump(["-d"], path);
          const imageBase = BigInt(`0x${field(headers, "ImageBase")}`);
          const slots = sections.find((s) => s.name === ".slots")!.vma;
          const data = sections.find((s) => s.name === ".data")!.vma;
          const { rva } = exportsOf(headers);
          /** The disassembly lines from an export's address on. */
          const at = (name: string, lines: number): string[] => {
            const address = (imageBase + rva.get(name)!).toString(16);
            const start = code.indexOf(`\n   ${address}:`);
            assert.ok(start >= 0, `no code at ${name} (${address})`);
            return code.slice(start + 1).split("\n").slice(0, lines);
          };
          const hex = (value: bigint): string => `0x${value.toString(16)}`;
          for (let index = 0; index < count; index++) {
            const [jump] = at(`t${index}`, 1);
            assert.match(
              jump,
              new RegExp(
                `\\sjmp\\s+\\*0x[0-9a-f]+\\(%rip\\)\\s+# ${
                  hex(slots + BigInt(8 * index))
                }$`,
              ),
              `t${index}`,
            );
          }
          const [lea, ret] = at("jit_base", 2);
          assert.match(
            lea,
            new RegExp(
              `lea\\s+-0x[0-9a-f]+\\(%rip\\),%rax\\s+# ${hex(imageBase)}$`,
            ),
          );
          assert.match(ret, /\sret\s*$/);
          assert.match(at("jit_trap", 1)[0], /\sud2\s*$/);
          const claim = at("jit_claim", 5).join("\n");
          assert.match(claim, /mov\s+\$0x1,%ecx/);
          assert.match(claim, /xor\s+%eax,%eax/);
          assert.match(
            claim,
            new RegExp(
              `lock cmpxchg %ecx,0x[0-9a-f]+\\(%rip\\)\\s+# ${hex(data)}`,
            ),
          );
          assert.match(claim, /\sret\s*$/m);
        });
      },
    });
  }
}

Deno.test("writeDll(): refuses what it cannot write", () => {
  const spec = {
    arch: "x86_64" as const,
    sectionAlignment: 4096,
    name: "x.dll",
    textSize: 1,
    dataSize: 8,
    writableSize: 8,
    exports: [{ name: "f", offset: 0 }],
    emitText: () => new Uint8Array([0xc3]),
  };
  assert.equal(writeDll(spec).image[0], 0x4d); // "MZ"
  assert.throws(() => writeDll({ ...spec, sectionAlignment: 512 }), RangeError);
  assert.throws(
    () => writeDll({ ...spec, sectionAlignment: 12288 }),
    RangeError,
  );
  assert.throws(
    () => writeDll({ ...spec, arch: "aarch64" as unknown as "x86_64" }),
    RangeError,
  );
  assert.throws(
    () =>
      writeDll({
        ...spec,
        exports: [{ name: "f", offset: 0 }, { name: "f", offset: 0 }],
      }),
    RangeError,
  );
  assert.throws(
    () => writeDll({ ...spec, exports: [{ name: "ü", offset: 0 }] }),
    RangeError,
  );
  assert.throws(
    () => writeDll({ ...spec, emitText: () => new Uint8Array(2) }),
    RangeError,
  );
});

Deno.test("the same library is the same bytes every time (no time stamp)", () => {
  const a = buildTrampolineLibrary("x86_64", 8, 4096, "pe").image;
  const b = buildTrampolineLibrary("x86_64", 8, 4096, "pe").image;
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    a,
    buildTrampolineLibrary("x86_64", 16, 4096, "pe").image,
  );
});

Deno.test("sha256() matches node:crypto (the DLL files' content address)", () => {
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000]) {
    const data = new Uint8Array(length).map((_, i) => (i * 131 + length) & 255);
    assert.equal(
      hex(sha256(data)),
      createHash("sha256").update(data).digest("hex"),
      `${length} bytes`,
    );
  }
  assert.equal(
    hex(sha256(new TextEncoder().encode("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("dllFileName(): the prefix, 16 hex digits of the SHA-256, and the copy number", () => {
  const image = buildTrampolineLibrary("x86_64", 2, 4096, "pe").image;
  const digest = createHash("sha256").update(image).digest("hex").slice(0, 16);
  assert.equal(dllFileName(image), `${DLL_FILE_PREFIX}-${digest}.dll`);
  assert.equal(dllFileName(image, 3), `${DLL_FILE_PREFIX}-${digest}-3.dll`);
});

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** One `Deno.dlopen` of the fake: the path and the symbols asked for. */
interface Open {
  path: string;
  names: string[];
}

const FAKE_BASE = 0x7000_0000n;

/**
 * A stand-in for `Deno.dlopen` over one simulated process: each path is
 * one module, loaded at {@linkcode FAKE_BASE}, claimed by the first
 * `jit_claim()` call.
 */
function fakeProcess(): { open: LibraryOpener; opens: Open[]; closed: number } {
  const claimed = new Set<string>();
  const state = { opens: [] as Open[], closed: 0 };
  const open = ((path: string, symbols: Record<string, unknown>) => {
    state.opens.push({ path, names: Object.keys(symbols) });
    const fns: Record<string, () => unknown> = {};
    for (const name of Object.keys(symbols)) fns[name] = () => name;
    fns.jit_claim = (): number => {
      if (claimed.has(path)) return 1;
      claimed.add(path);
      return 0;
    };
    fns.jit_base = () => Deno.UnsafePointer.create(FAKE_BASE);
    return {
      symbols: fns,
      close(): void {
        state.closed++;
      },
    };
  }) as unknown as LibraryOpener;
  return {
    open,
    get opens() {
      return state.opens;
    },
    get closed() {
      return state.closed;
    },
  };
}

function listDir(dir: string): Map<string, { size: number; mtime: number }> {
  const files = new Map<string, { size: number; mtime: number }>();
  for (const entry of Deno.readDirSync(dir)) {
    const info = Deno.statSync(`${dir}/${entry.name}`);
    files.set(entry.name, { size: info.size, mtime: info.mtime!.getTime() });
  }
  return files;
}

const separator = onWindows ? "\\" : "/";
const signature = { parameters: ["i32"], result: "i32" } as const;
const peBuild = (count: number): TrampolineLibraryImage =>
  buildTrampolineLibrary("x86_64", count, 4096, "pe");

function withDir(action: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync();
  try {
    action(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("the DLL file loader writes a content-addressed file once and reuses it across processes", () => {
  withDir((dir) => {
    const image = peBuild(DEFAULT_CAPACITY).image;
    const first = fakeProcess();
    const loader = createDllFileLoader({
      open: first.open,
      directory: () => dir,
      separator,
    });
    assert.equal(loader.available(), true);
    const run = loader.load(2, signature, peBuild);
    const name = dllFileName(image);
    const files = listDir(dir);
    assert.deepEqual([...files.keys()], [name], "one file, no temporary left");
    assert.deepEqual(Deno.readFileSync(`${dir}/${name}`), image);
    const path = `${dir}${separator}${name}`;
    assert.deepEqual(first.opens, [
      { path, names: ["jit_claim"] },
      { path, names: ["jit_base", "t0", "t1"] },
    ]);
    assert.deepEqual(run.functions.map((f) => f()), ["t0", "t1"]);

    // Another process: the same file, neither rewritten nor copied.
    const second = fakeProcess();
    createDllFileLoader({ open: second.open, directory: () => dir, separator })
      .load(1, signature, peBuild);
    assert.deepEqual(listDir(dir), files);
    assert.equal(second.opens[1].path, path);
  });
});

Deno.test("the DLL file loader hands out consecutive runs of a copy, then claims the next copy", () => {
  withDir((dir) => {
    const capacity = 8;
    const image = peBuild(capacity);
    const process = fakeProcess();
    const loader = createDllFileLoader({
      open: process.open,
      directory: () => dir,
      separator,
      capacity,
    });
    const runs = [1, 2, 4, 2].map((count) =>
      loader.load(count, signature, peBuild)
    );
    const slot = (index: number): bigint =>
      FAKE_BASE + BigInt(image.slotTableOffset + 8 * index);
    assert.deepEqual(
      runs.map((run) => Deno.UnsafePointer.value(run.slotTable)),
      [slot(0), slot(1), slot(3), slot(0)],
    );
    assert.deepEqual(runs[2].functions.map((f) => f()), [
      "t3",
      "t4",
      "t5",
      "t6",
    ]);
    for (const run of runs) {
      assert.equal(run.trap, FAKE_BASE + BigInt(image.trapOffset));
    }
    // 1 + 2 + 4 = 7 of 8 used: the next 2 come from a second copy.
    const copies = [dllFileName(image.image), dllFileName(image.image, 1)];
    assert.deepEqual([...listDir(dir).keys()].sort(), [...copies].sort());
    assert.deepEqual(
      process.opens.map((open) => open.path.slice(dir.length + 1)),
      [copies[0], copies[0], copies[0], copies[0], copies[1], copies[1]],
    );
    assert.equal(process.closed, 0, "claims stay open");
  });
});

Deno.test("the DLL file loader: a copy another loader of the process holds is closed again, and the next one claimed", () => {
  withDir((dir) => {
    const process = fakeProcess();
    const options = {
      open: process.open,
      directory: () => dir,
      separator,
      capacity: 4,
    };
    createDllFileLoader(options).load(1, signature, peBuild);
    createDllFileLoader(options).load(1, signature, peBuild); // another worker
    const image = peBuild(4).image;
    assert.deepEqual(
      [...listDir(dir).keys()].sort(),
      [dllFileName(image), dllFileName(image, 1)].sort(),
    );
    // The second: copy 0 claimed already (closed), then copy 1.
    assert.deepEqual(
      process.opens.map((open) => open.names[0]),
      ["jit_claim", "jit_base", "jit_claim", "jit_claim", "jit_base"],
    );
    assert.equal(process.closed, 1);
  });
});

Deno.test("the DLL file loader replaces a file of its name holding other bytes", () => {
  withDir((dir) => {
    const image = peBuild(16).image;
    const path = `${dir}/${dllFileName(image)}`;
    Deno.writeFileSync(path, image.subarray(0, 100)); // e.g. a truncated file
    createDllFileLoader({
      open: fakeProcess().open,
      directory: () => dir,
      separator,
      capacity: 16,
    }).load(1, signature, peBuild);
    assert.deepEqual(Deno.readFileSync(path), image);
    assert.equal(listDir(dir).size, 1);
  });
});

Deno.test("the DLL file loader: no directory, not available; a directory that cannot be written, SYSTEM; too many trampolines, UNSUPPORTED", () => {
  const none = createDllFileLoader({
    open: fakeProcess().open,
    directory: () => undefined,
  });
  assert.equal(none.available(), false);
  assert.equal(
    errorCodeOf(() => none.load(1, signature, peBuild)),
    "UNSUPPORTED",
  );
  withDir((dir) => {
    const missing = createDllFileLoader({
      open: fakeProcess().open,
      directory: () => `${dir}${separator}does-not-exist`,
      separator,
      capacity: 4,
    });
    assert.equal(
      errorCodeOf(() => missing.load(1, signature, peBuild)),
      "SYSTEM",
    );
    assert.equal(listDir(dir).size, 0);
    const small = createDllFileLoader({
      open: fakeProcess().open,
      directory: () => dir,
      separator,
      capacity: 4,
    });
    assert.equal(
      errorCodeOf(() => small.load(5, signature, peBuild)),
      "UNSUPPORTED",
    );
  });
});

/** The `ImageBase` field, read from the headers. */
function preferredBase(image: Uint8Array): bigint {
  const view = new DataView(image.buffer, image.byteOffset);
  const pe = view.getUint32(0x3c, true);
  return view.getBigUint64(pe + 4 + 20 + 24, true);
}

Deno.test({
  name:
    "Windows: the DLL loads at a base other than its preferred one, and its code runs there",
  ignore: !onWindows,
  fn(): void {
    const library: TrampolineLibraryImage = buildTrampolineLibrary(
      "x86_64",
      3,
      4096,
      "pe",
    );
    const symbols = {
      jit_base: { parameters: [], result: "pointer" },
      jit_claim: { parameters: [], result: "i32" },
    } as const;
    const dir = Deno.makeTempDirSync();
    const opened: Deno.DynamicLibrary<typeof symbols>[] = [];
    try {
      // Two files with the same preferred base: at most one gets it.
      for (const name of ["a.dll", "b.dll"]) {
        Deno.writeFileSync(`${dir}\\${name}`, library.image);
        opened.push(Deno.dlopen(`${dir}\\${name}`, symbols));
      }
      const bases = opened.map((l) =>
        Deno.UnsafePointer.value(l.symbols.jit_base())
      );
      assert.notEqual(bases[0], bases[1]);
      assert.ok(bases.some((base) => base !== preferredBase(library.image)));
      for (const base of bases) assert.equal(base % 0x10000n, 0n);
      // jit_claim addresses its word RIP-relatively: right wherever the
      // image is, and a word per copy.
      for (const l of opened) {
        assert.equal(l.symbols.jit_claim(), 0);
        assert.equal(l.symbols.jit_claim(), 1);
      }
      // The same path again is the same module: why loads claim a copy.
      const again = Deno.dlopen(`${dir}\\a.dll`, symbols);
      opened.push(again);
      assert.equal(
        Deno.UnsafePointer.value(again.symbols.jit_base()),
        bases[0],
      );
      assert.equal(again.symbols.jit_claim(), 1);
    } finally {
      for (const l of opened) l.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
