// The numeric kernels under Deno.bench: each as a TypeScript loop and
// through a fast call into every code path this CPU runs (SSE2, AVX2 +
// FMA, NEON). The side-by-side table comes from `deno task bench:compare`.
//
//     deno bench --allow-ffi bench/kernels_bench.ts
import { createKernelOperations } from "./kernel_operations.ts";

// Every result is stored where V8 must assume it is read: with the result
// dropped, V8 inlined the TypeScript dot product into the benchmark and
// dropped its floating-point work, timing 1.2 µs for a loop whose
// dependent additions alone take over 2 µs here (measured).
const results = new Float64Array(1);

for (const operation of createKernelOperations()) {
  Deno.bench({
    name: operation.label,
    group: operation.kernel,
    baseline: operation.path === "typescript",
    fn(): void {
      results[0] = operation.run();
    },
  });
}
