/**
 * What the OS under test has, for the few tests that exercise a feature
 * only some OSes offer. Tests skip only such a feature, never a behaviour:
 * each helper here names what is missing, and Deno prints the skipped test
 * as `ignored`. docs/development.md lists every such case.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";

/** The OS the suite runs on. */
export const OS: typeof Deno.build.os = Deno.build.os;

/** Whether the suite runs on Windows (natively or under Wine). */
export const ON_WINDOWS: boolean = OS === "windows";

/** Whether the suite runs on Linux (natively or under qemu-user). */
export const ON_LINUX: boolean = OS === "linux";

/**
 * Whether memory can be mapped twice, writable and executable views of the
 * same pages (Linux: memfd). Where it cannot, patches switch pages.
 */
export const DUAL_MAPPING: boolean = platform().dualMapping !== undefined;

/**
 * The permissions `/proc/self/maps` (or its Windows reading) shows for
 * live code: `r-xs` where it is a shared file mapping (dual mapping),
 * `r-xp` where its private pages are switched.
 */
export const PATCHED_CODE_PERMISSIONS: string = DUAL_MAPPING ? "r-xs" : "r-xp";

/**
 * The errno Linux and macOS or the error number Windows reports when an
 * allocation is refused for lack of memory or address space.
 */
export const OUT_OF_MEMORY_ERROR: number = ON_WINDOWS ? 8 : 12;
