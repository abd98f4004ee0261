// The sieve of Eratosthenes: the demo times counting the primes below
// 100000 (9592 of them).
// result: 9592 (exit code 9592 mod 256 = 120)

MANIFEST $( LIMIT = 100000 $)

LET start() = VALOF
$( LET composite = VEC LIMIT
   LET count = 0
   FOR i = 0 TO LIMIT DO composite!i := FALSE
   FOR i = 2 TO LIMIT - 1 UNLESS composite!i DO
   $( LET multiple = i * i
      count := count + 1
      WHILE multiple < LIMIT DO
      $( composite!multiple := TRUE
         multiple := multiple + i
      $)
   $)
   RESULTIS count
$)
