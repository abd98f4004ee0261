// Workers: each Deno worker is its own isolate with its own jit-memory
// platform, so managers, buffers and pools must work side by side on
// several threads, and code made in one worker must be callable from
// another through its address.
import { DUAL_MAPPING, ON_WINDOWS } from "./helpers/host.ts";
import assert from "node:assert/strict";
import type { WorkerReply, WorkerRequest } from "./fixtures/worker_cycles.ts";
import type { LeavesReply } from "./fixtures/worker_leaves.ts";
import type {
  PointerReply,
  PointerRequest,
} from "./fixtures/worker_code_pointer.ts";
import { mappedAmong, openDescriptorCount } from "./helpers/memory_map.ts";
import { fixture, runDeno } from "./helpers/deno_child.ts";

const WORKERS = 4;
/**
 * Under qemu-user every cycle's fresh code is translated anew and 5,000
 * cycles take about a minute, so the emulated run does fewer (and says so).
 */
const CYCLES = Deno.build.arch === "aarch64" ? 1_000 : 5_000;

type Reply = { type: string };

/** Sends `request` and waits for the answer of type `type`. */
function ask<R extends Reply, T extends R["type"]>(
  worker: Worker,
  request: unknown,
  type: T,
  transfer: Transferable[] = [],
): Promise<Extract<R, { type: T }>> {
  const answer = next<R, T>(worker, type);
  worker.postMessage(request, transfer);
  return answer;
}

/** The next message of type `type` from `worker`; a failure rejects. */
function next<R extends Reply, T extends R["type"]>(
  worker: Worker,
  type: T,
): Promise<Extract<R, { type: T }>> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<R>): void => {
      const reply = event.data;
      if (reply.type === type) {
        resolve(reply as Extract<R, { type: T }>);
      } else {
        reject(new Error(`expected "${type}", got ${JSON.stringify(reply)}`));
      }
    };
    worker.onerror = (event: ErrorEvent): void => {
      event.preventDefault();
      reject(new Error(`worker error: ${event.message}`));
    };
  });
}

function start(fixture: string): Worker {
  return new Worker(new URL(`./fixtures/${fixture}`, import.meta.url), {
    type: "module",
  });
}

Deno.test(`workers: ${WORKERS} workers × ${CYCLES.toLocaleString("en")} cycles each run their own code without interference`, async () => {
  const workers = Array.from(
    { length: WORKERS },
    () => start("worker_cycles.ts"),
  );
  try {
    await Promise.all(
      workers.map((worker) => next<WorkerReply, "ready">(worker, "ready")),
    );
    const reports = await Promise.all(
      workers.map((worker, id) =>
        ask<WorkerReply, "ran">(
          worker,
          { type: "run", worker: id, cycles: CYCLES } satisfies WorkerRequest,
          "ran",
        )
      ),
    );
    const began = Math.max(...reports.map((r) => r.began));
    const ended = Math.min(...reports.map((r) => r.ended));
    assert.ok(began < ended, "every worker ran while the others did");
    const seconds = (Math.max(...reports.map((r) => r.ended)) -
      Math.min(...reports.map((r) => r.began))) / 1000;

    const mismatches = reports.reduce((sum, r) => sum + r.mismatches, 0);
    assert.deepEqual(reports.flatMap((r) => r.examples), []);
    assert.equal(mismatches, 0);
    assert.deepEqual(
      reports.map((r) => [r.worker, r.correct]),
      workers.map((_, id) => [id, CYCLES]),
    );

    // Only the regions each worker still holds can be looked up: the ones
    // its earlier cycles freed may hold anything by now (V8 heap pages of
    // four isolates, their thread stacks), as mmap hands freed addresses
    // out again at once. The held ones are looked up while every worker
    // idles, so nothing else can be mapped there in between.
    const held = reports.flatMap((r) => r.held);
    const kinds = new Set(held.map((h) => h.what));
    assert.deepEqual([...kinds].sort(), ["buffer", "manager", "pool span"]);
    const addresses = held.map((h) => h.address);
    assert.deepEqual(mappedAmong(addresses), addresses, "held regions mapped");
    await Promise.all(workers.map((worker) =>
      ask<WorkerReply, "released">(
        worker,
        { type: "release" } satisfies WorkerRequest,
        "released",
      )
    ));
    assert.deepEqual(mappedAmong(addresses), [], "released regions unmapped");

    const distinct = reports.map((r) => r.distinctAddresses).join("/");
    const scaled = CYCLES === 5_000
      ? ""
      : " (scaled down from 5000 under emulation)";
    console.log(
      `workers: ${WORKERS} × ${CYCLES} cycles${scaled}, ${mismatches} ` +
        `mismatches, ${held.length} held regions unmapped on release, ` +
        `distinct addresses per worker ${distinct}, ${seconds.toFixed(1)} s`,
    );
  } finally {
    for (const worker of workers) worker.terminate();
  }
});

Deno.test("workers: a code address sent as a bigint is called from another worker while its owner keeps it mapped", async () => {
  const owner = start("worker_code_pointer.ts");
  const caller = start("worker_code_pointer.ts");
  try {
    const value = 0xc0de_2a17;
    const { port1, port2 } = new MessageChannel();
    const called = ask<PointerReply, "called">(
      caller,
      { type: "call", port: port2 } satisfies PointerRequest,
      "called",
      [port2],
    );
    // The owner first answers "shared", then "deallocated" once the caller
    // acknowledged on the port: wait for the second without missing it.
    const shared = ask<PointerReply, "shared">(
      owner,
      { type: "own", value, port: port1 } satisfies PointerRequest,
      "shared",
      [port1],
    );
    const { address, ownCall } = await shared;
    const deallocated = next<PointerReply, "deallocated">(owner, "deallocated");
    const call = await called;
    const freed = await deallocated;

    assert.equal(ownCall, value, "the owner runs its own code");
    assert.equal(call.addressType, "bigint");
    assert.equal(call.address, address);
    assert.deepEqual(call.permissions, ["r-xp"], "mapped while called");
    assert.equal(call.result, value);
    assert.equal(freed.address, address);
    if (ON_WINDOWS) {
      // Windows (Wine) hands freed address space out again at once, to its
      // own mapped sections: the private code pages must be gone.
      assert.ok(
        !freed.permissions.includes("r-xp"),
        `unmapped after the ack: ${freed.permissions}`,
      );
    } else {
      assert.deepEqual(freed.permissions, [], "unmapped after the ack");
    }
    console.log(
      `workers: 0x${address.toString(16)} called from another worker ` +
        `returned 0x${call.result.toString(16)}`,
    );
  } finally {
    owner.terminate();
    caller.terminate();
  }
});

Deno.test("workers: a worker's fast-call libraries leave no descriptor open once it is gone", async () => {
  // One worker first: its start-up opens what every later one reuses.
  const runWorker = async (): Promise<void> => {
    const worker = start("worker_cycles.ts");
    try {
      await next<WorkerReply, "ready">(worker, "ready");
      // Enough cycles for every fast mode, so trampolines are bound.
      const report = await ask<WorkerReply, "ran">(
        worker,
        { type: "run", worker: 0, cycles: 30 } satisfies WorkerRequest,
        "ran",
      );
      assert.equal(report.mismatches, 0);
      // Released before it goes: a terminated worker's code stays mapped.
      await ask<WorkerReply, "released">(
        worker,
        { type: "release" } satisfies WorkerRequest,
        "released",
      );
    } finally {
      worker.terminate();
    }
  };
  await runWorker();
  // A terminated worker's isolate is torn down on its own thread: wait
  // until the count stops changing (or reaches what it was).
  const settled = async (expected?: number): Promise<number> => {
    let count = openDescriptorCount();
    for (let wait = 0; wait < 50 && count !== expected; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = openDescriptorCount();
      if (expected === undefined && now === count) break;
      count = now;
    }
    return count;
  };
  const before = await settled();
  for (let round = 0; round < 3; round++) await runWorker();
  assert.equal(await settled(before), before);
});

for (const strategy of ["auto", "mprotect", "manager"] as const) {
  const what = strategy === "manager"
    ? "a manager's function in a loop while its owner patches another function on its page 20,000 times"
    : `a pool's function in a loop while its owner adds and releases 20,000 others (${strategy})`;
  // Patching a page another worker runs, without switching it, needs a
  // writable view (dual mapping: Linux); elsewhere docs/platforms.md forbids it.
  const needsView = strategy === "manager";
  Deno.test(
    `workers: another worker calls ${what} (child process${
      needsView ? "; dual mapping: Linux" : ""
    })`,
    { ignore: needsView && !DUAL_MAPPING },
    async () => {
      const result = await runDeno([
        "run",
        "--allow-ffi",
        "--allow-read",
        "--allow-env",
        fixture("cross_worker_pool.ts"),
        strategy,
        "20000",
      ]);
      assert.equal(result.signal, null, result.stderr);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      const auto = DUAL_MAPPING ? "dual-map" : "mprotect";
      assert.equal(report.strategy, strategy === "auto" ? auto : strategy);
      assert.ok(report.added >= 20_000, `${report.added} functions added`);
      assert.ok(report.checked > 100, `${report.checked} checked`);
      assert.ok(report.callsDuring > 0, "the caller ran during the churn");
      assert.equal(report.wrong, 0);
      assert.equal(report.targetStillRuns, true);
      // Only the target is left in the pool (none at all for a manager).
      assert.equal(report.stats.allocations, strategy === "manager" ? 0 : 1);
      assert.equal(report.stats.pendingBytes, 0);
      const churn = strategy === "manager"
        ? "patches of the page it runs on"
        : `functions were added and released (${report.strategy})`;
      console.log(
        `workers: ${report.callsDuring.toLocaleString("en")} calls from ` +
          `another worker during ${report.added.toLocaleString("en")} ` +
          `${churn}, ${report.seconds} s, 0 wrong`,
      );
    },
  );
}

Deno.test("workers: a worker terminated with code mapped leaves it mapped until the process ends; one that disposes first leaves nothing (documented)", async () => {
  const mappedBy = async (dispose: boolean): Promise<bigint[]> => {
    const worker = start("worker_leaves.ts");
    try {
      const { addresses } = await next<LeavesReply, "mapped">(
        worker,
        "mapped",
      );
      assert.deepEqual(mappedAmong(addresses), addresses, "mapped while alive");
      if (dispose) {
        await ask<LeavesReply, "disposed">(worker, "dispose", "disposed");
      }
      worker.terminate();
      // The isolate is torn down on its own thread: give it time.
      for (let wait = 0; wait < 20; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return mappedAmong(addresses);
    } finally {
      worker.terminate();
    }
  };
  // Nothing runs a terminated worker's disposal (no finalizer runs when an
  // isolate is torn down), so its code stays mapped: docs/platforms.md says so.
  assert.equal((await mappedBy(false)).length, 3);
  assert.deepEqual(await mappedBy(true), []);
});
