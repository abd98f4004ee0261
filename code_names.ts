/**
 * Names for JIT'd code: the functions a commit holds, kept while the code
 * lives, for the tools that show code by name (perf maps, debuggers).
 *
 * A name costs nothing unless given: code committed without one is never
 * looked at here. Named code is recorded as it is committed and forgotten
 * when it is released, reset or deallocated; each enabled sink (see
 * `enablePerfMap()` and `enableDebuggerRegistration()`) hears of both.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import { show } from "./validate.ts";

/**
 * One named function inside a piece of code.
 *
 * @example Two functions in one commit
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CodeSymbol } from "@bcpl/jit-memory";
 *
 * const symbols: CodeSymbol[] = [
 *   { name: "add", offset: 0, size: 4 },
 *   { name: "sub", offset: 16, size: 4 },
 * ];
 * assert.equal(symbols[1].offset, 16);
 * ```
 */
export interface CodeSymbol {
  /** The function's name, as tools will show it. */
  readonly name: string;
  /** Where it starts, in bytes from the start of the code. */
  readonly offset: number;
  /** Its size in bytes. */
  readonly size: number;
}

/**
 * Names for a commit: one name for the whole code, or several functions.
 *
 * @example Naming a commit
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NameOptions } from "@bcpl/jit-memory";
 *
 * const whole: NameOptions = { name: "fib" };
 * const parts: NameOptions = { symbols: [{ name: "fib", offset: 0, size: 32 }] };
 * assert.equal(whole.name, parts.symbols?.[0].name);
 * ```
 */
export interface NameOptions {
  /** A name for the whole code. */
  name?: string;
  /** Names of several functions, inside the code (not with `name`). */
  symbols?: readonly CodeSymbol[];
}

/** Named code while it lives: its start and its functions. */
export interface NamedCode {
  /** The code's start. */
  readonly address: bigint;
  /** Its functions, offsets from `address`. */
  readonly symbols: readonly CodeSymbol[];
}

/** Something that shows named code to a tool. */
export interface NameSink {
  /** Code was named (or was already named when the sink was added). */
  added(code: NamedCode): void;
  /** Named code was released. */
  removed(code: NamedCode): void;
}

/** The longest name kept (perf and gdb print names whole). */
const MAX_NAME_LENGTH = 1024;

const live = new Set<NamedCode>();
const sinks: NameSink[] = [];

function invalid(message: string): never {
  throw new JITMemoryManagerError("INVALID_ARGUMENT", message);
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== "string" || name.length === 0) {
    invalid(`${where} must be a non-empty string, got ${show(name)}`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    invalid(`${where} is longer than ${MAX_NAME_LENGTH} characters`);
  }
  // A perf map line ends at a newline; C strings end at NUL.
  if (/[\n\r\0]/.test(name)) {
    invalid(`${where} must not hold a newline or NUL: ${show(name)}`);
  }
  return name;
}

function checkSymbol(symbol: unknown, index: number, size: number): CodeSymbol {
  const where = `symbols[${index}]`;
  if (typeof symbol !== "object" || symbol === null) {
    invalid(`${where} must be { name, offset, size }, got ${show(symbol)}`);
  }
  const { name, offset, size: length } = symbol as Record<string, unknown>;
  const checked = checkName(name, `${where}.name`);
  if (typeof offset !== "number" || !Number.isSafeInteger(offset)) {
    invalid(`${where}.offset must be an integer, got ${show(offset)}`);
  }
  if (typeof length !== "number" || !Number.isSafeInteger(length)) {
    invalid(`${where}.size must be an integer, got ${show(length)}`);
  }
  if (offset < 0 || length < 1 || offset + length > size) {
    throw new JITMemoryManagerError(
      "OUT_OF_BOUNDS",
      `${where} (${checked}: ${length} bytes at offset ${offset}) ` +
        `does not lie inside the ${size} bytes of code`,
    );
  }
  return Object.freeze({ name: checked, offset, size: length });
}

/**
 * Checks the names given with a commit of `size` bytes.
 *
 * @param options `{ name }` or `{ symbols }` (or neither).
 * @param size The code's size.
 * @returns The functions named, or `undefined` when none is.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a bad name or
 * both `name` and `symbols`; `OUT_OF_BOUNDS` for a symbol outside the code.
 */
export function checkNames(
  options: NameOptions,
  size: number,
): readonly CodeSymbol[] | undefined {
  if (typeof options !== "object" || options === null) {
    invalid(
      `Options must be an object like { name: "f" }, got ${show(options)}`,
    );
  }
  const { name, symbols } = options;
  if (name !== undefined && symbols !== undefined) {
    invalid("Give a name or symbols, not both");
  }
  if (name !== undefined) {
    return [Object.freeze({ name: checkName(name, "name"), offset: 0, size })];
  }
  if (symbols === undefined) return undefined;
  if (!Array.isArray(symbols)) {
    invalid(`symbols must be an array, got ${show(symbols)}`);
  }
  if (symbols.length === 0) return undefined;
  return Object.freeze(
    symbols.map((symbol, index) => checkSymbol(symbol, index, size)),
  );
}

/**
 * Records named code and tells the sinks. A sink that throws does not
 * stop the others, and the code is named either way: tools are a view of
 * the program, never a reason for it to fail.
 *
 * @param pointer Where the code starts.
 * @param symbols Its functions (from {@linkcode checkNames}).
 * @returns The record, to pass to {@linkcode forgetCode}.
 */
export function nameCode(
  pointer: Deno.PointerValue,
  symbols: readonly CodeSymbol[],
): NamedCode {
  const code: NamedCode = Object.freeze({
    address: Deno.UnsafePointer.value(pointer),
    symbols,
  });
  live.add(code);
  for (const sink of sinks) tell(() => sink.added(code));
  return code;
}

/**
 * Forgets named code (released, reset or deallocated). Does nothing for
 * `undefined` or code already forgotten.
 *
 * @param code What {@linkcode nameCode} returned.
 */
export function forgetCode(code: NamedCode | undefined): void {
  if (code === undefined || !live.delete(code)) return;
  for (const sink of sinks) tell(() => sink.removed(code));
}

/**
 * Adds a sink and tells it of the code named so far.
 *
 * @param sink The sink.
 */
export function addNameSink(sink: NameSink): void {
  sinks.push(sink);
  for (const code of live) tell(() => sink.added(code));
}

/**
 * Removes a sink (tests).
 *
 * @param sink The sink.
 */
export function removeNameSink(sink: NameSink): void {
  const index = sinks.indexOf(sink);
  if (index >= 0) sinks.splice(index, 1);
}

/**
 * The code named now, oldest first.
 *
 * @returns The records.
 */
export function namedCode(): NamedCode[] {
  return [...live];
}

/** Errors of sinks go to the console once each kind, not to the caller. */
const reported = new Set<string>();

function tell(notify: () => void): void {
  try {
    notify();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (reported.has(message)) return;
    reported.add(message);
    console.error(`jit-memory: naming code failed: ${message}`);
  }
}
