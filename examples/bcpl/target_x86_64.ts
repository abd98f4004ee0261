/**
 * The accumulator machine on x86-64 (System V): A is rax, B is rcx, frame
 * slots are at [rsp + 8*slot] (rsp stays put inside a function, so it is
 * 16-byte aligned at every call), r15 holds the runtime area:
 * [r15] stack limit, [r15+8] host callback, [r15+16] saved stack pointer,
 * [r15+24] start()'s result.
 *
 * @module
 */

import {
  al,
  Assembler,
  cl,
  eax,
  ecx,
  edi,
  type Label,
  mem,
  r15,
  r8,
  r9,
  rax,
  rcx,
  rdi,
  rdx,
  rsi,
  rsp,
  type X86Register,
} from "../../arch/x86_64.ts";
import {
  type Argument,
  type Arithmetic,
  OPPOSITE,
  type Relation,
  type Target,
} from "./codegen.ts";
import { type RuntimeOp, STACK_BYTES, Status } from "./runtime.ts";

const ARGUMENT_REGISTERS: X86Register[] = [rdi, rsi, rdx, rcx, r8, r9];

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
const ARITHMETIC = { "+": "add", "-": "sub", "&": "and", "|": "or" } as const;

/** x86-64 code for the BCPL code generator. */
export class X86Target implements Target<Label> {
  readonly asm = new Assembler();
  readonly #errors = {
    division: this.asm.label(),
    remainder: this.asm.label(),
    stack: this.asm.label(),
  };
  /**
   * A constant B not yet loaded into rcx: the next operation may take it as
   * an immediate (`sub rax, 1` instead of `mov rcx, 1; sub rax, rcx`).
   */
  #immediateB: bigint | undefined;
  /** The current function's frame size in bytes. */
  #frame = 0;

  label(): Label {
    return this.asm.label();
  }

  bind(label: Label): void {
    this.asm.bind(label);
  }

  jump(label: Label): void {
    this.asm.jmp(label);
  }

  entry(start: Label): void {
    const a = this.asm;
    const exit = a.label();
    const unwind = a.label();
    // r15 is callee-saved; with the return address, rsp is 16-byte aligned.
    a.push(r15)
      .mov(r15, rdi)
      .mov(mem(r15, 16), rsp)
      .mov(rax, rsp).sub(rax, STACK_BYTES).mov(mem(r15, 0), rax)
      .call(start)
      .mov(mem(r15, 24), rax)
      .xor(eax, eax)
      .bind(exit);
    a.pop(r15).ret();
    const stub = (label: Label, status: Status): void => {
      a.bind(label).mov(eax, status).jmp(unwind);
    };
    stub(this.#errors.division, Status.Division);
    stub(this.#errors.remainder, Status.Remainder);
    stub(this.#errors.stack, Status.Stack);
    // Back to the entry's frame, whatever the depth: the BCPL frames are
    // abandoned, and the entry returns the status.
    a.bind(unwind).mov(rsp, mem(r15, 16)).jmp(exit);
  }

  prologue(slots: number, params: number): void {
    // With the return address, the frame keeps rsp 16-byte aligned for calls.
    this.#frame = Math.ceil((8 * slots + 8) / 16) * 16 - 8;
    const a = this.asm.sub(rsp, this.#frame);
    a.cmp(rsp, mem(r15, 0)).jb(this.#errors.stack);
    for (let index = 0; index < params; index++) {
      a.mov(mem(rsp, 8 * index), ARGUMENT_REGISTERS[index]);
    }
  }

  epilogue(): void {
    this.asm.add(rsp, this.#frame).ret();
  }

  constant(value: bigint): void {
    if (value === 0n) this.asm.xor(eax, eax);
    else this.asm.mov(rax, value);
  }

  load(slot: number): void {
    this.asm.mov(rax, mem(rsp, 8 * slot));
  }

  store(slot: number): void {
    this.asm.mov(mem(rsp, 8 * slot), rax);
  }

  loadB(slot: number): void {
    this.#immediateB = undefined;
    this.asm.mov(rcx, mem(rsp, 8 * slot));
  }

  constantB(value: bigint): void {
    if (value >= -(2n ** 31n) && value < 2n ** 31n) {
      this.#immediateB = value;
      return;
    }
    this.asm.mov(rcx, value);
  }

  /** Loads a pending constant B into rcx. */
  #materializeB(): void {
    if (this.#immediateB === undefined) return;
    const value = this.#immediateB;
    this.#immediateB = undefined;
    if (value === 0n) this.asm.xor(ecx, ecx);
    else this.asm.mov(rcx, value);
  }

  moveToB(): void {
    this.#immediateB = undefined;
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
    this.#materializeB();
    switch (op) {
      case "+":
        a.add(rax, rcx);
        return;
      case "-":
        a.sub(rax, rcx);
        return;
      case "*":
        a.imul(rax, rcx);
        return;
      case "&":
        a.and(rax, rcx);
        return;
      case "|":
        a.or(rax, rcx);
        return;
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
    return this.asm.cmp(rax, immediate ?? rcx);
  }

  branchZero(label: Label, whenZero: boolean): void {
    const a = this.asm.test(rax, rax);
    if (whenZero) a.je(label);
    else a.jne(label);
  }

  loadIndirect(): void {
    this.asm.shl(rax, 3).mov(rax, mem(rax));
  }

  storeIndirect(): void {
    this.#materializeB();
    this.asm.shl(rax, 3).mov(mem(rax), rcx);
  }

  slotAddress(slot: number): void {
    this.asm.lea(rax, mem(rsp, 8 * slot)).shr(rax, 3);
  }

  call(label: Label, args: Argument[]): void {
    args.forEach((arg, index) => {
      const register = ARGUMENT_REGISTERS[index];
      if ("slot" in arg) this.asm.mov(register, mem(rsp, 8 * arg.slot));
      else if ("constant" in arg) this.asm.mov(register, arg.constant);
      else this.asm.mov(register, rax);
    });
    this.asm.call(label);
  }

  runtime(op: RuntimeOp): void {
    this.asm.mov(rsi, rax).mov(edi, op).mov(rax, mem(r15, 8)).call(rax);
  }

  address(label: Label): void {
    this.asm.lea(rax, mem(label));
  }

  data(label: Label, bytes: Uint8Array): void {
    this.asm.bind(label).data(bytes);
  }
}
