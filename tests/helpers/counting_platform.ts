/**
 * Wraps the real platform backend to count the regions it maps and unmaps,
 * while every call still goes to the operating system.
 *
 * @module
 */

import { platform, setPlatformForTesting } from "../../platform/mod.ts";

/** Calls seen while the counter was installed. */
export interface MappingCounts {
  mapped: number;
  unmapped: number;
}

/**
 * Runs `action` with the real backend wrapped in a counter.
 *
 * @param action The code under test.
 * @param addresses If given, receives the address of every region mapped.
 * @returns How many regions were mapped and unmapped.
 */
export function countMappings(
  action: () => void,
  addresses?: bigint[],
): MappingCounts {
  const real = platform();
  const counts: MappingCounts = { mapped: 0, unmapped: 0 };
  setPlatformForTesting({
    ...real,
    mapReadWrite(size): Deno.PointerObject {
      const pointer = real.mapReadWrite(size);
      counts.mapped++;
      addresses?.push(Deno.UnsafePointer.value(pointer));
      return pointer;
    },
    unmap(address, size): void {
      real.unmap(address, size);
      counts.unmapped++;
    },
  });
  try {
    action();
  } finally {
    setPlatformForTesting(real);
  }
  return counts;
}
