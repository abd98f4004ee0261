// cpuFeatures(): on x86-64 the JIT'd cpuid/xgetbv against the kernel's own
// report (/proc/cpuinfo flags); on AArch64 getauxval(AT_HWCAP) against the
// auxiliary vector the kernel (or qemu-user) handed the process
// (/proc/self/auxv). The macOS and Windows readers are pinned by fakes.
import assert from "node:assert/strict";
import { cpuFeatures } from "../mod.ts";
import {
  armCapabilities,
  DARWIN_SYSCTLS,
  LINUX_HWCAP_BITS,
  WINDOWS_PROCESSOR_FEATURES,
} from "../platform/arm_capabilities.ts";
import type { LibraryOpener } from "../platform/memfd_library.ts";
import { JITMemoryManagerError } from "../mod.ts";
import { readProcBytes, readProcFile } from "./helpers/proc_maps.ts";

/** x86-64 Linux: the kernel's cpuinfo flags. */
function x86LinuxAgrees(): void {
  // Through libc: Deno reserves /proc files for --allow-all.
  const cpuinfo = readProcFile("/proc/cpuinfo");
  const flags = new Set(
    cpuinfo.match(/^flags\s*:(.*)$/m)![1].trim().split(/\s+/),
  );
  const cpu = cpuFeatures();
  assert.equal(cpu.arch, "x86_64");
  const kernelName: Record<string, string> = {
    "sse2": "sse2",
    "sse3": "pni",
    "ssse3": "ssse3",
    "sse4.1": "sse4_1",
    "sse4.2": "sse4_2",
    "popcnt": "popcnt",
    "avx": "avx",
    "avx2": "avx2",
    "fma": "fma",
    "f16c": "f16c",
    "bmi1": "bmi1",
    "bmi2": "bmi2",
    "avx512f": "avx512f",
  };
  for (const [ours, kernels] of Object.entries(kernelName)) {
    // The kernel hides AVX-class flags it does not save state for, as
    // cpuFeatures() does.
    assert.equal(
      cpu.has(ours as never),
      flags.has(kernels),
      `${ours} (kernel: ${kernels})`,
    );
  }
  assert.ok(cpu.has("sse2"));
  assert.equal(cpu.has("avx"), cpu.has("os-ymm") && flags.has("avx"));
  console.log(`features: ${[...cpu.features].join(" ")}`);
}

/** AArch64 Linux: AT_HWCAP in the auxiliary vector the process was given. */
function armLinuxAgrees(): void {
  const auxv = new BigUint64Array(
    // Through libc: Deno reserves /proc/self for --allow-all.
    readProcBytes("/proc/self/auxv").slice().buffer,
  );
  let hwcap = -1n;
  for (let i = 0; i + 1 < auxv.length; i += 2) {
    if (auxv[i] === 16n) hwcap = auxv[i + 1];
  }
  assert.notEqual(hwcap, -1n, "AT_HWCAP in the auxiliary vector");
  const cpu = cpuFeatures();
  assert.equal(cpu.arch, "aarch64");
  for (const [name, bit] of Object.entries(LINUX_HWCAP_BITS)) {
    assert.equal(
      cpu.has(name as never),
      ((hwcap >> BigInt(bit)) & 1n) === 1n,
      name,
    );
  }
  assert.ok(cpu.has("fp") && cpu.has("asimd"));
  console.log(`features: ${[...cpu.features].join(" ")}`);
}

/** Windows x64: IsProcessorFeaturePresent. */
function windowsAgrees(): void {
  const kernel32 = Deno.dlopen("kernel32.dll", {
    IsProcessorFeaturePresent: { parameters: ["u32"], result: "i32" },
  });
  try {
    const cpu = cpuFeatures();
    // PF_XMMI64 (SSE2) 10, PF_SSE3 13, PF_SSSE3 36, PF_SSE4_1 37,
    // PF_SSE4_2 38, PF_AVX 39, PF_AVX2 40. (Not PF_AVX512F, 41: Wine 10
    // reports it absent on this AVX-512 CPU whose OS saves zmm state.)
    const features: [string, number][] = [
      ["sse2", 10],
      ["sse3", 13],
      ["ssse3", 36],
      ["sse4.1", 37],
      ["sse4.2", 38],
      ["avx", 39],
      ["avx2", 40],
    ];
    for (const [name, feature] of features) {
      assert.equal(
        cpu.has(name as never),
        kernel32.symbols.IsProcessorFeaturePresent(feature) !== 0,
        name,
      );
    }
    console.log(`features: ${[...cpu.features].join(" ")}`);
  } finally {
    kernel32.close();
  }
}

// One test on every OS and CPU, so that every run registers the same
// tests: each checks against its own OS's report.
Deno.test({
  name:
    "cpuFeatures() agrees with the operating system's own report of the CPU",
  ignore: Deno.build.os === "darwin",
  fn(): void {
    if (Deno.build.os === "windows") windowsAgrees();
    else if (Deno.build.arch === "x86_64") x86LinuxAgrees();
    else armLinuxAgrees();
  },
});

Deno.test("cpuFeatures() is computed once and frozen", () => {
  const cpu = cpuFeatures();
  assert.equal(cpuFeatures(), cpu);
  assert.ok(Object.isFrozen(cpu));
});

/** A fake dlopen that records what was opened, called and closed. */
function fakeOpen(
  calls: string[],
  symbols: Record<string, (...args: never[]) => unknown>,
): LibraryOpener {
  return ((path: string) => {
    calls.push(`open ${path}`);
    return {
      symbols,
      close: () => calls.push("close"),
    };
  }) as unknown as LibraryOpener;
}

Deno.test("armCapabilities on macOS reads hw.optional sysctls; unknown keys are absent", () => {
  const calls: string[] = [];
  const values: Record<string, number> = {
    "hw.optional.floatingpoint": 1,
    "hw.optional.AdvSIMD": 1,
    "hw.optional.arm.FEAT_FP16": 1,
    "hw.optional.arm.FEAT_DotProd": 0,
  };
  const open = fakeOpen(calls, {
    sysctlbyname: (
      name: Uint8Array,
      out: Int32Array,
      size: BigUint64Array,
    ) => {
      const key = new TextDecoder().decode(name).replace(/\0$/, "");
      calls.push(`sysctlbyname ${key} ${size[0]}`);
      if (!(key in values)) return -1; // ENOENT
      out[0] = values[key];
      return 0;
    },
  } as never);
  const present = armCapabilities("darwin", open);
  assert.deepEqual([...present].sort(), ["asimd", "asimdhp", "fp", "fphp"]);
  assert.equal(calls[0], "open /usr/lib/libSystem.B.dylib");
  assert.equal(calls.at(-1), "close");
  assert.equal(calls.length, Object.keys(DARWIN_SYSCTLS).length + 2);
  assert.ok(calls.includes("sysctlbyname hw.optional.AdvSIMD 4"));
});

Deno.test("armCapabilities on Windows asks IsProcessorFeaturePresent", () => {
  const calls: string[] = [];
  const open = fakeOpen(calls, {
    IsProcessorFeaturePresent: (feature: number) => {
      calls.push(`feature ${feature}`);
      return feature === 19 || feature === 18 || feature === 31 ? 1 : 0;
    },
  } as never);
  const present = armCapabilities("windows", open);
  assert.deepEqual([...present].sort(), ["asimd", "crc32", "fp"]);
  assert.equal(calls[0], "open kernel32.dll");
  assert.equal(calls.at(-1), "close");
  assert.equal(
    calls.filter((c) => c.startsWith("feature")).length,
    Object.keys(WINDOWS_PROCESSOR_FEATURES).length,
  );
});

Deno.test("armCapabilities: a library that cannot be opened is a SYSTEM error; a failing read still closes it", () => {
  const refused = (() => {
    throw new Error("no such library");
  }) as unknown as LibraryOpener;
  assert.throws(
    () => armCapabilities("linux", refused),
    (error: unknown) =>
      error instanceof JITMemoryManagerError && error.code === "SYSTEM" &&
      /cannot open libc.so.6.*no such library/.test(error.message),
  );
  const calls: string[] = [];
  const open = fakeOpen(calls, {
    getauxval: () => {
      throw new Error("boom");
    },
  } as never);
  assert.throws(() => armCapabilities("linux", open), /boom/);
  assert.deepEqual(calls, ["open libc.so.6", "close"]);
});
