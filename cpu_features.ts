/**
 * What the CPU this process runs on can execute, so that a JIT picks its
 * code path (SSE2, AVX2 + FMA, NEON) at run time.
 *
 * @module
 */

import { JITMemoryManager } from "./jit_memory_manager.ts";
import { platform } from "./platform/mod.ts";
import { armCapabilities } from "./platform/arm_capabilities.ts";
import {
  Assembler,
  callingConvention,
  dword,
  eax,
  ebx,
  ecx,
  edx,
  mem,
  r10,
  rax,
  rbx,
  rdx,
} from "./arch/x86_64.ts";

/**
 * A feature {@linkcode cpuFeatures} reports. x86-64: instruction sets from
 * `cpuid`, with AVX-class ones only where the OS saves their registers
 * (`os-ymm`, `os-zmm` from `xgetbv`). AArch64: the names Linux's
 * `/proc/cpuinfo` uses (`fp`, `asimd` = NEON, ...).
 *
 * @example Naming a feature
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CpuFeature } from "@bcpl/jit-memory";
 *
 * const wanted: CpuFeature[] = ["avx2", "fma"];
 * assert.equal(wanted.length, 2);
 * ```
 */
export type CpuFeature =
  | "sse2"
  | "sse3"
  | "ssse3"
  | "sse4.1"
  | "sse4.2"
  | "popcnt"
  | "avx"
  | "avx2"
  | "fma"
  | "f16c"
  | "bmi1"
  | "bmi2"
  | "avx512f"
  | "os-ymm"
  | "os-zmm"
  | "fp"
  | "asimd"
  | "aes"
  | "pmull"
  | "sha1"
  | "sha2"
  | "crc32"
  | "atomics"
  | "fphp"
  | "asimdhp"
  | "asimdrdm"
  | "jscvt"
  | "fcma"
  | "lrcpc"
  | "dcpop"
  | "sha3"
  | "asimddp"
  | "sha512"
  | "sve"
  | "asimdfhm";

/**
 * The answer of {@linkcode cpuFeatures}.
 *
 * @example Checking for AVX2
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuFeatures } from "@bcpl/jit-memory";
 *
 * const cpu = cpuFeatures();
 * assert.equal(cpu.has("avx2"), cpu.features.has("avx2"));
 * ```
 */
export interface CpuFeatures {
  /** The CPU architecture. */
  readonly arch: "x86_64" | "aarch64";
  /** Every feature present. */
  readonly features: ReadonlySet<CpuFeature>;
  /**
   * Whether a feature is present.
   *
   * @param feature A feature name.
   * @returns Whether code using it can run here.
   */
  has(feature: CpuFeature): boolean;
}

/** x86-64 features by `cpuid` leaf, register and bit. */
const X86_BITS: [CpuFeature, leaf: 1 | 7, register: number, bit: number][] = [
  // Registers as stored: 0 eax, 1 ebx, 2 ecx, 3 edx.
  ["sse2", 1, 3, 26],
  ["sse3", 1, 2, 0],
  ["ssse3", 1, 2, 9],
  ["sse4.1", 1, 2, 19],
  ["sse4.2", 1, 2, 20],
  ["popcnt", 1, 2, 23],
  ["avx", 1, 2, 28],
  ["fma", 1, 2, 12],
  ["f16c", 1, 2, 29],
  ["bmi1", 7, 1, 3],
  ["avx2", 7, 1, 5],
  ["bmi2", 7, 1, 8],
  ["avx512f", 7, 1, 16],
];
/** Features that use ymm (or zmm) registers: usable only if the OS saves them. */
const NEEDS_YMM = new Set<CpuFeature>(["avx", "avx2", "fma", "f16c"]);
const OSXSAVE_BIT = 27;

let cached: CpuFeatures | undefined;

/**
 * What the CPU can execute. On x86-64, `cpuid` and `xgetbv` run in a small
 * JIT'd function (so AVX, AVX2, FMA and AVX-512 are reported only where
 * the operating system also saves their registers); on AArch64 the
 * operating system's report is read (`getauxval(AT_HWCAP)` on Linux). The
 * answer is computed once per process.
 *
 * @returns The features.
 * @throws {JITMemoryManagerError} As `JITMemoryManager` throws (without
 * `--allow-ffi`, for instance), or `SYSTEM` if the OS's report cannot be
 * read.
 *
 * @example Picking a code path
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuFeatures } from "@bcpl/jit-memory";
 *
 * const cpu = cpuFeatures();
 * const path = cpu.has("avx2") && cpu.has("fma")
 *   ? "avx2+fma"
 *   : cpu.has("asimd")
 *   ? "neon"
 *   : "scalar";
 * // Every x86-64 CPU has SSE2, every AArch64 Linux one NEON.
 * assert.ok(cpu.has(cpu.arch === "x86_64" ? "sse2" : "asimd"));
 * assert.ok(["avx2+fma", "neon", "scalar"].includes(path));
 * ```
 *
 * @tags allow-ffi
 */
export function cpuFeatures(): CpuFeatures {
  if (cached === undefined) {
    const { arch, os } = platform();
    const features = arch === "x86_64"
      ? x86Features()
      : armCapabilities(os) as Set<CpuFeature>;
    cached = Object.freeze({
      arch,
      features,
      has: (feature: CpuFeature) => features.has(feature),
    });
  }
  return cached;
}

/**
 * Runs `cpuid` (leaves 0, 1, 7) and, where the OS enables it, `xgetbv`.
 */
function x86Features(): Set<CpuFeature> {
  const cc = callingConvention();
  const [leaf, subleaf] = cc.integerArguments32;
  const out = cc.integerArguments[2];
  const a = new Assembler()
    // void cpuid(u32 leaf, u32 subleaf, u32 out[4]); rbx is callee-saved.
    .push(rbx)
    .mov(r10, out)
    .mov(eax, leaf)
    .mov(ecx, subleaf)
    .data([0x0f, 0xa2]) // cpuid
    .mov(dword(mem(r10)), eax)
    .mov(dword(mem(r10, 4)), ebx)
    .mov(dword(mem(r10, 8)), ecx)
    .mov(dword(mem(r10, 12)), edx)
    .pop(rbx)
    .ret();
  const xgetbvAt = a.bytes().length;
  // u64 xgetbv(u32 register): edx:eax as one value.
  a.mov(ecx, leaf)
    .data([0x0f, 0x01, 0xd0]) // xgetbv
    .shl(rdx, 32)
    .or(rax, rdx)
    .ret();
  using memory = new JITMemoryManager(4096);
  memory.write(a.bytes());
  memory.makeExecutable();
  const cpuid = memory.asFunction({
    parameters: ["u32", "u32", "buffer"],
    result: "void",
  });
  const xgetbv = memory.asFunction(
    { parameters: ["u32"], result: "u64" },
    xgetbvAt,
  );
  const registers = new Uint32Array(4);
  cpuid(0, 0, registers);
  const maxLeaf = registers[0];
  const leaves: Record<number, Uint32Array> = {};
  for (const number of [1, 7]) {
    const values = new Uint32Array(4);
    if (number <= maxLeaf) cpuid(number, 0, values);
    leaves[number] = values;
  }
  const features = new Set<CpuFeature>();
  let xcr0 = 0n;
  if ((leaves[1][2] >>> OSXSAVE_BIT) & 1) {
    xcr0 = BigInt(xgetbv(0));
  }
  // XCR0 bits 1-2: SSE and AVX state; 5-7: the AVX-512 state.
  const ymm = (xcr0 & 0x6n) === 0x6n;
  const zmm = ymm && (xcr0 & 0xe0n) === 0xe0n;
  if (ymm) features.add("os-ymm");
  if (zmm) features.add("os-zmm");
  for (const [name, number, register, bit] of X86_BITS) {
    if (((leaves[number][register] >>> bit) & 1) === 0) continue;
    if (NEEDS_YMM.has(name) && !ymm) continue;
    if (name === "avx512f" && !zmm) continue;
    features.add(name);
  }
  return features;
}
