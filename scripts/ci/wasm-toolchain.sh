#!/usr/bin/env bash
# Installs Debian's clang and lld (wasm-ld), and gcc, so that @lamdagent/tinylm's tests can check that the
# committed WebAssembly kernels (src/kernels-wasm.ts) match a rebuild of native/kernels.c, and the native
# prebuild (prebuilds/linux-x64) one of native/x64/kernels-x64.c.
# Idempotent: does nothing when all three are there.
set -euo pipefail
if command -v clang >/dev/null 2>&1 && command -v wasm-ld >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then
  echo "clang, wasm-ld and gcc present: $(clang --version | head -1); $(gcc --version | head -1)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends clang lld gcc libc6-dev >/dev/null
echo "installed $(clang --version | head -1), $(wasm-ld --version | head -1), $(gcc --version | head -1)"
