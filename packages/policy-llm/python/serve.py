"""Serves a GGUF model with llama.cpp's native OpenAI-compatible HTTP server (xllamacpp) on 127.0.0.1.

Usage: python serve.py MODEL.gguf PORT [--ctx N] [--threads N] [--chat-template NAME]
Runs until killed. When LLAMA_API_KEY is set in the environment, requests must carry it as a bearer
token (the key is never taken from argv, which other users can read). Used by @lamdagent/policy-llm's real-server test and benchmark.
"""
import argparse
import os
import signal
import sys
import threading

import xllamacpp as xlc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("port", type=int)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--chat-template", default="")
    a = ap.parse_args()
    p = xlc.CommonParams()
    p.model.path = a.model
    p.n_ctx = a.ctx
    p.n_parallel = 1
    p.hostnames = ["127.0.0.1"]
    p.port = a.port
    p.cpuparams.n_threads = a.threads
    p.cpuparams_batch.n_threads = a.threads
    key = os.environ.get("LLAMA_API_KEY")
    if key:
        p.api_keys = [key]
    if a.chat_template:
        p.chat_template = a.chat_template
    server = xlc.Server(p)  # starts the HTTP server; /health answers 200 once the model is loaded
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"serving {a.model} on http://127.0.0.1:{a.port}", flush=True)
    stop.wait()
    del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
