/**
 * A simple register allocator for the code generators: each function's
 * busiest frame slots (parameters, locals, FOR variables and limits,
 * temporaries) live in callee-saved registers instead of the frame.
 *
 * The code generator runs once over a counting {@linkcode Target} that
 * records each slot access and each backward branch (a loop); an access
 * inside n loops counts 8^n. Slots whose address is taken (`@x`, and
 * vectors) stay in memory, and so do all the parameters when one of them
 * is (writef walks its arguments through `@a`).
 *
 * @module
 */

import type { Program } from "./ast.ts";
import { type Argument, generate, type Target } from "./codegen.ts";

/** Loops deeper than this count as this deep. */
const MAX_LOOP_DEPTH = 4;

/**
 * Chooses registers for every function's slots, in place
 * (`layout.registers`).
 *
 * @param program The laid-out program.
 * @param start The index of `start`.
 * @param count How many registers the target offers.
 */
export function allocateRegisters(
  program: Program,
  start: number,
  count: number,
): void {
  const counter = new CountingTarget();
  generate(program, start, counter);
  counter.functions.forEach((record, index) => {
    const layout = program.functions[index].layout!;
    const params = program.functions[index].params.length;
    const weights = new Map<number, number>();
    for (const [slot, position] of record.accesses) {
      let depth = 0;
      for (const [from, to] of record.loops) {
        if (from <= position && position <= to) depth++;
      }
      const weight = 8 ** Math.min(depth, MAX_LOOP_DEPTH);
      weights.set(slot, (weights.get(slot) ?? 0) + weight);
    }
    const pinned = new Set(record.pinned);
    if ([...pinned].some((slot) => slot < params)) {
      for (let slot = 0; slot < params; slot++) pinned.add(slot);
    }
    // A function longjump may land in keeps its slots in the frame.
    if (layout.landing) weights.clear();
    const chosen = [...weights]
      .filter(([slot]) => !pinned.has(slot) && slot < layout.scalarSlots)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, count)
      .map(([slot]) => slot);
    const registers = new Array<number>(layout.scalarSlots).fill(-1);
    chosen.forEach((slot, register) => (registers[slot] = register));
    layout.registers = registers;
    // The frame-stack area: address-taken slots (the parameters first, in
    // order, so that @a walks them), then the vectors. A function longjump
    // may land in always has one (maybe empty): the landing restores the
    // frame stack's top from it.
    const area = new Array<number>(layout.totalSlots).fill(-1);
    let words = 0;
    for (
      const slot of [...pinned].filter((s) => s < layout.scalarSlots).sort((
        a,
        b,
      ) => a - b)
    ) {
      area[slot] = words++;
    }
    for (let slot = layout.scalarSlots; slot < layout.totalSlots; slot++) {
      area[slot] = words++;
    }
    layout.area = area;
    layout.areaWords = words;
  });
}

/** What the counting pass saw of one function. */
interface FunctionRecord {
  /** Slot and position of each access. */
  accesses: [number, number][];
  /** Positions a backward branch spans. */
  loops: [number, number][];
  /** Slots whose address is taken. */
  pinned: number[];
}

/** A target that emits nothing and counts. */
class CountingTarget implements Target<number> {
  readonly functions: FunctionRecord[] = [];
  readonly markers = new Map<number, number>();
  #position = 0;
  #labels = 0;
  readonly #bound = new Map<number, number>();

  get #current(): FunctionRecord {
    return this.functions[this.functions.length - 1];
  }

  #access(slot: number): void {
    this.#current.accesses.push([slot, this.#position++]);
  }

  #branch(label: number): void {
    const at = this.#bound.get(label);
    if (at !== undefined) this.#current.loops.push([at, this.#position]);
    this.#position++;
  }

  #step(): void {
    this.#position++;
  }

  #arguments(args: Argument[]): void {
    for (const arg of args) if ("slot" in arg) this.#access(arg.slot);
  }

  label(): number {
    return this.#labels++;
  }
  bind(label: number): void {
    this.#bound.set(label, this.#position);
  }
  jump(label: number): void {
    this.#branch(label);
  }
  entry(): void {}
  prologue(): void {
    this.functions.push({ accesses: [], loops: [], pinned: [] });
  }
  epilogue(): void {}
  constant(): void {
    this.#step();
  }
  load(slot: number): void {
    this.#access(slot);
  }
  store(slot: number): void {
    this.#access(slot);
  }
  loadB(slot: number): void {
    this.#access(slot);
  }
  loadStatic(): void {
    this.#step();
  }
  storeStatic(): void {
    this.#step();
  }
  loadStaticB(): void {
    this.#step();
  }
  staticAddress(): void {
    this.#step();
  }
  constantB(): void {
    this.#step();
  }
  moveToB(): void {
    this.#step();
  }
  operate(): void {
    this.#step();
  }
  unary(): void {
    this.#step();
  }
  setRelation(): void {
    this.#step();
  }
  branchRelation(_op: unknown, label: number): void {
    this.#branch(label);
  }
  branchZero(label: number): void {
    this.#branch(label);
  }
  loadIndirect(): void {
    this.#step();
  }
  storeIndirect(): void {
    this.#step();
  }
  byteAddress(): void {
    this.#step();
  }
  loadByte(): void {
    this.#step();
  }
  storeByte(): void {
    this.#step();
  }
  slotAddress(slot: number): void {
    this.#current.pinned.push(slot);
    this.#step();
  }
  call(_label: number, args: Argument[]): void {
    this.#arguments(args);
  }
  callIndirect(slot: number, args: Argument[]): void {
    this.#arguments(args);
    this.#access(slot);
  }
  runtime(): void {
    this.#step();
  }
  exit(): void {
    this.#step();
  }
  level(): void {
    this.#step();
  }
  jumpTable(): void {
    this.#step();
  }
  longJump(slot: number): void {
    this.#access(slot);
  }
  bindLanding(label: number): void {
    this.bind(label);
  }
}
