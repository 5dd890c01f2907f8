#!/usr/bin/env python3
"""Reference DPO runner (Hugging Face transformers + TRL) honouring the LaMDAgent job-spec contract.

    python dpo_trl.py --spec JOB/spec.json [--beta 0.05 --max_length 1024 ...]

Inputs by slot: ``model`` (a Hugging Face model folder; the frozen reference is a copy of it),
``dataset`` (JSON lines of ``{"prompt", "chosen", "rejected"}``, or a folder holding ``train.jsonl``),
``learning_rate`` and ``beta`` (numbers, optional). Hyperparameters use TRL's names (``beta``,
``loss_type``, ``learning_rate``, ``num_train_epochs``, ``per_device_train_batch_size``,
``max_length``, ``max_prompt_length``, LoRA's ``lora_r`` (> 0 turns it on), ``lora_alpha``,
``lora_dropout``, ``lora_target_modules``, ...) in the action's params or runnerParams, or the tiny runner's names,
overridden by ``--name value`` flags. Writes the model in Hugging Face layout into ``outputDir`` and
``metrics.json`` beside it. ``--dry-run`` validates everything without importing torch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lamdagent_job import DPO_DEFAULTS, SpecError, dataset_file, hyperparameters, load_spec, read_jsonl  # noqa: E402
from runner_env import MissingPackageError, require_packages  # noqa: E402


def plan(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", required=True, help="the job spec (spec.json)")
    ap.add_argument("--dry-run", action="store_true", help="validate the spec, data and hyperparameters; do not train")
    args, rest = ap.parse_known_args(argv)
    spec = load_spec(args.spec)
    hp = hyperparameters(spec, DPO_DEFAULTS, rest, slots=("learning_rate", "beta"))
    model_path = spec.path_input("model")
    data = dataset_file(spec.path_input("dataset"))
    records = read_jsonl(data, ("prompt", "chosen", "rejected"), limit=hp["max_examples"] or None)
    return args, spec, hp, model_path, records


def train(spec, hp, model_path, records):
    require_packages(("torch", "transformers", "trl", "datasets", "accelerate") + (("peft",) if int(hp["lora_r"]) > 0 else ()))
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    from trl_common import ProgressCallback, finish, load_model, lora_config, trl_config

    started = time.time()
    model, tokenizer = load_model(model_path, hp)
    config = trl_config(DPOConfig, spec, hp, os.path.join(spec.job_dir, "trl-dpo"), DPO_DEFAULTS)
    trainer = DPOTrainer(
        model=model,
        ref_model=None,  # TRL makes a frozen copy of the model (with LoRA: the model, adapter off)
        args=config,
        train_dataset=Dataset.from_list(records),
        processing_class=tokenizer,
        callbacks=[ProgressCallback()],
        peft_config=lora_config(hp),
    )
    return finish(trainer, tokenizer, spec, started, extra_keys=["rewards/accuracies", "rewards/margins", "rewards/chosen", "rewards/rejected"])


def main(argv=None) -> int:
    try:
        args, spec, hp, model_path, records = plan(sys.argv[1:] if argv is None else argv)
    except SpecError as e:
        print(f"dpo_trl: {e}", file=sys.stderr)
        return 2
    print(f"dpo_trl: job {spec.job_id}: {len(records)} preference pairs, model {model_path}{' (smoke run)' if spec.smoke else ''}")
    print("dpo_trl: hyperparameters " + json.dumps(hp, sort_keys=True))
    if args.dry_run:
        return 0
    try:
        metrics = train(spec, hp, model_path, records)
    except SpecError as e:
        print(f"dpo_trl: {e}", file=sys.stderr)
        return 2
    except MissingPackageError as e:
        print(f"dpo_trl: {e}", file=sys.stderr)
        return 3
    print("dpo_trl: metrics " + json.dumps(metrics, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
