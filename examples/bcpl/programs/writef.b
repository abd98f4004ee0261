// Strings and formatted output: packed strings (s%0 is the length, s%i
// the i-th character), a reversed copy in a getvec'd buffer, character
// constants and escapes, writef's substitution items with field widths,
// and the writes, writed, writehex, writeoct and newline procedures.
// It assumes a 64-bit word (%u of -1). The exact output, also in
// writef.expected (the gap after "tab:" is one tab character):
//
// writef showcase
//
// "Hello, BCPL" has 11 characters, from H to L
// spelt out: H-e-l-l-o-,- -B-C-P-L
// reversed:  LPCB ,olleH
// level is a palindrome
// BCPL is not a palindrome
// 'A' = 65, '*n' = 10, ''' = 39, '**' = 42
// tab:	end, quote:", apostrophe:', star:*, space: .
// i6: [    42] [   -42]  d4: [   7]  i2: [12345]
// n:  [0] [-1999] [1000000]
// z6: [000042] [-00042]  z3: [007]
// x4: [00FF]  x2: [BC]  x8: [FFFFFFFF]
// o3: [010]  o6: [000777]
// b8: [00000101]  b4: [1010]
// u5: [   42]  u1: [18446744073709551615]
// c:  [B] [*]
// writed:   [  -123]
// writehex: [BEEF]
// writeoct: [0100]

GET "libhdr"

// A reversed copy of string s in a new vector, which the caller frees.
// getvec(n) gives n+1 words, enough for the length byte and len chars.
LET reverse(s) = VALOF
{ LET len = s%0
  LET r = getvec(len / bytesperword)
  r%0 := len
  FOR i = 1 TO len DO r%i := s%(len + 1 - i)
  RESULTIS r
}

LET same(a, b) = VALOF
{ UNLESS a%0 = b%0 RESULTIS FALSE
  FOR i = 1 TO a%0 DO UNLESS a%i = b%i RESULTIS FALSE
  RESULTIS TRUE
}

LET palindrome(s) BE
{ LET r = reverse(s)
  TEST same(s, r)
  THEN writef("%s is a palindrome*n", s)
  ELSE writef("%s is not a palindrome*n", s)
  freevec(r)
}

LET start() = VALOF
{ LET s = "Hello, BCPL"
  LET r = reverse(s)

  writes("writef showcase*n")
  newline()

  writef("*"%s*" has %n characters, from %c to %c*n", s, s%0, s%1, s%(s%0))
  writes("spelt out: ")
  FOR i = 1 TO s%0 DO
  { IF i > 1 DO wrch('-')
    wrch(s%i)
  }
  newline()
  writef("reversed:  %s*n", r)
  freevec(r)
  palindrome("level")
  palindrome("BCPL")

  writef("'A' = %n, '**n' = %n, '*'' = %n, '****' = %n*n", 'A', '*n', '*'', '**')
  writes("tab:*tend, quote:*", apostrophe:*', star:**, space:*s.*n")

  // Right-justified decimals; a field too narrow is overrun, not cut.
  writef("i6: [%i6] [%i6]  d4: [%d4]  i2: [%i2]*n", 42, -42, 7, 12345)
  writef("n:  [%n] [%n] [%n]*n", 0, -1999, 1000000)
  writef("z6: [%z6] [%z6]  z3: [%z3]*n", 42, -42, 7)

  // Hex, octal and binary give exactly w digits: the low ones.
  writef("x4: [%x4]  x2: [%x2]  x8: [%x8]*n", 255, #xABC, -1)
  writef("o3: [%o3]  o6: [%o6]*n", 8, #o777)
  writef("b8: [%b8]  b4: [%b4]*n", 5, #b1010)

  // Unsigned: -1 is the largest 64-bit word.
  writef("u5: [%u5]  u1: [%u1]*n", 42, -1)
  writef("c:  [%c] [%c]*n", 'B', '**')

  writes("writed:   [");  writed(-123, 6);    writes("]*n")
  writes("writehex: [");  writehex(48879, 4); writes("]*n")
  writes("writeoct: [");  writeoct(64, 4);    writes("]*n")
  RESULTIS 0
}
