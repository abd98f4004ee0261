// Recursion: Towers of Hanoi, Ackermann, Euclid, and a 1000-deep sum.
// result: 9

LET hanoi(n, from, to, via) = n = 0 -> 0,
   hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from)

LET ackermann(m, n) = m = 0 -> n + 1,
                      n = 0 -> ackermann(m - 1, 1),
                      ackermann(m - 1, ackermann(m, n - 1))

LET gcd(a, b) = b = 0 -> a, gcd(b, a REM b)

LET sum(n) = n = 0 -> 0, n + sum(n - 1)

// Moves a 3-disc tower, printing each move.
LET moves(n, from, to, via) BE
$( IF n = 0 RETURN
   moves(n - 1, from, via, to)
   wrch(from); writes("->"); wrch(to); wrch(' ')
   moves(n - 1, via, to, from)
$)

LET start() = VALOF
$( writen(hanoi(10, 1, 3, 2)); newline()
   moves(3, 'A', 'C', 'B'); newline()
   writen(ackermann(2, 3)); newline()
   writen(gcd(1071, 462)); newline()
   writen(sum(1000)); newline()
   RESULTIS ackermann(2, 3)
$)
