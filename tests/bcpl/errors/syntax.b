// A WHILE without DO.
LET start() = VALOF
$( LET i = 0
   WHILE i < 10 i := i + 1
   RESULTIS i
$)
