// Leaks: a long run of every lifecycle of the public API, failures
// included, must leave the process with the mappings and file descriptors
// it had. The cycles run in a child Deno (fixtures/leak_cycles.ts), the
// only place where the runtime's own mappings hold still enough to count.
import { ON_WINDOWS } from "./helpers/host.ts";
import assert from "node:assert/strict";
import type { LeakReport } from "./fixtures/leak_cycles.ts";
import { fixture, runDeno } from "./helpers/deno_child.ts";

/**
 * Under qemu-user a cycle is about fifty times slower (every fresh piece
 * of code is translated again, every error's stack trace is walked in
 * emulated code), so the emulated run does fewer cycles and says so.
 */
const EMULATED = Deno.build.arch === "aarch64";
const CYCLES = EMULATED ? 5_000 : 100_000;
/** Enough cycles to reach every path and V8's steady state first. */
const WARM_UP = EMULATED ? 1_500 : 20_000;
const V8_FLAGS = [
  "--expose-gc",
  "--single-threaded",
  "--min-semi-space-size=1",
  "--max-semi-space-size=1",
];

Deno.test(`leaks: ${CYCLES.toLocaleString("en")} mixed cycles, failures included, leave mappings and descriptors as they were`, async () => {
  const child = await runDeno([
    "run",
    `--v8-flags=${V8_FLAGS.join(",")}`,
    "--allow-ffi",
    fixture("leak_cycles.ts"),
    String(CYCLES),
    String(WARM_UP),
  ]);
  assert.equal(child.code, 0, `child failed:\n${child.stderr}`);
  const report: LeakReport = JSON.parse(child.stdout);
  const {
    mappings,
    allMappings,
    descriptors,
    threads,
    memfdMappings,
    regions,
  } = report;

  const scaled = CYCLES === 100_000
    ? ""
    : " (scaled down from 100000 under emulation)";
  console.log(
    `leaks: ${report.cycles} cycles${scaled}, mappings ${mappings[0]} → ` +
      `${mappings[1]} (rwx excluded; all ${allMappings[0]} → ` +
      `${allMappings[1]}), fds ${descriptors[0]} → ${descriptors[1]}, ` +
      `memfd mappings ${memfdMappings[0]} → ${memfdMappings[1]}, ` +
      `threads ${threads[0]} → ${threads[1]}, regions mapped ` +
      `${regions.mapped} / unmapped ${regions.unmapped}, ${report.calls} ` +
      `calls and ${report.failures} failures checked, ` +
      `${report.seconds.toFixed(1)} s`,
  );

  assert.equal(report.cycles, CYCLES);
  assert.ok(report.calls > 2 * CYCLES, "calls were made and checked");
  assert.ok(report.failures > 2 * CYCLES, "failures were provoked");
  // The kernel merges adjacent anonymous mappings of equal protection, so
  // the map alone could hide leaked regions: the child's ledger of every
  // region the platform mapped cannot.
  // (A dual-mapped pool's block is two mappings; on Windows, which has
  // none, that cycle maps one, so there are fewer per cycle.)
  assert.ok(
    regions.mapped >= (ON_WINDOWS ? CYCLES / 2 : CYCLES),
    "regions went through the OS",
  );
  assert.deepEqual(
    { unmapped: regions.unmapped, live: regions.live },
    { unmapped: regions.mapped, live: 0 },
    "every region mapped was unmapped",
  );
  assert.equal(descriptors[1], descriptors[0], "file descriptors");
  assert.equal(memfdMappings[1], memfdMappings[0], "memfd mappings");
  // The runtime's idle threads exit on their own time (Deno's blocking
  // pool after 10 s), taking their stacks' mappings along: with fewer
  // threads the count may drop, and it may never grow. On Windows the count
  // is of VirtualQuery's regions, which split and merge as V8 commits and
  // decommits pages of its reservations, whatever the code under test
  // does: there the ledger above is the check (docs/development.md names it).
  if (ON_WINDOWS) return;
  if (threads[1] === threads[0]) {
    assert.equal(mappings[1], mappings[0], "mappings");
  } else {
    assert.ok(
      threads[1] < threads[0] && mappings[1] <= mappings[0],
      `mappings ${mappings[0]} → ${mappings[1]} while threads ` +
        `${threads[0]} → ${threads[1]}`,
    );
  }
});
