"""One merge in Python for merge.bench.mjs; prints {"seconds", "maxRssMB"} as JSON.

usage: python py_merge.py torch CONFIG OUT     mergekit's TIES formula in PyTorch (CPU), tensor by tensor,
                                               computing in the stored dtype as mergekit does
       python py_merge.py mergekit CONFIG OUT  mergekit itself (run_merge, CPU)
"""
import json
import os
import resource
import sys
import time


def torch_ties(config_path, out):
    import torch
    import yaml
    from safetensors import safe_open
    from safetensors.torch import save_file

    with open(config_path) as f:
        cfg = yaml.safe_load(f)
    here = os.path.dirname(config_path)
    path = lambda p: p if os.path.isabs(p) else os.path.join(here, p)
    base_dir = path(cfg["base_model"])
    models = [(path(m["model"]), m["parameters"]) for m in cfg["models"] if path(m["model"]) != base_dir]

    def opener(d):
        idx = os.path.join(d, "model.safetensors.index.json")
        if os.path.exists(idx):
            with open(idx) as f:
                wm = json.load(f)["weight_map"]
            files = {fn: safe_open(os.path.join(d, fn), "pt") for fn in set(wm.values())}
            return wm, files
        f = safe_open(os.path.join(d, "model.safetensors"), "pt")
        return {k: "model.safetensors" for k in f.keys()}, {"model.safetensors": f}

    base_map, base_files = opener(base_dir)
    opened = [opener(d) for d, _ in models]
    os.makedirs(out, exist_ok=True)
    shard, shard_bytes, shard_no = {}, 0, 0
    for name, fn in base_map.items():
        base = base_files[fn].get_tensor(name)
        tvs = []
        for (wm, files), (_, p) in zip(opened, models):
            delta = files[wm[name]].get_tensor(name) - base
            density = p.get("density", 1.0)
            if density < 1:  # mergekit sparsify.magnitude
                k = int(density * delta.numel())
                w = delta.abs().view(-1).float()
                mask = torch.zeros_like(delta)
                mask.view(-1)[torch.argsort(w, descending=True)[:k]] = 1
                delta = delta * mask
            tvs.append((delta, p["weight"]))
        deltas = torch.stack([d for d, _ in tvs], dim=0)
        weights = torch.tensor([w for _, w in tvs], dtype=deltas.dtype)
        while len(deltas.shape) > len(weights.shape):
            weights.unsqueeze_(-1)
        wd = deltas * weights
        sign = wd.sign()
        majority = (wd.sum(dim=0) >= 0).to(wd.dtype) * 2 - 1
        mask = (sign == majority).to(wd.dtype)
        mixed = (wd * mask).sum(dim=0)
        divisor = (weights * mask).sum(dim=0)
        divisor[divisor == 0] = 1
        mixed /= divisor
        res = (base + mixed).to(base.dtype)
        shard[name] = res
        shard_bytes += res.numel() * res.element_size()
        if shard_bytes >= 500_000_000:
            shard_no += 1
            save_file(shard, os.path.join(out, f"model-{shard_no:05d}.safetensors"))
            shard, shard_bytes = {}, 0
    if shard:
        shard_no += 1
        save_file(shard, os.path.join(out, f"model-{shard_no:05d}.safetensors"))


def mergekit(config_path, out):
    import yaml
    from mergekit.config import MergeConfiguration
    from mergekit.merge import MergeOptions, run_merge

    with open(config_path) as f:
        config = MergeConfiguration.model_validate(yaml.safe_load(f))
    run_merge(config, out, options=MergeOptions(cuda=False, copy_tokenizer=False, lazy_unpickle=False, low_cpu_memory=False, quiet=True))


if __name__ == "__main__":
    mode, config, out = sys.argv[1:4]
    t0 = time.perf_counter()
    (torch_ties if mode == "torch" else mergekit)(config, out)
    seconds = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "cpuSeconds": ru.ru_utime + ru.ru_stime, "maxRssMB": ru.ru_maxrss / 1024}))
