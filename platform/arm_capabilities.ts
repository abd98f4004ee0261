/**
 * What an AArch64 CPU can do, as its operating system reports it: user
 * code cannot read the ID registers itself (they trap at EL0 unless the
 * kernel emulates them), so every OS publishes the answer its own way.
 * Linux: `getauxval(AT_HWCAP)`; macOS: `sysctlbyname("hw.optional...")`;
 * Windows: `IsProcessorFeaturePresent`.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import type { LibraryOpener } from "./memfd_library.ts";
import type { OperatingSystem } from "./types.ts";

/** glibc's auxiliary vector reader. */
export const auxvSymbols = {
  getauxval: {
    parameters: [
      "u64", // unsigned long type
    ],
    result: "u64", // unsigned long
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** macOS's sysctl by name. */
export const sysctlSymbols = {
  sysctlbyname: {
    parameters: [
      "buffer", // const char *name
      "buffer", // void *oldp
      "buffer", // size_t *oldlenp
      "pointer", // void *newp
      "usize", // size_t newlen
    ],
    result: "i32", // int
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** kernel32's processor feature query. */
export const processorFeatureSymbols = {
  IsProcessorFeaturePresent: {
    parameters: [
      "u32", // DWORD ProcessorFeature
    ],
    result: "i32", // BOOL
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** `AT_HWCAP` in `<elf.h>`. */
export const AT_HWCAP = 16n;

/** Linux's `HWCAP_*` bits for arm64, by the names `/proc/cpuinfo` uses. */
export const LINUX_HWCAP_BITS: Readonly<Record<string, number>> = {
  fp: 0,
  asimd: 1,
  aes: 3,
  pmull: 4,
  sha1: 5,
  sha2: 6,
  crc32: 7,
  atomics: 8,
  fphp: 9,
  asimdhp: 10,
  asimdrdm: 12,
  jscvt: 13,
  fcma: 14,
  lrcpc: 15,
  dcpop: 16,
  sha3: 17,
  asimddp: 20,
  sha512: 21,
  sve: 22,
  asimdfhm: 23,
};

/** The same features under the names Apple's `hw.optional` keys use. */
export const DARWIN_SYSCTLS: Readonly<Record<string, string>> = {
  fp: "hw.optional.floatingpoint",
  asimd: "hw.optional.AdvSIMD",
  aes: "hw.optional.arm.FEAT_AES",
  pmull: "hw.optional.arm.FEAT_PMULL",
  sha1: "hw.optional.arm.FEAT_SHA1",
  sha2: "hw.optional.arm.FEAT_SHA256",
  crc32: "hw.optional.armv8_crc32",
  atomics: "hw.optional.arm.FEAT_LSE",
  fphp: "hw.optional.arm.FEAT_FP16",
  asimdhp: "hw.optional.arm.FEAT_FP16",
  asimdrdm: "hw.optional.arm.FEAT_RDM",
  jscvt: "hw.optional.arm.FEAT_JSCVT",
  fcma: "hw.optional.arm.FEAT_FCMA",
  lrcpc: "hw.optional.arm.FEAT_LRCPC",
  dcpop: "hw.optional.arm.FEAT_DPB",
  sha3: "hw.optional.arm.FEAT_SHA3",
  asimddp: "hw.optional.arm.FEAT_DotProd",
  sha512: "hw.optional.arm.FEAT_SHA512",
  asimdfhm: "hw.optional.arm.FEAT_FHM",
};

/** `PF_ARM_*` processor features Windows reports, by feature name. */
export const WINDOWS_PROCESSOR_FEATURES: Readonly<Record<string, number>> = {
  fp: 18, // PF_ARM_VFP_32_REGISTERS_AVAILABLE
  asimd: 19, // PF_ARM_NEON_INSTRUCTIONS_AVAILABLE
  aes: 30, // PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE
  pmull: 30,
  sha1: 30,
  sha2: 30,
  crc32: 31, // PF_ARM_V8_CRC32_INSTRUCTIONS_AVAILABLE
  atomics: 34, // PF_ARM_V81_ATOMIC_INSTRUCTIONS_AVAILABLE
  asimddp: 43, // PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE
};

/**
 * The AArch64 features the operating system reports.
 *
 * @param os The operating system.
 * @param open `Deno.dlopen`, or a fake of it.
 * @returns The names of the features present.
 * @throws {JITMemoryManagerError} `SYSTEM` if the OS's library cannot be
 * opened.
 */
export function armCapabilities(
  os: OperatingSystem,
  open: LibraryOpener = Deno.dlopen,
): Set<string> {
  const present = new Set<string>();
  switch (os) {
    case "linux": {
      const library = opened(open, "libc.so.6", auxvSymbols);
      try {
        const hwcap = library.symbols.getauxval(AT_HWCAP);
        for (const [name, bit] of Object.entries(LINUX_HWCAP_BITS)) {
          if ((hwcap >> BigInt(bit)) & 1n) present.add(name);
        }
      } finally {
        library.close();
      }
      return present;
    }
    case "darwin": {
      const library = opened(open, "/usr/lib/libSystem.B.dylib", sysctlSymbols);
      try {
        const value = new Int32Array(1);
        const size = new BigUint64Array(1);
        for (const [name, key] of Object.entries(DARWIN_SYSCTLS)) {
          value[0] = 0;
          size[0] = 4n;
          const status = library.symbols.sysctlbyname(
            new TextEncoder().encode(`${key}\0`),
            value,
            size,
            null,
            0n,
          );
          // A key the kernel does not know fails with ENOENT: not present.
          if (status === 0 && value[0] !== 0) present.add(name);
        }
      } finally {
        library.close();
      }
      return present;
    }
    case "windows": {
      const library = opened(open, "kernel32.dll", processorFeatureSymbols);
      try {
        for (
          const [name, feature] of Object.entries(WINDOWS_PROCESSOR_FEATURES)
        ) {
          if (library.symbols.IsProcessorFeaturePresent(feature) !== 0) {
            present.add(name);
          }
        }
      } finally {
        library.close();
      }
      return present;
    }
  }
}

function opened<const S extends Deno.ForeignLibraryInterface>(
  open: LibraryOpener,
  path: string,
  symbols: S,
): Deno.DynamicLibrary<S> {
  try {
    return open(path, symbols);
  } catch (cause) {
    throw new JITMemoryManagerError(
      "SYSTEM",
      `cpuFeatures: cannot open ${path} to read the CPU's features: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}
