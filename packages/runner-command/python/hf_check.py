#!/usr/bin/env python3
"""Checks that a model folder loads in Hugging Face transformers, as the TRL runners will load it.

    python hf_check.py MODEL_DIR [--pairs PAIRS.json]

Loads the folder with ``AutoModelForCausalLM.from_pretrained`` and ``AutoTokenizer.from_pretrained``
and prints one JSON object: the model class, parameter count, missing / unexpected / mismatched
weights, the tokenizer class, and, with ``--pairs`` (a JSON array of ``{"prompt", "completion"}``),
the log-probability of each completion given its prompt (prompt encoded with the tokenizer's special
tokens, completion without, then EOS), the quantity the ``tiny`` backend and DPO score. Exit 0 when
the folder loads with every weight present, 1 when weights are missing, 2 when it does not load.
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("--pairs", help="JSON array of {prompt, completion}: print their log-probabilities")
    args = ap.parse_args(argv)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        model, info = AutoModelForCausalLM.from_pretrained(args.model, output_loading_info=True)
        tok = AutoTokenizer.from_pretrained(args.model)
    except Exception as e:  # noqa: BLE001 (report whatever transformers raised)
        print(f"hf_check: {args.model}: transformers cannot load it: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    model.eval()
    out = {
        "model_class": type(model).__name__,
        "parameters": sum(p.numel() for p in model.parameters()),
        "missing": sorted(info["missing_keys"]),
        "unexpected": sorted(info["unexpected_keys"]),
        "mismatched": [str(m) for m in info["mismatched_keys"]],
        "tokenizer_class": type(tok).__name__,
        "vocab_size": len(tok),
    }
    if args.pairs:
        with open(args.pairs, encoding="utf-8") as f:
            pairs = json.load(f)
        logprobs = []
        with torch.no_grad():
            for p in pairs:
                prompt = tok(p["prompt"]).input_ids
                completion = tok(p["completion"], add_special_tokens=False).input_ids + [tok.eos_token_id]
                ids = torch.tensor([prompt + completion])
                logits = model(ids).logits[0].double().log_softmax(-1)
                logprobs.append(sum(float(logits[t - 1, ids[0, t]]) for t in range(len(prompt), ids.shape[1])))
        out["logprobs"] = logprobs
    print(json.dumps(out))
    return 1 if out["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
