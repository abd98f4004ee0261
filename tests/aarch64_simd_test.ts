// The AArch64 floating-point and NEON instructions, word for word against
// aarch64-linux-gnu-as over generated operands: every register in every
// position, every arrangement each form takes, every encodable fmov
// immediate, every addressing mode of the SIMD&FP loads and stores, and
// immediates and element indices at their limits. Then the bad operands.
import assert from "node:assert/strict";
import {
  type A64Arrangement,
  type A64Register,
  type A64ScalarRegister,
  type A64VectorRegister,
  Assembler,
  type Condition,
  mem,
  post,
  pre,
  sp,
  wzr,
  xzr,
} from "../arch/aarch64.ts";
import * as a64 from "../arch/aarch64.ts";
import { fmovImmediate } from "../arch/aarch64/floating_point.ts";
import { rejectsInstruction } from "./helpers/error_code.ts";
import { assertMatchesGnu, type Case, gnuAvailable } from "./helpers/gnu_as.ts";
import { assertListsLikeObjdump } from "./helpers/objdump.ts";
import { A64_LISTING } from "../arch/aarch64/listing_style.ts";

const ignore = !(await gnuAvailable("aarch64"));
const all = a64 as unknown as Record<string, unknown>;
const bank = <T>(prefix: string, count = 32): T[] =>
  Array.from({ length: count }, (_, n) => all[`${prefix}${n}`] as T);
const B = bank<A64ScalarRegister>("b");
const H = bank<A64ScalarRegister>("h");
const S = bank<A64ScalarRegister>("s");
const D = bank<A64ScalarRegister>("d");
const Q = bank<A64ScalarRegister>("q");
const V = bank<A64VectorRegister>("v");
const X = [...bank<A64Register>("x", 31), xzr];
const W = [...bank<A64Register>("w", 31), wzr];
const XS = [...bank<A64Register>("x", 31), sp];

type Arrangement = "b8" | "b16" | "h4" | "h8" | "s2" | "s4" | "d1" | "d2";
const INTEGER: Arrangement[] = ["b8", "b16", "h4", "h8", "s2", "s4", "d2"];
const FLOAT: Arrangement[] = ["s2", "s4", "d2"];
const BYTES: Arrangement[] = ["b8", "b16"];
const arr = (n: number, key: Arrangement): A64Arrangement => V[n % 32][key];
const CONDITIONS: Condition[] = [
  "eq",
  "ne",
  "cs",
  "cc",
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

type Method = (...args: unknown[]) => unknown;
/** Every mnemonic the GNU comparisons below have assembled. */
const covered = new Set<string>();

function one(mnemonic: string, args: unknown[], source?: string): Case {
  covered.add(mnemonic);
  const a = new Assembler();
  (a as unknown as Record<string, Method>)[mnemonic].apply(a, args);
  return {
    source: source ?? `${mnemonic} ${args.map(String).join(", ")}`,
    bytes: a.bytes(),
  };
}

/** 32 cases rotating every register through every position. */
function rotate(
  mnemonic: string,
  banks: ((n: number) => unknown)[],
  extra: unknown[] = [],
  spell?: (args: unknown[]) => string,
): Case[] {
  return Array.from({ length: 32 }, (_, i) => {
    const args = [...banks.map((f, k) => f((i + 7 * k) % 32)), ...extra];
    return one(mnemonic, args, spell?.(args));
  });
}

const reg = <T>(list: T[]) => (n: number) => list[n % list.length];

function gnuTest(name: string, cases: () => Case[]): void {
  Deno.test({
    name: `AArch64 SIMD ${name} matches GNU as`,
    ignore,
    async fn(): Promise<void> {
      const generated = cases();
      await assertMatchesGnu("aarch64", generated);
      await assertListsLikeObjdump("aarch64", generated, A64_LISTING);
    },
  });
}

const FP_BINARY = "fadd fsub fmul fdiv fmax fmin fmaxnm fminnm".split(" ");
const FP_UNARY =
  "fabs fneg fsqrt frintn frintm frintp frintz frinta frintx frinti"
    .split(" ");

gnuTest(
  "scalar arithmetic, fused multiply-add and rounding (s, d)",
  () =>
    [S, D].flatMap((r) => [
      ...FP_BINARY.flatMap((m) => rotate(m, [reg(r), reg(r), reg(r)])),
      ...FP_UNARY.flatMap((m) => rotate(m, [reg(r), reg(r)])),
      ..."fmadd fmsub fnmadd fnmsub".split(" ").flatMap((m) =>
        rotate(m, [reg(r), reg(r), reg(r), reg(r)])
      ),
    ]),
);

gnuTest(
  "fcmp, fcmpe (registers and zero), fccmp, fcsel",
  () =>
    [S, D].flatMap((r) => [
      ...["fcmp", "fcmpe"].flatMap((m) => [
        ...rotate(m, [reg(r), reg(r)]),
        ...rotate(m, [reg(r)], [0], ([a]) => `${m} ${a}, #0.0`),
      ]),
      ...CONDITIONS.flatMap((c, i) => [
        one(
          "fccmp",
          [r[i], r[31 - i], i, c],
          `fccmp ${r[i]}, ${r[31 - i]}, #${i}, ${c}`,
        ),
        one("fcsel", [r[i], r[i + 8], r[31 - i], c]),
      ]),
    ]),
);

gnuTest("conversions: scvtf, ucvtf, fcvtzs, fcvtzu (w/x and s/d), fcvt", () => [
  ...[S, D].flatMap((f) =>
    [W, X].flatMap((g) => [
      ...rotate("scvtf", [reg(f), reg(g)]),
      ...rotate("ucvtf", [reg(f), reg(g)]),
      ...rotate("fcvtzs", [reg(g), reg(f)]),
      ...rotate("fcvtzu", [reg(g), reg(f)]),
    ])
  ),
  ...rotate("fcvt", [reg(D), reg(S)]),
  ...rotate("fcvt", [reg(S), reg(D)]),
]);

/** Every value fmov can encode: ±(16 + n)/16 × 2^e. */
const FMOV_IMMEDIATES = Array.from({ length: 256 }, (_, imm8) => {
  const sign = imm8 & 0x80 ? -1 : 1;
  const bcd = (imm8 >> 4) & 7;
  const exponent = bcd & 4 ? (bcd & 3) - 3 : bcd + 1;
  return sign * (16 + (imm8 & 15)) / 16 * 2 ** exponent;
});

gnuTest("fmov: registers, general registers, every encodable immediate", () => [
  ...rotate("fmov", [reg(S), reg(S)]),
  ...rotate("fmov", [reg(D), reg(D)]),
  ...rotate("fmov", [reg(W), reg(S)]),
  ...rotate("fmov", [reg(S), reg(W)]),
  ...rotate("fmov", [reg(X), reg(D)]),
  ...rotate("fmov", [reg(D), reg(X)]),
  ...[S, D].flatMap((r) =>
    FMOV_IMMEDIATES.map((value, i) =>
      one("fmov", [r[i % 32], value], `fmov ${r[i % 32]}, #${value}`)
    )
  ),
  one("fmov", [D[3], 0], "fmov d3, xzr"),
  one("fmov", [S[4], 0], "fmov s4, wzr"),
]);

Deno.test("AArch64 fmov immediates: exactly the 256 values of the encoding", () => {
  assert.equal(new Set(FMOV_IMMEDIATES).size, 256);
  FMOV_IMMEDIATES.forEach((value, imm8) =>
    assert.equal(fmovImmediate(value), imm8)
  );
  for (
    const value of [0.1, 32, 0.0625, 1 / 3, 33, 15.75 + 1 / 32, NaN, Infinity]
  ) {
    assert.equal(fmovImmediate(value), -1, String(value));
  }
});

const sized = [B, H, S, D, Q];
gnuTest(
  "ldr, str, ldur, stur of b, h, s, d, q in every addressing mode",
  () =>
    sized.flatMap((r, log) => {
      const bytes = 1 << log;
      return ["ldr", "str"].flatMap((m) => [
        ...[0, bytes, 4095 * bytes, -256, 255, -1, 17].map((offset, i) =>
          one(m, [r[i * 5 % 32], mem(XS[i * 9 % 32], offset)])
        ).map((c) => ({
          ...c,
          source: c.source.replace(/A64Memory.*$/, ""),
        })),
      ]).map((c, i) => {
        // Spell the address as GNU as does.
        const offsets = [0, bytes, 4095 * bytes, -256, 255, -1, 17];
        const k = i % offsets.length;
        return {
          ...c,
          source: `${c.source.split(" ")[0]} ${r[k * 5 % 32]}, [${
            XS[k * 9 % 32]
          }, #${offsets[k]}]`,
        };
      }).concat(
        ["ldr", "str"].flatMap((m) =>
          Array.from({ length: 32 }, (_, i) => {
            const rt = r[i];
            const base = XS[(i + 3) % 32];
            const index = X[(i + 11) % 31];
            const forms: [unknown, string][] = [
              [pre(base, -256 + i * 16), `[${base}, #${-256 + i * 16}]!`],
              [post(base, 255 - i * 16), `[${base}], #${255 - i * 16}`],
              [mem(base, index), `[${base}, ${index}]`],
              // (For bytes, GNU as's explicit "lsl #0" is another encoding.)
              log === 0
                ? [mem(base, index, 0), `[${base}, ${index}]`]
                : [mem(base, index, log), `[${base}, ${index}, lsl #${log}]`],
            ];
            return forms.map(([address, text]) =>
              one(m, [rt, address], `${m} ${rt}, ${text}`)
            );
          }).flat()
        ),
        ["ldur", "stur"].flatMap((m) =>
          [-256, -1, 0, 1, 8, 255].map((offset, i) =>
            one(
              m,
              [r[i * 6], mem(XS[i * 5], offset)],
              `${m} ${r[i * 6]}, [${XS[i * 5]}, #${offset}]`,
            )
          )
        ),
      );
    }),
);

gnuTest(
  "ldur, stur of w and x registers",
  () =>
    ["ldur", "stur"].flatMap((m) =>
      [W, X].flatMap((r) =>
        [-256, -8, 0, 3, 255].map((offset, i) =>
          one(
            m,
            [r[i * 7], mem(XS[i * 3], offset)],
            `${m} ${r[i * 7]}, [${XS[i * 3]}, #${offset}]`,
          )
        )
      )
    ),
);

gnuTest(
  "ldp, stp of s, d, q (offset, pre, post at the limits)",
  () =>
    [S, D, Q].flatMap((r) => {
      const scale = r[0].bits / 8;
      return ["ldp", "stp"].flatMap((m) =>
        [-64, -1, 0, 1, 63].flatMap((k, i) => {
          const [t1, t2, base] = [r[i * 6], r[(i * 6 + 9) % 32], XS[i * 7]];
          const offset = k * scale;
          return [
            one(
              m,
              [t1, t2, mem(base, offset)],
              `${m} ${t1}, ${t2}, [${base}, #${offset}]`,
            ),
            one(
              m,
              [t1, t2, pre(base, offset)],
              `${m} ${t1}, ${t2}, [${base}, #${offset}]!`,
            ),
            one(
              m,
              [t1, t2, post(base, offset)],
              `${m} ${t1}, ${t2}, [${base}], #${offset}`,
            ),
          ];
        })
      );
    }),
);

const vectors = (keys: Arrangement[], count: number) =>
  keys.map((key) =>
    Array.from({ length: count }, () => (n: number) => arr(n, key))
  );

gnuTest(
  "NEON integer arithmetic and compares (add sub mul addp cmeq cmgt cmge)",
  () =>
    "add sub mul addp cmeq cmgt cmge".split(" ").flatMap((m) =>
      vectors(m === "mul" ? INTEGER.slice(0, 6) : INTEGER, 3).flatMap((banks) =>
        rotate(m, banks)
      )
    ),
);

gnuTest("NEON logic (and orr eor bic bsl bit bif, mov)", () => [
  ..."and orr eor bic bsl bit bif".split(" ").flatMap((m) =>
    vectors(BYTES, 3).flatMap((banks) => rotate(m, banks))
  ),
  ...vectors(BYTES, 2).flatMap((banks) => rotate("mov", banks)),
]);

gnuTest(
  "NEON floating point (fadd ... fcmgt, faddp; fabs fneg fsqrt scvtf ucvtf fcvtzs fcvtzu)",
  () => [
    ..."fadd fsub fmul fdiv fmax fmin fmaxnm fminnm fmla fmls fcmeq fcmge fcmgt faddp"
      .split(" ").flatMap((m) =>
        vectors(FLOAT, 3).flatMap((b) => rotate(m, b))
      ),
    ..."fabs fneg fsqrt scvtf ucvtf fcvtzs fcvtzu".split(" ").flatMap((m) =>
      vectors(FLOAT, 2).flatMap((b) => rotate(m, b))
    ),
  ],
);

gnuTest("NEON reductions (addv fmaxv fminv, scalar faddp and addp)", () => [
  ...(["b8", "b16", "h4", "h8", "s4"] as Arrangement[]).flatMap((key) => {
    const dst = { 8: B, 16: H, 32: S }[V[0][key].elementBits as 8 | 16 | 32];
    return rotate("addv", [reg(dst), (n) => arr(n, key)]);
  }),
  ...["fmaxv", "fminv"].flatMap((m) =>
    rotate(m, [reg(S), (n) => arr(n, "s4")])
  ),
  ...rotate("faddp", [reg(S), (n) => arr(n, "s2")]),
  ...rotate("faddp", [reg(D), (n) => arr(n, "d2")]),
  ...rotate("addp", [reg(D), (n) => arr(n, "d2")]),
]);

const ELEMENTS = [["b", 8, 16], ["h", 16, 8], ["s", 32, 4], [
  "d",
  64,
  2,
]] as const;
const element = (n: number, letter: "b" | "h" | "s" | "d", index: number) =>
  V[n % 32][letter](index);

gnuTest(
  "NEON element moves (dup, ins, mov, umov, smov)",
  () =>
    ELEMENTS.flatMap(([letter, bits, lanes]) => {
      const keys = INTEGER.filter((k) => V[0][k].elementBits === bits);
      const general = bits === 64 ? X : W;
      return Array.from({ length: 32 }, (_, i) => {
        const index = i % lanes;
        const cases = [
          ...keys.map((k) =>
            one("dup", [arr(i, k), element(i + 9, letter, index)])
          ),
          ...keys.map((k) => one("dup", [arr(i, k), general[(i + 4) % 32]])),
          one("ins", [element(i, letter, index), general[(i + 2) % 32]]),
          one("ins", [
            element(i, letter, index),
            element(i + 5, letter, lanes - 1 - index),
          ]),
          one(
            "mov",
            [element(i, letter, index), general[(i + 3) % 32]],
            `ins ${element(i, letter, index)}, ${general[(i + 3) % 32]}`,
          ),
          one("umov", [
            bits === 64 ? X[i] : W[i],
            element(i + 1, letter, index),
          ]),
        ];
        if (bits >= 32) {
          cases.push(
            one(
              "mov",
              [bits === 64 ? X[i] : W[i], element(i + 6, letter, index)],
              `umov ${bits === 64 ? X[i] : W[i]}, ${
                element(i + 6, letter, index)
              }`,
            ),
          );
        }
        if (bits <= 16) {
          cases.push(one("smov", [W[i], element(i + 2, letter, index)]));
        }
        if (bits <= 32) {
          cases.push(one("smov", [X[i], element(i + 2, letter, index)]));
        }
        return cases;
      }).flat();
    }),
);

gnuTest("NEON movi and mvni (every form, immediates at the limits)", () => {
  const cases: Case[] = [];
  const spell = (
    m: string,
    a: A64Arrangement | A64ScalarRegister,
    imm: number,
    shift: string,
  ) => `${m} ${a}, #${imm}${shift}`;
  [0, 1, 0x55, 0x80, 0xff].forEach((imm, i) => {
    for (const key of BYTES) {
      cases.push(
        one(
          "movi",
          [arr(i * 7, key), imm],
          spell("movi", arr(i * 7, key), imm, ""),
        ),
      );
    }
    for (const m of ["movi", "mvni"]) {
      for (const key of ["h4", "h8"] as Arrangement[]) {
        for (const shift of [0, 8]) {
          cases.push(
            one(
              m,
              [arr(i + shift, key), imm, shift],
              spell(m, arr(i + shift, key), imm, `, lsl #${shift}`),
            ),
          );
        }
      }
      for (const key of ["s2", "s4"] as Arrangement[]) {
        for (const shift of [0, 8, 16, 24]) {
          cases.push(
            one(
              m,
              [arr(i + shift, key), imm, shift],
              spell(m, arr(i + shift, key), imm, `, lsl #${shift}`),
            ),
          );
        }
        for (const msl of [8, 16] as const) {
          cases.push(
            one(
              m,
              [arr(i + msl, key), imm, { msl }],
              spell(m, arr(i + msl, key), imm, `, msl #${msl}`),
            ),
          );
        }
      }
    }
  });
  for (
    const [mask, text] of [
      [0n, "0"],
      [0xff00ff00ff00ff00n, "0xff00ff00ff00ff00"],
      [-1n, "0xffffffffffffffff"],
      [0xffn, "0xff"],
    ] as const
  ) {
    cases.push(one("movi", [V[5].d2, mask], `movi v5.2d, #${text}`));
    cases.push(one("movi", [D[9], mask], `movi d9, #${text}`));
  }
  return cases;
});

gnuTest(
  "NEON ld1, st1 (1-4 registers, plain and post-indexed), ld1r",
  () =>
    INTEGER.flatMap((key) =>
      [1, 2, 3, 4].flatMap((count) =>
        Array.from({ length: 8 }, (_, i) => {
          const first = i * 4 + count; // wraps past v31 at times
          const list = Array.from(
            { length: count },
            (_, k) => arr(first + k, key),
          );
          const base = XS[(i * 5) % 32];
          const bytes = count * V[0][key].bits / 8;
          const text = `{${list.join(", ")}}`;
          return ["ld1", "st1"].flatMap((m) => [
            one(m, [list, mem(base)], `${m} ${text}, [${base}]`),
            one(
              m,
              [list, post(base, bytes)],
              `${m} ${text}, [${base}], #${bytes}`,
            ),
          ]);
        }).flat()
      ).concat(
        Array.from({ length: 8 }, (_, i) => {
          const base = XS[(i * 3 + 1) % 32];
          const bytes = V[0][key].elementBits / 8;
          return [
            one(
              "ld1r",
              [[arr(i * 4, key)], mem(base)],
              `ld1r {${arr(i * 4, key)}}, [${base}]`,
            ),
            one(
              "ld1r",
              [arr(i * 4 + 1, key), post(base, bytes)],
              `ld1r {${arr(i * 4 + 1, key)}}, [${base}], #${bytes}`,
            ),
          ];
        }).flat(),
      )
    ),
);

gnuTest("NEON permutes (ext zip1 zip2 uzp1 uzp2 trn1 trn2)", () => [
  ...BYTES.flatMap((key) =>
    Array.from(
      { length: V[0][key].lanes },
      (_, index) =>
        one(
          "ext",
          [arr(index, key), arr(index + 3, key), arr(index + 20, key), index],
          `ext ${arr(index, key)}, ${arr(index + 3, key)}, ${
            arr(index + 20, key)
          }, #${index}`,
        ),
    )
  ),
  ..."zip1 zip2 uzp1 uzp2 trn1 trn2".split(" ").flatMap((m) =>
    vectors(INTEGER, 3).flatMap((banks) => rotate(m, banks))
  ),
]);

gnuTest(
  "NEON shifts, widening and narrowing (shl ushr sshr sxtl uxtl xtn)",
  () => [
    ...INTEGER.flatMap((key) => {
      const bits = V[0][key].elementBits;
      return [
        ...[0, 1, bits >> 1, bits - 1].map((n, i) =>
          one(
            "shl",
            [arr(i, key), arr(i + 9, key), n],
            `shl ${arr(i, key)}, ${arr(i + 9, key)}, #${n}`,
          )
        ),
        ...["ushr", "sshr"].flatMap((m) =>
          [1, 2, bits >> 1, bits].map((n, i) =>
            one(
              m,
              [arr(i * 3, key), arr(i + 30, key), n],
              `${m} ${arr(i * 3, key)}, ${arr(i + 30, key)}, #${n}`,
            )
          )
        ),
      ];
    }),
    ...([["h8", "b8"], ["s4", "h4"], ["d2", "s2"]] as [
      Arrangement,
      Arrangement,
    ][]).flatMap(
      ([wide, narrow]) => [
        ...rotate("sxtl", [(n) => arr(n, wide), (n) => arr(n, narrow)]),
        ...rotate("uxtl", [(n) => arr(n, wide), (n) => arr(n, narrow)]),
        ...rotate("xtn", [(n) => arr(n, narrow), (n) => arr(n, wide)]),
      ],
    ),
  ],
);

// Registered after the comparisons, so it runs after them.
Deno.test({
  name:
    "AArch64 SIMD: every floating-point and vector method is compared with GNU as",
  ignore,
  fn(): void {
    const methods = [
      ...Object.getOwnPropertyNames(a64.A64SimdAssembler.prototype),
      // Shared with integer instructions, on Assembler itself.
      ..."add sub mul and orr eor mov ldr str ldp stp ldur stur".split(" "),
    ].filter((name) => name !== "constructor");
    assert.deepEqual(methods.filter((m) => !covered.has(m)), []);
    assert.ok(methods.length >= 80, `only ${methods.length} methods`);
  },
});

const rejects = (emit: (a: Assembler) => unknown, message: RegExp) =>
  rejectsInstruction(new Assembler(), emit, message);

Deno.test("AArch64 SIMD bad operands throw INVALID_ARGUMENT naming the instruction and emit nothing", () => {
  const { s0, s1, d0, d1, d2, q0, v0, v1, v2, x0, w0, x1 } = a64;
  rejects(
    (a) => a.fadd(d0, d1, s0),
    /^fadd: registers of different precisions/,
  );
  rejects(
    (a) => a.fadd(d0, d1, x0 as never),
    /^fadd: expected an s or d register, got x0/,
  );
  rejects(
    (a) => a.fadd(q0, q0, q0),
    /^fadd: expected an s or d register, got q0/,
  );
  rejects((a) => a.fadd(v0.s4, v1.s4, v2.d2), /^fadd: mismatched arrangements/);
  rejects(
    (a) => a.fadd(v0.b16, v1.b16, v2.b16),
    /^fadd: v0.16b is not one of the arrangements it takes \(2s, 4s, 2d\)/,
  );
  rejects(
    (a) => a.add(v0.s4, v1.s4, x0 as never),
    /^add: expected a vector arrangement/,
  );
  rejects(
    (a) => a.mul(v0.d2, v1.d2, v2.d2),
    /^mul: v0.2d is not one of the arrangements/,
  );
  rejects(
    (a) => a.and(v0.s4, v1.s4, v2.s4),
    /^and: v0.4s is not one of the arrangements it takes \(8b, 16b\)/,
  );
  rejects((a) => a.fmov(d0, 0.1), /^fmov: 0.1 is not an encodable immediate/);
  rejects((a) => a.fmov(d0, w0), /^fmov: sizes differ/);
  rejects((a) => a.fcmp(d0, 1 as 0), /^fcmp: only 0 can be compared with/);
  rejects(
    (a) => a.fccmp(d0, d1, 16, "eq"),
    /^fccmp: the flags value must be 0..15/,
  );
  rejects(
    (a) => a.fcsel(d0, d1, d2, "zz" as Condition),
    /^fcsel: unknown condition zz/,
  );
  rejects((a) => a.fcvt(d0, d1), /^fcvt: converts between s and d/);
  rejects(
    (a) => a.scvtf(d0, s1 as never),
    /^scvtf: expected a register, got s1/,
  );
  rejects(
    (a) => a.ldr(q0, mem(x0, 4104)),
    /^ldr: offset 4104 is neither a multiple of 16/,
  );
  rejects(
    (a) => a.ldur(d0, mem(x0, 256)),
    /^ldur: offset 256 is not -256..255/,
  );
  rejects(
    (a) => a.ldur(d0, post(x0, 8)),
    /^ldur: takes mem\(base, offset\) only/,
  );
  rejects(
    (a) => a.ldp(d0, s1, mem(x0)),
    /^ldp: expected two s, d or q registers of one size/,
  );
  rejects((a) => a.dup(v0.s4, x0), /^dup: v0.4s takes a w register, not x0/);
  rejects((a) => a.dup(v0.s4, v1.d(0)), /^dup: element sizes differ/);
  rejects((a) => a.umov(w0, v1.d(0)), /^umov: cannot move v1.d\[0\] to w0/);
  rejects((a) => a.smov(w0, v1.s(0)), /^smov: cannot move v1.s\[0\] to w0/);
  rejects(
    (a) => a.mov(x0, v1.s(1)),
    /^mov: mov takes an s element to a w register/,
  );
  rejects(() => v0.s(4), /^v0.s: element index 4 is not 0..3/);
  rejects((a) => a.movi(v0.s4, 256), /^movi: the immediate must be 0..255/);
  rejects(
    (a) => a.movi(v0.s4, 1, 4),
    /^movi: the shift must be lsl 0, 8, 16, 24/,
  );
  rejects(
    (a) => a.movi(v0.d2, 0x1234n),
    /^movi: every byte of a 64-bit immediate must be 0 or 0xff/,
  );
  rejects(
    (a) => a.mvni(v0.b16, 1),
    /^mvni: v0.16b is not one of the arrangements/,
  );
  rejects(
    (a) => a.ld1([v0.s4, v2.s4], mem(x0)),
    /^ld1: the registers must be consecutive/,
  );
  rejects(
    (a) => a.ld1([v0.s4, v1.s2], mem(x0)),
    /^ld1: mismatched arrangements/,
  );
  rejects(
    (a) => a.ld1([v0.s4, v1.s4], post(x0, 16)),
    /^ld1: expected \[base\] or a post-index of exactly 32 bytes/,
  );
  rejects((a) => a.st1([], mem(x0)), /^st1: expected 1 to 4 registers/);
  rejects((a) => a.ext(v0.b8, v1.b8, v2.b8, 8), /^ext: the index must be 0..7/);
  rejects(
    (a) => a.shl(v0.s4, v1.s4, 32),
    /^shl: the shift must be 0..31 for v0.4s/,
  );
  rejects((a) => a.ushr(v0.h8, v1.h8, 0), /^ushr: the shift must be 1..16/);
  rejects(
    (a) => a.sxtl(v0.s4, v1.b8),
    /^sxtl: v0.4s is not twice the elements of v1.8b/,
  );
  rejects(
    (a) => a.addv(d0, v1.d2),
    /^addv: v1.2d is not one of the arrangements/,
  );
  rejects((a) => a.addv(s0, v1.h8), /^addv: expected an h register, got s0/);
  rejects(
    (a) => a.faddp(d0, v1.d2, v2.d2),
    /^faddp: the scalar form takes two operands/,
  );
  rejects(
    (a) => a.fmla(v0.s4, null as never, v1.s4),
    /^fmla: expected a vector arrangement such as v0.s4, got null/,
  );
  rejects(
    (a) => a.ins(v0.s(0), x1),
    /^ins: v0.s\[0\] takes a w register, not x1/,
  );
});
