// One call of a JIT'd function through a trampoline (fast: true) against
// one through Deno.UnsafeFnPointer (fast: false), on any OS: Linux, and
// Windows x64, where the trampolines are DLLs in the temporary directory
// (so fast calls need read, write and env permission there too).
//
//     deno bench --allow-ffi --allow-read --allow-write --allow-env bench/fast_call_bench.ts
//     bash tools/test_windows.sh --run bench --allow-ffi --allow-read \
//       --allow-write --allow-env bench/fast_call_bench.ts
//
// Calls are timed 100 to an iteration, so that the harness's own dispatch
// does not blur a call of a few nanoseconds; each line is per 100 calls.
import { JITMemoryManager } from "../mod.ts";

const CALLS = 100;

/** `mov eax, 42; ret` or `movz w0, #42; ret`: no argument to convene on. */
const answer = Deno.build.arch === "x86_64"
  ? new Uint8Array([0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3])
  : new Uint8Array(new Uint32Array([0x52800540, 0xd65f03c0]).buffer);
const definition = { parameters: [], result: "i32" } as const;

const memory = new JITMemoryManager(answer.length);
memory.write(answer);
memory.makeExecutable();
const portable = memory.asFunction(definition, 0, { fast: false });
const fast = memory.asFunction(definition, 0, { fast: true });
if (!fast.fast) {
  console.error("fast calls are not available here: both lines are portable");
}

let sink = 0;

Deno.bench({
  name: `${CALLS} calls via Deno.UnsafeFnPointer (fast: false)`,
  group: "one call",
  baseline: true,
  fn(): void {
    for (let call = 0; call < CALLS; call++) sink += portable();
  },
});

Deno.bench({
  name: `${CALLS} calls via a trampoline (fast: ${fast.fast})`,
  group: "one call",
  fn(): void {
    for (let call = 0; call < CALLS; call++) sink += fast();
  },
});

globalThis.addEventListener("unload", () => {
  if (sink === 0) console.log(sink); // keeps the calls from being dropped
});
