#!/usr/bin/env bash
# The experiment-tracker venv for issue 21's tests: optuna and optuna-dashboard (a `lamdagent export
# --format optuna-journal` file is read back with optuna.load_study and served by optuna-dashboard) and mlflow (a real `mlflow server` on 127.0.0.1 that
# @lamdagent/tracker-mlflow logs trials to). Its own venv, outside the repository so CI on the same
# machine reuses it:
#
#   ${LAMDAGENT_TRACKERS_VENV:-$HOME/.cache/lamdagent/venv-trackers}
#
# with the pinned set of python/requirements-trackers.txt. Idempotent: returns at once when the marker
# $VENV/.ready holds the sha256 of that file. A new machine: about 3 min and 0.9 GB (measured; mlflow's
# server pulls pandas, scipy, scikit-learn, pyarrow, matplotlib); pip's cache (~/.cache/pip) keeps the
# downloaded wheels, so a re-created venv does not download again.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REQ=$ROOT/python/requirements-trackers.txt
VENV=${LAMDAGENT_TRACKERS_VENV:-$HOME/.cache/lamdagent/venv-trackers}
log() { printf '[trackers.sh] %s\n' "$*"; }
die() { printf '[trackers.sh] error: %s\n' "$*" >&2; exit 1; }
START=$SECONDS

PY=$(command -v python3 || true)
[ -n "$PY" ] || die "python3 is required"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
ready() { [ -f "$VENV/.ready" ] && [ "$(cat "$VENV/.ready")" = "$want" ] && [ -x "$VENV/bin/python" ]; }
if ready; then
  log "ready: $VENV"
  exit 0
fi
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
if ready; then
  log "ready (installed meanwhile by another process): $VENV"
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
log "installing $(grep -vc "^#" "$REQ") pinned packages (optuna, optuna-dashboard, mlflow and their dependencies)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"
"$VENV/bin/python" -c 'import optuna, mlflow; print("[trackers.sh] imports ok: optuna", optuna.__version__, "mlflow", mlflow.__version__)'
[ -x "$VENV/bin/mlflow" ] || die "$VENV/bin/mlflow is missing"
echo "$want" >"$VENV/.ready.tmp"
mv "$VENV/.ready.tmp" "$VENV/.ready"
log "ready in $((SECONDS - START)) s: $VENV ($(du -sh "$VENV" 2>/dev/null | cut -f1))"
