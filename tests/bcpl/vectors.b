// Vectors: passed to routines, one per recursive frame, and holding the
// addresses of other vectors.
// result: 3

LET sort(v, n) BE
   FOR i = 0 TO n - 2 DO
      FOR j = 0 TO n - 2 - i DO
         IF v!j > v!(j + 1) DO
         $( LET t = v!j
            v!j := v!(j + 1)
            v!(j + 1) := t
         $)

LET print(v, n) BE
$( FOR i = 0 TO n - 1 DO $( writen(v!i); wrch(i = n - 1 -> '*n', ' ') $)
$)

// Each level keeps its own VEC: the values survive the deeper calls.
LET depth(n) = VALOF
$( LET own = VEC 3
   IF n = 0 RESULTIS 0
   FOR i = 0 TO 3 DO own!i := n * 10 + i
   $( LET below = depth(n - 1)
      FOR i = 0 TO 3 DO UNLESS own!i = n * 10 + i RESULTIS -1000
      RESULTIS below + own!3
   $)
$)

LET start() = VALOF
$( LET v = VEC 7
   LET table = VEC 2
   v!0 := 5; v!1 := -3; v!2 := 99; v!3 := 0
   v!4 := 12; v!5 := 7; v!6 := -40; v!7 := 1
   sort(v, 8)
   print(v, 8)
   writen(depth(5)); newline()
   table!0 := v
   table!1 := v + 7
   writen(table!0!0 + !(table!1)); newline()
   !(table!0) := 1000
   writen(v!0); newline()
   RESULTIS 3
$)
