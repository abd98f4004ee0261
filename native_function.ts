/**
 * Typed callables over committed code, guarded so that calling into memory
 * that is writable or freed throws instead of crashing, and bound to
 * dlopen-speed trampolines where the platform allows.
 *
 * @module
 */

import { JITMemoryManagerError } from "./errors.ts";
import { runIdle } from "./in_flight.ts";
import type { FastCallBinding, FastCalls } from "./platform/types.ts";
import { offsetPointer, show } from "./validate.ts";

/** Something tied to a region that must be let go when the code goes. */
export interface RegionDependent {
  /** Lets go of the region's code. */
  release(): void;
}

/**
 * The state of a region of code that its functions check on every call.
 * Owned by a memory manager or a commit; shared with every function made
 * from it, so a function keeps following its region when the region
 * changes hands.
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
  /**
   * Fast-call bindings into this region, released with its code; created
   * on the first binding (most regions never have one).
   */
  dependents?: Set<RegionDependent>;
  /**
   * Calls into the region through its functions that have not returned
   * yet: more than 0 while its code runs (e.g. while it has called back
   * into JavaScript), so that nothing unmaps it, takes its execute
   * permission away or overwrites it under the running code.
   */
  calls: number;
  /**
   * What to do once the last call in flight returns: a release that was
   * asked for while the code ran, deferred until it is safe.
   */
  whenIdle?: () => void;
}

/**
 * Lets go of everything tied to a region's code: its functions' trampoline
 * slots then point to a trap, and the functions fall back to (and are
 * stopped by) their guards.
 *
 * @param region The region whose code goes away.
 */
export function releaseDependents(region: CodeRegion): void {
  const dependents = region.dependents;
  if (dependents === undefined || dependents.size === 0) return;
  // Each release deletes itself from the set, which iteration allows.
  for (const dependent of dependents) dependent.release();
  dependents.clear();
}

/**
 * How a function is called:
 * - `"auto"` (default): through `Deno.UnsafeFnPointer` at first, bound to a
 *   dlopen-speed trampoline after {@linkcode AUTO_BIND_AFTER} calls;
 * - `true`: bound at once;
 * - `false`: never bound.
 *
 * Where the platform has no trampolines (macOS, Windows) or the definition
 * uses types Deno does not fast-call (structs, `function`), every mode
 * stays on `Deno.UnsafeFnPointer`.
 *
 * @example Choosing a mode per function
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodeBuffer, type FastMode, Instruction } from "@bcpl/jit-memory";
 *
 * const calledOnce: FastMode = false; // never pay for binding
 * const hotLoop: FastMode = true; // bind now, where the platform can
 *
 * using buffer = new CodeBuffer();
 * buffer.commit(Deno.build.arch === "aarch64"
 *   ? [new Instruction(0x52800540), new Instruction(0xd65f03c0)] // mov w0, #42; ret
 *   : [new Instruction([0xb8, 0x2a, 0, 0, 0]), new Instruction([0xc3])]); // mov eax, 42; ret
 * const definition = { parameters: [], result: "i32" } as const;
 * const once = buffer.asFunction(definition, 0, { fast: calledOnce });
 * const hot = buffer.asFunction(definition, 0, { fast: hotLoop });
 * assert.equal(once(), 42);
 * assert.equal(hot(), 42); // the same result on either path
 * assert.equal(once.fast, false);
 * ```
 */
export type FastMode = "auto" | boolean;

/**
 * Options of `asFunction()`.
 *
 * @example Binding a hot function at once
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AsFunctionOptions, CodeBuffer, Instruction } from "@bcpl/jit-memory";
 *
 * const options: AsFunctionOptions = { fast: true };
 * using buffer = new CodeBuffer();
 * buffer.commit(Deno.build.arch === "aarch64"
 *   ? [new Instruction(0xd2800000), new Instruction(0xd65f03c0)] // mov x0, #0; ret
 *   : [new Instruction([0x31, 0xc0]), new Instruction([0xc3])]); // xor eax, eax; ret
 * const zero = buffer.asFunction({ parameters: [], result: "i64" }, 0, options);
 * // zero.fast is true where a trampoline could be bound (e.g. Linux);
 * // elsewhere the function stays portable and works the same.
 * assert.equal(zero(), 0n);
 * ```
 */
export interface AsFunctionOptions {
  /** See {@linkcode FastMode}. Default `"auto"`. */
  fast?: FastMode;
}

/**
 * Calls on the portable path before `"auto"` binds a trampoline.
 *
 * @example When "auto" switches
 * ```ts
 * import assert from "node:assert/strict";
 * import { AUTO_BIND_AFTER, CodeBuffer, Instruction } from "@bcpl/jit-memory";
 *
 * using buffer = new CodeBuffer();
 * buffer.commit([new Instruction(Deno.build.arch === "aarch64" ? 0xd65f03c0 : [0xc3])]); // ret
 * const definition = { parameters: [], result: "void" } as const;
 * const auto = buffer.asFunction(definition); // fast: "auto"
 * const eager = buffer.asFunction(definition, 0, { fast: true });
 * for (let i = 1; i < AUTO_BIND_AFTER; i++) auto();
 * assert.equal(auto.fast, false); // still on the portable path
 * auto(); // call number AUTO_BIND_AFTER binds it, where binding works
 * assert.equal(auto.fast, eager.fast);
 * ```
 */
export const AUTO_BIND_AFTER = 128;

/**
 * A JIT-compiled function, called like any JavaScript function.
 *
 * Each call first checks that its region is still allocated and executable
 * and throws a `JITMemoryManagerError` (`NOT_ALLOCATED`, `NOT_EXECUTABLE`)
 * otherwise, on either call path.
 *
 * @typeParam D The foreign-function definition the code follows.
 *
 * @tags allow-ffi
 *
 * @example Typing a JIT-compiled add
 * ```ts
 * import assert from "node:assert/strict";
 * import { JITMemoryManager, type NativeFunction } from "@bcpl/jit-memory";
 *
 * const definition = { parameters: ["i32", "i32"], result: "i32" } as const;
 * using memory = new JITMemoryManager(4096);
 * memory.write(
 *   Deno.build.arch === "aarch64"
 *     ? new Uint32Array([0x0b010000, 0xd65f03c0]) // add w0, w0, w1; ret
 *     : Deno.build.os === "windows"
 *     ? [0x8d, 0x04, 0x11, 0xc3] // lea eax, [rcx+rdx]; ret
 *     : [0x8d, 0x04, 0x37, 0xc3], // lea eax, [rdi+rsi]; ret
 * );
 * memory.makeExecutable();
 * const add: NativeFunction<typeof definition> = memory.asFunction(definition, 0, { fast: true });
 * assert.equal(add(40, 2), 42);
 * assert.equal(add.definition, definition);
 * assert.ok(Deno.UnsafePointer.equals(add.pointer, memory.getMemoryPointer()));
 * // add.fast: true where a trampoline was bound (e.g. Linux), else false
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
    /** Whether calls go through a dlopen-speed trampoline now. */
    readonly fast: boolean;
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

type AnyCall = (...args: unknown[]) => unknown;

/**
 * The call path in use: the wrappers read `target` on every call, so a
 * function moves between paths by changing it. Holds no reference to the
 * wrapper, so that a dropped function can be collected and its slot freed.
 */
interface CallCell {
  target: AnyCall;
  /** Whether `target` is a trampoline (what the wrapper's `fast` says). */
  fast: boolean;
}

/** Where a wrapper keeps its cell, for the `fast` getter. */
const CELL = Symbol("jit-memory call cell");

/**
 * The prototype of every wrapper: `Function.prototype` plus a `fast`
 * getter that reads the cell. A getter, not a plain property, so that
 * whatever moves a function between paths needs only its cell, never the
 * wrapper: holding the wrapper (a `WeakRef` included, which keeps its
 * target alive to the end of the job) would keep every function bound
 * and released in one synchronous job reachable until it ends. Wrappers
 * get it from their compiled code (see {@linkcode compileWrapperCode});
 * defining the getter on each wrapper would cost a microsecond.
 */
const WRAPPER_PROTOTYPE = Object.create(Function.prototype, {
  fast: {
    get(this: { [CELL]?: CallCell }): boolean {
      return this[CELL]?.fast === true;
    },
  },
});

/** Frees the trampoline slot of a bound function that was collected. */
const collected = new FinalizationRegistry<RegionDependent>((dependent) =>
  dependent.release()
);

/**
 * Makes a guarded callable for the code at `offset` in `region`.
 *
 * @param region The region the code lives in.
 * @param definition Parameter and result types, as for `Deno.dlopen`.
 * @param offset Where the function starts, in bytes from the region start.
 * @param options How calls are made (see {@linkcode FastMode}).
 * @param fastCalls The platform's trampoline binder, if it has one.
 * @returns The callable.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a definition Deno
 * could not call or bad options.
 */
export function createNativeFunction<const D extends Deno.ForeignFunction>(
  region: CodeRegion,
  definition: D,
  offset: number,
  options: AsFunctionOptions | undefined,
  fastCalls: FastCalls | undefined,
): NativeFunction<D> {
  validateDefinition(definition);
  const mode = fastMode(options);
  const pointer = offsetPointer(region.pointer, offset);
  // With fast: true the slot is taken first, so the wrapper can come from
  // the slot's own code and call the symbol directly. Where no slot can
  // be had, the function stays portable, as documented.
  const binding = mode === true && fastCalls !== undefined
    ? tryBind(fastCalls, definition, pointer)
    : undefined;
  // A bound function calls its portable path only if it is ever unbound
  // while its code stays callable: that path is made on first use then
  // (the definition, of types trampolines take, is one Deno accepts).
  const portable = binding === undefined
    ? portableCall(definition, pointer)
    : deferredPortableCall(definition, pointer);
  const arity = definition.parameters.length;
  const cell: CallCell = { target: portable, fast: false };
  const symbol = binding?.call as AnyCall | undefined;
  const wrapper =
    (symbol === undefined
      ? sharedWrapper(region, cell, arity)
      : slotWrapper(symbol, region, cell, arity)) as Wrapper;
  // Plain properties: defineProperty would cost a microsecond per function.
  wrapper.pointer = pointer;
  wrapper.definition = definition;
  wrapper[CELL] = cell;

  if (binding !== undefined) {
    new Binder(region, cell, portable).bind(binding, symbol!, wrapper);
  } else if (mode === "auto" && fastCalls !== undefined) {
    cell.target = autoBinding(region, cell, portable, wrapper, fastCalls);
  }
  return wrapper as unknown as NativeFunction<D>;
}

/**
 * The portable call of the code at `pointer`, through
 * `Deno.UnsafeFnPointer`. Made here, not in createNativeFunction: V8 gives
 * every closure of a function one shared context, so a closure made there
 * would hold the wrapper and keep a collected function's slot from ever
 * being freed.
 *
 * @param definition Parameter and result types.
 * @param pointer The code.
 * @returns A function calling it.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` if Deno refuses the
 * definition.
 */
function portableCall(
  definition: Deno.ForeignFunction,
  pointer: Deno.PointerObject,
): AnyCall {
  let foreign: { call: unknown };
  try {
    foreign = new Deno.UnsafeFnPointer(
      pointer as Deno.PointerObject<Omit<Deno.ForeignFunction, "nonblocking">>,
      definition,
    );
  } catch (cause) {
    throw invalidDefinition(describe(cause), cause);
  }
  const call = (foreign.call as AnyCall).bind(foreign);
  if (definition.result !== "void") return call;
  // UnsafeFnPointer returns null for "void"; dlopen'd symbols (and the
  // declared type) give undefined. Both paths return undefined.
  return (...args) => {
    call(...args);
    return undefined;
  };
}

/**
 * {@linkcode portableCall}, made on the first call.
 *
 * @param definition Parameter and result types.
 * @param pointer The code.
 * @returns A function making the portable call, then calling it.
 */
function deferredPortableCall(
  definition: Deno.ForeignFunction,
  pointer: Deno.PointerObject,
): AnyCall {
  let call: AnyCall | undefined;
  return (...args) => (call ??= portableCall(definition, pointer))(...args);
}

/** A binding of `definition`'s signature, or `undefined` if none is had. */
function tryBind(
  fastCalls: FastCalls,
  definition: Deno.ForeignFunction,
  pointer: Deno.PointerObject,
): FastCallBinding | undefined {
  if (!fastCalls.supports(definition)) return undefined;
  try {
    return fastCalls.bind(definition, pointer);
  } catch {
    return undefined;
  }
}

/**
 * The call target of an `"auto"` function before it is bound: counts its
 * calls, and at the last portable one binds it. It holds the wrapper,
 * which holds it (through `cell`): a cycle the collector reclaims whole.
 * Once bound, the cell points elsewhere and only weak references remain.
 */
function autoBinding(
  region: CodeRegion,
  cell: CallCell,
  portable: AnyCall,
  wrapper: Wrapper,
  fastCalls: FastCalls,
): AnyCall {
  let remaining = AUTO_BIND_AFTER;
  return (...args: unknown[]): unknown => {
    if (--remaining === 0) {
      cell.target = portable;
      const late = tryBind(fastCalls, wrapper.definition, wrapper.pointer);
      if (late !== undefined) {
        new Binder(region, cell, portable).bind(
          late,
          slotStub(late.call as AnyCall, wrapper.definition.parameters.length),
          wrapper,
        );
      }
    }
    return portable(...args);
  };
}

/** A wrapper with the properties of a {@linkcode NativeFunction}. */
type Wrapper = AnyCall & {
  pointer: Deno.PointerObject;
  definition: Deno.ForeignFunction;
  [CELL]: CallCell;
};

/**
 * Keeps one function on a trampoline and takes it off again when its
 * region's code goes away or the function is collected. Created only when
 * a function is bound, so functions that never are cost nothing extra.
 */
class Binder implements RegionDependent {
  #binding: FastCallBinding | undefined;

  constructor(
    readonly region: CodeRegion,
    readonly cell: CallCell,
    readonly portable: AnyCall,
  ) {}

  /**
   * Moves the function onto `binding`'s trampoline.
   *
   * @param binding The slot its code was bound to.
   * @param target What the wrapper calls: the slot's symbol, or its stub.
   * @param wrapper The function, watched (not held) so that its slot is
   *   freed if it is collected.
   */
  bind(binding: FastCallBinding, target: AnyCall, wrapper: Wrapper): void {
    // Code that is gone must not be bound; its function throws anyway.
    if (this.region.state === "released" || this.region.state === "retired") {
      binding.release();
      return;
    }
    this.#binding = binding;
    (this.region.dependents ??= new Set()).add(this);
    collected.register(wrapper, this, this);
    this.cell.target = target;
    this.cell.fast = true;
  }

  release(): void {
    const binding = this.#binding;
    if (binding === undefined) return;
    this.#binding = undefined;
    this.region.dependents?.delete(this);
    collected.unregister(this);
    this.cell.target = this.portable;
    this.cell.fast = false;
    binding.release();
  }
}

/**
 * Why code is compiled at run time here: Deno makes a `dlopen`'d symbol
 * fast (a few nanoseconds) only where V8 can inline the call, which needs a
 * call site that has seen that one target. A wrapper shared by every
 * function of an arity has one call site that sees many targets (portable
 * ones among them), and a fast call from there costs several times as
 * much. So each trampoline slot gets code of its own, compiled once with
 * `new Function` and kept while the slot is reused: wrapper code (bound to
 * each `fast: true` function of the slot, which then calls the symbol
 * directly) and a stub (the target of a shared wrapper once `"auto"`
 * binds). V8 caches what
 * `new Function` compiles by source text, feedback included, so each
 * source is made unique with a numbered comment.
 */
type WrapperCode = (
  region: CodeRegion,
  cell: CallCell,
  notCallable: (region: CodeRegion) => JITMemoryManagerError,
  argumentError: (cause: unknown) => JITMemoryManagerError,
  idle: (region: CodeRegion) => void,
  ...args: unknown[]
) => unknown;

/** Parameter names of a wrapper; past six, a rest parameter. */
function parameterList(arity: number): string {
  return arity <= 6
    ? Array.from({ length: arity }, (_, index) => `a${index}`).join(", ")
    : "...args";
}

let compiled = 0;

/**
 * Compiles a wrapper's code. Each wrapper is this code bound to its region
 * and cell (`Function.prototype.bind`): a bound function has the prototype
 * of the function it binds, so the `fast` getter of
 * {@linkcode WRAPPER_PROTOTYPE} comes with the binding, set once here
 * rather than on every wrapper (where `Object.setPrototypeOf` costs a
 * fifth of a microsecond), and V8 calls through a bound function as fast
 * as through a closure.
 */
function compileWrapperCode(arity: number, unique: boolean): WrapperCode {
  const parameters = parameterList(arity);
  const tag = unique ? `// jit-memory call site ${++compiled}\n` : "";
  const code = new Function(
    `region, cell, notCallable, argumentError, idle${
      arity === 0 ? "" : `, ${parameters}`
    }`,
    `${tag}if (region.state !== "executable") throw notCallable(region);
    region.calls++;
    try {
      return cell.target(${parameters});
    } catch (error) {
      throw argumentError(error);
    } finally {
      if (--region.calls === 0 && region.whenIdle !== undefined) {
        idle(region);
      }
    }`,
  ) as WrapperCode;
  Object.setPrototypeOf(code, WRAPPER_PROTOTYPE);
  return code;
}

const sharedCode = new Map<number, WrapperCode>();
const slotCode = new WeakMap<AnyCall, WrapperCode>();
const slotStubs = new WeakMap<AnyCall, AnyCall>();

/** A wrapper of the code shared by every function of its arity. */
function sharedWrapper(
  region: CodeRegion,
  cell: CallCell,
  arity: number,
): AnyCall {
  let code = sharedCode.get(arity);
  if (code === undefined) {
    code = compileWrapperCode(arity, false);
    sharedCode.set(arity, code);
  }
  return wrapperOf(code, region, cell);
}

/** A wrapper of the code of the trampoline slot `symbol` belongs to. */
function slotWrapper(
  symbol: AnyCall,
  region: CodeRegion,
  cell: CallCell,
  arity: number,
): AnyCall {
  let code = slotCode.get(symbol);
  if (code === undefined) {
    code = compileWrapperCode(arity, true);
    slotCode.set(symbol, code);
  }
  return wrapperOf(code, region, cell);
}

/** `code` bound to a function's region and cell. */
function wrapperOf(
  code: WrapperCode,
  region: CodeRegion,
  cell: CallCell,
): AnyCall {
  return code.bind(
    undefined,
    region,
    cell,
    notCallable,
    argumentError,
    runIdle,
  );
}

/** The slot's stub: a function that only calls `symbol`. */
function slotStub(symbol: AnyCall, arity: number): AnyCall {
  let stub = slotStubs.get(symbol);
  if (stub === undefined) {
    const parameters = parameterList(arity);
    stub = new Function(
      "symbol",
      `// jit-memory call site ${++compiled}
      return function (${parameters}) { return symbol(${parameters}); };`,
    )(symbol) as AnyCall;
    slotStubs.set(symbol, stub);
  }
  return stub;
}

function argumentError(cause: unknown): JITMemoryManagerError {
  return new JITMemoryManagerError(
    "INVALID_ARGUMENT",
    `Arguments do not match the function's definition: ${describe(cause)}`,
    { cause },
  );
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
        "The function's memory is writable (after makeWritable(), or a " +
          "protection switch that failed): it runs again once it is " +
          "executable (makeExecutable(), or the owner's next operation).",
      );
  }
}

function fastMode(options: unknown): FastMode {
  if (options === undefined) return "auto";
  if (typeof options !== "object" || options === null) {
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `asFunction() options must be an object like { fast: true }, got ${
        show(options)
      }`,
    );
  }
  const { fast } = options as { fast?: unknown };
  if (fast === undefined) return "auto";
  if (fast === "auto" || fast === true || fast === false) return fast;
  throw new JITMemoryManagerError(
    "INVALID_ARGUMENT",
    `The fast option must be "auto", true or false, got ${show(fast)}`,
  );
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
