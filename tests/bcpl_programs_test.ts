import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resize } from "../bench/bcpl_operations.ts";
import {
  check,
  compile,
  runInterpreted,
  runNative,
} from "../examples/bcpl/compiler.ts";
import { BcplError } from "../examples/bcpl/lexer.ts";
import { listing } from "../examples/bcpl/main.ts";
import { HEAP_WORDS } from "../examples/bcpl/memory.ts";
import { BcplRuntimeError, Output } from "../examples/bcpl/runtime.ts";
import { runDeno } from "./helpers/deno_child.ts";
import { EMULATED } from "./helpers/emulation.ts";

function path(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

function program_(name: string): string {
  return Deno.readTextFileSync(path(`examples/bcpl/programs/${name}`));
}

interface Run {
  output: string;
  result: bigint;
}

/** Runs a program in both engines; they must agree. */
function both(source: string, input = ""): Run {
  const checked = check(source, "test.b");
  const runs = [
    (output: Output) => runInterpreted(checked, output),
    (output: Output) => runNative(compile(checked), output),
  ].map((run) => {
    const output = new Output(null, new TextEncoder().encode(input));
    const result = run(output);
    return { output: output.text(), result };
  });
  assert.deepEqual(runs[1], runs[0], "compiled and interpreted agree");
  return runs[0];
}

/** The error each engine stops with. */
function errors(source: string): unknown[] {
  const checked = check(source, "test.b");
  return [
    () => runInterpreted(checked, new Output()),
    () => runNative(compile(checked), new Output()),
  ].map((run) => {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  });
}

const QUEENS = [
  1,
  0,
  0,
  2,
  10,
  4,
  40,
  92,
  352,
  724,
  2680,
  14200,
  73712,
  365596,
  2279184,
  14772512,
];

function queensLines(last: number): string {
  return QUEENS.slice(0, last).map((count, index) =>
    `${String(index + 1).padStart(2)} queens: ${count} solutions\n`
  ).join("");
}

Deno.test("writef.b prints its expected output, compiled and interpreted", () => {
  const run = both(program_("writef.b"));
  assert.equal(run.output, program_("writef.expected"));
});

Deno.test("queens.b counts 1..8 compiled and interpreted alike", () => {
  const run = both(resize(program_("queens.b"), "MaxN", 8));
  assert.equal(run.output, queensLines(8));
});

Deno.test("queens.b compiled counts 1..16 (1..12 under emulation)", () => {
  const last = EMULATED ? 12 : 16;
  const output = new Output();
  runNative(compile(check(resize(program_("queens.b"), "MaxN", last))), output);
  assert.equal(output.text(), queensLines(last));
});

Deno.test("scheduler.b at 10,000 iterations gives the published counts, compiled and interpreted", () => {
  const run = both(resize(program_("scheduler.b"), "Count", 10000));
  assert.equal(
    run.output,
    "Scheduler benchmark: 10000 iterations\n" +
      "qpkt count = 23246  holdcount = 9297\n",
  );
});

Deno.test("scheduler.b compiled at 1,000,000 iterations gives the published 2,326,410 and 930,563", () => {
  const output = new Output();
  runNative(compile(check(program_("scheduler.b"))), output);
  assert.equal(
    output.text(),
    "Scheduler benchmark: 1000000 iterations\n" +
      "qpkt count = 2326410  holdcount = 930563\n",
  );
});

Deno.test("compiler_test.b passes every test, compiled and interpreted", () => {
  const run = both(program_("compiler_test.b"));
  const summary = run.output.match(
    /^(\d+) TESTS COMPLETED, (\d+) FAILURE\(S\)$/m,
  );
  assert.ok(summary, run.output);
  assert.ok(Number(summary[1]) >= 100, summary[0]);
  assert.equal(summary[2], "0", run.output);
  assert.equal(run.result, 0n);
});

Deno.test("compiler_test.b uses every construct of the language", () => {
  const { program } = check(program_("compiler_test.b"));
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.kind === "string") {
      seen.add(
        typeof record.op === "string"
          ? `${record.kind} ${record.op}`
          : record.kind,
      );
      if (record.kind === "repeat") {
        seen.add(
          record.test
            ? (record.until ? "repeatuntil" : "repeatwhile")
            : "repeat",
        );
      }
      const target = record.target as { kind?: string } | undefined;
      if (record.kind === "call" && target?.kind) {
        seen.add(`call ${target.kind}`);
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(program.functions.filter((fn) => !fn.library));
  const needed = [
    "assign",
    "if",
    "test",
    "while",
    "for",
    "repeat",
    "repeatwhile",
    "repeatuntil",
    "switchon",
    "case",
    "default",
    "labelled",
    "goto",
    "resultis",
    "return",
    "break",
    "loop",
    "endcase",
    "block",
    "let",
    "vec",
    "valof",
    "conditional",
    "string",
    "table",
    "address",
    "field",
    "unary -",
    "unary ~",
    "unary !",
    "unary ABS",
    "binary *",
    "binary /",
    "binary REM",
    "binary +",
    "binary -",
    "binary =",
    "binary ~=",
    "binary <",
    "binary <=",
    "binary >",
    "binary >=",
    "binary <<",
    "binary >>",
    "binary &",
    "binary |",
    "binary XOR",
    "binary !",
    "binary %",
    "call function",
    "call indirect",
    "call primitive",
  ];
  assert.deepEqual(needed.filter((kind) => !seen.has(kind)), []);
  assert.ok(program.globals.length > 0 && program.statics.length > 0);
});

Deno.test("stop(n) and FINISH end the program with their code; code after them never runs", () => {
  assert.deepEqual(
    both(
      'LET start() = VALOF { writes("a"); stop(7); writes("b"); RESULTIS 1 }',
    ),
    { output: "a", result: 7n },
  );
  assert.deepEqual(
    both("LET f() BE FINISH\nLET start() = VALOF { f(); RESULTIS 3 }"),
    { output: "", result: 0n },
  );
});

Deno.test("abort(n), a call of a value that is no function: BcplRuntimeErrors in both engines", () => {
  for (
    const [source, kind] of [
      ["LET start() = VALOF { abort(9); RESULTIS 0 }", "abort"],
      ["LET start() = VALOF { LET f = 12345; RESULTIS f(1) }", "call"],
      ['LET start() = VALOF { LET s = "ab"; RESULTIS s(1) }', "call"],
    ] as const
  ) {
    for (const error of errors(source)) {
      assert.ok(error instanceof BcplRuntimeError, String(error));
      assert.equal(error.kind, kind, source);
    }
  }
});

Deno.test("level() and longjump() leave deep recursion for a label of a live frame, whose locals are intact", () => {
  const source = `GET "libhdr"
GLOBAL { rec.level: ug; rec.label: ug + 1; depth: ug + 2 }

LET dive(n) BE
{ depth := depth + 1
  IF n = 0 DO longjump(rec.level, rec.label)
  dive(n - 1)
  writes("never*n")
}

LET start() = VALOF
{ LET tries, keep = 0, 7
  rec.level, rec.label := level(), back
  tries := tries + 1
  IF tries <= 3 DO dive(tries * 10)
back:
  writef("tries %n depth %n keep %n*n", tries, depth, keep)
  IF tries < 3 DO { tries := tries + 1; dive(5) }
  sys(Sys_sawrch, 'Z'); sys(Sys_sawrch, '*n')
  RESULTIS tries
}`;
  assert.deepEqual(both(source), {
    output: "tries 1 depth 11 keep 7\ntries 2 depth 17 keep 7\n" +
      "tries 3 depth 23 keep 7\nZ\n",
    result: 3n,
  });
});

Deno.test("longjump to a value that is no label, to a level below the stack, or to a frame that has returned: BcplRuntimeErrors", () => {
  for (
    const source of [
      "LET start() = VALOF { longjump(level(), 99); RESULTIS 1 }",
      "LET f() = level()\nLET start() = VALOF { longjump(f() - 4096, l); l: RESULTIS 1 }",
      `GLOBAL { lv: 200; lb: 201 }
LET setup() BE { lv, lb := level(), here; RETURN; here: writes("x") }
LET start() = VALOF { setup(); longjump(lv, lb); RESULTIS 0 }`,
    ]
  ) {
    for (const error of errors(source)) {
      assert.ok(error instanceof BcplRuntimeError, String(error));
      assert.equal(error.kind, "longjump", source);
    }
  }
});

Deno.test("sys() writes and reads a character and stops; an unknown operation aborts", () => {
  const source = `GET "libhdr"
LET start() = VALOF
{ sys(Sys_sawrch, sys(Sys_sardch))
  sawrch(sardch())
  sys(Sys_quit, 5)
  RESULTIS 1
}`;
  assert.deepEqual(both(source, "hi"), { output: "hi", result: 5n });
  for (const error of errors('GET "libhdr"\nLET start() = sys(99)')) {
    assert.ok(error instanceof BcplRuntimeError, String(error));
    assert.equal(error.kind, "abort");
  }
});

Deno.test("a dense SWITCHON jumps through a table, a sparse one searches; both agree with the interpreter on every value", () => {
  const source = `GET "libhdr"
LET dense(x) = VALOF SWITCHON x INTO
{ CASE 3: RESULTIS 30
  CASE 4: CASE 5: RESULTIS 45
  CASE 7: RESULTIS 70
  CASE 9: RESULTIS 90
  CASE 10: RESULTIS 100
  DEFAULT: RESULTIS -1
}
LET sparse(x) = VALOF SWITCHON x INTO
{ CASE minint: RESULTIS 1
  CASE -1000: RESULTIS 2
  CASE 7: RESULTIS 3
  CASE 1_000_000: RESULTIS 4
  CASE maxint: RESULTIS 5
  CASE 12345678901: RESULTIS 6
}
LET start() = VALOF
{ LET values = TABLE minint, -1000, -1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 7,
                     1_000_000, 12345678901, maxint, maxint - 1, minint + 1
  FOR i = 0 TO 19 DO writef("%n:%n,%n ", values!i, dense(values!i), sparse(values!i))
  RESULTIS 0
}`;
  const run = both(source);
  assert.match(run.output, /^-9223372036854775808:-1,1 -1000:-1,2 /);
  assert.match(run.output, / 4:45,0 5:45,0 6:-1,0 7:70,3 /);
  assert.match(run.output, / 9223372036854775807:-1,5 /);
  for (const arch of ["x86_64", "aarch64"] as const) {
    const text = listing(compile(check(source), arch));
    const dense = text.slice(
      text.indexOf("<dense>:"),
      text.indexOf("<sparse>:"),
    );
    const sparse = text.slice(
      text.indexOf("<sparse>:"),
      text.indexOf("<start>:"),
    );
    const indirect = arch === "x86_64" ? /\tjmp\s+rax/ : /\tbr\s+x16/;
    assert.match(dense, indirect, `${arch}: dense jumps through its table`);
    assert.doesNotMatch(sparse, indirect, `${arch}: sparse searches`);
  }
});

Deno.test("! and % outside the globals, data, heap and stack are BcplRuntimeErrors in both engines, never a crash", () => {
  for (
    const body of [
      "RESULTIS !0",
      "RESULTIS !(-5)",
      "RESULTIS (@x)!(-100_000_000)",
      "{ !(1 << 60) := 1; RESULTIS 0 }",
      // The header (the runtime's callback) and the code tables are not
      // the program's to write.
      "{ (@globsize)!-7 := 0; wrch('x'); RESULTIS 0 }",
      '{ LET s = "ab"; RESULTIS s%(-1_000_000) }',
      "{ LET v = getvec(10); v%(8 * 20_000_000) := 1; RESULTIS 0 }",
    ]
  ) {
    const source = `GET "libhdr"\nLET start() = VALOF { LET x = 1\n${body} }`;
    for (const error of errors(source)) {
      assert.ok(error instanceof BcplRuntimeError, `${body}: ${error}`);
      assert.equal(error.kind, "address", body);
    }
  }
  // The last word of the heap and the first of the globals are the
  // program's.
  assert.equal(
    both(`GET "libhdr"
LET start() = VALOF
{ LET top = heap.end - 1
  !top := 5; !(@globsize) := 3
  RESULTIS !top + globsize
}`).result,
    8n,
  );
});

Deno.test("locals hide manifests, a block's MANIFEST and STATIC are its own, ENDCASE leaves a SWITCHON from a loop, getvec(maxint) is 0", () => {
  const source = `GET "libhdr"
LET a() = VALOF { MANIFEST { k = 5 }; RESULTIS k }
LET b(k) = k * 2
LET c(ug) = ug + 1
LET s1() = VALOF { STATIC { count = 0 }; count := count + 1; RESULTIS count }
LET s2() = VALOF { STATIC { count = 100 }; count := count + 1; RESULTIS count }
LET start() = VALOF
{ LET n = 0
  writef("%n %n %n*n", a(), b(3), c(7))
  s1(); writef("%n %n*n", s1(), s2())
  SWITCHON 1 INTO { CASE 1: FOR i = 1 TO 10 DO { n := n + i; IF i = 3 DO ENDCASE }; n := 1000 }
  writef("n = %n*n", n)
  writef("%n %n*n", getvec(maxint), getvec(10) > 0)
  RESULTIS 0
}`;
  assert.equal(both(source).output, "5 6 8\n2 101\nn = 6\n0 -1\n");
});

Deno.test("a callee may use the parameters its caller did not pass as locals (Windows x64: their homes are the caller's to reserve)", () => {
  const source =
    `LET f(a, b, c, d, e, g, h) = VALOF { e, g, h := 111, 222, 333; RESULTIS a + e }
LET start() = VALOF
{ LET x, y = 5, 6
  LET q = @x
  LET r = f(1) + f(2, 3)
  LET t = f
  RESULTIS r + t(10) + x * 1000 + y * 100000
}`;
  assert.equal(both(source).result, 112n + 113n + 121n + 5000n + 600000n);
});

Deno.test("a write past a vector's end in a deep frame never reaches a return address: vectors live in the frame stack", () => {
  const source = `GET "libhdr"
LET f() = VALOF { LET v = VEC 1; FOR i = 0 TO 6 DO v!i := 0; RESULTIS 0 }
LET g(n) = n = 0 -> f(), g(n - 1) + 1
LET start() = VALOF { g(50); writef("survived*n"); RESULTIS 0 }`;
  assert.equal(both(source).output, "survived\n");
});

Deno.test("rdch reads the input, then gives endstreamch", () => {
  const source = `GET "libhdr"
LET start() = VALOF
{ LET c = rdch()
  UNTIL c = endstreamch DO { wrch(capitalch(c)); c := rdch() }
  RESULTIS rdch()
}`;
  assert.deepEqual(both(source, "abc*\n"), { output: "ABC*\n", result: -1n });
});

Deno.test("getvec gives 0 when the heap is full, and reuses what freevec returns", () => {
  const source = `GET "libhdr"
LET start() = VALOF
{ LET a = getvec(${HEAP_WORDS})
  LET b = getvec(100)
  LET c = ?
  b!0, b!100 := 1, 2
  freevec(b)
  c := getvec(50)
  RESULTIS (a = 0) & (c = b) & (muldiv(maxint, 4, 8) = maxint / 2)
}`;
  assert.equal(both(source).result, -1n);
});

Deno.test("parameters whose address is taken stay consecutive words; other slots live in registers", () => {
  const source = `LET third(a, b, c) = (@a)!2
LET sum(n) = VALOF
{ LET s = 0
  FOR i = 1 TO n DO s := s + i
  RESULTIS s
}
LET start() = third(1, 2, 3) * 10000 + sum(100)`;
  assert.equal(both(source).result, 35050n);
  // sum keeps n, s, i and the limit in registers: no frame access at all.
  for (const arch of ["x86_64", "aarch64"] as const) {
    const text = listing(compile(check(source), arch));
    const body = text.slice(text.indexOf("<sum>:"), text.indexOf("<start>:"));
    const frameAccess = arch === "x86_64"
      ? /\[rsp/
      : /\b(ldr|str)\s+x\d+, \[sp/;
    assert.doesNotMatch(body, frameAccess, `${arch}:\n${body}`);
    const third = text.slice(text.indexOf("<third>:"), text.indexOf("<sum>:"));
    assert.match(third, arch === "x86_64" ? /\[rsp/ : /\[sp/);
  }
});

const ERRORS: [string, RegExp][] = [
  [
    "LET start() BE GOTO nowhere",
    /^t\.b:1:16: there is no label nowhere: in start$/,
  ],
  ["LET start() BE ENDCASE", /^t\.b:1:16: ENDCASE outside SWITCHON$/],
  ["LET start() BE LOOP", /^t\.b:1:16: LOOP outside a loop$/],
  ["LET start() BE { CASE 1: RETURN }", /^t\.b:1:18: CASE outside SWITCHON$/],
  [
    "LET start() BE SWITCHON 1 INTO { DEFAULT: RETURN; DEFAULT: RETURN }",
    /^t\.b:1:51: a second DEFAULT in one SWITCHON$/,
  ],
  ['GET "nofile"\nLET start() = 0', /^t\.b:1:1: cannot GET "nofile"$/],
  [
    "GLOBAL { g: 1000 }\nLET start() = 0",
    /^t\.b:1:10: global g is numbered 1000: globals are 0\.\.999$/,
  ],
  [
    "LET f() = 1\nLET start() BE f := 2",
    /^t\.b:2:16: f is a function, not a variable/,
  ],
  ["LET start() = @3", /^t\.b:1:15: @ takes a variable, !e, v!i/],
  ["LET start() = TABLE 1, x", /^t\.b:1:24: a TABLE holds constants$/],
];

for (const [source, message] of ERRORS) {
  Deno.test(`check() reports ${JSON.stringify(source)} as file:line:col`, () => {
    assert.throws(() => check(source, "t.b"), (error: unknown) => {
      assert.ok(error instanceof BcplError, String(error));
      assert.match(error.message, message);
      return true;
    });
  });
}

Deno.test("main.ts GETs a header beside the source and feeds standard input to rdch, with --allow-ffi alone", async () => {
  const directory = Deno.makeTempDirSync({ prefix: "bcpl-get-" });
  try {
    Deno.writeTextFileSync(
      `${directory}/consts.h`,
      "MANIFEST { answer = 42 }\n",
    );
    Deno.writeTextFileSync(
      `${directory}/main.b`,
      'GET "libhdr"\nGET "consts"\n' +
        'LET start() = VALOF { writef("%n %n*n", answer, rdch()); RESULTIS 0 }\n',
    );
    const result = await runDeno([
      "run",
      "--allow-ffi",
      path("examples/bcpl/main.ts"),
      `${directory}/main.b`,
    ]);
    assert.equal(result.stderr, "");
    // Standard input is empty here: rdch() gives endstreamch.
    assert.equal(result.stdout, "42 -1\n");
  } finally {
    Deno.removeSync(directory, { recursive: true });
  }
});
