/**
 * The BCPL syntax tree. The layout pass (layout.ts) fills in where each
 * name lives; the interpreter and the code generators read the result.
 *
 * @module
 */

import type { Position } from "./lexer.ts";

/**
 * Binary operators: `!` is word subscription (`v!i`), `%` byte
 * subscription (`s%i`), `XOR` is BCPL's `NEQV`.
 */
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
  | "XOR"
  | "!"
  | "%";

/** The six relations, which give TRUE (-1) or FALSE (0). */
export const RELATIONS: ReadonlySet<BinaryOp> = new Set([
  "=",
  "~=",
  "<",
  "<=",
  ">",
  ">=",
]);

/**
 * Where a name's value lives, once laid out: a frame slot, a word of the
 * program's static memory (globals, statics: see memory.ts), a function
 * (whose value is its number in the function table), or a constant.
 */
export type Place =
  | { kind: "local"; slot: number }
  | { kind: "static"; word: number }
  | { kind: "function"; index: number }
  | { kind: "constant"; value: bigint }
  /**
   * A label used as a value (for `longjump`): its number in the program's
   * landing table.
   */
  | { kind: "label"; landing: number };

/** A field selector `SLCT length:shift:offset` (length 0: to the top). */
export interface Selector {
  length: number;
  shift: number;
  offset: number;
}

/** An expression. */
export type Expr =
  | { kind: "number"; value: bigint; position: Position }
  | {
    kind: "string";
    bytes: Uint8Array;
    position: Position;
    /** Filled in by the layout pass: its first word in static memory. */
    word?: number;
  }
  | {
    kind: "table";
    values: Expr[];
    position: Position;
    /** Filled in by the layout pass. */
    word?: number;
  }
  | {
    kind: "name";
    name: string;
    position: Position;
    /** Filled in by the layout pass. */
    place?: Place;
  }
  | {
    kind: "call";
    callee: Expr;
    args: Expr[];
    position: Position;
    /**
     * Filled in by the layout pass: a function called directly, a
     * primitive of the runtime, or a value called through the function
     * table.
     */
    target?:
      | { kind: "function"; index: number }
      | { kind: "primitive"; name: string }
      | { kind: "indirect" };
  }
  | { kind: "valof"; body: Command; position: Position }
  | {
    kind: "conditional";
    test: Expr;
    then: Expr;
    else: Expr;
    position: Position;
  }
  | {
    kind: "unary";
    op: "-" | "~" | "!" | "ABS";
    operand: Expr;
    position: Position;
  }
  /** `@e`: the word address of a variable, or of `!e` / `v!i`. */
  | { kind: "address"; operand: Expr; position: Position }
  /** `s OF p`: a field of the word `p!offset`. */
  | { kind: "field"; selector: Selector; pointer: Expr; position: Position }
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
    /** `c REPEAT`, `c REPEATWHILE e`, `c REPEATUNTIL e`. */
    kind: "repeat";
    body: Command;
    test?: Expr;
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
  | {
    kind: "switchon";
    value: Expr;
    body: Command;
    position: Position;
    /** Filled in by the layout pass: the CASE labels in the body. */
    cases?: { value: bigint; command: Command & { kind: "case" } }[];
    default?: Command & { kind: "default" };
    /**
     * Filled in by the layout pass for a dense set of cases: a jump table
     * of `size` code addresses at static word `word`, for values from
     * `min` (native code only).
     */
    table?: { word: number; min: bigint; size: number };
  }
  | { kind: "case"; value: bigint; body: Command; position: Position }
  | { kind: "default"; body: Command; position: Position }
  | { kind: "labelled"; name: string; body: Command; position: Position }
  | { kind: "goto"; name: string; position: Position }
  | { kind: "resultis"; value: Expr; position: Position }
  | { kind: "return"; position: Position }
  | { kind: "break"; position: Position }
  | { kind: "loop"; position: Position }
  | { kind: "endcase"; position: Position }
  | { kind: "finish"; position: Position }
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
  /** Whether it comes from the runtime library (compiled only if used). */
  library?: boolean;
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
  /**
   * Whether `longjump` may land in the function (one of its labels is used
   * as a value): then its slots stay in the frame, and it saves every
   * register slots may live in.
   */
  landing: boolean;
  /**
   * In such a function, the slot that holds its level while it runs (and 0
   * once it returns), which longjump checks before it lands.
   */
  markerSlot?: number;
  /**
   * Filled in by the register allocator (registers.ts) for native code:
   * for each scalar slot, the number of the register that holds it, or
   * -1 for the frame.
   */
  registers?: number[];
  /**
   * Filled in by the register allocator for native code: for each slot
   * (vectors included), its word in the function's area of the frame
   * stack (memory.ts), or -1 for the machine frame; and the area's size.
   * Vectors and slots whose address is taken live there.
   */
  area?: number[];
  areaWords?: number;
}

/** `GLOBAL { name: n }`: a name for global word n. */
export interface GlobalDecl {
  name: string;
  number: number;
  position: Position;
}

/** `STATIC { name = k }`: a word of static memory, initially k. */
export interface StaticDecl {
  name: string;
  value: bigint;
  position: Position;
}

/** A whole program. */
export interface Program {
  functions: FunctionDecl[];
  globals: GlobalDecl[];
  statics: StaticDecl[];
  /** The file name, for messages. */
  file: string;
  /**
   * Filled in by the layout pass: the initial static memory after the
   * global vector (statics, tables, strings), one bigint per word.
   */
  data?: bigint[];
  /** Filled in by the layout pass: each global's initial function, if any. */
  globalFunctions?: { number: number; index: number }[];
  /**
   * Filled in by the layout pass: the labels used as values, in landing
   * table order (the table follows the function table in the data).
   */
  landings?: { function: number; label: Command & { kind: "labelled" } }[];
  /** Filled in by the layout pass: the landing table's first word. */
  landingBase?: number;
  /**
   * Filled in by the layout pass: the first word of the code tables (the
   * function table first), after the heap, and how many words they take.
   */
  codeBase?: number;
  codeWords?: number;
}

/**
 * Calls `visit` with every node under `root` (commands and expressions
 * alike, `root` included): anything with a `kind`, reached through fields
 * and arrays.
 *
 * @param root A node, or an array of them.
 * @param visit Called once per node reached (a node reached twice, such as
 *   a CASE the layout lists in its SWITCHON too, twice).
 */
export function forEachNode(
  root: unknown,
  visit: (node: { kind: string } & Record<string, unknown>) => void,
): void {
  if (typeof root !== "object" || root === null) return;
  if (Array.isArray(root)) {
    for (const item of root) forEachNode(item, visit);
    return;
  }
  if (!("kind" in root)) return;
  const node = root as { kind: string } & Record<string, unknown>;
  visit(node);
  for (const value of Object.values(node)) forEachNode(value, visit);
}
