// The ELF writer and the trampoline library, checked with GNU binutils
// (readelf, objdump, aarch64-linux-gnu-objdump) for both CPUs, and loaded
// for real with Deno.dlopen on the host CPU.
import assert from "node:assert/strict";
import { elfHash } from "../platform/elf.ts";
import {
  buildTrampolineLibrary,
  type TrampolineLibraryImage,
} from "../platform/trampoline_library.ts";
import type { Architecture } from "../platform/types.ts";
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

/** Says in a test's name why it is skipped, if it is. */
async function needs(tool: string): Promise<{ note: string; ignore: boolean }> {
  const ignore = !await available(tool);
  return { note: ignore ? ` [skipped: no ${tool} here]` : "", ignore };
}

const OBJDUMP: Record<Architecture, string> = {
  x86_64: "objdump",
  aarch64: "aarch64-linux-gnu-objdump",
};

async function run(tool: string, args: string[]): Promise<string> {
  const output = await runCommand(tool, args);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, `${tool} ${args.join(" ")} failed: ${stderr}`);
  assert.equal(stderr, "", `${tool} warned: ${stderr}`);
  return new TextDecoder().decode(output.stdout);
}

async function withImage(
  library: TrampolineLibraryImage,
  action: (path: string) => void | Promise<void>,
): Promise<void> {
  const path = Deno.makeTempFileSync({ suffix: ".so" });
  try {
    Deno.writeFileSync(path, library.image);
    await action(path);
  } finally {
    Deno.removeSync(path);
  }
}

const COUNT = 5;

for (const arch of ["x86_64", "aarch64"] as const) {
  for (const pageSize of [4096, 65536]) {
    const library = buildTrampolineLibrary(arch, COUNT, pageSize);

    const readelf = await needs("readelf");
    const objdump = await needs(OBJDUMP[arch]);

    Deno.test({
      name:
        `readelf: a valid ET_DYN for ${arch} with ${pageSize}-byte pages${readelf.note}`,
      ignore: readelf.ignore,
      async fn(): Promise<void> {
        await withImage(library, async (path) => {
          const header = await run("readelf", ["-h", "-W", path]);
          assert.match(header, /Type:\s+DYN \(Shared object file\)/);
          assert.match(
            header,
            arch === "x86_64"
              ? /Machine:\s+Advanced Micro Devices X86-64/
              : /Machine:\s+AArch64/,
          );
          const segments = await run("readelf", ["-l", "-W", path]);
          const align = `0x${pageSize.toString(16)}`;
          const loads = [...segments.matchAll(/^\s+LOAD\s.*$/gm)].map((m) =>
            m[0]
          );
          assert.equal(loads.length, 3);
          assert.match(loads[0], new RegExp(`R E ${align}$`));
          assert.match(loads[1], new RegExp(`RW  ${align}$`));
          assert.match(loads[2], new RegExp(`R   ${align}$`));
          assert.match(segments, /^\s+DYNAMIC\s/m);
          assert.match(segments, /^\s+GNU_STACK\s.*RW\s+0x10$/m);
          const dynamic = await run("readelf", ["-d", "-W", path]);
          for (const tag of ["HASH", "STRTAB", "SYMTAB", "STRSZ", "SYMENT"]) {
            assert.match(dynamic, new RegExp(`\\(${tag}\\)`));
          }
          assert.match(
            dynamic,
            /Library soname: \[jit-memory-trampolines\.so\]/,
          );
        });
      },
    });

    Deno.test({
      name:
        `readelf: the expected dynamic symbols for ${arch} with ${pageSize}-byte pages${readelf.note}`,
      ignore: readelf.ignore,
      async fn(): Promise<void> {
        await withImage(library, async (path) => {
          const symbols = await run("readelf", ["--dyn-syms", "-W", path]);
          const names = [...symbols.matchAll(
            /^\s*\d+: ([0-9a-f]+)\s+(\d+) FUNC\s+GLOBAL DEFAULT\s+\d+ (\S+)$/gm,
          )].map((m) => m[3]);
          assert.deepEqual(names, [
            "jit_base",
            "jit_trap",
            ...library.names,
          ]);
          // The loader's view (from DT_HASH, not the section headers).
          const viaHash = await run("readelf", [
            "--dyn-syms",
            "-D",
            "-W",
            path,
          ]);
          for (const name of library.names) {
            assert.match(viaHash, new RegExp(` ${name}$`, "m"));
          }
        });
      },
    });

    Deno.test({
      name: `${
        OBJDUMP[arch]
      }: trampolines jump through their slots (${arch}, ${pageSize}-byte pages)${objdump.note}`,
      ignore: objdump.ignore,
      async fn(): Promise<void> {
        await withImage(library, async (path) => {
          const code = await run(OBJDUMP[arch], [
            "-d",
            "--no-show-raw-insn",
            ...(arch === "x86_64" ? ["-M", "intel"] : []),
            path,
          ]);
          const slotOf = (index: number): string =>
            (library.slotTableOffset + 8 * index).toString(16);
          for (let index = 0; index < COUNT; index++) {
            const body = code.split(`<t${index}>:`)[1].split("\n\n")[0];
            if (arch === "x86_64") {
              assert.match(
                body,
                new RegExp(
                  `jmp\\s+QWORD PTR \\[rip\\+0x[0-9a-f]+\\]\\s+# ${
                    slotOf(index)
                  } `,
                ),
              );
            } else {
              assert.match(body, new RegExp(`ldr\\s+x16, ${slotOf(index)} `));
              assert.match(body, /br\s+x16/);
            }
          }
          const base = code.split("<jit_base>:")[1].split("\n\n")[0];
          assert.match(
            base,
            arch === "x86_64"
              ? /lea\s+rax,\[rip\+0x[0-9a-f]+\]\s+# 0 </
              : /adr\s+x0, 0 /,
          );
          const trap = code.split("<jit_trap>:")[1].split("\n\n")[0];
          assert.match(trap, arch === "x86_64" ? /ud2/ : /brk\s+#0x0/);
        });
      },
    });
  }
}

Deno.test("elfHash() is the System V ABI hash", () => {
  // Reference values from an independent implementation of the ABI's
  // algorithm; "printf" is the example value quoted in ELF literature.
  assert.equal(elfHash(""), 0);
  assert.equal(elfHash("a"), 0x61);
  assert.equal(elfHash("ab"), 0x672);
  assert.equal(elfHash("printf"), 0x077905a6);
  assert.equal(elfHash("jit_base"), 0x00a58f85);
  assert.equal(elfHash("t63"), 0x7793);
  // Long enough for the high nibble to be folded back in.
  assert.equal(elfHash("abcdefghijklmnopqrstuvwxyz"), 0x08d1e00a);
});

Deno.test({
  name:
    "the dynamic loader finds all 200 symbols of a host library and its base" +
    (onWindows ? " [skipped: Windows loads PE, not ELF (pe_test.ts)]" : ""),
  ignore: onWindows,
}, async () => {
  const arch = Deno.build.arch as Architecture;
  const library = buildTrampolineLibrary(arch, 200, 65536);
  await withImage(library, (path) => {
    const symbols: Record<string, Deno.ForeignFunction> = {
      jit_base: { parameters: [], result: "pointer" },
    };
    for (const name of library.names) {
      symbols[name] = { parameters: [], result: "void" };
    }
    const loaded = Deno.dlopen(path, symbols);
    const base = (loaded.symbols.jit_base as () => Deno.PointerValue)();
    assert.notEqual(base, null);
    assert.equal(Deno.UnsafePointer.value(base) % 65536n, 0n);
    // Slots are zero until the binder fills them with the trap's address.
    const slots = new BigUint64Array(
      Deno.UnsafePointerView.getArrayBuffer(
        Deno.UnsafePointer.offset(base!, library.slotTableOffset)!,
        200 * 8,
      ),
    );
    assert.ok(slots.every((slot) => slot === 0n));
    loaded.close();
  });
});
