// The assemblers under Deno.bench: the 1M-instruction mix per CPU, ret()
// alone, 1M instructions with 60,000 labels, the BCPL demo compiled to
// callable code, and a small function from assembler to release. The
// side-by-side figures (rates, GNU as, memory) come from
// `deno task bench:compare`.
//
//     deno bench --allow-ffi --allow-read bench/assembler_bench.ts
import { createAssemblerOperations } from "./assembler_operations.ts";

for (const operation of createAssemblerOperations()) {
  Deno.bench({
    name: operation.label,
    group: "assembler",
    fn(): void {
      operation.run();
    },
  });
}
