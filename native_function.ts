/**
 * Typed callables over committed code, guarded so that calling into memory
 * that is writable or freed throws instead of crashing.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";

/**
 * The state of a region of code that its functions check on every call.
 * Owned by a memory manager; shared with every function made from it, so a
 * function keeps following its region when the region changes hands.
 */
export interface CodeRegion {
  /** Where the region starts. */
  readonly pointer: Deno.PointerObject;
  /** Its size in bytes. */
  readonly size: number;
  /**
   * What the region is now: only `"executable"` regions may be called.
   * `"retired"`: the code the function was made for was replaced (a
   * `CodeBuffer` was reset), even if the memory is executable again.
   */
  readonly state: "writable" | "executable" | "released" | "retired";
}

/**
 * A JIT-compiled function, called like any JavaScript function.
 *
 * Each call first checks that its region is still allocated and executable
 * and throws a `JITMemoryManagerError` (`NOT_ALLOCATED`, `NOT_EXECUTABLE`)
 * otherwise.
 *
 * @typeParam D The foreign-function definition the code follows.
 *
 * @example Typing a JIT-compiled add
 * ```ts ignore
 * import { JITMemoryManager, type NativeFunction } from "@bcpl/jit-memory";
 *
 * const definition = { parameters: ["i32", "i32"], result: "i32" } as const;
 * using memory = new JITMemoryManager(4096);
 * memory.write([0x8d, 0x04, 0x37, 0xc3]); // x86-64: lea eax, [rdi+rsi]; ret
 * memory.makeExecutable();
 * const add: NativeFunction<typeof definition> = memory.asFunction(definition);
 * console.log(add(40, 2), add.pointer); // 42, the code's address
 * ```
 */
export type NativeFunction<D extends Deno.ForeignFunction> =
  & ((
    ...args: Deno.ToNativeParameterTypes<D["parameters"]>
  ) => Deno.FromNativeResultType<D["result"]>)
  & {
    /** The address of the function's first instruction. */
    readonly pointer: Deno.PointerObject;
    /** The definition it was created with. */
    readonly definition: D;
  };

const SCALAR_TYPES = new Set([
  "i8",
  "u8",
  "i16",
  "u16",
  "i32",
  "u32",
  "i64",
  "u64",
  "isize",
  "usize",
  "f32",
  "f64",
  "bool",
  "pointer",
  "buffer",
  "function",
]);

/**
 * Makes a guarded callable for the code at `offset` in `region`.
 *
 * @param region The region the code lives in.
 * @param definition Parameter and result types, as for `Deno.dlopen`.
 * @param offset Where the function starts, in bytes from the region start.
 * @returns The callable.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a definition Deno
 * could not call.
 */
export function createNativeFunction<const D extends Deno.ForeignFunction>(
  region: CodeRegion,
  definition: D,
  offset: number,
): NativeFunction<D> {
  validateDefinition(definition);
  const pointer = offset === 0
    ? region.pointer
    : Deno.UnsafePointer.offset(region.pointer, offset)!;
  let foreign: Deno.UnsafeFnPointer<D>;
  try {
    foreign = new Deno.UnsafeFnPointer(
      pointer as Deno.PointerObject<Omit<D, "nonblocking">>,
      definition,
    );
  } catch (cause) {
    throw invalidDefinition(describe(cause), cause);
  }

  const call = (...args: unknown[]): unknown => {
    if (region.state !== "executable") throw notCallable(region);
    try {
      return (foreign.call as (...args: unknown[]) => unknown)(...args);
    } catch (cause) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `Arguments do not match the function's definition: ${describe(cause)}`,
        { cause },
      );
    }
  };
  Object.defineProperties(call, {
    pointer: { value: pointer, enumerable: true },
    definition: { value: definition, enumerable: true },
  });
  return call as unknown as NativeFunction<D>;
}

function notCallable(region: CodeRegion): JITMemoryManagerError {
  switch (region.state) {
    case "released":
      return new JITMemoryManagerError(
        "NOT_ALLOCATED",
        "No memory allocated. The function's region was deallocated.",
      );
    case "retired":
      return new JITMemoryManagerError(
        "NOT_EXECUTABLE",
        "The code this function was made for was reset: take a new " +
          "function with asFunction() after the next commit().",
      );
    default:
      return new JITMemoryManagerError(
        "NOT_EXECUTABLE",
        "The function's region is writable: call makeExecutable() first.",
      );
  }
}

function validateDefinition(definition: unknown): void {
  if (typeof definition !== "object" || definition === null) {
    throw invalidDefinition("expected { parameters: [...], result: ... }");
  }
  const { parameters, result, nonblocking } = definition as Record<
    string,
    unknown
  >;
  if (!Array.isArray(parameters)) {
    throw invalidDefinition("`parameters` must be an array of native types");
  }
  parameters.forEach((type, index) => {
    if (!isNativeType(type)) {
      throw invalidDefinition(
        `parameter ${index} has unknown type ${JSON.stringify(type)}`,
      );
    }
  });
  if (result !== "void" && !isNativeType(result)) {
    throw invalidDefinition(`unknown result type ${JSON.stringify(result)}`);
  }
  if (nonblocking === true) {
    // A call on another thread could still be running when the region is
    // made writable or freed; the guards could not stop that crash.
    throw invalidDefinition(
      "`nonblocking` is not supported: the region could change while the " +
        "call runs on another thread",
    );
  }
}

function isNativeType(type: unknown): boolean {
  if (typeof type === "string") return SCALAR_TYPES.has(type);
  if (typeof type !== "object" || type === null) return false;
  const fields = (type as { struct?: unknown }).struct;
  return Array.isArray(fields) && fields.length > 0 &&
    fields.every(isNativeType);
}

function invalidDefinition(
  reason: string,
  cause?: unknown,
): JITMemoryManagerError {
  return new JITMemoryManagerError(
    "INVALID_ARGUMENT",
    `Invalid function definition: ${reason}`,
    { cause },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
