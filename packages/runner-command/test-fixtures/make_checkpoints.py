#!/usr/bin/env python3
"""Test fixture: small real checkpoints for merge tests, written with torch and safetensors.

    python make_checkpoints.py BASE_DIR OUT_DIR DTYPE N

Writes OUT_DIR/base (the base model's weights cast to DTYPE: float32, bfloat16 or float16) and
OUT_DIR/m1..mN: the base plus a seeded change to every tensor (a dense Gaussian change of a few
percent of the tensor's scale, with a sparse larger one on top so that trimming and sign election have
work to do), each a Hugging Face folder (config.json and tokenizer files copied from BASE_DIR).
"""

import os
import shutil
import sys

import torch
from safetensors.torch import load_file, save_file


def main() -> int:
    base_dir, out_dir, dtype_name, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype_name]
    base = load_file(os.path.join(base_dir, "model.safetensors"))
    copies = [f for f in os.listdir(base_dir) if not f.endswith(".safetensors") and os.path.isfile(os.path.join(base_dir, f))]
    for i in range(n + 1):
        name = "base" if i == 0 else f"m{i}"
        folder = os.path.join(out_dir, name)
        os.makedirs(folder, exist_ok=True)
        g = torch.Generator().manual_seed(1000 + i)
        tensors = {}
        for key in sorted(base):
            t = base[key].float()
            if i > 0 and t.is_floating_point():
                scale = float(t.abs().mean()) or 1e-3
                t = t + 0.05 * scale * torch.randn(t.shape, generator=g)
                spikes = (torch.rand(t.shape, generator=g) < 0.05).float()
                t = t + spikes * scale * torch.randn(t.shape, generator=g)
            tensors[key] = t.to(dtype).contiguous()
        save_file(tensors, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        for f in copies:
            shutil.copy(os.path.join(base_dir, f), os.path.join(folder, f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
