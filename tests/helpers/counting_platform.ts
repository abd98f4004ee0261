/**
 * Wraps the real platform backend to count the mappings it makes and
 * unmaps (each view of a dual mapping counts as one), while every call
 * still goes to the operating system.
 *
 * @module
 */

import { platform, setPlatformForTesting } from "../../platform/mod.ts";
import type { DualViews, Protection } from "../../platform/types.ts";

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
  const mapped = (pointer: Deno.PointerObject): Deno.PointerObject => {
    counts.mapped++;
    addresses?.push(Deno.UnsafePointer.value(pointer));
    return pointer;
  };
  const dual = real.dualMapping;
  setPlatformForTesting({
    ...real,
    mapReadWrite: (size): Deno.PointerObject => mapped(real.mapReadWrite(size)),
    // Dual mappings are two mappings, each unmapped on its own.
    dualMapping: dual && {
      map(size): DualViews {
        const views = dual.map(size);
        mapped(views.executable);
        mapped(views.writable);
        return views;
      },
      convert: (address, size): Deno.PointerObject =>
        mapped(dual.convert(address, size)),
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

/** A protection switch the backend made. */
export interface ProtectionSwitch {
  address: bigint;
  size: number;
  protection: Protection;
}

/**
 * Runs `action` with every protection switch of the real backend recorded
 * (each still reaches the OS).
 *
 * @param action The code under test; it gets the list as it grows, and may
 *   empty it to start over.
 * @returns What `action` returned.
 */
export function recordSwitches<T>(
  action: (switches: ProtectionSwitch[]) => T,
): T {
  const real = platform();
  const switches: ProtectionSwitch[] = [];
  setPlatformForTesting({
    ...real,
    protect(address, size, protection): void {
      switches.push({
        address: Deno.UnsafePointer.value(address),
        size,
        protection,
      });
      real.protect(address, size, protection);
    },
  });
  try {
    return action(switches);
  } finally {
    setPlatformForTesting(real);
  }
}
