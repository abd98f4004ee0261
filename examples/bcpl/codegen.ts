/**
 * The code generator, shared by both CPUs: it walks the laid-out tree and
 * drives a {@linkcode Target}, a small accumulator machine (A, B and frame
 * slots) that each CPU implements with its assembler. BCPL's semantics
 * live here, once; the targets only choose instructions.
 *
 * @module
 */

import {
  type BinaryOp,
  type Command,
  type Expr,
  type FrameLayout,
  type Program,
  RELATIONS,
} from "./ast.ts";
import { isSimple } from "./layout.ts";
import { RuntimeOp } from "./runtime.ts";

/** Arithmetic the accumulator machine performs: `A = A op B`. */
export type Arithmetic =
  | "+"
  | "-"
  | "*"
  | "/"
  | "REM"
  | "<<"
  | ">>"
  | "&"
  | "|";
/** The relations, `A rel B`. */
export type Relation = "=" | "~=" | "<" | "<=" | ">" | ">=";
/** Where a call argument comes from. */
export type Argument =
  | { slot: number }
  | { constant: bigint }
  /** Already in A: the last argument that needed computing. */
  | { accumulator: true };

/**
 * The accumulator machine a CPU provides: register A holds results,
 * register B the second operand; frame slots are words at fixed offsets
 * from the stack pointer; word addresses are byte addresses / 8.
 */
export interface Target<L> {
  /** A new label; a named one shows in listings. */
  label(name?: string): L;
  bind(label: L): void;
  jump(label: L): void;
  /** The entry stub (offset 0): `entry(runtime) -> status`, calling `start`. */
  entry(start: L): void;
  /**
   * Builds the frame (its slots, and whatever the calls it makes need),
   * checks the stack limit, saves the parameters.
   */
  prologue(layout: FrameLayout, params: number): void;
  /** Returns A from the function. */
  epilogue(): void;
  constant(value: bigint): void;
  load(slot: number): void;
  store(slot: number): void;
  loadB(slot: number): void;
  constantB(value: bigint): void;
  moveToB(): void;
  /** `A = A op B`; division and REM by zero leave through the error stubs. */
  operate(op: Arithmetic): void;
  unary(op: "-" | "~"): void;
  /** `A = (A rel B) ? TRUE : FALSE`. */
  setRelation(op: Relation): void;
  /** Jumps to `label` when `(A rel B) === whenTrue`. */
  branchRelation(op: Relation, label: L, whenTrue: boolean): void;
  /** Jumps to `label` when `(A === 0) === whenZero`. */
  branchZero(label: L, whenZero: boolean): void;
  /** `A = memory word at word address A`. */
  loadIndirect(): void;
  /** `memory word at word address A = B`. */
  storeIndirect(): void;
  /** `A = word address of slot`. */
  slotAddress(slot: number): void;
  /** Calls a BCPL function; its result in A. */
  call(label: L, args: Argument[]): void;
  /** `callback(op, A)`, the host's runtime. */
  runtime(op: RuntimeOp): void;
  /** `A = address of data at label`. */
  address(label: L): void;
  /** Places bytes (after all code). */
  data(label: L, bytes: Uint8Array): void;
}

interface Context<L> {
  tempBase: number;
  returnLabel: L;
  loops: L[];
  valofs: L[];
}

/**
 * Generates a program into `target`.
 *
 * @param program The laid-out program.
 * @param start The index of `start`.
 * @param target The CPU's accumulator machine.
 * @returns Each function's label, in `program.functions` order, and the
 *   label of the string constants after the code (if there are any).
 */
export function generate<L>(
  program: Program,
  start: number,
  target: Target<L>,
): { functions: L[]; strings?: L } {
  const labels = program.functions.map((fn) => target.label(fn.name));
  const strings: { label: L; bytes: Uint8Array }[] = [];
  target.entry(labels[start]);

  program.functions.forEach((fn, index) => {
    const layout = fn.layout!;
    const context: Context<L> = {
      tempBase: layout.tempBase,
      returnLabel: target.label(),
      loops: [],
      valofs: [],
    };
    target.bind(labels[index]);
    target.prologue(layout, fn.params.length);
    if (fn.body.kind === "expression") {
      expr(fn.body.value, context, 0);
    } else {
      command(fn.body.body, context, 0);
      target.constant(0n);
    }
    target.bind(context.returnLabel);
    target.epilogue();
  });
  for (const { label, bytes } of strings) {
    const data = new Uint8Array(8 + bytes.length);
    new DataView(data.buffer).setBigUint64(0, BigInt(bytes.length), true);
    data.set(bytes, 8);
    target.data(label, data);
  }
  return { functions: labels, strings: strings[0]?.label };

  function temp(context: Context<L>, depth: number): number {
    return context.tempBase + depth;
  }

  /** Evaluates `e` into A, using temporaries from `depth` up. */
  function expr(e: Expr, context: Context<L>, depth: number): void {
    switch (e.kind) {
      case "number":
        return target.constant(e.value);
      case "name":
        return target.load(e.slot!);
      case "string":
        throw new Error("strings are writes() arguments only");
      case "call":
        return call(e, context, depth);
      case "valof": {
        const end = target.label();
        context.valofs.push(end);
        command(e.body, context, depth);
        context.valofs.pop();
        target.constant(0n);
        return target.bind(end);
      }
      case "conditional": {
        const otherwise = target.label();
        const end = target.label();
        condition(e.test, otherwise, false, context, depth);
        expr(e.then, context, depth);
        target.jump(end);
        target.bind(otherwise);
        expr(e.else, context, depth);
        return target.bind(end);
      }
      case "unary":
        expr(e.operand, context, depth);
        return e.op === "!" ? target.loadIndirect() : target.unary(e.op);
      case "binary":
        operands(e.left, e.right, context, depth);
        if (e.op === "!") {
          target.operate("+");
          return target.loadIndirect();
        }
        if (RELATIONS.has(e.op)) return target.setRelation(e.op as Relation);
        return target.operate(e.op as Arithmetic);
    }
  }

  /** Left operand into A, right into B. */
  function operands(
    left: Expr,
    right: Expr,
    context: Context<L>,
    depth: number,
  ): void {
    if (right.kind === "number") {
      expr(left, context, depth);
      return target.constantB(right.value);
    }
    if (right.kind === "name") {
      expr(left, context, depth);
      return target.loadB(right.slot!);
    }
    expr(left, context, depth);
    target.store(temp(context, depth));
    expr(right, context, depth + 1);
    target.moveToB();
    target.load(temp(context, depth));
  }

  /** Jumps to `label` when `e` is true (`whenTrue`) or false. */
  function condition(
    e: Expr,
    label: L,
    whenTrue: boolean,
    context: Context<L>,
    depth: number,
  ): void {
    if (e.kind === "binary" && RELATIONS.has(e.op)) {
      operands(e.left, e.right, context, depth);
      return target.branchRelation(e.op as Relation, label, whenTrue);
    }
    if (e.kind === "binary" && (e.op === "&" || e.op === "|")) {
      // Truth-value & and | short-circuit, as BCPL evaluates them in tests.
      const both = e.op === "&";
      if (both !== whenTrue) {
        condition(e.left, label, whenTrue, context, depth);
        return condition(e.right, label, whenTrue, context, depth);
      }
      const skip = target.label();
      condition(e.left, skip, !whenTrue, context, depth);
      condition(e.right, label, whenTrue, context, depth);
      return target.bind(skip);
    }
    if (e.kind === "unary" && e.op === "~") {
      return condition(e.operand, label, !whenTrue, context, depth);
    }
    if (e.kind === "number") {
      if ((e.value !== 0n) === whenTrue) target.jump(label);
      return;
    }
    expr(e, context, depth);
    target.branchZero(label, !whenTrue);
  }

  function call(
    e: Expr & { kind: "call" },
    context: Context<L>,
    depth: number,
  ): void {
    if (e.target!.kind === "builtin") {
      switch (e.name) {
        case "writen":
          expr(e.args[0], context, depth);
          return target.runtime(RuntimeOp.Writen);
        case "wrch":
          expr(e.args[0], context, depth);
          return target.runtime(RuntimeOp.Wrch);
        case "newline":
          target.constant(10n);
          return target.runtime(RuntimeOp.Wrch);
        default: {
          // The first string constant starts the code's data.
          const label = target.label(
            strings.length === 0 ? "bcpl(strings)" : undefined,
          );
          strings.push({
            label,
            bytes: (e.args[0] as Expr & { kind: "string" }).bytes,
          });
          target.address(label);
          return target.runtime(RuntimeOp.Writes);
        }
      }
    }
    const computed = e.args.map((arg) =>
      arg.kind !== "number" && arg.kind !== "name"
    );
    const last = computed.lastIndexOf(true);
    const args: Argument[] = e.args.map((arg, index) => {
      if (arg.kind === "number") return { constant: arg.value };
      if (arg.kind === "name") return { slot: arg.slot! };
      expr(arg, context, depth + index);
      if (index === last) return { accumulator: true };
      const slot = temp(context, depth + index);
      target.store(slot);
      return { slot };
    });
    target.call(labels[e.target!.index], args);
  }

  function command(c: Command, context: Context<L>, depth: number): void {
    switch (c.kind) {
      case "assign": {
        if (c.target.kind === "name") {
          expr(c.value, context, depth);
          return target.store(c.target.slot!);
        }
        // A constant or a name goes straight to B once the address is in
        // A; anything else is computed first and kept in a temporary.
        const simple = c.value.kind === "number" || c.value.kind === "name";
        if (!simple) {
          expr(c.value, context, depth);
          target.store(temp(context, depth));
        }
        if (c.target.kind === "unary") {
          expr(c.target.operand, context, depth + 1);
        } else {
          const subscript = c.target as Expr & { kind: "binary" };
          operands(subscript.left, subscript.right, context, depth + 1);
          target.operate("+");
        }
        if (c.value.kind === "number") target.constantB(c.value.value);
        else if (c.value.kind === "name") target.loadB(c.value.slot!);
        else target.loadB(temp(context, depth));
        return target.storeIndirect();
      }
      case "if": {
        const end = target.label();
        condition(c.test, end, c.unless, context, depth);
        command(c.body, context, depth);
        return target.bind(end);
      }
      case "test": {
        const otherwise = target.label();
        const end = target.label();
        condition(c.test, otherwise, false, context, depth);
        command(c.then, context, depth);
        target.jump(end);
        target.bind(otherwise);
        command(c.else, context, depth);
        return target.bind(end);
      }
      case "while": {
        const top = target.label();
        const test = target.label();
        const exit = target.label();
        target.jump(test);
        target.bind(top);
        context.loops.push(exit);
        command(c.body, context, depth);
        context.loops.pop();
        target.bind(test);
        condition(c.test, top, !c.until, context, depth);
        return target.bind(exit);
      }
      case "for": {
        const top = target.label();
        const test = target.label();
        const exit = target.label();
        expr(c.from, context, depth);
        target.store(c.slot!);
        expr(c.to, context, depth);
        target.store(c.limitSlot!);
        target.jump(test);
        target.bind(top);
        context.loops.push(exit);
        command(c.body, context, depth);
        context.loops.pop();
        target.load(c.slot!);
        target.constantB(c.by);
        target.operate("+");
        target.store(c.slot!);
        target.bind(test);
        target.load(c.slot!);
        target.loadB(c.limitSlot!);
        target.branchRelation(c.by > 0n ? "<=" : ">=", top, true);
        return target.bind(exit);
      }
      case "resultis":
        expr(c.value, context, depth);
        return target.jump(context.valofs[context.valofs.length - 1]);
      case "return":
        target.constant(0n);
        return target.jump(context.returnLabel);
      case "break":
        return target.jump(context.loops[context.loops.length - 1]);
      case "call":
        return call(c.call, context, depth);
      case "block":
        for (const inner of c.body) command(inner, context, depth);
        return;
      case "let":
        expr(c.value, context, depth);
        return target.store(c.slot!);
      case "vec":
        target.slotAddress(c.vectorSlot!);
        return target.store(c.slot!);
    }
  }
}

/** Relations and their opposites. */
export const OPPOSITE: Record<Relation, Relation> = {
  "=": "~=",
  "~=": "=",
  "<": ">=",
  "<=": ">",
  ">": "<=",
  ">=": "<",
};

export type { BinaryOp };
export { isSimple };
