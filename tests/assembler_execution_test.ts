// Programs built with the host CPU's assembler, committed and run: x86-64
// natively, AArch64 in the emulated suite.
import assert from "node:assert/strict";
import * as a64 from "../arch/aarch64.ts";
import * as x86 from "../arch/x86_64.ts";
import { CodeBuffer, type Instruction } from "../mod.ts";

const onX86 = Deno.build.arch === "x86_64";
// Where this OS passes x86-64 arguments (rdi, rsi on Linux; rcx, rdx on
// Windows), and the shadow space Windows wants reserved at a call.
const cc = x86.callingConvention();
const [arg0, arg1] = cc.integerArguments;

/** factorial(n: i64) -> i64, a loop with a backward and a forward branch. */
function factorial(): Instruction[] {
  if (onX86) {
    const { rax, eax } = x86;
    const a = new x86.Assembler();
    const loop = a.label();
    const done = a.label();
    a.mov(eax, 1)
      .bind(loop).cmp(arg0, 1).jle(done)
      .imul(rax, arg0).sub(arg0, 1).jmp(loop)
      .bind(done).ret();
    return a.instructions();
  }
  const { x0, x1 } = a64;
  const a = new a64.Assembler();
  const loop = a.label();
  const done = a.label();
  a.mov(x1, 1)
    .bind(loop).cmp(x0, 1).bcond("le", done)
    .mul(x1, x1, x0).sub(x0, x0, 1).b(loop)
    .bind(done).mov(x0, x1).ret();
  return a.instructions();
}

/** sum(elements: buffer, count: usize) -> i64 over 64-bit elements. */
function sum(): Instruction[] {
  if (onX86) {
    // r10 (the index) is scratch in both conventions.
    const { eax, r10d, rax, r10 } = x86;
    const a = new x86.Assembler();
    const loop = a.label();
    const done = a.label();
    a.xor(eax, eax).xor(r10d, r10d)
      .bind(loop).cmp(r10, arg1).jae(done)
      .add(rax, x86.mem(arg0, r10, 8)).add(r10, 1).jmp(loop)
      .bind(done).ret();
    return a.instructions();
  }
  const { x0, x1, x2, x3 } = a64;
  const a = new a64.Assembler();
  const done = a.label();
  const loop = a.label();
  a.mov(x2, 0).cbz(x1, done)
    .bind(loop).ldr(x3, a64.post(x0, 8)).add(x2, x2, x3)
    .subs(x1, x1, 1).bcond("ne", loop)
    .bind(done).mov(x0, x2).ret();
  return a.instructions();
}

/** main(x) = square(x) + 1, square being another function it calls. */
function callsLocalFunction(): Instruction[] {
  if (onX86) {
    const { rax, rbx } = x86;
    const a = new x86.Assembler();
    const square = a.label();
    // push rbx keeps the stack 16-byte aligned at the call.
    a.push(rbx).call(square).add(rax, 1).pop(rbx).ret()
      .bind(square).mov(rax, arg0).imul(rax, arg0).ret();
    return a.instructions();
  }
  const { x0, x29, x30, sp } = a64;
  const a = new a64.Assembler();
  const square = a.label();
  a.stp(x29, x30, a64.pre(sp, -16)).mov(x29, sp)
    .bl(square).add(x0, x0, 1)
    .ldp(x29, x30, a64.post(sp, 16)).ret()
    .bind(square).mul(x0, x0, x0).ret();
  return a.instructions();
}

/** callThrough(f: pointer, x) = f(x) * 2, f being JIT'd elsewhere. */
function callsThroughPointer(): Instruction[] {
  if (onX86) {
    const { rax, rbx, rsp } = x86;
    const a = new x86.Assembler();
    // push rbx keeps the stack 16-byte aligned at the call; Windows' shadow
    // space (32 bytes) keeps it so.
    a.push(rbx).mov(rax, arg0).mov(arg0, arg1);
    if (cc.shadowSpace > 0) a.sub(rsp, cc.shadowSpace);
    a.call(rax);
    if (cc.shadowSpace > 0) a.add(rsp, cc.shadowSpace);
    a.shl(rax, 1).pop(rbx).ret();
    return a.instructions();
  }
  const { x0, x1, x9, x29, x30, sp } = a64;
  const a = new a64.Assembler();
  a.stp(x29, x30, a64.pre(sp, -16)).mov(x29, sp)
    .mov(x9, x0).mov(x0, x1).blr(x9).lsl(x0, x0, 1)
    .ldp(x29, x30, a64.post(sp, 16)).ret();
  return a.instructions();
}

function addTen(): Instruction[] {
  if (onX86) {
    return new x86.Assembler().lea(x86.rax, x86.mem(arg0, 10)).ret()
      .instructions();
  }
  return new a64.Assembler().add(a64.x0, a64.x0, 10).ret().instructions();
}

const i64ToI64 = { parameters: ["i64"], result: "i64" } as const;

Deno.test("an assembled factorial loop runs", () => {
  using buffer = new CodeBuffer();
  buffer.commit(factorial());
  for (const fast of [false, true]) {
    const f = buffer.asFunction(i64ToI64, 0, { fast });
    assert.deepEqual([0n, 1n, 5n, 10n, 20n].map((n) => f(n)), [
      1n,
      1n,
      120n,
      3628800n,
      2432902008176640000n,
    ]);
  }
});

Deno.test("an assembled sum of a vector through memory operands runs", () => {
  using buffer = new CodeBuffer();
  buffer.commit(sum());
  const f = buffer.asFunction(
    { parameters: ["buffer", "usize"], result: "i64" },
    0,
    { fast: true },
  );
  const values = new BigInt64Array([5n, -7n, 1n << 40n, 123456789n, -1n]);
  const bytes = new Uint8Array(values.buffer);
  const expected = values.reduce((total, value) => total + value, 0n);
  assert.equal(f(bytes, BigInt(values.length)), expected);
  assert.equal(f(bytes, 2n), -2n);
  assert.equal(f(bytes, 0n), 0n);
});

Deno.test("an assembled function calls another through a label", () => {
  using buffer = new CodeBuffer();
  buffer.commit(callsLocalFunction());
  const f = buffer.asFunction(i64ToI64);
  assert.equal(f(7n), 50n);
  assert.equal(f(-3n), 10n);
});

Deno.test("an assembled function calls a JIT'd function through a pointer", () => {
  using callee = new CodeBuffer();
  const target = callee.commit(addTen());
  using caller = new CodeBuffer();
  caller.commit(callsThroughPointer());
  const f = caller.asFunction(
    { parameters: ["pointer", "i64"], result: "i64" },
    0,
    { fast: true },
  );
  assert.equal(f(target, 5n), 30n);
  assert.equal(f(target, -10n), 0n);
});
