// Every operation of the C comparison, for `deno bench`:
//
//     deno task bench
//
// The side-by-side table with C comes from `deno task bench:compare`.
import { createOperations } from "./operations.ts";

for (const operation of createOperations()) {
  Deno.bench({ name: operation.label, fn: operation.run });
}
