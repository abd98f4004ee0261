/**
 * BCPL source to a syntax tree, with BCPL's operator precedence (high to
 * low): calls and `!` subscription; unary `!`; `* / REM`; `+ -`; the
 * relations; `<< >>`; `~`; `&`; `|`; `->`.
 *
 * @module
 */

import type { BinaryOp, Command, Expr, FunctionDecl, Program } from "./ast.ts";
import { BcplError, type Position, type Token, tokenize } from "./lexer.ts";

/** Parses a program; MANIFEST constants are folded into the tree. */
export function parse(source: string, file = "<source>"): Program {
  return new Parser(tokenize(source, file), file).program();
}

const COMMAND_KEYWORDS = new Set([
  "IF",
  "UNLESS",
  "TEST",
  "WHILE",
  "UNTIL",
  "FOR",
  "RESULTIS",
  "RETURN",
  "BREAK",
]);

const RELATION_SYMBOLS = ["=", "~=", "<", "<=", ">", ">="];

class Parser {
  #index = 0;
  readonly #manifests = new Map<string, bigint>();

  constructor(readonly tokens: Token[], readonly file: string) {}

  program(): Program {
    const functions: FunctionDecl[] = [];
    while (!this.#at("end")) {
      if (this.#acceptKeyword("MANIFEST")) {
        this.#manifest();
      } else if (this.#acceptKeyword("LET")) {
        functions.push(this.#function());
        while (this.#acceptKeyword("AND")) functions.push(this.#function());
      } else {
        this.#fail("expected LET or MANIFEST");
      }
      this.#acceptSymbol(";");
    }
    return { functions, file: this.file };
  }

  #manifest(): void {
    const close = this.#open();
    while (!this.#atSymbol(close)) {
      if (this.#at("end")) this.#fail(`expected ${close} to close MANIFEST`);
      const name = this.#name();
      this.#expectSymbol("=");
      const value = this.#constant(this.#expression());
      this.#manifests.set(name.text, value);
      if (
        !this.#acceptSymbol(";") && !this.#peek().newline &&
        !this.#atSymbol(close)
      ) {
        this.#fail("expected ; between manifest constants");
      }
    }
    this.#expectSymbol(close);
  }

  #function(): FunctionDecl {
    const name = this.#name();
    this.#expectSymbol("(");
    const params: string[] = [];
    if (!this.#atSymbol(")")) {
      do params.push(this.#name().text); while (this.#acceptSymbol(","));
    }
    this.#expectSymbol(")");
    if (this.#acceptSymbol("=")) {
      return {
        name: name.text,
        params,
        body: { kind: "expression", value: this.#expression() },
        position: name.position,
      };
    }
    if (this.#acceptKeyword("BE")) {
      return {
        name: name.text,
        params,
        body: { kind: "routine", body: this.#command() },
        position: name.position,
      };
    }
    return this.#fail("expected = or BE after the parameters");
  }

  // Commands

  #command(): Command {
    const token = this.#peek();
    const position = token.position;
    if (token.kind === "keyword") {
      switch (token.text) {
        case "IF":
        case "UNLESS": {
          this.#next();
          const test = this.#expression();
          this.#expectDo("DO", "THEN");
          return {
            kind: "if",
            test,
            body: this.#command(),
            unless: token.text === "UNLESS",
            position,
          };
        }
        case "TEST": {
          this.#next();
          const test = this.#expression();
          this.#expectKeyword("THEN", "DO");
          const then = this.#command();
          this.#expectKeyword("ELSE", "OR");
          return { kind: "test", test, then, else: this.#command(), position };
        }
        case "WHILE":
        case "UNTIL": {
          this.#next();
          const test = this.#expression();
          this.#expectDo("DO");
          return {
            kind: "while",
            test,
            body: this.#command(),
            until: token.text === "UNTIL",
            position,
          };
        }
        case "FOR": {
          this.#next();
          const name = this.#name().text;
          this.#expectSymbol("=");
          const from = this.#expression();
          this.#expectKeyword("TO");
          const to = this.#expression();
          const by = this.#acceptKeyword("BY")
            ? this.#constant(this.#expression())
            : 1n;
          if (by === 0n) {
            this.#fail("the step of a FOR loop cannot be 0", position);
          }
          this.#expectDo("DO");
          return {
            kind: "for",
            name,
            from,
            to,
            by,
            body: this.#command(),
            position,
          };
        }
        case "RESULTIS":
          this.#next();
          return { kind: "resultis", value: this.#expression(), position };
        case "RETURN":
          this.#next();
          return { kind: "return", position };
        case "BREAK":
          this.#next();
          return { kind: "break", position };
        case "LET":
          return this.#fail("a local LET must be one of a block's commands");
      }
    }
    if (this.#atSymbol("{") || this.#atSymbol("$(")) return this.#block();
    const target = this.#expression();
    if (this.#acceptSymbol(":=")) {
      if (!isAssignable(target)) {
        this.#fail(
          "only a name, !e or v!i can be assigned to",
          target.position,
        );
      }
      return { kind: "assign", target, value: this.#expression(), position };
    }
    if (target.kind === "call") return { kind: "call", call: target, position };
    return this.#fail(
      "expected a command (an assignment, a call, IF, WHILE, ...)",
      position,
    );
  }

  /** `LET a, b = x, y` (a list of lets) or `LET v = VEC n`. */
  #local(): Command[] {
    const position = this.#next().position;
    const names = [this.#name()];
    while (this.#acceptSymbol(",")) names.push(this.#name());
    this.#expectSymbol("=");
    if (this.#acceptKeyword("VEC")) {
      if (names.length !== 1) this.#fail("one VEC per LET", position);
      const size = this.#constant(this.#expression());
      if (size < 0n || size > 1_000_000n) {
        this.#fail("VEC size must be a constant 0..1000000", position);
      }
      return [{ kind: "vec", name: names[0].text, size, position }];
    }
    const values = [this.#expression()];
    while (this.#acceptSymbol(",")) values.push(this.#expression());
    if (values.length !== names.length) {
      this.#fail(`${names.length} names but ${values.length} values`, position);
    }
    return names.map((name, index) => ({
      kind: "let",
      name: name.text,
      value: values[index],
      position: name.position,
    }));
  }

  #block(): Command {
    const position = this.#peek().position;
    const close = this.#open();
    const body: Command[] = [];
    while (!this.#atSymbol(close)) {
      if (this.#at("end")) {
        this.#fail(`expected ${close} to close the block at ${at(position)}`);
      }
      if (this.#atKeyword("LET")) body.push(...this.#local());
      else body.push(this.#command());
      if (this.#acceptSymbol(";")) {
        while (this.#acceptSymbol(";"));
        continue;
      }
      if (this.#atSymbol(close) || this.#peek().newline) continue;
      this.#fail(`expected ; or ${close}`);
    }
    this.#expectSymbol(close);
    return { kind: "block", body, position };
  }

  #open(): string {
    if (this.#acceptSymbol("{")) return "}";
    if (this.#acceptSymbol("$(")) return "$)";
    return this.#fail("expected { or $(");
  }

  // Expressions, lowest precedence first

  #expression(): Expr {
    const test = this.#or();
    if (!this.#atSymbol("->")) return test;
    const position = this.#next().position;
    const then = this.#expression();
    this.#expectSymbol(",");
    return {
      kind: "conditional",
      test,
      then,
      else: this.#expression(),
      position,
    };
  }

  #or(): Expr {
    let left = this.#and();
    while (this.#atBinary("|")) left = this.#binary(left, () => this.#and());
    return left;
  }

  #and(): Expr {
    let left = this.#not();
    while (this.#atBinary("&")) left = this.#binary(left, () => this.#not());
    return left;
  }

  #not(): Expr {
    if (this.#atSymbol("~")) {
      const position = this.#next().position;
      return { kind: "unary", op: "~", operand: this.#not(), position };
    }
    return this.#shift();
  }

  #shift(): Expr {
    let left = this.#relation();
    while (this.#atBinary("<<") || this.#atBinary(">>")) {
      left = this.#binary(left, () => this.#relation());
    }
    return left;
  }

  #relation(): Expr {
    const left = this.#additive();
    if (!RELATION_SYMBOLS.some((s) => this.#atBinary(s))) return left;
    const relation = this.#binary(left, () => this.#additive());
    if (RELATION_SYMBOLS.some((s) => this.#atBinary(s))) {
      this.#fail("relations cannot be chained here (write a < b & b < c)");
    }
    return relation;
  }

  #additive(): Expr {
    let left: Expr;
    if (this.#atSymbol("-") || this.#atSymbol("+")) {
      const token = this.#next();
      const operand = this.#multiplicative();
      left = token.text === "-"
        ? { kind: "unary", op: "-", operand, position: token.position }
        : operand;
    } else {
      left = this.#multiplicative();
    }
    while (this.#atBinary("+") || this.#atBinary("-")) {
      left = this.#binary(left, () => this.#multiplicative());
    }
    return left;
  }

  #multiplicative(): Expr {
    let left = this.#indirection();
    while (
      this.#atBinary("*") || this.#atBinary("/") || this.#atKeyword("REM")
    ) {
      left = this.#binary(left, () => this.#indirection());
    }
    return left;
  }

  #indirection(): Expr {
    const token = this.#peek();
    if (
      token.kind === "symbol" &&
      (token.text === "!" || token.text === "-" || token.text === "~" ||
        token.text === "+")
    ) {
      this.#next();
      const operand = this.#indirection();
      if (token.text === "+") return operand;
      return {
        kind: "unary",
        op: token.text as "!" | "-" | "~",
        operand,
        position: token.position,
      };
    }
    return this.#postfix();
  }

  /** A primary with calls and `!` subscripts, which bind tightest. */
  #postfix(): Expr {
    let expr = this.#primary();
    for (;;) {
      const token = this.#peek();
      // At the start of a line, ( and ! begin the next command instead.
      if (token.kind !== "symbol" || token.newline) return expr;
      if (token.text === "(" && expr.kind === "name") {
        this.#next();
        const args: Expr[] = [];
        if (!this.#atSymbol(")")) {
          do args.push(this.#expression()); while (this.#acceptSymbol(","));
        }
        this.#expectSymbol(")");
        expr = { kind: "call", name: expr.name, args, position: expr.position };
      } else if (token.text === "!") {
        this.#next();
        const right = this.#primaryWithCalls();
        expr = {
          kind: "binary",
          op: "!",
          left: expr,
          right,
          position: token.position,
        };
      } else {
        return expr;
      }
    }
  }

  #primaryWithCalls(): Expr {
    const expr = this.#primary();
    if (expr.kind === "name" && this.#atSymbol("(") && !this.#peek().newline) {
      this.#next();
      const args: Expr[] = [];
      if (!this.#atSymbol(")")) {
        do args.push(this.#expression()); while (this.#acceptSymbol(","));
      }
      this.#expectSymbol(")");
      return { kind: "call", name: expr.name, args, position: expr.position };
    }
    return expr;
  }

  #primary(): Expr {
    const token = this.#peek();
    const position = token.position;
    if (token.kind !== "end") this.#next();
    switch (token.kind) {
      case "number":
        return { kind: "number", value: token.value!, position };
      case "string":
        return { kind: "string", bytes: token.bytes!, position };
      case "name": {
        const constant = this.#manifests.get(token.text);
        return constant === undefined
          ? { kind: "name", name: token.text, position }
          : { kind: "number", value: constant, position };
      }
      case "keyword":
        if (token.text === "TRUE") {
          return { kind: "number", value: -1n, position };
        }
        if (token.text === "FALSE") {
          return { kind: "number", value: 0n, position };
        }
        if (token.text === "VALOF") {
          return { kind: "valof", body: this.#command(), position };
        }
        break;
      case "symbol":
        if (token.text === "(") {
          const inner = this.#expression();
          this.#expectSymbol(")");
          return inner;
        }
        break;
    }
    if (token.kind !== "end") this.#index--;
    return this.#fail("expected an expression");
  }

  #binary(left: Expr, right: () => Expr): Expr {
    const token = this.#next();
    return {
      kind: "binary",
      op: token.text as BinaryOp,
      left,
      right: right(),
      position: token.position,
    };
  }

  /** A compile-time constant: numbers and operators on them. */
  #constant(expr: Expr): bigint {
    const value = fold(expr);
    if (value === undefined) this.#fail("expected a constant", expr.position);
    return value!;
  }

  // Tokens

  #peek(): Token {
    return this.tokens[this.#index];
  }

  #next(): Token {
    const token = this.tokens[this.#index];
    if (token.kind !== "end") this.#index++;
    return token;
  }

  #at(kind: Token["kind"]): boolean {
    return this.#peek().kind === kind;
  }

  #atSymbol(text: string): boolean {
    const token = this.#peek();
    return token.kind === "symbol" && token.text === text;
  }

  /** A binary operator that continues the expression (same line or not). */
  #atBinary(text: string): boolean {
    return this.#atSymbol(text);
  }

  #atKeyword(text: string): boolean {
    const token = this.#peek();
    return token.kind === "keyword" && token.text === text;
  }

  #acceptSymbol(text: string): boolean {
    if (!this.#atSymbol(text)) return false;
    this.#next();
    return true;
  }

  #acceptKeyword(text: string): boolean {
    if (!this.#atKeyword(text)) return false;
    this.#next();
    return true;
  }

  #expectSymbol(text: string): void {
    if (!this.#acceptSymbol(text)) this.#fail(`expected ${text}`);
  }

  #expectKeyword(...texts: string[]): void {
    if (!texts.some((text) => this.#acceptKeyword(text))) {
      this.#fail(`expected ${texts.join(" or ")}`);
    }
  }

  /** BCPL lets `DO` and `THEN` be left out before a command keyword. */
  #expectDo(...texts: string[]): void {
    const token = this.#peek();
    if (token.kind === "keyword" && COMMAND_KEYWORDS.has(token.text)) {
      this.#acceptKeyword(texts[0]);
      return;
    }
    this.#expectKeyword(...texts);
  }

  #name(): Token {
    const token = this.#peek();
    if (token.kind !== "name") this.#fail("expected a name");
    return this.#next();
  }

  #fail(message: string, position?: Position): never {
    const token = this.#peek();
    const found = token.kind === "end"
      ? "end of file"
      : JSON.stringify(token.text);
    throw new BcplError(
      position ? message : `${message}, found ${found}`,
      position ?? token.position,
      this.file,
    );
  }
}

function at(position: Position): string {
  return `${position.line}:${position.column}`;
}

function isAssignable(expr: Expr): boolean {
  return expr.kind === "name" ||
    (expr.kind === "unary" && expr.op === "!") ||
    (expr.kind === "binary" && expr.op === "!");
}

/** Folds a constant expression, or gives undefined. */
export function fold(expr: Expr): bigint | undefined {
  switch (expr.kind) {
    case "number":
      return expr.value;
    case "unary": {
      const value = fold(expr.operand);
      if (value === undefined || expr.op === "!") return undefined;
      return BigInt.asIntN(64, expr.op === "-" ? -value : ~value);
    }
    case "binary": {
      const left = fold(expr.left);
      const right = fold(expr.right);
      if (left === undefined || right === undefined) return undefined;
      switch (expr.op) {
        case "+":
          return BigInt.asIntN(64, left + right);
        case "-":
          return BigInt.asIntN(64, left - right);
        case "*":
          return BigInt.asIntN(64, left * right);
        case "<<":
          return BigInt.asIntN(64, left << (right & 63n));
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}
