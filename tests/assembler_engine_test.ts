// The emission engine both assemblers share: a failed instruction anywhere
// leaves nothing behind, layout is repeatable and incremental, instruction
// boundaries and label offsets survive branch relaxation, and an assembler
// goes straight into a CodeBuffer or a CodePool and runs.
import assert from "node:assert/strict";
import * as a64 from "../arch/aarch64.ts";
import * as x86 from "../arch/x86_64.ts";
import { CodeBuffer, CodePool, JITMemoryManagerError } from "../mod.ts";

/** A small deterministic generator (xorshift32), so failures replay. */
function random(seed: number): (limit: number) => number {
  let state = seed >>> 0 || 1;
  return (limit) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % limit;
  };
}

type Step<A> = (a: A, labels: x86.Label[]) => unknown;

const x86Valid: Step<x86.Assembler>[] = [
  (a) => a.mov(x86.rax, x86.rdi),
  (a) => a.mov(x86.ecx, 0x12345),
  (a) => a.mov(x86.rdx, 0x1122334455667788n),
  (a) => a.mov(x86.r9, x86.mem(x86.rsp, 8)),
  (a) => a.mov(x86.byte(x86.mem(x86.r13)), 7),
  (a) => a.add(x86.eax, 1000),
  (a) => a.cmp(x86.r12, -3),
  (a) => a.lea(x86.r10, x86.mem(x86.rdi, x86.rsi, 4, -100)),
  (a) => a.setne(x86.sil),
  (a) => a.cmovl(x86.rax, x86.rcx),
  (a) => a.shl(x86.rax, 3),
  (a) => a.push(x86.r15),
  (a) => a.ret(),
  (a, labels) => a.jne(labels[0]),
  (a, labels) => a.jmp(labels[1]),
  (a, labels) => a.call(labels[2]),
  (a, labels) => a.lea(x86.rax, x86.mem(labels[1])),
  (a) => a.space(200), // pushes branches out of rel8 reach
];

const x86Invalid: Step<x86.Assembler>[] = [
  (a) => a.mov(x86.rax, x86.eax),
  (a) => a.add(x86.eax, 2 ** 33),
  (a) => a.mov(x86.mem(x86.rax), 1),
  (a) => a.shl(x86.rax, x86.dl),
  (a) => a.jmp(new x86.Assembler().label()),
  (a) => a.mov(x86.rax, Symbol("x") as unknown as number),
  (a) => a.add(null as unknown as x86.X86Register, 1),
  (a) => a.lea(x86.rax, x86.rax as unknown as x86.X86Memory),
  (a) => a.lea(x86.rax, x86.mem(new x86.Assembler().label())),
  (a) => a.jcc("zz" as x86.Condition, a.label()),
  (a) => a.mov(x86.al, 256),
  (a) => a.mov(x86.eax, 1.5),
  (a) => a.imul(x86.al, x86.bl),
  (a) => a.test(x86.mem(x86.rax), 1),
  (a) => a.sete(x86.eax),
  (a) => a.push(x86.eax),
  (a) => a.movzx(x86.eax, x86.ecx),
  (a) => a.cmovl(x86.al, x86.bl),
];

const a64Valid: Step<a64.Assembler>[] = [
  (a) => a.mov(a64.x0, a64.x1),
  (a) => a.mov(a64.x2, 0x1234_5678_9abcn),
  (a) => a.mov(a64.w3, -7),
  (a) => a.add(a64.sp, a64.sp, 32),
  (a) => a.ldr(a64.x4, a64.mem(a64.x5, 16)),
  (a) => a.str(a64.w6, a64.mem(a64.x7, -4)),
  (a) => a.and(a64.x8, a64.x8, 0xff00),
  (a) => a.csel(a64.x0, a64.x1, a64.x2, "lt"),
  (a) => a.ret(),
  (a, labels) => a.bcond("ne", labels[0]),
  (a, labels) => a.cbz(a64.x3, labels[1]),
  (a, labels) => a.bl(labels[2]),
  (a, labels) => a.adr(a64.x9, labels[1]),
  (a) => a.data([1, 2, 3, 4]),
  (a) => a.space(4),
];

const a64Invalid: Step<a64.Assembler>[] = [
  (a) => a.add(a64.x0, a64.w1, a64.x1),
  (a) => a.and(a64.x0, a64.x0, 5),
  (a) => a.ldr(a64.x0, a64.mem(a64.x1, 32768)),
  (a) => a.mov(a64.sp, 1),
  (a) => a.b(new a64.Assembler().label()),
  (a) => a.mov(a64.x0, Symbol("x") as unknown as number),
  (a) => a.ldp(a64.x0, null as unknown as a64.A64Register, a64.mem(a64.sp)),
  (a) => a.bcond("zz" as a64.Condition, a.label()),
  (a) => a.movz(a64.x0, 0x10000),
  (a) => a.lsl(a64.x0, a64.x1, 64),
  (a) => a.ldp(a64.x0, a64.x1, a64.mem(a64.sp, 4)),
  (a) => a.cset(a64.x0, "al"),
  (a) => a.adr(a64.w0, a.label()),
  (a) => a.brk(65536),
  (a) => a.ldr(a64.x0, a64.pre(a64.x1, 256)),
];

/**
 * Builds `count` random programs twice: once with invalid instructions
 * mixed in (each must throw INVALID_ARGUMENT), once without; the bytes,
 * the instruction boundaries and the label offsets must be identical.
 */
function compareWithFailures<A extends x86.Assembler | a64.Assembler>(
  make: () => A,
  valid: Step<A>[],
  invalid: Step<A>[],
  count: number,
): void {
  for (let seed = 1; seed <= count; seed++) {
    const pick = random(seed);
    const length = 5 + pick(60);
    const plan: { step: Step<A>; bad: boolean; bindAfter: number }[] = [];
    for (let n = 0; n < length; n++) {
      const bad = pick(4) === 0;
      plan.push({
        step: bad ? invalid[pick(invalid.length)] : valid[pick(valid.length)],
        bad,
        bindAfter: pick(10) === 0 ? pick(3) : -1,
      });
    }
    const build = (withFailures: boolean) => {
      const a = make();
      const labels = [a.label(), a.label(), a.label()] as x86.Label[];
      const bound = new Set<number>();
      for (const { step, bad, bindAfter } of plan) {
        if (bad && withFailures) {
          assert.throws(
            () => step(a, labels),
            (error) =>
              error instanceof JITMemoryManagerError &&
              error.code === "INVALID_ARGUMENT",
            `seed ${seed}: an invalid step did not throw INVALID_ARGUMENT`,
          );
        } else if (!bad) {
          step(a, labels);
        }
        if (bindAfter >= 0 && !bound.has(bindAfter)) {
          (a as x86.Assembler).bind(labels[bindAfter]);
          bound.add(bindAfter);
        }
      }
      for (let index = 0; index < 3; index++) {
        if (!bound.has(index)) (a as x86.Assembler).bind(labels[index]);
      }
      (a as x86.Assembler).nop();
      return {
        bytes: [...a.bytes()],
        instructions: a.instructions().map(String),
        offsets: labels.map((label) => a.offsetOf(label)),
      };
    };
    assert.deepEqual(build(true), build(false), `seed ${seed}`);
  }
}

Deno.test("x86-64: a failed instruction anywhere emits nothing and the assembler goes on", () => {
  compareWithFailures(() => new x86.Assembler(), x86Valid, x86Invalid, 300);
});

Deno.test("AArch64: a failed instruction anywhere emits nothing and the assembler goes on", () => {
  compareWithFailures(() => new a64.Assembler(), a64Valid, a64Invalid, 300);
});

Deno.test("x86-64 layout: boundaries and label offsets follow the branches that grew", () => {
  const a = new x86.Assembler();
  const far = a.label();
  const near = a.label();
  a.jmp(far).je(near).bind(near).space(300).ret().jne(near).bind(far).ret();
  const code = a.bytes();
  // jmp rel32 (5) + je rel8 (2), then 300 + 1, then jne back: rel32 (6).
  assert.equal(a.offsetOf(near), 7);
  assert.equal(a.offsetOf(far), 7 + 301 + 6);
  assert.equal(code[a.offsetOf(far)], 0xc3);
  const instructions = a.instructions().map((i) => [...i.bytes]);
  assert.deepEqual(instructions.map((bytes) => bytes.length), [
    5,
    2,
    300,
    1,
    6,
    1,
  ]);
  assert.deepEqual(instructions.flat(), [...code]);
  assert.deepEqual(instructions[0], [0xe9, 0x35, 0x01, 0x00, 0x00]);
  assert.deepEqual(instructions[4], [0x0f, 0x85, 0xcd, 0xfe, 0xff, 0xff]);
});

Deno.test("layout is repeatable, and emitting after bytes() lays out again", () => {
  const programs = [
    [
      () => new x86.Assembler(),
      (a: x86.Assembler, top: x86.Label) => a.jne(top),
    ],
    [
      () => new a64.Assembler(),
      (a: a64.Assembler, top: x86.Label) => a.bcond("ne", top),
    ],
  ] as const;
  for (const [make, branchBack] of programs) {
    const whole = make();
    const split = make();
    for (const a of [whole, split]) {
      const top = a.label();
      a.bind(top).space(100);
      if (a === split) {
        const first = split.bytes();
        assert.deepEqual(split.bytes(), first, "a second layout is the same");
      }
      a.space(200);
      (branchBack as (a: typeof whole, top: x86.Label) => unknown)(a, top);
      assert.equal(a.offsetOf(top), 0);
    }
    assert.deepEqual(split.bytes(), whole.bytes());
    assert.equal(split.bytes().length, whole.bytes().length);
  }
});

Deno.test("labels are checked: foreign, hand-made and unbound ones are INVALID_ARGUMENT", () => {
  const a = new x86.Assembler();
  assert.throws(
    () => a.jmp(new x86.Label(a)),
    /jmp: expected a label created by this assembler/,
  );
  assert.throws(
    () => a.bind(new a64.Assembler().label() as x86.Label),
    /bind: expected a label created by this assembler/,
  );
  const lost = a.label();
  a.call(lost);
  assert.throws(
    () => a.bytes(),
    /call: branch to a label that was never bound/,
  );
  a.bind(lost).ret();
  assert.deepEqual([...a.bytes()], [0xe8, 0, 0, 0, 0, 0xc3]);
});

Deno.test("programs beyond the assembler's 1 GiB limit are INVALID_ARGUMENT, and it stays usable", () => {
  const a = new a64.Assembler().nop();
  assert.throws(
    () => a.space(2 ** 31),
    (error) =>
      error instanceof JITMemoryManagerError &&
      error.code === "INVALID_ARGUMENT" && /1 GiB/.test(error.message),
  );
  a.ret();
  assert.equal(a.bytes().length, 8);
});

/** The host CPU's `add(x, y) -> x + y` with a loop, as an assembler. */
function hostAdder(): x86.Assembler | a64.Assembler {
  if (Deno.build.arch === "x86_64") {
    const [first, second] = x86.callingConvention().integerArguments;
    const a = new x86.Assembler();
    const loop = a.label();
    const done = a.label();
    // Adds one `second` times: a backward and a forward branch.
    a.mov(x86.rax, first)
      .bind(loop).test(second, second).je(done)
      .add(x86.rax, 1).sub(second, 1).jmp(loop)
      .bind(done).ret();
    return a;
  }
  const a = new a64.Assembler();
  const loop = a.label();
  const done = a.label();
  a.bind(loop).cbz(a64.x1, done)
    .add(a64.x0, a64.x0, 1).sub(a64.x1, a64.x1, 1).b(loop)
    .bind(done).ret();
  return a;
}

Deno.test("CodeBuffer.commit() and CodePool.add() take an assembler and run its code", () => {
  const definition = { parameters: ["i64", "i64"], result: "i64" } as const;
  const assembler = hostAdder();
  using buffer = new CodeBuffer();
  buffer.commit(assembler);
  assert.equal(buffer.size, assembler.bytes().length);
  assert.equal(buffer.asFunction(definition)(40n, 2n), 42n);
  using pool = new CodePool();
  const spans = [pool.add(assembler), pool.addMany([assembler])[0]];
  for (const span of spans) {
    assert.equal(span.asFunction(definition)(7n, 5n), 12n);
  }
  const unbound = new x86.Assembler();
  unbound.jmp(unbound.label());
  assert.throws(
    () => pool.add(unbound),
    /jmp: branch to a label that was never bound/,
  );
});
