// N-queens solutions counted with bit masks: one bit per column, and the
// diagonals under attack shift one column per row. bench/bcpl/queens.c
// and queens.ts are the same program. It prints:
//
//  1 queens: 1 solutions
//  2 queens: 0 solutions
//  3 queens: 0 solutions
//  4 queens: 2 solutions
//  5 queens: 10 solutions
//  6 queens: 4 solutions
//  7 queens: 40 solutions
//  8 queens: 92 solutions
//  9 queens: 352 solutions
// 10 queens: 724 solutions
// 11 queens: 2680 solutions
// 12 queens: 14200 solutions
// 13 queens: 73712 solutions
// 14 queens: 365596 solutions
// 15 queens: 2279184 solutions
// 16 queens: 14772512 solutions

GET "libhdr"

MANIFEST { MaxN = 16 }

GLOBAL {
  count: ug       // solutions found so far
  all:   ug + 1   // n one bits: every column
}

// ld, cols and rd mark the squares of this row attacked along a left
// diagonal, a column or a right diagonal.
LET place(ld, cols, rd) BE
  TEST cols = all
  THEN count := count + 1
  ELSE { LET poss = ~(ld | cols | rd) & all
         UNTIL poss = 0 DO
         { LET bit = poss & -poss   // the lowest free column
           poss := poss - bit
           place((ld | bit) << 1, cols | bit, (rd | bit) >> 1)
         }
       }

LET queens(n) = VALOF
{ count := 0
  all := (1 << n) - 1
  place(0, 0, 0)
  RESULTIS count
}

LET start() = VALOF
{ FOR n = 1 TO MaxN DO writef("%i2 queens: %n solutions*n", n, queens(n))
  RESULTIS 0
}
