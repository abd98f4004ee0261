// The x86-64 assembler, byte for byte against GNU as (Intel syntax), over
// generated operand sets: every register, addressing forms around the
// special cases (rsp/r12 need a SIB byte, rbp/r13 a displacement), and the
// immediates at each encoding's boundaries.
import assert from "node:assert/strict";
import {
  Assembler,
  byte,
  type Condition,
  dword,
  mem,
  qword,
  type X86Memory,
  type X86Register,
} from "../arch/x86_64.ts";
import * as x86 from "../arch/x86_64.ts";
import { JITMemoryManagerError } from "../mod.ts";
import {
  assemble,
  assertMatchesGnu,
  type Case,
  gnuAvailable,
} from "./helpers/gnu_as.ts";
import { assertListsLikeObjdump } from "./helpers/objdump.ts";
import { X86_LISTING } from "../arch/x86_64/listing_style.ts";

const ignore = !(await gnuAvailable("x86_64"));

const NAMES64 = [
  "rax",
  "rcx",
  "rdx",
  "rbx",
  "rsp",
  "rbp",
  "rsi",
  "rdi",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
];
const NAMES32 = [
  "eax",
  "ecx",
  "edx",
  "ebx",
  "esp",
  "ebp",
  "esi",
  "edi",
  "r8d",
  "r9d",
  "r10d",
  "r11d",
  "r12d",
  "r13d",
  "r14d",
  "r15d",
];
const NAMES8 = [
  "al",
  "cl",
  "dl",
  "bl",
  "spl",
  "bpl",
  "sil",
  "dil",
  "r8b",
  "r9b",
  "r10b",
  "r11b",
  "r12b",
  "r13b",
  "r14b",
  "r15b",
];
const reg = (name: string): X86Register =>
  (x86 as unknown as Record<string, X86Register>)[name];
const R64 = NAMES64.map(reg);
const R32 = NAMES32.map(reg);
const R8 = NAMES8.map(reg);
const BY_BITS = { 64: R64, 32: R32, 8: R8 } as const;
const PTR = { 64: "QWORD PTR", 32: "DWORD PTR", 8: "BYTE PTR" } as const;

/** A memory operand with its GNU spelling (without the size). */
interface MemCase {
  operand: X86Memory;
  text: string;
}

function memText(
  base: X86Register,
  index?: X86Register,
  scale = 1,
  disp = 0,
): string {
  let text = base.name;
  if (index) text += `+${index.name}*${scale}`;
  if (disp > 0) text += `+${disp}`;
  if (disp < 0) text += `${disp}`;
  return `[${text}]`;
}

const DISPLACEMENTS = [0, 8, -8, 127, 128, -128, -129, 0x7fffffff, -0x80000000];
const MEMS: MemCase[] = [
  ...R64.flatMap((base) =>
    DISPLACEMENTS.map((disp) => ({
      operand: mem(base, disp),
      text: memText(base, undefined, 1, disp),
    }))
  ),
  ...[x86.rax, x86.rsp, x86.rbp, x86.r12, x86.r13].flatMap((base) =>
    R64.filter((index) => index !== x86.rsp).flatMap((index) =>
      ([1, 2, 4, 8] as const).flatMap((scale) =>
        [0, 16, -300].map((disp) => ({
          operand: mem(base, index, scale, disp),
          text: memText(base, index, scale, disp),
        }))
      )
    )
  ),
];

const IMM64 = [
  0,
  1,
  -1,
  127,
  -128,
  128,
  -129,
  255,
  256,
  0x7fffffff,
  -0x80000000,
];
const IMM32 = [...IMM64, 0x80000000, 0xffffffff];
const IMM8 = [0, 1, -1, 127, -128, 255];
const IMMS = { 64: IMM64, 32: IMM32, 8: IMM8 } as const;

function one(source: string, build: (a: Assembler) => unknown): Case {
  const a = new Assembler();
  build(a);
  return { source, bytes: a.bytes() };
}

type Bits = 8 | 32 | 64;
type Binary = (
  a: Assembler,
  dst: X86Register | X86Memory,
  src: X86Register | X86Memory | number | bigint,
) => unknown;

/** r,r / r,imm / r,mem / mem,r cases of a two-operand instruction. */
function binaryCases(
  name: string,
  call: Binary,
  sizes: Bits[],
  forms: ("rr" | "ri" | "rm" | "mr" | "mi")[],
): Case[] {
  const cases: Case[] = [];
  for (const bits of sizes) {
    const regs = BY_BITS[bits];
    if (forms.includes("rr")) {
      for (const d of regs) {
        for (const s of regs) {
          cases.push(one(`${name} ${d}, ${s}`, (a) => call(a, d, s)));
        }
      }
    }
    if (forms.includes("ri")) {
      for (const d of regs) {
        for (const i of IMMS[bits]) {
          cases.push(one(`${name} ${d}, ${i}`, (a) => call(a, d, i)));
        }
      }
    }
    if (forms.includes("rm")) {
      MEMS.forEach((m, n) => {
        const d = regs[n % 16];
        cases.push(
          one(
            `${name} ${d}, ${PTR[bits]} ${m.text}`,
            (a) => call(a, d, m.operand),
          ),
        );
      });
    }
    if (forms.includes("mr")) {
      MEMS.forEach((m, n) => {
        const s = regs[(n + 5) % 16];
        cases.push(
          one(
            `${name} ${PTR[bits]} ${m.text}, ${s}`,
            (a) => call(a, m.operand, s),
          ),
        );
      });
    }
    if (forms.includes("mi")) {
      const sizedMem = { 64: qword, 32: dword, 8: byte }[bits];
      MEMS.filter((_, n) => n % 7 === 0).forEach((m, n) => {
        const imms = bits === 64 ? IMM64 : IMMS[bits];
        const i = imms[n % imms.length];
        cases.push(
          one(
            `${name} ${PTR[bits]} ${m.text}, ${i}`,
            (a) => call(a, sizedMem(m.operand), i),
          ),
        );
      });
    }
  }
  return cases;
}

function gnuTest(name: string, cases: () => Case[]): void {
  Deno.test({
    name: `x86-64 ${name} matches GNU as, and lists as objdump prints it`,
    ignore,
    async fn(): Promise<void> {
      const generated = cases();
      await assertMatchesGnu("x86_64", generated);
      await assertListsLikeObjdump("x86_64", generated, X86_LISTING);
    },
  });
}

gnuTest("mov (r,r / r,imm / r,mem / mem,r / mem,imm)", () => [
  ...binaryCases("mov", (a, d, s) => a.mov(d, s), [64, 32, 8], [
    "rr",
    "ri",
    "rm",
    "mr",
    "mi",
  ]),
  ...R64.flatMap((d) =>
    [
      0x80000000n,
      0xffffffffn,
      0x100000000n,
      0x7fffffffffffffffn,
      -0x8000000000000000n,
      0x1122334455667788n,
    ]
      .map((i) => one(`mov ${d}, ${i}`, (a) => a.mov(d, i)))
  ),
]);

for (
  const [name, call] of [
    ["add", (a, d, s) => a.add(d, s)],
    ["or", (a, d, s) => a.or(d, s)],
    ["and", (a, d, s) => a.and(d, s)],
    ["sub", (a, d, s) => a.sub(d, s)],
    ["xor", (a, d, s) => a.xor(d, s)],
    ["cmp", (a, d, s) => a.cmp(d, s)],
  ] as [string, Binary][]
) {
  gnuTest(
    `${name} (r,r / r,imm / r,mem / mem,r)`,
    () => binaryCases(name, call, [64, 32, 8], ["rr", "ri", "rm", "mr"]),
  );
}

gnuTest(
  "test (r,r / r,imm / r,mem / mem,r)",
  () =>
    binaryCases("test", (a, d, s) => a.test(d, s), [64, 32, 8], [
      "rr",
      "ri",
      "rm",
      "mr",
    ]).map((c) =>
      // GNU as writes test's memory operand on the left either way.
      c.source.match(/^test (\w+), (\w+ PTR .*)$/)
        ? {
          ...c,
          source: c.source.replace(/^test (\w+), (\w+ PTR .*)$/, "test $2, $1"),
        }
        : c
    ),
);

gnuTest("imul (r,r / r,mem / r,r,imm)", () => [
  ...binaryCases(
    "imul",
    (a, d, s) => a.imul(d as X86Register, s as X86Register),
    [64, 32],
    ["rr", "rm"],
  ),
  ...[64, 32].flatMap((bits) =>
    BY_BITS[bits as 64 | 32].flatMap((d, n) =>
      IMM64.map((i) => {
        const s = BY_BITS[bits as 64 | 32][(n + 3) % 16];
        return one(`imul ${d}, ${s}, ${i}`, (a) => a.imul(d, s, i));
      })
    )
  ),
]);

gnuTest(
  "idiv, neg, not (r / mem)",
  () =>
    (["idiv", "neg", "not"] as const).flatMap((name) => [
      ...[...R64, ...R32, ...R8].map((r) =>
        one(`${name} ${r}`, (a) => a[name](r))
      ),
      ...MEMS.filter((_, n) => n % 5 === 0).flatMap((m) =>
        ([[qword, 64], [dword, 32], [byte, 8]] as const).map(([size, bits]) =>
          one(`${name} ${PTR[bits]} ${m.text}`, (a) => a[name](size(m.operand)))
        )
      ),
    ]),
);

gnuTest(
  "shl, shr, sar (r,imm / r,cl)",
  () =>
    (["shl", "shr", "sar"] as const).flatMap((name) =>
      [...R64, ...R32, ...R8].flatMap((r) => [
        ...[0, 1, 2, 31, 63, 255].map((i) =>
          one(`${name} ${r}, ${i}`, (a) => a[name](r, i))
        ),
        one(`${name} ${r}, cl`, (a) => a[name](r, x86.cl)),
      ])
    ),
);

gnuTest(
  "lea (r,mem)",
  () =>
    [...R64, ...R32].flatMap((d, n) =>
      MEMS.filter((_, k) => (k + n) % 9 === 0).map((m) =>
        one(`lea ${d}, ${m.text}`, (a) => a.lea(d, m.operand))
      )
    ),
);

gnuTest("push, pop, movzx, cqo, cdq, ret, nop, int3", () => [
  ...R64.flatMap((r) => [
    one(`push ${r}`, (a) => a.push(r)),
    one(`pop ${r}`, (a) => a.pop(r)),
  ]),
  ...[...R64, ...R32].flatMap((d) =>
    R8.map((s) => one(`movzx ${d}, ${s}`, (a) => a.movzx(d, s)))
  ),
  ...MEMS.filter((_, n) => n % 11 === 0).map((m, n) => {
    const d = R32[n % 16];
    return one(
      `movzx ${d}, BYTE PTR ${m.text}`,
      (a) => a.movzx(d, byte(m.operand)),
    );
  }),
  one("cqo", (a) => a.cqo()),
  one("cdq", (a) => a.cdq()),
  one("ret", (a) => a.ret()),
  one("nop", (a) => a.nop()),
  one("int3", (a) => a.int3()),
  ...R64.flatMap((r) => [
    one(`jmp ${r}`, (a) => a.jmp(r)),
    one(`call ${r}`, (a) => a.call(r)),
  ]),
]);

const CONDITIONS: Condition[] = [
  "o",
  "no",
  "b",
  "c",
  "nae",
  "ae",
  "nb",
  "nc",
  "e",
  "z",
  "ne",
  "nz",
  "be",
  "na",
  "a",
  "nbe",
  "s",
  "ns",
  "p",
  "pe",
  "np",
  "po",
  "l",
  "nge",
  "ge",
  "nl",
  "le",
  "ng",
  "g",
  "nle",
];

gnuTest("setcc and cmovcc (all conditions)", () => [
  ...CONDITIONS.flatMap((c) =>
    R8.map((r) => one(`set${c} ${r}`, (a) => a[`set${c}`](r)))
  ),
  ...CONDITIONS.flatMap((c) =>
    [...R64, ...R32].map((d, n) => {
      const s = (d.bits === 64 ? R64 : R32)[(n + 7) % 16];
      return one(`cmov${c} ${d}, ${s}`, (a) => a[`cmov${c}`](d, s));
    })
  ),
  ...CONDITIONS.map((c, n) =>
    one(
      `cmov${c} rax, QWORD PTR ${MEMS[n * 13].text}`,
      (a) => a[`cmov${c}`](x86.rax, MEMS[n * 13].operand),
    )
  ),
]);

/** A program with labels, assembled as a whole by both assemblers. */
async function program(
  source: string[],
  build: (a: Assembler) => void,
): Promise<void> {
  const a = new Assembler();
  build(a);
  assert.deepEqual([...a.bytes()], [
    ...(await assemble("x86_64", source.join("\n"))),
  ]);
}

Deno.test({
  name:
    "x86-64 branches: backward and forward, rel8 where it reaches and rel32 beyond, like GNU as",
  ignore,
  async fn(): Promise<void> {
    for (
      const gap of [
        0,
        1,
        100,
        121,
        122,
        123,
        124,
        125,
        126,
        127,
        128,
        129,
        130,
        300,
      ]
    ) {
      for (const c of ["e", "ne", "l", "g"] as const) {
        await program(
          [
            `j${c} 1f`,
            `jmp 1f`,
            `.space ${gap}, 0x90`,
            "1:",
            `.space ${gap}, 0x90`,
            `j${c} 1b`,
            "jmp 1b",
            "call 1b",
            "call 2f",
            "2: ret",
          ],
          (a) => {
            const forward = a.label();
            const later = a.label();
            a[`j${c}`](forward).jmp(forward);
            for (let n = 0; n < gap; n++) a.nop();
            a.bind(forward);
            for (let n = 0; n < gap; n++) a.nop();
            a[`j${c}`](forward).jmp(forward).call(forward).call(later).bind(
              later,
            ).ret();
          },
        );
      }
    }
  },
});

Deno.test({
  name:
    "x86-64 relaxation: growing one branch pushes another out of rel8 range, as in GNU as",
  ignore,
  async fn(): Promise<void> {
    // The first jump reaches over the second only while the second is short.
    await program(
      [
        "jmp 2f",
        "jmp 3f",
        ".space 123, 0x90",
        "2: ret",
        ".space 2, 0x90",
        "3: ret",
      ],
      (a) => {
        const two = a.label();
        const three = a.label();
        a.jmp(two).jmp(three);
        for (let n = 0; n < 123; n++) a.nop();
        a.bind(two).ret().nop().nop().bind(three).ret();
      },
    );
    await program(
      [
        "jmp 2f",
        "jmp 3f",
        ".space 124, 0x90",
        "2: ret",
        ".space 130, 0x90",
        "3: ret",
      ],
      (a) => {
        const two = a.label();
        const three = a.label();
        a.jmp(two).jmp(three);
        for (let n = 0; n < 124; n++) a.nop();
        a.bind(two).ret();
        for (let n = 0; n < 130; n++) a.nop();
        a.bind(three).ret();
      },
    );
  },
});

Deno.test({
  name: "x86-64 [rip + label] addresses a label like GNU as",
  ignore,
  async fn(): Promise<void> {
    await program(
      [
        "lea rax, [rip+1f]",
        "mov ecx, DWORD PTR [rip+1f]",
        "mov DWORD PTR [rip+1f], 7",
        "ret",
        "1: .long 0",
      ],
      (a) => {
        const data = a.label();
        a.lea(x86.rax, mem(data)).mov(x86.ecx, mem(data)).mov(
          dword(mem(data)),
          7,
        ).ret().bind(data).space(4);
      },
    );
  },
});

function rejects(build: (a: Assembler) => unknown, why: RegExp): void {
  const a = new Assembler().nop();
  assert.throws(() => build(a), (error) => {
    assert.ok(error instanceof JITMemoryManagerError);
    assert.equal(error.code, "INVALID_ARGUMENT");
    assert.match(error.message, why);
    return true;
  });
  assert.deepEqual(
    [...a.bytes()],
    [0x90],
    "nothing emitted for the rejected instruction",
  );
}

Deno.test("x86-64 bad operands throw INVALID_ARGUMENT naming the instruction and emit nothing", () => {
  rejects((a) => a.mov(x86.rax, x86.eax), /^mov: operand sizes differ/);
  rejects((a) => a.add(x86.eax, 0x1_0000_0000), /^add: immediate/);
  rejects((a) => a.add(x86.rax, 0x8000_0000), /^add: immediate/);
  rejects((a) => a.mov(x86.al, 256), /^mov: immediate/);
  rejects((a) => a.mov(x86.rax, 2n ** 64n), /^mov: immediate/);
  rejects((a) => a.mov(x86.eax, 1.5), /^mov: expected an integer/);
  rejects(
    (a) => a.mov(mem(x86.rax), 1),
    /^mov: state the memory operand's size/,
  );
  rejects(() => mem(x86.rax, x86.rsp), /^mem: rsp cannot be an index/);
  rejects(() => mem(x86.eax), /^mem: the base must be a 64-bit register/);
  rejects(() => mem(x86.rax, x86.rcx, 3 as 1), /^mem: the scale/);
  rejects((a) => a.shl(x86.rax, x86.dl), /^shl: a register count must be cl/);
  rejects((a) => a.shl(x86.rax, 256), /^shl: shift count/);
  rejects(
    (a) => a.push(x86.eax),
    /^push: the operand must be a 64-bit register/,
  );
  rejects((a) => a.lea(x86.al, mem(x86.rax)), /^lea: the destination/);
  rejects(
    (a) => a.sete(x86.eax),
    /^sete: the destination must be an 8-bit register/,
  );
  rejects((a) => a.cmovl(x86.al, x86.bl), /^cmovl: 8-bit operands/);
  rejects(
    (a) => a.movzx(x86.eax, x86.ecx),
    /^movzx: the source must be 8 bits/,
  );
  rejects((a) => a.imul(x86.al, x86.bl), /^imul: 8-bit operands/);
  rejects(
    (a) => a.jmp({} as x86.Label),
    /^jmp: expected a label created by this assembler/,
  );
  rejects(
    (a) => a.jne(new Assembler().label()),
    /^jne: expected a label created by this assembler/,
  );
});

Deno.test("x86-64 labels: unbound labels and double binds are INVALID_ARGUMENT", () => {
  const a = new Assembler();
  const nowhere = a.label();
  a.jmp(nowhere);
  assert.throws(() => a.bytes(), /jmp: branch to a label that was never bound/);
  const twice = a.label();
  a.bind(twice);
  assert.throws(() => a.bind(twice), /bind: the label is already bound/);
});

Deno.test("x86-64 instructions() splits the program into its instructions", () => {
  const a = new Assembler();
  const done = a.label();
  a.mov(x86.eax, 1).test(x86.edi, x86.edi).je(done).add(x86.eax, x86.edi).bind(
    done,
  ).ret();
  const instructions = a.instructions();
  assert.deepEqual(instructions.map(String), [
    "b8 01 00 00 00",
    "85 ff",
    "74 02",
    "01 f8",
    "c3",
  ]);
});

Deno.test("data() emits raw bytes and offsetOf() reports where labels landed", () => {
  const a = new Assembler();
  const text = a.label();
  const after = a.label();
  a.lea(x86.rax, mem(text)).ret().bind(text).data([104, 105]).bind(after);
  const bytes = a.bytes();
  assert.equal(a.offsetOf(text), 8); // 7-byte lea + ret
  assert.equal(a.offsetOf(after), 10);
  assert.deepEqual([...bytes.subarray(8)], [104, 105]);
  assert.throws(
    () => a.offsetOf(a.label()),
    /offsetOf: the label is not bound/,
  );
  assert.throws(() => new Assembler().data([256]), /data: byte 0 is 256/);
});
