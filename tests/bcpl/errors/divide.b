// Output, then a division by zero: the output stays, the program stops.
LET half(n) = 100 / (n - n)

LET start() = VALOF
$( writes("before*n")
   RESULTIS half(7)
$)
