// Recursion without a base case.
LET down(n) = down(n + 1) + 1

LET start() = down(0)
