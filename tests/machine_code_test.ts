// The hand-encoded x86-64 helpers of tests/helpers/machine_code.ts, for
// both calling conventions, against our assembler (itself pinned to GNU as
// by x86_64_test.ts): the Windows encodings run only under Wine, and the
// System V ones only on Linux, so a wrong byte must show here, everywhere.
import assert from "node:assert/strict";
import * as x86 from "../arch/x86_64.ts";
import { x86Encodings } from "./helpers/machine_code.ts";

for (const cc of [x86.SYSTEM_V_X86_64, x86.WINDOWS_X64]) {
  Deno.test(`the tests' x86-64 helpers for ${cc.name} are what the assembler makes of their listings`, () => {
    const [a0, a1] = cc.integerArguments;
    const { eax, rax, r10, r10d, rsp } = x86;
    const sum = new x86.Assembler();
    const loop = sum.label();
    const done = sum.label();
    sum.xor(eax, eax).test(a1, a1).je(done)
      .bind(loop).movzx(r10d, x86.byte(x86.mem(a0)))
      .add(rax, r10).add(a0, 1).sub(a1, 1).jne(loop)
      .bind(done).ret();
    const frame = 8 + cc.shadowSpace;
    const expected = {
      addInt32: new x86.Assembler().lea(eax, x86.mem(a0, a1, 1)).ret(),
      addInt64: new x86.Assembler().lea(rax, x86.mem(a0, a1, 1)).ret(),
      identity: new x86.Assembler().mov(rax, a0).ret(),
      sumBytes: sum,
      callFirstArgument: new x86.Assembler().sub(rsp, frame).call(a0)
        .add(rsp, frame),
    };
    const encodings = x86Encodings(cc);
    for (const [name, assembler] of Object.entries(expected)) {
      assert.deepEqual(
        [...encodings[name as keyof typeof expected]],
        [...assembler.bytes()],
        `${cc.name} ${name}`,
      );
    }
  });
}
