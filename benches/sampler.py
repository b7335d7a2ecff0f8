#!/usr/bin/env python3
"""The antislop sampler on a tiny model: throughput, backtracks, and where the time goes.

    .venv/bin/python benches/sampler.py                       # writes benches/results/sampler.txt
    .venv/bin/python benches/sampler.py --tokens 100 --prompts 2 --out -   # quick look

The model: a 2-layer Llama (hidden 64, ~0.1M parameters) over a 512-token
byte-level BPE, both built here from the first 400,000 characters of
``../shared/bench/text/sherlock.txt`` (no downloads): the BPE is trained in
memory, the model is trained for ``--train-steps`` AdamW steps (seeded; the
weights are cached under ``bench-results/``), so that it writes English-like
words that the phrase lists hit. It runs on the CPU, one torch thread, through the Hugging Face
backend (``fastback.slop.hf.HFBackend``, KV cache cropped on rewind).

Rows: no ban list; the 517 phrases of ``slop_phrase_prob_adjustments.json``;
the same plus the 3 regexes of ``slop_regexes.txt``; the 50,046 phrases of
``..._full_list.json``. Default sampler options (temperature 1, strength 1,
whole words, case-insensitive), ``--tokens`` new tokens for each of
``--prompts`` prompts, seeds 0.. . Each list runs with the same seeds without
any ban list and with two detectors, taking turns on each prompt:

- ``fastback``: the compiled streaming matcher (``Matcher.stream()``: one
  feed and one O(1) snapshot per token, O(1) rollback);
- ``rescan``: the same sampler with detection done the way the original
  antislop samplers do it: after every token, fold the decoded tail and look
  up every (start, length) substring that could end in the new text in a
  phrase set, with word-boundary checks (``tests/slop_models.py``,
  ``RescanMatcher``; it reports the same matches, so both runs produce the
  same tokens, which is checked).

Columns: tokens/s (tokens kept in the output per second of generation),
backtracks per 1,000 output tokens, the share of the wall time in the model
(backend calls), in detection (matcher feed/snapshot/rollback/finish, regexes,
span look-ups), in sampling, decoding and building backtrack records, and
detection microseconds per sampled token. Times are wall clock on a shared
machine; the ratios of rows measured side by side are what to quote.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))

import numpy as np  # noqa: E402

from fastback.slop import Matcher  # noqa: E402
from fastback.slop.sampler import AntislopSampler  # noqa: E402
from slop_models import SLOP_DIR, RescanMatcher, corpus, load_adjustments, tiny_model, tiny_tokenizer  # noqa: E402

PROMPTS = ["The", "It was a", "Holmes looked at", "I had", "She said", "In the morning", "My friend", "There was"]
CORPUS_CHARS = 400_000


def trained_model(tok: Any, steps: int, cache_dir: str) -> Any:
    import torch

    model = tiny_model(tok, seed=0, hidden=64, layers=2)
    path = os.path.join(cache_dir, f"sampler-tiny-v{len(tok)}-h64-l2-s{steps}.pt")
    if os.path.exists(path):
        model.load_state_dict(torch.load(path))
        return model.eval()
    ids = torch.tensor(tok.encode(corpus(CORPUS_CHARS)))
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(0)
    t = time.perf_counter()
    for step in range(steps):
        starts = torch.randint(0, len(ids) - 129, (16,), generator=gen)
        batch = torch.stack([ids[i : i + 128] for i in starts])
        loss = model(input_ids=batch, labels=batch).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            print(f"  train step {step}: loss {loss.item():.3f} ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    os.makedirs(cache_dir, exist_ok=True)
    torch.save(model.state_dict(), path)
    return model.eval()


def run_rows(model: Any, tok: Any, configs: list[tuple[Any, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """One aggregate per (matcher, regexes) config; the configs take turns on
    each prompt, so that load on the shared machine hits them alike."""
    samplers = [AntislopSampler.from_hf(model, tok, m, regexes=rx) for m, rx in configs]
    rows: list[dict[str, Any]] = []
    for _ in samplers:
        row: dict[str, Any] = {"tokens": 0, "sampled": 0, "backtracks": 0, "gave_up": 0, "kept": 0, "budget": 0}
        row.update(dict.fromkeys(("model_s", "detect_s", "sample_s", "decode_s", "record_s", "total_s"), 0.0))
        row["outputs"] = []
        row["texts"] = []
        rows.append(row)
    for i in range(args.prompts):
        for sampler, row in zip(samplers, rows):
            g = sampler.generate(PROMPTS[i % len(PROMPTS)], max_new_tokens=args.tokens, seed=i)
            row["outputs"].append(g.token_ids)
            row["texts"].append([tok.decode([t]) for t in g.token_ids])
            s = g.stats
            for k in ("tokens", "sampled", "backtracks", "gave_up", "kept"):
                row[k] += getattr(s, k)
            row["budget"] += int(s.budget_exhausted)
            for k in ("model_s", "detect_s", "sample_s", "decode_s", "record_s", "total_s"):
                row[k] += getattr(s, k)
    return rows


def replay_detection(matcher: Any, token_texts: list[list[str]], repeat: int) -> float:
    """Microseconds per token to feed generated token texts into a stream with
    a snapshot before each token (what the sampler does on every token), best
    of ``repeat``."""
    best = float("inf")
    n = sum(len(t) for t in token_texts)
    for _ in range(repeat):
        t = time.perf_counter()
        for texts in token_texts:
            stream = matcher.stream()
            for piece in texts:
                stream.snapshot()
                stream.feed(piece)
                stream.safe_end
            stream.finish()
        best = min(best, time.perf_counter() - t)
    return 1e6 * best / max(n, 1)


def fmt_row(name: str, detector: str, r: dict[str, Any]) -> str:
    total = r["total_s"]
    share = lambda k: 100.0 * r[k] / total  # noqa: E731
    other = 100.0 - share("model_s") - share("detect_s") - share("sample_s") - share("decode_s") - share("record_s")
    return (
        f"{name:<22}{detector:<10}{r['tokens']:>7}{r['sampled']:>8}{r['tokens'] / total:>8.1f}"
        f"{1000.0 * r['backtracks'] / max(r['tokens'], 1):>8.1f}"
        f"{share('model_s'):>7.1f}%{share('detect_s'):>7.1f}%{share('sample_s'):>6.1f}%{share('decode_s'):>6.1f}%"
        f"{share('record_s'):>6.1f}%{other:>6.1f}%{1e6 * r['detect_s'] / max(r['sampled'], 1):>9.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=300, help="new tokens per prompt (default 300)")
    ap.add_argument("--prompts", type=int, default=8, help="prompts (seeds 0..) per row (default 8)")
    ap.add_argument("--train-steps", type=int, default=250, help="AdamW steps for the tiny model (default 250)")
    ap.add_argument("--cache", default=os.path.join(ROOT, "bench-results"), help="where the trained weights are kept")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "sampler.txt"), help="results file, '-' for stdout")
    args = ap.parse_args()

    import torch
    import transformers

    torch.manual_seed(0)
    # One thread: the tiny model is all per-call overhead, and two threads on two
    # shared cores made it ~15x slower and noisy.
    torch.set_num_threads(1)
    t = time.perf_counter()
    tok = tiny_tokenizer(vocab_size=512, chars=CORPUS_CHARS)
    model = trained_model(tok, args.train_steps, args.cache)
    setup_s = time.perf_counter() - t
    params = sum(p.numel() for p in model.parameters())

    small = load_adjustments("slop_phrase_prob_adjustments.json")
    full = load_adjustments("slop_phrase_prob_adjustments_full_list.json")
    regexes = str(SLOP_DIR / "slop_regexes.txt")
    lines = [
        f"# .venv/bin/python benches/sampler.py --tokens {args.tokens} --prompts {args.prompts} "
        f"--train-steps {args.train_steps}   ({time.strftime('%Y-%m-%d')})",
        f"# machine: {os.cpu_count()} cores shared with other jobs, {platform.machine()}, Python "
        f"{platform.python_version()}, torch {torch.__version__} (CPU, {torch.get_num_threads()} threads), "
        f"transformers {transformers.__version__}; fastback built with maturin develop --profile quick",
        f"# model: Llama 2 layers, hidden 64, {params:,} parameters, BPE vocabulary {len(tok)}, trained "
        f"{args.train_steps} steps on sherlock.txt (setup {setup_s:.0f} s); default sampler options",
    ]

    build = []
    for name, pairs in (("517", small), ("50,046", full)):
        t = time.perf_counter()
        m = Matcher(pairs, case_insensitive=True, whole_words=True, match_kind="overlapping")
        fb = time.perf_counter() - t
        t = time.perf_counter()
        RescanMatcher(pairs, case_insensitive=True, whole_words=True)
        rs = time.perf_counter() - t
        build.append(f"build {name:>6} phrases: fastback Matcher {1e3 * fb:8.1f} ms ({m.stats()['bytes'] / 1e6:.1f} MB), "
                     f"rescan set {1e3 * rs:8.1f} ms")

    rows = [("517 phrases", small, None), ("517 + 3 regexes", small, regexes), ("50,046 phrases", full, None)]
    header = (f"{'ban list':<22}{'detector':<10}{'tokens':>7}{'sampled':>8}{'tok/s':>8}{'bt/1k':>8}"
              f"{'model':>8}{'detect':>8}{'sample':>7}{'decode':>7}{'record':>7}{'other':>7}{'det us/tok':>10}")
    table = [header]
    ratios: list[str] = []
    replay: list[str] = []
    slowdown: list[str] = []
    plain_texts: list[list[str]] = []
    tps = lambda r: r["tokens"] / r["total_s"]  # noqa: E731
    for name, pairs, rx in rows:
        print(f"running: {name}", file=sys.stderr)
        fast_m = Matcher(pairs, case_insensitive=True, whole_words=True, match_kind="overlapping")
        slow_m = RescanMatcher(pairs, case_insensitive=True, whole_words=True)
        plain, fast, slow = run_rows(model, tok, [(None, None), (fast_m, rx), (slow_m, rx)], args)
        table.append(fmt_row("no ban list", "-", plain))
        table.append(fmt_row(name, "fastback", fast))
        table.append(fmt_row(name, "rescan", slow))
        if fast["outputs"] != slow["outputs"]:
            raise SystemExit(f"{name}: the two detectors produced different tokens; the comparison is void")
        plain_texts = plain["texts"]
        det_fast = fast["detect_s"] / max(fast["sampled"], 1)
        det_slow = slow["detect_s"] / max(slow["sampled"], 1)
        ratios.append(
            f"{name:<22} detection per sampled token: rescan/fastback {det_slow / det_fast:6.1f}x   "
            f"tokens/s: fastback/rescan {tps(fast) / tps(slow):5.2f}x   (identical tokens: yes; "
            f"gave up {fast['gave_up']}, kept {fast['kept']}, budget exhausted in {fast['budget']} of {args.prompts})"
        )
        slowdown.append(
            f"{name:<22} tokens/s with the list / without: fastback {tps(fast) / tps(plain):5.2f}x, "
            f"rescan {tps(slow) / tps(plain):5.2f}x"
        )
        if rx is None:
            f_us = replay_detection(fast_m, plain_texts, 3)
            s_us = replay_detection(slow_m, plain_texts, 3)
            replay.append(f"{name:<22} fastback {f_us:8.2f} us/token   rescan {s_us:8.2f} us/token   ratio {s_us / f_us:6.1f}x")

    out = "\n".join(
        lines
        + ["== matcher build"]
        + build
        + ["== generation (sums over the prompts; shares of the wall time; each list's three rows ran interleaved)"]
        + table
        + ["== side by side: the same sampler, the same seeds, two detectors"]
        + ratios
        + [f"== detection alone: the no-ban-list outputs ({sum(len(t) for t in plain_texts)} tokens) replayed into each "
           "stream, snapshot + feed + safe_end per token, best of 3"]
        + replay
        + ["== cost of the ban lists (each against the no-ban-list run interleaved with it)"]
        + slowdown
        + [
            "bt/1k: backtracks per 1,000 output tokens; sampled: tokens drawn in all (rewinds discard some);",
            "det us/tok: detection microseconds per sampled token; record: backtrack records incl. vetting alternatives.",
        ]
    )
    print(out)
    if args.out != "-":
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(out + "\n")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
