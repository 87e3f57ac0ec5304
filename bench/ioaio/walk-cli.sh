# ioaio: the CLI, `node packages/core/dist/cli.js -q DIR` (prints nothing, so
# nothing is counted); start-up included, as for the other shell peers.  argv: CLI DIR
t0=$(date +%s%N)
node "$1" -q "$2" || exit 1
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "{\"ms\":%.3f}\n", (b - a) / 1e6 }'
