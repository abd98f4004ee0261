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
