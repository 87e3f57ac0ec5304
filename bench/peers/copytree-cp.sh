# Peer: `cp -a SRC DST` (GNU coreutils: one thread, every file and its metadata). argv: SRC DST
# Prints the copy's time and the entries under DST (the scenario removes DST, outside any timing).
t0=$(date +%s%N)
cp -a "$1" "$2" || exit 1
t1=$(date +%s%N)
n=$(find "$2" | wc -l)
awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "{\"ms\":%.3f,\"entries\":%d}\n", (b - a) / 1e6, n - 1 }'
