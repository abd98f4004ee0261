/**
 * What both assemblers share: the sequence of encoded instructions, labels
 * and the layout that resolves branches to them.
 *
 * An instruction whose bytes depend on a label (a branch, a PC-relative
 * address) is kept as a {@linkcode LabelUse} until `bytes()` lays the code
 * out. Uses that have a short and a long form (x86-64 `jmp`/`jcc`) start
 * short and only grow, until every one fits: the same monotone relaxation
 * the GNU assembler performs, so both choose the same forms.
 *
 * @module
 */

import { JITMemoryManagerError } from "../errors.ts";
import { Instruction } from "../instruction.ts";
import { show } from "../validate.ts";

/**
 * A position in the code, created by `label()` and placed by `bind()`.
 * Branches may refer to it before it is bound.
 *
 * @example A loop back to a label
 * ```ts
 * import { Assembler, eax } from "@bcpl/jit-memory/x86_64";
 *
 * const a = new Assembler();
 * const top = a.label();
 * a.bind(top).sub(eax, 1).jne(top).ret();
 * console.log(a.bytes().length); // 6
 * ```
 */
export class Label {
  readonly #owner: object;

  /**
   * Labels are created with `Assembler.label()`.
   *
   * @param owner The assembler the label belongs to.
   */
  constructor(owner: object) {
    this.#owner = owner;
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

/** An instruction that refers to a label. */
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
   * The instruction's bytes in form `form` (an index into `sizes`) at
   * `address`, referring to `target`; `undefined` if the distance does not
   * fit that form.
   */
  encode(form: number, address: number, target: number): Uint8Array | undefined;
}

type Item = Uint8Array | LabelUse;

/**
 * The shared half of an assembler: collects instructions, binds labels and
 * lays the code out.
 */
export abstract class AssemblerBase {
  readonly #items: Item[] = [];
  readonly #labels = new Map<Label, number>();

  /**
   * Creates a label to bind later with {@linkcode AssemblerBase.bind}.
   *
   * @returns A new, unbound label.
   */
  label(): Label {
    return new Label(this);
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
    this.checkLabel("bind", label);
    if (this.#labels.has(label)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "bind: the label is already bound",
      );
    }
    this.#labels.set(label, this.#items.length);
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
        `space: expected a byte count, got ${count}`,
      );
    }
    if (count > 0) this.#items.push(new Uint8Array(count));
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
    if (bytes.length > 0) this.#items.push(Uint8Array.from(bytes));
    return this;
  }

  /**
   * Where a bound label ended up, in bytes from the start of the program,
   * after the layout `bytes()` performs.
   *
   * @param label A bound label of this assembler.
   * @returns Its offset.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for an unbound or
   * foreign label, or what {@linkcode AssemblerBase.bytes} throws.
   */
  offsetOf(label: Label): number {
    this.checkLabel("offsetOf", label);
    const index = this.#labels.get(label);
    if (index === undefined) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        "offsetOf: the label is not bound",
      );
    }
    const parts = this.#layout();
    let offset = 0;
    for (let item = 0; item < index; item++) offset += parts[item].length;
    return offset;
  }

  /**
   * The encoded program: every label resolved, short forms wherever they
   * reach.
   *
   * @returns The machine code.
   * @throws {JITMemoryManagerError} `INVALID_ARGUMENT` for a branch to a
   * label that was never bound, or beyond the instruction's reach.
   */
  bytes(): Uint8Array {
    const parts = this.#layout();
    const size = parts.reduce((total, part) => total + part.length, 0);
    const out = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /**
   * The program as one {@linkcode Instruction} per instruction, for
   * `CodeBuffer.commit()`.
   *
   * @returns The instructions.
   * @throws {JITMemoryManagerError} As {@linkcode AssemblerBase.bytes}.
   */
  instructions(): Instruction[] {
    return this.#layout().map((part) => this.toInstruction(part));
  }

  /** How one encoded instruction becomes an {@linkcode Instruction}. */
  protected toInstruction(bytes: Uint8Array): Instruction {
    return new Instruction(bytes);
  }

  /** Appends an encoded instruction. */
  protected emit(bytes: ArrayLike<number>): this {
    this.#items.push(Uint8Array.from(bytes));
    return this;
  }

  /** Appends an instruction that refers to a label. */
  protected emitLabelUse(use: LabelUse): this {
    this.checkLabel(use.mnemonic, use.label);
    this.#items.push(use);
    return this;
  }

  /** Rejects labels of other assemblers and things that are not labels. */
  protected checkLabel(
    mnemonic: string,
    label: unknown,
  ): asserts label is Label {
    if (!(label instanceof Label) || !label.belongsTo(this)) {
      throw new JITMemoryManagerError(
        "INVALID_ARGUMENT",
        `${mnemonic}: expected a label created by this assembler`,
      );
    }
  }

  #layout(): Uint8Array[] {
    const items = this.#items;
    for (const item of items) {
      if (!(item instanceof Uint8Array) && !this.#labels.has(item.label)) {
        throw new JITMemoryManagerError(
          "INVALID_ARGUMENT",
          `${item.mnemonic}: branch to a label that was never bound`,
        );
      }
    }
    const forms = items.map(() => 0);
    const sizeOf = (index: number): number => {
      const item = items[index];
      return item instanceof Uint8Array
        ? item.length
        : item.sizes[forms[index]];
    };
    for (;;) {
      const addresses = new Array<number>(items.length + 1);
      addresses[0] = 0;
      for (let index = 0; index < items.length; index++) {
        addresses[index + 1] = addresses[index] + sizeOf(index);
      }
      let grown = false;
      const parts = items.map((item, index) => {
        if (item instanceof Uint8Array) return item;
        const target = addresses[this.#labels.get(item.label)!];
        const bytes = item.encode(forms[index], addresses[index], target);
        if (bytes !== undefined) return bytes;
        if (forms[index] + 1 >= item.sizes.length) {
          throw new JITMemoryManagerError(
            "INVALID_ARGUMENT",
            `${item.mnemonic}: the label is ${
              target - addresses[index]
            } bytes away, beyond its reach of ${item.range}`,
          );
        }
        forms[index]++;
        grown = true;
        return bytes;
      });
      if (!grown) return parts as Uint8Array[];
    }
  }
}

guardOperands(AssemblerBase.prototype);

/**
 * Whether `value` is an integer in `[min, max]`.
 *
 * @param value A number.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @returns Whether it is.
 */
export function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
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

/**
 * Makes every method of an assembler class throw only
 * `JITMemoryManagerError`s. Operands come from running programs; one of a
 * shape no check anticipated (a symbol, `null` where a register belongs)
 * must still end as a clear `INVALID_ARGUMENT`, never a raw `TypeError`.
 *
 * @param prototype The class's prototype; its methods are replaced.
 */
export function guardOperands(prototype: object): void {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    const method = descriptor.value;
    if (name === "constructor" || typeof method !== "function") continue;
    // Fixed shorthands (jo, seto, ...) only forward to guarded methods.
    if (!descriptor.configurable) continue;
    const guarded = {
      [name](this: unknown, ...operands: unknown[]): unknown {
        try {
          return method.apply(this, operands);
        } catch (error) {
          if (error instanceof JITMemoryManagerError) throw error;
          throw new JITMemoryManagerError(
            "INVALID_ARGUMENT",
            `${name}: operands it cannot take (${
              operands.map(describeOperand).join(", ")
            })`,
            { cause: error },
          );
        }
      },
    }[name];
    Object.defineProperty(guarded, "length", { value: method.length });
    Object.defineProperty(prototype, name, { ...descriptor, value: guarded });
  }
}
