#!/usr/bin/env bash
# Rebuild tinylm's native kernels for Linux x86-64 (a Node-API addon: native/x64/addon.c, matmul.c, and
# native/attention.c, gelu.c compiled with 8-lane AVX2 vectors through native/x64/wasm_simd128.h) into
# prebuilds/linux-x64/tinylm-kernels.node (committed, so that users need no C toolchain; the package
# falls back to the WebAssembly kernels when it cannot load it). Needs gcc and Node's headers
# (include/node next to the node binary; NODE_INCLUDE=DIR overrides).
#   bash native/x64/build.sh            # rebuild and replace the committed prebuild
#   bash native/x64/build.sh --check    # rebuild into a temp dir; exit 1 if it differs from the committed file
#                                       # (exit 3: another gcc version than the one recorded in BUILD.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkg="$(dirname "$(dirname "$here")")"
dest="$pkg/prebuilds/linux-x64"
CC="${CC:-gcc}"
include="${NODE_INCLUDE:-$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node}"
[[ -f "$include/node_api.h" ]] || { echo "node_api.h not found in $include (set NODE_INCLUDE)" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# No -mfma and no contraction: a multiply then an add, as the WebAssembly kernels do (same bits).
# attention.c and gelu.c are compiled with -mavx2 as a whole; their code only runs once the addon has found AVX2.
common=(-O3 -ffp-contract=off -fno-fast-math -fPIC -fvisibility=hidden -Wall -Wextra -Werror -Wno-unused-parameter)
"$CC" "${common[@]}" -I"$include" -c -o "$out/addon.o" "$here/addon.c"
"$CC" "${common[@]}" -c -o "$out/matmul.o" "$here/matmul.c"
for k in attention gelu; do "$CC" "${common[@]}" -mavx2 -I"$here" -c -o "$out/$k.o" "$(dirname "$here")/$k.c"; done
# AdamW: -fno-math-errno lets sqrt be the (correctly rounded) instruction, vectorised
"$CC" "${common[@]}" -mavx2 -fno-math-errno -c -o "$out/adamw.o" "$here/adamw.c"
"$CC" -shared -Wl,--build-id=sha1 -Wl,-s -o "$out/tinylm-kernels.node" "$out/addon.o" "$out/matmul.o" "$out/attention.o" "$out/gelu.o" \
  "$out/adamw.o" -lm
version="$("$CC" --version | head -1)"
printf 'compiler: %s\nsha256: %s\n' "$version" "$(sha256sum "$out/tinylm-kernels.node" | cut -d' ' -f1)" > "$out/BUILD.txt"
if [[ "${1:-}" == "--check" ]]; then
  committed="$(sed -n 1p "$dest/BUILD.txt")"
  if [[ "$committed" != "compiler: $version" ]]; then
    echo "cannot compare: the prebuild was built by ${committed#compiler: }, this machine has $version" >&2
    exit 3
  fi
  if cmp -s "$out/tinylm-kernels.node" "$dest/tinylm-kernels.node"; then echo "the prebuild matches a rebuild"; exit 0; fi
  echo "prebuilds/linux-x64/tinylm-kernels.node differs from a rebuild of native/x64/*.c, native/attention.c and gelu.c (run bash native/x64/build.sh)" >&2
  exit 1
fi
mkdir -p "$dest"
cp "$out/tinylm-kernels.node" "$out/BUILD.txt" "$dest/"
echo "wrote prebuilds/linux-x64/tinylm-kernels.node ($(wc -c < "$out/tinylm-kernels.node") bytes)"
