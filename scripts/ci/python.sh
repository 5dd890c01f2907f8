#!/usr/bin/env bash
# The project's Python venv (torch, transformers, trl, peft, datasets, safetensors, accelerate, mergekit)
# for the TRL runner, HF checkpoint and mergekit tests. Idempotent: returns at once when
# ${LAMDAGENT_VENV:-$HOME/.cache/lamdagent/venv}/.ready matches python/requirements.txt.
# A new machine: about 5 min and 6 GB (measured); the same machine again: well under a second.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash scripts/python-env.sh
