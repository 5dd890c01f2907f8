#!/bin/bash
# Rebuilds tables/embedded-world.json: 30-iteration studies of the quickstart config on the embedded
# world, one per policy and seed, all on one shared action cache, then `lamdagent bench export` of every
# finished study (test split for each top-3).
# Usage (from the repository root, after `npm run build`):
#   packages/science/scripts/build-table.sh [SEEDS] [OUT] [LANES]
#   POLICIES="greedy random-type random surrogate evolution" (default) chooses the policies.
#   CONFIG (default study.yaml, in examples/quickstart), TABLE (default packages/science/tables/embedded-world.json)
#   and WORLD (buildWorld's options as JSON, default {"seed":0}) choose another config of the quickstart,
#   e.g. CONFIG=study-interference.yaml WORLD='{"seed":0,"interference":{}}' TABLE=.../interference-world.json.
# Seeds are interleaved (seed 0 of every policy, then 1, ...); LANES (default 1) studies run at once,
# lane L taking the seeds with seed % LANES == L (the cache's per-action lock keeps them from running an
# action twice). Resumable: finished studies are skipped; an interrupted one is resumed.
set -u
seeds=${1:-20}
out=$(realpath -m "${2:-studies/table-build}")
lanes=${3:-1}
policies=${POLICIES:-greedy random-type random surrogate evolution}
root=$(cd "$(dirname "$0")/../../.." && pwd)
config=${CONFIG:-study.yaml}
table=$(realpath -m "${TABLE:-$root/packages/science/tables/embedded-world.json}")
world=${WORLD:-'{"seed":0}'}
cli="$root/packages/cli/dist/bin.js"
mkdir -p "$out"
cd "$root/examples/quickstart"
node -e "import('@lamdagent/world').then((w) => w.buildWorld('world', JSON.parse(process.argv[1]), { log: (l) => console.error(l) }))" "$world"

lane() {
  local seed policy dir
  for seed in $(seq "$1" "$lanes" $((seeds - 1))); do
    for policy in $policies; do
      dir="$out/$policy-s$seed"
      if [ -f "$dir/study.json" ]; then node "$cli" resume "$dir" --iterations 30 > "$dir.log" 2>&1
      else node "$cli" run "$config" --out "$dir" --iterations 30 --seed "$seed" --policy "$policy" --cache "$out/cache" > "$dir.log" 2>&1; fi
      echo "$(date -u +%T) $policy seed $seed: exit $?"
    done
  done
}
for l in $(seq 0 $((lanes - 1))); do lane "$l" & done
wait
node "$cli" bench export "$out"/*-s*/ -o "$table" --test-top 3
