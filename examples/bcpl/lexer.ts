/**
 * BCPL tokens. Each token knows whether a line break came before it: BCPL
 * lets a line break stand for the `;` between two commands.
 *
 * @module
 */

/** Where a token starts. */
export interface Position {
  line: number;
  column: number;
}

/** A lexical token. */
export interface Token {
  kind: "name" | "keyword" | "number" | "string" | "symbol" | "end";
  text: string;
  /** Numbers and character constants: their value. */
  value?: bigint;
  /** Strings: their bytes, escapes resolved. */
  bytes?: Uint8Array;
  position: Position;
  /** Whether a line break came between this token and the previous one. */
  newline: boolean;
}

/** A BCPL compile-time error with its position. */
export class BcplError extends Error {
  /**
   * @param message What is wrong.
   * @param position Where, if known.
   * @param file The source file's name.
   */
  constructor(
    message: string,
    readonly position?: Position,
    readonly file = "<source>",
  ) {
    super(
      position
        ? `${file}:${position.line}:${position.column}: ${message}`
        : `${file}: ${message}`,
    );
    this.name = "BcplError";
  }
}

const KEYWORDS = new Set([
  "LET",
  "AND",
  "BE",
  "MANIFEST",
  "IF",
  "UNLESS",
  "DO",
  "THEN",
  "TEST",
  "ELSE",
  "OR",
  "WHILE",
  "UNTIL",
  "FOR",
  "TO",
  "BY",
  "RESULTIS",
  "RETURN",
  "BREAK",
  "VALOF",
  "VEC",
  "TRUE",
  "FALSE",
  "REM",
  "MOD",
  "SECTION",
  "NEEDS",
  "GET",
  "GLOBAL",
  "STATIC",
  "SWITCHON",
  "INTO",
  "CASE",
  "DEFAULT",
  "ENDCASE",
  "REPEAT",
  "REPEATWHILE",
  "REPEATUNTIL",
  "LOOP",
  "GOTO",
  "FINISH",
  "NOT",
  "EQV",
  "NEQV",
  "XOR",
  "LOGAND",
  "LOGOR",
  "ABS",
  "TABLE",
  "SLCT",
  "OF",
]);

// Longest first, so that ":=" wins over ":".
const SYMBOLS = [
  ":=",
  "->",
  "~=",
  "<=",
  ">=",
  "<<",
  ">>",
  "$(",
  "$)",
  "(",
  ")",
  "{",
  "}",
  ",",
  ";",
  "!",
  "=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "&",
  "|",
  "~",
  "@",
  "%",
  ":",
  "?",
];

/** `*x` escapes in strings and character constants. */
const ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  s: 32,
  b: 8,
  c: 13,
  p: 12,
  e: 27,
  "*": 42,
  "'": 39,
  '"': 34,
};

/**
 * Splits BCPL source into tokens.
 *
 * @param source The program text.
 * @param file Its name, for error messages.
 * @returns The tokens, ending with an `end` token.
 * @throws {BcplError} For a character that starts no token.
 */
export function tokenize(source: string, file = "<source>"): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  let newline = true;
  const position = (): Position => ({ line, column: index - lineStart + 1 });
  const fail = (message: string, at = position()): never => {
    throw new BcplError(message, at, file);
  };
  // Numbers up to 2^64 - 1 are words, read as two's complement (#xFF...FF is -1).
  const word = (value: bigint, text: string, at: Position): bigint =>
    value < 2n ** 64n
      ? BigInt.asIntN(64, value)
      : fail(`${text} does not fit in a 64-bit word`, at);

  while (index < source.length) {
    const char = source[index];
    if (char === "\n") {
      index++;
      line++;
      lineStart = index;
      newline = true;
      continue;
    }
    if (char === " " || char === "\t" || char === "\r") {
      index++;
      continue;
    }
    if (source.startsWith("//", index)) {
      while (index < source.length && source[index] !== "\n") index++;
      continue;
    }
    if (source.startsWith("/*", index)) {
      const end = source.indexOf("*/", index + 2);
      if (end < 0) fail("unterminated /* comment");
      for (; index < end + 2; index++) {
        if (source[index] === "\n") {
          line++;
          lineStart = index + 1;
          newline = true;
        }
      }
      continue;
    }
    const start = position();
    const push = (token: Omit<Token, "position" | "newline">): void => {
      tokens.push({ ...token, position: start, newline });
      newline = false;
    };
    if (/[A-Za-z_]/.test(char)) {
      let end = index;
      while (end < source.length && /[A-Za-z0-9_.]/.test(source[end])) end++;
      const text = source.slice(index, end);
      index = end;
      push({ kind: KEYWORDS.has(text) ? "keyword" : "name", text });
      continue;
    }
    if (/[0-9]/.test(char)) {
      let end = index;
      // Digits may be grouped with _ (1_000_000).
      while (end < source.length && /[0-9_]/.test(source[end])) end++;
      const text = source.slice(index, end);
      index = end;
      const value = BigInt(text.replaceAll("_", ""));
      push({ kind: "number", text, value: word(value, text, start) });
      continue;
    }
    if (char === "#") {
      const radixChar = source[index + 1];
      const radix = radixChar === "x" || radixChar === "X"
        ? 16
        : radixChar === "b" || radixChar === "B"
        ? 2
        : radixChar === "o" || radixChar === "O"
        ? 8
        : 0;
      let end = index + (radix === 0 ? 1 : 2);
      const digits = radix === 16
        ? /[0-9a-fA-F]/
        : radix === 2
        ? /[01]/
        : /[0-7]/;
      const first = end;
      while (
        end < source.length &&
        (digits.test(source[end]) || (end > first && source[end] === "_"))
      ) end++;
      if (end === first) fail("expected digits after #");
      const text = source.slice(index, end);
      const prefix = radix === 16 ? "0x" : radix === 2 ? "0b" : "0o";
      const value = BigInt(
        prefix + source.slice(first, end).replaceAll("_", ""),
      );
      push({ kind: "number", text, value: word(value, text, start) });
      index = end;
      continue;
    }
    if (char === "'" || char === '"') {
      const bytes: number[] = [];
      let end = index + 1;
      while (true) {
        if (end >= source.length || source[end] === "\n") {
          fail(
            char === "'"
              ? "unterminated character constant"
              : "unterminated string",
          );
        }
        const c = source[end];
        if (c === char) break;
        if (c === "*") {
          const escaped = ESCAPES[source[end + 1]];
          if (escaped === undefined) fail(`unknown escape *${source[end + 1]}`);
          bytes.push(escaped);
          end += 2;
          continue;
        }
        bytes.push(...new TextEncoder().encode(c));
        end++;
      }
      const text = source.slice(index, end + 1);
      index = end + 1;
      if (char === "'") {
        if (bytes.length !== 1) {
          fail("a character constant holds one character", start);
        }
        push({ kind: "number", text, value: BigInt(bytes[0]) });
      } else {
        push({ kind: "string", text, bytes: Uint8Array.from(bytes) });
      }
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, index));
    if (symbol === undefined) {
      fail(`unexpected character ${JSON.stringify(char)}`);
    }
    index += symbol!.length;
    push({ kind: "symbol", text: symbol! });
  }
  tokens.push({
    kind: "end",
    text: "end of file",
    position: position(),
    newline: true,
  });
  return tokens;
}
