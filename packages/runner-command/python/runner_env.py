"""What the reference runners need from their Python, checked before training (standard library only)."""

from __future__ import annotations

import sys
from typing import Sequence

__all__ = ["FIX_ENV", "MissingPackageError", "require_packages"]

# The command that installs the runners' Python packages (the project's venv, or a user's own).
FIX_ENV = (
    "run scripts/python-env.sh in the LaMDAgent repository (then LAMDAGENT_PYTHON=$HOME/.cache/lamdagent/venv/bin/python), "
    "or pip install -r packages/runner-command/python/requirements.txt into the Python that LAMDAGENT_PYTHON names"
)


class MissingPackageError(RuntimeError):
    """A Python package the runner needs is not importable; the message names it and the fix."""


def require_packages(names: Sequence[str]) -> None:
    """Import each package, or raise MissingPackageError naming the first missing one and the fix."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as e:
            raise MissingPackageError(
                f"Python package {name!r} is missing in {sys.executable} ({e}); to fix: {FIX_ENV}"
            ) from None
