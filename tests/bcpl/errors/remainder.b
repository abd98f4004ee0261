LET start() = VALOF
$( LET zero = 0
   writen(17 REM 5); newline()
   RESULTIS 17 REM zero
$)
