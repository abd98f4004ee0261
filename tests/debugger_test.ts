// The GDB JIT interface: the descriptor's list as gdb reads it (in this
// process, on every Linux CPU), the in-memory objects checked with readelf,
// and gdb itself naming a JIT'd frame and forgetting released code.
import assert from "node:assert/strict";
import { enableDebuggerRegistration, JITMemoryManagerError } from "../mod.ts";
import { debugSymbolFile, openDebuggerInterface } from "../platform/gdb_jit.ts";
import { platform } from "../platform/mod.ts";
import { fixture } from "./helpers/deno_child.ts";
import { EMULATED } from "./helpers/emulation.ts";

const LINUX = Deno.build.os === "linux";

/** The descriptor's fields and the objects its list links, in order. */
function readDescriptor(descriptor: Deno.PointerObject): {
  version: number;
  action: number;
  objects: Uint8Array[];
} {
  const view = new Deno.UnsafePointerView(descriptor);
  const objects: Uint8Array[] = [];
  let entry = view.getBigUint64(16);
  let previous = 0n;
  while (entry !== 0n) {
    const fields = new Deno.UnsafePointerView(
      Deno.UnsafePointer.create(entry)!,
    );
    assert.equal(fields.getBigUint64(8), previous, "prev links back");
    const file = Deno.UnsafePointer.create(fields.getBigUint64(16))!;
    const size = Number(fields.getBigUint64(24));
    objects.push(
      new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(file, size)).slice(),
    );
    previous = entry;
    entry = fields.getBigUint64(0);
  }
  return { version: view.getUint32(0), action: view.getUint32(4), objects };
}

/** What readelf makes of an object: `.text`'s address and the symbols. */
async function readelf(object: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".o" });
  try {
    await Deno.writeFile(path, object);
    const output = await new Deno.Command("readelf", {
      args: ["-SsW", path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    return new TextDecoder().decode(output.stdout);
  } finally {
    await Deno.remove(path);
  }
}

/** `.text`'s address and the symbols, read from the object's headers. */
function parseObject(object: Uint8Array): {
  text: bigint;
  symbols: [string, bigint, bigint][];
} {
  const view = new DataView(object.buffer, object.byteOffset);
  const sections = Number(view.getBigUint64(40, true));
  const header = (index: number, field: number): bigint =>
    view.getBigUint64(sections + 64 * index + field, true);
  const symtab = Number(header(2, 24));
  const strtab = Number(header(3, 24));
  const symbols: [string, bigint, bigint][] = [];
  for (let at = symtab + 24; at < symtab + Number(header(2, 32)); at += 24) {
    const name = strtab + view.getUint32(at, true);
    const end = object.indexOf(0, name);
    symbols.push([
      new TextDecoder().decode(object.subarray(name, end)),
      view.getBigUint64(at + 8, true),
      view.getBigUint64(at + 16, true),
    ]);
  }
  return { text: header(1, 16), symbols };
}

Deno.test("debugger: each object is an ELF file readelf reads, .text at the code's address, the functions named at their offsets", async () => {
  const object = debugSymbolFile("x86_64", 0x7f0012345000n, [
    { name: "first", offset: 0, size: 16 },
    { name: "second", offset: 32, size: 8 },
  ]);
  assert.deepEqual(parseObject(object), {
    text: 0x7f0012345000n,
    symbols: [["first", 0n, 16n], ["second", 32n, 8n]],
  });
  // GNU binutils reads it too (where they run: not under Wine).
  if (Deno.build.os === "windows") return;
  const text = await readelf(object);
  assert.match(text, /\.text\s+NOBITS\s+00007f0012345000 \S+ 000028 00\s+AX/);
  assert.match(text, /0000000000000000\s+16 FUNC\s+GLOBAL DEFAULT\s+1 first/);
  assert.match(text, /0000000000000020\s+8 FUNC\s+GLOBAL DEFAULT\s+1 second/);
  const arm = await readelf(
    debugSymbolFile("aarch64", 0x1000n, [{ name: "f", offset: 4, size: 4 }]),
  );
  assert.match(arm, /0000000000000004\s+4 FUNC\s+GLOBAL DEFAULT\s+1 f/);
});

Deno.test("debugger: registration links entries into __jit_debug_descriptor's list (version 1), newest first; unregistration unlinks them", async () => {
  const open = platform().debuggerInterface;
  if (!LINUX) {
    assert.equal(open, undefined);
    assert.throws(
      () => enableDebuggerRegistration(),
      (error) =>
        error instanceof JITMemoryManagerError && error.code === "UNSUPPORTED",
    );
    return;
  }
  const registrar = open!();
  assert.match(registrar.path, new RegExp(`^/proc/${Deno.pid}/fd/\\d+$`));
  const empty = readDescriptor(registrar.descriptor);
  assert.deepEqual(empty, { version: 1, action: 0, objects: [] });
  const one = registrar.register(0x10000n, [{
    name: "one",
    offset: 0,
    size: 4,
  }]);
  const two = registrar.register(0x20000n, [{
    name: "two",
    offset: 0,
    size: 4,
  }]);
  const three = registrar.register(0x30000n, [
    { name: "three", offset: 0, size: 4 },
  ]);
  let state = readDescriptor(registrar.descriptor);
  assert.equal(state.action, 0, "the action is reset after the call");
  const names = async (objects: Uint8Array[]): Promise<string[]> =>
    await Promise.all(
      objects.map(async (object) =>
        (await readelf(object)).match(/GLOBAL DEFAULT\s+1 (\w+)/)![1]
      ),
    );
  assert.deepEqual(await names(state.objects), ["three", "two", "one"]);
  registrar.unregister(two); // from the middle
  state = readDescriptor(registrar.descriptor);
  assert.deepEqual(await names(state.objects), ["three", "one"]);
  registrar.unregister(three); // the head
  registrar.unregister(three); // twice: nothing more
  state = readDescriptor(registrar.descriptor);
  assert.deepEqual(await names(state.objects), ["one"]);
  registrar.unregister(one);
  assert.deepEqual(readDescriptor(registrar.descriptor).objects, []);
});

Deno.test("debugger: a loader that refuses the library gives UNSUPPORTED, and its memfd is closed; a failed write gives SYSTEM", () => {
  const calls: string[] = [];
  const fakeCalls = (writeResult: number) => ({
    memfd_create: (): number => {
      calls.push("memfd_create");
      return 42;
    },
    write: (fd: number, _: Uint8Array, count: bigint): number => {
      calls.push(`write ${fd}`);
      return writeResult < 0 ? writeResult : Number(count);
    },
    close: (fd: number): number => {
      calls.push(`close ${fd}`);
      return 0;
    },
  });
  const osError = (code: number) => ({
    code,
    message: `error ${code}`,
    reason: "other" as const,
  });
  assert.throws(
    () =>
      openDebuggerInterface("x86_64", 4096, fakeCalls(0), () => {
        throw new Error("memfd mapped noexec");
      }, osError),
    (error) =>
      error instanceof JITMemoryManagerError && error.code === "UNSUPPORTED" &&
      /memfd mapped noexec/.test(error.message),
  );
  assert.deepEqual(calls, ["memfd_create", "write 42", "close 42"]);
  calls.length = 0;
  assert.throws(
    () =>
      openDebuggerInterface("aarch64", 4096, fakeCalls(-28), () => {
        throw new Error("not reached");
      }, osError),
    (error) =>
      error instanceof JITMemoryManagerError && error.code === "SYSTEM",
  );
  assert.deepEqual(calls, ["memfd_create", "write 42", "close 42"]);
});

/** Why gdb cannot debug JIT'd code of this run, if it cannot. */
async function gdbUnavailable(): Promise<string | undefined> {
  if (!LINUX) return "the GDB JIT interface is Linux's";
  if (EMULATED) return "under qemu-user, gdb would debug the emulator";
  if (Deno.build.arch !== "x86_64") return "tested on x86-64";
  try {
    await new Deno.Command("gdb", { args: ["--version"], stdout: "null" })
      .output();
    return undefined;
  } catch {
    return "gdb is not installed (Debian: apt-get install gdb)";
  }
}

/** Runs the trap fixture under gdb and returns what gdb printed. */
async function underGdb(args: string[]): Promise<string> {
  const output = await new Deno.Command("gdb", {
    args: [
      "-batch",
      "-nx",
      "-ex",
      "handle SIGSEGV nostop noprint pass",
      "-ex",
      "run",
      "-ex",
      "bt 1",
      "-ex",
      "info symbol $pc",
      "-ex",
      "info symbol $rdi",
      "-ex",
      "kill",
      "--args",
      Deno.execPath(),
      "run",
      "--allow-ffi",
      fixture("debugger_trap.ts"),
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return new TextDecoder().decode(output.stdout);
}

Deno.test("gdb -batch: a trap in a named JIT'd function shows its name in bt and info symbol $pc; released code has no name; nothing is named unless enabled", async () => {
  const reason = await gdbUnavailable();
  if (reason !== undefined) {
    console.log(`gdb check skipped: ${reason}`);
    return;
  }
  const text = await underGdb([]);
  assert.match(text, /SIGTRAP/, text);
  assert.match(text, /#0\s+0x[0-9a-f]+ in jit_trap_here \(\)/, text);
  assert.match(text, /jit_trap_here \+ 1 in section \.text/, text);
  assert.match(text, /No symbol matches \$rdi\./, text);
  assert.doesNotMatch(text, /released_early/, text);
  const disabled = await underGdb(["--disabled"]);
  assert.match(disabled, /SIGTRAP/, disabled);
  assert.doesNotMatch(disabled, /jit_trap_here/, disabled);
  assert.match(disabled, /No symbol matches \$pc\./, disabled);
});
