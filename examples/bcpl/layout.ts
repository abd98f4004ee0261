/**
 * Resolves names and lays out memory, for the interpreter and the code
 * generators alike: every parameter, local, FOR variable and limit,
 * expression temporary and vector gets a word slot in its function's
 * frame (vectors last, so the scalars stay at small offsets); globals,
 * statics, tables and strings get words of static memory (memory.ts).
 *
 * @module
 */

import {
  type Command,
  type Expr,
  forEachNode,
  type FunctionDecl,
  type Place,
  type Program,
} from "./ast.ts";
import { BcplError, type Position } from "./lexer.ts";
import {
  DATA_BASE,
  FRAME_STACK_WORDS,
  GLOBAL_WORDS,
  globalWord,
  HEAP_WORDS,
  packString,
} from "./memory.ts";
import { fold } from "./parser.ts";

/**
 * The runtime's primitives: what BCPL code cannot do itself. The rest of
 * the standard procedures are BCPL (library.ts). Each with its argument
 * counts.
 */
export const PRIMITIVES: Record<string, { min: number; max: number }> = {
  wrch: { min: 1, max: 1 },
  rdch: { min: 0, max: 0 },
  stop: { min: 0, max: 2 },
  abort: { min: 0, max: 1 },
  level: { min: 0, max: 0 },
  longjump: { min: 2, max: 2 },
};

/**
 * A SWITCHON with at least this many cases, spread over at most
 * MAX_TABLE_SPAN values per case, jumps through a table; others search.
 */
export const MIN_TABLE_CASES = 4;
/** See MIN_TABLE_CASES. */
export const MAX_TABLE_SPAN = 3;

/**
 * The most parameters a function may have: the first travel in
 * registers, the rest on the stack.
 */
export const MAX_PARAMETERS = 12;

/**
 * Resolves the program in place and checks it; leaves out the library
 * functions the program does not use.
 *
 * @param program The parsed program.
 * @returns The index of `start` in `program.functions`.
 * @throws {BcplError} For undefined names, misplaced BREAK/RESULTIS, and
 * the like.
 */
export function layOut(program: Program): number {
  const fail = (message: string, position?: Position): never => {
    throw new BcplError(message, position, program.file);
  };
  program.functions = usedFunctions(program, fail);
  const functions = new Map<string, number>();
  program.functions.forEach((fn, index) => {
    if (fn.params.length > MAX_PARAMETERS) {
      fail(
        `${fn.name} has more than ${MAX_PARAMETERS} parameters`,
        fn.position,
      );
    }
    functions.set(fn.name, index);
  });
  const start = functions.get("start");
  if (start === undefined) fail("there is no start() function");
  if (program.functions[start!].params.length !== 0) {
    fail("start() takes no parameters", program.functions[start!].position);
  }

  const statics = new Map<string, number>();
  const globals = new Map<string, number>();
  for (const global of program.globals) {
    if (global.number < 0 || global.number >= GLOBAL_WORDS) {
      fail(
        `global ${global.name} is numbered ${global.number}: globals are 0..${
          GLOBAL_WORDS - 1
        }`,
        global.position,
      );
    }
    const before = globals.get(global.name);
    if (before !== undefined && before !== global.number) {
      fail(
        `global ${global.name} is numbered ${before} and ${global.number}`,
        global.position,
      );
    }
    globals.set(global.name, global.number);
  }
  program.globalFunctions = [...globals].flatMap(([name, number]) =>
    functions.has(name) ? [{ number, index: functions.get(name)! }] : []
  );
  // A call by name goes straight to the function unless the name is a
  // global the program may change (assigned, or its address taken): then
  // through the global's value, as BCPL calls globals.
  const changed = changedNames(program);
  const direct = (name: string): boolean =>
    !(globals.has(name) && changed.has(name));

  // The data: the statics, then tables and strings as the functions meet
  // them. Tables of code addresses go in an area of their own after the
  // heap, which BCPL code cannot reach (memory.ts): the function table,
  // SWITCHON jump tables, the landing table.
  const data: bigint[] = [];
  let codeWords = program.functions.length;
  const jumpTables: { word: number }[] = [];
  for (const decl of program.statics) {
    if (statics.has(decl.name)) {
      fail(`static ${decl.name} is declared twice`, decl.position);
    }
    statics.set(decl.name, DATA_BASE + data.length);
    data.push(decl.value);
  }
  const strings = new Map<string, number>();
  const names: Names = {
    resolve(name): Place | undefined {
      if (statics.has(name)) {
        return { kind: "static", word: statics.get(name)! };
      }
      if (globals.has(name)) {
        return { kind: "static", word: globalWord(globals.get(name)!) };
      }
      if (functions.has(name)) {
        return { kind: "function", index: functions.get(name)! };
      }
      return undefined;
    },
    function: (name) => direct(name) ? functions.get(name) : undefined,
    string(bytes): number {
      const key = bytes.join(",");
      let word = strings.get(key);
      if (word === undefined) {
        word = DATA_BASE + data.length;
        data.push(...packString(bytes));
        strings.set(key, word);
      }
      return word;
    },
    table(values): number {
      const word = DATA_BASE + data.length;
      data.push(...values);
      return word;
    },
    jumpTable(size, table): void {
      table.word = codeWords;
      jumpTables.push(table);
      codeWords += size;
    },
  };
  program.landings = [];
  program.functions.forEach((fn, index) => {
    new FunctionLayout(fn, index, program, names, fail).run();
  });
  // The landing table comes last, its size known only now: two words each,
  // the code address and the marker's offset from the level.
  const codeBase = DATA_BASE + data.length + HEAP_WORDS + FRAME_STACK_WORDS;
  for (const table of jumpTables) table.word += codeBase;
  program.landingBase = codeBase + codeWords;
  codeWords += 2 * program.landings.length;
  program.codeBase = codeBase;
  program.codeWords = codeWords;
  program.data = data;
  return start!;
}

/** How a function's layout finds names outside its frame. */
interface Names {
  resolve(name: string): Place | undefined;
  function(name: string): number | undefined;
  /** Places a string constant; returns its first word. */
  string(bytes: Uint8Array): number;
  /** Places a table's words; returns the first. */
  table(values: bigint[]): number;
  /** Places a jump table of `size` code addresses; sets `table.word`. */
  jumpTable(size: number, table: { word: number }): void;
}

type Fail = (message: string, position?: Position) => never;

/**
 * The program's own functions, and the library functions it reaches
 * (a program's own definition of a library name wins).
 */
function usedFunctions(program: Program, fail: Fail): FunctionDecl[] {
  const own = new Map<string, FunctionDecl>();
  const library = new Map<string, FunctionDecl>();
  for (const fn of program.functions) {
    const into = fn.library ? library : own;
    if (into.has(fn.name) || (!fn.library && fn.name in PRIMITIVES)) {
      fail(`${fn.name} is defined twice`, fn.position);
    }
    into.set(fn.name, fn);
  }
  const used = new Set<FunctionDecl>();
  const visit = (fn: FunctionDecl): void => {
    if (used.has(fn)) return;
    used.add(fn);
    for (const name of namesIn(fn)) {
      const callee = own.get(name) ?? library.get(name);
      if (callee !== undefined) visit(callee);
    }
  };
  for (const fn of own.values()) visit(fn);
  // A global's function is reachable through the global.
  for (const global of program.globals) {
    const fn = own.get(global.name);
    if (fn !== undefined) visit(fn);
  }
  return program.functions.filter((fn) =>
    used.has(fn) && (!fn.library || !own.has(fn.name))
  );
}

/** The names assigned to, or whose address is taken, anywhere. */
function changedNames(program: Program): Set<string> {
  const found = new Set<string>();
  forEachNode(program.functions.map((fn) => fn.body), (node) => {
    const target = node.kind === "assign"
      ? node.target
      : node.kind === "address"
      ? node.operand
      : undefined;
    const named = target as { kind?: string; name?: string } | undefined;
    if (named?.kind === "name") found.add(named.name!);
  });
  return found;
}

/** Every name a function mentions. */
function namesIn(fn: FunctionDecl): Set<string> {
  const found = new Set<string>();
  forEachNode(fn.body, (node) => {
    if (node.kind === "name") found.add(node.name as string);
  });
  return found;
}

class FunctionLayout {
  #scalars = 0;
  #vectors: { command: Command & { kind: "vec" } }[] = [];
  #temps = 0;
  #scopes: Map<string, number>[] = [];
  #loops = 0;
  #valofs = 0;
  #switches: (Command & { kind: "switchon" })[] = [];
  #labels = new Set<string>();
  #gotos: (Command & { kind: "goto" })[] = [];
  #calls = false;
  #maxCallArguments = 0;
  /** The function's labels, by name. */
  #labelled = new Map<string, Command & { kind: "labelled" }>();
  /** Whether one of them is used as a value. */
  #landing = false;

  constructor(
    readonly fn: FunctionDecl,
    readonly index: number,
    readonly program: Program,
    readonly names: Names,
    readonly fail: Fail,
  ) {}

  run(): void {
    forEachNode(this.fn.body, (node) => {
      if (node.kind !== "labelled") return;
      const labelled = node as Command & { kind: "labelled" };
      this.#labelled.set(labelled.name, labelled);
    });
    const params = new Map<string, number>();
    for (const name of this.fn.params) {
      if (params.has(name)) {
        this.fail(`parameter ${name} appears twice`, this.fn.position);
      }
      params.set(name, this.#scalars++);
    }
    this.#scopes.push(params);
    if (this.fn.body.kind === "expression") {
      this.#temps = Math.max(this.#temps, this.#expr(this.fn.body.value));
    } else {
      this.#temps = Math.max(this.#temps, this.#command(this.fn.body.body));
    }
    for (const goto of this.#gotos) {
      if (!this.#labels.has(goto.name)) {
        this.fail(
          `there is no label ${goto.name}: in ${this.fn.name}`,
          goto.position,
        );
      }
    }
    const markerSlot = this.#landing ? this.#scalars++ : undefined;
    const tempBase = this.#scalars;
    const scalarSlots = tempBase + this.#temps;
    let next = scalarSlots;
    for (const { command } of this.#vectors) {
      command.vectorSlot = next;
      next += Number(command.size) + 1;
    }
    this.fn.layout = {
      scalarSlots,
      tempBase,
      totalSlots: next,
      calls: this.#calls,
      maxCallArguments: this.#maxCallArguments,
      landing: this.#landing,
      markerSlot,
    };
  }

  #declare(name: string): number {
    const slot = this.#scalars++;
    this.#scopes[this.#scopes.length - 1].set(name, slot);
    return slot;
  }

  #local(name: string): number | undefined {
    for (let index = this.#scopes.length - 1; index >= 0; index--) {
      const slot = this.#scopes[index].get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  #lookup(name: string, position: Position): Place {
    const slot = this.#local(name);
    if (slot !== undefined) return { kind: "local", slot };
    const place = this.names.resolve(name);
    if (place !== undefined) return place;
    const label = this.#labelled.get(name);
    if (label !== undefined) {
      // A label as a value: somewhere for longjump to land.
      const landings = this.program.landings!;
      let landing = landings.findIndex((entry) => entry.label === label);
      if (landing < 0) {
        landing = landings.length;
        landings.push({ function: this.index, label });
      }
      this.#landing = true;
      return { kind: "label", landing };
    }
    if (name in PRIMITIVES) {
      return this.fail(
        `${name} is a primitive of the runtime: call it as ${name}(...)`,
        position,
      );
    }
    return this.fail(`${name} is not declared`, position);
  }

  /** Resolves a command; returns the temporaries it needs. */
  #command(command: Command): number {
    switch (command.kind) {
      case "assign": {
        const value = this.#expr(command.value);
        const target = command.target;
        if (target.kind === "name") {
          this.#expr(target);
          if (target.place!.kind === "function") {
            this.fail(
              `${target.name} is a function, not a variable (declare it GLOBAL to assign to it)`,
              target.position,
            );
          }
          return value;
        }
        // The value waits in a temporary while the address is computed
        // (a field also keeps the address while it merges the bits).
        const address = target.kind === "field"
          ? 2 + this.#expr(target.pointer)
          : this.#expr(target);
        return Math.max(value, 1 + address);
      }
      case "if":
        return Math.max(this.#expr(command.test), this.#command(command.body));
      case "test":
        return Math.max(
          this.#expr(command.test),
          this.#command(command.then),
          this.#command(command.else),
        );
      case "while": {
        const test = this.#expr(command.test);
        return Math.max(test, this.#loop(command.body));
      }
      case "repeat": {
        const test = command.test ? this.#expr(command.test) : 0;
        return Math.max(test, this.#loop(command.body));
      }
      case "for": {
        const needs = Math.max(
          this.#expr(command.from),
          this.#expr(command.to),
        );
        this.#scopes.push(new Map());
        command.slot = this.#declare(command.name);
        command.limitSlot = this.#scalars++;
        const body = this.#loop(command.body);
        this.#scopes.pop();
        return Math.max(needs, body);
      }
      case "switchon": {
        const value = this.#expr(command.value);
        command.cases = [];
        this.#switches.push(command);
        const body = this.#command(command.body);
        this.#switches.pop();
        const seen = new Set<bigint>();
        for (const { value, command: label } of command.cases) {
          if (seen.has(value)) {
            this.fail(`CASE ${value} appears twice`, label.position);
          }
          seen.add(value);
        }
        if (seen.size >= MIN_TABLE_CASES) {
          const values = [...seen];
          const min = values.reduce((a, b) => (a < b ? a : b));
          const max = values.reduce((a, b) => (a > b ? a : b));
          const size = max - min + 1n;
          if (size <= BigInt(MAX_TABLE_SPAN * seen.size)) {
            command.table = { word: 0, min, size: Number(size) };
            this.names.jumpTable(Number(size), command.table);
          }
        }
        return Math.max(value, body);
      }
      case "case":
      case "default": {
        const switchon = this.#switches[this.#switches.length - 1];
        if (switchon === undefined) {
          this.fail(
            `${command.kind === "case" ? "CASE" : "DEFAULT"} outside SWITCHON`,
            command.position,
          );
        }
        if (command.kind === "case") {
          switchon.cases!.push({ value: command.value, command });
        } else {
          if (switchon.default) {
            this.fail("a second DEFAULT in one SWITCHON", command.position);
          }
          switchon.default = command;
        }
        return this.#command(command.body);
      }
      case "labelled":
        if (this.#labels.has(command.name)) {
          this.fail(`label ${command.name} is defined twice`, command.position);
        }
        this.#labels.add(command.name);
        return this.#command(command.body);
      case "goto":
        this.#gotos.push(command);
        return 0;
      case "resultis":
        if (this.#valofs === 0) {
          this.fail("RESULTIS outside VALOF", command.position);
        }
        return this.#expr(command.value);
      case "return":
      case "finish":
        return 0;
      case "break":
      case "loop":
        if (this.#loops === 0) {
          this.fail(
            `${command.kind.toUpperCase()} outside a loop`,
            command.position,
          );
        }
        return 0;
      case "endcase":
        if (this.#switches.length === 0) {
          this.fail("ENDCASE outside SWITCHON", command.position);
        }
        return 0;
      case "call":
        return this.#expr(command.call);
      case "block": {
        this.#scopes.push(new Map());
        const needs = command.body.map((inner) => this.#command(inner));
        this.#scopes.pop();
        return Math.max(0, ...needs);
      }
      case "let": {
        const needs = this.#expr(command.value);
        command.slot = this.#declare(command.name);
        return needs;
      }
      case "vec":
        command.slot = this.#declare(command.name);
        this.#vectors.push({ command });
        return 0;
    }
  }

  /**
   * A loop body: BREAK and LOOP belong to it; ENDCASE still leaves the
   * SWITCHON around it.
   */
  #loop(body: Command): number {
    this.#loops++;
    const needs = this.#command(body);
    this.#loops--;
    return needs;
  }

  /** Resolves an expression; returns the temporaries it needs. */
  #expr(expr: Expr): number {
    switch (expr.kind) {
      case "number":
        return 0;
      case "string":
        expr.word = this.names.string(expr.bytes);
        return 0;
      case "table": {
        const values = expr.values.map((value) => {
          const constant = fold(value);
          if (constant !== undefined) return constant;
          return this.fail(
            "a TABLE holds constants",
            value.position,
          );
        });
        expr.word = this.names.table(values);
        return 0;
      }
      case "name":
        expr.place = this.#lookup(expr.name, expr.position);
        return 0;
      case "call":
        return this.#call(expr);
      case "valof": {
        this.#valofs++;
        const needs = this.#command(expr.body);
        this.#valofs--;
        return needs;
      }
      case "conditional":
        return Math.max(
          this.#expr(expr.test),
          this.#expr(expr.then),
          this.#expr(expr.else),
        );
      case "unary":
        return this.#expr(expr.operand);
      case "address": {
        const needs = this.#expr(expr.operand);
        const operand = expr.operand;
        if (operand.kind === "name" && operand.place!.kind === "function") {
          this.fail(
            `@${operand.name}: a function has no address`,
            expr.position,
          );
        }
        return needs;
      }
      case "field":
        return this.#expr(expr.pointer);
      case "binary": {
        const left = this.#expr(expr.left);
        const right = this.#expr(expr.right);
        // A simple right operand is used in place; otherwise the left
        // waits in a temporary while the right is evaluated.
        return isSimple(expr.right) ? left : Math.max(left, 1 + right);
      }
    }
  }

  #call(expr: Expr & { kind: "call" }): number {
    this.#calls = true;
    const callee = expr.callee;
    const name = callee.kind === "name" ? callee.name : undefined;
    const local = name === undefined ? undefined : this.#local(name);
    if (name !== undefined && local === undefined) {
      const index = this.names.function(name);
      if (index === undefined && name in PRIMITIVES) {
        const { min, max } = PRIMITIVES[name];
        if (expr.args.length < min || expr.args.length > max) {
          this.fail(
            `${name}() takes ${
              min === max ? min : `${min} to ${max}`
            } argument${max === 1 ? "" : "s"}`,
            expr.position,
          );
        }
        expr.target = { kind: "primitive", name };
        return this.#arguments(expr.args, 0);
      }
      if (index !== undefined) {
        const params = this.program.functions[index].params.length;
        if (expr.args.length > params) {
          this.fail(
            `${name}() takes ${params} argument${
              params === 1 ? "" : "s"
            }, given ${expr.args.length}`,
            expr.position,
          );
        }
        expr.target = { kind: "function", index };
        (callee as Expr & { kind: "name" }).place = {
          kind: "function",
          index,
        };
        // The callee owns homes for all its parameters (Windows x64),
        // passed or not.
        this.#maxCallArguments = Math.max(this.#maxCallArguments, params);
        return this.#arguments(expr.args, 0);
      }
    }
    // A call through a value: the value waits in the first temporary.
    if (expr.args.length > MAX_PARAMETERS) {
      this.fail(
        `a call passes at most ${MAX_PARAMETERS} arguments`,
        expr.position,
      );
    }
    expr.target = { kind: "indirect" };
    // Whatever it calls may have as many parameters as any function.
    this.#maxCallArguments = MAX_PARAMETERS;
    return Math.max(1 + this.#expr(callee), this.#arguments(expr.args, 1));
  }

  /** Every argument that is not simple waits in its own temporary. */
  #arguments(args: Expr[], first: number): number {
    this.#maxCallArguments = Math.max(this.#maxCallArguments, args.length);
    let needs = first;
    args.forEach((arg, position) => {
      needs = Math.max(needs, first + position + 1 + this.#expr(arg));
    });
    return needs;
  }
}

/** Whether an expression is used in place (no temporary, no code). */
export function isSimple(expr: Expr): boolean {
  return expr.kind === "number" ||
    (expr.kind === "name" &&
      (expr.place?.kind === "local" || expr.place?.kind === "static"));
}
