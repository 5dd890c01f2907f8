"""Shared parts of the reference TRL runners. Imports torch, transformers and trl: load it only to train."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Dict, List, Mapping, Tuple

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback

from lamdagent_job import LORA_DEFAULTS, JobSpec, SpecError, progress, write_metrics

# Keys of the runners' hyperparameters that are not TRL config fields.
RUNNER_ONLY = {"max_examples", *LORA_DEFAULTS}
# Subfolder of outputDir that keeps a LoRA run's adapter (the merged full model is outputDir itself).
ADAPTER_DIR = "adapter"


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
    hint = "a folder written by save_pretrained (config.json, model.safetensors or shards, tokenizer files)"
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
    except Exception as e:  # OSError, ValueError, JSON errors: transformers' own message names the file
        raise SpecError(f"{path}: transformers cannot load the tokenizer ({type(e).__name__}: {_first_line(e)}); expected {hint}") from None
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dtype = torch.bfloat16 if hp.get("bf16") else torch.float32
    try:
        try:
            model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)  # transformers >= 4.56
        except TypeError:
            model = AutoModelForCausalLM.from_pretrained(path, torch_dtype=dtype)
    except Exception as e:
        raise SpecError(f"{path}: transformers cannot load the model ({type(e).__name__}: {_first_line(e)}); expected {hint}") from None
    return model, tokenizer


def _first_line(e: BaseException) -> str:
    text = str(e).strip().split("\n")[0]
    return text[:400]


def lora_config(hp: Mapping[str, Any]) -> Any:
    """peft's LoraConfig for a job with lora_r > 0, else None."""
    if int(hp.get("lora_r", 0)) <= 0:
        return None
    from peft import LoraConfig

    targets = str(hp["lora_target_modules"]).strip()
    return LoraConfig(
        r=int(hp["lora_r"]),
        lora_alpha=float(hp["lora_alpha"]),
        lora_dropout=float(hp["lora_dropout"]),
        target_modules=targets if targets == "all-linear" else [t.strip() for t in targets.split(",") if t.strip()],
        task_type="CAUSAL_LM",
    )


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
    metrics: Dict[str, Any] = dict(result.metrics)
    model = trainer.model
    if hasattr(model, "merge_and_unload"):  # a peft (LoRA) model: keep the adapter, pool the merged model
        adapter = os.path.join(spec.output_dir, ADAPTER_DIR)
        model.save_pretrained(adapter)
        tokenizer.save_pretrained(adapter)
        metrics["lora_trainable_params"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
        merged = model.merge_and_unload()
        merged.save_pretrained(spec.output_dir, safe_serialization=True)
    else:
        trainer.save_model(spec.output_dir)
    tokenizer.save_pretrained(spec.output_dir)
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
