// Assembler.listing() against GNU objdump over whole programs: the same
// program assembled by GNU as (its labels become symbols objdump names)
// and by our assembler with named labels must list line for line alike,
// branch targets and PC-relative addresses included.
import assert from "node:assert/strict";
import * as a64 from "../arch/aarch64.ts";
import * as x86 from "../arch/x86_64.ts";
import { type AssemblerBase, JITMemoryManagerError } from "../mod.ts";
import { gnuAvailable } from "./helpers/gnu_as.ts";
import { runCommand } from "./helpers/spawn.ts";

const TOOLS = {
  x86_64: {
    as: ["as", "--64", "-msyntax=intel", "-mnaked-reg"],
    objdump: ["objdump", "-d", "-M", "intel", "-w"],
  },
  aarch64: {
    as: ["aarch64-linux-gnu-as"],
    objdump: ["aarch64-linux-gnu-objdump", "-d", "-w"],
  },
} as const;

const ignore = !(await gnuAvailable("x86_64")) ||
  !(await gnuAvailable("aarch64"));

/** objdump's listing of `source` assembled by GNU as, from the first label. */
async function gnuListing(
  arch: keyof typeof TOOLS,
  source: string[],
): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "jit-memory-listing-" });
  try {
    Deno.writeTextFileSync(`${dir}/in.s`, `${source.join("\n")}\n`);
    const [as, ...flags] = TOOLS[arch].as;
    const assembled = await runCommand(as, [
      ...flags,
      "-o",
      `${dir}/out.o`,
      `${dir}/in.s`,
    ]);
    assert.ok(assembled.success, new TextDecoder().decode(assembled.stderr));
    const [objdump, ...args] = TOOLS[arch].objdump;
    const output = await runCommand(objdump, [...args, `${dir}/out.o`]);
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const text = new TextDecoder().decode(output.stdout);
    return text.slice(text.indexOf("0000000000000000 <"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function assertListsLikeGnu(
  arch: keyof typeof TOOLS,
  source: string[],
  assembler: AssemblerBase,
): Promise<void> {
  const ours = assembler.listing().split("\n");
  const theirs = (await gnuListing(arch, source)).split("\n");
  for (let index = 0; index < Math.max(ours.length, theirs.length); index++) {
    assert.equal(ours[index], theirs[index], `line ${index + 1}`);
  }
}

Deno.test({
  name:
    "listing(): an x86-64 program with named labels lists exactly as objdump -d -M intel lists GNU as's object",
  ignore,
  async fn(): Promise<void> {
    const a = new x86.Assembler();
    const start = a.label("start");
    const loop = a.label("loop");
    const done = a.label("done");
    const far = a.label("far_away");
    const table = a.label("table");
    a.bind(start).mov(x86.rax, x86.rbx).add(x86.rsp, -128).mov(x86.rax, -1)
      .mov(x86.rax, 0x123456789n);
    a.bind(loop).sub(x86.eax, 1).jne(loop).jmp(done).je(far)
      .lea(x86.rax, x86.mem(loop)).mov(x86.qword(x86.mem(x86.rsp, 8)), x86.rax)
      .movzx(x86.eax, x86.byte(x86.mem(x86.r13))).call(x86.rax)
      .mov(x86.rcx, x86.mem(table)).call(far);
    a.bind(done).ret();
    for (let n = 0; n < 40; n++) a.add(x86.rax, x86.mem(x86.rbx, n * 8));
    a.bind(far).jmp(start);
    a.bind(table).ret();
    await assertListsLikeGnu("x86_64", [
      "start: mov rax, rbx",
      "add rsp, -128",
      "mov rax, -1",
      "movabs rax, 0x123456789",
      "loop: sub eax, 1",
      "jne loop",
      "jmp done",
      "je far_away",
      "lea rax, [rip + loop]",
      "mov QWORD PTR [rsp + 8], rax",
      "movzx eax, BYTE PTR [r13]",
      "call rax",
      "mov rcx, QWORD PTR [rip + table]",
      "call far_away",
      "done: ret",
      ...Array.from(
        { length: 40 },
        (_, n) => `add rax, QWORD PTR [rbx + ${n * 8}]`,
      ),
      "far_away: jmp start",
      "table: ret",
    ], a);
  },
});

Deno.test({
  name:
    "listing(): an AArch64 program with named labels lists exactly as aarch64-linux-gnu-objdump -d lists GNU as's object",
  ignore,
  async fn(): Promise<void> {
    const a = new a64.Assembler();
    const start = a.label("start");
    const loop = a.label("loop");
    const done = a.label("done");
    const constant = a.label("constant");
    a.bind(start).stp(a64.x29, a64.x30, a64.pre(a64.sp, -16))
      .mov(a64.x0, 0x1234_5678n).mov(a64.x1, 10);
    a.bind(loop).sub(a64.x1, a64.x1, 1).cbnz(a64.x1, loop).bcond("eq", done)
      .cmp(a64.x0, 1).bcond("ne", loop).cset(a64.x2, "hs")
      .adr(a64.x3, loop).adr(a64.x4, constant).bl(done);
    a.bind(done).ldp(a64.x29, a64.x30, a64.post(a64.sp, 16)).ret();
    a.bind(constant).mov(a64.w5, 7).ret();
    await assertListsLikeGnu("aarch64", [
      "start: stp x29, x30, [sp, -16]!",
      "movz x0, 0x5678",
      "movk x0, 0x1234, lsl 16",
      "mov x1, 10",
      "loop: sub x1, x1, 1",
      "cbnz x1, loop",
      "b.eq done",
      "cmp x0, 1",
      "b.ne loop",
      "cset x2, hs",
      "adr x3, loop",
      "adr x4, constant",
      "bl done",
      "done: ldp x29, x30, [sp], 16",
      "ret",
      "constant: mov w5, 7",
      "ret",
    ], a);
  },
});

Deno.test("listing(): without named labels, targets are plain addresses; data shows as .byte; label names are checked", () => {
  const a = new x86.Assembler();
  const top = a.label();
  a.bind(top).nop().jmp(top).data([1, 2, 0xff]);
  assert.deepEqual(a.listing().split("\n"), [
    "   0:\t90                   \tnop",
    "   1:\teb fd                \tjmp    0x0",
    "   3:\t01 02 ff             \t.byte 0x01,0x02,0xff",
    "",
  ]);
  assert.equal(new a64.Assembler().listing(), "");
  for (const bad of ["", "two\nlines", "a<b", 7]) {
    assert.throws(
      () => a.label(bad as string),
      (error) =>
        error instanceof JITMemoryManagerError &&
        error.code === "INVALID_ARGUMENT" &&
        /label: a name/.test(error.message),
    );
  }
});
