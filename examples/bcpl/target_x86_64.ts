/**
 * The accumulator machine on x86-64, for either calling convention
 * (System V or Windows x64, see {@linkcode X86CallingConvention}): A is
 * rax, B is rcx, frame slots are words at fixed offsets from rsp (rsp
 * stays put inside a function, so it is 16-byte aligned at every call),
 * r15 holds the runtime area: [r15] stack limit, [r15+8] host callback,
 * [r15+16] saved stack pointer, [r15+24] start()'s result.
 *
 * Calls between BCPL functions follow the same convention as calls from
 * and to the host: one set of rules for every call. The code uses rax,
 * rcx, rdx, r8-r10 and, for System V arguments, rdi and rsi: all free to
 * use in their convention. The one register either convention wants
 * preserved, r15, is saved by the entry; no BCPL function writes another
 * (so on Windows rdi, rsi and xmm6-xmm15 need no saving: nothing touches
 * them).
 *
 * A frame, from rsp up:
 *
 * - Windows x64: the outgoing area (32 bytes of shadow space the callee
 *   may use, then arguments 5 and 6), only in functions that call
 *   anything; the function's own slots; the return address; then, in the
 *   caller's outgoing area, the parameters: the first four are stored into
 *   their shadow space, the rest arrive there.
 * - System V: the slots, parameters first (stored from their registers);
 *   the return address.
 *
 * @module
 */

import {
  al,
  Assembler,
  byte,
  callingConvention,
  cl,
  eax,
  ecx,
  type Label,
  mem,
  r10,
  r11,
  r12,
  r13,
  r14,
  r15,
  rax,
  rbp,
  rbx,
  rcx,
  rdi,
  rdx,
  rsi,
  rsp,
  type X86CallingConvention,
  X86Memory,
  type X86Register,
} from "../../arch/x86_64.ts";
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

/**
 * Windows commits a thread's stack one page at a time, when the guard page
 * below the committed part is touched; touching further down faults. A
 * frame this large or larger is touched a page at a time, top down, before
 * use (what MSVC's __chkstk does).
 */
const PROBE_BYTES = 4096;

/** Jump mnemonics by relation. */
const JUMPS = {
  "=": "je",
  "~=": "jne",
  "<": "jl",
  "<=": "jle",
  ">": "jg",
  ">=": "jge",
} as const;
const SETS = {
  "=": "sete",
  "~=": "setne",
  "<": "setl",
  "<=": "setle",
  ">": "setg",
  ">=": "setge",
} as const;
const ARITHMETIC = {
  "+": "add",
  "-": "sub",
  "&": "and",
  "|": "or",
  XOR: "xor",
} as const;

/**
 * The registers slots may live in: callee-saved in the convention, so a
 * call keeps them, and a function saves those it uses.
 */
function slotRegisters(convention: X86CallingConvention): X86Register[] {
  return convention.name === "win64"
    ? [rbx, rsi, rdi, r12, r13, r14, rbp]
    : [rbx, r12, r13, r14, rbp];
}

/** x86-64 code for the BCPL code generator. */
export class X86Target implements Target<Label> {
  readonly asm = new Assembler();
  /** Whose rules calls follow. */
  readonly convention: X86CallingConvention;
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
  /** Where, from rsp, the current function keeps its area's address. */
  #areaBase = 0;
  /** Where exits go: back to the entry's frame, status in eax. */
  readonly #unwind = this.asm.label();
  /** How many functions the function table holds. */
  #functions = 0;
  /**
   * A constant B not yet loaded into rcx: the next operation may take it as
   * an immediate (`sub rax, 1` instead of `mov rcx, 1; sub rax, rcx`).
   */
  #immediateB: bigint | undefined;
  /** The current function's frame size in bytes (below the return address). */
  #frame = 0;
  /** Bytes at the bottom of the frame for the callees' use. */
  #outgoing = 0;
  /** The current function's parameter count. */
  #params = 0;
  /** The current function's slots in registers: slot -> register. */
  #inRegisters = new Map<number, X86Register>();
  /** The callee-saved registers the current function pushes. */
  #saved: X86Register[] = [];
  /** A register slot as B, not yet copied to rcx. */
  #registerB: X86Register | undefined;
  /** The current function's marker slot, if longjump may land in it. */
  #marker: number | undefined;
  readonly markers = new Map<number, number>();
  /**
   * Whether the caller keeps a home for every parameter (Windows x64),
   * where the parameters then live, rather than in the callee's frame.
   */
  readonly #homed: boolean;

  /**
   * @param convention The calling convention of the code (default: this
   *   process's, so that the code can run here).
   */
  constructor(convention: X86CallingConvention = callingConvention()) {
    this.convention = convention;
    this.#homed = convention.shadowSpace > 0;
    this.registerCount = slotRegisters(convention).length;
  }

  /** How many slots may live in registers (registers.ts). */
  readonly registerCount: number;

  label(name?: string): Label {
    return this.asm.label(name);
  }

  bind(label: Label): void {
    this.asm.bind(label);
  }

  jump(label: Label): void {
    this.asm.jmp(label);
  }

  entry(start: Label, functions: number, functionTable: number): void {
    this.#functions = functions;
    this.#functionTable = functionTable;
    const a = this.asm;
    const exit = a.label();
    const unwind = this.#unwind;
    const { integerArguments, shadowSpace } = this.convention;
    // r15 and the slot registers are callee-saved: the entry saves them
    // all, so a runtime error can leave from any depth. rsp is then
    // 16-byte aligned, below start()'s shadow space too.
    const saved = [r15, ...slotRegisters(this.convention)];
    for (const register of saved) a.push(register);
    const pad = (8 * saved.length + 8) % 16;
    a.mov(r15, integerArguments[0]);
    if (shadowSpace + pad > 0) a.sub(rsp, shadowSpace + pad);
    a.mov(mem(r15, 16), rsp)
      .mov(rax, rsp).sub(rax, STACK_BYTES).mov(mem(r15, 0), rax)
      .call(start)
      .mov(mem(r15, 24), rax)
      .xor(eax, eax)
      .bind(exit);
    if (shadowSpace + pad > 0) a.add(rsp, shadowSpace + pad);
    for (const register of saved.toReversed()) a.pop(register);
    a.ret();
    const stub = (label: Label, status: Status): void => {
      a.bind(label).mov(eax, status).jmp(unwind);
    };
    stub(this.#errors.division, Status.Division);
    stub(this.#errors.remainder, Status.Remainder);
    stub(this.#errors.stack, Status.Stack);
    stub(this.#errors.call, Status.Call);
    stub(this.#errors.address, Status.Address);
    stub(this.#errors.longjump, Status.LongJump);
    // Back to the entry's frame, whatever the depth: the BCPL frames are
    // abandoned, and the entry returns the status.
    a.bind(unwind).mov(rsp, mem(r15, 16)).jmp(exit);
  }

  prologue(layout: FrameLayout, params: number, index: number): void {
    const { integerArguments, shadowSpace } = this.convention;
    this.#marker = layout.markerSlot;
    const stackArguments = Math.max(
      0,
      layout.maxCallArguments - integerArguments.length,
    );
    this.#params = params;
    this.#outgoing = layout.calls ? shadowSpace + 8 * stackArguments : 0;
    const available = slotRegisters(this.convention);
    this.#inRegisters = new Map();
    (layout.registers ?? []).forEach((register, slot) => {
      if (register >= 0) this.#inRegisters.set(slot, available[register]);
    });
    // A function longjump lands in saves them all: whatever the functions
    // it left were doing with them, its return gives its caller's back.
    this.#saved = layout.landing
      ? available
      : [...new Set(this.#inRegisters.values())];
    this.#area = layout.area ?? [];
    this.#areaWords = layout.areaWords ?? 0;
    this.#hasArea = this.#areaWords > 0 || layout.landing;
    // The scalars, and a word for the frame-stack area's address; vectors
    // live in the area.
    const ownSlots = layout.scalarSlots - (this.#homed ? params : 0) + 1;
    this.#areaBase = this.#outgoing + 8 * (ownSlots - 1);
    // With the return address and the pushes, the frame keeps rsp 16-byte
    // aligned for calls.
    const above = 8 + 8 * this.#saved.length;
    this.#frame = Math.ceil((this.#outgoing + 8 * ownSlots + above) / 16) *
        16 - above;
    const a = this.asm;
    const registers = Math.min(params, integerArguments.length);
    if (this.#homed) {
      // Into the shadow space, before rsp moves: [rsp] is the return address.
      for (let index = 0; index < registers; index++) {
        if (this.#inRegisters.has(index)) continue;
        a.mov(mem(rsp, 8 + 8 * index), integerArguments[index]);
      }
    }
    for (const register of this.#saved) a.push(register);
    if (this.#homed) {
      // Parameters that live in registers: from theirs, or from their home
      // (above the pushes and the return address; rsp has not moved yet).
      for (const [slot, register] of this.#inRegisters) {
        if (slot >= params) continue;
        if (slot < registers) a.mov(register, integerArguments[slot]);
        else a.mov(register, mem(rsp, 8 * this.#saved.length + 8 + 8 * slot));
      }
    }
    a.sub(rsp, this.#frame);
    a.cmp(rsp, mem(r15, 0)).jb(this.#errors.stack);
    if (this.convention.name === "win64" && this.#frame >= PROBE_BYTES) {
      this.#probe();
    }
    if (this.#hasArea) {
      // The function's area of the frame stack (r10 and r11 carry no
      // argument in either convention).
      a.mov(r11, mem(r15, 8 * Header.FrameTop))
        .lea(r10, mem(r11, this.#areaWords))
        .cmp(r10, mem(r15, 8 * Header.FrameEnd))
        .ja(this.#errors.stack)
        .mov(mem(r15, 8 * Header.FrameTop), r10)
        .mov(mem(rsp, this.#areaBase), r11);
      if (this.#homed) {
        // Parameters in the area: from their registers or their homes.
        for (let slot = 0; slot < params; slot++) {
          if (this.#area[slot] < 0) continue;
          if (slot < registers) {
            a.mov(this.#memorySlot(slot), integerArguments[slot]);
          } else {
            a.mov(rax, mem(rsp, this.#above() + 8 * slot))
              .mov(this.#memorySlot(slot), rax);
          }
        }
      }
    }
    if (this.#marker !== undefined) {
      // The level, where longjump will look for it before it lands.
      const marker = this.#memorySlot(this.#marker);
      a.mov(marker, rsp);
      this.markers.set(index, marker.displacement);
    }
    if (!this.#homed) {
      for (let index = 0; index < registers; index++) {
        a.mov(this.#slot(index), integerArguments[index]);
      }
      // The rest arrived above the return address: copied next to the
      // others, so the parameters are consecutive words (`@a` gives them
      // as a vector, as BCPL's writef expects).
      for (let index = registers; index < params; index++) {
        const arrived = mem(
          rsp,
          this.#above() + 8 * (index - integerArguments.length),
        );
        const slot = this.#slot(index);
        if (slot instanceof X86Memory) a.mov(rax, arrived).mov(slot, rax);
        else a.mov(slot, arrived);
      }
    }
  }

  /**
   * Touches the new frame a page at a time from the top, so that each
   * touch lands at most one page below the one before (the return
   * address was the last). Only after the limit check: the pages are the
   * BCPL stack's. rax is free: arguments are in other registers.
   */
  #probe(): void {
    const a = this.asm;
    const loop = a.label();
    const done = a.label();
    a.lea(rax, mem(rsp, this.#frame))
      .bind(loop)
      .sub(rax, PROBE_BYTES)
      .cmp(rax, rsp)
      .jbe(done)
      .test(mem(rax), eax)
      .jmp(loop)
      .bind(done)
      .test(mem(rsp), eax);
  }

  /**
   * Where a slot is: its register, a parameter's home in the caller's
   * frame, or ours.
   */
  #slot(slot: number): X86Memory | X86Register {
    const register = this.#inRegisters.get(slot);
    if (register !== undefined) return register;
    return this.#memorySlot(slot);
  }

  /** From rsp to the caller's area: the frame, the pushes, the return. */
  #above(): number {
    return this.#frame + 8 * this.#saved.length + 8;
  }

  /**
   * A slot in memory: in the function's frame-stack area (its address in
   * r11 first), a parameter's home in the caller's frame, or ours.
   */
  #memorySlot(slot: number): X86Memory {
    const word = this.#area[slot] ?? -1;
    if (word >= 0) {
      this.asm.mov(r11, mem(rsp, this.#areaBase));
      return mem(r15, r11, 8, 8 * word);
    }
    if (this.#homed && slot < this.#params) {
      return mem(rsp, this.#above() + 8 * slot);
    }
    const own = slot - (this.#homed ? this.#params : 0);
    return mem(rsp, this.#outgoing + 8 * own);
  }

  epilogue(): void {
    if (this.#hasArea) {
      // The area goes back to the frame stack (rax holds the result).
      this.asm.mov(r11, mem(rsp, this.#areaBase))
        .mov(mem(r15, 8 * Header.FrameTop), r11);
    }
    if (this.#marker !== undefined) {
      // Returned: no longer somewhere to land (rax holds the result).
      this.asm.xor(ecx, ecx).mov(this.#memorySlot(this.#marker), rcx);
    }
    this.asm.add(rsp, this.#frame);
    for (const register of this.#saved.toReversed()) this.asm.pop(register);
    this.asm.ret();
  }

  constant(value: bigint): void {
    if (value === 0n) this.asm.xor(eax, eax);
    else this.asm.mov(rax, value);
  }

  load(slot: number): void {
    this.asm.mov(rax, this.#slot(slot));
  }

  store(slot: number): void {
    this.asm.mov(this.#slot(slot), rax);
  }

  loadB(slot: number): void {
    this.#immediateB = undefined;
    this.#registerB = this.#inRegisters.get(slot);
    if (this.#registerB === undefined) {
      this.asm.mov(rcx, this.#memorySlot(slot));
    }
  }

  constantB(value: bigint): void {
    this.#registerB = undefined;
    if (value >= -(2n ** 31n) && value < 2n ** 31n) {
      this.#immediateB = value;
      return;
    }
    this.asm.mov(rcx, value);
  }

  /** Loads a pending constant or register B into rcx. */
  #materializeB(): void {
    if (this.#registerB !== undefined) {
      this.asm.mov(rcx, this.#registerB);
      this.#registerB = undefined;
      return;
    }
    if (this.#immediateB === undefined) return;
    const value = this.#immediateB;
    this.#immediateB = undefined;
    if (value === 0n) this.asm.xor(ecx, ecx);
    else this.asm.mov(rcx, value);
  }

  /** B as a register: a register slot's own, or rcx. */
  #registerOfB(): X86Register {
    const register = this.#registerB;
    if (register === undefined) {
      this.#materializeB();
      return rcx;
    }
    this.#registerB = undefined;
    return register;
  }

  moveToB(): void {
    this.#immediateB = undefined;
    this.#registerB = undefined;
    this.asm.mov(rcx, rax);
  }

  operate(op: Arithmetic): void {
    const a = this.asm;
    const immediate = this.#immediateB;
    if (immediate !== undefined && op !== "/" && op !== "REM") {
      this.#immediateB = undefined;
      if (op === "*") a.imul(rax, rax, immediate);
      else if (op === "<<" || op === ">>") {
        // As with cl, the count is taken mod 64.
        a[op === "<<" ? "shl" : "shr"](
          rax,
          Number(BigInt.asUintN(6, immediate)),
        );
      } else a[ARITHMETIC[op]](rax, immediate);
      return;
    }
    if (op === "*") {
      a.imul(rax, this.#registerOfB());
      return;
    }
    if (op in ARITHMETIC) {
      a[ARITHMETIC[op as keyof typeof ARITHMETIC]](rax, this.#registerOfB());
      return;
    }
    this.#materializeB();
    switch (op) {
      case "<<":
        a.shl(rax, cl);
        return;
      case ">>":
        a.shr(rax, cl);
        return;
      case "/":
      case "REM": {
        // idiv traps on a zero divisor and on MIN / -1: both are caught
        // first (MIN / -1 wraps to MIN, its remainder is 0).
        const minusOne = a.label();
        const done = a.label();
        a.test(rcx, rcx).je(
          op === "/" ? this.#errors.division : this.#errors.remainder,
        )
          .cmp(rcx, -1).je(minusOne)
          .cqo().idiv(rcx);
        if (op === "REM") a.mov(rax, rdx);
        a.jmp(done).bind(minusOne);
        if (op === "/") a.neg(rax);
        else a.xor(eax, eax);
        a.bind(done);
        return;
      }
    }
  }

  unary(op: "-" | "~"): void {
    if (op === "-") this.asm.neg(rax);
    else this.asm.not(rax);
  }

  setRelation(op: Relation): void {
    this.#compare()[SETS[op]](al).movzx(eax, al).neg(rax);
  }

  branchRelation(op: Relation, label: Label, whenTrue: boolean): void {
    this.#compare()[JUMPS[whenTrue ? op : OPPOSITE[op]]](label);
  }

  /** `cmp rax, B`, with B as an immediate when it is a pending constant. */
  #compare(): Assembler {
    const immediate = this.#immediateB;
    this.#immediateB = undefined;
    return this.asm.cmp(rax, immediate ?? this.#registerOfB());
  }

  branchZero(label: Label, whenZero: boolean): void {
    const a = this.asm.test(rax, rax);
    if (whenZero) a.je(label);
    else a.jne(label);
  }

  /**
   * Stops the program unless the word address in rax (a byte address,
   * with `bytes`) is the program's: its globals, data, heap and frame
   * stack, static words HEADER_WORDS up to the code tables. One compare
   * with a constant. rdx is free here.
   */
  #check(bytes = false): void {
    const scale = bytes ? 8 : 1;
    this.asm.lea(rdx, mem(rax, -HEADER_WORDS * scale))
      .cmp(rdx, (this.#functionTable - HEADER_WORDS) * scale)
      .jae(this.#errors.address);
  }

  loadIndirect(): void {
    this.#check();
    this.asm.mov(rax, mem(r15, rax, 8));
  }

  storeIndirect(): void {
    const value = this.#registerOfB();
    this.#check();
    this.asm.mov(mem(r15, rax, 8), value);
  }

  slotAddress(slot: number): void {
    // A slot whose address is taken lives in the frame-stack area.
    this.asm.mov(rax, mem(rsp, this.#areaBase)).add(rax, this.#area[slot]);
  }

  loadStatic(word: number): void {
    this.asm.mov(rax, mem(r15, 8 * word));
  }

  storeStatic(word: number): void {
    this.asm.mov(mem(r15, 8 * word), rax);
  }

  loadStaticB(word: number): void {
    this.#immediateB = undefined;
    this.#registerB = undefined;
    this.asm.mov(rcx, mem(r15, 8 * word));
  }

  staticAddress(word: number): void {
    // Word addresses count from the static memory's start.
    this.constant(BigInt(word));
  }

  byteAddress(): void {
    this.asm.shl(rax, 3);
    this.operate("+");
  }

  loadByte(): void {
    this.#check(true);
    this.asm.movzx(eax, byte(mem(r15, rax, 1)));
  }

  storeByte(): void {
    this.#materializeB();
    this.#check(true);
    this.asm.mov(byte(mem(r15, rax, 1)), cl);
  }

  callIndirect(slot: number, args: Argument[]): void {
    this.#arguments(args);
    // r11 is free in both conventions and no argument travels in it.
    this.asm.mov(r11, this.#slot(slot))
      .sub(r11, Number(FUNCTION_TAG))
      .cmp(r11, this.#functions)
      .jae(this.#errors.call)
      .mov(r11, mem(r15, r11, 8, 8 * this.#functionTable))
      .call(r11);
  }

  exit(status: Status): void {
    this.asm.mov(mem(r15, 8 * Header.Result), rax)
      .mov(eax, status)
      .jmp(this.#unwind);
  }

  level(): void {
    this.asm.mov(rax, rsp);
  }

  longJump(slot: number, table: number, landings: number): void {
    const failed = this.#errors.longjump;
    this.asm.mov(rdx, this.#slot(slot))
      .sub(rax, Number(LABEL_TAG))
      .cmp(rax, landings)
      .jae(failed)
      // The level must lie in the BCPL stack, below the entry's frame.
      .cmp(rdx, mem(r15, 8 * Header.StackLimit))
      .jb(failed)
      .cmp(rdx, mem(r15, 8 * Header.SavedStack))
      .jae(failed)
      // ... at or above this frame (a live one), holding its marker.
      .cmp(rdx, rsp)
      .jb(failed)
      .shl(rax, 4)
      .mov(rcx, mem(r15, rax, 1, 8 * table + 8))
      .cmp(rdx, mem(rdx, rcx, 1))
      .jne(failed)
      .mov(rax, mem(r15, rax, 1, 8 * table))
      .mov(rsp, rdx)
      .jmp(rax);
  }

  jumpTable(table: number): void {
    this.asm.mov(rax, mem(r15, rax, 8, 8 * table)).jmp(rax);
  }

  bindLanding(label: Label): void {
    // rsp is the level: the frame is as the function's body had it. The
    // frame stack's top goes back to the end of this function's area.
    this.asm.bind(label)
      .mov(r11, mem(rsp, this.#areaBase))
      .add(r11, this.#areaWords)
      .mov(mem(r15, 8 * Header.FrameTop), r11);
  }

  call(label: Label, args: Argument[]): void {
    this.#arguments(args);
    this.asm.call(label);
  }

  #arguments(args: Argument[]): void {
    const { integerArguments, shadowSpace } = this.convention;
    const a = this.asm;
    args.forEach((arg, index) => {
      if (index < integerArguments.length) {
        const register = integerArguments[index];
        if ("slot" in arg) a.mov(register, this.#slot(arg.slot));
        else if ("constant" in arg) a.mov(register, arg.constant);
        else a.mov(register, rax);
        return;
      }
      // Past the registers, on the stack above the shadow space. r10 is
      // free in both conventions; rax may hold the last argument.
      const place = mem(
        rsp,
        shadowSpace + 8 * (index - integerArguments.length),
      );
      if ("slot" in arg) a.mov(r10, this.#slot(arg.slot)).mov(place, r10);
      else if ("constant" in arg) a.mov(r10, arg.constant).mov(place, r10);
      else a.mov(place, rax);
    });
  }

  runtime(op: RuntimeOp): void {
    const { integerArguments, integerArguments32 } = this.convention;
    // callback(op, A)
    this.asm.mov(integerArguments[1], rax)
      .mov(integerArguments32[0], op)
      .mov(rax, mem(r15, 8))
      .call(rax);
  }
}
