"""Tests of the reference TRL runners on a tiny random model (needs torch, transformers, trl, datasets).

Skipped, with the reason, where those libraries are not importable. Run:
    python3 -m unittest discover -s packages/runner-command/python -p 'test_*.py'
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import torch  # noqa: F401
    import transformers  # noqa: F401
    import trl  # noqa: F401
    import datasets  # noqa: F401

    MISSING = ""
except Exception as e:  # ImportError, or a broken CUDA install
    MISSING = f"{type(e).__name__}: {e}"

CHARS = list(" 0123456789+=-abcdefghijklmnopqrstuvwxyz?.,:[]")


def make_tiny_model(path: str) -> str:
    """A 2-layer GPT-2 with a character-level tokenizer, saved in Hugging Face layout."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<eos>": 1, "<unk>": 2}
    for c in CHARS:
        vocab.setdefault(c, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split(pattern="", behavior="isolated")
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<pad>", unk_token="<unk>")
    config = GPT2Config(vocab_size=len(vocab), n_positions=128, n_embd=32, n_layer=2, n_head=2, bos_token_id=1, eos_token_id=1, pad_token_id=0)
    model = GPT2LMHeadModel(config)
    os.makedirs(path, exist_ok=True)
    model.save_pretrained(path)
    fast.save_pretrained(path)
    return path


def write_job(tmp: str, name: str, model: str, data: str, extra_inputs=(), params=None) -> str:
    job_dir = os.path.join(tmp, name, "job")
    os.makedirs(job_dir, exist_ok=True)
    spec = {
        "schemaVersion": 1,
        "jobId": name,
        "actionKey": name,
        "action": name,
        "actionType": name,
        "runner": f"{name}-trl",
        "runnerVersion": "1",
        "inputs": [
            {"slot": "model", "id": "m", "name": "m", "type": "model", "value": model, "digest": "d"},
            {"slot": "dataset", "id": "d", "name": "d", "type": "dataset", "value": data, "digest": "d"},
            {"slot": "learning_rate", "id": "lr", "name": "lr", "type": "number", "value": 1e-3, "digest": "d"},
            *extra_inputs,
        ],
        "params": params or {"epochs": 1, "batchSize": 4, "maxSteps": 3},
        "outputDir": os.path.join(tmp, name, "out"),
        "jobDir": job_dir,
        "seed": 5,
        "resources": {"gpus": 0, "cpus": 1},
        "plugins": [],
        "smoke": False,
    }
    path = os.path.join(job_dir, "spec.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    return path


@unittest.skipIf(MISSING, f"torch, transformers, trl and datasets are needed ({MISSING})")
class TrlRunnerTests(unittest.TestCase):
    def test_sft_then_dpo(self):
        tmp = tempfile.mkdtemp(prefix="lamdagent-trl-")
        base = make_tiny_model(os.path.join(tmp, "base"))
        sft_data = os.path.join(tmp, "sft.jsonl")
        with open(sft_data, "w", encoding="utf-8") as f:
            for a in range(10):
                f.write(json.dumps({"prompt": f"{a}+1=", "completion": f" {a + 1}"}) + "\n")
        spec = write_job(tmp, "sft", base, sft_data)
        r = subprocess.run([sys.executable, os.path.join(HERE, "sft_trl.py"), "--spec", spec, "--max_length", "64"], capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        out = os.path.join(tmp, "sft", "out")
        for name in ("config.json", "model.safetensors", "tokenizer.json", "metrics.json"):
            self.assertTrue(os.path.isfile(os.path.join(out, name)), name)
        with open(os.path.join(out, "metrics.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["steps"], 3)
        self.assertIn("lamdagent:progress", r.stdout)

        dpo_data = os.path.join(tmp, "dpo.jsonl")
        with open(dpo_data, "w", encoding="utf-8") as f:
            for a in range(10):
                f.write(json.dumps({"prompt": f"{a}+1=", "chosen": f" {a + 1}", "rejected": f" {a + 2}"}) + "\n")
        beta = {"slot": "beta", "id": "b", "name": "b", "type": "number", "value": 0.1, "digest": "d"}
        spec = write_job(tmp, "dpo", out, dpo_data, extra_inputs=[beta])
        r = subprocess.run([sys.executable, os.path.join(HERE, "dpo_trl.py"), "--spec", spec, "--max_length", "64"], capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertTrue(os.path.isfile(os.path.join(tmp, "dpo", "out", "model.safetensors")))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make-tiny-model":
        print(make_tiny_model(sys.argv[2]))
    else:
        unittest.main()
