"""The same GPT-2 as @lamdagent/tinylm in plain PyTorch, for the benchmark (bench/bench.mjs).

Usage: python torch_gpt2.py JOB.json  ->  prints one JSON line with the measurements.
JOB: {"mode": "sft" | "dpo" | "generate", "modelDir": ..., "threads": 1, "steps": [...], "prompts": [...], ...}
Reads the model folder's config.json and model.safetensors (float32) directly; no transformers needed.
"""
import json
import math
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy().reshape(info["shape"]))
    return out


class GPT2:
    def __init__(self, model_dir):
        with open(f"{model_dir}/config.json") as f:
            c = json.load(f)
        self.L, self.d, self.H = c["n_layer"], c["n_embd"], c["n_head"]
        self.eps = c["layer_norm_epsilon"]
        self.p = {k: v.requires_grad_(True) for k, v in load_safetensors(f"{model_dir}/model.safetensors").items()}

    def params(self):
        return list(self.p.values())

    def block_attn(self, h, l, mask, cache=None):
        p, d, H = self.p, self.d, self.H
        B, T, _ = h.shape
        dh = d // H
        qkv = h @ p[f"transformer.h.{l}.attn.c_attn.weight"] + p[f"transformer.h.{l}.attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=2)
        q = q.view(B, T, H, dh).transpose(1, 2)
        k = k.view(B, T, H, dh).transpose(1, 2)
        v = v.view(B, T, H, dh).transpose(1, 2)
        if cache is not None:
            if l in cache:
                k = torch.cat([cache[l][0], k], dim=2)
                v = torch.cat([cache[l][1], v], dim=2)
            cache[l] = (k, v)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(dh) + mask
        o = torch.softmax(s, dim=-1) @ v
        o = o.transpose(1, 2).reshape(B, T, d)
        return o @ p[f"transformer.h.{l}.attn.c_proj.weight"] + p[f"transformer.h.{l}.attn.c_proj.bias"]

    def forward(self, ids, pos, mask, cache=None):
        p, d = self.p, self.d
        x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][pos]
        for l in range(self.L):
            pre = f"transformer.h.{l}."
            h = F.layer_norm(x, (d,), p[pre + "ln_1.weight"], p[pre + "ln_1.bias"], self.eps)
            x = x + self.block_attn(h, l, mask, cache)
            h = F.layer_norm(x, (d,), p[pre + "ln_2.weight"], p[pre + "ln_2.bias"], self.eps)
            h = F.gelu(h @ p[pre + "mlp.c_fc.weight"] + p[pre + "mlp.c_fc.bias"], approximate="tanh")
            x = x + h @ p[pre + "mlp.c_proj.weight"] + p[pre + "mlp.c_proj.bias"]
        x = F.layer_norm(x, (d,), p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], self.eps)
        return x @ p["transformer.wte.weight"].t()


def causal(T):
    return torch.triu(torch.full((T, T), -1e9), diagonal=1)


def optimise(m, opt, loss, lr):
    """One AdamW step as tinylm's Trainer: gradients, global-norm clipping to 1, the step's learning rate."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(m.params(), 1.0)
    for g in opt.param_groups:
        g["lr"] = lr
    opt.step()


def run_sft(job):
    m = GPT2(job["modelDir"])
    opt = torch.optim.AdamW(m.params(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    losses, tokens = [], 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for st in job["steps"]:
        B, T = st["B"], st["T"]
        ids = torch.tensor(st["inputs"], dtype=torch.long).view(B, T)
        tg = torch.tensor(st["targets"], dtype=torch.long).view(B, T)
        w = torch.tensor(st["weights"], dtype=torch.float32).view(B, T)
        pos = torch.arange(T).expand(B, T)
        logits = m.forward(ids, pos, causal(T))
        lp = torch.log_softmax(logits, dim=-1).gather(-1, tg.unsqueeze(-1)).squeeze(-1)
        loss = -(lp * w).sum() / max(1.0, float(w.sum()))
        optimise(m, opt, loss, st["lr"])
        losses.append(float(loss))
        tokens += st["realTokens"]
    secs = time.perf_counter() - t0
    return {"seconds": secs, "cpuSeconds": time.process_time() - c0, "tokens": tokens, "firstLoss": losses[0], "lastLoss": losses[-1]}


def scored_sums(m, st):
    """Per-row sums of the scored tokens' log-probabilities (float32 log-probs, summed in float64 as tinylm's scoredSums)."""
    B, T = st["B"], st["T"]
    ids = torch.tensor(st["inputs"], dtype=torch.long).view(B, T)
    tg = torch.tensor(st["targets"], dtype=torch.long).view(B, T)
    w = torch.tensor(st["weights"], dtype=torch.float64).view(B, T)
    pos = torch.arange(T).expand(B, T)
    lp = torch.log_softmax(m.forward(ids, pos, causal(T)), dim=-1).gather(-1, tg.unsqueeze(-1)).squeeze(-1)
    return (lp.double() * w).sum(-1)


def run_dpo(job):
    """tinylm's dpo(): each step's batch is [chosen..., rejected...]; loss = mean softplus(-z),
    z = beta ((log pi(c) - log pi(r)) - refMargin), refMargin = log ref(c) - log ref(r) computed once
    before training by the reference (the initial weights, scored on each step's own batch) and kept as
    float32; AdamW, no weight decay, gradient norm clipped to 1, the learning rate of each step from the job."""
    beta = job["options"]["beta"]
    ref = GPT2(job["modelDir"])
    for t in ref.params():
        t.requires_grad_(False)
    margins = []
    with torch.no_grad():
        for st in job["steps"]:
            s = scored_sums(ref, st)
            n = st["B"] // 2
            margins.append((s[:n] - s[n:]).float())
    mine = torch.cat(margins).double()
    theirs = torch.tensor([x for st in job["steps"] for x in st["tinylmRefMargin"]], dtype=torch.float64)
    check = {"pairs": len(mine), "maxAbsDiff": float((mine - theirs).abs().max()), "maxAbs": float(mine.abs().max())}
    m = GPT2(job["modelDir"])
    opt = torch.optim.AdamW(m.params(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    losses, tokens = [], 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for st, ref_margin in zip(job["steps"], margins):
        s = scored_sums(m, st)
        n = st["B"] // 2
        z = beta * ((s[:n] - s[n:]) - ref_margin.double())
        loss = F.softplus(-z).mean()
        optimise(m, opt, loss, st["lr"])
        losses.append(float(loss))
        tokens += st["realTokens"]
    secs = time.perf_counter() - t0
    return {
        "seconds": secs,
        "cpuSeconds": time.process_time() - c0,
        "tokens": tokens,
        "firstLoss": losses[0],
        "lastLoss": losses[-1],
        "refMargins": check,
    }


@torch.no_grad()
def run_generate(job):
    m = GPT2(job["modelDir"])
    for t in m.params():
        t.requires_grad_(False)
    prompts, max_new, bs, eos, pad = job["prompts"], job["maxNewTokens"], job["batchSize"], job["eosId"], job["padId"]
    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
    outs = [None] * len(prompts)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for s in range(0, len(order), bs):
        idx = order[s:s + bs]
        seqs = [prompts[i] for i in idx]
        B, L = len(seqs), max(len(q) for q in seqs)
        pads = [L - len(q) for q in seqs]
        ids = torch.full((B, L), pad, dtype=torch.long)
        pos = torch.zeros((B, L), dtype=torch.long)
        for b, q in enumerate(seqs):
            ids[b, pads[b]:] = torch.tensor(q)
            pos[b, pads[b]:] = torch.arange(len(q))
        keymask = torch.zeros((B, 1, 1, L))
        for b in range(B):
            keymask[b, :, :, : pads[b]] = -1e9
        cache = {}
        logits = m.forward(ids, pos, causal(L).view(1, 1, L, L) + keymask, cache)[:, -1, :]
        gen = [[] for _ in range(B)]
        done = [False] * B
        tok = logits.argmax(-1)
        for step in range(max_new):
            for b in range(B):
                t = int(tok[b])
                if not done[b]:
                    if t == eos:
                        done[b] = True
                    else:
                        gen[b].append(t)
            if all(done) or step == max_new - 1:
                break
            keymask = torch.cat([keymask, torch.zeros((B, 1, 1, 1))], dim=3)
            p = torch.tensor([len(q) + step for q in seqs]).view(B, 1)
            logits = m.forward(tok.view(B, 1), p, keymask, cache)[:, -1, :]
            tok = logits.argmax(-1)
        for b, i in enumerate(idx):
            outs[i] = gen[b]
    secs = time.perf_counter() - t0
    return {"seconds": secs, "cpuSeconds": time.process_time() - c0, "outputs": outs}


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    torch.set_num_threads(job.get("threads", 1))
    torch.manual_seed(0)
    res = {"sft": run_sft, "dpo": run_dpo, "generate": run_generate}[job["mode"]](job)
    res["peakRssMiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["engine"] = f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    print(json.dumps(res))


if __name__ == "__main__":
    main()
