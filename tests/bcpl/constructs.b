// Every construct of the supported BCPL subset, each printing a line.
// result: 42

MANIFEST $( TEN = 10; BIG = TEN * TEN
            MASK = #xFF; OCT = #o17; BITS = #b101 $)

LET square(x) = x * x

LET max3(a, b, c) = VALOF
$( LET m = a
   IF b > m DO m := b
   IF c > m THEN m := c
   RESULTIS m
$)

LET show(value) BE
$( writen(value); newline()
$)

LET sum(v, n) = VALOF
$( LET total = 0
   FOR i = 0 TO n - 1 DO total := total + v!i
   RESULTIS total
$)

LET early(n) BE
$( IF n < 0 RETURN
   writes("early = "); show(n)
$)

LET six(a, b, c, d, e, f) = a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f

LET isEven(n) = n = 0 -> TRUE, isOdd(n - 1)
AND isOdd(n) = n = 0 -> FALSE, isEven(n - 1)

LET start() = VALOF
$( LET x = 7
   LET v = VEC 9
   writes("manifest = "); show(BIG + MASK + OCT + BITS)
   writes("square = "); show(square(x))
   writes("max3 = "); show(max3(3, 9, 5) + max3(9, 3, 5) * 100 + max3(3, 5, 9) * 10000)
   writes("precedence = "); show(1 + 2 * 3 - 8 / 4 REM 3)
   writes("negative division = "); show(-7 / 2)
   writes("negative remainder = "); show(-7 REM 2)
   writes("shifts = "); show((1 << 10) + (1024 >> 3))
   writes("bits = "); show((#xF0 & #x3C) | 1)
   writes("not = "); show(~0)
   writes("negate = "); show(-x)
   writes("relations = "); show((1 < 2) & (2 <= 2) & (3 > 2) & (3 >= 3) & (1 = 1) & (1 ~= 2))
   writes("false relation = "); show(2 < 1)
   writes("true and false = "); show(TRUE + FALSE)
   writes("conditional = "); show(x > 5 -> 100, 200)
   writes("nested conditional = "); show(x = 1 -> 1, x = 7 -> 7, 0)
   writes("character = "); show('A' + 'b')
   writes("valof = "); show(VALOF RESULTIS 5)

   FOR i = 0 TO 9 DO v!i := i + 1
   writes("vector sum = "); show(sum(v, 10))
   !v := 100
   writes("indirection = "); show(!v + v!1 + !(v + 2))
   (v + 3)!0 := -1
   writes("vector element = "); show(v!3)

   $( LET n, f = 5, 1
      WHILE n > 0 DO $( f := f * n; n := n - 1 $)
      writes("while = "); show(f)
   $)
   $( LET n = 0
      UNTIL n >= 17 DO n := n + 5
      writes("until = "); show(n)
   $)
   $( LET total = 0
      FOR i = 10 TO 1 BY -3 DO total := total * 100 + i
      writes("for by = "); show(total)
   $)
   $( LET total = 0
      FOR i = 1 TO 0 DO total := 99
      writes("empty for = "); show(total)
   $)
   $( LET i = 0
      WHILE TRUE DO
      $( i := i + 1
         IF i = 12 BREAK
      $)
      writes("break = "); show(i)
   $)
   $( LET total = 0
      FOR i = 1 TO 100 DO
      $( IF i > 4 BREAK
         total := total + i
      $)
      writes("for break = "); show(total)
   $)
   writes("test = ")
   TEST x = 7 THEN show(1) ELSE show(0)
   writes("test else = ")
   TEST x = 8 THEN show(1) OR show(0)
   UNLESS x = 8 DO $( writes("unless = "); show(1) $)
   UNLESS x = 7 DO $( writes("unless taken = "); show(1) $)
   early(-1)
   early(3)
   writes("six arguments = "); show(six(1, 2, 3, 4, 5, 6))
   writes("mutual recursion = "); show(isEven(10) & isOdd(7))
   { LET braces = 3; writes("braces = "); show(braces) }
   writes("escapes:*n*ttab*sspace *"quote*" star** end*n")
   writen(-12345); wrch('*n')
   RESULTIS 42
$)
