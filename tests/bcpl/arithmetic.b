// 64-bit word arithmetic at its edges; variables keep the parser from
// folding the constants.
// result: 7

MANIFEST $( MAX = #x7FFFFFFFFFFFFFFF $)

LET line(n) BE
$( writen(n); newline()
$)

LET start() = VALOF
$( LET min = MAX + 1
   LET minusOne, two, seven = -1, 2, 7
   LET s63, s60, s3 = 63, 60, 3
   line(MAX)
   line(min)
   line(min - 1)
   line(MAX * two)
   line(-min)
   line(min / minusOne)
   line(min REM minusOne)
   line(-seven / two); line(seven / -two); line(-seven REM two); line(seven REM -two)
   line(1 << s63)
   line(min >> s63)
   line(minusOne >> s60)
   line(minusOne << s3)
   line(#xFF00 >> 8); line(#b1011 << 4); line(#o777)
   line(min < MAX); line(MAX > min); line(min <= min); line(minusOne >= 0)
   line(~TRUE = FALSE)
   line(TRUE & 5); line(FALSE | 6)
   line('*n'); line('*s'); line('**'); line('*''); line('z')
   line(12345678901 * 1000)
   RESULTIS seven
$)
