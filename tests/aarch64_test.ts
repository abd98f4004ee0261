// The AArch64 assembler, word for word against aarch64-linux-gnu-as over
// generated operand sets: every register (sp and the zero register where an
// instruction takes them), immediates at each encoding's limits, every
// addressing mode, and label programs at the limits of each branch's reach.
import assert from "node:assert/strict";
import {
  type A64Register,
  Assembler,
  type Condition,
  mem,
  post,
  pre,
  sp,
  wsp,
  wzr,
  xzr,
} from "../arch/aarch64.ts";
import * as a64 from "../arch/aarch64.ts";
import { JITMemoryManagerError } from "../mod.ts";
import {
  assemble,
  assertMatchesGnu,
  type Case,
  gnuAvailable,
} from "./helpers/gnu_as.ts";
import { assertListsLikeObjdump } from "./helpers/objdump.ts";
import { A64_LISTING } from "../arch/aarch64/listing_style.ts";

const ignore = !(await gnuAvailable("aarch64"));
const regs = a64 as unknown as Record<string, A64Register>;
const X = Array.from({ length: 31 }, (_, n) => regs[`x${n}`]);
const W = Array.from({ length: 31 }, (_, n) => regs[`w${n}`]);
const XZ = [...X, xzr];
const WZ = [...W, wzr];
const XS = [...X, sp];
const WS = [...W, wsp];
const pick = <T>(list: T[], n: number): T => list[n % list.length];

function one(source: string, build: (a: Assembler) => unknown): Case {
  const a = new Assembler();
  build(a);
  return { source, bytes: a.bytes() };
}

function gnuTest(name: string, cases: () => Case[]): void {
  Deno.test({
    name: `AArch64 ${name} matches GNU as, and lists as objdump prints it`,
    ignore,
    async fn(): Promise<void> {
      const generated = cases();
      await assertMatchesGnu("aarch64", generated);
      await assertListsLikeObjdump("aarch64", generated, A64_LISTING);
    },
  });
}

const hexImm = (value: number | bigint): string =>
  value < 0
    ? `-0x${(-BigInt(value)).toString(16)}`
    : `0x${BigInt(value).toString(16)}`;

gnuTest(
  "movz, movk, movn (every register, shift)",
  () =>
    (["movz", "movk", "movn"] as const).flatMap((name) => [
      ...XZ.flatMap((r, n) =>
        [0, 16, 32, 48].map((shift) => {
          const imm = pick([0, 1, 0x1234, 0xffff], n + shift);
          return one(
            `${name} ${r}, #${imm}, lsl #${shift}`,
            (a) => a[name](r, imm, shift),
          );
        })
      ),
      ...WZ.flatMap((r, n) =>
        [0, 16].map((shift) => {
          const imm = pick([0, 1, 0x8000, 0xffff], n + shift);
          return one(
            `${name} ${r}, #${imm}, lsl #${shift}`,
            (a) => a[name](r, imm, shift),
          );
        })
      ),
    ]),
);

gnuTest("mov (register to register, sp included)", () => [
  ...XZ.flatMap((d, n) =>
    [pick(XZ, n + 1), pick(XZ, n + 13)].map((s) =>
      one(`mov ${d}, ${s}`, (a) => a.mov(d, s))
    )
  ),
  ...WZ.flatMap((d, n) =>
    [pick(WZ, n + 3)].map((s) => one(`mov ${d}, ${s}`, (a) => a.mov(d, s)))
  ),
  ...X.flatMap((
    r,
  ) => [
    one(`mov ${r}, sp`, (a) => a.mov(r, sp)),
    one(`mov sp, ${r}`, (a) => a.mov(sp, r)),
  ]),
  ...W.flatMap((
    r,
  ) => [
    one(`mov ${r}, wsp`, (a) => a.mov(r, wsp)),
    one(`mov wsp, ${r}`, (a) => a.mov(wsp, r)),
  ]),
]);

const MOV64_SINGLE = [
  0n,
  1n,
  0xffffn,
  0x10000n,
  0xffff0000n,
  0x8000000000000000n,
  0xffff000000000000n,
  -1n,
  -2n,
  -65536n,
  -0x10001n,
  0xfffffffffffffffen,
  0xffff0000ffffffffn,
  0x5555555555555555n,
  0x00ff00ff00ff00ffn,
  0x0000ffff0000ffffn,
  0x7fffffffffffffffn,
  0xf0f0f0f0f0f0f0f0n,
  0x100000001n,
];
const MOV32_SINGLE = [
  0,
  1,
  0xffff,
  0x10000,
  0xffff0000,
  0xffffffff,
  -1,
  -2,
  0x55555555,
  0x7fffffff,
  0x80000000,
  0xfffffffe,
];

gnuTest(
  "mov (one-instruction immediates: movz, movn or orr, as GNU as picks)",
  () => [
    ...MOV64_SINGLE.flatMap((v, n) => {
      const r = pick(X, n * 7);
      return [one(`mov ${r}, #${hexImm(v)}`, (a) => a.mov(r, v))];
    }),
    ...MOV32_SINGLE.map((v, n) => {
      const r = pick(W, n * 5);
      return one(`mov ${r}, #${hexImm(v)}`, (a) => a.mov(r, v));
    }),
  ],
);

gnuTest("mov (longer immediates: movz/movn + movk)", () => {
  const expand = (r: A64Register, value: bigint): string[] => {
    const halves = [0, 1, 2, 3].map((i) =>
      Number((value >> BigInt(16 * i)) & 0xffffn)
    );
    const ones = halves.filter((h) => h === 0xffff).length;
    const zeros = halves.filter((h) => h === 0).length;
    const lines: string[] = [];
    halves.forEach((h, i) => {
      if (ones > zeros ? h === 0xffff : h === 0) return;
      if (lines.length === 0) {
        lines.push(
          ones > zeros
            ? `movn ${r}, #${(~h) & 0xffff}, lsl #${16 * i}`
            : `movz ${r}, #${h}, lsl #${16 * i}`,
        );
      } else {
        lines.push(`movk ${r}, #${h}, lsl #${16 * i}`);
      }
    });
    return lines;
  };
  return [
    0x1234567890abcdefn,
    0x12345678n,
    0xffff1234ffff5678n,
    0x1234ffff5678ffffn,
    0xdeadbeefn,
    0x100000002n,
  ]
    .flatMap((v, n) => {
      const r = pick(X, n * 3);
      return [one(expand(r, v).join("\n"), (a) => a.mov(r, v))];
    });
});

const ADD_IMMS = [0, 1, 2048, 4095, 4096, 0x1000 * 4095, 0x7000];
gnuTest(
  "add, sub, adds, subs (r,r,r and r,r,imm12, sp and shifts)",
  () =>
    (["add", "sub", "adds", "subs"] as const).flatMap((name) => {
      const flags = name.endsWith("s");
      const dests64 = flags ? XZ : XS;
      return [
        ...XZ.map((d, n) => {
          const [s, t] = [pick(XZ, n + 5), pick(XZ, n + 11)];
          return one(`${name} ${d}, ${s}, ${t}`, (a) => a[name](d, s, t));
        }),
        ...WZ.map((d, n) => {
          const [s, t] = [pick(WZ, n + 2), pick(WZ, n + 9)];
          return one(`${name} ${d}, ${s}, ${t}`, (a) => a[name](d, s, t));
        }),
        // Register 31 as sp: the extended-register form.
        ...X.map((t) =>
          one(
            `${name} ${flags ? "xzr" : "sp"}, sp, ${t}`,
            (a) => a[name](flags ? xzr : sp, sp, t),
          )
        ),
        ...X.map((d, n) =>
          one(
            `${name} ${d}, sp, ${pick(X, n + 4)}`,
            (a) => a[name](d, sp, pick(X, n + 4)),
          )
        ),
        ...dests64.flatMap((d, n) =>
          ADD_IMMS.map((imm, k) => {
            const s = pick(XS, n + k);
            return one(
              `${name} ${d}, ${s}, #${imm}`,
              (a) => a[name](d, s, imm),
            );
          })
        ),
        ...(flags ? WZ : WS).map((d, n) => {
          const s = pick(WS, n + 1);
          return one(`${name} ${d}, ${s}, #4095`, (a) => a[name](d, s, 4095));
        }),
        ...X.map((d, n) =>
          one(
            `${name} ${d}, ${pick(X, n + 1)}, #7, lsl #12`,
            (a) => a[name](d, pick(X, n + 1), 7, 12),
          )
        ),
      ];
    }),
);

gnuTest(
  "add/sub/cmp with negative immediates (the opposite operation, as GNU as)",
  () => [
    one("sub x0, x1, #1", (a) => a.add(a64.x0, a64.x1, -1)),
    one("add x0, x1, #4095", (a) => a.sub(a64.x0, a64.x1, -4095)),
    one("cmn x3, #5", (a) => a.cmp(a64.x3, -5)),
    one("cmp w3, #5", (a) => a.cmn(a64.w3, -5)),
  ],
);

gnuTest("cmp, cmn (r,r / r,imm), neg", () => [
  ...(["cmp", "cmn"] as const).flatMap((name) => [
    ...XZ.map((r, n) =>
      one(
        `${name} ${r}, ${pick(XZ, n + 3)}`,
        (a) => a[name](r, pick(XZ, n + 3)),
      )
    ),
    ...W.map((r, n) =>
      one(`${name} ${r}, ${pick(W, n + 3)}`, (a) => a[name](r, pick(W, n + 3)))
    ),
    ...XS.map((r, n) =>
      one(
        `${name} ${r}, #${pick(ADD_IMMS, n)}`,
        (a) => a[name](r, pick(ADD_IMMS, n)),
      )
    ),
    ...X.map((r) => one(`${name} sp, ${r}`, (a) => a[name](sp, r))),
  ]),
  ...XZ.map((d, n) =>
    one(`neg ${d}, ${pick(XZ, n + 7)}`, (a) => a.neg(d, pick(XZ, n + 7)))
  ),
  ...WZ.map((d, n) =>
    one(`neg ${d}, ${pick(WZ, n + 7)}`, (a) => a.neg(d, pick(WZ, n + 7)))
  ),
]);

gnuTest(
  "mul, madd, msub, sdiv, udiv",
  () =>
    [XZ, WZ].flatMap((set) =>
      set.flatMap((d, n) => {
        const [p, q, r] = [
          pick(set, n + 1),
          pick(set, n + 17),
          pick(set, n + 29),
        ];
        return [
          one(`mul ${d}, ${p}, ${q}`, (a) => a.mul(d, p, q)),
          one(`madd ${d}, ${p}, ${q}, ${r}`, (a) => a.madd(d, p, q, r)),
          one(`msub ${d}, ${p}, ${q}, ${r}`, (a) => a.msub(d, p, q, r)),
          one(`sdiv ${d}, ${p}, ${q}`, (a) => a.sdiv(d, p, q)),
          one(`udiv ${d}, ${p}, ${q}`, (a) => a.udiv(d, p, q)),
        ];
      })
    ),
);

const LOGICAL64 = [
  1n,
  2n,
  3n,
  0xffn,
  0xff00n,
  0x5555555555555555n,
  0xaaaaaaaaaaaaaaaan,
  0x00ff00ff00ff00ffn,
  0x0f0f0f0f0f0f0f0fn,
  0x8000000000000000n,
  0x7fffffffffffffffn,
  0xfffffffffffffffen,
  0x0000ffff0000ffffn,
  0x3333333333333333n,
  0xfffffffffffff000n,
  0x1111111111111111n,
  0x6666666666666666n,
];
const LOGICAL32 = [
  1,
  3,
  0xff,
  0x55555555,
  0xaaaaaaaa,
  0x80000000,
  0x7fffffff,
  0xfffffffe,
  0x0f0f0f0f,
  0xffff,
  0xfff00000,
];

gnuTest(
  "and, orr, eor (r,r,r and logical immediates)",
  () =>
    (["and", "orr", "eor"] as const).flatMap((name) => [
      ...XZ.map((d, n) =>
        one(
          `${name} ${d}, ${pick(XZ, n + 4)}, ${pick(XZ, n + 8)}`,
          (a) => a[name](d, pick(XZ, n + 4), pick(XZ, n + 8)),
        )
      ),
      ...WZ.map((d, n) =>
        one(
          `${name} ${d}, ${pick(WZ, n + 4)}, ${pick(WZ, n + 8)}`,
          (a) => a[name](d, pick(WZ, n + 4), pick(WZ, n + 8)),
        )
      ),
      ...LOGICAL64.flatMap((v, n) => {
        const [d, s] = [pick(XS, n * 3), pick(XZ, n * 5 + 1)];
        return [
          one(`${name} ${d}, ${s}, #${hexImm(v)}`, (a) => a[name](d, s, v)),
        ];
      }),
      ...LOGICAL32.map((v, n) => {
        const [d, s] = [pick(WS, n * 3), pick(WZ, n * 5 + 1)];
        return one(
          `${name} ${d}, ${s}, #${hexImm(v)}`,
          (a) => a[name](d, s, v),
        );
      }),
    ]),
);

gnuTest(
  "lsl, lsr, asr (r,r,imm over every amount / r,r,r)",
  () =>
    (["lsl", "lsr", "asr"] as const).flatMap((name) => [
      ...Array.from({ length: 64 }, (_, s) => {
        const [d, r] = [pick(XZ, s), pick(XZ, s + 9)];
        return one(`${name} ${d}, ${r}, #${s}`, (a) => a[name](d, r, s));
      }),
      ...Array.from({ length: 32 }, (_, s) => {
        const [d, r] = [pick(WZ, s), pick(WZ, s + 9)];
        return one(`${name} ${d}, ${r}, #${s}`, (a) => a[name](d, r, s));
      }),
      ...XZ.map((d, n) =>
        one(
          `${name} ${d}, ${pick(XZ, n + 2)}, ${pick(XZ, n + 5)}`,
          (a) => a[name](d, pick(XZ, n + 2), pick(XZ, n + 5)),
        )
      ),
      ...WZ.map((d, n) =>
        one(
          `${name} ${d}, ${pick(WZ, n + 2)}, ${pick(WZ, n + 5)}`,
          (a) => a[name](d, pick(WZ, n + 2), pick(WZ, n + 5)),
        )
      ),
    ]),
);

function loadStoreCases(
  name: "ldr" | "str" | "ldrb" | "strb",
  rts: A64Register[],
  bytes: number,
): Case[] {
  const offsets = [0, bytes, 4095 * bytes, -1, -256, 255, 1, 3];
  return [
    ...XS.flatMap((base, n) =>
      offsets.map((offset, k) => {
        const rt = pick(rts, n + k);
        return one(`${name} ${rt}, [${base}, #${offset}]`, (a) =>
          a[name](rt, mem(base, offset)));
      })
    ),
    ...XS.flatMap((base, n) => {
      const rt = pick(rts, n + 3);
      const index = pick(XZ, n + 7);
      const shift = Math.log2(bytes);
      return [
        one(
          `${name} ${rt}, [${base}, ${index}]`,
          (a) => a[name](rt, mem(base, index)),
        ),
        ...(shift > 0
          ? [
            one(`${name} ${rt}, [${base}, ${index}, lsl #${shift}]`, (a) =>
              a[name](rt, mem(base, index, shift))),
          ]
          : []),
      ];
    }),
    ...XS.flatMap((base, n) =>
      [-256, -8, 0, 8, 255].flatMap((offset, k) => {
        const rt = pick(rts, n + k + 1);
        return [
          one(`${name} ${rt}, [${base}, #${offset}]!`, (a) =>
            a[name](rt, pre(base, offset))),
          one(`${name} ${rt}, [${base}], #${offset}`, (a) =>
            a[name](rt, post(base, offset))),
        ];
      })
    ),
  ];
}

gnuTest("ldr, str (x and w: scaled, unscaled, register, pre, post)", () => [
  ...loadStoreCases("ldr", XZ, 8),
  ...loadStoreCases("str", XZ, 8),
  ...loadStoreCases("ldr", WZ, 4),
  ...loadStoreCases("str", WZ, 4),
]);

gnuTest(
  "ldrb, strb",
  () => [...loadStoreCases("ldrb", WZ, 1), ...loadStoreCases("strb", WZ, 1)],
);

gnuTest(
  "ldp, stp (offset, pre, post; x and w)",
  () =>
    (["ldp", "stp"] as const).flatMap((name) =>
      ([[XZ, 8], [WZ, 4]] as const).flatMap(([set, scale]) =>
        XS.flatMap((base, n) =>
          [-64 * scale, -16, 0, scale, 63 * scale].flatMap((offset, k) => {
            const [t1, t2] = [pick(set, n + k), pick(set, n + k + 15)];
            return [
              one(
                `${name} ${t1}, ${t2}, [${base}, #${offset}]`,
                (a) => a[name](t1, t2, mem(base, offset)),
              ),
              one(
                `${name} ${t1}, ${t2}, [${base}, #${offset}]!`,
                (a) => a[name](t1, t2, pre(base, offset)),
              ),
              one(
                `${name} ${t1}, ${t2}, [${base}], #${offset}`,
                (a) => a[name](t1, t2, post(base, offset)),
              ),
            ];
          })
        )
      )
    ),
);

const CONDITIONS: Condition[] = [
  "eq",
  "ne",
  "cs",
  "hs",
  "cc",
  "lo",
  "mi",
  "pl",
  "vs",
  "vc",
  "hi",
  "ls",
  "ge",
  "lt",
  "gt",
  "le",
  "al",
  "nv",
];

gnuTest("br, blr, ret, cset, csel, nop, brk", () => [
  ...XZ.flatMap((r) => [
    one(`br ${r}`, (a) => a.br(r)),
    one(`blr ${r}`, (a) => a.blr(r)),
    one(`ret ${r}`, (a) => a.ret(r)),
  ]),
  one("ret", (a) => a.ret()),
  ...CONDITIONS.filter((c) => c !== "al" && c !== "nv").flatMap((c, n) => [
    one(`cset ${pick(XZ, n)}, ${c}`, (a) => a.cset(pick(XZ, n), c)),
    one(`cset ${pick(WZ, n + 3)}, ${c}`, (a) => a.cset(pick(WZ, n + 3), c)),
  ]),
  ...CONDITIONS.flatMap((c, n) => [
    one(
      `csel ${pick(XZ, n)}, ${pick(XZ, n + 1)}, ${pick(XZ, n + 2)}, ${c}`,
      (a) => a.csel(pick(XZ, n), pick(XZ, n + 1), pick(XZ, n + 2), c),
    ),
    one(
      `csel ${pick(WZ, n)}, ${pick(WZ, n + 5)}, ${pick(WZ, n + 9)}, ${c}`,
      (a) => a.csel(pick(WZ, n), pick(WZ, n + 5), pick(WZ, n + 9), c),
    ),
  ]),
  one("nop", (a) => a.nop()),
  ...[0, 1, 0x3e8, 0xffff].map((imm) => one(`brk #${imm}`, (a) => a.brk(imm))),
]);

/** A program with labels, assembled as a whole by both assemblers. */
async function program(
  source: string[],
  build: (a: Assembler) => void,
): Promise<void> {
  const a = new Assembler();
  build(a);
  const ours = a.bytes();
  const theirs = await assemble("aarch64", source.join("\n"));
  assert.equal(ours.length, theirs.length);
  // A plain loop, not every() or deepEqual: some programs are 128 MiB, and
  // a callback per byte takes minutes under emulation.
  for (let index = 0; index < ours.length; index++) {
    if (ours[index] !== theirs[index]) {
      assert.fail(
        `byte ${index}: ours ${ours[index]}, GNU as ${theirs[index]}`,
      );
    }
  }
}

Deno.test({
  name:
    "AArch64 branches to labels, both directions, every condition, like GNU as",
  ignore,
  async fn(): Promise<void> {
    await program(
      [
        "1: b 2f",
        "bl 2f",
        "cbz x3, 2f",
        "cbnz w4, 1b",
        "adr x5, 2f",
        "adr x6, 1b",
        ...CONDITIONS.map((c) => `b.${c} 1b`),
        ...CONDITIONS.map((c) => `b.${c} 2f`),
        "2: b 1b",
        "bl 1b",
        "cbz xzr, 1b",
        "ret",
      ],
      (a) => {
        const one = a.label();
        const two = a.label();
        a.bind(one).b(two).bl(two).cbz(a64.x3, two).cbnz(a64.w4, one).adr(
          a64.x5,
          two,
        ).adr(a64.x6, one);
        for (const c of CONDITIONS) a.bcond(c, one);
        for (const c of CONDITIONS) a.bcond(c, two);
        a.bind(two).b(one).bl(one).cbz(xzr, one).ret();
      },
    );
  },
});

Deno.test({
  name: "AArch64 branches at the edge of ±1 MiB and ±128 MiB, like GNU as",
  ignore,
  async fn(): Promise<void> {
    const MiB = 1 << 20;
    // b.cond, cbz and adr reach 1 MiB - 4 forward and 1 MiB back.
    await program(
      ["b.eq 1f", "cbz x0, 1f", `.space ${MiB - 12}`, "1: ret"],
      (a) => {
        const far = a.label();
        a.bcond("eq", far).cbz(a64.x0, far).space(MiB - 12).bind(far).ret();
      },
    );
    await program(["1: nop", `.space ${MiB - 4}`, "b.ne 1b"], (a) => {
      const back = a.label();
      a.bind(back).nop().space(MiB - 4).bcond("ne", back);
    });
    await program(["adr x1, 1f", `.space ${MiB - 5}`, "1: .byte 0"], (a) => {
      const data = a.label();
      a.adr(a64.x1, data).space(MiB - 5).bind(data).space(1);
    });
    // b and bl reach 128 MiB - 4 forward and 128 MiB back.
    await program(["b 1f", `.space ${128 * MiB - 8}`, "1: ret"], (a) => {
      const far = a.label();
      a.b(far).space(128 * MiB - 8).bind(far).ret();
    });
    await program(["1: nop", `.space ${128 * MiB - 4}`, "bl 1b"], (a) => {
      const back = a.label();
      a.bind(back).nop().space(128 * MiB - 4).bl(back);
    });
  },
});

Deno.test("AArch64 branches beyond their reach throw INVALID_ARGUMENT naming the instruction", () => {
  const MiB = 1 << 20;
  const beyond = (
    build: (a: Assembler, label: a64.Label) => void,
    why: RegExp,
  ): void => {
    const a = new Assembler();
    const label = a.label();
    build(a, label);
    assert.throws(() => a.bytes(), (error) => {
      assert.ok(error instanceof JITMemoryManagerError);
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, why);
      return true;
    });
  };
  beyond(
    (a, l) => a.bcond("eq", l).space(MiB - 4).bind(l),
    /^b\.eq: .*beyond its reach of ±1 MiB/,
  );
  beyond((a, l) => a.cbz(a64.x0, l).space(MiB).bind(l), /^cbz: .*±1 MiB/);
  // Backward, -1 MiB is still in reach: one instruction more is not.
  beyond((a, l) => a.bind(l).space(MiB + 4).cbnz(a64.x0, l), /^cbnz: .*±1 MiB/);
  beyond((a, l) => a.adr(a64.x0, l).space(MiB).bind(l), /^adr: .*±1 MiB/);
  beyond((a, l) => a.b(l).space(128 * MiB - 4).bind(l), /^b: .*±128 MiB/);
  beyond((a, l) => a.bind(l).space(128 * MiB + 4).bl(l), /^bl: .*±128 MiB/);
});

function rejects(build: (a: Assembler) => unknown, why: RegExp): void {
  const a = new Assembler().nop();
  assert.throws(() => build(a), (error) => {
    assert.ok(error instanceof JITMemoryManagerError, String(error));
    assert.equal(error.code, "INVALID_ARGUMENT");
    assert.match(error.message, why);
    return true;
  });
  assert.deepEqual(
    [...a.bytes()],
    [0x1f, 0x20, 0x03, 0xd5],
    "nothing emitted for the rejected instruction",
  );
}

Deno.test("AArch64 bad operands throw INVALID_ARGUMENT naming the instruction and emit nothing", () => {
  const { x0, x1, w0, w1 } = a64;
  rejects((a) => a.add(x0, w1, x1), /^add: registers of different sizes/);
  rejects((a) => a.add(x0, x1, 4097), /^add: immediate 4097 is not encodable/);
  rejects((a) => a.add(x0, x1, 1.5), /^add: /);
  rejects((a) => a.adds(sp, x1, 1), /^adds: sp is not allowed/);
  rejects((a) => a.mul(x0, sp, x1), /^mul: sp is not allowed/);
  rejects((a) => a.movz(x0, 0x10000), /^movz: immediate/);
  rejects((a) => a.movz(w0, 1, 32), /^movz: shift 32/);
  rejects((a) => a.movk(x0, 1, 8), /^movk: shift 8/);
  rejects((a) => a.mov(x0, 2n ** 64n), /^mov: immediate/);
  rejects((a) => a.mov(w0, 2 ** 32), /^mov: immediate/);
  rejects((a) => a.mov(sp, 1), /^mov: sp is not allowed/);
  rejects((a) => a.and(x0, x1, 0), /^and: immediate 0 is not encodable/);
  rejects((a) => a.orr(x0, x1, 5), /^orr: immediate 5 is not encodable/);
  rejects(
    (a) => a.eor(w0, w1, 0xffffffff),
    /^eor: immediate .* is not encodable/,
  );
  rejects((a) => a.lsl(x0, x1, 64), /^lsl: shift 64/);
  rejects((a) => a.lsr(w0, w1, 32), /^lsr: shift 32/);
  rejects((a) => a.ldr(x0, mem(x1, 32768)), /^ldr: offset 32768/);
  rejects((a) => a.ldr(x0, mem(x1, 257)), /^ldr: offset 257/);
  rejects((a) => a.ldr(x0, pre(x1, 256)), /^ldr: offset 256 is not -256..255/);
  rejects(
    (a) => a.ldr(x0, mem(x1, a64.x2, 2)),
    /^ldr: index shift must be 0 or 3/,
  );
  rejects(
    (a) => a.ldrb(x0, mem(x1)),
    /^ldrb: the register must be a w register/,
  );
  rejects(
    (a) => a.ldp(x0, x1, mem(sp, 4)),
    /^ldp: offset 4 is not a multiple of 8/,
  );
  rejects((a) => a.stp(x0, x1, mem(sp, 512)), /^stp: offset 512/);
  rejects((a) => a.ldp(x0, x1, mem(sp, x0)), /^ldp: expected mem\(base, imm\)/);
  rejects(() => mem(w0), /^mem: the base must be an x register or sp/);
  rejects(() => mem(x0, sp), /^mem: the index must be an x register/);
  rejects((a) => a.cset(x0, "al"), /^cset: condition al is not allowed/);
  rejects(
    (a) => a.csel(x0, x1, w1, "eq"),
    /^csel: registers of different sizes/,
  );
  rejects(
    (a) => a.bcond("xx" as Condition, a.label()),
    /^b.cond: unknown condition xx/,
  );
  rejects((a) => a.br(w0), /^br: the register must be an x register/);
  rejects(
    (a) => a.adr(w0, a.label()),
    /^adr: the destination must be an x register/,
  );
  rejects((a) => a.brk(65536), /^brk: immediate/);
  rejects(
    (a) => a.b(new Assembler().label()),
    /^b: expected a label created by this assembler/,
  );
});

Deno.test("AArch64 instructions() gives one word per instruction, printed as objdump does", () => {
  const a = new Assembler().mov(a64.x0, 0x1234_5678n).ret();
  assert.deepEqual(a.instructions().map(String), [
    "d28acf00",
    "f2a24680",
    "d65f03c0",
  ]);
});
