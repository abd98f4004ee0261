/**
 * The reference semantics: the tree, compiled to JavaScript closures and
 * run on 64-bit words (bigints). Frames live in a simulated word-addressed
 * stack with the frame layout the code generators use, so vectors and `!`
 * behave as in native code.
 *
 * @module
 */

import {
  type BinaryOp,
  type Command,
  type Expr,
  type Program,
  RELATIONS,
} from "./ast.ts";
import {
  BcplRuntimeError,
  type Output,
  STACK_DETAIL,
  STACK_WORDS,
} from "./runtime.ts";

type Value = () => bigint;
/** What a command did: carried on, or left through BREAK/RETURN/RESULTIS. */
const enum Flow {
  Normal,
  Break,
  Return,
  Result,
}
type Run = () => Flow;

const wrap = (value: bigint): bigint => BigInt.asIntN(64, value);
const truth = (value: boolean): bigint => (value ? -1n : 0n);

/**
 * Runs a laid-out program's `start()`.
 *
 * @param program The program, after `layOut`.
 * @param start The index of `start`.
 * @param output Where writes go.
 * @returns `start()`'s result.
 * @throws {BcplRuntimeError} On division by zero or runaway recursion.
 */
export function interpret(
  program: Program,
  start: number,
  output: Output,
): bigint {
  const memory = new BigInt64Array(STACK_WORDS);
  let sp = 0; // the next free word
  let fp = 0; // the current frame
  let result = 0n; // RESULTIS and RETURN values travel here

  const functions: ((args: bigint[]) => bigint)[] = [];

  function compileFunction(index: number): (args: bigint[]) => bigint {
    const fn = program.functions[index];
    const frameWords = fn.layout!.totalSlots;
    const body: Run | Value = fn.body.kind === "expression"
      ? expr(fn.body.value)
      : command(fn.body.body);
    const isRoutine = fn.body.kind === "routine";
    return (args) => {
      if (sp + frameWords > STACK_WORDS) {
        throw new BcplRuntimeError("stack", STACK_DETAIL);
      }
      const saved = fp;
      fp = sp;
      sp += frameWords;
      args.forEach((value, slot) => (memory[fp + slot] = value));
      try {
        if (isRoutine) {
          (body as Run)();
          return 0n;
        }
        return (body as Value)();
      } finally {
        sp = fp;
        fp = saved;
      }
    };
  }

  function expr(e: Expr): Value {
    switch (e.kind) {
      case "number": {
        const value = e.value;
        return () => value;
      }
      case "string":
        throw new Error("strings are writes() arguments only");
      case "name": {
        const slot = e.slot!;
        return () => memory[fp + slot];
      }
      case "call":
        return call(e);
      case "valof": {
        const body = command(e.body);
        return () => {
          body();
          const value = result;
          result = 0n;
          return value;
        };
      }
      case "conditional": {
        const test = condition(e.test);
        const then = expr(e.then);
        const otherwise = expr(e.else);
        return () => (test() ? then() : otherwise());
      }
      case "unary": {
        const operand = expr(e.operand);
        if (e.op === "-") return () => wrap(-operand());
        if (e.op === "~") return () => ~operand();
        return () => load(operand());
      }
      case "binary":
        return binary(e.op, expr(e.left), expr(e.right));
    }
  }

  function load(address: bigint): bigint {
    return memory[checkAddress(address)];
  }

  function checkAddress(address: bigint): number {
    if (address < 0n || address >= BigInt(STACK_WORDS)) {
      throw new BcplRuntimeError(
        "address",
        `address ${address} is outside memory`,
      );
    }
    return Number(address);
  }

  function binary(op: BinaryOp, left: Value, right: Value): Value {
    switch (op) {
      case "+":
        return () => wrap(left() + right());
      case "-":
        return () => wrap(left() - right());
      case "*":
        return () => wrap(left() * right());
      case "/":
        return () => {
          const a = left();
          const b = right();
          if (b === 0n) throw new BcplRuntimeError("division");
          return wrap(a / b); // bigint division truncates toward zero
        };
      case "REM":
        return () => {
          const a = left();
          const b = right();
          if (b === 0n) throw new BcplRuntimeError("remainder");
          return wrap(a % b);
        };
      case "<<":
        return () => wrap(left() << (right() & 63n));
      case ">>":
        return () =>
          BigInt.asIntN(64, BigInt.asUintN(64, left()) >> (right() & 63n));
      case "&":
        return () => left() & right();
      case "|":
        return () => left() | right();
      case "!":
        return () => load(wrap(left() + right()));
      default: {
        const compare = relation(op);
        return () => truth(compare(left(), right()));
      }
    }
  }

  function relation(op: BinaryOp): (a: bigint, b: bigint) => boolean {
    switch (op) {
      case "=":
        return (a, b) => a === b;
      case "~=":
        return (a, b) => a !== b;
      case "<":
        return (a, b) => a < b;
      case "<=":
        return (a, b) => a <= b;
      case ">":
        return (a, b) => a > b;
      default:
        return (a, b) => a >= b;
    }
  }

  /** A test: `&`, `|` and `~` work on truth values, short-circuit. */
  function condition(e: Expr): () => boolean {
    if (e.kind === "binary" && RELATIONS.has(e.op)) {
      const compare = relation(e.op);
      const left = expr(e.left);
      const right = expr(e.right);
      return () => compare(left(), right());
    }
    if (e.kind === "binary" && (e.op === "&" || e.op === "|")) {
      const left = condition(e.left);
      const right = condition(e.right);
      return e.op === "&" ? () => left() && right() : () => left() || right();
    }
    if (e.kind === "unary" && e.op === "~") {
      const operand = condition(e.operand);
      return () => !operand();
    }
    const value = expr(e);
    return () => value() !== 0n;
  }

  function call(e: Expr & { kind: "call" }): Value {
    if (e.target!.kind === "builtin") {
      switch (e.name) {
        case "writen": {
          const value = expr(e.args[0]);
          return () => (output.writen(value()), 0n);
        }
        case "wrch": {
          const value = expr(e.args[0]);
          return () => (output.wrch(value()), 0n);
        }
        case "newline":
          return () => (output.wrch(10n), 0n);
        default: {
          const bytes = (e.args[0] as Expr & { kind: "string" }).bytes;
          return () => (output.writes(bytes), 0n);
        }
      }
    }
    const index = e.target!.index;
    const args = e.args.map(expr);
    return () => {
      const values = args.map((arg) => arg());
      functions[index] ??= compileFunction(index);
      return functions[index](values);
    };
  }

  function command(c: Command): Run {
    switch (c.kind) {
      case "assign": {
        const value = expr(c.value);
        const target = c.target;
        if (target.kind === "name") {
          const slot = target.slot!;
          return () => {
            memory[fp + slot] = value();
            return Flow.Normal;
          };
        }
        const address = target.kind === "unary" ? expr(target.operand) : binary(
          "+",
          expr((target as Expr & { kind: "binary" }).left),
          expr((target as Expr & { kind: "binary" }).right),
        );
        return () => {
          const v = value();
          memory[checkAddress(address())] = v;
          return Flow.Normal;
        };
      }
      case "if": {
        const test = condition(c.test);
        const body = command(c.body);
        const unless = c.unless;
        return () => (test() !== unless ? body() : Flow.Normal);
      }
      case "test": {
        const test = condition(c.test);
        const then = command(c.then);
        const otherwise = command(c.else);
        return () => (test() ? then() : otherwise());
      }
      case "while": {
        const test = condition(c.test);
        const body = command(c.body);
        const until = c.until;
        return () => {
          while (test() !== until) {
            const flow = body();
            if (flow === Flow.Break) break;
            if (flow !== Flow.Normal) return flow;
          }
          return Flow.Normal;
        };
      }
      case "for": {
        const from = expr(c.from);
        const to = expr(c.to);
        const body = command(c.body);
        const [slot, limitSlot, by] = [c.slot!, c.limitSlot!, c.by];
        return () => {
          memory[fp + slot] = from();
          memory[fp + limitSlot] = to();
          while (
            by > 0n
              ? memory[fp + slot] <= memory[fp + limitSlot]
              : memory[fp + slot] >= memory[fp + limitSlot]
          ) {
            const flow = body();
            if (flow === Flow.Break) break;
            if (flow !== Flow.Normal) return flow;
            memory[fp + slot] = wrap(memory[fp + slot] + by);
          }
          return Flow.Normal;
        };
      }
      case "resultis": {
        const value = expr(c.value);
        return () => {
          result = value();
          return Flow.Result;
        };
      }
      case "return":
        return () => Flow.Return;
      case "break":
        return () => Flow.Break;
      case "call": {
        const value = expr(c.call);
        return () => (value(), Flow.Normal);
      }
      case "block": {
        const body = c.body.map(command);
        return () => {
          for (const run of body) {
            const flow = run();
            if (flow !== Flow.Normal) return flow;
          }
          return Flow.Normal;
        };
      }
      case "let": {
        const value = expr(c.value);
        const slot = c.slot!;
        return () => {
          memory[fp + slot] = value();
          return Flow.Normal;
        };
      }
      case "vec": {
        const [slot, vectorSlot] = [c.slot!, c.vectorSlot!];
        return () => {
          memory[fp + slot] = BigInt(fp + vectorSlot);
          return Flow.Normal;
        };
      }
    }
  }

  try {
    return compileFunction(start)([]);
  } catch (error) {
    // Each BCPL call is a few JavaScript calls, so the interpreter's
    // JavaScript stack (about 2,000 BCPL calls deep) usually runs out first.
    if (error instanceof RangeError) {
      throw new BcplRuntimeError(
        "stack",
        "the interpreter's JavaScript stack ran out",
      );
    }
    throw error;
  }
}
