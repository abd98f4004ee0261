/**
 * x86-64 control flow and the condition-code family: `jmp`, `call`,
 * `jcc`, `setcc` and `cmovcc`.
 *
 * Branches to labels are written short (`eb`/`7x` rel8) and recorded as
 * fixups; layout grows the ones that do not reach, as GNU as does.
 *
 * @module
 */

import {
  type CodeEmitter,
  conditionIn,
  Fixup,
  invalidOperand,
} from "../assembler.ts";
import { emitRm, needsByteRex } from "./encoding.ts";
import { wideRegisterPair } from "./integer.ts";
import { type Condition, CONDITIONS } from "./operands.ts";
import { X86Register } from "./registers.ts";
import type { X86Memory } from "./operands.ts";

/** Mnemonics per condition, made once (no string building per branch). */
function names(prefix: string): Record<string, string> {
  const table: Record<string, string> = Object.create(null);
  for (const condition of Object.keys(CONDITIONS)) {
    table[condition] = prefix + condition;
  }
  return table;
}
const JCC = names("j");
const SETCC = names("set");
const CMOVCC = names("cmov");

/**
 * `jmp label` (rel8 or rel32, chosen at layout) or `jmp r64`.
 *
 * @param e The emitter.
 * @param target A label of this assembler, or a 64-bit register.
 */
export function jmp(e: CodeEmitter, target: unknown): void {
  if (target instanceof X86Register) {
    indirect(e, "jmp", 4, target);
    return;
  }
  const label = e.labelId("jmp", target);
  e.begin(2);
  const at = e.cursor;
  e.u8(0xeb);
  e.u8(0);
  e.fixup(Fixup.X86Jmp, at, label, "jmp");
}

/**
 * `call label` (rel32) or `call r64`.
 *
 * @param e The emitter.
 * @param target A label of this assembler, or a 64-bit register.
 */
export function call(e: CodeEmitter, target: unknown): void {
  if (target instanceof X86Register) {
    indirect(e, "call", 2, target);
    return;
  }
  const label = e.labelId("call", target);
  e.begin(5);
  e.u8(0xe8);
  const at = e.cursor;
  e.u32(0);
  e.fixup(Fixup.X86Rel32, at, label, "call");
}

/**
 * `jcc label` for a condition (rel8 or rel32, chosen at layout).
 *
 * @param e The emitter.
 * @param condition A GNU condition suffix.
 * @param target A label of this assembler.
 */
export function jcc(e: CodeEmitter, condition: unknown, target: unknown): void {
  const code = conditionIn(CONDITIONS, "jcc", condition);
  jumpIf(e, code, JCC[condition as Condition], target);
}

/**
 * `jcc label` for a condition code already known.
 *
 * @param e The emitter.
 * @param code The condition's code, 0..15.
 * @param m The mnemonic, for errors.
 * @param target A label of this assembler.
 */
export function jumpIf(
  e: CodeEmitter,
  code: number,
  m: string,
  target: unknown,
): void {
  const label = e.labelId(m, target);
  e.begin(2);
  const at = e.cursor;
  e.u8(0x70 | code);
  e.u8(0);
  e.fixup(Fixup.X86Jcc, at, label, m);
}

/**
 * `setcc r8`.
 *
 * @param e The emitter.
 * @param condition A GNU condition suffix.
 * @param dst An 8-bit register.
 */
export function setcc(e: CodeEmitter, condition: unknown, dst: unknown): void {
  const code = conditionIn(CONDITIONS, "setcc", condition);
  const m = SETCC[condition as Condition];
  if (!(dst instanceof X86Register) || dst.bits !== 8) {
    throw invalidOperand(m, "the destination must be an 8-bit register");
  }
  emitRm(e, m, 0x0f90 | code, 0, dst, false, needsByteRex(dst), 0, 0);
}

/**
 * `cmovcc r, r/m`.
 *
 * @param e The emitter.
 * @param condition A GNU condition suffix.
 * @param dst A 32- or 64-bit register.
 * @param src A register or memory operand of the same size.
 */
export function cmovcc(
  e: CodeEmitter,
  condition: unknown,
  dst: unknown,
  src: unknown,
): void {
  const code = conditionIn(CONDITIONS, "cmovcc", condition);
  const m = CMOVCC[condition as Condition];
  const bits = wideRegisterPair(m, dst, src);
  emitRm(
    e,
    m,
    0x0f40 | code,
    (dst as X86Register).code,
    src as X86Register | X86Memory,
    bits === 64,
    false,
    0,
    0,
  );
}

function indirect(
  e: CodeEmitter,
  m: string,
  digit: number,
  target: X86Register,
): void {
  if (target.bits !== 64) {
    throw invalidOperand(m, "an indirect target must be a 64-bit register");
  }
  emitRm(e, m, 0xff, digit, target, false, false, 0, 0);
}
