// Floating-point and vector code built with the host CPU's assembler,
// committed and called through fast calls (and the portable path): x86-64
// natively (SSE2, and AVX2 + FMA where cpuFeatures() has them), AArch64
// with NEON in the emulated suite, Windows x64 under Wine. Scalar results
// must be bit-identical to the same TypeScript arithmetic; kernels agree
// with TypeScript loops within 1e-12 (f64).
import assert from "node:assert/strict";
import * as a64 from "../arch/aarch64.ts";
import * as x86 from "../arch/x86_64.ts";
import { CodePool, type CodeSpan, cpuFeatures } from "../mod.ts";
import { availablePaths, kernels, values } from "../examples/kernels.ts";
import * as reference from "../examples/kernels/reference.ts";

const onX86 = Deno.build.arch === "x86_64";
const cpu = cpuFeatures();
const cc = x86.callingConvention();

/** Awkward doubles: signed zeros, infinities, NaN, subnormals, extremes. */
const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.1,
  -2.5,
  1e308,
  -1e308,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  Infinity,
  -Infinity,
  NaN,
  Math.PI,
  1 / 3,
  2 ** 53,
  -(2 ** 31),
  12345.6789,
];
const RANDOM = values(64, 7).map((v, i) =>
  (i % 2 ? -v : v) * 10 ** ((i % 13) - 6)
);
const DOUBLES = [...SPECIAL, ...RANDOM];

function sameBits(ours: number, theirs: number, what: string): void {
  assert.ok(
    Object.is(ours, theirs) || (Number.isNaN(ours) && Number.isNaN(theirs)),
    `${what}: ${ours}, expected ${theirs}`,
  );
}

/** Commits one function per assembler and returns its spans. */
function commit(
  ...assemblers: (x86.Assembler | a64.Assembler)[]
): { pool: CodePool; spans: CodeSpan[] } {
  const pool = new CodePool();
  return { pool, spans: pool.addMany(assemblers) };
}

const F64_2 = { parameters: ["f64", "f64"], result: "f64" } as const;
const F32_2 = { parameters: ["f32", "f32"], result: "f32" } as const;

/** Scalar arithmetic functions, each with its TypeScript meaning. */
function scalarFunctions(): [
  string,
  x86.Assembler | a64.Assembler,
  (a: number, b: number) => number,
][] {
  if (onX86) {
    const { xmm0, xmm1, xmm2 } = x86;
    const A = () => new x86.Assembler();
    return [
      [
        "a*b + a",
        A().movapd(xmm2, xmm0).mulsd(xmm0, xmm1).addsd(xmm0, xmm2).ret(),
        (a, b) => a * b + a,
      ],
      [
        "(a - b) / a",
        A().movapd(xmm2, xmm0).subsd(xmm0, xmm1).divsd(xmm0, xmm2).ret(),
        (a, b) => (a - b) / a,
      ],
      [
        "sqrt(|a|) + b",
        A().movq(x86.rax, xmm0).shl(x86.rax, 1).shr(x86.rax, 1).movq(
          xmm0,
          x86.rax,
        ).sqrtsd(xmm0, xmm0).addsd(xmm0, xmm1).ret(),
        (a, b) => Math.sqrt(Math.abs(a)) + b,
      ],
      [
        "-a (xorpd with the sign bit)",
        A().xorpd(xmm1, xmm1).subsd(xmm1, xmm0).movapd(xmm0, xmm1).ret(),
        (a) => 0 - a,
      ],
      [
        "a > b ? a : b (ucomisd, ja)",
        (() => {
          const a = A();
          const done = a.label();
          return a.ucomisd(xmm0, xmm1).ja(done).movapd(xmm0, xmm1).bind(done)
            .ret();
        })(),
        (a, b) => a > b ? a : b,
      ],
      [
        "a < b ? -1 : a == b ? 0 : 1 (comisd, flags)",
        (() => {
          const a = A();
          const less = a.label();
          const done = a.label();
          return a.comisd(xmm0, xmm1).jb(less).je(done)
            .mov(x86.eax, 1).cvtsi2sd(xmm0, x86.eax).ret()
            .bind(done).xorpd(xmm0, xmm0).ret()
            .bind(less).mov(x86.eax, -1).cvtsi2sd(xmm0, x86.eax).ret();
        })(),
        (a, b) =>
          Number.isNaN(a) || Number.isNaN(b)
            ? -1 /* unordered sets CF */
            : a < b
            ? -1
            : a === b
            ? 0
            : 1,
      ],
      [
        "vaddsd/vmulsd (AVX)",
        A().vmulsd(xmm2, xmm0, xmm1).vaddsd(xmm0, xmm2, xmm0).ret(),
        (a, b) => a * b + a,
      ],
    ];
  }
  const { d0, d1, d2, x0 } = a64;
  const A = () => new a64.Assembler();
  return [
    [
      "a*b + a",
      A().fmul(d2, d0, d1).fadd(d0, d2, d0).ret(),
      (a, b) => a * b + a,
    ],
    [
      "(a - b) / a",
      A().fsub(d2, d0, d1).fdiv(d0, d2, d0).ret(),
      (a, b) => (a - b) / a,
    ],
    [
      "sqrt(|a|) + b",
      A().fabs(d0, d0).fsqrt(d0, d0).fadd(d0, d0, d1).ret(),
      (a, b) => Math.sqrt(Math.abs(a)) + b,
    ],
    [
      "-a (fmov through x0, eor the sign bit)",
      A().fmov(x0, d0).eor(x0, x0, 0x8000_0000_0000_0000n).fmov(d0, x0).ret(),
      (a) => -a,
    ],
    [
      "a > b ? a : b (fcmp, fcsel gt)",
      A().fcmp(d0, d1).fcsel(d0, d0, d1, "gt").ret(),
      (a, b) => a > b ? a : b,
    ],
    [
      "a < b ? -1 : a == b ? 0 : 1 (fcmp, branches)",
      (() => {
        const a = A();
        const less = a.label();
        const done = a.label();
        return a.fcmp(d0, d1).bcond("mi", less).bcond("eq", done)
          .fmov(d0, 1).ret()
          .bind(done).fmov(d0, 0).ret()
          .bind(less).fmov(d0, -1).ret();
      })(),
      (a, b) =>
        Number.isNaN(a) || Number.isNaN(b)
          ? 1 /* unordered: neither mi nor eq */
          : a < b
          ? -1
          : a === b
          ? 0
          : 1,
    ],
    [
      "fnmul via fneg(a*b) - a",
      A().fmul(d2, d0, d1).fneg(d2, d2).fsub(d0, d2, d0).ret(),
      (a, b) => -(a * b) - a,
    ],
  ];
}

Deno.test("scalar f64 functions are bit-identical to TypeScript, fast and portable", () => {
  const list = scalarFunctions();
  if (list.some(([name]) => name.includes("AVX")) && !cpu.has("avx")) {
    console.log("skipped: the AVX variant (no AVX here)");
    list.splice(list.findIndex(([name]) => name.includes("AVX")), 1);
  }
  const { pool, spans } = commit(...list.map(([, code]) => code));
  using _ = pool;
  list.forEach(([name, , meaning], k) => {
    for (const fast of [true, false]) {
      const f = spans[k].asFunction(F64_2, { fast });
      for (const [index, a] of DOUBLES.entries()) {
        for (
          const b of [
            DOUBLES[(index * 7) % DOUBLES.length],
            3,
            -0,
            NaN,
          ]
        ) {
          sameBits(f(a, b), meaning(a, b), `${name} (${a}, ${b}) fast=${fast}`);
        }
      }
    }
  });
});

Deno.test("scalar f32 arithmetic is bit-identical to Math.fround arithmetic", () => {
  const code = onX86
    ? new x86.Assembler().mulss(x86.xmm1, x86.xmm0).subss(x86.xmm1, x86.xmm0)
      .movaps(x86.xmm0, x86.xmm1).ret()
    : new a64.Assembler().fmul(a64.s1, a64.s1, a64.s0).fsub(
      a64.s0,
      a64.s1,
      a64.s0,
    ).ret();
  const { pool, spans } = commit(code);
  using _ = pool;
  const f = spans[0].asFunction(F32_2, { fast: true });
  for (const a of DOUBLES) {
    const b = Math.fround(a * 1.25 + 0.5);
    const fa = Math.fround(a);
    sameBits(f(a, b), Math.fround(Math.fround(b * fa) - fa), `(${a}, ${b})`);
  }
});

Deno.test("conversions: i64 -> f64, f64 -> i32 (truncating), f64 <-> f32", () => {
  const int = cc.integerArguments[0];
  const [toDouble, toInt, narrow] = onX86
    ? [
      new x86.Assembler().cvtsi2sd(x86.xmm0, int).ret(),
      new x86.Assembler().cvttsd2si(x86.eax, x86.xmm0).ret(),
      new x86.Assembler().cvtsd2ss(x86.xmm0, x86.xmm0).cvtss2sd(
        x86.xmm0,
        x86.xmm0,
      ).ret(),
    ]
    : [
      new a64.Assembler().scvtf(a64.d0, a64.x0).ret(),
      new a64.Assembler().fcvtzs(a64.w0, a64.d0).ret(),
      new a64.Assembler().fcvt(a64.s0, a64.d0).fcvt(a64.d0, a64.s0).ret(),
    ];
  const { pool, spans } = commit(toDouble, toInt, narrow);
  using _ = pool;
  const i64ToF64 = spans[0].asFunction({ parameters: ["i64"], result: "f64" }, {
    fast: true,
  });
  const f64ToI32 = spans[1].asFunction({ parameters: ["f64"], result: "i32" }, {
    fast: true,
  });
  const roundTrip = spans[2].asFunction(
    { parameters: ["f64"], result: "f64" },
    { fast: true },
  );
  for (
    const n of [
      0n,
      1n,
      -1n,
      2n ** 53n + 1n,
      -(2n ** 63n),
      2n ** 63n - 1n,
      123456789012345678n,
    ]
  ) {
    sameBits(i64ToF64(n), Number(n), `i64 ${n}`);
  }
  for (const v of DOUBLES.filter((v) => Math.abs(v) < 2 ** 31)) {
    assert.equal(f64ToI32(v), Math.trunc(v) | 0, `f64 ${v}`);
  }
  for (const v of DOUBLES) {
    sameBits(roundTrip(v), Math.fround(v), `fround ${v}`);
  }
});

/** Rounding the way `roundsd`'s mode 0 and `frintn` do: ties to even. */
function roundEven(v: number): number {
  if (!Number.isFinite(v)) return v;
  const floor = Math.floor(v);
  const diff = v - floor;
  const rounded = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0)
    ? floor + 1
    : floor;
  return rounded === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : rounded;
}

Deno.test("rounding: nearest-even, floor, ceiling, toward zero", () => {
  const modes: [number, keyof a64.Assembler, (v: number) => number][] = [
    [0, "frintn", roundEven],
    [1, "frintm", Math.floor],
    [2, "frintp", Math.ceil],
    [3, "frintz", Math.trunc],
  ];
  if (onX86 && !cpu.has("sse4.1")) {
    console.log("skipped: roundsd needs SSE4.1, absent here");
    return;
  }
  const assemblers = modes.map(([mode, mnemonic]) => {
    if (onX86) {
      return new x86.Assembler().roundsd(x86.xmm0, x86.xmm0, mode).ret();
    }
    const a = new a64.Assembler();
    (a[mnemonic] as (x: unknown, y: unknown) => unknown).call(
      a,
      a64.d0,
      a64.d0,
    );
    return a.ret();
  });
  const { pool, spans } = commit(...assemblers);
  using _ = pool;
  modes.forEach(([mode, , meaning], k) => {
    const f = spans[k].asFunction({ parameters: ["f64"], result: "f64" }, {
      fast: true,
    });
    for (
      const v of [
        ...DOUBLES,
        0.5,
        1.5,
        2.5,
        -0.5,
        -1.5,
        -2.5,
        0.49999999999999994,
      ]
    ) {
      sameBits(f(v), meaning(v), `mode ${mode} of ${v}`);
    }
  });
});

Deno.test("fused multiply-add rounds once (vfmadd231sd / fmadd)", () => {
  if (onX86 && !cpu.has("fma")) {
    console.log("skipped: no FMA here");
    return;
  }
  // a*b + c with a = b = 1 + 2^-30, c = -(1 + 2^-29): exactly 2^-60, which
  // a rounded product loses.
  const { xmm0, xmm1, xmm2 } = x86;
  const code = onX86
    ? new x86.Assembler().vfmadd213sd(xmm0, xmm1, xmm2).ret()
    : new a64.Assembler().fmadd(a64.d0, a64.d0, a64.d1, a64.d2).ret();
  const { pool, spans } = commit(code);
  using _ = pool;
  const fma = spans[0].asFunction({
    parameters: ["f64", "f64", "f64"],
    result: "f64",
  });
  const a = 1 + 2 ** -30;
  assert.equal(fma(a, a, -(1 + 2 ** -29)), 2 ** -60);
  assert.equal(
    a * a - (1 + 2 ** -29),
    0,
    "the unfused TypeScript value differs",
  );
  assert.equal(fma(2, 3, 4), 10);
});

// One test for every path the CPU has, so that every run registers the
// same tests.
Deno.test("kernels: dot, axpy and convolve3x3 agree with TypeScript at every length, on every path this CPU runs", () => {
  for (const path of availablePaths()) {
    using k = kernels(path);
    for (const n of [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 100, 4096]) {
      const x = values(n, n + 1);
      const y = values(n, n + 2);
      const dot = k.dot(x, y, BigInt(n));
      const expected = reference.dot(x, y);
      if (n === 0) assert.equal(dot, 0);
      else {assert.ok(
          Math.abs(dot - expected) / expected <= 1e-12,
          `dot n=${n}`,
        );}
      const ours = y.slice();
      const theirs = y.slice();
      k.axpy(-1.25, x, ours, BigInt(n));
      reference.axpy(-1.25, x, theirs);
      theirs.forEach((value, i) =>
        assert.ok(
          Math.abs(ours[i] - value) <= 1e-12 * Math.abs(value),
          `axpy n=${n} [${i}]: ${ours[i]} vs ${value}`,
        )
      );
      // The elements past n are never touched.
      const guarded = new Float64Array(n + 4).fill(7);
      k.axpy(2, x, guarded.subarray(0, n), BigInt(n));
      assert.deepEqual([...guarded.subarray(n)], [7, 7, 7, 7]);
    }
    for (
      const [width, height] of [[3, 3], [4, 5], [11, 4], [12, 12], [37, 9], [
        2,
        9,
      ], [9, 2]]
    ) {
      const image = Float32Array.from(
        values(width * height, width * 31 + height),
      );
      const weights = Float32Array.from(values(9, 5)).map((w, i) =>
        i % 2 ? -w : w
      );
      const size = Math.max(0, width - 2) * Math.max(0, height - 2);
      const ours = new Float32Array(size + 4).fill(9);
      const theirs = new Float32Array(size);
      k.convolve3x3(image, ours, weights, BigInt(width), BigInt(height));
      reference.convolve3x3(image, theirs, weights, width, height);
      theirs.forEach((value, i) =>
        assert.ok(
          Math.abs(ours[i] - value) <= 1e-5 * Math.max(1, Math.abs(value)),
          `convolve ${width}x${height} [${i}]: ${ours[i]} vs ${value}`,
        )
      );
      assert.deepEqual(
        [...ours.subarray(size)],
        [9, 9, 9, 9],
        "nothing written past the output",
      );
    }
  }
});

Deno.test("kernels: the paths this CPU runs are the ones cpuFeatures() reports", () => {
  const paths = availablePaths();
  if (onX86) {
    assert.ok(paths.includes("sse2"));
    assert.equal(paths.includes("avx2+fma"), cpu.has("avx2") && cpu.has("fma"));
    if (!paths.includes("avx2+fma")) {
      console.log("skipped: avx2+fma (not here)");
    }
  } else {
    assert.deepEqual(paths, ["neon"]);
  }
});
