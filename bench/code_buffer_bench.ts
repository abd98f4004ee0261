// Committing 1 MiB of code from a Uint8Array: one copy and one protection
// change, not a loop of small writes.
//
//     deno bench --allow-ffi bench/code_buffer_bench.ts
import { CodeBuffer } from "../mod.ts";

const MiB = 1024 * 1024;
const code = new Uint8Array(MiB).fill(Deno.build.arch === "x86_64" ? 0x90 : 0);

const reused = new CodeBuffer({ capacity: MiB });
Deno.bench({
  name: "CodeBuffer commit 1 MiB (reused buffer: copy + mprotect, then reset)",
  group: "commit 1 MiB",
  baseline: true,
  fn(): void {
    reused.commit(code);
    reused.reset();
  },
});

Deno.bench({
  name:
    "CodeBuffer commit 1 MiB (fresh buffer: mmap + copy + mprotect + munmap)",
  group: "commit 1 MiB",
  fn(): void {
    using buffer = new CodeBuffer();
    buffer.commit(code);
  },
});

Deno.bench({
  name: "Uint8Array.set 1 MiB (JavaScript copy, for scale)",
  group: "commit 1 MiB",
  fn(): void {
    target.set(code);
  },
});
const target = new Uint8Array(MiB);
