"""Shared parts of the reference TRL runners. Imports torch, transformers and trl: load it only to train."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Dict, List, Mapping, Tuple

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback

from lamdagent_job import JobSpec, SpecError, progress, write_metrics

# Keys of the runners' hyperparameters that are not TRL config fields.
RUNNER_ONLY = {"max_examples"}


class ProgressCallback(TrainerCallback):
    """Reports the fraction of training steps done as `lamdagent:progress` lines."""

    def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: D401 (transformers' signature)
        if state.max_steps:
            loss = (logs or {}).get("loss")
            progress(state.global_step / state.max_steps, f"step {state.global_step}/{state.max_steps}" + (f" loss {loss:.4f}" if isinstance(loss, (int, float)) else ""))


def load_model(path: str, hp: Mapping[str, Any]) -> Tuple[Any, Any]:
    """Model and tokenizer from a Hugging Face folder (the job's model input)."""
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise SpecError(f"{path}: not a Hugging Face model folder (no config.json)")
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dtype = torch.bfloat16 if hp.get("bf16") else torch.float32
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)  # transformers >= 4.56
    except TypeError:
        model = AutoModelForCausalLM.from_pretrained(path, torch_dtype=dtype)
    return model, tokenizer


def trl_config(cls: type, spec: JobSpec, hp: Mapping[str, Any], scratch: str, defaults: Mapping[str, Any]) -> Any:
    """A TRL config (SFTConfig, DPOConfig) from the job's hyperparameters. A name this TRL version does
    not know is refused when the job set it, and dropped when it is only the runner's default."""
    fields = {f.name for f in dataclasses.fields(cls)}
    kwargs: Dict[str, Any] = {}
    for key, value in hp.items():
        if key in RUNNER_ONLY:
            continue
        name = key
        if name == "max_length" and name not in fields and "max_seq_length" in fields:
            name = "max_seq_length"  # TRL before 0.16
        if name == "warmup_ratio" and name not in fields and value:
            name = "warmup_steps"  # transformers 5: a float below 1 is a ratio
        if name not in fields:
            if key in defaults and value == defaults[key]:
                continue
            raise SpecError(f"{spec.source}: {key}: this TRL version's {cls.__name__} has no such field")
        if name in kwargs and key in defaults and value == defaults[key]:
            continue  # a default does not overwrite a value mapped onto the same field
        kwargs[name] = value
    kwargs.update(
        output_dir=scratch,
        seed=spec.seed,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
    )
    if not torch.cuda.is_available():
        kwargs["bf16"] = False
    return cls(**{k: v for k, v in kwargs.items() if k in fields})


def finish(trainer: Any, tokenizer: Any, spec: JobSpec, started: float, extra_keys: List[str]) -> Dict[str, float]:
    """Save the model (Hugging Face layout, safetensors) into outputDir and write metrics.json."""
    result = trainer.train()
    os.makedirs(spec.output_dir, exist_ok=True)
    trainer.save_model(spec.output_dir)
    tokenizer.save_pretrained(spec.output_dir)
    metrics: Dict[str, Any] = dict(result.metrics)
    metrics["steps"] = trainer.state.global_step
    logged = [h for h in trainer.state.log_history if "loss" in h]
    if logged:
        metrics["final_loss"] = logged[-1]["loss"]
        metrics["initial_loss"] = logged[0]["loss"]
    for h in reversed(trainer.state.log_history):
        for k in extra_keys:
            if k in h and k not in metrics:
                metrics[k] = h[k]
    metrics["wall_sec"] = time.time() - started
    progress(1.0, "saved")
    return write_metrics(spec.output_dir, metrics)
