/**
 * BCPL's standard header and library, written in BCPL: `GET "libhdr"`
 * reads {@linkcode LIBHDR}; {@linkcode LIBRARY} holds the standard
 * procedures, compiled with every program that uses them (natively, as
 * the program's own code; interpreted alike). Only `wrch`, `rdch`, `stop`
 * and `abort` are primitives of the runtime (layout.ts).
 *
 * @module
 */

import { GLOBAL_WORDS, LoaderGlobal } from "./memory.ts";

/** The standard header: constants and the library's global numbers. */
export const LIBHDR = `
MANIFEST {
  bitsperword = 64; bytesperword = 8
  maxint = #x7FFF_FFFF_FFFF_FFFF; minint = #x8000_0000_0000_0000
  endstreamch = -1
  ug = 200
  Sys_quit = 0; Sys_sardch = 10; Sys_sawrch = 11
  globsize.words = ${GLOBAL_WORDS}
}
GLOBAL {
  globsize: ${LoaderGlobal.GlobalSize}; start: 1; result2: 10
  heap.top: ${LoaderGlobal.HeapTop}; heap.end: ${LoaderGlobal.HeapEnd}
  heap.free: ${LoaderGlobal.HeapFree}
  newline: 20; newpage: 21; writes: 22; writen: 23; writed: 24
  writeu: 25; writez: 26; writehex: 27; writeoct: 28; writebin: 29
  writef: 30; getvec: 31; freevec: 32; muldiv: 33; capitalch: 34
  sys: 35; sawrch: 36; sardch: 37
}
`;

/** The standard procedures. */
export const LIBRARY = `
GET "libhdr"

LET newline() BE wrch('*n')

// sys(op, a): the few operations of BCPL's sys that programs use to read
// and write a character and to stop.
LET sys(op, a) = VALOF SWITCHON op INTO
{ CASE Sys_sawrch: wrch(a); RESULTIS 0
  CASE Sys_sardch: RESULTIS rdch()
  CASE Sys_quit: stop(a)
  DEFAULT: abort(op)
}

LET sawrch(c) BE wrch(c)

LET sardch() = rdch()

LET newpage() BE wrch('*p')

LET writes(s) BE FOR i = 1 TO s%0 DO wrch(s%i)

LET capitalch(c) = 'a' <= c <= 'z' -> c - 'a' + 'A', c

// n in decimal, right-justified in d characters. Digits are taken from
// the negative side, where minint has a magnitude.
LET writed(n, d) BE
{ LET t = VEC 20
  LET i, k = 0, n
  IF n < 0 DO d := d - 1
  { t!i := ABS (k REM 10); k := k / 10; i := i + 1 } REPEATUNTIL k = 0
  FOR j = i + 1 TO d DO wrch('*s')
  IF n < 0 DO wrch('-')
  FOR j = i - 1 TO 0 BY -1 DO wrch(t!j + '0')
}

LET writen(n) BE writed(n, 0)

// n as an unsigned number, right-justified in d characters.
LET writeu(n, d) BE
{ LET q = (n >> 1) / 5
  LET r = n - q * 10
  IF n >= 0 DO { writed(n, d); RETURN }
  writeu(q, d - 1)
  wrch(r + '0')
}

// n in decimal, padded with zeros to d characters.
LET writez(n, d) BE
{ LET t = VEC 20
  LET i, k = 0, n
  IF n < 0 DO { d := d - 1; wrch('-') }
  { t!i := ABS (k REM 10); k := k / 10; i := i + 1 } REPEATUNTIL k = 0
  FOR j = i + 1 TO d DO wrch('0')
  FOR j = i - 1 TO 0 BY -1 DO wrch(t!j + '0')
}

// The low d digits of n in base 2^bits (at least one).
LET lib.writedigits(n, d, bits) BE
{ IF d > 1 DO lib.writedigits(n >> bits, d - 1, bits)
  wrch("0123456789ABCDEF"%(1 + (n & ((1 << bits) - 1))))
}

LET writehex(n, d) BE lib.writedigits(n, d, 4)
LET writeoct(n, d) BE lib.writedigits(n, d, 3)
LET writebin(n, d) BE lib.writedigits(n, d, 1)

// The width of a format item: 0-9, or A-Z for 10-35.
LET lib.formatwidth(c) = '0' <= c <= '9' -> c - '0',
                     'A' <= c <= 'Z' -> c - 'A' + 10, 0

// writef(format, a, ..., k): %n %s %c %% and %iW %dW %uW %xW %oW %bW
// %zW take the next argument; W is one width character (0-9, A-Z), which
// %d and %u may leave out.
LET writef(format, a, b, c, d, e, f, g, h, i, j, k) BE
{ LET arg = @a
  LET pos, length = 1, format%0
  WHILE pos <= length DO
  { LET ch = format%pos
    pos := pos + 1
    TEST ch = '%' & pos <= length THEN
    { LET type = capitalch(format%pos)
      LET width = 0
      pos := pos + 1
      SWITCHON type INTO
      { CASE 'I': CASE 'X': CASE 'O': CASE 'B': CASE 'Z':
          IF pos <= length DO
          { width := lib.formatwidth(format%pos); pos := pos + 1 }
          ENDCASE
        CASE 'D': CASE 'U':
          IF pos <= length & '0' <= format%pos <= '9' DO
          { width := format%pos - '0'; pos := pos + 1 }
      }
      SWITCHON type INTO
      { DEFAULT: wrch(format%(pos - 1)); LOOP
        CASE 'N': writed(!arg, 0); ENDCASE
        CASE 'I': CASE 'D': writed(!arg, width); ENDCASE
        CASE 'U': writeu(!arg, width); ENDCASE
        CASE 'Z': writez(!arg, width); ENDCASE
        CASE 'X': writehex(!arg, width); ENDCASE
        CASE 'O': writeoct(!arg, width); ENDCASE
        CASE 'B': writebin(!arg, width); ENDCASE
        CASE 'S': writes(!arg); ENDCASE
        CASE 'C': wrch(!arg); ENDCASE
      }
      arg := arg + 1
    } ELSE wrch(ch)
  }
}

// getvec(n): a vector v!0 .. v!n from the heap, or 0 when it is full.
// Each block has a word before it holding its size; freed blocks are kept
// on a list and reused first-fit.
LET getvec(n) = VALOF
{ LET size = n + 2
  LET prev, p = 0, heap.free
  IF n < 0 | n > maxint - 2 RESULTIS 0
  UNTIL p = 0 DO
  { IF !p >= size DO
    { TEST prev = 0 THEN heap.free := p!1 ELSE prev!1 := p!1
      RESULTIS p + 1
    }
    prev, p := p, p!1
  }
  IF heap.end - heap.top < size RESULTIS 0
  p := heap.top
  heap.top := heap.top + size
  !p := size
  RESULTIS p + 1
}

LET freevec(v) BE UNLESS v = 0 DO
{ LET p = v - 1
  p!1 := heap.free
  heap.free := p
}

// x < y for unsigned words.
LET lib.below(x, y) = (x XOR minint) < (y XOR minint)

// (a * b) / c with a 128-bit product; result2 := the remainder, which
// takes the product's sign (as REM does).
LET muldiv(a, b, c) = VALOF
{ LET negative, productnegative = FALSE, FALSE
  LET mask = #xFFFF_FFFF
  LET al, ah, bl, bh = ?, ?, ?, ?
  LET ll, lh, hl, mid = ?, ?, ?, ?
  LET hi, lo, q, r = ?, ?, 0, 0
  IF c = 0 RESULTIS a / c
  IF a < 0 DO a, productnegative := -a, ~productnegative
  IF b < 0 DO b, productnegative := -b, ~productnegative
  negative := productnegative
  IF c < 0 DO c, negative := -c, ~negative
  al, ah, bl, bh := a & mask, a >> 32, b & mask, b >> 32
  ll, lh, hl := al * bl, al * bh, ah * bl
  mid := (ll >> 32) + (lh & mask) + (hl & mask)
  lo := (ll & mask) | (mid << 32)
  hi := ah * bh + (lh >> 32) + (hl >> 32) + (mid >> 32)
  FOR i = 127 TO 0 BY -1 DO
  { LET bit = i >= 64 -> (hi >> (i - 64)) & 1, (lo >> i) & 1
    r := (r << 1) | bit
    q := q << 1
    UNLESS lib.below(r, c) DO { r := r - c; q := q | 1 }
  }
  result2 := productnegative -> -r, r
  RESULTIS negative -> -q, q
}
`;
