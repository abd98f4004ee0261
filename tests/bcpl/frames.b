// Frames and calls at the edges of the calling conventions: six arguments
// (on Windows x64 the fifth and sixth travel on the stack) of every kind,
// parameters assigned to, frames of many pages in a recursion, and the
// host called from deep inside.
// result: 42

// Every position weighs differently, so a swapped argument shows.
LET mix(a, b, c, d, e, f) = a - 2 * b + 3 * c - 4 * d + 5 * e - 6 * f

// Parameters are variables; assigning them changes nothing in the caller.
LET shuffle(a, b, c, d, e, f) = VALOF
$( a := a + f
   f := a - f
   b := b * e
   e := 0
   RESULTIS mix(f, e, d, c, b, a)
$)

// The sixth argument of the callee is this call's own fifth parameter.
LET pass(a, b, c, d, e, f) = e = 0 -> a + b + c + d + f,
   pass(b, c, d, a, e - 1, f + e)

// Each level's frame is over 40,000 bytes, ten pages and more.
LET deep(n) = VALOF
$( LET big = VEC 5000
   big!0 := n
   big!5000 := n * 2
   big!1 := n > 0 -> deep(n - 1), 0
   writen(big!5000); wrch(' ')
   RESULTIS big!0 + big!5000 + big!1
$)

// Writes from the bottom of a recursion 500 calls deep.
LET down(n) = n = 0 -> VALOF $( writes("bottom"); RESULTIS 0 $),
   1 + down(n - 1)

LET start() = VALOF
$( LET big, small = 1000000000000, -7
   LET a, b, c, d, e, f = 1, 2, 3, 4, 5, 6
   writes("constants: "); writen(mix(1, 2, 3, 4, 5, 6)); newline()
   writes("names: "); writen(mix(f, d, e, a, c, b)); newline()
   writes("wide constants: ")
   writen(mix(#x7FFFFFFFFFFF, 2, 3, 4, #x123456789, -#x987654321)); newline()
   writes("computed: ")
   writen(mix(big + 1, small * small, a + b, mix(6, 5, 4, 3, 2, 1),
      big - 1, small - f))
   newline()
   writes("nested: ")
   writen(mix(a, mix(b, c, d, e, f, a), c, d, mix(e, f, a, b, c, d), f))
   newline()
   writes("shuffled: "); writen(shuffle(a, b, c, d, e, f))
   writes(", still "); writen(a); wrch(' '); writen(b); wrch(' ')
   writen(e); wrch(' '); writen(f); newline()
   writes("passed on: "); writen(pass(1, 10, 100, 1000, 7, 0)); newline()
   writes("deep: "); writen(deep(12)); newline()
   writes("down: "); writen(down(500)); newline()
   RESULTIS 42
$)
