// The pool's bitmap: word-wise run search with a longest-free-run bound,
// checked against a plain array of booleans over random operations.
import assert from "node:assert/strict";
import fc from "fast-check";
import { RunBitmap } from "../run_bitmap.ts";

/** The obvious search: first run of `count` free units at a multiple of `step`. */
function naiveFirstRun(used: boolean[], count: number, step: number): number {
  for (let start = 0; start + count <= used.length; start += step) {
    let free = true;
    for (let unit = start; unit < start + count; unit++) {
      if (used[unit]) {
        free = false;
        break;
      }
    }
    if (free) return start;
  }
  return -1;
}

function longestRun(used: boolean[]): number {
  let longest = 0;
  let run = 0;
  for (const unit of used) {
    run = unit ? 0 : run + 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

Deno.test("RunBitmap finds the same first fit as a plain scan, and its bound never undercuts the longest free run", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.array(
        fc.record({
          allocate: fc.boolean(),
          count: fc.integer({ min: 1, max: 70 }),
          step: fc.constantFrom(1, 2, 4, 16, 64),
          pick: fc.nat(),
        }),
        { maxLength: 200 },
      ),
      (size, operations) => {
        const bitmap = new RunBitmap(size);
        const used: boolean[] = Array(size).fill(false);
        const runs: [number, number][] = [];
        for (const { allocate, count, step, pick } of operations) {
          if (allocate || runs.length === 0) {
            const expected = naiveFirstRun(used, count, step);
            const got = bitmap.allocate(count, step);
            assert.equal(got, expected, `allocate(${count}, ${step})`);
            if (got >= 0) {
              used.fill(true, got, got + count);
              runs.push([got, count]);
            }
          } else {
            const [start, length] = runs.splice(pick % runs.length, 1)[0];
            bitmap.release(start, length);
            used.fill(false, start, start + length);
          }
          assert.equal(bitmap.used, used.filter(Boolean).length);
          assert.ok(bitmap.longestFreeBound() >= longestRun(used));
          for (let unit = 0; unit < size; unit += 7) {
            assert.equal(bitmap.isUsed(unit), used[unit]);
          }
        }
      },
    ),
    { numRuns: 300, seed: 20261130 },
  );
});

Deno.test("RunBitmap: a failed search makes the bound exact, so the next one is skipped without a scan", () => {
  const bitmap = new RunBitmap(64);
  for (let unit = 0; unit < 64; unit += 8) bitmap.mark(unit, 1); // runs of 7
  assert.equal(bitmap.longestFreeBound(), 64, "not known before a search");
  assert.equal(bitmap.allocate(8, 1), -1);
  assert.equal(bitmap.longestFreeBound(), 7);
  assert.equal(bitmap.allocate(7, 1), 1); // units 1..7
  bitmap.release(0, 1);
  assert.equal(bitmap.isUsed(0), false);
  // Releasing 1..7 joins them with unit 0: the bound rises to a run of 8.
  bitmap.release(1, 7);
  assert.ok(bitmap.longestFreeBound() >= 8);
  assert.equal(bitmap.allocate(8, 8), 0);
});
