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
  type Place,
  type Program,
  RELATIONS,
} from "./ast.ts";
import { fieldBits } from "./interpreter.ts";
import { isSimple } from "./layout.ts";
import { FUNCTION_TAG, LABEL_TAG } from "./memory.ts";
import { RuntimeOp, Status } from "./runtime.ts";

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
  | "|"
  | "XOR";
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
 * from the stack pointer; static words (memory.ts) are words at fixed
 * offsets from the static memory's register; word addresses are byte
 * addresses / 8.
 */
export interface Target<L> {
  /** A new label; a named one shows in listings. */
  label(name?: string): L;
  bind(label: L): void;
  jump(label: L): void;
  /**
   * The entry stub (offset 0): `entry(memory) -> status`, calling
   * `start`; a call through a value checks it against `functions`, the
   * function table's size (from static word `functionTable`).
   */
  entry(start: L, functions: number, functionTable: number): void;
  /**
   * Builds the frame (its slots, and whatever the calls it makes need),
   * checks the stack limit, saves the parameters.
   */
  prologue(layout: FrameLayout, params: number, index: number): void;
  /** Returns A from the function. */
  epilogue(): void;
  constant(value: bigint): void;
  load(slot: number): void;
  store(slot: number): void;
  loadB(slot: number): void;
  /** `A = static word`. */
  loadStatic(word: number): void;
  /** `static word = A`. */
  storeStatic(word: number): void;
  /** `B = static word`. */
  loadStaticB(word: number): void;
  /** `A = word address of static word`. */
  staticAddress(word: number): void;
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
  /** `A = byte address of byte B of the word at word address A`. */
  byteAddress(): void;
  /** `A = the byte at byte address A`. */
  loadByte(): void;
  /** `the byte at byte address A = the low byte of B`. */
  storeByte(): void;
  /** `A = word address of slot`. */
  slotAddress(slot: number): void;
  /** Calls a BCPL function; its result in A. */
  call(label: L, args: Argument[]): void;
  /**
   * Calls the function whose value (memory.ts: FUNCTION_TAG + number) is
   * in `slot`, through the function table; a value that is no function
   * stops the program.
   */
  callIndirect(slot: number, args: Argument[]): void;
  /** `A = callback(op, A)`, the host's runtime. */
  runtime(op: RuntimeOp): void;
  /** Leaves the program with `status`, A in the result word. */
  exit(status: Status): void;
  /** `A = level()`: the stack pointer of the function's body. */
  level(): void;
  /**
   * `longjump(level in slot, label value in A)`: checks the label against
   * the landing table (`landings` words from static word `table`) and the
   * level against the stack, then goes there.
   */
  longJump(slot: number, table: number, landings: number): void;
  /**
   * Jumps to the code address in static word `table + A` (A is checked
   * already).
   */
  jumpTable(table: number): void;
  /** Binds a label longjump may land at (the frame is rebuilt there). */
  bindLanding(label: L): void;
  /**
   * For each function longjump may land in, by its index: the byte offset
   * of its marker slot from its level.
   */
  readonly markers: Map<number, number>;
}

interface Context<L> {
  tempBase: number;
  returnLabel: L;
  /** Innermost last: where BREAK and LOOP go. */
  loops: { exit: L; next: L }[];
  valofs: L[];
  /** Innermost last: where ENDCASE goes, and the CASE labels. */
  switches: { end: L; labels: Map<Command, L> }[];
  /** The function's GOTO labels. */
  labels: Map<string, L>;
}

/** At most this many cases are tested one by one; more are searched. */
const LINEAR_CASES = 4;

/**
 * Generates a program into `target`.
 *
 * @param program The laid-out program.
 * @param start The index of `start`.
 * @param target The CPU's accumulator machine.
 * @returns Each function's label, in `program.functions` order, the
 *   labels of the landing table, and the labels jump tables hold.
 */
export function generate<L>(
  program: Program,
  start: number,
  target: Target<L>,
): {
  functions: L[];
  landings: L[];
  tables: { word: number; labels: L[] }[];
} {
  const tables: { word: number; labels: L[] }[] = [];
  const labels = program.functions.map((fn) => target.label(fn.name));
  const landingOf = new Map<Command, number>(
    program.landings!.map(({ label }, index) => [label, index]),
  );
  const landings: L[] = program.landings!.map(() => target.label());
  target.entry(labels[start], program.functions.length, program.codeBase!);

  program.functions.forEach((fn, index) => {
    const layout = fn.layout!;
    const context: Context<L> = {
      tempBase: layout.tempBase,
      returnLabel: target.label(),
      loops: [],
      valofs: [],
      switches: [],
      labels: new Map(),
    };
    target.bind(labels[index]);
    target.prologue(layout, fn.params.length, index);
    if (fn.body.kind === "expression") {
      expr(fn.body.value, context, 0);
    } else {
      command(fn.body.body, context, 0);
      target.constant(0n);
    }
    target.bind(context.returnLabel);
    target.epilogue();
  });
  return { functions: labels, landings, tables };

  function temp(context: Context<L>, depth: number): number {
    return context.tempBase + depth;
  }

  /** Evaluates `e` into A, using temporaries from `depth` up. */
  function expr(e: Expr, context: Context<L>, depth: number): void {
    switch (e.kind) {
      case "number":
        return target.constant(e.value);
      case "string":
      case "table":
        return target.staticAddress(e.word!);
      case "name":
        return loadPlace(e.place!);
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
        if (e.op === "!") return target.loadIndirect();
        if (e.op === "ABS") {
          const done = target.label();
          target.constantB(0n);
          target.branchRelation(">=", done, true);
          target.unary("-");
          return target.bind(done);
        }
        return target.unary(e.op);
      case "address": {
        const operand = e.operand;
        if (operand.kind === "name") {
          const place = operand.place!;
          return place.kind === "local"
            ? target.slotAddress(place.slot)
            : target.staticAddress((place as Place & { kind: "static" }).word);
        }
        if (operand.kind === "unary") {
          return expr(operand.operand, context, depth);
        }
        const { left, right } = operand as Expr & { kind: "binary" };
        operands(left, right, context, depth);
        return target.operate("+");
      }
      case "field": {
        const [shift, mask] = fieldBits(e.selector);
        fieldWord(e.pointer, e.selector.offset, context, depth);
        target.loadIndirect();
        if (shift !== 0n) {
          target.constantB(shift);
          target.operate(">>");
        }
        if (mask !== -1n && mask !== (1n << 64n) - 1n) {
          target.constantB(BigInt.asIntN(64, mask));
          target.operate("&");
        }
        return;
      }
      case "binary":
        operands(e.left, e.right, context, depth);
        if (e.op === "!") {
          target.operate("+");
          return target.loadIndirect();
        }
        if (e.op === "%") {
          target.byteAddress();
          return target.loadByte();
        }
        if (RELATIONS.has(e.op)) return target.setRelation(e.op as Relation);
        return target.operate(e.op as Arithmetic);
    }
  }

  function loadPlace(place: Place): void {
    switch (place.kind) {
      case "local":
        return target.load(place.slot);
      case "static":
        return target.loadStatic(place.word);
      case "function":
        return target.constant(FUNCTION_TAG + BigInt(place.index));
      case "constant":
        return target.constant(place.value);
      case "label":
        return target.constant(LABEL_TAG + BigInt(place.landing));
    }
  }

  /** A = the word address of a field's word. */
  function fieldWord(
    pointer: Expr,
    offset: number,
    context: Context<L>,
    depth: number,
  ): void {
    expr(pointer, context, depth);
    if (offset !== 0) {
      target.constantB(BigInt(offset));
      target.operate("+");
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
    if (right.kind === "name" && isSimple(right)) {
      expr(left, context, depth);
      const place = right.place!;
      return place.kind === "local"
        ? target.loadB(place.slot)
        : target.loadStaticB((place as Place & { kind: "static" }).word);
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
    const callTarget = e.target!;
    if (callTarget.kind === "primitive" && callTarget.name === "level") {
      return target.level();
    }
    if (callTarget.kind === "primitive" && callTarget.name === "longjump") {
      expr(e.args[0], context, depth);
      target.store(temp(context, depth));
      expr(e.args[1], context, depth + 1);
      return target.longJump(
        temp(context, depth),
        program.landingBase!,
        program.landings!.length,
      );
    }
    if (callTarget.kind === "primitive") {
      if (e.args.length > 0) expr(e.args[0], context, depth);
      else target.constant(0n);
      switch (callTarget.name) {
        case "wrch":
          return target.runtime(RuntimeOp.Wrch);
        case "rdch":
          return target.runtime(RuntimeOp.Rdch);
        case "stop":
          return target.exit(Status.Stop);
        default:
          return target.exit(Status.Abort);
      }
    }
    // A call through a value keeps the value in the first temporary.
    const first = callTarget.kind === "indirect" ? 1 : 0;
    if (callTarget.kind === "indirect") {
      expr(e.callee, context, depth);
      target.store(temp(context, depth));
    }
    const simple = (arg: Expr) =>
      arg.kind === "number" ||
      (arg.kind === "name" && arg.place!.kind === "local");
    const last = e.args.map((arg) => !simple(arg)).lastIndexOf(true);
    const args: Argument[] = e.args.map((arg, index) => {
      if (arg.kind === "number") return { constant: arg.value };
      if (simple(arg)) {
        return { slot: localSlot(arg) };
      }
      expr(arg, context, depth + first + index);
      if (index === last) return { accumulator: true };
      const slot = temp(context, depth + first + index);
      target.store(slot);
      return { slot };
    });
    if (callTarget.kind === "indirect") {
      target.callIndirect(temp(context, depth), args);
    } else {
      target.call(labels[callTarget.index], args);
    }
  }

  /** Stores A's value, computed first, into an assignable expression. */
  function assign(
    c: Command & { kind: "assign" },
    context: Context<L>,
    depth: number,
  ): void {
    const place = c.target;
    if (place.kind === "name") {
      expr(c.value, context, depth);
      const where = place.place!;
      return where.kind === "local"
        ? target.store(where.slot)
        : target.storeStatic((where as Place & { kind: "static" }).word);
    }
    if (place.kind === "field") {
      // new word = old & ~(mask << shift) | (value & mask) << shift
      const [shift, mask] = fieldBits(place.selector);
      const [value, address, kept] = [0, 1, 2].map((n) =>
        temp(context, depth + n)
      );
      expr(c.value, context, depth);
      target.store(value);
      fieldWord(place.pointer, place.selector.offset, context, depth + 1);
      target.store(address);
      target.loadIndirect();
      target.constantB(BigInt.asIntN(64, ~(mask << shift)));
      target.operate("&");
      target.store(kept);
      target.load(value);
      target.constantB(BigInt.asIntN(64, mask));
      target.operate("&");
      if (shift !== 0n) {
        target.constantB(shift);
        target.operate("<<");
      }
      target.loadB(kept);
      target.operate("|");
      target.store(value);
      target.load(address);
      target.loadB(value);
      return target.storeIndirect();
    }
    // A constant or a local goes straight to B once the address is in A;
    // anything else is computed first and kept in a temporary.
    const value = c.value;
    const inPlace = value.kind === "number" ||
      (value.kind === "name" && value.place!.kind === "local");
    if (!inPlace) {
      expr(value, context, depth);
      target.store(temp(context, depth));
    }
    const byte = place.kind === "binary" && place.op === "%";
    if (place.kind === "unary") {
      expr(place.operand, context, depth + 1);
    } else {
      const subscript = place as Expr & { kind: "binary" };
      operands(subscript.left, subscript.right, context, depth + 1);
      if (byte) target.byteAddress();
      else target.operate("+");
    }
    if (value.kind === "number") target.constantB(value.value);
    else if (inPlace) {
      target.loadB(localSlot(value));
    } else target.loadB(temp(context, depth));
    return byte ? target.storeByte() : target.storeIndirect();
  }

  /** Jumps to the CASE for the value in A, or to `otherwise`. */
  function dispatch(cases: { value: bigint; label: L }[], otherwise: L): void {
    if (cases.length <= LINEAR_CASES) {
      for (const { value, label } of cases) {
        target.constantB(value);
        target.branchRelation("=", label, true);
      }
      return target.jump(otherwise);
    }
    // Binary search: the middle case, then the half the value is in.
    const middle = cases.length >> 1;
    const { value, label } = cases[middle];
    const above = target.label();
    target.constantB(value);
    target.branchRelation("=", label, true);
    target.constantB(value);
    target.branchRelation(">", above, true);
    dispatch(cases.slice(0, middle), otherwise);
    target.bind(above);
    dispatch(cases.slice(middle + 1), otherwise);
  }

  function loopBody(
    body: Command,
    exit: L,
    next: L,
    context: Context<L>,
    depth: number,
  ): void {
    context.loops.push({ exit, next });
    command(body, context, depth);
    context.loops.pop();
  }

  function gotoLabel(name: string, context: Context<L>): L {
    let label = context.labels.get(name);
    if (label === undefined) {
      label = target.label();
      context.labels.set(name, label);
    }
    return label;
  }

  function command(c: Command, context: Context<L>, depth: number): void {
    switch (c.kind) {
      case "assign":
        return assign(c, context, depth);
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
        loopBody(c.body, exit, test, context, depth);
        target.bind(test);
        condition(c.test, top, !c.until, context, depth);
        return target.bind(exit);
      }
      case "repeat": {
        const top = target.label();
        const next = target.label();
        const exit = target.label();
        target.bind(top);
        loopBody(c.body, exit, next, context, depth);
        target.bind(next);
        if (c.test) condition(c.test, top, !c.until, context, depth);
        else target.jump(top);
        return target.bind(exit);
      }
      case "for": {
        const top = target.label();
        const next = target.label();
        const test = target.label();
        const exit = target.label();
        expr(c.from, context, depth);
        target.store(c.slot!);
        expr(c.to, context, depth);
        target.store(c.limitSlot!);
        target.jump(test);
        target.bind(top);
        loopBody(c.body, exit, next, context, depth);
        target.bind(next);
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
      case "switchon": {
        const end = target.label();
        const caseLabels = new Map<Command, L>();
        const cases = c.cases!.map(({ value, command }) => {
          const label = target.label();
          caseLabels.set(command, label);
          return { value, label };
        }).sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
        let otherwise = end;
        if (c.default) {
          otherwise = target.label();
          caseLabels.set(c.default, otherwise);
        }
        expr(c.value, context, depth);
        if (c.table) {
          // A - min, checked to be in 0 .. size - 1 (wrapped differences
          // of far values land outside it too), then through the table.
          const { word, min, size } = c.table;
          const byValue = new Map(
            cases.map((entry) => [entry.value, entry.label]),
          );
          tables.push({
            word,
            labels: Array.from(
              { length: size },
              (_, index) => byValue.get(min + BigInt(index)) ?? otherwise,
            ),
          });
          target.constantB(min);
          target.operate("-");
          target.constantB(0n);
          target.branchRelation("<", otherwise, true);
          target.constantB(BigInt(size));
          target.branchRelation(">=", otherwise, true);
          target.jumpTable(word);
        } else {
          dispatch(cases, otherwise);
        }
        context.switches.push({ end, labels: caseLabels });
        command(c.body, context, depth);
        context.switches.pop();
        return target.bind(end);
      }
      case "case":
      case "default": {
        const switchon = context.switches[context.switches.length - 1];
        target.bind(switchon.labels.get(c)!);
        return command(c.body, context, depth);
      }
      case "labelled": {
        const label = gotoLabel(c.name, context);
        const landing = landingOf.get(c);
        if (landing === undefined) target.bind(label);
        else {
          // The landing table's entry and the GOTO label are one place.
          target.bindLanding(landings[landing]);
          target.bind(label);
        }
        return command(c.body, context, depth);
      }
      case "goto":
        return target.jump(gotoLabel(c.name, context));
      case "resultis":
        expr(c.value, context, depth);
        return target.jump(context.valofs[context.valofs.length - 1]);
      case "return":
        target.constant(0n);
        return target.jump(context.returnLabel);
      case "finish":
        target.constant(0n);
        return target.exit(Status.Stop);
      case "break":
        return target.jump(context.loops[context.loops.length - 1].exit);
      case "loop":
        return target.jump(context.loops[context.loops.length - 1].next);
      case "endcase":
        return target.jump(context.switches[context.switches.length - 1].end);
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

/** The slot of a name known to be a local. */
function localSlot(e: Expr): number {
  return ((e as Expr & { kind: "name" }).place as Place & { kind: "local" })
    .slot;
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
