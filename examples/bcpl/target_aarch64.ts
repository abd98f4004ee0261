/**
 * The accumulator machine on AArch64: A is x0, B is x1, frame slots are at
 * [sp + 8*slot], x28 holds the runtime area: [x28] stack limit, [x28+8]
 * host callback, [x28+16] saved stack pointer, [x28+24] start()'s result.
 *
 * @module
 */

import {
  type A64Register,
  Assembler,
  type Label,
  mem,
  post,
  pre,
  sp,
  w0,
  w1,
  x0,
  x1,
  x10,
  x11,
  x16,
  x17,
  x19,
  x2,
  x20,
  x21,
  x22,
  x23,
  x24,
  x25,
  x26,
  x27,
  x28,
  x29,
  x3,
  x30,
  x4,
  x5,
  x6,
  x7,
  x9,
  xzr,
} from "../../arch/aarch64.ts";
import type { FrameLayout } from "./ast.ts";
import {
  type Argument,
  type Arithmetic,
  OPPOSITE,
  type Relation,
  type Target,
} from "./codegen.ts";
import { FUNCTION_TAG, Header, HEADER_WORDS, LABEL_TAG } from "./memory.ts";
import { type RuntimeOp, STACK_BYTES, Status } from "./runtime.ts";

const ARGUMENT_REGISTERS: A64Register[] = [x0, x1, x2, x3, x4, x5, x6, x7];
/**
 * The registers slots may live in: callee-saved, so a call keeps them,
 * and a function saves those it uses (x28 holds the static memory).
 */
const SLOT_REGISTERS: A64Register[] = [
  x19,
  x20,
  x21,
  x22,
  x23,
  x24,
  x25,
  x26,
  x27,
];
const CONDITIONS = {
  "=": "eq",
  "~=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
} as const;
/** Scaled 12-bit offsets reach 4095 words from sp. */
const MAX_SLOT = 4095;

/** AArch64 code for the BCPL code generator. */
export class A64Target implements Target<Label> {
  readonly asm = new Assembler();
  readonly #errors = {
    division: this.asm.label(),
    remainder: this.asm.label(),
    stack: this.asm.label(),
    call: this.asm.label(),
    longjump: this.asm.label(),
    address: this.asm.label(),
  };
  /** The function table's first static word: the end of BCPL's reach. */
  #functionTable = 0;
  /** The current function's slots in its frame-stack area, by slot. */
  #area: number[] = [];
  #areaWords = 0;
  #hasArea = false;
  /** The frame slot (past the scalars) that holds the area's address. */
  #areaBase = 0;
  /** Where exits go: back to the entry's frame, status in x0. */
  readonly #unwind = this.asm.label();
  /** How many slots may live in registers (registers.ts). */
  readonly registerCount = SLOT_REGISTERS.length;
  /** The current function's slots in registers: slot -> register. */
  #inRegisters = new Map<number, A64Register>();
  /** The callee-saved registers the current function saves. */
  #saved: A64Register[] = [];
  /** A register slot as B, not yet copied to x1. */
  #registerB: A64Register | undefined;
  /** How many functions the function table holds. */
  #functions = 0;
  /** Bytes at the bottom of the current frame for arguments past x7. */
  #outgoing = 0;
  /** The current function's frame size below its frame record. */
  #frame = 0;
  /** The current function's marker slot, if longjump may land in it. */
  #marker: number | undefined;
  readonly markers = new Map<number, number>();
  /**
   * A constant B (0..4095) not yet loaded into x1: the next operation may
   * take it as an immediate (`sub x0, x0, #1`).
   */
  #immediateB: number | undefined;

  label(name?: string): Label {
    return this.asm.label(name);
  }

  bind(label: Label): void {
    this.asm.bind(label);
  }

  jump(label: Label): void {
    this.asm.b(label);
  }

  entry(start: Label, functions: number, functionTable: number): void {
    this.#functions = functions;
    this.#functionTable = functionTable;
    const a = this.asm;
    const exit = a.label();
    const unwind = this.#unwind;
    // x28 and the slot registers are callee-saved: the entry saves them
    // all, so a runtime error can leave from any depth.
    const saved = [...SLOT_REGISTERS, x28];
    a.stp(x29, x30, pre(sp, -96));
    for (let pair = 0; pair < saved.length; pair += 2) {
      a.stp(saved[pair], saved[pair + 1], mem(sp, 16 + 8 * pair));
    }
    a.mov(x29, sp)
      .mov(x28, x0)
      .mov(x9, sp).str(x9, mem(x28, 16))
      .mov(x10, STACK_BYTES).sub(x9, x9, x10).str(x9, mem(x28, 0))
      // The stack's words, for the checks of ! and %.

      .bl(start)
      .str(x0, mem(x28, 24))
      .mov(x0, 0)
      .bind(exit);
    for (let pair = 0; pair < saved.length; pair += 2) {
      a.ldp(saved[pair], saved[pair + 1], mem(sp, 16 + 8 * pair));
    }
    a.ldp(x29, x30, post(sp, 96)).ret();
    const stub = (label: Label, status: Status): void => {
      a.bind(label).mov(x0, status).b(unwind);
    };
    stub(this.#errors.division, Status.Division);
    stub(this.#errors.remainder, Status.Remainder);
    stub(this.#errors.stack, Status.Stack);
    stub(this.#errors.call, Status.Call);
    stub(this.#errors.address, Status.Address);
    stub(this.#errors.longjump, Status.LongJump);
    // Back to the entry's frame, whatever the depth.
    a.bind(unwind).ldr(x9, mem(x28, 16)).mov(sp, x9).b(exit);
  }

  prologue(layout: FrameLayout, params: number, index: number): void {
    this.#marker = layout.markerSlot;
    // Arguments past the registers go in an area at the bottom of the
    // caller's frame, below its slots.
    const registers = ARGUMENT_REGISTERS.length;
    this.#outgoing = 8 *
      Math.max(0, layout.maxCallArguments - registers);
    this.#inRegisters = new Map();
    (layout.registers ?? []).forEach((register, slot) => {
      if (register >= 0) this.#inRegisters.set(slot, SLOT_REGISTERS[register]);
    });
    // A function longjump lands in saves them all: whatever the functions
    // it left were doing with them, its return gives its caller's back.
    this.#saved = layout.landing
      ? SLOT_REGISTERS
      : [...new Set(this.#inRegisters.values())];
    this.#area = layout.area ?? [];
    this.#areaWords = layout.areaWords ?? 0;
    this.#hasArea = this.#areaWords > 0 || layout.landing;
    // The scalars, a word for the frame-stack area's address (vectors live
    // in the area), and the saved registers at the top, just below x29.
    this.#areaBase = layout.scalarSlots;
    const frame = Math.ceil(
      (this.#outgoing + 8 * (layout.scalarSlots + 1) +
        8 * this.#saved.length) / 16,
    ) * 16;
    this.#frame = frame;
    const a = this.asm.stp(x29, x30, pre(sp, -16)).mov(x29, sp);
    this.#addToSp(-frame, sp);
    a.ldr(x9, mem(x28, 0)).cmp(sp, x9).bcond("lo", this.#errors.stack);
    this.#saved.forEach((register, index) => {
      a.stur(register, mem(x29, -8 * (index + 1)));
    });
    if (this.#hasArea) {
      // The function's area of the frame stack (x9-x11 carry no argument).
      a.ldp(x10, x11, mem(x28, 8 * Header.FrameTop));
      if (this.#areaWords <= MAX_SLOT) a.add(x9, x10, this.#areaWords);
      else a.mov(x9, this.#areaWords).add(x9, x10, x9);
      a.cmp(x9, x11)
        .bcond("hi", this.#errors.stack)
        .str(x9, mem(x28, 8 * Header.FrameTop))
        .str(x10, this.#areaBaseSlot());
    }
    for (let index = 0; index < Math.min(params, registers); index++) {
      this.#storeSlot(index, ARGUMENT_REGISTERS[index]);
    }
    // The rest are in the caller's area, just above our frame record;
    // copied next to the others, the parameters are consecutive words.
    for (let index = registers; index < params; index++) {
      const arrived = mem(x29, 16 + 8 * (index - registers));
      const register = this.#inRegisters.get(index);
      if (register !== undefined) a.ldr(register, arrived);
      else a.ldr(x9, arrived).str(x9, this.#slot(index));
    }
    if (this.#marker !== undefined) {
      // The level, where longjump will look for it before it lands.
      a.mov(x9, sp).str(x9, this.#slot(this.#marker));
      this.markers.set(index, this.#outgoing + 8 * this.#marker);
    }
  }

  /** `slot = register`. */
  #storeSlot(slot: number, from: A64Register): void {
    const register = this.#inRegisters.get(slot);
    if (register !== undefined) this.asm.mov(register, from);
    else this.asm.str(from, this.#slot(slot));
  }

  /** `register = slot`. */
  #loadSlot(into: A64Register, slot: number): void {
    const register = this.#inRegisters.get(slot);
    if (register !== undefined) this.asm.mov(into, register);
    else this.asm.ldr(into, this.#slot(slot));
  }

  /** B as a register: a register slot's own, or x1. */
  #registerOfB(): A64Register {
    const register = this.#registerB;
    if (register === undefined) {
      this.#materializeB();
      return x1;
    }
    this.#registerB = undefined;
    return register;
  }

  epilogue(): void {
    if (this.#hasArea) {
      // The area goes back to the frame stack (x0 holds the result).
      this.asm.ldr(x10, this.#areaBaseSlot())
        .str(x10, mem(x28, 8 * Header.FrameTop));
    }
    if (this.#marker !== undefined) {
      // Returned: no longer somewhere to land.
      this.asm.str(xzr, this.#slot(this.#marker));
    }
    this.#saved.forEach((register, index) => {
      this.asm.ldur(register, mem(x29, -8 * (index + 1)));
    });
    this.asm.mov(sp, x29).ldp(x29, x30, post(sp, 16)).ret();
  }

  constant(value: bigint): void {
    this.asm.mov(x0, value);
  }

  load(slot: number): void {
    this.#loadSlot(x0, slot);
  }

  store(slot: number): void {
    this.#storeSlot(slot, x0);
  }

  loadB(slot: number): void {
    this.#immediateB = undefined;
    this.#registerB = this.#inRegisters.get(slot);
    if (this.#registerB === undefined) this.asm.ldr(x1, this.#slot(slot));
  }

  constantB(value: bigint): void {
    this.#registerB = undefined;
    if (value >= 0n && value <= 4095n) {
      this.#immediateB = Number(value);
      return;
    }
    this.asm.mov(x1, value);
  }

  /** Loads a pending constant or register B into x1. */
  #materializeB(): void {
    if (this.#registerB !== undefined) {
      this.asm.mov(x1, this.#registerB);
      this.#registerB = undefined;
      return;
    }
    if (this.#immediateB === undefined) return;
    this.asm.mov(x1, this.#immediateB);
    this.#immediateB = undefined;
  }

  moveToB(): void {
    this.#immediateB = undefined;
    this.#registerB = undefined;
    this.asm.mov(x1, x0);
  }

  operate(op: Arithmetic): void {
    const a = this.asm;
    const immediate = this.#immediateB;
    if (
      immediate !== undefined &&
      (op === "+" || op === "-" || op === "<<" || op === ">>")
    ) {
      this.#immediateB = undefined;
      if (op === "+") a.add(x0, x0, immediate);
      else if (op === "-") a.sub(x0, x0, immediate);
      // As with a register, the count is taken mod 64.
      else a[op === "<<" ? "lsl" : "lsr"](x0, x0, immediate & 63);
      return;
    }
    const b = this.#registerOfB();
    switch (op) {
      case "+":
        a.add(x0, x0, b);
        return;
      case "-":
        a.sub(x0, x0, b);
        return;
      case "*":
        a.mul(x0, x0, b);
        return;
      case "&":
        a.and(x0, x0, b);
        return;
      case "|":
        a.orr(x0, x0, b);
        return;
      case "XOR":
        a.eor(x0, x0, b);
        return;
      case "<<":
        a.lsl(x0, x0, b);
        return;
      case ">>":
        a.lsr(x0, x0, b);
        return;
      case "/":
        // sdiv does not trap: MIN / -1 gives MIN, as on x86-64 here.
        a.cbz(b, this.#errors.division).sdiv(x0, x0, b);
        return;
      case "REM":
        a.cbz(b, this.#errors.remainder).sdiv(x2, x0, b).msub(x0, x2, b, x0);
        return;
    }
  }

  unary(op: "-" | "~"): void {
    if (op === "-") this.asm.neg(x0, x0);
    else this.asm.movn(x1, 0).eor(x0, x0, x1);
  }

  setRelation(op: Relation): void {
    this.#compare().cset(x0, CONDITIONS[op]).neg(x0, x0);
  }

  branchRelation(op: Relation, label: Label, whenTrue: boolean): void {
    this.#compare().bcond(CONDITIONS[whenTrue ? op : OPPOSITE[op]], label);
  }

  /** `cmp x0, B`, with B as an immediate when it is a pending constant. */
  #compare(): Assembler {
    const immediate = this.#immediateB;
    this.#immediateB = undefined;
    return this.asm.cmp(x0, immediate ?? this.#registerOfB());
  }

  branchZero(label: Label, whenZero: boolean): void {
    if (whenZero) this.asm.cbz(x0, label);
    else this.asm.cbnz(x0, label);
  }

  /**
   * Stops the program unless the word address in x0 (a byte address, with
   * `bytes`) is the program's: its globals, data, heap and frame stack,
   * static words HEADER_WORDS up to the code tables. x9 and x10 are free
   * here.
   */
  #check(bytes = false): void {
    const scale = bytes ? 8 : 1;
    this.asm.sub(x9, x0, HEADER_WORDS * scale)
      .mov(x10, (this.#functionTable - HEADER_WORDS) * scale)
      .cmp(x9, x10)
      .bcond("hs", this.#errors.address);
  }

  loadIndirect(): void {
    this.#check();
    this.asm.ldr(x0, mem(x28, x0, 3));
  }

  storeIndirect(): void {
    const value = this.#registerOfB();
    this.#check();
    this.asm.str(value, mem(x28, x0, 3));
  }

  slotAddress(slot: number): void {
    // A slot whose address is taken lives in the frame-stack area.
    const word = this.#area[slot];
    this.asm.ldr(x0, this.#areaBaseSlot());
    if (word <= MAX_SLOT) this.asm.add(x0, x0, word);
    else this.asm.mov(x9, word).add(x0, x0, x9);
  }

  /** A static word as a memory operand (x9 helps past 4095 words). */
  #static(word: number): ReturnType<typeof mem> {
    if (word <= MAX_SLOT) return mem(x28, 8 * word);
    this.asm.mov(x9, word);
    return mem(x28, x9, 3);
  }

  loadStatic(word: number): void {
    this.asm.ldr(x0, this.#static(word));
  }

  storeStatic(word: number): void {
    this.asm.str(x0, this.#static(word));
  }

  loadStaticB(word: number): void {
    this.#immediateB = undefined;
    this.#registerB = undefined;
    this.asm.ldr(x1, this.#static(word));
  }

  staticAddress(word: number): void {
    // Word addresses count from the static memory's start.
    this.constant(BigInt(word));
  }

  byteAddress(): void {
    this.asm.lsl(x0, x0, 3);
    this.operate("+");
  }

  loadByte(): void {
    this.#check(true);
    this.asm.ldrb(w0, mem(x28, x0));
  }

  storeByte(): void {
    this.#materializeB();
    this.#check(true);
    this.asm.strb(w1, mem(x28, x0));
  }

  callIndirect(slot: number, args: Argument[]): void {
    this.#arguments(args);
    // x16 and x17 are the intra-procedure-call scratch registers.
    this.#loadSlot(x16, slot);
    const a = this.asm.mov(x17, FUNCTION_TAG)
      .sub(x16, x16, x17)
      .mov(x17, this.#functions)
      .cmp(x16, x17)
      .bcond("hs", this.#errors.call)
      .mov(x17, 8 * this.#functionTable)
      .add(x17, x28, x17);
    a.ldr(x16, mem(x17, x16, 3)).blr(x16);
  }

  exit(status: Status): void {
    this.asm.str(x0, mem(x28, 8 * Header.Result))
      .mov(x0, status)
      .b(this.#unwind);
  }

  level(): void {
    this.asm.mov(x0, sp);
  }

  longJump(slot: number, table: number, landings: number): void {
    const failed = this.#errors.longjump;
    this.#loadSlot(x1, slot);
    this.asm.mov(x17, LABEL_TAG)
      .sub(x0, x0, x17)
      .mov(x17, landings)
      .cmp(x0, x17)
      .bcond("hs", failed)
      // The level must lie in the BCPL stack, below the entry's frame.
      .ldr(x9, mem(x28, 8 * Header.StackLimit))
      .cmp(x1, x9)
      .bcond("lo", failed)
      .ldr(x9, mem(x28, 8 * Header.SavedStack))
      .cmp(x1, x9)
      .bcond("hs", failed)
      // ... at or above this frame (a live one), holding its marker.
      .mov(x9, sp)
      .cmp(x1, x9)
      .bcond("lo", failed)
      .mov(x17, 8 * table)
      .add(x17, x28, x17)
      .lsl(x0, x0, 4)
      .add(x17, x17, x0)
      .ldr(x9, mem(x17, 8))
      .ldr(x9, mem(x1, x9))
      .cmp(x1, x9)
      .bcond("ne", failed)
      .ldr(x16, mem(x17))
      .mov(sp, x1)
      .br(x16);
  }

  jumpTable(table: number): void {
    this.asm.mov(x17, 8 * table)
      .add(x17, x28, x17)
      .ldr(x16, mem(x17, x0, 3))
      .br(x16);
  }

  bindLanding(label: Label): void {
    // sp is the level; the frame record is the function's frame above it.
    // The frame stack's top goes back to the end of this function's area.
    this.asm.bind(label);
    this.#addToSp(this.#frame, x29);
    this.asm.ldr(x10, this.#areaBaseSlot());
    if (this.#areaWords <= MAX_SLOT) this.asm.add(x10, x10, this.#areaWords);
    else this.asm.mov(x9, this.#areaWords).add(x10, x10, x9);
    this.asm.str(x10, mem(x28, 8 * Header.FrameTop));
  }

  call(label: Label, args: Argument[]): void {
    this.#arguments(args);
    this.asm.bl(label);
  }

  #arguments(args: Argument[]): void {
    const a = this.asm;
    const registers = ARGUMENT_REGISTERS.length;
    // A is x0, itself an argument register: move it out before the others load.
    const inA = args.findIndex((arg) => "accumulator" in arg);
    if (inA >= registers) a.str(x0, mem(sp, 8 * (inA - registers)));
    else if (inA > 0) a.mov(ARGUMENT_REGISTERS[inA], x0);
    args.forEach((arg, index) => {
      if ("accumulator" in arg) return;
      const register = index < registers ? ARGUMENT_REGISTERS[index] : x9;
      if ("slot" in arg) this.#loadSlot(register, arg.slot);
      else a.mov(register, arg.constant);
      if (index >= registers) a.str(x9, mem(sp, 8 * (index - registers)));
    });
  }

  runtime(op: RuntimeOp): void {
    this.asm.mov(x1, x0).mov(x0, op).ldr(x16, mem(x28, 8)).blr(x16);
  }

  /** Where the frame keeps the address of the function's area. */
  #areaBaseSlot(): ReturnType<typeof mem> {
    return mem(sp, this.#outgoing + 8 * this.#areaBase);
  }

  /**
   * A slot in memory: in the function's frame-stack area (its address in
   * x10 first), or in the frame.
   */
  #slot(slot: number): ReturnType<typeof mem> {
    const word = this.#area[slot] ?? -1;
    if (word >= 0) {
      this.asm.ldr(x10, this.#areaBaseSlot())
        .lsl(x10, x10, 3)
        .add(x10, x28, x10);
      if (word <= MAX_SLOT) return mem(x10, 8 * word);
      this.asm.mov(x11, word);
      return mem(x10, x11, 3);
    }
    slot += this.#outgoing / 8;
    if (slot > MAX_SLOT) {
      throw new RangeError(
        `a function uses more than ${MAX_SLOT + 1} scalar slots`,
      );
    }
    return mem(sp, 8 * slot);
  }

  /** `target = sp + offset` in 12-bit pieces (offset may be negative). */
  #addToSp(offset: number, target: A64Register): void {
    const a = this.asm;
    const magnitude = Math.abs(offset);
    const high = magnitude & ~0xfff;
    const low = magnitude & 0xfff;
    const apply = (from: A64Register, amount: number): void => {
      if (offset < 0) a.sub(target, from, amount);
      else a.add(target, from, amount);
    };
    if (high === 0 && low === 0) {
      if (target !== sp) a.mov(target, sp);
      return;
    }
    let from: A64Register = sp;
    if (high !== 0) {
      apply(from, high);
      from = target;
    }
    if (low !== 0) apply(from, low);
  }
}
