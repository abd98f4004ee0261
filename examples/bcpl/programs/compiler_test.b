// compiler_test.b: a self-checking test of the BCPL compiler, for a
// 64-bit word. Every construct the compiler supports is run as checks
// that compare a computed value with the value BCPL defines; each check
// counts, each failure prints a line naming the check. It ends with
//
//   N TESTS COMPLETED, 0 FAILURE(S)
//
// and start() returns the number of failures (the exit code).
// Run it natively and in the reference interpreter:
//   deno run --allow-ffi examples/bcpl/main.ts examples/bcpl/programs/compiler_test.b
//   deno run --allow-ffi examples/bcpl/main.ts --interpret examples/bcpl/programs/compiler_test.b
//
// Checks are numbered by group: 100s literals and MANIFEST, 200s
// arithmetic, 300s relations, 400s shifts and bit operations, 500s
// conditions, 600s loops, 700s SWITCHON, 800s VALOF, RETURN and GOTO,
// 900s functions, 1000s vectors and addresses, 1100s bytes and strings,
// 1200s selectors, 1300s globals and statics, 1400s assignment,
// 1500s the library. FINISH is left out: it would end the program.

SECTION "compilertest"
NEEDS "libhdr"
GET "libhdr"

GLOBAL {
  tests: ug; failures           // ug and ug + 1
  g.a: ug + 2; g.b; g.c         // ug + 2 .. ug + 4, consecutive words
  g.fn: ug + 10                 // a function kept in a global
  g.twice: ug + 11              // a global that is also a function
  g.count: ug + 12              // counts calls of bump()
}

MANIFEST {
  m.a = 1; m.b; m.c = m.b * 10; m.d     // m.b = 2, m.d = 21
  m.neg = -5; m.e = m.neg - 1
  m.big = 1 << 62
}

STATIC { st.a = 5; st.b = -7; st.shadow = 100; st.m = m.c }

// Field selectors: SLCT length:shift:offset (length 0: to the top bit).
MANIFEST {
  f.lo = SLCT 8:0:0; f.mid = SLCT 8:8:1; f.top = SLCT 0:56:0
  f.bit = SLCT 1:5:0; f.nib = SLCT 4; f.word = SLCT 0:0:2
  f.hi32 = SLCT 32:32:0
}

// The check: x is what was computed, y what BCPL says it must be.
LET t(n, x, y) BE
{ tests := tests + 1
  UNLESS x = y DO
  { failures := failures + 1
    writef("test %n failed: got %n, expected %n*n", n, x, y)
  }
}

LET start() = VALOF
{ tests, failures := 0, 0
  literals()
  arithmetic()
  relations()
  bits()
  conditions()
  loops()
  switches()
  valofs()
  gotos()
  functions()
  vectors()
  strings()
  selectors()
  globalsandstatics()
  assignments()
  library()
  // wrch, a primitive of the runtime, ends the line.
  writef("%n TESTS COMPLETED, %n FAILURE(S)", tests, failures)
  wrch('*n')
  RESULTIS failures
}

// ---------------------------------------------------------------------
// 100s: numbers, characters, TRUE and FALSE, MANIFEST constants

LET literals() BE
{ t(101, 1_000_000, 1000000)
  t(102, #xFF, 255)
  t(103, #o777, 511)
  t(104, #b1010, 10)
  t(105, #xFFFF_FFFF, 4294967295)
  t(106, #777, 511)                     // # alone is octal
  t(107, #XfF, 255)
  t(108, #b1111_0000, 240)
  t(109, #O17, 15)
  t(110, #xFFFF_FFFF_FFFF_FFFF, -1)     // 64 bits, two's complement
  t(111, #x8000_0000_0000_0000, minint)
  t(112, maxint, #x7FFF_FFFF_FFFF_FFFF)
  t(113, minint, 1 << 63)
  t(114, bitsperword, 64)
  t(115, bytesperword, 8)
  t(116, TRUE, -1)
  t(117, FALSE, 0)
  t(118, TRUE, ~FALSE)
  t(119, 'A', 65)
  t(120, 'z', 122)
  t(121, '0', 48)
  t(122, '*n', 10)
  t(123, '*t', 9)
  t(124, '*s', 32)
  t(125, '**', 42)
  t(126, '*'', 39)
  t(127, '*"', 34)
  t(128, '"', 34)
  t(129, ' ', 32)
  /* MANIFEST: a name without a value takes the one before plus 1 */
  t(130, m.a, 1)
  t(131, m.b, 2)
  t(132, m.c, 20)
  t(133, m.d, 21)
  t(134, m.neg, -5)
  t(135, m.e, -6)
  t(136, m.big, #x4000_0000_0000_0000)
  { MANIFEST { loc.k = 7; loc.k2 }       // a MANIFEST inside a block
    t(137, loc.k, 7)
    t(138, loc.k2, 8)
  }
}

// ---------------------------------------------------------------------
// 200s: + - * / REM MOD, unary - + ABS, overflow wraps round 64 bits

LET arithmetic() BE
{ LET a, b, m1 = 7, 2, -1
  LET big, small, five = maxint, minint, 5
  t(201, a + b, 9)
  t(202, a - b, 5)
  t(203, b - a, -5)
  t(204, a * b, 14)
  // Division truncates towards zero; the remainder takes a's sign.
  t(205, a / b, 3)
  t(206, (-a) / b, -3)
  t(207, a / (-b), -3)
  t(208, (-a) / (-b), 3)
  t(209, a REM b, 1)
  t(210, (-a) REM b, -1)
  t(211, a REM (-b), 1)
  t(212, (-a) REM (-b), -1)
  t(213, a MOD b, 1)
  t(214, (-a) MOD b, -1)
  t(215, (-a) / 4, -1)                  // not a floor: -7 >> 2 would be -2
  t(216, (-8) / 4, -2)
  t(217, (-a) REM 4, -3)
  t(218, 7 / 2, 3)                      // constant operands
  t(219, -7 / 2, -3)
  t(220, 7 REM -2, 1)
  // The edges of the word.
  t(221, small / m1, minint)            // wraps
  t(222, small REM m1, 0)
  t(223, big / m1, -maxint)
  t(224, small * m1, minint)
  t(225, big + 1, minint)
  t(226, small - 1, maxint)
  t(227, big * 2, -2)
  t(228, big * big, 1)
  t(229, big / 1000, 9223372036854775)
  t(230, small / 10, -922337203685477580)
  t(231, small REM 10, -8)
  t(232, 1_000_000 * 1_000_000, 1_000_000_000_000)
  // Unary operators.
  t(233, -five, -5)
  t(234, - -five, 5)
  t(235, +five, 5)
  t(236, -small, minint)
  t(237, ABS five, 5)
  t(238, ABS -five, 5)
  t(239, ABS m1, 1)
  t(240, ABS 0, 0)
  t(241, ABS small, minint)             // no positive counterpart
  t(242, ABS big, maxint)
  t(243, -(a - b), -5)
  // Precedence and grouping.
  t(244, 2 + 3 * 4, 14)
  t(245, (2 + 3) * 4, 20)
  t(246, 10 - 3 - 2, 5)
  t(247, 100 / 10 / 5, 2)
  t(248, a * b REM 5, 4)
  t(249, a + b * a - b, 19)
  t(250, -a * b, -14)
  t(251, a * -b, -14)
  t(252, ABS b - a, -5)                 // (ABS b) - a
  // Operands that wait in temporaries while calls are made.
  t(253, (a + b) * (a - b) - (b + 1) * (a + 1), 21)
  t(254, identity(a) * identity(b) -
         identity(a + b) * (identity(a) REM identity(b + 1)), 5)
  t(255, sq(a) - sq(b) - (sq(a - b) - sq(b - a)), 45)
}

// ---------------------------------------------------------------------
// 300s: = ~= < <= > >=, chained relations, TRUE and FALSE as values

LET relations() BE
{ LET a, b, c = 1, 2, 3
  LET big, small, m1 = maxint, minint, -1
  t(301, a = a, TRUE)
  t(302, a = b, FALSE)
  t(303, a ~= b, TRUE)
  t(304, a ~= a, FALSE)
  t(305, a < b, TRUE)
  t(306, b < a, FALSE)
  t(307, a < a, FALSE)
  t(308, a <= a, TRUE)
  t(309, b <= a, FALSE)
  t(310, b > a, TRUE)
  t(311, a > a, FALSE)
  t(312, a >= a, TRUE)
  t(313, a >= b, FALSE)
  t(314, small < big, TRUE)             // signed comparison
  t(315, m1 < 0, TRUE)
  t(316, big > small, TRUE)
  t(317, small <= small, TRUE)
  t(318, m1 > big, FALSE)
  t(319, small + 1 > small, TRUE)
  // a < b < c means a < b & b < c.
  t(320, a < b < c, TRUE)
  t(321, a < c < b, FALSE)
  t(322, c > b > a, TRUE)
  t(323, a <= a <= b, TRUE)
  t(324, a < b <= b = b, TRUE)
  t(325, a < b > c, FALSE)
  t(326, b > a < c, TRUE)
  t(327, a = a = a, TRUE)
  t(328, 0 < m1 < 5, FALSE)
  // Truth values are words.
  t(329, (a < b) + 1, 0)
  t(330, (a > b) + 1, 1)
  t(331, (a = a) & 12, 12)
  { LET r = 0
    IF a < b < c DO r := 1
    IF a < c < b DO r := r + 10
    t(332, r, 1)
  }
  t(333, 5 < a, FALSE)                  // a constant on the left
  t(334, 0 > -a, TRUE)
}

// ---------------------------------------------------------------------
// 400s: << >> (logical, count mod 64), & | ~ NOT EQV NEQV XOR LOGAND LOGOR

LET bits() BE
{ LET one, n3, n63, n64, n65, m1 = 1, 3, 63, 64, 65, -1
  LET x, y = #xF0, #x3C
  t(401, one << n3, 8)
  t(402, one << n63, minint)
  t(403, one << n64, 1)                 // shift counts are taken mod 64
  t(404, one << n65, 2)
  t(405, m1 >> one, maxint)             // >> is logical
  t(406, m1 >> n63, 1)
  t(407, m1 >> n64, -1)
  t(408, 256 >> 4, 16)
  t(409, minint >> 63, 1)
  t(410, 1 << 3, 8)
  t(411, -1 >> 60, 15)
  t(412, #x1234 << 8 >> 4, #x12340)     // left to right
  t(413, one << 1 + 1, 4)               // + binds tighter than <<
  t(414, 8 >> 2 - 1, 4)
  t(415, 1 << 2 = 4, 1)                 // relations bind tighter: 1 << FALSE
  t(416, x & y, #x30)
  t(417, x | y, #xFC)
  t(418, x XOR y, #xCC)
  t(419, x NEQV y, #xCC)
  t(420, x EQV y, ~#xCC)
  t(421, x LOGAND y, #x30)
  t(422, x LOGOR y, #xFC)
  t(423, ~x, -241)
  t(424, NOT x, -241)
  t(425, ~0, -1)
  t(426, ~m1, 0)
  t(427, x & ~y, #xC0)
  t(428, x EQV x, -1)
  t(429, 4 | 2 & 3, 6)                  // & binds tighter than |
  t(430, (4 | 2) & 3, 2)
  t(431, 6 XOR 3 & 5, 7)                // & binds tighter than XOR
  t(432, 1 | 2 EQV 3, -1)               // EQV is loosest: ~((1|2) XOR 3)
  t(433, ~ one = 2, TRUE)               // ~(1 = 2)
  t(434, NOT TRUE, FALSE)
  t(435, m1 & minint, minint)
  t(436, maxint | minint, -1)
  t(437, maxint XOR m1, minint)
}

// ---------------------------------------------------------------------
// 500s: IF UNLESS TEST, truth-valued & | ~ short-circuit, ->

LET bump() = VALOF
{ g.count := g.count + 1
  RESULTIS TRUE
}

LET sign(n) = n < 0 -> -1, n = 0 -> 0, 1

LET conditions() BE
{ LET a, b, r = 1, 2, 0
  IF a < b DO r := 1
  t(501, r, 1)
  IF a > b THEN r := 2
  t(502, r, 1)
  UNLESS a > b DO r := 3
  t(503, r, 3)
  UNLESS a < b THEN r := 4
  t(504, r, 3)
  TEST a < b THEN r := 5 ELSE r := 6
  t(505, r, 5)
  TEST a > b THEN r := 5 ELSE r := 6
  t(506, r, 6)
  TEST a = b DO r := 7 OR r := 8
  t(507, r, 8)
  TEST a = 1 THEN TEST b = 1 THEN r := 9 ELSE r := 10 ELSE r := 11
  t(508, r, 10)
  // In a test, & and | stop as soon as the outcome is known.
  g.count := 0
  IF FALSE & bump() DO r := 12
  t(509, g.count, 0)
  IF TRUE | bump() DO r := 13
  t(510, g.count, 0)
  t(511, r, 13)
  IF TRUE & bump() DO r := 14
  t(512, g.count, 1)
  IF FALSE | bump() DO r := 15
  t(513, g.count, 2)
  t(514, r, 15)
  UNLESS a = 1 & bump() DO r := 16
  t(515, g.count, 3)
  t(516, r, 15)
  // ... and take their operands as truth values (any non-zero is true),
  // where as values they work bit by bit.
  r := 0
  IF 2 & 1 DO r := 1
  t(517, r, 1)
  t(518, 2 & 1, 0)
  IF ~2 DO r := 2
  t(519, r, 1)
  t(520, ~2, -3)
  IF 2 XOR 2 DO r := 3
  t(521, r, 1)
  IF NOT (a > b) DO r := 4
  t(522, r, 4)
  IF ~(a < b) | a = 1 DO r := 5
  t(523, r, 5)
  // Conditional expressions.
  t(524, a < b -> 10, 20, 10)
  t(525, a > b -> 10, 20, 20)
  t(526, sign(-7), -1)
  t(527, sign(0), 0)
  t(528, sign(99), 1)
  t(529, 2 & 1 -> 10, 20, 10)           // the test is a truth value
  t(530, FALSE -> 1, 2 + 3, 5)
  g.count := 0
  t(531, TRUE -> 7, bump(), 7)          // only one arm is evaluated
  t(532, g.count, 0)
  t(533, (a < b -> 100, 200) + 1, 101)
  t(534, (a = 1 -> b = 2 -> 'x', 'y', 'z'), 'x')
  // A test may be any value: non-zero is true.
  r := 0
  IF a + b DO r := 1
  t(535, r, 1)
  { LET n, c = 3, 0
    WHILE n DO { n := n - 1; c := c + 1 }
    t(536, c, 3)
  }
}

// ---------------------------------------------------------------------
// 600s: WHILE UNTIL FOR REPEAT REPEATWHILE REPEATUNTIL, BREAK and LOOP

LET loops() BE
{ LET i, s, n, c = 0, 0, 0, 0
  // WHILE and UNTIL
  WHILE i < 10 DO { i := i + 1; s := s + i }
  t(601, s, 55)
  t(602, i, 10)
  WHILE FALSE DO s := 0
  t(603, s, 55)
  i := 0
  UNTIL i >= 5 DO i := i + 1
  t(604, i, 5)
  UNTIL TRUE DO i := 0
  t(605, i, 5)
  // FOR: TO, BY up and down, no trip, the limit taken once
  s := 0
  FOR k = 1 TO 10 DO s := s + k
  t(606, s, 55)
  s := 0
  FOR k = 1 TO 5 DO s := s * 10 + k
  t(607, s, 12345)
  s := 0
  FOR k = 5 TO 1 BY -1 DO s := s * 10 + k
  t(608, s, 54321)
  s, c := 0, 0
  FOR k = 1 TO 10 BY 3 DO { s := s + k; c := c + 1 }
  t(609, s, 22)
  t(610, c, 4)
  s, c := 0, 0
  FOR k = 10 TO 1 BY -3 DO { s := s + k; c := c + 1 }
  t(611, s, 22)
  t(612, c, 4)
  c := 0
  FOR k = 10 TO 1 DO c := c + 1
  t(613, c, 0)
  c := 0
  FOR k = 1 TO 0 BY -1 DO c := c + 1
  t(614, c, 2)
  c := 0
  FOR k = 1 TO 1 DO c := c + 1
  t(615, c, 1)
  s, c := 0, 0
  FOR k = -5 TO 5 DO { s := s + k; c := c + 1 }
  t(616, s, 0)
  t(617, c, 11)
  n, c := 5, 0
  FOR k = 1 TO n DO { n := n - 1; c := c + 1 }
  t(618, c, 5)
  t(619, n, 0)
  i, s := 2, 0
  FOR k = i * 2 TO i * 3 DO s := s + k
  t(620, s, 15)
  s := 0
  FOR k = 0 TO 20 BY m.b * 2 DO s := s + k         // BY a constant expression
  t(621, s, 0 + 4 + 8 + 12 + 16 + 20)
  { LET k = 99                                   // the FOR's k is its own
    FOR k = 1 TO 3 DO s := k
    t(622, k, 99)
    t(623, s, 3)
  }
  c := 0
  FOR p = 1 TO 3 FOR q = 1 TO 4 DO c := c + p * q
  t(624, c, 6 * 10)
  // REPEAT, REPEATWHILE, REPEATUNTIL: the body runs at least once
  i := 0
  { i := i + 1
    IF i >= 7 BREAK
  } REPEAT
  t(625, i, 7)
  i := 0
  { i := i + 1 } REPEATWHILE i < 5
  t(626, i, 5)
  i := 10
  { i := i + 1 } REPEATWHILE i < 5
  t(627, i, 11)
  i := 0
  { i := i + 1 } REPEATUNTIL i = 6
  t(628, i, 6)
  i := 10
  { i := i + 1 } REPEATUNTIL TRUE
  t(629, i, 11)
  i := 0
  i := i + 2 REPEATUNTIL i > 7                   // a single command repeated
  t(630, i, 8)
  $( i := 0
     i := i + 3 REPEATWHILE i < 10
     t(631, i, 12)
  $)
  // LOOP: on to the next iteration (for a REPEAT.., to its test)
  i, s := 0, 0
  WHILE i < 10 DO
  { i := i + 1
    IF i REM 2 = 0 LOOP
    s := s + i
  }
  t(632, s, 25)
  s := 0
  FOR k = 1 TO 10 DO
  { IF k REM 3 = 0 LOOP
    s := s + k
  }
  t(633, s, 37)
  i, s := 0, 0
  { i := i + 1
    IF i REM 2 = 1 LOOP
    s := s + i
  } REPEATUNTIL i >= 10
  t(634, s, 30)
  t(635, i, 10)
  i, s := 0, 0
  { i := i + 1
    LOOP
    s := 999
  } REPEATUNTIL i = 3
  t(636, i, 3)
  t(637, s, 0)
  i, s := 0, 0
  { i := i + 1
    IF i = 2 LOOP
    s := s + i
  } REPEATWHILE i < 4
  t(638, s, 1 + 3 + 4)
  i := 0
  { i := i + 1
    IF i < 5 LOOP
    BREAK
  } REPEAT
  t(639, i, 5)
  i := 0
  UNTIL i > 100 DO { i := i + 1; IF i < 50 LOOP; BREAK }
  t(640, i, 50)
  // BREAK leaves the innermost loop only
  n := 0
  FOR k = 1 TO 100 DO
  { IF k * k > 50 BREAK
    n := k
  }
  t(641, n, 7)
  i := 0
  WHILE TRUE DO { i := i + 1; IF i = 13 BREAK }
  t(642, i, 13)
  i := 0
  { i := i + 1; IF i = 4 BREAK } REPEATUNTIL i > 100
  t(643, i, 4)
  c := 0
  FOR p = 1 TO 3 DO
    FOR q = 1 TO 10 DO
    { IF q > p BREAK
      c := c + 1
    }
  t(644, c, 6)
  c := 0
  FOR p = 1 TO 4 DO
  { FOR q = 1 TO 4 DO
    { IF q = p LOOP
      c := c + 1
    }
    IF p = 2 LOOP
    c := c + 100
  }
  t(645, c, 12 + 300)
}

// ---------------------------------------------------------------------
// 700s: SWITCHON with CASE, DEFAULT and ENDCASE

// Dense cases 0 .. 10.
LET dense(x) = VALOF
{ SWITCHON x INTO
  { CASE 0: RESULTIS 0
    CASE 1: RESULTIS 1
    CASE 2: RESULTIS 4
    CASE 3: RESULTIS 9
    CASE 4: RESULTIS 16
    CASE 5: RESULTIS 25
    CASE 6: RESULTIS 36
    CASE 7: RESULTIS 49
    CASE 8: RESULTIS 64
    CASE 9: RESULTIS 81
    CASE 10: RESULTIS 100
    DEFAULT: RESULTIS -1
  }
}

// Sparse cases, the word's edges among them.
LET sparse(x) = VALOF
{ SWITCHON x INTO
  { DEFAULT: RESULTIS 0
    CASE -1000: RESULTIS 1
    CASE 7: RESULTIS 2
    CASE 1_000_000: RESULTIS 3
    CASE maxint: RESULTIS 4
    CASE minint: RESULTIS 5
    CASE 0: RESULTIS 6
    CASE -1: RESULTIS 7
  }
}

// Falling from one case into the next.
LET fall(x) = VALOF
{ LET r = 0
  SWITCHON x INTO
  { CASE 1: r := r + 1
    CASE 2: r := r + 10
    CASE 3: r := r + 100; ENDCASE
    CASE 4: r := r + 1000
    DEFAULT: r := r + 10000
  }
  RESULTIS r
}

// A few cases, no DEFAULT: no match does nothing.
LET few(x) = VALOF
{ LET r = -5
  SWITCHON x INTO
  { CASE 1: r := 10; ENDCASE
    CASE 3: r := 30; ENDCASE
  }
  RESULTIS r
}

// One SWITCHON inside another: the inner ENDCASE leaves the inner one.
LET nestedswitch(x, y) = VALOF
{ LET r = 0
  SWITCHON x INTO
  { CASE 1:
      SWITCHON y INTO
      { CASE 1: r := 11; ENDCASE
        CASE 2: r := 12
      }
      r := r + 1000
      ENDCASE
    CASE 2: r := 20; ENDCASE
  }
  RESULTIS r
}

// DEFAULT first, falling into a case.
LET defaultfirst(x) = VALOF
{ LET r = 0
  SWITCHON x INTO
  { DEFAULT: r := 1
    CASE 5: r := r + 100
  }
  RESULTIS r
}

// Character cases, several labels on one command.
LET vowels(s) = VALOF
{ LET n, spaces = 0, 0
  FOR i = 1 TO s%0 DO
    SWITCHON s%i INTO
    { CASE 'a': CASE 'e': CASE 'i': CASE 'o': CASE 'u':
        n := n + 1
        ENDCASE
      CASE ' ': spaces := spaces + 1
    }
  RESULTIS n * 100 + spaces
}

LET switches() BE
{ LET s, i = 0, 0
  FOR k = 0 TO 10 DO s := s + dense(k)
  t(701, s, 385)
  t(702, dense(0), 0)
  t(703, dense(7), 49)
  t(704, dense(10), 100)
  t(705, dense(-1), -1)
  t(706, dense(11), -1)
  t(707, dense(minint), -1)
  t(708, dense(maxint), -1)
  t(709, sparse(-1000), 1)
  t(710, sparse(7), 2)
  t(711, sparse(1_000_000), 3)
  t(712, sparse(maxint), 4)
  t(713, sparse(minint), 5)
  t(714, sparse(0), 6)
  t(715, sparse(-1), 7)
  t(716, sparse(-999), 0)
  t(717, sparse(8), 0)
  t(718, sparse(999_999), 0)
  t(719, sparse(maxint - 1), 0)
  t(720, sparse(minint + 1), 0)
  t(721, sparse(1), 0)
  t(722, fall(1), 111)
  t(723, fall(2), 110)
  t(724, fall(3), 100)
  t(725, fall(4), 11000)
  t(726, fall(9), 10000)
  t(727, few(1), 10)
  t(728, few(2), -5)
  t(729, few(3), 30)
  t(730, few(-3), -5)
  t(731, nestedswitch(1, 1), 1011)
  t(732, nestedswitch(1, 2), 1012)
  t(733, nestedswitch(1, 3), 1000)
  t(734, nestedswitch(2, 1), 20)
  t(735, nestedswitch(3, 3), 0)
  t(736, defaultfirst(5), 100)
  t(737, defaultfirst(6), 101)
  t(738, vowels("the quick brown fox jumps over the lazy dog"), 1108)
  // SWITCHON in a loop: LOOP and BREAK in a case belong to the loop.
  WHILE TRUE DO
  { i := i + 1
    SWITCHON i INTO
    { CASE 2: LOOP
      CASE 5: BREAK
      DEFAULT: s := i
    }
    s := s + 100
  }
  t(739, i, 5)
  t(740, s, 104)
  s := 0
  FOR k = 1 TO 6 DO
    SWITCHON k INTO
    { CASE 2: CASE 4: LOOP
      CASE 6: BREAK
      DEFAULT: s := s * 10 + k
    }
  t(743, s, 135)
  // The value switched on is any expression.
  s := 0
  SWITCHON 3 * 4 + 1 INTO
  { CASE 13: s := 13; ENDCASE
    CASE 12: s := 12
  }
  t(741, s, 13)
  s := 0
  SWITCHON capitalch('q') INTO { CASE 'Q': s := 1; ENDCASE; CASE 'q': s := 2 }
  t(742, s, 1)
}

// ---------------------------------------------------------------------
// 800s: VALOF and RESULTIS, RETURN, GOTO and labels

// Writes !p, then RETURNs early depending on n.
LET early(p, n) BE
{ !p := 1
  IF n = 0 RETURN
  !p := 2
  FOR i = 1 TO 10 DO
  { IF i = n RETURN
    !p := !p + i
  }
  !p := -!p
}

LET firstsquareabove(n) = VALOF
{ FOR k = 1 TO n DO IF k * k > n RESULTIS k
  RESULTIS -1
}

LET valofs() BE
{ LET x = 0
  t(801, 1 + VALOF { RESULTIS 2 }, 3)
  t(802, VALOF { LET y = VALOF { RESULTIS 5 }
                 RESULTIS y * 2
               }, 10)
  t(803, firstsquareabove(200), 15)
  t(804, firstsquareabove(0), -1)
  t(805, VALOF
         { LET k = 0
           WHILE TRUE DO
           { k := k + 1
             SWITCHON k INTO { CASE 4: RESULTIS k * 10 }
           }
         }, 40)
  x := VALOF $( IF x = 0 RESULTIS 'y'; RESULTIS 'n' $)
  t(806, x, 'y')
  IF VALOF { RESULTIS TRUE } DO x := 1
  t(807, x, 1)
  early(@x, 0)
  t(808, x, 1)
  early(@x, 3)
  t(809, x, 5)
  early(@x, 99)
  t(810, x, -57)
}

// Euclid's algorithm as a loop made of GOTO, in a routine: !p := the
// greatest common divisor of a and b.
LET gcdinto(p, a, b) BE
{ lab.again:
  IF b = 0 DO { !p := a; RETURN }
  { LET r = a REM b
    a, b := b, r
  }
  GOTO lab.again
}

// The same inside a VALOF (see check 828 in gotos()).
LET gcd(a, b) = VALOF
{ lab.again2:
  IF b = 0 RESULTIS a
  { LET r = a REM b
    a, b := b, r
  }
  GOTO lab.again2
}

LET gotos() BE
{ LET i, s = 0, 0
  GOTO lab.fwd                          // forward
  s := 1000
lab.fwd:
  t(821, s, 0)
lab.back:                               // backward
  i := i + 1
  s := s + i
  IF i < 10 GOTO lab.back
  t(822, s, 55)
  t(823, i, 10)
  s := 0                                // out of two loops at once
  FOR a = 1 TO 10 DO
    FOR b = 1 TO 10 DO
    { s := s + 1
      IF a * b = 12 GOTO lab.out
    }
  s := -1
lab.out:
  t(824, s, 16)
  { i := 7                              // out of a block, to the end
    IF i = 7 GOTO lab.end
    i := 8
  }
  i := 9
lab.end:
  t(825, i, 7)
  gcdinto(@i, 1071, 462)
  t(826, i, 21)
  gcdinto(@i, 17, 5)
  t(827, i, 1)
  // The same loop with its label inside a VALOF.
  t(828, gcd(1071, 462), 21)
  t(829, gcd(17, 5), 1)
}

// ---------------------------------------------------------------------
// 900s: functions: 0 to 12 parameters, fewer arguments, recursion,
// LET ... AND, functions inside functions, functions as values

LET p0() = 42
LET p1(a) = a
LET p2(a, b) = a * 16 + b
LET p3(a, b, c) = p2(a, b) * 16 + c
LET p4(a, b, c, d) = p3(a, b, c) * 16 + d
LET p5(a, b, c, d, e) = p4(a, b, c, d) * 16 + e
LET p6(a, b, c, d, e, f) = p5(a, b, c, d, e) * 16 + f
LET p7(a, b, c, d, e, f, g) = p6(a, b, c, d, e, f) * 16 + g
LET p8(a, b, c, d, e, f, g, h) = p7(a, b, c, d, e, f, g) * 16 + h
LET p9(a, b, c, d, e, f, g, h, i) = p8(a, b, c, d, e, f, g, h) * 16 + i
LET p10(a, b, c, d, e, f, g, h, i, j) =
  p9(a, b, c, d, e, f, g, h, i) * 16 + j
LET p11(a, b, c, d, e, f, g, h, i, j, k) =
  p10(a, b, c, d, e, f, g, h, i, j) * 16 + k

// Twelve parameters, the most a function may have: hex digits a .. l.
LET p12(a, b, c, d, e, f, g, h, i, j, k, l) = VALOF
{ LET r = a
  r := r * 16 + b; r := r * 16 + c; r := r * 16 + d
  r := r * 16 + e; r := r * 16 + f; r := r * 16 + g
  r := r * 16 + h; r := r * 16 + i; r := r * 16 + j
  r := r * 16 + k; r := r * 16 + l
  RESULTIS r
}

// Parameters are consecutive words: walk n of them from @a (as writef does).
LET walk(n, a, b, c, d, e, f, g, h, i, j, k) = VALOF
{ LET p, r = @a, 0
  FOR x = 0 TO n - 1 DO r := r * 16 + p!x
  RESULTIS r
}

// Called with fewer arguments than parameters: reads only the first n.
LET sumn(n, a, b, c, d) = VALOF
{ LET s = 0
  IF n >= 1 DO s := s + a
  IF n >= 2 DO s := s + b
  IF n >= 3 DO s := s + c
  IF n >= 4 DO s := s + d
  RESULTIS s
}

LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)

LET fact(n) = n = 0 -> 1, n * fact(n - 1)

LET ack(m, n) = m = 0 -> n + 1,
                n = 0 -> ack(m - 1, 1),
                ack(m - 1, ack(m, n - 1))

LET sumto(n) = n = 0 -> 0, n + sumto(n - 1)

// Each activation has its own VEC.
LET vecrec(n) = VALOF
{ LET v = VEC 3
  v!0, v!3 := n, n * 2
  IF n > 0 DO vecrec(n - 1)
  RESULTIS v!0 + v!3
}

LET iseven(n) = n = 0 -> TRUE, isodd(n - 1)
AND isodd(n) = n = 0 -> FALSE, iseven(n - 1)

LET sq(x) = x * x
LET cube(x) = x * x * x
LET apply(f, x) = f(x)
LET compose(f, g, x) = f(g(x))
LET pick(n) = n = 0 -> sq, cube

LET g.twice(x) = 2 * x

LET nested() BE
{ LET st.shadow = 1             // hides the STATIC st.shadow (100) here
  LET inner(x) = x + st.shadow  // cannot see nested's locals: the STATIC
  LET ev(n) = n = 0 -> 1, od(n - 1)
  AND od(n) = n = 0 -> 0, ev(n - 1)
  t(931, inner(5), 105)
  t(932, st.shadow, 1)
  t(933, ev(10), 1)
  t(934, od(7), 1)
  t(935, ev(7), 0)
}

LET functions() BE
{ LET two = 2
  LET v = VEC 2
  LET f = sq
  t(901, p0(), 42)
  t(902, p1(1), 1)
  t(903, p2(1, 2), #x12)
  t(904, p3(1, 2, 3), #x123)
  t(905, p4(1, 2, 3, 4), #x1234)
  t(906, p5(1, 2, 3, 4, 5), #x12345)
  t(907, p6(1, 2, 3, 4, 5, 6), #x123456)
  t(908, p7(1, 2, 3, 4, 5, 6, 7), #x1234567)
  t(909, p8(1, 2, 3, 4, 5, 6, 7, 8), #x12345678)
  t(910, p9(1, 2, 3, 4, 5, 6, 7, 8, 9), #x123456789)
  t(911, p10(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), #x123456789A)
  t(912, p11(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), #x123456789AB)
  t(913, p12(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), #x123456789ABC)
  t(914, p12(12, 11, 10, 9, 8, 7, 6, 5, 4, 3, two, 1), #xCBA987654321)
  t(915, p12(p1(1), two, 1 + two, p2(0, 4), sq(two) + 1, 6, 7, 8,
             two * 4 + 1, fib(5) * 2, sumn(2, 5, 6), 12), #x123456789ABC)
  t(916, walk(11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), #x123456789AB)
  t(917, walk(3, 7, 8, 9), #x789)
  t(918, sumn(0), 0)
  t(919, sumn(2, 10, 20), 30)
  t(920, sumn(4, 1, 2, 3, 4), 10)
  // Recursion
  t(921, fib(20), 6765)
  t(922, fact(20), 2432902008176640000)
  t(923, ack(2, 3), 9)
  t(924, ack(3, 3), 61)
  t(925, sumto(500), 125250)
  t(926, vecrec(10), 30)
  t(927, iseven(10), TRUE)
  t(928, isodd(10), FALSE)
  t(929, iseven(7), FALSE)
  t(930, isodd(7), TRUE)
  nested()
  // Functions are values: in locals, vectors and globals, as arguments
  // and results.
  t(941, f(7), 49)
  f := cube
  t(942, f(3), 27)
  t(943, apply(sq, 9), 81)
  t(944, compose(sq, cube, 2), 64)
  t(945, pick(1)(2), 8)
  t(946, pick(0)(5), 25)
  v!0, v!1 := sq, cube
  t(947, (v!1)(4), 64)
  t(948, (v!0)(4), 16)
  g.fn := sq
  t(949, g.fn(6), 36)
  t(950, sq = sq, TRUE)
  t(951, sq ~= cube, TRUE)
  f := p12
  t(952, f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), #x123456789ABC)
  f := sumn
  t(953, f(1, 5), 5)
  f := early
  f(@two, 0)
  t(954, two, 1)
  t(955, g.twice(21), 42)               // a function in a global
  f := g.twice
  t(956, f(5), 10)
  t(957, !(@g.twice) = g.twice, TRUE)
  t(958, apply(g.twice, 8), 16)
  f := fib
  t(959, apply(f, 10), 55)
  // A function declared GLOBAL is a global variable: calls go through it.
  f := g.twice
  g.twice := sq
  t(960, g.twice(5), 25)
  g.twice := f
  t(961, g.twice(5), 10)
  // Calls as arguments of calls, and a call through a computed value.
  t(962, p3(p3(1, 2, 3), p2(4, 5), p1(p1(6))), #x12756)
  t(963, (v!(p1(1)))(p2(0, 3)), 27)
}

// ---------------------------------------------------------------------
// 1000s: VEC, ! and subscription, @, TABLE

LET setword(p, x) BE !p := x

LET swapwords(p, q) BE
{ LET x = !p
  !p := !q
  !q := x
}

LET sumvec(v, n) = VALOF
{ LET s = 0
  FOR i = 0 TO n DO s := s + v!i
  RESULTIS s
}

// A TABLE is one static vector: its words outlive each call.
LET counter() = VALOF
{ LET c = TABLE 0
  c!0 := c!0 + 1
  RESULTIS c!0
}

LET identity(x) = x

LET vectors() BE
{ LET v = VEC 10
  LET w = VEC 0
  LET rows = VEC 2
  LET r0 = VEC 3
  LET r1 = VEC 3
  LET r2 = VEC 3
  LET x, y = 5, 6
  LET p = ?
  FOR i = 0 TO 10 DO v!i := i * i
  t(1001, v!0, 0)
  t(1002, v!10, 100)
  t(1003, !v, 0)
  t(1004, !(v + 3), 9)
  t(1005, 3!v, 9)                       // subscription adds: v!3
  t(1006, v!(2 + 3), 25)
  t(1007, sumvec(v, 10), 385)
  !v := 77
  t(1008, v!0, 77)
  p := v + 2
  t(1009, p!1, v!3)
  t(1010, p!(-1), v!1)
  t(1099, p!-1, v!1)
  t(1011, @v!4, v + 4)
  t(1012, @!v, v)
  t(1013, !@x, 5)
  !@x := 55
  t(1014, x, 55)
  setword(@x, 42)
  t(1015, x, 42)
  swapwords(@x, @y)
  t(1016, x, 6)
  t(1017, y, 42)
  setword(@v!5, -1)
  t(1018, v!5, -1)
  t(1019, v!4, 16)
  t(1020, v!6, 36)
  w!0 := 123
  t(1021, !w, 123)
  // A vector of vectors.
  rows!0, rows!1, rows!2 := r0, r1, r2
  FOR i = 0 TO 2 DO FOR j = 0 TO 3 DO (rows!i)!j := i * 10 + j
  t(1022, rows!1!2, 12)
  t(1023, r2!3, 23)
  t(1024, (rows!2)!0, 20)
  // A pointer to a local, used in a loop.
  p, x := @x, 0
  FOR i = 1 TO 10 DO !p := !p + i
  t(1025, x, 55)
  // TABLE: constants in a static vector, which may be written.
  { LET tb = TABLE 10, 20, 30, -1, 'x', m.c, 1 + 1, maxint
    t(1026, tb!0, 10)
    t(1027, tb!3, -1)
    t(1028, tb!4, 'x')
    t(1029, tb!5, 20)
    t(1030, tb!6, 2)
    t(1031, tb!7, maxint)
    tb!1 := 99
    t(1032, tb!1, 99)
    t(1033, tb!2, 30)
  }
  t(1034, counter(), 1)
  t(1035, counter(), 2)
  t(1036, counter(), 3)
  t(1037, (TABLE 5, 6, 7)!2, 7)
  t(1038, identity(v)!10, 100)
}

// ---------------------------------------------------------------------
// 1100s: strings and bytes: s%0 is the length, s%i the i-th character

LET countchar(s, c) = VALOF
{ LET n = 0
  FOR i = 1 TO s%0 DO IF s%i = c DO n := n + 1
  RESULTIS n
}

LET streq(a, b) = VALOF
{ UNLESS a%0 = b%0 RESULTIS FALSE
  FOR i = 1 TO a%0 UNLESS a%i = b%i RESULTIS FALSE
  RESULTIS TRUE
}

LET strings() BE
{ LET s = "hello, world"
  LET e = ""
  LET esc = "*n*t*s*"*'**"
  LET more = "*b*c*p"
  LET m = "mutable!"
  LET b = getvec(4)                     // 5 words, 40 bytes
  LET up = getvec(2)
  LET sum = 0
  t(1101, s%0, 12)
  t(1102, s%1, 'h')
  t(1103, s%6, ',')
  t(1104, s%12, 'd')
  t(1105, s%(s%0), 'd')
  t(1106, e%0, 0)
  t(1107, esc%0, 6)
  t(1108, esc%1, '*n')
  t(1109, esc%2, 9)
  t(1110, esc%3, ' ')
  t(1111, esc%4, 34)
  t(1112, esc%5, 39)
  t(1113, esc%6, 42)
  t(1114, more%1 * 10000 + more%2 * 100 + more%3, 81312)
  t(1115, countchar(s, 'l'), 3)
  t(1116, countchar("", 'l'), 0)
  t(1117, streq(s, "hello, world"), TRUE)
  t(1118, streq("abc", "abd"), FALSE)
  t(1119, streq("ab", "abc"), FALSE)
  t(1120, streq(e, ""), TRUE)
  t(1121, "xyz"%2, 'y')
  g.a := "global string"
  t(1122, g.a%0, 13)
  t(1123, g.a%1, 'g')
  // Writing bytes of a string.
  m%1 := 'M'
  t(1124, m%1, 'M')
  t(1125, m%2, 'u')
  t(1126, m%0, 8)
  t(1127, streq(m, "Mutable!"), TRUE)
  // Bytes of a getvec'd vector: 8 to a word, unsigned, the low 8 bits
  // of what is stored.
  FOR i = 0 TO 39 DO b%i := i + 200
  FOR i = 0 TO 39 DO sum := sum + b%i
  t(1128, sum, 8780)
  t(1129, b%0, 200)
  t(1130, b%39, 239)
  b%5 := 256 + 7
  t(1131, b%5, 7)
  b%6 := -1
  t(1132, b%6, 255)
  b!0, b!1 := 0, 0
  b%8 := 1
  t(1133, b!0, 0)
  t(1134, b!1 ~= 0, TRUE)
  b!2 := -1
  FOR i = 16 TO 23 DO b%i := 0
  t(1135, b!2, 0)
  b!3 := 0
  FOR i = 24 TO 31 DO b%i := 255
  t(1136, b!3, -1)
  // Build a string: capitalised copy of "bcpl compiler".
  { LET src = "bcpl compiler"
    up%0 := src%0
    FOR i = 1 TO src%0 DO up%i := capitalch(src%i)
    t(1137, streq(up, "BCPL COMPILER"), TRUE)
  }
  // Bytes of a VEC.
  { LET v = VEC 1
    v!0, v!1 := 0, 0
    v%0 := 3
    v%1 := 'a'
    v%2 := 'b'
    v%3 := 'c'
    t(1138, streq(v, "abc"), TRUE)
  }
  freevec(b)
  freevec(up)
}

// ---------------------------------------------------------------------
// 1200s: SLCT selectors and OF, read and assigned

LET selectors() BE
{ LET w = VEC 3
  w!0 := #x1122334455667788
  w!1 := #xAB00
  w!2 := -1
  w!3 := 0
  t(1201, f.lo OF w, #x88)
  t(1202, f.top OF w, #x11)
  t(1203, f.mid OF w, #xAB)             // the word at offset 1
  t(1204, f.hi32 OF w, #x11223344)
  t(1205, f.nib OF w, 8)
  t(1206, f.word OF w, -1)              // a whole word
  t(1207, f.bit OF w, 0)
  t(1208, f.lo OF (w + 1), 0)
  t(1209, f.lo OF identity(w), #x88)
  t(1210, (SLCT 4:4:0) OF w, 8)
  t(1211, (SLCT 16:16:0) OF w, #x5566)
  t(1299, SLCT 16:16:0 OF w, #x5566)
  f.lo OF w := 5
  t(1212, w!0, #x1122334455667705)
  f.lo OF w := #x1FF                    // only the field's bits are stored
  t(1213, w!0, #x11223344556677FF)
  f.mid OF w := 5
  t(1214, w!1, #x0500)
  f.top OF w := #xAB
  t(1215, w!0, #xAB223344556677FF)
  t(1216, f.top OF w, #xAB)             // read unsigned
  t(1217, f.bit OF w, 1)
  f.bit OF w := 0
  t(1218, w!0, #xAB223344556677DF)
  f.word OF w := 12345
  t(1219, w!2, 12345)
  f.hi32 OF w := -1
  t(1220, w!0, #xFFFFFFFF556677DF)
  t(1221, f.hi32 OF w, #xFFFFFFFF)
  (SLCT 4:60:3) OF w := 9
  t(1222, w!3, #x9000_0000_0000_0000)
  t(1223, (SLCT 4:60:3) OF w, 9)
}

// ---------------------------------------------------------------------
// 1300s: GLOBAL and STATIC

LET nextid() = VALOF
{ STATIC { st.id = 100 }                // a STATIC inside a function
  st.id := st.id + 1
  RESULTIS st.id
}

LET globalsandstatics() BE
{ g.a, g.b, g.c := 1, 2, 3
  t(1301, @g.b - @g.a, 1)               // consecutive globals, words
  t(1302, @g.c - @g.a, 2)
  t(1303, !(@g.a + 1), 2)
  t(1304, (@g.a)!2, 3)
  !(@g.a + 2) := 33
  t(1305, g.c, 33)
  t(1306, @failures - @tests, 1)
  t(1307, globsize, globsize.words)     // global 0, set by the loader
  t(1308, st.a, 5)
  t(1309, st.b, -7)
  t(1310, st.m, 20)
  st.a := st.a + 1
  t(1311, st.a, 6)
  t(1312, !@st.a, 6)
  !@st.b := 70
  t(1313, st.b, 70)
  t(1314, st.shadow, 100)
  t(1315, nextid(), 101)
  t(1316, nextid(), 102)
  t(1317, nextid(), 103)
  g.count := 0
  bump(); bump()
  t(1318, g.count, 2)
}

// ---------------------------------------------------------------------
// 1400s: assignment, single and multiple (done left to right)

LET assignments() BE
{ LET a, b = 1, 2
  LET x, y, z = 1, 2, 3
  LET v = VEC 3
  a, b := b, a                          // a := b, then b := a: no swap
  t(1401, a, 2)
  t(1402, b, 2)
  x, y, z := z, x, y
  t(1403, x, 3)
  t(1404, y, 3)
  t(1405, z, 3)
  v!0, v!1 := 10, 20
  t(1406, v!0, 10)
  t(1407, v!1, 20)
  !v, v!1 := v!1, !v
  t(1408, v!0, 20)
  t(1409, v!1, 20)
  a, v!2, g.b := 7, 8, 9
  t(1410, a, 7)
  t(1411, v!2, 8)
  t(1412, g.b, 9)
  a := a * a + 1
  t(1413, a, 50)
  v!(a - 47) := a
  t(1414, v!3, 50)
}

// ---------------------------------------------------------------------
// 1500s: the library: muldiv and result2, getvec, freevec, capitalch

LET library() BE
{ LET v, w = 0, 0
  t(1501, muldiv(maxint, 999, 1000), 9214148664817921031)  // 128 bits
  t(1502, result2, 193)
  t(1503, muldiv(maxint, maxint, maxint), maxint)
  t(1504, result2, 0)
  t(1505, muldiv(123456789123, 987654321, 1000000007), 121932630380)
  t(1506, result2, 588337823)
  t(1507, muldiv(10, 10, 7), 14)
  t(1508, result2, 2)
  t(1509, muldiv(-7, 3, 2), -10)        // the remainder takes the
  t(1510, result2, -1)                  // product's sign
  t(1511, muldiv(7, 3, -2), -10)
  t(1512, result2, 1)
  t(1513, muldiv(-7, -3, -2), -10)
  t(1514, result2, 1)
  t(1515, muldiv(0, 5, 3), 0)
  t(1516, result2, 0)
  t(1517, muldiv(minint, 1, 1), minint)
  t(1518, capitalch('a'), 'A')
  t(1519, capitalch('z'), 'Z')
  t(1520, capitalch('m'), 'M')
  t(1521, capitalch('A'), 'A')
  t(1522, capitalch('0'), '0')
  t(1523, capitalch('`'), '`')
  t(1524, capitalch('{'), '{')
  v := getvec(100)
  w := getvec(10)
  t(1525, v ~= 0, TRUE)
  t(1526, w ~= 0, TRUE)
  t(1527, v + 100 < w | w + 10 < v, TRUE)  // the two do not overlap
  FOR i = 0 TO 100 DO v!i := i
  FOR i = 0 TO 10 DO w!i := -i
  t(1528, sumvec(v, 100), 5050)
  t(1529, sumvec(w, 10), -55)
  freevec(v)
  freevec(w)
  freevec(0)                            // freeing 0 does nothing
  v := getvec(5)
  t(1530, v ~= 0, TRUE)
  FOR i = 0 TO 5 DO v!i := 1
  t(1531, sumvec(v, 5), 6)
  freevec(v)
}
