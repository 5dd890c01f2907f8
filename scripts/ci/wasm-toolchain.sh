#!/usr/bin/env bash
# Installs Debian's clang and lld (wasm-ld) so that @lamdagent/tinylm's test can check that the committed
# WebAssembly kernels (src/kernels-wasm.ts) match a rebuild of native/kernels.c.
# Idempotent: does nothing when both are there.
set -euo pipefail
if command -v clang >/dev/null 2>&1 && command -v wasm-ld >/dev/null 2>&1; then
  echo "clang and wasm-ld present: $(clang --version | head -1)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends clang lld >/dev/null
echo "installed $(clang --version | head -1), $(wasm-ld --version | head -1)"
