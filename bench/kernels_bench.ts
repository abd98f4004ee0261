// The numeric kernels under Deno.bench: each as a TypeScript loop and
// through a fast call into every code path this CPU runs (SSE2, AVX2 +
// FMA, NEON). The side-by-side table comes from `deno task bench:compare`.
//
//     deno bench --allow-ffi bench/kernels_bench.ts
import { createKernelOperations } from "./kernel_operations.ts";

for (const operation of createKernelOperations()) {
  Deno.bench({
    name: operation.label,
    group: operation.kernel,
    baseline: operation.path === "typescript",
    fn(): void {
      operation.run();
    },
  });
}
