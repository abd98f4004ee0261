/**
 * AArch64 branches: to labels (`b`, `bl`, `b.cond`, `cbz`, `cbnz`, and the
 * PC-relative `adr`), recorded as fixups that layout patches in place, and
 * through registers (`br`, `blr`, `ret`).
 *
 * @module
 */

import {
  type CodeEmitter,
  conditionIn,
  Fixup,
  invalidOperand,
} from "../assembler.ts";
import { registerCode, sf, ZR } from "./encoding.ts";
import { CONDITIONS } from "./operands.ts";
import type { A64Register } from "./registers.ts";

/** `b.<cond>` per condition, made once. */
const B_COND: Record<string, string> = Object.create(null);
for (const condition of Object.keys(CONDITIONS)) {
  B_COND[condition] = `b.${condition}`;
}

/**
 * A branch to a label whose offset field is patched at layout.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param kind Where the offset goes.
 * @param opcode The word without the offset.
 * @param target A label of this assembler.
 */
export function toLabel(
  e: CodeEmitter,
  m: string,
  kind: Fixup,
  opcode: number,
  target: unknown,
): void {
  const label = e.labelId(m, target);
  const at = e.cursor;
  e.word(opcode);
  e.fixup(kind, at, label, m);
}

/**
 * `b.cond label`.
 *
 * @param e The emitter.
 * @param condition A condition.
 * @param target A label of this assembler.
 */
export function bcond(
  e: CodeEmitter,
  condition: unknown,
  target: unknown,
): void {
  const code = conditionIn(CONDITIONS, "b.cond", condition);
  toLabel(
    e,
    B_COND[condition as string],
    Fixup.A64Branch19,
    0x54000000 | code,
    target,
  );
}

/**
 * `cbz`/`cbnz rt, label`.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode 0x34000000 (cbz) or 0x35000000 (cbnz).
 * @param rt The register tested.
 * @param target A label of this assembler.
 */
export function compareBranch(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rt: unknown,
  target: unknown,
): void {
  const r = registerCode(m, rt, ZR);
  toLabel(
    e,
    m,
    Fixup.A64Branch19,
    sf((rt as A64Register).bits) | opcode | r,
    target,
  );
}

/**
 * `adr xd, label`.
 *
 * @param e The emitter.
 * @param rd An x register.
 * @param target A label of this assembler.
 */
export function adr(e: CodeEmitter, rd: unknown, target: unknown): void {
  const m = "adr";
  const d = registerCode(m, rd, ZR);
  if ((rd as A64Register).bits !== 64) {
    throw invalidOperand(m, "the destination must be an x register");
  }
  toLabel(e, m, Fixup.A64Adr, 0x10000000 | d, target);
}

/**
 * `br`, `blr`, `ret` through an x register.
 *
 * @param e The emitter.
 * @param m The mnemonic.
 * @param opcode The word without the register.
 * @param rn An x register.
 */
export function branchRegister(
  e: CodeEmitter,
  m: string,
  opcode: number,
  rn: unknown,
): void {
  const n = registerCode(m, rn, ZR);
  if ((rn as A64Register).bits !== 64) {
    throw invalidOperand(m, "the register must be an x register");
  }
  e.word(opcode | (n << 5));
}
