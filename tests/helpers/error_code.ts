/**
 * Assertions on the `JITMemoryManagerError` an action throws.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type JITErrorCode, JITMemoryManagerError } from "../../mod.ts";

/**
 * Runs `action`, which must throw a `JITMemoryManagerError`.
 *
 * @param action The code under test.
 * @returns The error thrown.
 */
export function thrownError(action: () => unknown): JITMemoryManagerError {
  try {
    action();
  } catch (error) {
    assert.ok(
      error instanceof JITMemoryManagerError,
      `expected a JITMemoryManagerError, got ${error}`,
    );
    assert.equal(error.name, "JITMemoryManagerError");
    return error;
  }
  assert.fail("expected a JITMemoryManagerError, but nothing was thrown");
}

/**
 * The code of the `JITMemoryManagerError` that `action` throws.
 *
 * @param action The code under test.
 * @returns The error's code.
 */
export function errorCodeOf(action: () => unknown): JITErrorCode {
  return thrownError(action).code;
}

/**
 * Asserts that `action` throws a `JITMemoryManagerError` with `code`.
 *
 * @param action The code under test.
 * @param code The expected code.
 * @returns The error thrown.
 */
export function assertCode(
  action: () => unknown,
  code: JITErrorCode,
): JITMemoryManagerError {
  const error = thrownError(action);
  assert.equal(error.code, code, error.message);
  return error;
}

/**
 * Asserts that an instruction is rejected with `INVALID_ARGUMENT` and
 * leaves nothing behind: it is emitted after a `nop`, and the program must
 * still be that `nop` alone.
 *
 * @param assembler A new assembler of either CPU.
 * @param emit Emits the bad instruction.
 * @param message What the error's message must match.
 */
export function rejectsInstruction<A extends { nop(): A; bytes(): Uint8Array }>(
  assembler: A,
  emit: (a: A) => unknown,
  message: RegExp,
): void {
  const a = assembler.nop();
  const before = [...a.bytes()];
  const error = thrownError(() => emit(a));
  assert.equal(error.code, "INVALID_ARGUMENT", error.message);
  assert.match(error.message, message);
  assert.deepEqual([...a.bytes()], before, "nothing emitted");
}
