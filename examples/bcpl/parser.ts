/**
 * BCPL source to a syntax tree, with BCPL's operator precedence (high to
 * low): calls, `!` and `%` subscription and `OF`; prefix `!` and `@`;
 * `* / REM MOD`; `+ - ABS`; the relations; `<< >>`; `~ NOT`; `& LOGAND`;
 * `| LOGOR`; `EQV NEQV XOR`; `->`.
 *
 * @module
 */

import type {
  BinaryOp,
  Command,
  Expr,
  FunctionDecl,
  GlobalDecl,
  Program,
  Selector,
  StaticDecl,
} from "./ast.ts";
import { BcplError, type Position, type Token, tokenize } from "./lexer.ts";

/** What `GET "name"` reads: the header's text, or undefined if none. */
export type HeaderReader = (name: string) => string | undefined;

/** Parses several sources into one program, in order, sharing names. */
export class ProgramParser {
  readonly #manifests = new Map<string, bigint>();
  readonly program: Program;

  /**
   * @param file The main file's name, for messages.
   * @param readHeader What `GET` reads.
   */
  constructor(file: string, readonly readHeader: HeaderReader) {
    this.program = { functions: [], globals: [], statics: [], file };
  }

  /**
   * Parses one source into the program.
   *
   * @param source The text.
   * @param file Its name, for messages.
   * @param library Whether its functions are the runtime library's.
   */
  add(source: string, file: string, library = false): void {
    new Parser(
      tokenize(source, file),
      file,
      this.#manifests,
      this.program,
      this.readHeader,
      library,
    ).declarations();
  }
}

/**
 * Parses a program on its own: MANIFEST constants are folded into the
 * tree; `GET` finds nothing.
 */
export function parse(source: string, file = "<source>"): Program {
  const parser = new ProgramParser(file, () => undefined);
  parser.add(source, file);
  return parser.program;
}

const COMMAND_KEYWORDS = new Set([
  "LOOP",
  "ENDCASE",
  "FINISH",
  "GOTO",
  "SWITCHON",
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
  /** Inside the parts of a SLCT, which an OF ends. */
  #selecting = 0;
  /**
   * Names declared inside functions, innermost scope last: a local or
   * parameter (which hides a manifest of the same name), a block's
   * manifest, or a block's static (renamed, so that each block has its
   * own).
   */
  #scopes: Map<
    string,
    { kind: "local" } | { kind: "manifest"; value: bigint } | {
      kind: "static";
      name: string;
    }
  >[] = [];
  static #statics = 0;
  /** The GET headers already read, so that each is read once. */
  static readonly #got = new WeakMap<Program, Set<string>>();

  constructor(
    public tokens: Token[],
    readonly file: string,
    readonly manifests: Map<string, bigint>,
    readonly program: Program,
    readonly readHeader: HeaderReader,
    readonly library: boolean,
  ) {}

  declarations(): void {
    while (!this.#at("end")) {
      if (this.#acceptKeyword("MANIFEST")) this.#manifest();
      else if (this.#acceptKeyword("GLOBAL")) this.#global();
      else if (this.#acceptKeyword("STATIC")) this.#static();
      else if (this.#atKeyword("SECTION") || this.#atKeyword("NEEDS")) {
        // One program is one section here: the names are accepted.
        this.#next();
        this.#string();
      } else if (this.#atKeyword("GET")) this.#get();
      else if (this.#acceptKeyword("LET")) {
        this.#addFunction(this.#function());
        while (this.#acceptKeyword("AND")) {
          this.#addFunction(this.#function());
        }
      } else {
        this.#fail("expected LET, MANIFEST, GLOBAL, STATIC, GET or SECTION");
      }
      while (this.#acceptSymbol(";"));
    }
  }

  #addFunction(fn: FunctionDecl): void {
    if (this.library) fn.library = true;
    this.program.functions.push(fn);
  }

  /** `GET "name"`: the header's tokens take the place of the GET. */
  #get(): void {
    const position = this.#next().position;
    const name = new TextDecoder().decode(this.#string());
    let got = Parser.#got.get(this.program);
    if (got === undefined) Parser.#got.set(this.program, got = new Set());
    if (got.has(name)) return;
    const text = this.readHeader(name);
    if (text === undefined) this.#fail(`cannot GET "${name}"`, position);
    got.add(name);
    const inserted = tokenize(text!, name).slice(0, -1);
    this.tokens = [
      ...this.tokens.slice(0, this.#index),
      ...inserted,
      ...this.tokens.slice(this.#index),
    ];
  }

  #string(): Uint8Array {
    const token = this.#peek();
    if (token.kind !== "string") this.#fail("expected a string");
    this.#next();
    return token.bytes!;
  }

  /**
   * The items of MANIFEST, GLOBAL and STATIC: `name = k` (or `name : k`
   * in GLOBAL); a name without a value takes the previous value + 1.
   */
  #items(
    what: string,
    separator: string,
    add: (name: Token, value: bigint) => void,
  ): void {
    const close = this.#open();
    let next = 0n;
    while (!this.#atSymbol(close)) {
      if (this.#at("end")) this.#fail(`expected ${close} to close ${what}`);
      const name = this.#name();
      let value = next;
      if (this.#acceptSymbol(separator)) {
        value = this.#constant(this.#expression());
      } else if (what === "STATIC") {
        this.#fail(`expected ${separator} after ${name.text}`);
      }
      add(name, value);
      next = value + 1n;
      if (
        !this.#acceptSymbol(";") && !this.#acceptSymbol(",") &&
        !this.#peek().newline && !this.#atSymbol(close)
      ) {
        this.#fail(`expected ; between the items of ${what}`);
      }
    }
    this.#expectSymbol(close);
  }

  #manifest(): void {
    this.#items("MANIFEST", "=", (name, value) => {
      const scope = this.#scopes.at(-1);
      if (scope) scope.set(name.text, { kind: "manifest", value });
      else this.manifests.set(name.text, value);
    });
  }

  #global(): void {
    this.#items("GLOBAL", ":", (name, value) => {
      const decl: GlobalDecl = {
        name: name.text,
        number: Number(value),
        position: name.position,
      };
      this.program.globals.push(decl);
    });
  }

  #static(): void {
    this.#items("STATIC", "=", (name, value) => {
      const scope = this.#scopes.at(-1);
      // A block's static is its own: named apart from every other.
      const internal = scope ? `${name.text}#${++Parser.#statics}` : name.text;
      if (scope) scope.set(name.text, { kind: "static", name: internal });
      const decl: StaticDecl = {
        name: internal,
        value,
        position: name.position,
      };
      this.program.statics.push(decl);
    });
  }

  #function(): FunctionDecl {
    // A function sees the manifests and statics of the blocks around it,
    // but not their locals (BCPL has no free variables).
    const outer = this.#scopes;
    this.#scopes = outer.map((scope) =>
      new Map([...scope].filter(([, entry]) => entry.kind !== "local"))
    );
    try {
      return this.#functionBody();
    } finally {
      this.#scopes = outer;
    }
  }

  #functionBody(): FunctionDecl {
    const name = this.#name();
    this.#expectSymbol("(");
    const params: string[] = [];
    if (!this.#atSymbol(")")) {
      do params.push(this.#name().text); while (this.#acceptSymbol(","));
    }
    this.#expectSymbol(")");
    this.#scopes.push(
      new Map(params.map((param) => [param, { kind: "local" as const }])),
    );
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
    let command = this.#simpleCommand();
    // c REPEAT, c REPEATWHILE e, c REPEATUNTIL e bind to the command
    // before them, and may follow one another.
    for (;;) {
      const position = this.#peek().position;
      if (this.#acceptKeyword("REPEAT")) {
        command = { kind: "repeat", body: command, until: false, position };
      } else if (this.#acceptKeyword("REPEATWHILE")) {
        const test = this.#expression();
        command = {
          kind: "repeat",
          body: command,
          test,
          until: false,
          position,
        };
      } else if (this.#acceptKeyword("REPEATUNTIL")) {
        const test = this.#expression();
        command = {
          kind: "repeat",
          body: command,
          test,
          until: true,
          position,
        };
      } else {
        return command;
      }
    }
  }

  #simpleCommand(): Command {
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
          this.#expectDo("THEN", "DO");
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
          this.#scopes.push(new Map([[name, { kind: "local" }]]));
          let body: Command;
          try {
            body = this.#command();
          } finally {
            this.#scopes.pop();
          }
          return { kind: "for", name, from, to, by, body, position };
        }
        case "SWITCHON": {
          this.#next();
          const value = this.#expression();
          this.#expectKeyword("INTO");
          return { kind: "switchon", value, body: this.#command(), position };
        }
        case "CASE": {
          this.#next();
          const value = this.#constant(this.#expression());
          this.#expectSymbol(":");
          return { kind: "case", value, body: this.#labelled(), position };
        }
        case "DEFAULT":
          this.#next();
          this.#expectSymbol(":");
          return { kind: "default", body: this.#labelled(), position };
        case "GOTO":
          this.#next();
          return { kind: "goto", name: this.#name().text, position };
        case "RESULTIS":
          this.#next();
          return { kind: "resultis", value: this.#expression(), position };
        case "RETURN":
          this.#next();
          return { kind: "return", position };
        case "BREAK":
          this.#next();
          return { kind: "break", position };
        case "LOOP":
          this.#next();
          return { kind: "loop", position };
        case "ENDCASE":
          this.#next();
          return { kind: "endcase", position };
        case "FINISH":
          this.#next();
          return { kind: "finish", position };
        case "LET":
          return this.#fail("a local LET must be one of a block's commands");
      }
    }
    if (this.#atSymbol("{") || this.#atSymbol("$(")) return this.#block();
    // name: labels the command after it.
    const after = this.tokens[this.#index + 1];
    if (
      token.kind === "name" && after.kind === "symbol" && after.text === ":"
    ) {
      this.#next();
      this.#next();
      return {
        kind: "labelled",
        name: token.text,
        body: this.#labelled(),
        position,
      };
    }
    const targets = [this.#expression()];
    while (this.#acceptSymbol(",")) targets.push(this.#expression());
    if (this.#acceptSymbol(":=")) {
      for (const target of targets) {
        if (!isAssignable(target)) {
          this.#fail(
            "only a name, !e, v!i, s%i or a field can be assigned to",
            target.position,
          );
        }
      }
      const values = [this.#expression()];
      while (this.#acceptSymbol(",")) values.push(this.#expression());
      if (values.length !== targets.length) {
        this.#fail(
          `${targets.length} places but ${values.length} values`,
          position,
        );
      }
      if (targets.length === 1) {
        return {
          kind: "assign",
          target: targets[0],
          value: values[0],
          position,
        };
      }
      return {
        kind: "block",
        body: targets.map((target, index) => ({
          kind: "assign",
          target,
          value: values[index],
          position: target.position,
        })),
        position,
      };
    }
    if (targets.length === 1 && targets[0].kind === "call") {
      return { kind: "call", call: targets[0], position };
    }
    return this.#fail(
      "expected a command (an assignment, a call, IF, WHILE, ...)",
      position,
    );
  }

  /**
   * The command a label (`CASE k:`, `DEFAULT:`, `name:`) is on: none
   * before the end of a block or a `;`.
   */
  #labelled(): Command {
    const position = this.#peek().position;
    if (this.#atSymbol("}") || this.#atSymbol("$)") || this.#atSymbol(";")) {
      return { kind: "block", body: [], position };
    }
    return this.#command();
  }

  /** `LET a, b = x, y` (a list of lets) or `LET v = VEC n`. */
  #local(): Command[] {
    const position = this.#next().position;
    const after = this.tokens[this.#index + 1];
    if (after.kind === "symbol" && after.text === "(") {
      // A function defined inside another is a function of the program
      // (BCPL functions cannot see their enclosing function's locals).
      this.#addFunction(this.#function());
      while (this.#acceptKeyword("AND")) this.#addFunction(this.#function());
      return [];
    }
    const names = [this.#name()];
    while (this.#acceptSymbol(",")) names.push(this.#name());
    this.#expectSymbol("=");
    if (this.#acceptKeyword("VEC")) {
      if (names.length !== 1) this.#fail("one VEC per LET", position);
      const size = this.#constant(this.#expression());
      if (size < 0n || size > 1_000_000n) {
        this.#fail("VEC size must be a constant 0..1000000", position);
      }
      this.#declareLocals(names);
      return [{ kind: "vec", name: names[0].text, size, position }];
    }
    const values = [this.#expression()];
    while (this.#acceptSymbol(",")) values.push(this.#expression());
    if (values.length !== names.length) {
      this.#fail(`${names.length} names but ${values.length} values`, position);
    }
    this.#declareLocals(names);
    return names.map((name, index) => ({
      kind: "let",
      name: name.text,
      value: values[index],
      position: name.position,
    }));
  }

  /** Names a LET declares hide manifests from here to the block's end. */
  #declareLocals(names: Token[]): void {
    const scope = this.#scopes.at(-1);
    for (const name of names) scope?.set(name.text, { kind: "local" });
  }

  #block(): Command {
    this.#scopes.push(new Map());
    try {
      return this.#blockBody();
    } finally {
      this.#scopes.pop();
    }
  }

  #blockBody(): Command {
    const position = this.#peek().position;
    const close = this.#open();
    const body: Command[] = [];
    while (!this.#atSymbol(close)) {
      if (this.#at("end")) {
        this.#fail(`expected ${close} to close the block at ${at(position)}`);
      }
      if (this.#atKeyword("LET")) body.push(...this.#local());
      else if (this.#acceptKeyword("MANIFEST")) this.#manifest();
      else if (this.#acceptKeyword("STATIC")) this.#static();
      else if (this.#acceptKeyword("GLOBAL")) this.#global();
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
    const test = this.#equivalence();
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

  /** `EQV`, `NEQV` and `XOR`: `a EQV b` is `~(a XOR b)`. */
  #equivalence(): Expr {
    let left = this.#or();
    for (;;) {
      const token = this.#peek();
      if (
        token.kind !== "keyword" ||
        !["EQV", "NEQV", "XOR"].includes(token.text)
      ) return left;
      this.#next();
      const xor: Expr = {
        kind: "binary",
        op: "XOR",
        left,
        right: this.#or(),
        position: token.position,
      };
      left = token.text === "EQV"
        ? { kind: "unary", op: "~", operand: xor, position: token.position }
        : xor;
    }
  }

  #or(): Expr {
    let left = this.#and();
    while (this.#atBinary("|") || this.#atKeyword("LOGOR")) {
      left = this.#binary(left, () => this.#and(), "|");
    }
    return left;
  }

  #and(): Expr {
    let left = this.#not();
    while (this.#atBinary("&") || this.#atKeyword("LOGAND")) {
      left = this.#binary(left, () => this.#not(), "&");
    }
    return left;
  }

  #not(): Expr {
    if (this.#atSymbol("~") || this.#atKeyword("NOT")) {
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

  /** `a < b <= c` means `a < b & b <= c`, as in BCPL. */
  #relation(): Expr {
    const left = this.#additive();
    if (!RELATION_SYMBOLS.some((s) => this.#atBinary(s))) return left;
    let result = this.#binary(left, () => this.#additive());
    let last = result as Expr & { kind: "binary" };
    while (RELATION_SYMBOLS.some((s) => this.#atBinary(s))) {
      const next = this.#binary(last.right, () => this.#additive()) as
        & Expr
        & { kind: "binary" };
      result = {
        kind: "binary",
        op: "&",
        left: result,
        right: next,
        position: next.position,
      };
      last = next;
    }
    return result;
  }

  #additive(): Expr {
    let left: Expr;
    const token = this.#peek();
    if (
      this.#atSymbol("-") || this.#atSymbol("+") || this.#atKeyword("ABS")
    ) {
      this.#next();
      const operand = this.#multiplicative();
      left = token.text === "+" ? operand : {
        kind: "unary",
        op: token.text === "-" ? "-" : "ABS",
        operand,
        position: token.position,
      };
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
      this.#atBinary("*") || this.#atBinary("/") || this.#atKeyword("REM") ||
      this.#atKeyword("MOD")
    ) {
      const op = this.#atKeyword("MOD") ? "REM" : undefined;
      left = this.#binary(left, () => this.#indirection(), op);
    }
    return left;
  }

  #indirection(): Expr {
    const token = this.#peek();
    if (
      (token.kind === "symbol" &&
        ["!", "@", "-", "~", "+"].includes(token.text)) ||
      (token.kind === "keyword" && token.text === "ABS")
    ) {
      this.#next();
      const operand = this.#indirection();
      if (token.text === "+") return operand;
      if (token.text === "@") {
        if (!isAssignable(operand) || operand.kind === "field") {
          this.#fail(
            "@ takes a variable, !e, v!i (not a byte or a field)",
            token.position,
          );
        }
        return { kind: "address", operand, position: token.position };
      }
      return {
        kind: "unary",
        op: token.text as "!" | "-" | "~" | "ABS",
        operand,
        position: token.position,
      };
    }
    return this.#postfix();
  }

  /** A primary with calls, `!`/`%` subscripts and OF, which bind tightest. */
  #postfix(): Expr {
    let expr = this.#primary();
    for (;;) {
      const token = this.#peek();
      if (
        token.kind === "keyword" && token.text === "OF" &&
        this.#selecting === 0
      ) {
        this.#next();
        const selector = decodeSelector(this.#constant(expr));
        expr = {
          kind: "field",
          selector,
          pointer: this.#primaryWithCalls(),
          position: token.position,
        };
        continue;
      }
      // At the start of a line, ( and ! begin the next command instead.
      if (token.kind !== "symbol" || token.newline) return expr;
      if (token.text === "(") {
        expr = this.#call(expr);
      } else if (token.text === "!" || token.text === "%") {
        this.#next();
        const right = this.#primaryWithCalls();
        expr = {
          kind: "binary",
          op: token.text,
          left: expr,
          right,
          position: token.position,
        };
      } else {
        return expr;
      }
    }
  }

  #call(callee: Expr): Expr {
    this.#expectSymbol("(");
    const args: Expr[] = [];
    if (!this.#atSymbol(")")) {
      do args.push(this.#expression()); while (this.#acceptSymbol(","));
    }
    this.#expectSymbol(")");
    return { kind: "call", callee, args, position: callee.position };
  }

  /** A subscript's right operand: a primary with calls, or a signed one. */
  #primaryWithCalls(): Expr {
    const token = this.#peek();
    if (token.kind === "symbol" && (token.text === "-" || token.text === "+")) {
      this.#next();
      const operand = this.#primaryWithCalls();
      return token.text === "+"
        ? operand
        : { kind: "unary", op: "-", operand, position: token.position };
    }
    let expr = this.#primary();
    while (this.#atSymbol("(") && !this.#peek().newline) {
      expr = this.#call(expr);
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
        if (token.bytes!.length > 255) {
          this.#fail("a string holds at most 255 bytes", position);
        }
        return { kind: "string", bytes: token.bytes!, position };
      case "name": {
        for (let index = this.#scopes.length - 1; index >= 0; index--) {
          const found = this.#scopes[index].get(token.text);
          if (found === undefined) continue;
          if (found.kind === "manifest") {
            return { kind: "number", value: found.value, position };
          }
          const name = found.kind === "static" ? found.name : token.text;
          return { kind: "name", name, position };
        }
        const constant = this.manifests.get(token.text);
        return constant === undefined
          ? { kind: "name", name: token.text, position }
          : { kind: "number", value: constant, position };
      }
      case "keyword":
        switch (token.text) {
          case "TRUE":
            return { kind: "number", value: -1n, position };
          case "FALSE":
            return { kind: "number", value: 0n, position };
          case "VALOF":
            return { kind: "valof", body: this.#command(), position };
          case "TABLE": {
            const values = [this.#expression()];
            while (this.#acceptSymbol(",")) values.push(this.#expression());
            return { kind: "table", values, position };
          }
          case "SLCT": {
            // The parts end before an OF: `SLCT 8:0:0 OF p`.
            this.#selecting++;
            const parts = [this.#constant(this.#shift())];
            while (parts.length < 3 && this.#acceptSymbol(":")) {
              parts.push(this.#constant(this.#shift()));
            }
            this.#selecting--;
            // SLCT len:shift:offset, SLCT len:shift (offset 0), SLCT len.
            const [length, shift = 0n, offset = 0n] = parts;
            return {
              kind: "number",
              value: encodeSelector(length, shift, offset, position, this),
              position,
            };
          }
        }
        break;
      case "symbol":
        if (token.text === "(") {
          const inner = this.#expression();
          this.#expectSymbol(")");
          return inner;
        }
        if (token.text === "?") return { kind: "number", value: 0n, position };
        break;
    }
    if (token.kind !== "end") this.#index--;
    return this.#fail("expected an expression");
  }

  /** For the selector checks. */
  fail(message: string, position: Position): never {
    return this.#fail(message, position);
  }

  #binary(left: Expr, right: () => Expr, op?: BinaryOp): Expr {
    const token = this.#next();
    return {
      kind: "binary",
      op: op ?? token.text as BinaryOp,
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
  return expr.kind === "name" || expr.kind === "field" ||
    (expr.kind === "unary" && expr.op === "!") ||
    (expr.kind === "binary" && (expr.op === "!" || expr.op === "%"));
}

/**
 * A selector as a constant word: length in bits 48-55, shift in bits
 * 40-47, the word offset below (so `MANIFEST { f = SLCT 8:4:1 }` works).
 */
function encodeSelector(
  length: bigint,
  shift: bigint,
  offset: bigint,
  position: Position,
  parser: Parser,
): bigint {
  if (length < 0n || shift < 0n || length + shift > 64n) {
    parser.fail(
      "SLCT needs 0 <= length, shift and length + shift <= 64",
      position,
    );
  }
  if (offset < 0n || offset >= 2n ** 40n) {
    parser.fail("SLCT's offset must be 0 .. 2^40-1", position);
  }
  return (length << 48n) | (shift << 40n) | offset;
}

function decodeSelector(value: bigint): Selector {
  return {
    length: Number((value >> 48n) & 0xffn),
    shift: Number((value >> 40n) & 0xffn),
    offset: Number(value & (2n ** 40n - 1n)),
  };
}

/** Folds a constant expression, or gives undefined. */
export function fold(expr: Expr): bigint | undefined {
  switch (expr.kind) {
    case "number":
      return expr.value;
    case "conditional": {
      const test = fold(expr.test);
      if (test === undefined) return undefined;
      return fold(test !== 0n ? expr.then : expr.else);
    }
    case "unary": {
      const value = fold(expr.operand);
      if (value === undefined || expr.op === "!") return undefined;
      if (expr.op === "ABS") {
        return BigInt.asIntN(64, value < 0n ? -value : value);
      }
      return BigInt.asIntN(64, expr.op === "-" ? -value : ~value);
    }
    case "binary": {
      const left = fold(expr.left);
      const right = fold(expr.right);
      if (left === undefined || right === undefined) return undefined;
      const word = (value: bigint) => BigInt.asIntN(64, value);
      switch (expr.op) {
        case "+":
          return word(left + right);
        case "-":
          return word(left - right);
        case "*":
          return word(left * right);
        case "/":
          return right === 0n ? undefined : word(left / right);
        case "REM":
          return right === 0n ? undefined : word(left % right);
        // Shift counts are taken mod 64, as the machines do.
        case "<<":
          return word(left << (right & 63n));
        case ">>":
          return word(BigInt.asUintN(64, left) >> (right & 63n));
        case "&":
          return left & right;
        case "|":
          return left | right;
        case "XOR":
          return left ^ right;
        case "=":
          return left === right ? -1n : 0n;
        case "~=":
          return left !== right ? -1n : 0n;
        case "<":
          return left < right ? -1n : 0n;
        case "<=":
          return left <= right ? -1n : 0n;
        case ">":
          return left > right ? -1n : 0n;
        case ">=":
          return left >= right ? -1n : 0n;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}
