// Every operation of the C comparison, for `deno bench`:
//
//     deno task bench
//
// The side-by-side table with C comes from `deno task bench:compare`.
import { createOperations } from "./operations.ts";

for (const operation of createOperations()) {
  const name = operation.batch === undefined
    ? operation.label
    : `${operation.label} ×${operation.batch}`;
  Deno.bench({ name, fn: operation.run });
}
