// enablePerfMap(): the lines perf reads, written only when enabled, shared
// with V8's own --perf-basic-prof output; and perf itself naming samples.
import assert from "node:assert/strict";
import { enablePerfMap, JITMemoryManagerError } from "../mod.ts";
import { fixture, runDeno } from "./helpers/deno_child.ts";
import { EMULATED } from "./helpers/emulation.ts";

const LINUX = Deno.build.os === "linux";
const MAP_LINE = /^[0-9a-f]+ [0-9a-f]+ \S.*$/;

interface Report {
  pid: number;
  path?: string;
  sharedWithV8?: boolean;
  error?: { code: string; message: string };
  buffer: string;
  span: string;
  pair: [string, string];
  region: string;
  result: number;
  size: number;
}

async function runNamed(flags: string[], args: string[] = []): Promise<Report> {
  const child = await runDeno([
    "run",
    "--allow-ffi",
    "--allow-read",
    ...flags,
    fixture("named_code.ts"),
    ...args,
  ]);
  assert.equal(child.code, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!);
}

function readMap(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).trimEnd().split("\n");
  } finally {
    Deno.removeSync(path);
  }
}

Deno.test("enablePerfMap(): one START SIZE name line per named function (buffer, span, symbols, region, fast-call trampolines)", async () => {
  if (!LINUX) {
    assert.throws(
      () => enablePerfMap(),
      (error) =>
        error instanceof JITMemoryManagerError && error.code === "UNSUPPORTED",
    );
    return;
  }
  const report = await runNamed(["--allow-write=/tmp"]);
  assert.equal(report.result, 3);
  assert.equal(report.path, `/tmp/perf-${report.pid}.map`);
  const lines = readMap(report.path!);
  const size = report.size.toString(16);
  for (
    const line of [
      `${report.buffer} ${size} named_buffer`,
      `${report.span} ${size} named_span`,
      `${report.pair[0]} ${size} first_of_pair`,
      `${report.pair[1]} ${size} second_of_pair`,
      `${report.region} ${size} named_region`,
    ]
  ) {
    assert.ok(lines.includes(line), `${line} in\n${lines.join("\n")}`);
  }
  assert.ok(
    lines.some((line) => / jit-memory fast call \(\) -> i32 #\d+$/.test(line)),
    "the trampolines are named",
  );
  for (const line of lines) assert.match(line, MAP_LINE);
});

Deno.test("enablePerfMap(): without --allow-write for the file, WRITE_PERMISSION naming the flag; nothing is written unless enabled", async () => {
  if (!LINUX) return;
  const denied = await runNamed([]);
  assert.equal(denied.error?.code, "WRITE_PERMISSION");
  assert.match(
    denied.error!.message,
    new RegExp(`--allow-write=/tmp/perf-${denied.pid}\\.map`),
  );
  const disabled = await runNamed(["--allow-write=/tmp"], ["--disabled"]);
  assert.equal(disabled.result, 3);
  assert.throws(
    () => Deno.statSync(`/tmp/perf-${disabled.pid}.map`),
    Deno.errors.NotFound,
  );
});

Deno.test("enablePerfMap(): under --perf-basic-prof the file is V8's too, and neither writer breaks the other's lines", async () => {
  if (!LINUX) return;
  // V8 also writes a log, into the working directory unless told where.
  const log = await Deno.makeTempFile({ suffix: ".v8.log" });
  try {
    const report = await runNamed([
      "--allow-write=/tmp",
      `--v8-flags=--perf-basic-prof,--no-logfile-per-isolate,--logfile=${log}`,
    ]);
    assert.equal(report.sharedWithV8, true);
    const lines = readMap(report.path!);
    assert.ok(lines.length > 100, "V8's lines are there");
    const size = report.size.toString(16);
    assert.ok(lines.includes(`${report.buffer} ${size} named_buffer`));
    assert.ok(lines.includes(`${report.region} ${size} named_region`));
    for (const line of lines) assert.match(line, MAP_LINE);
  } finally {
    Deno.removeSync(log);
  }
});

Deno.test("enablePerfMap() and enableDebuggerRegistration() in two workers and the main thread at once: every line whole, none lost", async () => {
  if (!LINUX) return;
  const child = await runDeno([
    "run",
    "--allow-ffi",
    "--allow-read",
    "--allow-write=/tmp",
    fixture("named_workers.ts"),
  ]);
  assert.equal(child.code, 0, child.stderr);
  const report = JSON.parse(child.stdout.trim().split("\n").at(-1)!);
  assert.deepEqual(report.counts, [report.count, report.count]);
  const lines = readMap(report.path);
  for (const line of lines) assert.match(line, MAP_LINE);
  for (const prefix of ["main", "worker1", "worker2"]) {
    const named = lines.filter((line) => line.includes(` ${prefix}_fn`));
    assert.equal(named.length, report.count, prefix);
  }
});

/** Why perf cannot profile JIT'd code of this run, if it cannot. */
async function perfUnavailable(): Promise<string | undefined> {
  if (!LINUX) return "perf is Linux's profiler";
  if (EMULATED) {
    return "under qemu-user, perf samples the emulator, not the guest's code";
  }
  try {
    const probe = await new Deno.Command("perf", {
      args: ["record", "-e", "cpu-clock", "-o", "/dev/null", "--", "true"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (probe.success) return undefined;
    return `perf record fails here: ${new TextDecoder().decode(probe.stderr)}`;
  } catch {
    return "perf is not installed (Debian: apt-get install linux-perf)";
  }
}

Deno.test("perf record -e cpu-clock + perf report: the majority of samples of a process busy in a named JIT'd function carry its name", async () => {
  const reason = await perfUnavailable();
  if (reason !== undefined) {
    console.log(`perf check skipped: ${reason}`);
    return;
  }
  const data = await Deno.makeTempFile({ suffix: ".perf.data" });
  let pid: number | undefined;
  try {
    const record = await new Deno.Command("perf", {
      args: [
        "record",
        "-e",
        "cpu-clock",
        "-o",
        data,
        "--",
        Deno.execPath(),
        "run",
        "--allow-ffi",
        "--allow-write=/tmp",
        fixture("hot_loop.ts"),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(record.stdout);
    assert.ok(record.success, new TextDecoder().decode(record.stderr));
    pid = JSON.parse(stdout.trim().split("\n").at(-1)!).pid;
    const report = await new Deno.Command("perf", {
      args: [
        "report",
        "-i",
        data,
        "--stdio",
        "--no-children",
        "--sort",
        "sym",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(report.stdout);
    const line = text.split("\n").find((row) => row.includes("jit_hot_loop"));
    assert.ok(line !== undefined, `jit_hot_loop in perf report:\n${text}`);
    const share = Number(line.trim().split("%")[0]);
    assert.ok(share > 50, `jit_hot_loop has ${share}% of the samples`);
  } finally {
    Deno.removeSync(data);
    if (pid !== undefined) Deno.removeSync(`/tmp/perf-${pid}.map`);
  }
});
