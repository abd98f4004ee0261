// The x86-64 SSE/AVX/FMA instructions, byte for byte against GNU as (Intel
// syntax), over generated operands: every register in every position,
// xmm and ymm where a form takes both, addressing forms around the special
// cases, and immediates at their boundaries. Then the bad operands.
import assert from "node:assert/strict";
import {
  Assembler,
  dword,
  mem,
  qword,
  type X86Memory,
  type X86Register,
  type X86VectorRegister,
  xmmword,
  ymmword,
} from "../arch/x86_64.ts";
import * as x86 from "../arch/x86_64.ts";
import { rejectsInstruction } from "./helpers/error_code.ts";
import { assertMatchesGnu, type Case, gnuAvailable } from "./helpers/gnu_as.ts";
import { assertListsLikeObjdump } from "./helpers/objdump.ts";
import { X86_LISTING } from "../arch/x86_64/listing_style.ts";

const ignore = !(await gnuAvailable("x86_64"));

type Operand = X86VectorRegister | X86Register | X86Memory | number;
/** An operand with GNU as's spelling of it. */
type Spelled = [Operand, string];

const registers = (prefix: string): Spelled[] =>
  Array.from({ length: 16 }, (_, n) => {
    const name = prefix === "r"
      ? ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"][n] ?? `r${n}`
      : prefix === "e"
      ? ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"][n] ?? `r${n}d`
      : `${prefix}${n}`;
    return [(x86 as unknown as Record<string, Operand>)[name], name];
  });
const XMM = registers("xmm");
const YMM = registers("ymm");
const R64 = registers("r");
const R32 = registers("e");

/** Addresses around the encoding's special cases. */
const ADDRESSES: [X86Memory, string][] = [
  [mem(x86.rdi), "[rdi]"],
  [mem(x86.rbp, -8), "[rbp-8]"],
  [mem(x86.r13), "[r13]"],
  [mem(x86.rsp, 0x100), "[rsp+256]"],
  [mem(x86.r12, x86.rax, 4, 12), "[r12+rax*4+12]"],
  [mem(x86.rax, x86.r15, 8, -0x1000), "[rax+r15*8-4096]"],
  [mem(x86.r9, x86.r10, 2), "[r9+r10*2]"],
];
const IMMEDIATES = [0, 1, 0x7f, 0x80, 0xff, -1, -128, 0x1b];

/** Unsized addresses; with `size`, stated as GNU as needs them. */
function addresses(
  size?: (m: X86Memory) => X86Memory,
  prefix = "",
): Spelled[] {
  return ADDRESSES.map(([m, s]) => [size ? size(m) : m, `${prefix}${s}`]);
}

/**
 * Cases for every register in every position (rotated so that each
 * position sees all 16), then each address in the memory position.
 */
function cases(
  mnemonic: string,
  positions: Spelled[][],
): Case[] {
  const out: Case[] = [];
  const count = Math.max(1, ...positions.map((p) => p.length));
  for (let i = 0; i < count; i++) {
    const picked = positions.map((p, k) => p[(i + 5 * k) % p.length]);
    const a = new Assembler() as unknown as Record<
      string,
      (...args: Operand[]) => Assembler
    >;
    a[mnemonic](...picked.map(([o]) => o));
    out.push({
      source: `${mnemonic} ${picked.map(([, s]) => s).join(", ")}`.trim(),
      bytes: (a as unknown as Assembler).bytes(),
    });
  }
  return out;
}

const imm: Spelled[] = IMMEDIATES.map((n) => [n, String(n)]);
const vectors = (lengths: number): Spelled[][] =>
  lengths === 1 ? [XMM] : lengths === 2 ? [YMM] : [XMM, YMM];

/** Every form of the mnemonics of one shape. */
const SHAPES: Record<string, [string[], (m: string) => Case[]]> = {
  "sse": [
    "addss addsd addps addpd subss subsd subps subpd mulss mulsd mulps mulpd divss divsd divps divpd minss minsd minps minpd maxss maxsd maxps maxpd sqrtss sqrtsd sqrtps sqrtpd andps andpd andnps andnpd orps orpd xorps xorpd comiss comisd ucomiss ucomisd cvtss2sd cvtsd2ss cvtdq2pd cvtdq2ps cvttpd2dq cvttps2dq unpcklps unpcklpd unpckhps unpckhpd pxor pand pandn por paddb paddw paddd paddq psubb psubw psubd psubq pmullw pmuludq pcmpeqb pcmpeqd pcmpgtd pmulld pminsd pmaxsd ptest"
      .split(" "),
    (m) => [...cases(m, [XMM, XMM]), ...cases(m, [XMM, addresses()])],
  ],
  "sseImm": [
    "shufps shufpd pshufd roundss roundsd roundps roundpd".split(" "),
    (m) => [
      ...cases(m, [XMM, XMM, imm]),
      ...cases(m, [XMM, addresses(), imm]),
    ],
  ],
  "sseMove": [
    "movss movsd movaps movups movapd movupd movdqa movdqu".split(" "),
    (m) => [
      ...cases(m, [XMM, XMM]),
      ...cases(m, [XMM, addresses()]),
      ...cases(m, [addresses(), XMM]),
    ],
  ],
  "movd": [["movd"], (m) => [
    ...cases(m, [XMM, R32]),
    ...cases(m, [R32, XMM]),
    ...cases(m, [XMM, addresses()]),
    ...cases(m, [addresses(), XMM]),
  ]],
  "movq": [["movq"], (m) => [
    ...cases(m, [XMM, R64]),
    ...cases(m, [R64, XMM]),
    ...cases(m, [XMM, XMM]),
    ...cases(m, [XMM, addresses()]),
    ...cases(m, [addresses(), XMM]),
  ]],
  "fromInt": [["cvtsi2ss", "cvtsi2sd"], (m) => [
    ...cases(m, [XMM, R32]),
    ...cases(m, [XMM, R64]),
    ...cases(m, [XMM, addresses(dword, "DWORD PTR ")]),
    ...cases(m, [XMM, addresses(qword, "QWORD PTR ")]),
  ]],
  "toInt": [["cvttss2si", "cvtss2si", "cvttsd2si", "cvtsd2si"], (m) => [
    ...cases(m, [R32, XMM]),
    ...cases(m, [R64, XMM]),
    ...cases(m, [R64, addresses()]),
  ]],
  "shift": [
    ["psllq", "psrlq", "psrad"],
    (m) => cases(m, [XMM, imm]),
  ],
  "blendv": [["blendvpd"], (m) => [
    ...cases(m, [XMM, XMM]),
    ...cases(m, [XMM, addresses(), [[x86.xmm0, "xmm0"]]]),
  ]],
  "insert": [["pinsrd", "pinsrq"], (m) => {
    const r = m.endsWith("q") ? R64 : R32;
    return [...cases(m, [XMM, r, imm]), ...cases(m, [XMM, addresses(), imm])];
  }],
  "extract": [["pextrd", "pextrq"], (m) => {
    const r = m.endsWith("q") ? R64 : R32;
    return [...cases(m, [r, XMM, imm]), ...cases(m, [addresses(), XMM, imm])];
  }],
};

/** AVX shapes, by the vector sizes each mnemonic takes. */
function avx(
  lengths: number,
  mnemonics: string,
  shape: (v: Spelled[], m: string) => Case[],
): [string[], (m: string) => Case[]] {
  return [
    mnemonics.split(" "),
    (m) => vectors(lengths).flatMap((v) => shape(v, m)),
  ];
}
const three = (v: Spelled[], m: string) => [
  ...cases(m, [v, v, v]),
  ...cases(m, [v, v, addresses()]),
];
const two = (v: Spelled[], m: string) => [
  ...cases(m, [v, v]),
  ...cases(m, [v, addresses()]),
];
Object.assign(SHAPES, {
  "avx3:1": avx(
    1,
    "vaddss vaddsd vsubss vsubsd vmulss vmulsd vdivss vdivsd vminss vminsd vmaxss vmaxsd vsqrtss vsqrtsd vcvtss2sd vcvtsd2ss vfmadd132ss vfmadd132sd vfmadd213ss vfmadd213sd vfmadd231ss vfmadd231sd vfnmadd132ss vfnmadd132sd vfnmadd213ss vfnmadd213sd vfnmadd231ss vfnmadd231sd",
    three,
  ),
  "avx3:3": avx(
    3,
    "vaddps vaddpd vsubps vsubpd vmulps vmulpd vdivps vdivpd vminps vminpd vmaxps vmaxpd vandps vandpd vandnps vandnpd vorps vorpd vxorps vxorpd vunpcklps vunpcklpd vunpckhps vunpckhpd vpxor vpand vpandn vpor vpaddb vpaddw vpaddd vpaddq vpsubb vpsubw vpsubd vpsubq vpmullw vpmuludq vpcmpeqb vpcmpeqd vpcmpgtd vpmulld vpminsd vpmaxsd vfmadd132ps vfmadd132pd vfmadd213ps vfmadd213pd vfmadd231ps vfmadd231pd vfnmadd132ps vfnmadd132pd vfnmadd213ps vfnmadd213pd vfnmadd231ps vfnmadd231pd",
    three,
  ),
  "avx3:2": avx(2, "vpermd", three),
  "avx2:3": avx(3, "vsqrtps vsqrtpd vcvtdq2ps vcvttps2dq vptest", two),
  "avx2:1": avx(1, "vcomiss vcomisd vucomiss vucomisd", two),
  "avx3imm:3": avx(3, "vshufps vshufpd", (v, m) => [
    ...cases(m, [v, v, v, imm]),
    ...cases(m, [v, v, addresses(), imm]),
  ]),
  "avx3imm:1": avx(1, "vroundss vroundsd", (v, m) => [
    ...cases(m, [v, v, v, imm]),
    ...cases(m, [v, v, addresses(), imm]),
  ]),
  "avx3imm:2": avx(2, "vperm2f128", (v, m) => [
    ...cases(m, [v, v, v, imm]),
    ...cases(m, [v, v, addresses(), imm]),
  ]),
  "avx2imm:3": avx(3, "vpshufd vroundps vroundpd", (v, m) => [
    ...cases(m, [v, v, imm]),
    ...cases(m, [v, addresses(), imm]),
  ]),
  "avx2imm:2": avx(2, "vpermq", (v, m) => [
    ...cases(m, [v, v, imm]),
    ...cases(m, [v, addresses(), imm]),
  ]),
  "vshift": avx(3, "vpsllq vpsrlq vpsrad", (v, m) => cases(m, [v, v, imm])),
  "vblendv": avx(3, "vblendvpd", (v, m) => [
    ...cases(m, [v, v, v, v]),
    ...cases(m, [v, v, addresses(), v]),
  ]),
  "avxMove": avx(
    3,
    "vmovaps vmovups vmovapd vmovupd vmovdqa vmovdqu",
    (v, m) => [
      ...cases(m, [v, v]),
      ...cases(m, [v, addresses()]),
      ...cases(m, [addresses(), v]),
    ],
  ),
  "avxMoveScalar": [["vmovss", "vmovsd"], (m: string) => [
    ...cases(m, [XMM, XMM, XMM]),
    ...cases(m, [XMM, addresses()]),
    ...cases(m, [addresses(), XMM]),
  ]],
  "vmovd": [["vmovd"], (m: string) => [
    ...cases(m, [XMM, R32]),
    ...cases(m, [R32, XMM]),
    ...cases(m, [XMM, addresses()]),
    ...cases(m, [addresses(), XMM]),
  ]],
  "vmovq": [["vmovq"], (m: string) => [
    ...cases(m, [XMM, R64]),
    ...cases(m, [R64, XMM]),
    ...cases(m, [XMM, XMM]),
    ...cases(m, [XMM, addresses()]),
    ...cases(m, [addresses(), XMM]),
  ]],
  "vfromInt": [["vcvtsi2ss", "vcvtsi2sd"], (m: string) => [
    ...cases(m, [XMM, XMM, R32]),
    ...cases(m, [XMM, XMM, R64]),
    ...cases(m, [XMM, XMM, addresses(dword, "DWORD PTR ")]),
    ...cases(m, [XMM, XMM, addresses(qword, "QWORD PTR ")]),
  ]],
  "vtoInt": [["vcvttss2si", "vcvtss2si", "vcvttsd2si", "vcvtsd2si"], (
    m: string,
  ) => [
    ...cases(m, [R32, XMM]),
    ...cases(m, [R64, XMM]),
    ...cases(m, [R32, addresses()]),
  ]],
  "vinsert": [["vpinsrd", "vpinsrq"], (m: string) => {
    const r = m.endsWith("q") ? R64 : R32;
    return [
      ...cases(m, [XMM, XMM, r, imm]),
      ...cases(m, [XMM, XMM, addresses(), imm]),
    ];
  }],
  "vextract": [["vpextrd", "vpextrq"], (m: string) => {
    const r = m.endsWith("q") ? R64 : R32;
    return [...cases(m, [r, XMM, imm]), ...cases(m, [addresses(), XMM, imm])];
  }],
  "widen": [["vcvtdq2pd", "vbroadcastss", "vpbroadcastd", "vpbroadcastq"], (
    m: string,
  ) => [
    ...cases(m, [XMM, XMM]),
    ...cases(m, [YMM, XMM]),
    ...cases(m, [XMM, addresses()]),
    ...cases(m, [YMM, addresses()]),
  ]],
  "broadcastsd": [["vbroadcastsd"], (m: string) => [
    ...cases(m, [YMM, XMM]),
    ...cases(m, [YMM, addresses()]),
  ]],
  "narrow": [["vcvttpd2dq"], (m: string) => [
    ...cases(m, [XMM, XMM]),
    ...cases(m, [XMM, YMM]),
    ...cases(m, [XMM, addresses(xmmword, "XMMWORD PTR ")]),
    ...cases(m, [XMM, addresses(ymmword, "YMMWORD PTR ")]),
  ]],
  "insert128": [["vinsertf128"], (m: string) => [
    ...cases(m, [YMM, YMM, XMM, [[0, "0"], [1, "1"]]]),
    ...cases(m, [YMM, YMM, addresses(), [[1, "1"]]]),
  ]],
  "extract128": [["vextractf128"], (m: string) => [
    ...cases(m, [XMM, YMM, [[0, "0"], [1, "1"]]]),
    ...cases(m, [addresses(), YMM, [[1, "1"]]]),
  ]],
  "zeroupper": [["vzeroupper"], (m: string) => cases(m, [])],
});

for (const [shape, [mnemonics, generate]] of Object.entries(SHAPES)) {
  Deno.test({
    name: `x86-64 SIMD ${shape} (${
      mnemonics.join(" ")
    }) matches GNU as, and lists as objdump prints it`,
    ignore,
    async fn(): Promise<void> {
      const generated = mnemonics.flatMap(generate);
      await assertMatchesGnu("x86_64", generated);
      await assertListsLikeObjdump("x86_64", generated, X86_LISTING);
    },
  });
}

Deno.test("x86-64 SIMD: every vector method of the assembler is compared with GNU as", () => {
  const covered = new Set(
    Object.values(SHAPES).flatMap(([mnemonics]) => mnemonics),
  );
  const methods = Object.getOwnPropertyNames(x86.X86SimdAssembler.prototype)
    .filter((name) => name !== "constructor");
  assert.deepEqual(methods.filter((m) => !covered.has(m)), []);
  assert.ok(methods.length >= 230, `only ${methods.length} methods`);
});

const rejects = (emit: (a: Assembler) => unknown, message: RegExp) =>
  rejectsInstruction(new Assembler(), emit, message);

Deno.test("x86-64 SIMD bad operands throw INVALID_ARGUMENT naming the instruction and emit nothing", () => {
  const { xmm0, xmm1, ymm0, ymm1, ymm2, rax, eax, al, rdi } = x86;
  rejects(
    (a) => a.addsd(rax as never, xmm1),
    /^addsd: expected an xmm register, got rax/,
  );
  rejects(
    (a) => a.addsd(xmm0, ymm1),
    /^addsd: expected an xmm register, got ymm1/,
  );
  rejects((a) => a.addps(ymm0, ymm1), /^addps: expected an xmm register/);
  rejects(
    (a) => a.vaddps(ymm0, xmm1, ymm2),
    /^vaddps: expected a ymm register, got xmm1/,
  );
  rejects(
    (a) => a.vaddps(ymm0, ymm1, xmm0),
    /^vaddps: expected a ymm register/,
  );
  rejects(
    (a) => a.vaddss(ymm0, ymm1, ymm2),
    /^vaddss: expected an xmm register/,
  );
  rejects((a) => a.vpermq(xmm0, xmm1, 1), /^vpermq: expected a ymm register/);
  rejects(
    (a) => a.addsd(xmm0, dword(mem(rdi))),
    /^addsd: expected a QWORD PTR operand/,
  );
  rejects(
    (a) => a.vaddps(ymm0, ymm1, xmmword(mem(rdi))),
    /^vaddps: expected a YMMWORD PTR/,
  );
  rejects(
    (a) => a.cvtsi2sd(xmm0, mem(rdi)),
    /^cvtsi2sd: state the memory operand's size/,
  );
  rejects(
    (a) => a.cvtsi2sd(xmm0, al),
    /^cvtsi2sd: expected a 32- or 64-bit register/,
  );
  rejects(
    (a) => a.cvttsd2si(xmm0 as never, xmm1),
    /^cvttsd2si: expected a 32- or 64-bit general register/,
  );
  rejects((a) => a.movq(xmm0, eax), /^movq: expected a 64-bit register/);
  rejects(
    (a) => a.movd(mem(rdi), mem(rdi) as never),
    /^movd: expected an xmm register/,
  );
  rejects(
    (a) => a.shufps(xmm0, xmm1, 256),
    /^shufps: expected an 8-bit immediate, got 256/,
  );
  rejects((a) => a.psllq(xmm0, 1.5), /^psllq: expected an 8-bit immediate/);
  rejects(
    (a) => a.blendvpd(xmm0, xmm1, xmm1),
    /^blendvpd: the mask must be xmm0/,
  );
  rejects(
    (a) => a.vcvttpd2dq(xmm0, mem(rdi)),
    /^vcvttpd2dq: state the memory operand's size/,
  );
  rejects(
    (a) => a.vinsertf128(ymm0, ymm1, ymm2 as never, 1),
    /^vinsertf128: expected an xmm register/,
  );
  rejects(
    (a) => a.vmovaps(mem(rdi), mem(rdi)),
    /^vmovaps: expected an xmm or ymm register/,
  );
  rejects(
    (a) => a.vfmadd231pd(ymm0, ymm1, null as never),
    /^vfmadd231pd: expected a ymm register, got null/,
  );
  rejects(
    (a) => a.pinsrq(xmm0, eax, 1),
    /^pinsrq: expected a 64-bit register or memory operand/,
  );
  rejects(
    (a) => a.addsd(xmm0, mem(new Assembler().label())),
    /^addsd: expected a label created by this assembler/,
  );
  rejects(
    (a) => a.vaddpd(ymm0, Symbol("y") as never, ymm1),
    /^vaddpd: expected a ymm register, got Symbol\(y\)/,
  );
});

Deno.test("x86-64 SIMD [rip + label] operands are laid out like integer ones", () => {
  const a = new Assembler();
  const constant = a.label();
  a.movsd(x86.xmm0, mem(constant)).vaddpd(x86.ymm1, x86.ymm1, mem(constant))
    .ret().bind(constant).data(new Uint8Array(new Float64Array([1.5]).buffer));
  const bytes = a.bytes();
  // movsd xmm0, [rip+11]: f2 0f 10 05 <disp32>; then vaddpd (c5 f5 58 0d <disp32>).
  assert.deepEqual([...bytes.subarray(0, 4)], [0xf2, 0x0f, 0x10, 0x05]);
  const at = a.offsetOf(constant);
  assert.equal(new DataView(bytes.buffer).getInt32(4, true), at - 8);
  assert.deepEqual([...bytes.subarray(8, 12)], [0xc5, 0xf5, 0x58, 0x0d]);
  assert.equal(new DataView(bytes.buffer).getInt32(12, true), at - 16);
  assert.equal(new Float64Array(bytes.slice(at).buffer)[0], 1.5);
});
