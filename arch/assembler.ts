/**
 * What both assemblers share: one growing buffer the instructions are
 * written into in place, labels, and the layout that resolves references
 * to them.
 *
 * An instruction whose bytes depend on a label (a branch, a PC-relative
 * address) is written with a placeholder and recorded as a fixup: its
 * position, its kind and the label's number, in typed arrays. Layout
 * patches the fixups in place. x86-64 `jmp`/`jcc` are written in their
 * short form and grow to the long one only if the label is out of reach,
 * until every one fits: the monotone relaxation the GNU assembler performs,
 * so both choose the same forms. It runs over the branch records alone,
 * and copies the code once only when some branch grew.
 *
 * @module
 */

import { formatListing, type ListingStyle } from "./listing.ts";
import { JITMemoryManagerError } from "../errors.ts";
import { Instruction } from "../instruction.ts";
import { show } from "../validate.ts";

/** Fixup kinds: how a label's address is written into the code. */
export const Fixup = {
  /** x86-64 `jmp rel8`, growing to `jmp rel32` (2 → 5 bytes). */
  X86Jmp: 0,
  /** x86-64 `jcc rel8`, growing to `0f 8x rel32` (2 → 6 bytes). */
  X86Jcc: 1,
  /** An x86-64 32-bit displacement from the end of the instruction. */
  X86Rel32: 2,
  /** AArch64 `b`/`bl`: a 26-bit word offset at bit 0. */
  A64Branch26: 3,
  /** AArch64 `b.cond`/`cbz`/`cbnz`: a 19-bit word offset at bit 5. */
  A64Branch19: 4,
  /** AArch64 `adr`: a 21-bit byte offset split over bits 29-30 and 5-23. */
  A64Adr: 5,
} as const;

/** One of the {@linkcode Fixup} kinds. */
export type Fixup = typeof Fixup[keyof typeof Fixup];

/**
 * The largest program an assembler holds: positions are 32-bit integers,
 * and nothing larger is reachable by a 32-bit displacement anyway.
 */
const MAX_CODE = 2 ** 30;

/** Each kind's reach, for the out-of-range message. */
const REACH = ["±2 GiB", "±2 GiB", "±2 GiB", "±128 MiB", "±1 MiB", "±1 MiB"];

let ownerOf: (label: Label) => object;
let idOf: (label: Label) => number;

/**
 * A position in the code, created by `label()` and placed by `bind()`.
 * Branches may refer to it before it is bound.
 *
 * @example A loop back to a label
 * ```ts
 * import assert from "node:assert/strict";
 * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
 *
 * const a = new Assembler();
 * const top = a.label();
 * a.bind(top).sub(eax, 1).jne(top).ret();
 * assert.equal(a.bytes().length, 6);
 * ```
 */
export class Label {
  readonly #owner: object;
  readonly #id: number;

  static {
    ownerOf = (label) => label.#owner;
    idOf = (label) => label.#id;
  }

  /**
   * Labels are created with `Assembler.label()`.
   *
   * @param owner The assembler the label belongs to.
   * @param id Its number within that assembler.
   */
  constructor(owner: object, id = -1) {
    this.#owner = owner;
    this.#id = id;
  }

  /**
   * Whether the label was created by `owner`.
   *
   * @param owner An assembler.
   * @returns `true` if it belongs to that assembler.
   */
  belongsTo(owner: object): boolean {
    return this.#owner === owner;
  }
}

/**
 * An instruction that refers to a label, as the first engine kept it.
 *
 * @deprecated The engine now records label references as compact fixups
 * in typed arrays; nothing takes a `LabelUse` any more. The type stays
 * exported so that code naming it still compiles.
 */
export interface LabelUse {
  /** The label referred to. */
  readonly label: Label;
  /** The mnemonic, for error messages. */
  readonly mnemonic: string;
  /** Possible sizes in bytes, smallest first. */
  readonly sizes: readonly number[];
  /** The reach of the largest form, for the out-of-range message. */
  readonly range: string;
  /**
   * The instruction's bytes in form `form` at `address`, referring to
   * `target`; `undefined` if the distance does not fit that form.
   */
  encode(form: number, address: number, target: number): Uint8Array | undefined;
}

function grown(array: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

/**
 * Where an engine's first, small arrays come from. A typed array with a
 * buffer of its own costs 1-3 µs to allocate (more than assembling a small
 * function), a view of an existing buffer some 20 ns; so engines carve
 * their first arrays out of shared slabs, each when it is first needed,
 * and allocate arrays of their own only when a program outgrows them.
 */
const SLAB_SIZE = 64 * 1024;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/**
 * A fresh, zeroed piece of a slab.
 *
 * @param bytes Its size, a multiple of 8.
 * @returns The slab and the piece's offset in it.
 */
function carve(bytes: number): [ArrayBuffer, number] {
  if (slabUsed + bytes > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += bytes;
  return [slab, offset];
}

/** Columns of 32-bit records a program starts with. */
const FIRST_RECORDS = 16;

/** `columns` arrays of {@linkcode FIRST_RECORDS} 32-bit values, carved. */
function carveColumns(columns: number): Int32Array<ArrayBuffer>[] {
  const [memory, at] = carve(columns * FIRST_RECORDS * 4);
  const result: Int32Array<ArrayBuffer>[] = [];
  for (let column = 0; column < columns; column++) {
    result.push(
      new Int32Array(memory, at + column * FIRST_RECORDS * 4, FIRST_RECORDS),
    );
  }
  return result;
}

/** Stands for a column not carved yet. */
const NONE = new Int32Array(0);
/** The growth of a program without relaxable branches: none. */
const NO_GROWTH = new Int32Array(1);

/**
 * The emission engine: the code buffer with its cursor, the instruction
 * boundaries, the labels and the fixups. Encoders validate every operand
 * first, then call {@linkcode CodeEmitter.begin} and write their bytes, so
 * that a rejected instruction leaves nothing behind.
 */
export class CodeEmitter {
  /** The code, valid up to {@linkcode CodeEmitter.cursor}. */
  buffer: Uint8Array;
  /** A view of {@linkcode CodeEmitter.buffer} for multi-byte stores. */
  view: DataView;
  /** Where the next byte goes. */
  cursor = 0;

  /**
   * Where instructions (and `data()`/`space()` runs) start: one bit per
   * byte of code, so recording a boundary costs an eighth of a byte.
   */
  #starts: Uint8Array;

  /** Per label: its position (-1 while unbound), and relaxable branches before it. */
  #labelAt: Int32Array<ArrayBuffer>;
  #labelBranches: Int32Array<ArrayBuffer>;
  #labels = 0;
  /** The names of the labels given one, for listings. */
  #labelNames: Map<number, string> | undefined;

  /** Per fixup: the field's position, its kind, the label, the instruction's end. */
  #fixAt: Int32Array<ArrayBuffer>;
  #fixKind: Int32Array<ArrayBuffer>;
  #fixLabel: Int32Array<ArrayBuffer>;
  #fixEnd: Int32Array<ArrayBuffer>;
  /** Relaxable branches emitted before each fixup. */
  #fixBranches: Int32Array<ArrayBuffer>;
  #fixNames: string[] = [];
  #fixups = 0;
  /** Indices into the fixups of the relaxable ones (x86-64 jmp/jcc). */
  #branches: Int32Array<ArrayBuffer>;
  #branchCount = 0;

  /** The last layout, valid while the cursor stays at `#laidOutAt`. */
  #laidOutAt = -1;
  #out: Uint8Array;
  #outView: DataView;
  /** Prefix sums of branch growth: bytes added before branch `i`. */
  #growth: Int32Array<ArrayBuffer>;
  #grew = false;

  /** The assembler labels are checked against. */
  readonly owner: object;

  /**
   * @param owner The assembler that owns this engine's labels.
   */
  constructor(owner: object) {
    this.owner = owner;
    // 256 bytes of code and their boundary bits; labels and fixups are
    // carved when the first is made.
    const [memory, at] = carve(256 + 32);
    this.buffer = new Uint8Array(memory, at, 256);
    this.view = new DataView(memory, at, 256);
    this.#starts = new Uint8Array(memory, at + 256, 32);
    this.#labelAt = this.#labelBranches = NONE;
    this.#fixAt = this.#fixKind = this.#fixLabel = NONE;
    this.#fixEnd = this.#fixBranches = this.#branches = NONE;
    this.#growth = NO_GROWTH;
    this.#out = this.buffer;
    this.#outView = this.view;
  }

  /**
   * Starts an instruction of at most `size` bytes: records its boundary
   * and makes room for it.
   *
   * @param size The most bytes the instruction will write.
   */
  begin(size: number): void {
    const at = this.cursor;
    if (at + size > this.buffer.length) this.#grow(at + size);
    this.#starts[at >> 3] |= 1 << (at & 7);
  }

  /**
   * Writes one byte.
   *
   * @param value 0..255 (higher bits are dropped).
   */
  u8(value: number): void {
    this.buffer[this.cursor++] = value;
  }

  /**
   * Writes a little-endian 16-bit value.
   *
   * @param value The value (higher bits are dropped).
   */
  u16(value: number): void {
    this.view.setUint16(this.cursor, value, true);
    this.cursor += 2;
  }

  /**
   * Writes a little-endian 32-bit value, signed or unsigned.
   *
   * @param value The value (higher bits are dropped).
   */
  u32(value: number): void {
    this.view.setInt32(this.cursor, value, true);
    this.cursor += 4;
  }

  /**
   * Writes a little-endian 64-bit value given as two 32-bit halves.
   *
   * @param low Bits 0-31.
   * @param high Bits 32-63.
   */
  u64(low: number, high: number): void {
    this.view.setInt32(this.cursor, low, true);
    this.view.setInt32(this.cursor + 4, high, true);
    this.cursor += 8;
  }

  /**
   * Writes one AArch64 instruction word as its own instruction.
   *
   * @param value The 32-bit encoding.
   */
  word(value: number): void {
    const at = this.cursor;
    if (at + 4 > this.buffer.length) this.#grow(at + 4);
    this.#starts[at >> 3] |= 1 << (at & 7);
    this.view.setInt32(at, value, true);
    this.cursor = at + 4;
  }

  /**
   * Writes bytes as one run (`data()`, `space()`).
   *
   * @param bytes The bytes.
   */
  run(bytes: ArrayLike<number>): void {
    this.begin(bytes.length);
    for (let index = 0; index < bytes.length; index++) {
      this.buffer[this.cursor++] = bytes[index];
    }
  }

  /**
   * Checks that `label` is one of this engine's labels.
   *
   * @param mnemonic For the error.
   * @param label Anything.
   * @returns The label's number.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` otherwise.
   */
  labelId(mnemonic: string, label: unknown): number {
    if (
      !(label instanceof Label) || ownerOf(label) !== this.owner ||
      !(idOf(label) >= 0 && idOf(label) < this.#labels)
    ) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `${mnemonic}: expected a label created by this assembler`,
      );
    }
    return idOf(label);
  }

  /**
   * Creates a label.
   *
   * @param name A name for listings (optional; most labels have none).
   * @returns A new, unbound label.
   */
  newLabel(name?: string): Label {
    const id = this.#labels++;
    if (name !== undefined) (this.#labelNames ??= new Map()).set(id, name);
    if (id === 0) {
      [this.#labelAt, this.#labelBranches] = carveColumns(2);
    } else if (id === this.#labelAt.length) {
      this.#labelAt = grown(this.#labelAt, id + 1);
      this.#labelBranches = grown(this.#labelBranches, id + 1);
    }
    this.#labelAt[id] = -1;
    return new Label(this.owner, id);
  }

  /**
   * Binds a label at the cursor.
   *
   * @param label A label of this engine.
   */
  bind(label: unknown): void {
    const id = this.labelId("bind", label);
    if (this.#labelAt[id] !== -1) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "bind: the label is already bound",
      );
    }
    this.#labelAt[id] = this.cursor;
    this.#labelBranches[id] = this.#branchCount;
  }

  /**
   * Records a reference to a label. Call it after writing the field (or,
   * for a branch, the whole short form), with the cursor at the
   * instruction's end.
   *
   * @param kind How the reference is written.
   * @param at The field's position (for x86-64 branches: the opcode's).
   * @param label The label's number, from {@linkcode CodeEmitter.labelId}.
   * @param mnemonic For errors.
   */
  fixup(kind: Fixup, at: number, label: number, mnemonic: string): void {
    const index = this.#fixups++;
    if (index === 0) {
      [
        this.#fixAt,
        this.#fixKind,
        this.#fixLabel,
        this.#fixEnd,
        this.#fixBranches,
        this.#branches,
      ] = carveColumns(6);
    } else if (index === this.#fixAt.length) {
      const size = index + 1;
      this.#fixAt = grown(this.#fixAt, size);
      this.#fixKind = grown(this.#fixKind, size);
      this.#fixLabel = grown(this.#fixLabel, size);
      this.#fixEnd = grown(this.#fixEnd, size);
      this.#fixBranches = grown(this.#fixBranches, size);
    }
    this.#fixAt[index] = at;
    this.#fixKind[index] = kind;
    this.#fixLabel[index] = label;
    this.#fixEnd[index] = this.cursor;
    this.#fixBranches[index] = this.#branchCount;
    this.#fixNames[index] = mnemonic;
    if (kind === Fixup.X86Jmp || kind === Fixup.X86Jcc) {
      if (this.#branchCount === this.#branches.length) {
        this.#branches = grown(this.#branches, this.#branchCount + 1);
      }
      this.#branches[this.#branchCount++] = index;
    }
  }

  /**
   * Where a bound label ended up after layout.
   *
   * @param label A label of this engine.
   * @returns Its offset from the start of the code.
   */
  offsetOf(label: unknown): number {
    const id = this.labelId("offsetOf", label);
    if (this.#labelAt[id] === -1) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "offsetOf: the label is not bound",
      );
    }
    this.layout();
    return this.#labelAt[id] + this.#growth[this.#labelBranches[id]];
  }

  /**
   * Lays the code out (once per state of the cursor): relaxes branches,
   * patches every fixup.
   *
   * @returns The code; its length is exact.
   */
  layout(): Uint8Array {
    if (this.#laidOutAt === this.cursor) return this.#out;
    for (let index = 0; index < this.#fixups; index++) {
      if (this.#labelAt[this.#fixLabel[index]] === -1) {
        throw new JITMemoryManagerError(
          "INVALID_ARGUMENT",
          `${this.#fixNames[index]}: branch to a label that was never bound`,
        );
      }
    }
    this.#relax();
    const out = this.#grew
      ? this.#expand()
      : this.buffer.subarray(0, this.cursor);
    this.#out = out;
    if (this.#fixups > 0) {
      this.#outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
      for (let index = 0; index < this.#fixups; index++) this.#patch(index);
    }
    this.#laidOutAt = this.cursor;
    return out;
  }

  /**
   * The bound labels that have names, where they ended up after layout.
   *
   * @returns Name and offset of each, in no particular order.
   */
  namedLabels(): { name: string; offset: number }[] {
    const named: { name: string; offset: number }[] = [];
    if (this.#labelNames === undefined) return named;
    this.layout();
    for (const [id, name] of this.#labelNames) {
      if (this.#labelAt[id] === -1) continue;
      named.push({
        name,
        offset: this.#labelAt[id] + this.#growth[this.#labelBranches[id]],
      });
    }
    return named;
  }

  /**
   * Where each instruction (or data run) starts after layout.
   *
   * @returns The offsets, ascending.
   */
  starts(): number[] {
    this.layout();
    let branch = 0;
    const starts: number[] = [];
    for (let at = 0; at < this.cursor; at++) {
      if (!(this.#starts[at >> 3] & (1 << (at & 7)))) continue;
      // Branches before `at` that grew in layout moved it.
      while (
        branch < this.#branchCount &&
        this.#fixAt[this.#branches[branch]] < at
      ) {
        branch++;
      }
      starts.push(at + this.#growth[branch]);
    }
    return starts;
  }

  /**
   * The laid-out code as one {@linkcode Instruction} per recorded
   * instruction.
   *
   * @param words Whether 4-byte instructions become words (AArch64).
   * @returns The instructions.
   */
  instructions(words: boolean): Instruction[] {
    const code = this.layout();
    const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
    const result: Instruction[] = [];
    const starts = this.starts();
    for (let index = 0; index < starts.length; index++) {
      const start = starts[index];
      const end = index + 1 < starts.length ? starts[index + 1] : code.length;
      result.push(
        words && end - start === 4
          ? new Instruction(view.getUint32(start, true))
          : new Instruction(code.subarray(start, end)),
      );
    }
    return result;
  }

  #grow(needed: number): void {
    if (needed > MAX_CODE) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `the program would grow to ${needed} bytes, beyond the assembler's limit of ${MAX_CODE} (1 GiB)`,
      );
    }
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    let bigger: Uint8Array;
    try {
      bigger = new Uint8Array(size);
    } catch (error) {
      throw new JITMemoryManagerError(
        "INVALID_SIZE",
        `the program cannot grow to ${size} bytes: ${error}`,
        { cause: error },
      );
    }
    bigger.set(this.buffer.subarray(0, this.cursor));
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer);
    const starts = new Uint8Array(size >> 3);
    starts.set(this.#starts);
    this.#starts = starts;
  }

  /** The final position of a label. */
  #target(fixup: number): number {
    const id = this.#fixLabel[fixup];
    return this.#labelAt[id] + this.#growth[this.#labelBranches[id]];
  }

  /**
   * Grows short branches that do not reach until all fit: each round
   * checks every short branch against the positions the current forms
   * give, and grows all that fail at once.
   */
  #relax(): void {
    const count = this.#branchCount;
    if (this.#growth.length < count + 1) {
      this.#growth = count < FIRST_RECORDS
        ? carveColumns(1)[0]
        : new Int32Array(count + 1);
    }
    const growth = this.#growth;
    growth.fill(0, 0, count + 1);
    this.#grew = false;
    if (count === 0) return;
    const extra = new Uint8Array(count);
    for (;;) {
      let changed = false;
      for (let branch = 0; branch < count; branch++) {
        if (extra[branch] !== 0) continue;
        const fixup = this.#branches[branch];
        const end = this.#fixEnd[fixup] + growth[branch];
        const distance = this.#target(fixup) - end;
        if (distance < -128 || distance > 127) {
          extra[branch] = this.#fixKind[fixup] === Fixup.X86Jmp ? 3 : 4;
          changed = true;
        }
      }
      if (!changed) return;
      this.#grew = true;
      for (let branch = 0; branch < count; branch++) {
        growth[branch + 1] = growth[branch] + extra[branch];
      }
    }
  }

  /** Copies the code into a new buffer with the grown branches long. */
  #expand(): Uint8Array {
    const count = this.#branchCount;
    const growth = this.#growth;
    const out = new Uint8Array(this.cursor + growth[count]);
    let from = 0;
    for (let branch = 0; branch < count; branch++) {
      const fixup = this.#branches[branch];
      const at = this.#fixAt[fixup];
      const to = at + growth[branch];
      out.set(this.buffer.subarray(from, at), from + growth[branch]);
      const long = growth[branch + 1] !== growth[branch];
      const opcode = this.buffer[at];
      if (!long) {
        out[to] = opcode;
      } else if (this.#fixKind[fixup] === Fixup.X86Jmp) {
        out[to] = 0xe9;
      } else {
        out[to] = 0x0f;
        out[to + 1] = 0x80 | (opcode & 0x0f);
      }
      from = at + 1; // the displacement is written by #patch
    }
    out.set(this.buffer.subarray(from, this.cursor), from + growth[count]);
    return out;
  }

  #patch(fixup: number): void {
    const kind = this.#fixKind[fixup] as Fixup;
    const shift = this.#growth[this.#fixBranches[fixup]];
    const target = this.#target(fixup);
    const out = this.#out;
    const view = this.#outView;
    const at = this.#fixAt[fixup] + shift;
    let end = this.#fixEnd[fixup] + shift;
    let distance: number;
    switch (kind) {
      case Fixup.X86Jmp:
      case Fixup.X86Jcc: {
        const branch = this.#fixBranches[fixup];
        const long = this.#growth[branch + 1] !== this.#growth[branch];
        if (!long) {
          out[at + 1] = target - end;
          return;
        }
        end += this.#growth[branch + 1] - this.#growth[branch];
        distance = target - end;
        if (distance >= -(2 ** 31) && distance < 2 ** 31) {
          view.setInt32(end - 4, distance, true);
          return;
        }
        break;
      }
      case Fixup.X86Rel32:
        distance = target - end;
        if (distance >= -(2 ** 31) && distance < 2 ** 31) {
          view.setInt32(at, distance, true);
          return;
        }
        break;
      case Fixup.A64Branch26:
      case Fixup.A64Branch19:
      case Fixup.A64Adr: {
        distance = target - at;
        const word = view.getUint32(at, true);
        if (kind === Fixup.A64Adr) {
          if (distance >= -(2 ** 20) && distance < 2 ** 20) {
            const imm = distance & 0x1fffff;
            view.setUint32(
              at,
              (word & 0x9f00001f) | ((imm & 3) << 29) | ((imm >> 2) << 5),
              true,
            );
            return;
          }
          break;
        }
        const words = distance / 4;
        if (distance % 4 !== 0) break;
        if (kind === Fixup.A64Branch26) {
          if (words >= -(2 ** 25) && words < 2 ** 25) {
            view.setUint32(
              at,
              (word & 0xfc000000) | (words & 0x3ffffff),
              true,
            );
            return;
          }
        } else if (words >= -(2 ** 18) && words < 2 ** 18) {
          view.setUint32(
            at,
            (word & 0xff00001f) | ((words & 0x7ffff) << 5),
            true,
          );
          return;
        }
        break;
      }
    }
    throw new JITMemoryManagerError(
      "INVALID_ARGUMENT",
      `${
        this.#fixNames[fixup]
      }: the label is ${distance} bytes away, beyond its reach of ${
        REACH[kind]
      }`,
    );
  }
}

let engineOf: (assembler: AssemblerBase) => CodeEmitter;

/**
 * The shared half of an assembler: the code buffer, labels and the layout
 * that resolves branches. `CodeBuffer.commit()` and `CodePool.add()` take
 * any assembler and copy its code once.
 *
 * @example Labels, data and layout, the same on both CPUs
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AssemblerBase } from "@bcpl/jit-memory";
 * import * as a64 from "@bcpl/jit-memory/aarch64";
 * import * as x86 from "@bcpl/jit-memory/x86_64";
 *
 * for (const a of [new x86.Assembler(), new a64.Assembler()]) {
 *   const base: AssemblerBase = a;
 *   const table = base.label();
 *   a.ret();
 *   base.bind(table).data([1, 2, 3, 4]);
 *   assert.equal(base.offsetOf(table), a instanceof x86.Assembler ? 1 : 4);
 *   assert.deepEqual([...base.bytes().subarray(base.offsetOf(table))], [1, 2, 3, 4]);
 * }
 * ```
 */
export abstract class AssemblerBase {
  readonly #code: CodeEmitter = new CodeEmitter(this);

  static {
    engineOf = (assembler) => assembler.#code;
  }

  /**
   * Creates a label to bind later with {@linkcode AssemblerBase.bind}.
   *
   * @param name A name for {@linkcode AssemblerBase.listing}, which shows
   *   it where the label is bound and beside branches to it (optional).
   * @returns A new, unbound label.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a name that is
   * not a non-empty string on one line.
   */
  label(name?: string): Label {
    if (
      name !== undefined &&
      (typeof name !== "string" || name === "" || /[\n\r\0<>]/.test(name))
    ) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `label: a name must be a non-empty string on one line, without < or >, got ${
          describeOperand(name)
        }`,
      );
    }
    return this.#code.newLabel(name);
  }

  /**
   * The program as text, in the layout of GNU objdump (`objdump -d -M
   * intel` for x86-64, `aarch64-linux-gnu-objdump -d` for AArch64): for
   * each named label a header line, and for each instruction its offset,
   * its bytes and the instruction as objdump prints it, with aliases, hex
   * immediates and branch targets (by label name where one is given).
   * Bytes from `data()` and `space()` are shown as `.byte`.
   *
   * @returns The listing, one line per instruction.
   * @throws {JITMemoryManagerError} As {@linkcode AssemblerBase.bytes}.
   *
   * @example Listing a loop
   * ```ts
   * import assert from "node:assert/strict";
   * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
   *
   * const a = new Assembler();
   * const top = a.label("top");
   * a.bind(top).sub(eax, 1).jne(top).ret();
   * assert.equal(
   *   a.listing(),
   *   [
   *     "0000000000000000 <top>:",
   *     "   0:\t83 e8 01             \tsub    eax,0x1",
   *     "   3:\t75 fb                \tjne    0 <top>",
   *     "   5:\tc3                   \tret",
   *     "",
   *   ].join("\n"),
   * );
   * ```
   */
  listing(): string {
    const code = this.#code;
    return formatListing(
      code.layout(),
      code.starts(),
      code.namedLabels(),
      listingStyleOf(this),
    );
  }

  /**
   * Places `label` at the current position.
   *
   * @param label A label of this assembler, not bound yet.
   * @returns This assembler.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a label that is
   * already bound or belongs to another assembler.
   */
  bind(label: Label): this {
    this.#code.bind(label);
    return this;
  }

  /**
   * Emits `count` zero bytes, like GNU as's `.space`.
   *
   * @param count How many bytes.
   * @returns This assembler.
   */
  space(count: number): this {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `space: expected a byte count, got ${describeOperand(count)}`,
      );
    }
    if (count > 0) {
      const code = this.#code;
      code.begin(count);
      code.buffer.fill(0, code.cursor, code.cursor + count);
      code.cursor += count;
    }
    return this;
  }

  /**
   * Emits raw bytes, like GNU as's `.byte`: data placed among (usually
   * after) the code, such as constants the code addresses PC-relatively.
   *
   * @param bytes The bytes (integers 0..255).
   * @returns This assembler.
   */
  data(bytes: ArrayLike<number>): this {
    if (
      typeof bytes !== "object" || bytes === null ||
      !Number.isSafeInteger((bytes as { length?: unknown }).length)
    ) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `data: expected bytes (a Uint8Array or an array of numbers 0..255), got ${
          describeOperand(bytes)
        }`,
      );
    }
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index];
      if (!inRange(byte, 0, 255)) {
        throw new JITMemoryManagerError(
          "INVALID_ARGUMENT",
          `data: byte ${index} is ${
            describeOperand(byte)
          }, not an integer 0..255`,
        );
      }
    }
    if (bytes.length > 0) this.#code.run(bytes);
    return this;
  }

  /**
   * Where a bound label ended up, in bytes from the start of the program,
   * after the layout `bytes()` performs (done once; O(1) after it).
   *
   * @param label A bound label of this assembler.
   * @returns Its offset.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for an unbound or
   * foreign label, or what {@linkcode AssemblerBase.bytes} throws.
   */
  offsetOf(label: Label): number {
    return this.#code.offsetOf(label);
  }

  /**
   * The encoded program: every label resolved, short forms wherever they
   * reach.
   *
   * @returns A copy of the machine code.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a branch to a
   * label that was never bound, or beyond the instruction's reach.
   */
  bytes(): Uint8Array {
    return this.#code.layout().slice();
  }

  /**
   * The program as one {@linkcode Instruction} per instruction, for
   * `CodeBuffer.commit()`.
   *
   * @returns The instructions.
   * @throws {JITMemoryManagerError} As {@linkcode AssemblerBase.bytes}.
   */
  instructions(): Instruction[] {
    return this.#code.instructions(this.wordInstructions());
  }

  /**
   * Whether 4-byte instructions are words (AArch64), printed as such.
   *
   * @returns `false` here.
   */
  protected wordInstructions(): boolean {
    return false;
  }
}

/** Each CPU's listing style, by its assembler class. */
const listingStyles = new Map<unknown, ListingStyle>();

/**
 * Gives a CPU's assembler class (and its subclasses) a listing style.
 *
 * @param assembler The class.
 * @param style Its decoder and line layout.
 */
export function setListingStyle(
  assembler: abstract new () => AssemblerBase,
  style: ListingStyle,
): void {
  listingStyles.set(assembler, style);
}

function listingStyleOf(assembler: AssemblerBase): ListingStyle {
  for (
    let prototype = Object.getPrototypeOf(assembler);
    prototype !== null;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    const style = listingStyles.get(prototype.constructor);
    if (style !== undefined) return style;
  }
  throw new JITMemoryManagerError(
    "UNSUPPORTED",
    "listing: this assembler has no decoder",
  );
}

/**
 * The engine behind an assembler, for its encoders.
 *
 * @param assembler An assembler.
 * @returns Its engine.
 */
export function emitterOf(assembler: AssemblerBase): CodeEmitter {
  return engineOf(assembler);
}

/**
 * The laid-out code of an assembler without a copy, for
 * `CodeBuffer.commit()` and `CodePool.add()`, which copy it once into
 * executable memory.
 *
 * @param assembler An assembler.
 * @returns A view of its code, valid until it emits more.
 */
export function assembledCode(assembler: AssemblerBase): Uint8Array {
  return engineOf(assembler).layout();
}

/**
 * Whether `value` is an integer in `[min, max]`.
 *
 * @param value A number.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @returns Whether it is.
 */
export function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) &&
    value >= min && value <= max;
}

/**
 * A condition's code in a CPU's table of conditions (GNU names, aliases
 * included).
 *
 * @param table The CPU's conditions.
 * @param mnemonic The instruction, for the error.
 * @param condition Anything.
 * @returns Its code.
 * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for anything that is
 * not one of the table's own keys.
 */
export function conditionIn(
  table: Readonly<Record<string, number>>,
  mnemonic: string,
  condition: unknown,
): number {
  if (typeof condition === "string" && Object.hasOwn(table, condition)) {
    return table[condition];
  }
  throw invalidOperand(
    mnemonic,
    `unknown condition ${
      typeof condition === "string" ? condition : describeOperand(condition)
    }`,
  );
}

/**
 * The error for an operand an instruction cannot take.
 *
 * @param mnemonic The instruction.
 * @param reason What is wrong.
 * @returns An `INVALID_ARGUMENT` error naming the instruction.
 */
export function invalidOperand(
  mnemonic: string,
  reason: string,
): JITMemoryManagerError {
  return new JITMemoryManagerError(
    "INVALID_ARGUMENT",
    `${mnemonic}: ${reason}`,
  );
}

/**
 * An operand as an error message shows it, whatever its type (a template
 * literal would itself throw for a symbol).
 *
 * @param value Any value.
 * @returns A short description.
 */
export function describeOperand(value: unknown): string {
  // Registers name themselves; everything else as other errors show it.
  const { toString } = (value ?? {}) as { toString?: unknown };
  return typeof value === "object" && typeof toString === "function" &&
      toString !== Object.prototype.toString
    ? String(value)
    : show(value);
}
