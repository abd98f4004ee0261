/**
 * The reference semantics: the tree, compiled to JavaScript closures and
 * run on 64-bit words (bigints). Memory is one simulated word-addressed
 * block laid out as native code's (memory.ts: header, global vector,
 * data, heap) with the stack after it, and frames laid out as the code
 * generators lay them out, so vectors, `@`, `!` and `%` behave as in
 * native code.
 *
 * @module
 */

import {
  type BinaryOp,
  type Command,
  type Expr,
  forEachNode,
  type Place,
  type Program,
  RELATIONS,
  type Selector,
} from "./ast.ts";
import {
  DATA_BASE,
  FUNCTION_TAG,
  GLOBAL_WORDS,
  globalWord,
  HEADER_WORDS,
  HEAP_WORDS,
  LABEL_TAG,
  LoaderGlobal,
} from "./memory.ts";
import {
  BcplRuntimeError,
  BcplStop,
  type Output,
  STACK_DETAIL,
  STACK_WORDS,
} from "./runtime.ts";

type Value = () => bigint;
/** What a command did: carried on, or left through a jump. */
const enum Flow {
  Normal,
  Break,
  Loop,
  Endcase,
  Return,
  Result,
  /** A GOTO or a SWITCHON's jump, to `jumpTarget`. */
  Jump,
}
type Run = () => Flow;
/** A command compiled: run it, or enter it at a label inside it. */
interface Compiled {
  run: Run;
  /** The labelled commands an entry can reach, through blocks only. */
  labels: Set<Command>;
  enter(target: Command): Flow;
}

const wrap = (value: bigint): bigint => BigInt.asIntN(64, value);
const truth = (value: boolean): bigint => (value ? -1n : 0n);

/**
 * Runs a laid-out program's `start()`.
 *
 * @param program The program, after `layOut`.
 * @param start The index of `start`.
 * @param output Where writes go, and what `rdch` reads.
 * @returns `start()`'s result (or `stop()`'s code).
 * @throws {BcplRuntimeError} On division by zero, runaway recursion and
 *   the like.
 */
export function interpret(
  program: Program,
  start: number,
  output: Output,
): bigint {
  const data = program.data!;
  const heapBase = DATA_BASE + data.length;
  // After the heap: native code's frame stack (unused here, reachable as
  // there), then the code tables, which BCPL cannot reach (nor the header).
  const heapEnd = program.codeBase!;
  const stackBase = heapEnd + program.codeWords!;
  const memory = new BigInt64Array(stackBase + STACK_WORDS);
  const bytes = new Uint8Array(memory.buffer);
  memory.set(data, DATA_BASE);
  memory[globalWord(LoaderGlobal.GlobalSize)] = BigInt(GLOBAL_WORDS);
  memory[globalWord(LoaderGlobal.HeapTop)] = BigInt(heapBase);
  memory[globalWord(LoaderGlobal.HeapEnd)] = BigInt(heapBase + HEAP_WORDS);
  for (const { number, index } of program.globalFunctions!) {
    memory[globalWord(number)] = FUNCTION_TAG + BigInt(index);
  }
  let sp = stackBase; // the next free word
  let fp = stackBase; // the current frame
  let result = 0n; // RESULTIS and RETURN values travel here
  let jumpTarget: Command | undefined;

  const functions: ((args: bigint[]) => bigint)[] = [];

  function compileFunction(index: number): (args: bigint[]) => bigint {
    const fn = program.functions[index];
    const frameWords = fn.layout!.totalSlots;
    const params = fn.params.length;
    // Labels anywhere in the function, inside VALOF expressions too.
    const labels = new Map<string, Command>();
    forEachNode(fn.body, (node) => {
      if (node.kind === "labelled") {
        labels.set(node.name as string, node as Command);
      }
    });
    // The body as a command where it is one (a routine, or `= VALOF c`),
    // so that longjump can enter it at a label.
    const valof = fn.body.kind === "expression" &&
      fn.body.value.kind === "valof";
    const main = fn.body.kind === "routine"
      ? command(fn.body.body, labels)
      : valof
      ? command((fn.body.value as Expr & { kind: "valof" }).body, labels)
      : undefined;
    const value = fn.body.kind === "expression" && !valof
      ? expr(fn.body.value, labels)
      : undefined;
    const body = (entry?: Command): bigint => {
      if (value !== undefined) return value();
      const flow = entry === undefined ? main!.run() : main!.enter(entry);
      if (flow === Flow.Jump) unreachable();
      if (!valof) return 0n;
      const got = flow === Flow.Result ? result : 0n;
      result = 0n;
      return got;
    };
    return (args) => {
      if (sp + frameWords > memory.length) {
        throw new BcplRuntimeError("stack", STACK_DETAIL);
      }
      const saved = fp;
      fp = sp;
      sp += frameWords;
      for (let slot = 0; slot < params; slot++) {
        memory[fp + slot] = args[slot] ?? 0n;
      }
      try {
        let entry: Command | undefined;
        for (;;) {
          try {
            return body(entry);
          } catch (error) {
            // A longjump to this frame: on at its label.
            if (
              !(error instanceof LongJump) || error.frame !== BigInt(fp) ||
              !main?.labels.has(error.target)
            ) throw error;
            entry = error.target;
            sp = fp + frameWords;
          }
        }
      } finally {
        sp = fp;
        fp = saved;
      }
    };
  }

  function unreachable(): never {
    throw new BcplRuntimeError(
      "address",
      "the interpreter jumps to labels only through blocks, not into a loop or a conditional",
    );
  }

  function place(p: Place): { get: Value; set: (value: bigint) => void } {
    switch (p.kind) {
      case "local": {
        const slot = p.slot;
        return {
          get: () => memory[fp + slot],
          set: (value) => (memory[fp + slot] = value),
        };
      }
      case "static": {
        const word = p.word;
        return {
          get: () => memory[word],
          set: (value) => (memory[word] = value),
        };
      }
      case "function": {
        const value = FUNCTION_TAG + BigInt(p.index);
        return { get: () => value, set: () => {} };
      }
      case "constant": {
        const value = p.value;
        return { get: () => value, set: () => {} };
      }
      case "label": {
        const value = LABEL_TAG + BigInt(p.landing);
        return { get: () => value, set: () => {} };
      }
    }
  }

  function expr(e: Expr, labels: Map<string, Command>): Value {
    const sub = (inner: Expr) => expr(inner, labels);
    switch (e.kind) {
      case "number": {
        const value = e.value;
        return () => value;
      }
      case "string":
      case "table": {
        const word = BigInt(e.word!);
        return () => word;
      }
      case "name":
        return place(e.place!).get;
      case "call":
        return call(e, labels);
      case "valof": {
        const body = command(e.body, labels);
        return () => {
          const flow = body.run();
          if (flow === Flow.Jump) unreachable();
          const value = flow === Flow.Result ? result : 0n;
          result = 0n;
          return value;
        };
      }
      case "conditional": {
        const test = condition(e.test, labels);
        const then = sub(e.then);
        const otherwise = sub(e.else);
        return () => (test() ? then() : otherwise());
      }
      case "unary": {
        const operand = sub(e.operand);
        switch (e.op) {
          case "-":
            return () => wrap(-operand());
          case "~":
            return () => ~operand();
          case "ABS":
            return () => {
              const value = operand();
              return value < 0n ? wrap(-value) : value;
            };
          default:
            return () => load(operand());
        }
      }
      case "address": {
        const operand = e.operand;
        if (operand.kind === "name") {
          const p = operand.place!;
          if (p.kind === "local") {
            const slot = p.slot;
            return () => BigInt(fp + slot);
          }
          const word = BigInt((p as Place & { kind: "static" }).word);
          return () => word;
        }
        if (operand.kind === "unary") return sub(operand.operand);
        const { left, right } = operand as Expr & { kind: "binary" };
        return binary("+", sub(left), sub(right));
      }
      case "field": {
        const pointer = sub(e.pointer);
        const { offset } = e.selector;
        const [shift, mask] = fieldBits(e.selector);
        return () =>
          wrap(
            (BigInt.asUintN(64, load(wrap(pointer() + BigInt(offset)))) >>
              shift) & mask,
          );
      }
      case "binary":
        return binary(e.op, sub(e.left), sub(e.right));
    }
  }

  function load(address: bigint): bigint {
    return memory[checkAddress(address)];
  }

  const reachable = (word: bigint): boolean =>
    (word >= HEADER_WORDS && word < heapEnd) ||
    (word >= stackBase && word < memory.length);

  function checkAddress(address: bigint): number {
    if (!reachable(address)) {
      throw new BcplRuntimeError(
        "address",
        `address ${address} is outside memory`,
      );
    }
    return Number(address);
  }

  function byteAddress(word: bigint, index: bigint): number {
    const address = wrap(word * 8n + index);
    if (!reachable(address >> 3n)) {
      throw new BcplRuntimeError(
        "address",
        `byte ${index} of word ${word} is outside memory`,
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
      case "XOR":
        return () => left() ^ right();
      case "!":
        return () => load(wrap(left() + right()));
      case "%":
        return () => {
          const word = left();
          return BigInt(bytes[byteAddress(word, right())]);
        };
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
  function condition(e: Expr, labels: Map<string, Command>): () => boolean {
    if (e.kind === "binary" && RELATIONS.has(e.op)) {
      const compare = relation(e.op);
      const left = expr(e.left, labels);
      const right = expr(e.right, labels);
      return () => compare(left(), right());
    }
    if (e.kind === "binary" && (e.op === "&" || e.op === "|")) {
      const left = condition(e.left, labels);
      const right = condition(e.right, labels);
      return e.op === "&" ? () => left() && right() : () => left() || right();
    }
    if (e.kind === "unary" && e.op === "~") {
      const operand = condition(e.operand, labels);
      return () => !operand();
    }
    const value = expr(e, labels);
    return () => value() !== 0n;
  }

  function call(
    e: Expr & { kind: "call" },
    labels: Map<string, Command>,
  ): Value {
    const args = e.args.map((arg) => expr(arg, labels));
    const values = () => args.map((arg) => arg());
    const target = e.target!;
    if (target.kind === "primitive") {
      switch (target.name) {
        case "wrch":
          return () => (output.wrch(args[0]()), 0n);
        case "rdch":
          return () => output.rdch();
        case "stop":
          return () => {
            throw new BcplStop(args.length > 0 ? args[0]() : 0n);
          };
        case "level":
          return () => BigInt(fp);
        case "longjump":
          return () => {
            const frame = args[0]();
            const landing = args[1]() - LABEL_TAG;
            const landings = program.landings!;
            if (landing < 0n || landing >= BigInt(landings.length)) {
              throw new BcplRuntimeError("longjump");
            }
            throw new LongJump(frame, landings[Number(landing)].label);
          };
        default:
          return () => {
            const code = args.length > 0 ? args[0]() : 0n;
            throw new BcplRuntimeError("abort", `code ${code}`);
          };
      }
    }
    if (target.kind === "function") {
      const index = target.index;
      return () => {
        const list = values();
        functions[index] ??= compileFunction(index);
        return functions[index](list);
      };
    }
    const callee = expr(e.callee, labels);
    return () => {
      const index = callee() - FUNCTION_TAG;
      const list = values();
      if (index < 0n || index >= BigInt(program.functions.length)) {
        throw new BcplRuntimeError("call");
      }
      const number = Number(index);
      functions[number] ??= compileFunction(number);
      return functions[number](list);
    };
  }

  /** Stores into an assignable expression. */
  function assign(
    target: Expr,
    labels: Map<string, Command>,
  ): (value: bigint) => void {
    switch (target.kind) {
      case "name":
        return place(target.place!).set;
      case "unary": {
        const address = expr(target.operand, labels);
        return (value) => (memory[checkAddress(address())] = value);
      }
      case "field": {
        const pointer = expr(target.pointer, labels);
        const offset = BigInt(target.selector.offset);
        const [shift, mask] = fieldBits(target.selector);
        return (value) => {
          const at = checkAddress(wrap(pointer() + offset));
          const word = BigInt.asUintN(64, memory[at]);
          const bits = (BigInt.asUintN(64, value) & mask) << shift;
          memory[at] = wrap((word & ~(mask << shift)) | bits);
        };
      }
      default: {
        const { op, left, right } = target as Expr & { kind: "binary" };
        const base = expr(left, labels);
        const index = expr(right, labels);
        if (op === "%") {
          return (value) => {
            const at = byteAddress(base(), index());
            bytes[at] = Number(BigInt.asUintN(8, value));
          };
        }
        return (value) => {
          memory[checkAddress(wrap(base() + index()))] = value;
        };
      }
    }
  }

  const NO_LABELS = new Set<Command>();
  const simple = (run: Run): Compiled => ({
    run,
    labels: NO_LABELS,
    enter: () => unreachable(),
  });

  /** A loop's body: BREAK leaves, LOOP goes on to the next round. */
  const loopFlow = (flow: Flow): Flow | "next" | "break" =>
    flow === Flow.Normal || flow === Flow.Loop
      ? "next"
      : flow === Flow.Break
      ? "break"
      : flow;

  function command(c: Command, labels: Map<string, Command>): Compiled {
    const sub = (inner: Command) => command(inner, labels);
    switch (c.kind) {
      case "assign": {
        const value = expr(c.value, labels);
        const store = assign(c.target, labels);
        return simple(() => {
          store(value());
          return Flow.Normal;
        });
      }
      case "if": {
        const test = condition(c.test, labels);
        const body = sub(c.body).run;
        const unless = c.unless;
        return simple(() => (test() !== unless ? body() : Flow.Normal));
      }
      case "test": {
        const test = condition(c.test, labels);
        const then = sub(c.then).run;
        const otherwise = sub(c.else).run;
        return simple(() => (test() ? then() : otherwise()));
      }
      case "while": {
        const test = condition(c.test, labels);
        const body = sub(c.body).run;
        const until = c.until;
        return simple(() => {
          while (test() !== until) {
            const flow = loopFlow(body());
            if (flow === "break") break;
            if (flow !== "next") return flow;
          }
          return Flow.Normal;
        });
      }
      case "repeat": {
        const test = c.test ? condition(c.test, labels) : () => !c.until;
        const body = sub(c.body).run;
        const until = c.until;
        return simple(() => {
          do {
            const flow = loopFlow(body());
            if (flow === "break") break;
            if (flow !== "next") return flow;
          } while (test() !== until);
          return Flow.Normal;
        });
      }
      case "for": {
        const from = expr(c.from, labels);
        const to = expr(c.to, labels);
        const body = sub(c.body).run;
        const [slot, limitSlot, by] = [c.slot!, c.limitSlot!, c.by];
        return simple(() => {
          memory[fp + slot] = from();
          memory[fp + limitSlot] = to();
          while (
            by > 0n
              ? memory[fp + slot] <= memory[fp + limitSlot]
              : memory[fp + slot] >= memory[fp + limitSlot]
          ) {
            const flow = loopFlow(body());
            if (flow === "break") break;
            if (flow !== "next") return flow;
            memory[fp + slot] = wrap(memory[fp + slot] + by);
          }
          return Flow.Normal;
        });
      }
      case "switchon": {
        const value = expr(c.value, labels);
        const body = sub(c.body);
        const cases = new Map(
          c.cases!.map(({ value, command }) => [value, command as Command]),
        );
        const otherwise = c.default;
        return simple(() => {
          const target = cases.get(value()) ?? otherwise;
          if (target === undefined) return Flow.Normal;
          if (!body.labels.has(target)) unreachable();
          const flow = body.enter(target);
          return flow === Flow.Endcase ? Flow.Normal : flow;
        });
      }
      case "case":
      case "default":
      case "labelled": {
        const body = sub(c.body);
        const labels = new Set([c, ...body.labels]);
        return {
          run: body.run,
          labels,
          enter: (target) => target === c ? body.run() : body.enter(target),
        };
      }
      case "goto": {
        const target = labels.get(c.name)!;
        return simple(() => {
          jumpTarget = target;
          return Flow.Jump;
        });
      }
      case "resultis": {
        const value = expr(c.value, labels);
        return simple(() => {
          result = value();
          return Flow.Result;
        });
      }
      case "return":
        return simple(() => Flow.Return);
      case "break":
        return simple(() => Flow.Break);
      case "loop":
        return simple(() => Flow.Loop);
      case "endcase":
        return simple(() => Flow.Endcase);
      case "finish":
        return simple(() => {
          throw new BcplStop(0n);
        });
      case "call": {
        const value = expr(c.call, labels);
        return simple(() => (value(), Flow.Normal));
      }
      case "block": {
        const body = c.body.map(sub);
        const owned = new Set<Command>();
        for (const child of body) {
          for (const label of child.labels) owned.add(label);
        }
        // Runs the block from child `first`; a jump to one of its labels
        // starts it again there.
        const from = (first: number, target?: Command): Flow => {
          let index = first;
          let entering = target;
          while (index < body.length) {
            const child = body[index];
            const flow = entering ? child.enter(entering) : child.run();
            entering = undefined;
            if (flow === Flow.Jump && owned.has(jumpTarget!)) {
              entering = jumpTarget;
              index = body.findIndex((inner) => inner.labels.has(entering!));
              continue;
            }
            if (flow !== Flow.Normal) return flow;
            index++;
          }
          return Flow.Normal;
        };
        return {
          run: () => from(0),
          labels: owned,
          enter: (target) =>
            from(body.findIndex((inner) => inner.labels.has(target)), target),
        };
      }
      case "let": {
        const value = expr(c.value, labels);
        const slot = c.slot!;
        return simple(() => {
          memory[fp + slot] = value();
          return Flow.Normal;
        });
      }
      case "vec": {
        const [slot, vectorSlot] = [c.slot!, c.vectorSlot!];
        return simple(() => {
          memory[fp + slot] = BigInt(fp + vectorSlot);
          return Flow.Normal;
        });
      }
    }
  }

  try {
    return compileFunction(start)([]);
  } catch (error) {
    if (error instanceof BcplStop) return error.code;
    // No live frame took it.
    if (error instanceof LongJump) throw new BcplRuntimeError("longjump");
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

/** A longjump on its way to the frame it names. */
class LongJump {
  constructor(readonly frame: bigint, readonly target: Command) {}
}

/** A field's shift, and its mask (before shifting). */
export function fieldBits(selector: Selector): [bigint, bigint] {
  const width = selector.length === 0 ? 64 - selector.shift : selector.length;
  return [BigInt(selector.shift), (1n << BigInt(width)) - 1n];
}
