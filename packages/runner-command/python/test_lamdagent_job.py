"""Pure-Python tests of the job-spec contract and the runners' planning step (no torch needed).

    python3 -m unittest discover -s packages/runner-command/python -p 'test_*.py'
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import lamdagent_job as lj  # noqa: E402


def spec_dict(tmp: str, **over):
    d = {
        "schemaVersion": 1,
        "jobId": "t0003",
        "actionKey": "k",
        "action": "sft",
        "actionType": "sft",
        "runner": "command",
        "runnerVersion": "1",
        "inputs": [
            {"slot": "model", "id": "models/0", "name": "base", "type": "model", "value": os.path.join(tmp, "base"), "digest": "d"},
            {"slot": "dataset", "id": "datasets/0", "name": "arith", "type": "dataset", "value": os.path.join(tmp, "train.jsonl"), "digest": "d"},
            {"slot": "learning_rate", "id": "lr/0", "name": "1e-5", "type": "number", "value": 1e-5, "digest": "d"},
        ],
        "params": {"epochs": 2, "batchSize": 4, "warmup": 0.1, "schedule": "cosine"},
        "outputDir": os.path.join(tmp, "out"),
        "jobDir": os.path.join(tmp, "job"),
        "seed": 17,
        "resources": {"gpus": 1, "cpus": 4, "memoryMb": 16000},
        "plugins": [],
        "smoke": False,
    }
    d.update(over)
    return d


class SpecTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lamdagent-py-")

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))
        return path

    def test_parses_a_job_spec(self):
        spec = lj.load_spec(self.write("spec.json", spec_dict(self.tmp)))
        self.assertEqual(spec.job_id, "t0003")
        self.assertEqual(spec.seed, 17)
        self.assertEqual(spec.gpus, 1)
        self.assertEqual(spec.memory_mb, 16000)
        self.assertEqual(spec.path_input("model"), os.path.join(self.tmp, "base"))
        self.assertEqual(spec.number_input("learning_rate"), 1e-5)
        self.assertIsNone(spec.number_input("beta"))

    def test_errors_name_the_file_and_field(self):
        path = self.write("bad.json", spec_dict(self.tmp, schemaVersion=2))
        with self.assertRaisesRegex(lj.SpecError, r"bad\.json: schemaVersion: expected 1"):
            lj.load_spec(path)
        d = spec_dict(self.tmp)
        del d["inputs"][1]["digest"]
        with self.assertRaisesRegex(lj.SpecError, r"inputs\[1\]\.digest: missing"):
            lj.parse_spec(d, "s.json")
        with self.assertRaisesRegex(lj.SpecError, r"s\.json\.seed: expected int"):
            lj.parse_spec(spec_dict(self.tmp, seed="7"), "s.json")
        with self.assertRaisesRegex(lj.SpecError, r"not JSON"):
            lj.load_spec(self.write("torn.json", '{"schemaVersion": 1,'))
        spec = lj.parse_spec(spec_dict(self.tmp), "s.json")
        with self.assertRaisesRegex(lj.SpecError, r"no slot 'beta' \(slots: dataset, learning_rate, model\)"):
            spec.input("beta")

    def test_hyperparameters_merge_defaults_params_slots_and_flags(self):
        spec = lj.parse_spec(spec_dict(self.tmp), "s.json")
        hp = lj.hyperparameters(spec, lj.SFT_DEFAULTS, ["--max_length", "2048", "--bf16=true", "--gradient-accumulation-steps", "4"])
        self.assertEqual(hp["num_train_epochs"], 2.0)
        self.assertEqual(hp["per_device_train_batch_size"], 4)
        self.assertEqual(hp["warmup_ratio"], 0.1)
        self.assertEqual(hp["lr_scheduler_type"], "cosine")
        self.assertEqual(hp["learning_rate"], 1e-5)  # the slot wins over the default
        self.assertEqual(hp["max_length"], 2048)
        self.assertIs(hp["bf16"], True)
        self.assertEqual(hp["gradient_accumulation_steps"], 4)
        steps = lj.parse_spec(spec_dict(self.tmp, params={"warmup": 30, "num_train_epochs": 3}), "s.json")
        hp = lj.hyperparameters(steps, lj.SFT_DEFAULTS)
        self.assertEqual((hp["warmup_steps"], hp["num_train_epochs"]), (30, 3.0))

    def test_hyperparameters_refuse_unknown_names_and_bad_types(self):
        spec = lj.parse_spec(spec_dict(self.tmp, params={"epochz": 1}), "s.json")
        with self.assertRaisesRegex(lj.SpecError, r"s\.json: params: epochz: not a hyperparameter"):
            lj.hyperparameters(spec, lj.SFT_DEFAULTS)
        spec = lj.parse_spec(spec_dict(self.tmp, params={"batchSize": 2.5}), "s.json")
        with self.assertRaisesRegex(lj.SpecError, r"per_device_train_batch_size: expected an integer"):
            lj.hyperparameters(spec, lj.SFT_DEFAULTS)
        spec = lj.parse_spec(spec_dict(self.tmp, params={}), "s.json")
        with self.assertRaisesRegex(lj.SpecError, r"command line: --beta needs a value"):
            lj.hyperparameters(spec, lj.DPO_DEFAULTS, ["--beta"])
        d = spec_dict(self.tmp, params={})
        d["inputs"].append({"slot": "beta", "id": "b", "name": "b", "type": "number", "value": 0.25, "digest": "d"})
        self.assertEqual(lj.hyperparameters(lj.parse_spec(d), lj.DPO_DEFAULTS, slots=("learning_rate", "beta"))["beta"], 0.25)

    def test_reads_datasets_and_names_the_bad_line(self):
        path = self.write("train.jsonl", '{"prompt": "1+1=", "completion": " 2"}\n\n{"prompt": "2+2=", "completion": " 4"}\n')
        self.assertEqual(len(lj.read_jsonl(path, ("prompt", "completion"))), 2)
        self.assertEqual(len(lj.read_jsonl(path, ("prompt", "completion"), limit=1)), 1)
        bad = self.write("bad.jsonl", '{"prompt": "x", "completion": " y"}\n{"prompt": "x", "completion": ""}\n')
        with self.assertRaisesRegex(lj.SpecError, r"bad\.jsonl:2: completion: expected a non-empty string"):
            lj.read_jsonl(bad, ("prompt", "completion"))
        cols = self.write("cols.jsonl", '{"question": "x", "answer": " y"}\n')
        with self.assertRaisesRegex(lj.SpecError, r"cols\.jsonl:1: no 'prompt', 'completion' field: .*found 'question', 'answer'"):
            lj.read_jsonl(cols, ("prompt", "completion"))
        folder = os.path.join(self.tmp, "ds")
        os.mkdir(folder)
        with self.assertRaisesRegex(lj.SpecError, "must hold train.jsonl"):
            lj.dataset_file(folder)

    def test_writes_only_finite_numeric_metrics(self):
        out = os.path.join(self.tmp, "out")
        written = lj.write_metrics(out, {"train_loss": 0.5, "steps": 10, "nan": float("nan"), "name": "x", "flag": True})
        self.assertEqual(written, {"train_loss": 0.5, "steps": 10.0})
        with open(os.path.join(out, "metrics.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), written)

    def test_progress_lines(self):
        buf = io.StringIO()
        with redirect_stdout(buf):
            lj.progress(0.5, "step 5/10")
            lj.progress(3)
        self.assertEqual(buf.getvalue(), "lamdagent:progress 0.5000 step 5/10\nlamdagent:progress 1.0000\n")


class DryRunTests(unittest.TestCase):
    """The reference runners validate a job without importing torch (``--dry-run``)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lamdagent-dry-")
        os.mkdir(os.path.join(self.tmp, "base"))
        # Poisoned heavy modules: a dry run that imports one of them fails.
        self.poison = os.path.join(self.tmp, "poison")
        for mod in ("torch", "transformers", "trl", "datasets"):
            os.makedirs(os.path.join(self.poison, mod))
            with open(os.path.join(self.poison, mod, "__init__.py"), "w", encoding="utf-8") as f:
                f.write(f"raise ImportError('{mod} must not be imported by a dry run')\n")
        with open(os.path.join(self.tmp, "train.jsonl"), "w", encoding="utf-8") as f:
            f.write('{"prompt": "1+1=", "completion": " 2", "chosen": " 2", "rejected": " 3"}\n' * 3)

    def run_script(self, script, spec, *extra):
        path = os.path.join(self.tmp, "spec.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(spec, f)
        env = {**os.environ, "PYTHONPATH": self.poison}
        return subprocess.run([sys.executable, os.path.join(HERE, script), "--spec", path, "--dry-run", *extra], capture_output=True, text=True, timeout=60, env=env)

    def test_sft_dry_run(self):
        r = self.run_script("sft_trl.py", spec_dict(self.tmp), "--max_length", "512")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 examples", r.stdout)
        hp = json.loads(r.stdout.split("hyperparameters ", 1)[1].splitlines()[0])
        self.assertEqual((hp["max_length"], hp["per_device_train_batch_size"], hp["learning_rate"]), (512, 4, 1e-5))

    def test_dpo_dry_run_and_errors(self):
        d = spec_dict(self.tmp, action="dpo", actionType="dpo", params={"epochs": 1})
        d["inputs"].append({"slot": "beta", "id": "b", "name": "b", "type": "number", "value": 0.2, "digest": "d"})
        r = self.run_script("dpo_trl.py", d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"beta": 0.2', r.stdout)
        r = self.run_script("dpo_trl.py", spec_dict(self.tmp, params={"bogus": 1}))
        self.assertEqual(r.returncode, 2)
        self.assertIn("params: bogus: not a hyperparameter", r.stderr)


if __name__ == "__main__":
    unittest.main()
