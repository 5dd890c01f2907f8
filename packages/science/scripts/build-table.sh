#!/bin/bash
# Rebuilds tables/embedded-world.json: 30-iteration studies of the quickstart config on the embedded
# world, policies greedy, random-type and random, seeds interleaved (0 of each, then 1, ...), all on one
# shared action cache, then `lamdagent bench export` of every finished study (test split for each top-3).
# Usage (from the repository root, after `npm run build`): packages/science/scripts/build-table.sh [SEEDS] [OUT]
# Resumable: finished studies are skipped; an interrupted one is resumed.
set -u
seeds=${1:-20}
out=$(realpath -m "${2:-studies/table-build}")
root=$(cd "$(dirname "$0")/../../.." && pwd)
cli="$root/packages/cli/dist/bin.js"
mkdir -p "$out"
cd "$root/examples/quickstart"
node -e "import('@lamdagent/world').then((w) => w.buildWorld('world', { seed: 0 }, { log: (l) => console.error(l) }))"
for seed in $(seq 0 $((seeds - 1))); do
  for policy in greedy random-type random; do
    dir="$out/$policy-s$seed"
    if [ -f "$dir/study.json" ]; then node "$cli" resume "$dir" --iterations 30 > "$dir.log" 2>&1
    else node "$cli" run study.yaml --out "$dir" --iterations 30 --seed "$seed" --policy "$policy" --cache "$out/cache" > "$dir.log" 2>&1; fi
    echo "$(date -u +%T) $policy seed $seed: exit $?"
  done
done
node "$cli" bench export "$out"/*-s* -o "$root/packages/science/tables/embedded-world.json" --test-top 3
