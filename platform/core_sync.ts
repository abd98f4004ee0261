/**
 * Cross-thread instruction coherence on AArch64.
 *
 * `__clear_cache` cleans the data cache and invalidates the instruction
 * cache for the range, but a core that is already running another thread
 * of this process may still hold instructions it fetched before the write
 * (in its pipeline, or prefetched). The architecture asks every core that
 * will run new code to pass a context synchronization event (an `isb`, or
 * an exception return) after the cache maintenance. A thread cannot make
 * another core do that, but the kernel can, by interrupting each core that
 * runs a thread of this process: the return from that interrupt is the
 * event.
 *
 * On Linux that is `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)`
 * (Linux 4.16), after a one-time registration the kernel requires. Where it
 * refuses that command, `MEMBARRIER_CMD_PRIVATE_EXPEDITED` (Linux 4.14)
 * interrupts the same cores, and on AArch64 their return from the
 * interrupt synchronizes them just the same (which is why arm64 offers
 * SYNC_CORE at no extra cost). Older kernels only have the global command,
 * which waits for every CPU of the machine to schedule (milliseconds): not
 * used; the barrier is then unavailable. On Windows the same interrupt is
 * `FlushProcessWriteBuffers` (platform/windows.ts).
 *
 * The barrier comes after the code is in place and executable (write,
 * `__clear_cache`, protect, barrier), so a core that synchronizes can only
 * fetch the new bytes.
 *
 * @module
 */

import type { LinuxCalls } from "./linux_calls.ts";

/** `MEMBARRIER_CMD_PRIVATE_EXPEDITED` (`<linux/membarrier.h>`). */
export const MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
/** `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED`. */
export const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;
/** `MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE`. */
export const MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5;
/** `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE`. */
export const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 6;

/** errno values that say a command will never work in this process. */
const EPERM = 1;
const EINVAL = 22;
const ENOSYS = 38;
const FINAL = new Set([EPERM, EINVAL, ENOSYS]);

/**
 * Which barrier is in use: none chosen yet; Linux's SYNC_CORE or, where
 * the kernel refuses it, its plain expedited membarrier; Windows's
 * `FlushProcessWriteBuffers`; or none, with the errno of the last refusal.
 */
export type CoreSyncStatus =
  | { readonly state: "unregistered" }
  | { readonly state: "sync-core" }
  | { readonly state: "expedited" }
  | { readonly state: "flush-process-write-buffers" }
  | { readonly state: "unavailable"; readonly errno: number };

/** Issues the barrier, choosing it on first use. */
export interface CoreSynchronizer {
  /**
   * Makes every core running a thread of this process synchronize its
   * instruction stream. Never throws: where the OS refuses, the status
   * says so and the call does nothing.
   */
  synchronize(): void;
  /** What the OS allowed. */
  status(): CoreSyncStatus;
}

/** A membarrier command and the registration it needs. */
interface Barrier {
  readonly state: "sync-core" | "expedited";
  readonly register: number;
  readonly command: number;
}

/** The barriers to try, best first. */
const BARRIERS: readonly Barrier[] = [
  {
    state: "sync-core",
    register: MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
    command: MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
  },
  {
    state: "expedited",
    register: MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
    command: MEMBARRIER_CMD_PRIVATE_EXPEDITED,
  },
];

/**
 * Builds the Linux synchronizer over the system calls (real or faked).
 *
 * @param calls The Linux system calls; only `membarrier` is used.
 * @returns A synchronizer that registers on its first call.
 */
export function membarrierCoreSync(
  calls: Pick<LinuxCalls, "membarrier">,
): CoreSynchronizer {
  let status: CoreSyncStatus = { state: "unregistered" };
  let barrier: Barrier | undefined;

  /** The call's result, or `-EINVAL` should the native call itself throw. */
  function membarrier(command: number): number {
    try {
      return calls.membarrier(command, 0, 0);
    } catch {
      return -EINVAL;
    }
  }

  function register(): void {
    let errno = ENOSYS;
    for (const candidate of BARRIERS) {
      const result = membarrier(candidate.register);
      if (result >= 0) {
        barrier = candidate;
        status = { state: candidate.state };
        return;
      }
      errno = -result;
    }
    status = { state: "unavailable", errno };
  }

  return {
    synchronize(): void {
      if (status.state === "unregistered") register();
      if (barrier === undefined) return;
      const result = membarrier(barrier.command);
      // Registered, the command fails only if a seccomp filter came since
      // (final), or, on old kernels, for want of memory (try next time).
      if (result < 0 && FINAL.has(-result)) {
        barrier = undefined;
        status = { state: "unavailable", errno: -result };
      }
    },
    status(): CoreSyncStatus {
      return status;
    },
  };
}

/**
 * Builds the Windows synchronizer over `FlushProcessWriteBuffers`, which
 * interrupts every processor running a thread of the process and cannot
 * fail.
 *
 * @param flushProcessWriteBuffers kernel32's function (or a fake).
 * @returns The synchronizer.
 */
export function flushProcessWriteBuffersCoreSync(
  flushProcessWriteBuffers: () => void,
): CoreSynchronizer {
  return {
    synchronize(): void {
      flushProcessWriteBuffers();
    },
    status(): CoreSyncStatus {
      return { state: "flush-process-write-buffers" };
    },
  };
}
