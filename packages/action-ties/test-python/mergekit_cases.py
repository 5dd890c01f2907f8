"""Writes tiny Llama checkpoints and runs mergekit on YAML configs, for the equality tests.

usage: python mergekit_cases.py make DIR          -> writes DIR/{base,a,b,c} (bf16 safetensors + config.json)
       python mergekit_cases.py merge-many JOBS.json  -> [[config, out, stable], ...] in one process
       python mergekit_cases.py merge CONFIG OUT [--stable]  -> runs mergekit on CPU; --stable: stable
                                                     sorts in sparsification (ties keep the lowest index)
"""
import json
import os
import sys


def make(root):
    import torch
    from safetensors.torch import save_file

    hidden, inter, layers, vocab = 16, 24, 3, 32
    cfg = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": hidden,
        "intermediate_size": inter,
        "num_hidden_layers": layers,
        "num_attention_heads": 2,
        "num_key_value_heads": 2,
        "vocab_size": vocab,
        "rms_norm_eps": 1e-6,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
    }
    shapes = {"model.embed_tokens.weight": (vocab, hidden), "model.norm.weight": (hidden,), "lm_head.weight": (vocab, hidden)}
    for l in range(layers):
        p = f"model.layers.{l}."
        for m in "qkvo":
            shapes[p + f"self_attn.{m}_proj.weight"] = (hidden, hidden)
        shapes[p + "mlp.gate_proj.weight"] = (inter, hidden)
        shapes[p + "mlp.up_proj.weight"] = (inter, hidden)
        shapes[p + "mlp.down_proj.weight"] = (hidden, inter)
        shapes[p + "input_layernorm.weight"] = (hidden,)
        shapes[p + "post_attention_layernorm.weight"] = (hidden,)
    g = torch.Generator().manual_seed(0)
    base = {k: (torch.randn(s, generator=g) * 0.05).to(torch.bfloat16) for k, s in shapes.items()}
    models = {"base": base}
    for i, name in enumerate(["a", "b", "c"]):
        gi = torch.Generator().manual_seed(100 + i)
        m = {}
        for k, v in base.items():
            delta = torch.randn(v.shape, generator=gi) * 0.01
            # a quarter of the entries unchanged: zero task-vector entries
            keep = torch.rand(v.shape, generator=gi) < 0.25
            delta[keep] = 0
            m[k] = (v.float() + delta).to(torch.bfloat16)
        models[name] = m
    for name, tensors in models.items():
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        save_file(tensors, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f)


def merge(config_path, out, stable=False):
    import yaml
    from mergekit.config import MergeConfiguration
    from mergekit.merge import MergeOptions, run_merge

    if stable:
        # torch.argsort(descending=True) is not stable: among equal magnitudes at the trim threshold
        # mergekit keeps an unspecified subset. Stable sorting keeps the lowest indices, as we do.
        import torch
        import mergekit.sparsify as sp

        class _Torch:
            def __getattr__(self, name):
                return getattr(torch, name)

            @staticmethod
            def argsort(x, *args, **kwargs):
                kwargs["stable"] = True
                return torch.argsort(x, *args, **kwargs)

            @staticmethod
            def sort(x, *args, **kwargs):
                kwargs["stable"] = True
                return torch.sort(x, *args, **kwargs)

        sp.torch = _Torch()
    with open(config_path) as f:
        config = MergeConfiguration.model_validate(yaml.safe_load(f))
    run_merge(config, out, options=MergeOptions(cuda=False, copy_tokenizer=False, lazy_unpickle=False, low_cpu_memory=False, random_seed=0))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "merge-many":
        # JSON list of [config, out, stable]: one process, one torch import
        with open(sys.argv[2]) as f:
            for config, out, stable in json.load(f):
                merge(config, out, stable=stable)
    else:
        merge(sys.argv[2], sys.argv[3], stable="--stable" in sys.argv)
