# Peer: IO::AIO's `treescan DIR`, lines counted; directories (the root too)
# end in '/', symlinks to directories do not.  argv: DIR
t0=$(date +%s%N)
counts=$(treescan "$1" | awk '/\/$/ { d++ } END { print d + 0, NR }')
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" -v c="$counts" 'BEGIN {
  split(c, n, " ")
  printf "{\"ms\":%.3f,\"dirs\":%d,\"nondirs\":%d}\n", (b - a) / 1e6, n[1] - 1, n[2] - n[1]
}'
