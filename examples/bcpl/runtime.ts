/**
 * What compiled and interpreted BCPL share at run time: output, runtime
 * errors, and the limits both enforce.
 *
 * @module
 */

/** Stack budget of a BCPL program, in bytes (native) and words (both). */
export const STACK_BYTES = 1024 * 1024;
/** The same budget in 64-bit words. */
export const STACK_WORDS = STACK_BYTES / 8;

/** What a stack error says about the limit that was reached. */
export const STACK_DETAIL = "1 MiB of BCPL stack used";

/** Runtime calls from native code: `callback(operation, value)`. */
export const enum RuntimeOp {
  Wrch = 2,
  /** Returns the next input byte, or `endstreamch` (-1). */
  Rdch = 4,
}

/** Status codes native code returns through its entry stub. */
export const enum Status {
  Ok = 0,
  Division = 1,
  Remainder = 2,
  Stack = 3,
  /** A call through a value that is no function. */
  Call = 4,
  /** `stop(n)` or FINISH: the result word holds n. */
  Stop = 5,
  /** `abort(n)`: the result word holds n. */
  Abort = 6,
  /** `longjump` to a label or a level that is not the program's. */
  LongJump = 7,
  /** `!` or `%` outside the program's static memory and stack. */
  Address = 8,
}

const MESSAGES = {
  division: "division by zero",
  remainder: "REM by zero",
  stack: "runaway recursion: out of stack",
  address: "memory access outside the program's memory",
  call: "call of a value that is not a function",
  abort: "abort() called",
  longjump: "longjump to something that is not a label and a live level",
} as const;

/**
 * `stop(n)` and FINISH, on their way out of the program: not an error,
 * the program's result.
 */
export class BcplStop {
  /** @param code The program's result. */
  constructor(readonly code: bigint) {}
}

/** A BCPL error at run time: stops the program, not the process. */
export class BcplRuntimeError extends Error {
  /**
   * @param kind What went wrong.
   * @param detail More about it.
   */
  constructor(readonly kind: keyof typeof MESSAGES, detail?: string) {
    super(
      `BCPL runtime error: ${MESSAGES[kind]}${detail ? ` (${detail})` : ""}`,
    );
    this.name = "BcplRuntimeError";
  }

  /**
   * The error a native status code stands for.
   *
   * @param status A non-zero status from the entry stub.
   * @returns The error.
   */
  static fromStatus(status: number, code = 0n): BcplRuntimeError {
    switch (status) {
      case Status.Division:
        return new BcplRuntimeError("division");
      case Status.Remainder:
        return new BcplRuntimeError("remainder");
      case Status.Call:
        return new BcplRuntimeError("call");
      case Status.Abort:
        return new BcplRuntimeError("abort", `code ${code}`);
      case Status.LongJump:
        return new BcplRuntimeError("longjump");
      case Status.Address:
        return new BcplRuntimeError(
          "address",
          "outside its globals, data, heap and stack",
        );
      default:
        return new BcplRuntimeError("stack", STACK_DETAIL);
    }
  }
}

/**
 * Program output: collected in order, flushed to a sink in chunks (and at
 * the end), so it interleaves correctly with anything else printed before
 * or after the run.
 */
export class Output {
  #bytes: number[] = [];
  #read = 0;

  /**
   * @param sink Where full chunks go (standard output by default); `null`
   *   keeps everything for {@linkcode Output.text}.
   * @param input What `rdch()` reads (nothing: it gives `endstreamch`).
   */
  constructor(
    readonly sink: ((bytes: Uint8Array) => void) | null = null,
    input: Uint8Array | (() => Uint8Array) = new Uint8Array(),
  ) {
    this.#input = input;
  }

  #input: Uint8Array | (() => Uint8Array);

  /**
   * `rdch()`: the next input byte, or -1 (`endstreamch`) at the end. Input
   * given as a function is read at the first `rdch()`.
   */
  rdch(): bigint {
    if (typeof this.#input === "function") this.#input = this.#input();
    return this.#read < this.#input.length
      ? BigInt(this.#input[this.#read++])
      : -1n;
  }

  /** `wrch(c)`: one character. */
  wrch(value: bigint): void {
    this.#bytes.push(Number(BigInt.asUintN(8, value)));
    this.#maybeFlush();
  }

  /** `writes(s)`: a string's bytes. */
  writes(bytes: Uint8Array): void {
    for (const byte of bytes) this.#bytes.push(byte);
    this.#maybeFlush();
  }

  /** Everything written and not flushed, as text. */
  text(): string {
    return new TextDecoder().decode(Uint8Array.from(this.#bytes));
  }

  /** Sends what is left to the sink. */
  flush(): void {
    if (this.sink === null || this.#bytes.length === 0) return;
    this.sink(Uint8Array.from(this.#bytes));
    this.#bytes = [];
  }

  #maybeFlush(): void {
    if (this.sink !== null && this.#bytes.length >= 16384) this.flush();
  }
}
