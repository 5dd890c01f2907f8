"""The LaMDAgent job-spec contract for Python runners (standard library only: no torch import here).

A job spec is the JSON file the framework writes for every job (``spec.json`` in the job folder; the
command runner passes its path as ``{specFile}``). A runner reads its inputs by slot name, its fixed
parameters and seed, writes the produced model into ``outputDir`` (Hugging Face layout) and may write
``metrics.json`` there: a flat JSON object of numbers.

    from lamdagent_job import load_spec, hyperparameters, write_metrics
    spec = load_spec("spec.json")
    hp = hyperparameters(spec, SFT_DEFAULTS, cli=["--num_train_epochs", "2"])
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

__all__ = [
    "SpecError",
    "JobInput",
    "JobSpec",
    "load_spec",
    "parse_spec",
    "read_jsonl",
    "dataset_file",
    "hyperparameters",
    "parse_cli_overrides",
    "write_metrics",
    "progress",
    "TINY_ALIASES",
    "SFT_DEFAULTS",
    "DPO_DEFAULTS",
    "LORA_DEFAULTS",
]


class SpecError(ValueError):
    """A job spec, dataset or parameter is not what the runner needs; the message names file and field."""


@dataclass(frozen=True)
class JobInput:
    slot: str
    id: str
    name: str
    type: str
    value: Any
    digest: str


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    action: str
    action_type: str
    runner: str
    inputs: List[JobInput]
    params: Dict[str, Any]
    output_dir: str
    job_dir: str
    seed: int
    gpus: int = 0
    cpus: int = 1
    memory_mb: Optional[int] = None
    time_limit_sec: Optional[float] = None
    smoke: bool = False
    source: str = "spec.json"
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    def slot(self, name: str) -> List[JobInput]:
        return [i for i in self.inputs if i.slot == name]

    def input(self, name: str, index: int = 0) -> JobInput:
        found = self.slot(name)
        if not found:
            slots = sorted({i.slot for i in self.inputs})
            raise SpecError(f"{self.source}: inputs: no slot {name!r} (slots: {', '.join(slots) or 'none'})")
        if index >= len(found):
            raise SpecError(f"{self.source}: inputs: slot {name!r} holds {len(found)} inputs, no index {index}")
        return found[index]

    def path_input(self, name: str) -> str:
        value = self.input(name).value
        if not isinstance(value, str) or not value:
            raise SpecError(f"{self.source}: inputs.{name}: expected a path, got {value!r}")
        return value

    def number_input(self, name: str) -> Optional[float]:
        found = self.slot(name)
        if not found:
            return None
        value = found[0].value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SpecError(f"{self.source}: inputs.{name}: expected a number, got {value!r}")
        return float(value)


def _require(obj: Mapping[str, Any], key: str, kind: type | tuple, where: str) -> Any:
    if key not in obj:
        raise SpecError(f"{where}.{key}: missing")
    value = obj[key]
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise SpecError(f"{where}.{key}: expected a number, got {value!r}")
    if not isinstance(value, kind):
        raise SpecError(f"{where}.{key}: expected {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
    return value


def parse_spec(data: Any, source: str = "spec.json") -> JobSpec:
    """Validate a parsed job spec (schemaVersion 1) and return it; errors name the file and field."""
    if not isinstance(data, dict):
        raise SpecError(f"{source}: a job spec is a JSON object")
    if data.get("schemaVersion") != 1:
        raise SpecError(f"{source}: schemaVersion: expected 1, got {data.get('schemaVersion')!r}")
    inputs = []
    for n, raw in enumerate(_require(data, "inputs", list, source)):
        where = f"{source}: inputs[{n}]"
        if not isinstance(raw, dict):
            raise SpecError(f"{where}: expected an object")
        inputs.append(
            JobInput(
                slot=_require(raw, "slot", str, where),
                id=_require(raw, "id", str, where),
                name=_require(raw, "name", str, where),
                type=_require(raw, "type", str, where),
                value=raw.get("value"),
                digest=_require(raw, "digest", str, where),
            )
        )
    res = _require(data, "resources", dict, source)
    seed = _require(data, "seed", int, source)
    return JobSpec(
        job_id=_require(data, "jobId", str, source),
        action=_require(data, "action", str, source),
        action_type=_require(data, "actionType", str, source),
        runner=_require(data, "runner", str, source),
        inputs=inputs,
        params=dict(_require(data, "params", dict, source)),
        output_dir=_require(data, "outputDir", str, source),
        job_dir=_require(data, "jobDir", str, source),
        seed=seed,
        gpus=int(res.get("gpus", 0)),
        cpus=int(res.get("cpus", 1)),
        memory_mb=res.get("memoryMb"),
        time_limit_sec=res.get("timeLimitSec"),
        smoke=bool(data.get("smoke", False)),
        source=source,
        raw=data,
    )


def load_spec(path: str) -> JobSpec:
    """Read and validate ``spec.json``."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise SpecError(f"{path}: no such job spec") from None
    except json.JSONDecodeError as e:
        raise SpecError(f"{path}: not JSON ({e})") from None
    return parse_spec(data, path)


def dataset_file(path: str) -> str:
    """A dataset is a JSON lines file, or a folder holding ``train.jsonl``."""
    if os.path.isdir(path):
        candidate = os.path.join(path, "train.jsonl")
        if not os.path.isfile(candidate):
            raise SpecError(f"{path}: a dataset folder must hold train.jsonl")
        return candidate
    if not os.path.isfile(path):
        raise SpecError(f"{path}: no such dataset")
    return path


def read_jsonl(path: str, required: Sequence[str], limit: Optional[int] = None) -> List[Dict[str, str]]:
    """Records of a JSON lines file, each an object with non-empty string fields ``required``."""
    out: List[Dict[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise SpecError(f"{path}:{n}: not JSON ({e.msg})") from None
            if not isinstance(rec, dict):
                raise SpecError(f"{path}:{n}: expected an object with {', '.join(required)}")
            missing = [k for k in required if k not in rec]
            if missing:
                raise SpecError(
                    f"{path}:{n}: no {', '.join(repr(k) for k in missing)} field: this runner reads JSON lines of "
                    f"{{{', '.join(repr(k) for k in required)}}} (found {', '.join(repr(k) for k in rec) or 'no fields'}); "
                    f"rename the columns of the dataset"
                )
            for key in required:
                if not isinstance(rec.get(key), str) or (key != "prompt" and not rec[key]):
                    raise SpecError(f"{path}:{n}: {key}: expected a non-empty string")
            out.append({k: rec[k] for k in required})
            if limit is not None and len(out) >= limit:
                break
    if not out:
        raise SpecError(f"{path}: no records")
    return out


# The tiny in-process runners' parameter names (action-sft, action-dpo) and their TRL spelling.
TINY_ALIASES: Dict[str, str] = {
    "epochs": "num_train_epochs",
    "batchSize": "per_device_train_batch_size",
    "maxSteps": "max_steps",
    "weightDecay": "weight_decay",
    "schedule": "lr_scheduler_type",
}

# Defaults of the reference runners (TRL names). Keys here are the hyperparameters a job may set.
SFT_DEFAULTS: Dict[str, Any] = {
    "learning_rate": 2e-5,
    "num_train_epochs": 1.0,
    "per_device_train_batch_size": 8,
    "gradient_accumulation_steps": 1,
    "max_steps": -1,
    "warmup_ratio": 0.0,
    "warmup_steps": 0,
    "weight_decay": 0.0,
    "lr_scheduler_type": "linear",
    "max_length": 1024,
    "bf16": False,
    "gradient_checkpointing": False,
    "logging_steps": 10,
    "max_examples": 0,
}
# LoRA (peft) for SFT and DPO: on when lora_r > 0 (DPO's reference is then the model with the adapter off). The adapter is trained, saved to <outputDir>/adapter and
# merged into the full model written to <outputDir>. lora_target_modules: comma-separated module
# names, or "all-linear".
LORA_DEFAULTS: Dict[str, Any] = {
    "lora_r": 0,
    "lora_alpha": 16.0,
    "lora_dropout": 0.0,
    "lora_target_modules": "all-linear",
}
SFT_DEFAULTS.update(LORA_DEFAULTS)
DPO_DEFAULTS: Dict[str, Any] = {
    **SFT_DEFAULTS,
    "learning_rate": 5e-7,
    "beta": 0.1,
    "loss_type": "sigmoid",
    "max_prompt_length": 512,
}


def _coerce(name: str, value: Any, like: Any, where: str) -> Any:
    if isinstance(like, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        raise SpecError(f"{where}: {name}: expected true or false, got {value!r}")
    if isinstance(like, int) and not isinstance(like, bool):
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise SpecError(f"{where}: {name}: expected an integer, got {value!r}") from None
        if isinstance(value, bool) or not f.is_integer():
            raise SpecError(f"{where}: {name}: expected an integer, got {value!r}")
        return int(f)
    if isinstance(like, float):
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise SpecError(f"{where}: {name}: expected a number, got {value!r}") from None
        if isinstance(value, bool) or not math.isfinite(f):
            raise SpecError(f"{where}: {name}: expected a finite number, got {value!r}")
        return f
    if not isinstance(value, str):
        raise SpecError(f"{where}: {name}: expected a string, got {value!r}")
    return value


def parse_cli_overrides(argv: Sequence[str]) -> Dict[str, str]:
    """``--name value`` or ``--name=value`` pairs (hyperparameter overrides from the command template)."""
    out: Dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise SpecError(f"command line: expected --name value, got {arg!r}")
        if "=" in arg:
            name, value = arg[2:].split("=", 1)
            i += 1
        else:
            if i + 1 >= len(argv):
                raise SpecError(f"command line: {arg} needs a value")
            name, value = arg[2:], argv[i + 1]
            i += 2
        out[name.replace("-", "_")] = value
    return out


def hyperparameters(
    spec: JobSpec,
    defaults: Mapping[str, Any],
    cli: Iterable[str] = (),
    slots: Sequence[str] = ("learning_rate",),
) -> Dict[str, Any]:
    """TRL hyperparameters for a job, later sources winning: defaults, the spec's params (TRL names or
    the tiny runners' names), its runnerParams (``actions.<name>.runnerParams``: TRL names, e.g. LoRA's
    ``lora_r``, for action types whose params schema is strict), number slots (learning_rate, beta),
    command-line overrides. Unknown parameter names are refused, naming ``params.<name>``."""
    hp: Dict[str, Any] = dict(defaults)

    def put(name: str, value: Any, where: str) -> None:
        if name not in defaults:
            raise SpecError(f"{where}: {name}: not a hyperparameter of this runner (known: {', '.join(sorted(defaults))})")
        hp[name] = _coerce(name, value, defaults[name], where)

    for key, value in spec.params.items():
        where = f"{spec.source}: params"
        if key == "command":
            continue  # the command runner's own parameter
        if key == "warmup":  # tiny runners: a fraction below 1, else steps
            v = _coerce(key, value, 0.0, where)
            put("warmup_ratio" if 0 < v < 1 else "warmup_steps", v if 0 < v < 1 else int(v), where)
        elif key == "maxExamples":
            put("max_examples", value, where)
        else:
            put(TINY_ALIASES.get(key, key), value, where)
    runner_params = spec.raw.get("runnerParams") or {}
    if not isinstance(runner_params, dict):
        raise SpecError(f"{spec.source}: runnerParams: expected an object")
    for key, value in runner_params.items():
        if key == "command":
            continue
        put(TINY_ALIASES.get(key, key), value, f"{spec.source}: runnerParams")
    for slot in slots:
        v = spec.number_input(slot)
        if v is not None:
            put(slot, v, f"{spec.source}: inputs.{slot}")
    for key, value in parse_cli_overrides(list(cli)).items():
        put(key, value, "command line")
    return hp


def write_metrics(output_dir: str, metrics: Mapping[str, Any], name: str = "metrics.json") -> Dict[str, float]:
    """Write the finite numeric metrics as a flat JSON object (atomically); returns what was written."""
    clean = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)}
    os.makedirs(output_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".metrics.", dir=output_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(clean, f, indent=2, sort_keys=True)
    os.replace(tmp, os.path.join(output_dir, name))
    return clean


def progress(fraction: float, message: str = "") -> None:
    """Report progress to the command runner (a ``lamdagent:progress`` line on stdout)."""
    sys.stdout.write(f"lamdagent:progress {max(0.0, min(1.0, fraction)):.4f}{' ' + message if message else ''}\n")
    sys.stdout.flush()
