import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  callingConvention,
  SYSTEM_V_X86_64,
  WINDOWS_X64,
  type X86CallingConvention,
} from "../arch/x86_64.ts";
import {
  type Abi,
  check,
  type Checked,
  compile,
  type Compiled,
  describeTarget,
  NativeProgram,
  runInterpreted,
  runNative,
  symbolName,
} from "../examples/bcpl/compiler.ts";
import { BcplError } from "../examples/bcpl/lexer.ts";
import { listing } from "../examples/bcpl/main.ts";
import { BcplRuntimeError, Output } from "../examples/bcpl/runtime.ts";
import { runDeno } from "./helpers/deno_child.ts";
import {
  conventionViolations,
  disassemble,
  objdumpAvailable,
} from "./bcpl/x86_64_convention_check.ts";

function path(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/** This process's CPU and, on x86-64, calling convention. */
const HOST = describeTarget(
  Deno.build.arch as Compiled["arch"],
  callingConvention().name,
);

/** Programs with their expected output in `tests/bcpl/NAME.out`. */
const CORPUS = [
  "tests/bcpl/constructs.b",
  "tests/bcpl/arithmetic.b",
  "tests/bcpl/vectors.b",
  "tests/bcpl/recursion.b",
  "tests/bcpl/frames.b",
  "examples/bcpl/programs/demo.b",
  "examples/bcpl/programs/fib.b",
  "examples/bcpl/programs/sieve.b",
];

interface Run {
  output: string;
  result: bigint;
}

function interpreted(source: string, file = "test.b"): Run {
  const output = new Output();
  const result = runInterpreted(check(source, file), output);
  return { output: output.text(), result };
}

function native(source: string, file = "test.b"): Run {
  const output = new Output();
  const result = runNative(compile(check(source, file)), output);
  return { output: output.text(), result };
}

for (const file of CORPUS) {
  const name = file.slice(file.lastIndexOf("/") + 1, -2);
  const source = Deno.readTextFileSync(path(file));
  const expectedOutput = Deno.readTextFileSync(path(`tests/bcpl/${name}.out`));
  const result = source.match(/^\/\/ result: (\d+)/m);
  assert.ok(result, `${file} names its result`);

  Deno.test(`${name}.b interpreted prints its expected output and returns ${result[1]}`, () => {
    const run = interpreted(source, file);
    assert.equal(run.output, expectedOutput);
    assert.equal(run.result, BigInt(result[1]));
  });

  Deno.test(`${name}.b compiled for ${HOST} prints the same and returns ${result[1]}`, () => {
    const run = native(source, file);
    assert.equal(run.output, expectedOutput);
    assert.equal(run.result, BigInt(result[1]));
  });
}

Deno.test("constructs.b exercises every statement and operator kind", () => {
  // The corpus is only a proof if it covers the language: walk the tree.
  const { program } = check(
    Deno.readTextFileSync(path("tests/bcpl/constructs.b")),
  );
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
      if (record.kind === "if" && record.unless) seen.add("unless");
      if (record.kind === "while" && record.until) seen.add("until");
      const callee = record.callee as { kind?: string; name?: string };
      if (record.kind === "call" && callee?.kind === "name") {
        seen.add(callee.name!);
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(program.functions);
  const needed = [
    "assign",
    "if",
    "unless",
    "test",
    "while",
    "until",
    "for",
    "resultis",
    "return",
    "break",
    "call",
    "block",
    "let",
    "vec",
    "valof",
    "conditional",
    "unary -",
    "unary ~",
    "unary !",
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
    "binary !",
    "writen",
    "wrch",
    "newline",
    "writes",
    "expression",
    "routine",
  ];
  assert.deepEqual(needed.filter((kind) => !seen.has(kind)), []);
});

Deno.test("compile() generates code for both CPUs with a function map", () => {
  const checked = check(
    Deno.readTextFileSync(path("examples/bcpl/programs/demo.b")),
  );
  for (const arch of ["x86_64", "aarch64"] as const) {
    const code = compile(checked, arch);
    assert.equal(code.arch, arch);
    assert.deepEqual(
      code.functions.map((fn) => fn.name),
      // The program's functions, then the library's it uses.
      [
        "(entry)",
        "fib",
        "factorial",
        "primes",
        "start",
        "newline",
        "writes",
        "writed",
        "writen",
      ],
    );
    let offset = 0;
    for (const fn of code.functions) {
      assert.equal(fn.offset, offset, `${fn.name} follows the one before`);
      assert.ok(fn.size > 0);
      offset += fn.size;
    }
    assert.equal(offset, code.bytes.length);
    const encoded = code.instructions.reduce(
      (total, instruction) => total + instruction.size,
      0,
    );
    assert.equal(encoded, code.bytes.length);
    if (arch === "aarch64") {
      const codeSize = code.functions.at(-1)!.offset;
      assert.equal(codeSize % 4, 0, "AArch64 instructions are words");
    }
  }
});

Deno.test("listing() shows the assembler's listing, a header at each function, over every byte", () => {
  const checked = check(
    'LET twice(n) = n + n\nLET start() = VALOF $( writes("hi*n"); RESULTIS twice(21) $)\n',
  );
  for (const arch of ["x86_64", "aarch64"] as const) {
    const code = compile(checked, arch);
    const text = listing(code);
    const header = arch === "x86_64"
      ? `x86_64 \\(${callingConvention().name}\\)`
      : arch;
    assert.match(text, new RegExp(`^${header}: ${code.bytes.length} bytes\n`));
    assert.deepEqual(
      code.functions.map((fn) => symbolName(fn.name)),
      ["bcpl(entry)", "twice", "start", "writes"],
    );
    for (const fn of code.functions) {
      const offset = fn.offset.toString(16).padStart(16, "0");
      const name = symbolName(fn.name).replace(/[()]/g, "\\$&");
      assert.match(text, new RegExp(`^${offset} <${name}>:$`, "m"));
    }
    // Every byte, in order, in the bytes column.
    const bytes = [...text.matchAll(/^ *[0-9a-f]+:\t([^\t]*)\t/gm)].flatMap(
      (m) => {
        const column = m[1].trim();
        return /^[0-9a-f]{8}$/.test(column)
          ? [0, 8, 16, 24].map((shift) =>
            (parseInt(column, 16) >>> shift) & 0xff
          )
          : column.split(" ").map((byte) => parseInt(byte, 16));
      },
    );
    assert.deepEqual(bytes, [...code.bytes]);
  }
});

Deno.test("a NativeProgram runs many times and after a runtime error", () => {
  const source =
    "LET f(n) = 100 / n\nLET start() = VALOF $( writen(f(4)); RESULTIS f(0) $)\n";
  using program = new NativeProgram(compile(check(source)));
  for (let run = 0; run < 3; run++) {
    const output = new Output();
    assert.throws(() => program.run(output), {
      name: "BcplRuntimeError",
      kind: "division",
    });
    assert.equal(output.text(), "25");
  }
  using ok = new NativeProgram(compile(check("LET start() = 7\n")));
  assert.equal(ok.run(new Output()), 7n);
});

const RUNTIME_ERRORS: [string, string, BcplRuntimeError["kind"], RegExp][] = [
  [
    "division by zero",
    "LET start() = VALOF $( LET z = 0; RESULTIS 1 / z $)",
    "division",
    /division by zero/,
  ],
  [
    "REM by zero",
    "LET start() = VALOF $( LET z = 0; RESULTIS 1 REM z $)",
    "remainder",
    /REM by zero/,
  ],
  [
    "runaway recursion",
    "LET f(n) = f(n + 1) + 1\nLET start() = f(0)",
    "stack",
    /runaway recursion/,
  ],
  [
    "a VEC beyond the stack",
    "LET start() = VALOF $( LET v = VEC 200000; v!0 := 1; RESULTIS v!0 $)",
    "stack",
    /runaway recursion/,
  ],
];

for (const [what, source, kind, message] of RUNTIME_ERRORS) {
  for (
    const [mode, run] of [["compiled", native], [
      "interpreted",
      interpreted,
    ]] as const
  ) {
    Deno.test(`${what} stops the ${mode} program with a BcplRuntimeError`, () => {
      assert.throws(() => run(source), (error: unknown) => {
        assert.ok(error instanceof BcplRuntimeError);
        assert.equal(error.kind, kind);
        assert.match(error.message, message);
        return true;
      });
    });
  }
}

Deno.test("MIN / -1 wraps and MIN REM -1 is 0, compiled and interpreted", () => {
  const source =
    "LET start() = VALOF $( LET min, m = #x8000000000000000, -1\n" +
    "writen(min / m); wrch(' '); writen(min REM m); RESULTIS 0 $)\n";
  for (const run of [native, interpreted]) {
    assert.equal(run(source).output, "-9223372036854775808 0");
  }
});

const SYNTAX_ERRORS: [string, RegExp][] = [
  [
    "LET start() = 1 +",
    /^t\.b:1:18: expected an expression, found end of file$/,
  ],
  [
    "LET start() BE WHILE TRUE writen(1)",
    /^t\.b:1:27: expected DO, found "writen"$/,
  ],
  ["LET start() = x", /^t\.b:1:15: x is not declared$/],
  [
    "LET f(a) = a\nLET start() = f(1, 2)",
    /^t\.b:2:15: f\(\) takes 1 argument, given 2$/,
  ],
  ["LET f(a) = a", /^t\.b: there is no start\(\) function$/],
  ["LET start() = 1\nLET start() = 2", /^t\.b:2:5: start is defined twice$/],
  ["LET start() BE BREAK", /^t\.b:1:16: BREAK outside a loop$/],
  ["LET start() BE RESULTIS 1", /^t\.b:1:16: RESULTIS outside VALOF$/],
  ["LET start() BE wrch()", /^t\.b:1:16: wrch\(\) takes 1 argument$/],
  [
    `LET start() = "${"x".repeat(256)}"`,
    /^t\.b:1:15: a string holds at most 255 bytes$/,
  ],
  ["LET start() = 1 ` 2", /^t\.b:1:17: unexpected character "`"$/],
  ['LET start() BE writes("abc)', /^t\.b:1:23: unterminated string$/],
  [
    "LET f(a, b, c, d, e, f, g, h, i, j, k, l, m) = 1\nLET start() = 0",
    /^t\.b:1:5: f has more than 12 parameters$/,
  ],
  [
    "LET start() BE $( LET n = 3; LET v = VEC n $)",
    /^t\.b:1:42: expected a constant/,
  ],
  [
    "LET start() BE SWITCHON 1 INTO $( CASE 1: CASE 1: $)",
    /^t\.b:1:43: CASE 1 appears twice$/,
  ],
  [
    "LET start() = 99999999999999999999",
    /^t\.b:1:15: 99999999999999999999 does not fit in a 64-bit word$/,
  ],
  [
    "LET start() BE $( LET x = 1; x := 2",
    /^t\.b:1:36: expected \$\) to close the block at 1:16, found end of file$/,
  ],
  [
    "LET start() BE 3 := 4",
    /^t\.b:1:16: only a name, !e, v!i, s%i or a field can be assigned to$/,
  ],
  ["LET start() = '*q'", /^t\.b:1:15: unknown escape \*q$/],
  [
    "LET start() BE FOR i = 1 TO 3 BY 0 DO writen(i)",
    /^t\.b:1:16: the step of a FOR loop cannot be 0$/,
  ],
  [
    "LET f(x) = 1\nLET f(y) = 2\nLET start() = 0",
    /^t\.b:2:5: f is defined twice$/,
  ],
  ["LET start(x) = x", /^t\.b:1:5: start\(\) takes no parameters$/],
  ["LET start() = fib(3)", /^t\.b:1:15: fib is not declared$/],
  [
    "LET start() = VALOF $( LET a, b = 1 $)",
    /^t\.b:1:24: 2 names but 1 values$/,
  ],
  [
    "LET start() BE IF TRUE DO LET x = 1",
    /^t\.b:1:27: a local LET must be one of a block's commands, found "LET"$/,
  ],
  [
    "MANIFEST { A = 1",
    /^t\.b:1:17: expected } to close MANIFEST, found end of file$/,
  ],
];

for (const [source, message] of SYNTAX_ERRORS) {
  Deno.test(`check() reports ${JSON.stringify(source)} as file:line:col`, () => {
    assert.throws(() => check(source, "t.b"), (error: unknown) => {
      assert.ok(error instanceof BcplError, String(error));
      assert.match(error.message, message);
      return true;
    });
  });
}

Deno.test("Output sends long output to its sink in order, in chunks", () => {
  const chunks: Uint8Array[] = [];
  const output = new Output((bytes) => chunks.push(bytes));
  runNative(
    compile(
      check(
        'LET start() BE FOR i = 1 TO 6000 DO $( writen(i REM 10); writes("ab") $)',
      ),
    ),
    output,
  );
  output.flush();
  assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
  const text = new TextDecoder().decode(
    Uint8Array.from(chunks.flatMap((chunk) => [...chunk])),
  );
  assert.equal(
    text,
    Array.from({ length: 6000 }, (_, i) => `${(i + 1) % 10}ab`).join(""),
  );
});

// The command line, in child processes: exit codes, messages, no signals.

async function bcpl(
  ...args: string[]
): Promise<Awaited<ReturnType<typeof runDeno>>> {
  return await runDeno([
    "run",
    "--allow-ffi",
    path("examples/bcpl/main.ts"),
    ...args,
  ]);
}

Deno.test("main.ts runs demo.b with --allow-ffi alone", async () => {
  const result = await bcpl(path("examples/bcpl/programs/demo.b"));
  assert.equal(result.stderr, "");
  assert.equal(
    result.stdout,
    Deno.readTextFileSync(path("tests/bcpl/demo.out")),
  );
  assert.equal(result.code, 0);
});

Deno.test("main.ts --profile names every BCPL function in the perf map (Linux; elsewhere UNSUPPORTED)", async () => {
  const result = await runDeno([
    "run",
    "--allow-ffi",
    "--allow-write=/tmp",
    path("examples/bcpl/main.ts"),
    path("examples/bcpl/programs/fib.b"),
    "--profile",
  ]);
  if (Deno.build.os !== "linux") {
    assert.equal(result.code, 1);
    assert.match(result.stderr, /perf map files are read by Linux's perf only/);
    return;
  }
  assert.equal(result.code, 832040 % 256, result.stderr);
  const map = result.stderr.match(/^perf map: (\/tmp\/perf-\d+\.map)$/m)?.[1];
  assert.ok(map !== undefined, result.stderr);
  const lines = Deno.readTextFileSync(map).trimEnd().split("\n");
  Deno.removeSync(map);
  const compiled = compile(
    check(Deno.readTextFileSync(path("examples/bcpl/programs/fib.b"))),
  );
  for (const fn of compiled.functions) {
    const line = lines.find((row) => row.endsWith(` ${symbolName(fn.name)}`));
    assert.ok(line !== undefined, `${fn.name} in\n${lines.join("\n")}`);
    assert.equal(line.split(" ")[1], fn.size.toString(16));
  }
  assert.deepEqual(
    compiled.functions.map((fn) => symbolName(fn.name)),
    ["bcpl(entry)", "fib", "start"],
  );
});

Deno.test("main.ts --interpret exits with start()'s result", async () => {
  const result = await bcpl(path("tests/bcpl/vectors.b"), "--interpret");
  assert.equal(
    result.stdout,
    Deno.readTextFileSync(path("tests/bcpl/vectors.out")),
  );
  assert.equal(result.code, 3);
});

Deno.test("main.ts stops a division by zero with exit code 2, output kept", async () => {
  const result = await bcpl(path("tests/bcpl/errors/divide.b"));
  assert.equal(result.signal, null);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "before\n");
  assert.equal(result.stderr, "BCPL runtime error: division by zero\n");
});

Deno.test("main.ts stops REM by zero and runaway recursion with exit code 2", async () => {
  for (
    const [file, message] of [["remainder.b", "REM by zero"], [
      "runaway.b",
      "runaway recursion",
    ]]
  ) {
    const result = await bcpl(path(`tests/bcpl/errors/${file}`));
    assert.equal(result.signal, null);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`^BCPL runtime error: ${message}`));
  }
});

Deno.test("main.ts reports a syntax error as file:line:col with exit code 1", async () => {
  const file = path("tests/bcpl/errors/syntax.b");
  const result = await bcpl(file);
  assert.equal(result.signal, null);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, `${file}:4:17: expected DO, found "i"\n`);
});

// The x86-64 calling conventions. Code for this process's convention runs
// above (the corpus: System V natively, Windows x64 under Wine); code for
// both is checked here against its convention's rules on GNU objdump's
// disassembly, so the one that cannot run here is checked too.

const CONVENTIONS: Record<Abi, X86CallingConvention> = {
  sysv: SYSTEM_V_X86_64,
  win64: WINDOWS_X64,
};

/** The code's instructions (its data lives in static memory, not here). */
async function instructionsOf(code: Compiled): ReturnType<typeof disassemble> {
  return await disassemble(code.bytes);
}

/** The rules `code` breaks as code for `convention`. */
async function violations(
  checked: Checked,
  code: Compiled,
  convention: X86CallingConvention,
): Promise<string[]> {
  // The entry's one parameter is the runtime area.
  const parametersAt = new Map<number, number>([[0, 1]]);
  checked.program.functions.forEach((fn, index) => {
    parametersAt.set(code.functions[index + 1].offset, fn.params.length);
  });
  return conventionViolations(code, await instructionsOf(code), convention, {
    parametersAt,
    callbackArguments: 2,
    stackProbes: convention === WINDOWS_X64,
    pageSize: 4096,
  });
}

const hasObjdump = await objdumpAvailable();
const OBJDUMP_MISSING = hasObjdump ? "" : " [ignored: GNU objdump not found]";

Deno.test(`compile() makes x86-64 code for this process's calling convention (${callingConvention().name}) unless told`, () => {
  const checked = check(Deno.readTextFileSync(path("tests/bcpl/frames.b")));
  assert.equal(compile(checked, "x86_64").abi, callingConvention().name);
  const sysv = compile(checked, "x86_64", "sysv");
  const win64 = compile(checked, "x86_64", "win64");
  assert.equal(sysv.abi, "sysv");
  assert.equal(win64.abi, "win64");
  assert.notDeepEqual(win64.bytes, sysv.bytes);
  assert.equal(compile(checked, "aarch64").abi, undefined);
});

Deno.test(`code for another CPU or calling convention is refused on ${HOST}, not run`, () => {
  const checked = check("LET start() = 7\n");
  const targets = [
    ["x86_64", "sysv"],
    ["x86_64", "win64"],
    ["aarch64", undefined],
  ] as const;
  let refused = 0;
  for (const [arch, abi] of targets) {
    const code = compile(checked, arch, abi);
    if (describeTarget(arch, abi) === HOST) {
      using program = new NativeProgram(code);
      assert.equal(program.run(new Output()), 7n);
      continue;
    }
    refused++;
    assert.throws(() => new NativeProgram(code), {
      message: `code for ${describeTarget(arch, abi)} cannot run on ${HOST}`,
    });
  }
  assert.equal(refused, 2);
});

for (const file of CORPUS) {
  const name = file.slice(file.lastIndexOf("/") + 1, -2);
  Deno.test({
    name:
      `x86-64 code of ${name}.b follows System V, and Windows x64 with abi win64 (GNU objdump)${OBJDUMP_MISSING}`,
    ignore: !hasObjdump,
    async fn(): Promise<void> {
      const checked = check(Deno.readTextFileSync(path(file)), file);
      for (const abi of ["sysv", "win64"] as const) {
        const code = compile(checked, "x86_64", abi);
        assert.deepEqual(
          await violations(checked, code, CONVENTIONS[abi]),
          [],
          abi,
        );
      }
    },
  });
}

Deno.test({
  name:
    `the convention check finds what code for the other convention breaks (GNU objdump)${OBJDUMP_MISSING}`,
  ignore: !hasObjdump,
  async fn(): Promise<void> {
    // The check must be able to fail: each convention's code, taken for
    // the other's, breaks its rules where the two differ.
    // Vectors live in the frame stack: a frame of a page or more takes
    // 600 scalar locals.
    const names = Array.from({ length: 600 }, (_, n) => `x${n}`);
    const wide = `\nLET wide() = VALOF { LET ${names.join(", ")} = ${
      names.map((_, n) => n).join(", ")
    }\n RESULTIS ${names.join(" + ")} }\n`;
    const checked = check(
      Deno.readTextFileSync(path("tests/bcpl/frames.b")) + wide,
      "frames.b",
    );
    const sysv = await violations(
      checked,
      compile(checked, "x86_64", "sysv"),
      WINDOWS_X64,
    );
    for (
      const expected of [
        /^\(entry\): 1 parameters read from rdi, not rcx$/,
        /^mix: 6 parameters read from .*, not rcx, rdx, r8, r9$/,
        /^shuffle at .*: writes callee-saved rdi without saving it$/,
        /^start at .*: uses the shadow space \(0 bytes above rsp\)$/,
        /^start at .*: writes callee-saved rdi without saving it$/,
        /^start at .*: 0 of 2 stack arguments stored$/,
        /^wide at .*: a \d+-byte frame is not probed page by page$/,
      ]
    ) {
      assert.ok(
        sysv.some((message) => expected.test(message)),
        `${expected} not among:\n${sysv.join("\n")}`,
      );
    }
    const win64 = await violations(
      checked,
      compile(checked, "x86_64", "win64"),
      SYSTEM_V_X86_64,
    );
    for (
      const expected of [
        /^\(entry\): 1 parameters read from rcx, not rdi$/,
        /^mix: 6 parameters read from r8, r9, rcx, rdx, not rdi, rsi, rdx, rcx, r8, r9$/,
        /^start at .*: 6 arguments in .*, not rdi, rsi, rdx, rcx, r8, r9$/,
        /^\w+ at .*: 2 arguments in rcx, rdx, not rdi, rsi$/,
      ]
    ) {
      assert.ok(
        win64.some((message) => expected.test(message)),
        `${expected} not among:\n${win64.join("\n")}`,
      );
    }
  },
});

Deno.test({
  name:
    `Windows x64 code: the entry saves r15 and every register values may live in, and reserves shadow space; a function saves the registers it uses (GNU objdump)${OBJDUMP_MISSING}`,
  ignore: !hasObjdump,
  async fn(): Promise<void> {
    const checked = check(
      Deno.readTextFileSync(path("examples/bcpl/programs/demo.b")),
    );
    /** Each instruction as "mnemonic operands", from `start` on. */
    const text = async (code: Compiled, start = 0): Promise<string[]> =>
      (await instructionsOf(code)).filter((line) => line.offset >= start)
        .map((line) => `${line.mnemonic} ${line.operands.join(",")}`.trim());
    const win64 = compile(checked, "x86_64", "win64");
    const winLines = await text(win64);
    // Eight pushes and the return address: 8 more bytes to align.
    assert.deepEqual(winLines.slice(0, 10), [
      "push r15",
      "push rbx",
      "push rsi",
      "push rdi",
      "push r12",
      "push r13",
      "push r14",
      "push rbp",
      "mov r15,rcx",
      "sub rsp,0x28",
    ]);
    // fib(n): n lives in a register, saved first with the others fib
    // uses; the frame keeps 32 bytes for fib's own calls, and rsp 16-byte
    // aligned with the pushes and the return address.
    const fib = win64.functions.find((fn) => fn.name === "fib")!;
    const fibLines = await text(win64, fib.offset);
    const pushes = fibLines.findIndex((line) => !line.startsWith("push "));
    assert.ok(pushes >= 1, fibLines.slice(0, 4).join("; "));
    assert.equal(fibLines[0], "push rbx");
    assert.equal(fibLines[pushes], "mov rbx,rcx");
    const frame = Number(
      fibLines[pushes + 1].match(/^sub rsp,(0x[0-9a-f]+)$/)?.[1],
    );
    assert.ok(
      frame >= 32 && (frame + 8 * pushes + 8) % 16 === 0,
      fibLines[pushes + 1],
    );

    const sysv = compile(checked, "x86_64", "sysv");
    assert.deepEqual((await text(sysv)).slice(0, 8), [
      "push r15",
      "push rbx",
      "push r12",
      "push r13",
      "push r14",
      "push rbp",
      "mov r15,rdi",
      "sub rsp,0x8",
    ]);
  },
});

Deno.test("main.ts --disassemble --abi=sysv|win64 lists the chosen convention's x86-64 code", async () => {
  const file = path("tests/bcpl/recursion.b");
  const checked = check(Deno.readTextFileSync(file), file);
  const listings: string[] = [];
  for (const abi of ["sysv", "win64"] as const) {
    const result = await bcpl(
      file,
      "--disassemble",
      "--arch=x86_64",
      `--abi=${abi}`,
    );
    assert.equal(result.stderr, "");
    assert.equal(result.code, 0);
    assert.equal(result.stdout, listing(compile(checked, "x86_64", abi)));
    assert.match(
      result.stdout,
      new RegExp(`^x86_64 \\(${abi}\\): \\d+ bytes\n`),
    );
    listings.push(result.stdout);
  }
  assert.notEqual(listings[0], listings[1]);
});

Deno.test("main.ts takes --abi and --arch only to list code, --abi only for x86_64", async () => {
  const file = path("tests/bcpl/vectors.b");
  const cases: [string[], string][] = [
    [["--abi=win64"], "--arch and --abi choose the code --disassemble lists"],
    [
      ["--arch=aarch64"],
      "--arch and --abi choose the code --disassemble lists",
    ],
    [
      ["--disassemble", "--arch=aarch64", "--abi=sysv"],
      "--abi applies to x86_64 code",
    ],
    [["--disassemble", "--abi=ms"], "unknown option --abi=ms"],
  ];
  for (const [args, message] of cases) {
    const result = await bcpl(file, ...args);
    assert.equal(result.code, 1, args.join(" "));
    assert.equal(result.stdout, "");
    assert.match(result.stderr, new RegExp(`^${message}\nusage: main\\.ts `));
  }
});
