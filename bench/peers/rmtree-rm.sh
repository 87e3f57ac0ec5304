# Peer: `rm -rf DIR`, timed around the command alone.  argv: DIR
t0=$(date +%s%N)
rm -rf "$1"
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "{\"ms\":%.3f}\n", (b - a) / 1e6 }'
