// The demo: Fibonacci, a prime sieve with VEC, and factorials.
// Run it: deno run --allow-ffi examples/bcpl/main.ts examples/bcpl/programs/demo.b
// result: 0

MANIFEST $( LIMIT = 100 $)

LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)

LET factorial(n) = n = 0 -> 1, n * factorial(n - 1)

// Prints the primes below LIMIT and returns how many there are.
LET primes() = VALOF
$( LET composite = VEC LIMIT
   LET count = 0
   FOR i = 0 TO LIMIT DO composite!i := FALSE
   FOR i = 2 TO LIMIT - 1 UNLESS composite!i DO
   $( wrch(' '); writen(i)
      count := count + 1
      $( LET multiple = i * i
         WHILE multiple < LIMIT DO
         $( composite!multiple := TRUE
            multiple := multiple + i
         $)
      $)
   $)
   newline()
   RESULTIS count
$)

LET start() = VALOF
$( writes("Fibonacci:")
   FOR i = 0 TO 15 DO $( wrch(' '); writen(fib(i)) $)
   writes("*nfib(25) = "); writen(fib(25)); newline()

   writes("Primes below "); writen(LIMIT); wrch(':')
   $( LET count = primes()
      writen(count); writes(" primes*n")
   $)
   FOR n = 5 TO 20 BY 5 DO
   $( writen(n); writes("! = "); writen(factorial(n)); newline()
   $)
   RESULTIS 0
$)
