/**
 * The BCPL syntax tree. The layout pass (layout.ts) fills in where each
 * name lives; the interpreter and the code generators read the result.
 *
 * @module
 */

import type { Position } from "./lexer.ts";

/** Binary operators, `!` being subscription (`v!i`). */
export type BinaryOp =
  | "*"
  | "/"
  | "REM"
  | "+"
  | "-"
  | "="
  | "~="
  | "<"
  | "<="
  | ">"
  | ">="
  | "<<"
  | ">>"
  | "&"
  | "|"
  | "!";

/** The six relations, which give TRUE (-1) or FALSE (0). */
export const RELATIONS: ReadonlySet<BinaryOp> = new Set([
  "=",
  "~=",
  "<",
  "<=",
  ">",
  ">=",
]);

/** An expression. */
export type Expr =
  | { kind: "number"; value: bigint; position: Position }
  | { kind: "string"; bytes: Uint8Array; position: Position }
  | {
    kind: "name";
    name: string;
    position: Position;
    /** Filled in by the layout pass: a frame slot, or a constant. */
    slot?: number;
    constant?: bigint;
  }
  | {
    kind: "call";
    name: string;
    args: Expr[];
    position: Position;
    /** Filled in by the layout pass. */
    target?: { kind: "function"; index: number } | { kind: "builtin" };
  }
  | { kind: "valof"; body: Command; position: Position }
  | {
    kind: "conditional";
    test: Expr;
    then: Expr;
    else: Expr;
    position: Position;
  }
  | { kind: "unary"; op: "-" | "~" | "!"; operand: Expr; position: Position }
  | {
    kind: "binary";
    op: BinaryOp;
    left: Expr;
    right: Expr;
    position: Position;
  };

/** A command. */
export type Command =
  | { kind: "assign"; target: Expr; value: Expr; position: Position }
  | {
    kind: "if";
    test: Expr;
    body: Command;
    /** UNLESS: run the body when the test is false. */
    unless: boolean;
    position: Position;
  }
  | {
    kind: "test";
    test: Expr;
    then: Command;
    else: Command;
    position: Position;
  }
  | {
    kind: "while";
    test: Expr;
    body: Command;
    /** UNTIL: loop while the test is false. */
    until: boolean;
    position: Position;
  }
  | {
    kind: "for";
    name: string;
    from: Expr;
    to: Expr;
    by: bigint;
    body: Command;
    position: Position;
    /** Filled in by the layout pass: the variable's and the limit's slots. */
    slot?: number;
    limitSlot?: number;
  }
  | { kind: "resultis"; value: Expr; position: Position }
  | { kind: "return"; position: Position }
  | { kind: "break"; position: Position }
  | { kind: "call"; call: Expr & { kind: "call" }; position: Position }
  | { kind: "block"; body: Command[]; position: Position }
  | {
    kind: "let";
    name: string;
    value: Expr;
    position: Position;
    slot?: number;
  }
  | {
    kind: "vec";
    name: string;
    size: bigint;
    position: Position;
    /** The variable's slot and the first of the vector's slots. */
    slot?: number;
    vectorSlot?: number;
  };

/** `LET f(a, b) = expr` or `LET p(a) BE command`. */
export interface FunctionDecl {
  name: string;
  params: string[];
  body: { kind: "expression"; value: Expr } | {
    kind: "routine";
    body: Command;
  };
  position: Position;
  /** Filled in by the layout pass. */
  layout?: FrameLayout;
}

/** Where a function's values live in its frame, one word per slot. */
export interface FrameLayout {
  /** Slots of parameters, locals, FOR limits and temporaries. */
  scalarSlots: number;
  /** The first temporary slot. */
  tempBase: number;
  /** All slots, vectors (which come after the scalars) included. */
  totalSlots: number;
  /**
   * Whether the function calls anything: a BCPL function or a builtin
   * (which calls the host). A convention that makes callers reserve space
   * for their callees (Windows x64) needs it only then.
   */
  calls: boolean;
  /** The most arguments one of its calls to BCPL functions passes. */
  maxCallArguments: number;
}

/** A whole program. */
export interface Program {
  functions: FunctionDecl[];
  /** The file name, for messages. */
  file: string;
}
