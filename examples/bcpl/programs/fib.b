// Recursive Fibonacci: the demo times fib(30) (832040).
// result: 832040 (exit code 832040 mod 256 = 40)

LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)

LET start() = fib(30)
