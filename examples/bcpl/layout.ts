/**
 * Resolves names and lays out frames, for the interpreter and the code
 * generators alike: every parameter, local, FOR variable and limit,
 * expression temporary and vector gets a word slot in its function's
 * frame (vectors last, so the scalars stay at small offsets).
 *
 * @module
 */

import type { Command, Expr, FunctionDecl, Program } from "./ast.ts";
import { BcplError, type Position } from "./lexer.ts";

/** Built-in routines and how many arguments they take. */
export const BUILTINS: Record<string, number> = {
  writen: 1,
  wrch: 1,
  newline: 0,
  writes: 1,
};

/** The most parameters a function may have (they travel in registers). */
export const MAX_PARAMETERS = 6;

/**
 * Resolves the program in place and checks it.
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
  const functions = new Map<string, number>();
  program.functions.forEach((fn, index) => {
    if (functions.has(fn.name) || fn.name in BUILTINS) {
      fail(`${fn.name} is defined twice`, fn.position);
    }
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
  for (const fn of program.functions) {
    new FunctionLayout(fn, program, functions, fail).run();
  }
  return start!;
}

type Fail = (message: string, position?: Position) => never;

class FunctionLayout {
  #scalars = 0;
  #vectors: { command: Command & { kind: "vec" } }[] = [];
  #temps = 0;
  #scopes: Map<string, number>[] = [];
  #loops = 0;
  #valofs = 0;
  #calls = false;
  #maxCallArguments = 0;

  constructor(
    readonly fn: FunctionDecl,
    readonly program: Program,
    readonly functions: Map<string, number>,
    readonly fail: Fail,
  ) {}

  run(): void {
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
    };
  }

  #declare(name: string): number {
    const slot = this.#scalars++;
    this.#scopes[this.#scopes.length - 1].set(name, slot);
    return slot;
  }

  #lookup(name: string, position: Position): number {
    for (let index = this.#scopes.length - 1; index >= 0; index--) {
      const slot = this.#scopes[index].get(name);
      if (slot !== undefined) return slot;
    }
    if (this.functions.has(name) || name in BUILTINS) {
      return this.fail(
        `${name} is a function: call it as ${name}(...)`,
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
        if (command.target.kind === "name") {
          this.#expr(command.target);
          return value;
        }
        // The value waits in a temporary while the address is computed.
        return Math.max(value, 1 + this.#expr(command.target));
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
        this.#loops++;
        const body = this.#command(command.body);
        this.#loops--;
        return Math.max(test, body);
      }
      case "for": {
        const needs = Math.max(
          this.#expr(command.from),
          this.#expr(command.to),
        );
        this.#scopes.push(new Map());
        command.slot = this.#declare(command.name);
        command.limitSlot = this.#scalars++;
        this.#loops++;
        const body = this.#command(command.body);
        this.#loops--;
        this.#scopes.pop();
        return Math.max(needs, body);
      }
      case "resultis":
        if (this.#valofs === 0) {
          this.fail("RESULTIS outside VALOF", command.position);
        }
        return this.#expr(command.value);
      case "return":
        return 0;
      case "break":
        if (this.#loops === 0) {
          this.fail("BREAK outside a loop", command.position);
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

  /** Resolves an expression; returns the temporaries it needs. */
  #expr(expr: Expr): number {
    switch (expr.kind) {
      case "number":
        return 0;
      case "string":
        return this.fail(
          "a string can only be an argument of writes()",
          expr.position,
        );
      case "name":
        expr.slot = this.#lookup(expr.name, expr.position);
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
    const builtin = BUILTINS[expr.name];
    this.#calls = true;
    if (builtin !== undefined) {
      expr.target = { kind: "builtin" };
      if (expr.args.length !== builtin) {
        this.fail(
          `${expr.name}() takes ${builtin} argument${builtin === 1 ? "" : "s"}`,
          expr.position,
        );
      }
      if (expr.name === "writes") {
        if (expr.args[0].kind !== "string") {
          this.fail("writes() takes a string", expr.position);
        }
        return 0;
      }
      return expr.args.length === 0 ? 0 : this.#expr(expr.args[0]);
    }
    const index = this.functions.get(expr.name);
    if (index === undefined) {
      return this.fail(`${expr.name} is not a function`, expr.position);
    }
    const params = this.program.functions[index].params.length;
    if (expr.args.length !== params) {
      this.fail(
        `${expr.name}() takes ${params} argument${
          params === 1 ? "" : "s"
        }, given ${expr.args.length}`,
        expr.position,
      );
    }
    expr.target = { kind: "function", index };
    this.#maxCallArguments = Math.max(
      this.#maxCallArguments,
      expr.args.length,
    );
    // Every argument that is not simple waits in its own temporary.
    let needs = 0;
    expr.args.forEach((arg, position) => {
      needs = Math.max(needs, position + 1 + this.#expr(arg));
    });
    return needs;
  }
}

/** Whether an expression is used in place (no temporary, no code). */
export function isSimple(expr: Expr): boolean {
  return expr.kind === "number" || expr.kind === "name";
}
