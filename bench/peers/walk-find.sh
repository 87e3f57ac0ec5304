# Peer: `find DIR | wc -l`; find prints the root too. It reports only a total.  argv: DIR
t0=$(date +%s%N)
lines=$(find "$1" | wc -l)
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" -v n="$lines" \
  'BEGIN { printf "{\"ms\":%.3f,\"entries\":%d}\n", (b - a) / 1e6, n - 1 }'
