// For profiling (main.ts --profile; README, "Profiling and debugging"):
// two functions share the time, recursive calls in fib and a loop in
// spin, so that perf report shows each by its name.
// result: fib(37) + spin(200000000) = 24157817 + 0 (exit code 24157817 mod 256 = 121)

LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)

LET spin(n) = VALOF
$( LET s = 0
   FOR i = 1 TO n DO s := s + i - i
   RESULTIS s
$)

LET start() = fib(37) + spin(200000000)
