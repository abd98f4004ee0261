/**
 * Cross-thread instruction coherence on Linux/AArch64.
 *
 * `__clear_cache` cleans the data cache and invalidates the instruction
 * cache for the range, but a core that is already running another thread
 * of this process may still hold instructions it fetched before the write
 * (its pipeline, or a prefetch). The architecture asks every core that will
 * run new code to execute a context synchronization event (an `isb`) after
 * the cache maintenance. A thread cannot make another core do that, but the
 * kernel can: `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)`
 * interrupts every core running a thread of this process and returns only
 * once each has synchronized. The process registers its intent once
 * (`MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE`), as the kernel
 * requires; wasmtime does the same.
 *
 * The barrier is issued after the code is in place and executable (write,
 * `__clear_cache`, protect, membarrier), so a core that synchronizes can
 * only fetch the new bytes. It is issued every time: whether another
 * thread may run the code cannot be known here (a worker is given only an
 * address), and its cost is that of the `mprotect` before it, which
 * already interrupts the same cores to shoot down their TLB entries.
 *
 * Kernels before 4.16 (or built without `CONFIG_MEMBARRIER`) refuse the
 * registration. Then nothing is issued: a thread that is told about new
 * code through the kernel (a futex wake, a message, any system call or
 * interrupt return) passes a context synchronization on its way back, which
 * covers every handoff Deno's workers make; only a thread that polls shared
 * memory in a loop without ever entering the kernel could run stale code.
 * {@linkcode CoreSynchronizer.status} says which case holds.
 *
 * @module
 */

import type { LinuxCalls } from "./linux_calls.ts";

/** `MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE` (`<linux/membarrier.h>`). */
export const MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5;
/** `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE`. */
export const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 6;

/** Where the barrier stands: before the first use, in use, or refused. */
export type CoreSyncStatus =
  | { readonly state: "unregistered" }
  | { readonly state: "membarrier" }
  | { readonly state: "unavailable"; readonly errno: number };

/** Issues the barrier, registering the process on first use. */
export interface CoreSynchronizer {
  /**
   * Makes every core running a thread of this process synchronize its
   * instruction stream. Never throws: a kernel without the command leaves
   * the status `unavailable` and the call does nothing.
   */
  synchronize(): void;
  /** What the kernel allowed. */
  status(): CoreSyncStatus;
}

/**
 * Builds the synchronizer over the system calls (real or faked).
 *
 * @param calls The Linux system calls; only `membarrier` is used.
 * @returns A synchronizer that registers on its first call.
 */
export function membarrierCoreSync(
  calls: Pick<LinuxCalls, "membarrier">,
): CoreSynchronizer {
  let status: CoreSyncStatus = { state: "unregistered" };
  return {
    synchronize(): void {
      if (status.state === "unregistered") {
        const result = calls.membarrier(
          MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
          0,
          0,
        );
        // EINVAL: the kernel or CPU lacks the command; ENOSYS: no
        // membarrier at all; EPERM: a seccomp policy forbids it.
        status = result < 0
          ? { state: "unavailable", errno: -result }
          : { state: "membarrier" };
      }
      if (status.state !== "membarrier") return;
      const result = calls.membarrier(
        MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
        0,
        0,
      );
      // Registered, the command cannot fail short of a kernel bug (or a
      // seccomp filter installed since): the fallback above holds then.
      if (result < 0) status = { state: "unavailable", errno: -result };
    },
    status(): CoreSyncStatus {
      return status;
    },
  };
}
