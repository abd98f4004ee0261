/**
 * Debugging with names: named JIT'd code described to gdb through its JIT
 * interface, so backtraces and `info symbol` name JIT'd functions.
 *
 * @module
 */

import { addNameSink, type NamedCode } from "./code_names.ts";
import { JITMemoryManagerError } from "./errors.ts";
import { platform } from "./platform/mod.ts";

let enabled = false;

/**
 * Describes every named function (see the `name` and `symbols` options of
 * `CodeBuffer.commit()`, `CodePool.add()` and
 * `JITMemoryManager.makeExecutable()`) to a debugger through the GDB JIT
 * interface: the process exports `__jit_debug_descriptor` and
 * `__jit_debug_register_code` from a small library, and each named piece
 * of code is registered as an in-memory ELF object whose symbol table
 * names its functions at their real addresses. gdb (attached or starting
 * the process) then shows the names in `bt`, `info symbol` and
 * disassembly. Released code is unregistered. Code named before the call
 * is registered too; calling it again does nothing more.
 *
 * Linux only (x86-64 and AArch64). Each worker that calls it registers
 * its own code, through a library of its own.
 *
 * @throws {JITMemoryManagerError} `UNSUPPORTED` where there is no such
 * interface, `FFI_PERMISSION` without `--allow-ffi`, `SYSTEM` if the
 * library cannot be made.
 *
 * @example Naming code for gdb
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer, enableDebuggerRegistration } from "@bcpl/jit-memory";
 *
 * if (Deno.build.os === "linux") {
 *   enableDebuggerRegistration();
 *   using buffer = new CodeBuffer();
 *   const ret = Deno.build.arch === "x86_64" ? [0xc3] : [0xc0, 0x03, 0x5f, 0xd6];
 *   buffer.commit(new Uint8Array(ret), { name: "debugged" });
 *   const run = buffer.asFunction({ parameters: [], result: "void" });
 *   assert.equal(run(), undefined); // under gdb, "debugged" is a symbol now
 * }
 * ```
 */
export function enableDebuggerRegistration(): void {
  if (enabled) return;
  const open = platform().debuggerInterface;
  if (open === undefined) {
    throw new JITMemoryManagerError(
      "UNSUPPORTED",
      "The GDB JIT interface is available on Linux only",
    );
  }
  const registrar = open();
  const handles = new Map<NamedCode, object>();
  addNameSink({
    added: (code) => {
      handles.set(code, registrar.register(code.address, code.symbols));
    },
    removed: (code) => {
      const handle = handles.get(code);
      if (handle === undefined) return;
      handles.delete(code);
      registrar.unregister(handle);
    },
  });
  enabled = true;
}
