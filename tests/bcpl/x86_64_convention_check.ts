/**
 * Checks the BCPL compiler's x86-64 code against a calling convention, on
 * GNU objdump's disassembly of it, so that code for a convention this
 * machine does not use (Windows x64 on Linux) is checked where it cannot
 * run. Each function's instructions are walked in order, following rsp
 * (the code moves it only in prologues, epilogues and the entry), and the
 * rules a callee and a caller must keep are checked:
 *
 * - every call is made with rsp 16-byte aligned, and with the shadow
 *   space reserved: below the caller's return address and saved
 *   registers;
 * - a function that calls keeps none of its values in the shadow space
 *   (the callee may overwrite it), and writes nothing of its caller's
 *   frame but its own homes (shadow space, stack arguments);
 * - a function reads its parameters from the convention's registers, and
 *   every call sets exactly the registers (and stack slots above the
 *   shadow space) its arguments go to;
 * - the callee-saved registers a function writes are pushed first and
 *   popped before it returns; no callee-saved xmm register is touched;
 * - where stacks grow a guard page at a time (Windows), a frame of a page
 *   or more is touched page by page, top down, right after the stack
 *   limit check.
 *
 * @module
 */

import type { X86CallingConvention } from "../../arch/x86_64.ts";
import type { Compiled } from "../../examples/bcpl/compiler.ts";
import { runCommand } from "../helpers/spawn.ts";

/** One disassembled instruction. */
export interface Line {
  offset: number;
  mnemonic: string;
  operands: string[];
  text: string;
}

/**
 * Whether GNU objdump runs here.
 *
 * @returns Whether `objdump --version` succeeds.
 */
export async function objdumpAvailable(): Promise<boolean> {
  try {
    return (await runCommand("objdump", ["--version"])).success;
  } catch {
    return false;
  }
}

/**
 * Disassembles raw x86-64 code with GNU objdump (Intel syntax).
 *
 * @param bytes The code, starting at offset 0.
 * @returns Its instructions.
 */
export async function disassemble(bytes: Uint8Array): Promise<Line[]> {
  const dir = Deno.makeTempDirSync({ prefix: "bcpl-objdump-" });
  try {
    const file = `${dir}/code.bin`;
    Deno.writeFileSync(file, bytes);
    const output = await runCommand("objdump", [
      "-D",
      "-b",
      "binary",
      "-m",
      "i386:x86-64",
      "-M",
      "intel",
      "--no-show-raw-insn",
      file,
    ]);
    const text = new TextDecoder().decode(output.stdout);
    if (!output.success) {
      throw new Error(
        `objdump failed: ${new TextDecoder().decode(output.stderr)}`,
      );
    }
    return [...text.matchAll(/^\s*([0-9a-f]+):\t(\S+)[ \t]*(.*)$/gm)].map(
      ([line, offset, mnemonic, rest]) => ({
        offset: parseInt(offset, 16),
        // GNU's name for mov with a 64-bit immediate.
        mnemonic: mnemonic === "movabs" ? "mov" : mnemonic,
        operands: rest.trim() === "" ? [] : rest.trim().split(","),
        text: line.trim(),
      }),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Every name of each general-purpose register, to its 64-bit name. */
const ALIASES = new Map<string, string>();
for (
  const [full, dword, word, byte] of [
    ["rax", "eax", "ax", "al"],
    ["rcx", "ecx", "cx", "cl"],
    ["rdx", "edx", "dx", "dl"],
    ["rbx", "ebx", "bx", "bl"],
    ["rsp", "esp", "sp", "spl"],
    ["rbp", "ebp", "bp", "bpl"],
    ["rsi", "esi", "si", "sil"],
    ["rdi", "edi", "di", "dil"],
  ]
) {
  for (const name of [full, dword, word, byte]) ALIASES.set(name, full);
}
for (let number = 8; number < 16; number++) {
  for (const suffix of ["", "d", "w", "b"]) {
    ALIASES.set(`r${number}${suffix}`, `r${number}`);
  }
}

/** The 64-bit register an operand names, if it is a register. */
function register(operand: string | undefined): string | undefined {
  return operand === undefined ? undefined : ALIASES.get(operand.trim());
}

/** The registers an operand mentions (inside a memory operand too). */
function mentioned(operand: string): string[] {
  return (operand.match(/\b[a-z][a-z0-9]*\b/g) ?? [])
    .map((word) => ALIASES.get(word))
    .filter((name): name is string => name !== undefined);
}

/** `[rsp]` or `[rsp+0xN]`: the displacement. */
function rspDisplacement(operand: string): number | undefined {
  const match = operand.match(/\[rsp(?:\+0x([0-9a-f]+))?\]/);
  return match === null ? undefined : parseInt(match[1] ?? "0", 16);
}

/** Instructions that write no register operand. */
const NO_WRITE = /^(cmp|test|push|call|jmp|j[a-z]+|ret|nop)$/;
/** Instructions whose first operand is written, not read. */
const PURE_WRITE = /^(mov|movzx|lea|set[a-z]+|pop)$/;

/** What a check needs besides the code and the convention. */
export interface CheckOptions {
  /**
   * Parameter count of the function at each code offset (the entry's is
   * 1: the runtime area).
   */
  parametersAt: Map<number, number>;
  /** Arguments of a call through a register (the host callback). */
  callbackArguments: number;
  /** Whether frames of a page or more must be probed (Windows). */
  stackProbes: boolean;
  /** The page size of those probes. */
  pageSize: number;
}

/**
 * Checks compiled code against a calling convention.
 *
 * @param compiled The code.
 * @param lines Its disassembly.
 * @param convention The convention it must follow.
 * @param options Parameter counts and what else applies.
 * @returns One message per rule broken (empty when all hold).
 */
export function conventionViolations(
  compiled: Compiled,
  lines: Line[],
  convention: X86CallingConvention,
  options: CheckOptions,
): string[] {
  const problems: string[] = [];
  for (const fn of compiled.functions) {
    const body = lines.filter((line) =>
      line.offset >= fn.offset && line.offset < fn.offset + fn.size
    );
    const fail = (line: Line | undefined, message: string): void => {
      problems.push(
        `${fn.name}${
          line ? ` at ${line.offset.toString(16)} (${line.text})` : ""
        }: ${message}`,
      );
    };
    checkFunction(body, fail);
  }
  return problems;

  function checkFunction(
    body: Line[],
    fail: (line: Line | undefined, message: string) => void,
  ): void {
    const { shadowSpace, calleeSaved, calleeSavedXmm, integerArguments } =
      convention;
    const saved = new Set(calleeSaved.map((r) => r.name));
    const argumentNames = integerArguments.map((r) => r.name);
    // rsp relative to the 16-byte boundary above the return address.
    let depth = -8;
    /** Below the return address and the pushed registers. */
    let ownBottom = -8;
    const depths: number[] = [];
    const pushed: string[] = [];
    let returned = false;
    for (const line of body) {
      depths.push(returned ? NaN : depth);
      if (returned) continue;
      const [first, second] = line.operands;
      const immediate = second === undefined ? NaN : Number(second);
      if (line.mnemonic === "push") ownBottom = depth -= 8;
      else if (line.mnemonic === "pop") depth += 8;
      else if (line.mnemonic === "sub" && first === "rsp") depth -= immediate;
      else if (line.mnemonic === "add" && first === "rsp") depth += immediate;
      else if (line.mnemonic === "ret") returned = true;
      else if (line.mnemonic === "call") {
        if (depth % 16 !== 0) {
          fail(line, `call with rsp ${-depth} bytes below the boundary`);
        }
        if (depth + shadowSpace > ownBottom) {
          fail(line, `call with ${ownBottom - depth} bytes of shadow space`);
        }
      }
      // Callee-saved registers: written only between a push and its pop.
      if (line.mnemonic === "push" && register(first)) {
        pushed.push(register(first)!);
      }
      const written = NO_WRITE.test(line.mnemonic)
        ? undefined
        : register(first);
      if (line.mnemonic === "pop" && written !== undefined) {
        if (pushed.pop() !== written) fail(line, `pops ${written} unpushed`);
      } else if (written !== undefined && saved.has(written)) {
        if (!pushed.includes(written)) {
          fail(line, `writes callee-saved ${written} without saving it`);
        }
      }
      for (const number of calleeSavedXmm) {
        if (line.operands.some((op) => new RegExp(`mm${number}\\b`).test(op))) {
          fail(line, `touches callee-saved xmm${number}`);
        }
      }
    }
    if (pushed.length > 0) fail(undefined, `${pushed} pushed, never popped`);

    // The body's rsp: where every call is made from.
    const calls = body.flatMap((line, index) =>
      line.mnemonic === "call" ? [{ line, depth: depths[index] }] : []
    );
    const bodyDepth = calls[0]?.depth;
    if (calls.some((call) => call.depth !== bodyDepth)) {
      fail(undefined, "rsp differs between calls");
    }

    // Above its return address, a function writes only its own homes:
    // the shadow space and the stack arguments the caller gave it.
    {
      const parameters = options.parametersAt.get(body[0].offset) ?? 0;
      const homes = shadowSpace +
        8 * Math.max(0, parameters - integerArguments.length);
      body.forEach((line, index) => {
        if (NO_WRITE.test(line.mnemonic)) return;
        const displacement = rspDisplacement(line.operands[0] ?? "");
        if (displacement === undefined) return;
        const at = depths[index] + displacement;
        if (at >= -8 && !(at >= 0 && at < homes)) {
          fail(line, `writes the caller's frame (${at} bytes above)`);
        }
      });
    }

    // Nothing of the caller's lives where the callee may write.
    if (shadowSpace > 0 && bodyDepth !== undefined) {
      body.forEach((line, index) => {
        if (line.mnemonic === "test") return; // a stack probe: only reads
        for (const operand of line.operands) {
          const displacement = rspDisplacement(operand);
          if (displacement === undefined) continue;
          const above = depths[index] + displacement - bodyDepth;
          if (above >= 0 && above < shadowSpace) {
            fail(line, `uses the shadow space (${above} bytes above rsp)`);
          }
        }
      });
    }

    // Parameters: the registers read before they are written, in the
    // straight-line start (up to the first jump other than the stack check).
    {
      const parameters = options.parametersAt.get(body[0].offset) ?? 0;
      const expected = argumentNames.slice(0, parameters);
      const liveIn = new Set<string>();
      const written = new Set<string>();
      let checks = 0;
      for (const line of body) {
        if (/^(call|jmp|ret)$/.test(line.mnemonic)) break;
        // A jump out of the function (to the entry's error stubs) is a
        // check: the straight line goes on.
        const jumpTo = parseInt(line.operands[0] ?? "", 16);
        if (line.mnemonic.startsWith("j") && jumpTo < body[0].offset) continue;
        if (line.mnemonic.startsWith("j") && checks++ > 0) break;
        // Saving a register reads it, but not as a parameter.
        if (line.mnemonic === "push") continue;
        const zeroing = line.mnemonic === "xor" &&
          line.operands[0] === line.operands[1];
        line.operands.forEach((operand, index) => {
          const pure = index === 0 && register(operand) !== undefined &&
            (PURE_WRITE.test(line.mnemonic) || zeroing);
          if (pure || zeroing) return;
          for (const r of mentioned(operand)) {
            if (r !== "rsp" && !written.has(r)) liveIn.add(r);
          }
        });
        const target = NO_WRITE.test(line.mnemonic)
          ? undefined
          : register(line.operands[0]);
        if (target !== undefined) written.add(target);
        if (line.mnemonic === "cqo") written.add("rdx");
      }
      liveIn.delete("r15");
      const got = [...liveIn].sort();
      if (got.join() !== [...expected].sort().join()) {
        fail(
          undefined,
          `${parameters} parameters read from ${got.join(", ") || "nothing"}` +
            `, not ${expected.join(", ") || "nothing"}`,
        );
      }
    }

    // Arguments: the moves right before each call.
    for (const { line: call } of calls) {
      const at = body.indexOf(call);
      const target = call.operands[0];
      const count = register(target) !== undefined
        ? options.callbackArguments
        : options.parametersAt.get(Number(target));
      if (count === undefined) {
        fail(call, "calls something that is no function's start");
        continue;
      }
      const inRegisters = Math.min(count, integerArguments.length);
      const onStack = count - inRegisters;
      const registers = new Set<string>();
      const stack = new Set<number>();
      for (let index = at - 1; index >= 0; index--) {
        const move = body[index];
        if (move.mnemonic !== "mov") break;
        const r = register(move.operands[0]);
        // rdi and rsi are arguments in one convention, callee-saved in
        // the other (where values may live in them).
        if (r !== undefined && ALL_ARGUMENTS.has(r) && !saved.has(r)) {
          registers.add(r);
        }
        const displacement = rspDisplacement(move.operands[0]);
        if (
          displacement !== undefined && displacement >= shadowSpace &&
          displacement < shadowSpace + 8 * onStack
        ) stack.add(displacement);
      }
      const want = argumentNames.slice(0, inRegisters);
      if ([...registers].sort().join() !== [...want].sort().join()) {
        fail(
          call,
          `${count} arguments in ${[...registers].join(", ") || "nothing"}` +
            `, not ${want.join(", ") || "nothing"}`,
        );
      }
      if (stack.size !== onStack) {
        fail(call, `${stack.size} of ${onStack} stack arguments stored`);
      }
    }

    if (options.stackProbes) checkProbe(body, fail);
  }

  function checkProbe(
    body: Line[],
    fail: (line: Line | undefined, message: string) => void,
  ): void {
    const sub = body.findIndex((line) =>
      line.mnemonic === "sub" && line.operands[0] === "rsp"
    );
    if (sub < 0) return;
    const frame = Number(body[sub].operands[1]);
    if (frame < options.pageSize) return;
    // sub rsp, N; cmp rsp, [r15]; jb error; then the probe loop.
    const probe = body.slice(sub + 3, sub + 10).map((line) =>
      line.mnemonic.startsWith("j")
        ? `${line.mnemonic} L`
        : `${line.mnemonic} ${line.operands.join(",")}`
    );
    const page = `0x${options.pageSize.toString(16)}`;
    const expected = [
      `lea rax,[rsp+0x${frame.toString(16)}]`,
      `sub rax,${page}`,
      "cmp rax,rsp",
      "jbe L",
      "test DWORD PTR [rax],eax",
      "jmp L",
      "test DWORD PTR [rsp],eax",
    ];
    if (probe.join("\n") !== expected.join("\n")) {
      fail(body[sub], `a ${frame}-byte frame is not probed page by page`);
    }
  }
}

/** The argument registers of either convention. */
const ALL_ARGUMENTS = new Set(["rdi", "rsi", "rdx", "rcx", "r8", "r9"]);
