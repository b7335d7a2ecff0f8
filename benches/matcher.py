#!/usr/bin/env python3
"""Phrase matching: fastback.slop.Matcher against pyahocorasick, ahocorasick_rs
and daachorse, and streaming detection against a per-token re-scan, in one run.

Why: the matcher's performance claims (README, docstrings, issue 5: "the
fastest of them on every row, with case folding and word boundaries on")
must come from a run anyone can repeat (STYLE.md #10). Absolute times on our
shared 2-core machines are noisy, so every library runs in the same process,
row by row, and the report gives ratios measured in this run.

What is measured, on ``../shared/bench/text/sherlock.txt`` with the antislop
lists of 517, 2,500 and 50,046 phrases (``../shared/bench/slop``):

- **build**: seconds to build each library's automaton for the target row,
  best of ``--repeat``; **memory**: resident memory that building adds, in a
  fresh child process per (library, list) (``/proc/self/statm`` before and
  after; the peak from ``VmHWM``, reset just before the build, because
  ``ru_maxrss`` carries the parent's peak into the child), so that libraries
  do not pollute each other's numbers and native allocations are seen
  (tracemalloc would not);
- **throughput** in MB/s of UTF-8 text, best of ``--repeat``, for the call
  that returns all matches as Python objects, on four rows:
  (a) case-sensitive, no word boundaries, leftmost-longest: every library
      natively;
  (b) case-insensitive + whole words, leftmost-longest (the target row):
      fastback natively; the others cannot fold case or check boundaries, so
      they get lower-cased unique patterns, the text through ``str.lower()``
      (timed), their leftmost-longest search, then a Python pass that drops
      matches failing the whole-word rule (timed). That is NOT the same
      semantics: a longest match that fails the boundary check hides shorter
      valid ones, so their counts are printed but not required to agree;
  (c) overlapping, case-sensitive, no boundaries: every library natively
      (ahocorasick_rs ``overlapping=True``, daachorse ``find_overlapping``,
      pyahocorasick ``iter``);
  (d) overlapping, case-insensitive, whole words (the sampler's mode): the
      others as in (b) but overlapping, which IS the same semantics as long
      as ``str.lower()`` equals the contract's simple folding on this text
      and these phrases (checked and reported);
- **streaming detection**, microseconds per token: the text split into
  word-ish tokens (regex ``\\s*\\S+``) and fed one at a time to
  ``Matcher.stream()`` (overlapping, case-insensitive, whole words), with and
  without a ``snapshot()`` per token (what the sampler does), against a
  per-token re-scan of the decoded tail in the style of the original
  antislop sampler's ``detect_disallowed_sequence``: lower-case the tail,
  look up every substring that ends in the new text, for every phrase
  length from the shortest to the longest, in a dict of lower-cased
  phrases (our code, written for this benchmark; it checks exactly the ends
  that became decidable, where the original scans a fixed 16 offsets, and
  lower-cases only the tail, where the original re-decodes and lower-cases
  the whole generation each token: both choices favour the baseline).

Every library's answer is checked against fastback's where the semantics
coincide (match counts, and the full lists for ahocorasick_rs and
daachorse on row a); a disagreement is printed as ``MISMATCH`` and the
script exits 1. pyahocorasick's ``iter_long`` drops matches reached through
a failure link (its issues #133/#185/#189, unfixed in 2.3.1): its row-a
count may be lower and is reported as a known bug, not a mismatch, when
the matches it does report are all fastback's.

Usage (from the repository root, after a release build)::

    .venv/bin/maturin develop --release
    .venv/bin/python benches/matcher.py --out benches/results/matcher.txt
    .venv/bin/python benches/matcher.py --quick            # a smoke run, a few seconds
    .venv/bin/python benches/matcher.py --repeat 7 --stream-tokens 200000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
TEXT = SHARED / "text" / "sherlock.txt"
LISTS = {
    517: SHARED / "slop" / "antislop-sampler" / "slop_phrase_prob_adjustments.json",
    2500: SHARED / "slop" / "antislop-sampler" / "slop_phrases_2025-04-07.json",
    50046: SHARED / "slop" / "antislop-sampler" / "slop_phrase_prob_adjustments_full_list.json",
}
LIBS = ("fastback", "pyahocorasick", "ahocorasick_rs", "daachorse")
ROWS = {
    "a": "case-sensitive, leftmost-longest",
    "b": "case-insensitive + whole words, leftmost-longest (target)",
    "c": "overlapping, case-sensitive",
    "d": "overlapping, case-insensitive + whole words (sampler)",
}

Match = Tuple[int, int, int]


def load_phrases(path: Path) -> List[str]:
    return [entry[0] for entry in json.loads(path.read_text(encoding="utf-8"))]


def is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def simple_fold(s: str) -> str:
    """The contract's per-code-point folding (to check where str.lower() agrees)."""
    out = []
    for c in s:
        u = c.upper()
        u = u if len(u) == 1 else c
        lo = u.lower()
        out.append(lo if len(lo) == 1 else u)
    return "".join(out)


# ---------------------------------------------------------------------------
# The libraries: each build_*(phrases, keys, row) returns a search function
# text -> result and a function result -> number of matches counted as
# fastback counts them (duplicate phrases are distinct patterns to fastback;
# the others get each distinct key once, from ``Keys``, prepared outside the
# timed and measured build, so overlapping counts are expanded by
# multiplicity).
# ---------------------------------------------------------------------------


class Keys:
    """Distinct search keys of a phrase list (lower-cased for rows b and d),
    how many phrases share each key, and which side of each needs a word
    boundary."""

    def __init__(self, phrases: Sequence[str], lower: bool) -> None:
        counts = Counter(p.lower() if lower else p for p in phrases)
        self.keys = list(counts)
        self.mult = [counts[k] for k in self.keys]
        self.word_first = [is_word(k[0]) for k in self.keys]
        self.word_last = [is_word(k[-1]) for k in self.keys]


def whole_word_filter(keys: Keys, text: str, matches):
    """Drop (s, e, k) whose word-character ends touch word characters."""
    n = len(text)
    wf, wl = keys.word_first, keys.word_last
    out = []
    for s, e, k in matches:
        if wf[k] and s > 0 and is_word(text[s - 1]):
            continue
        if wl[k] and e < n and is_word(text[e]):
            continue
        out.append((s, e, k))
    return out


def build_fastback(phrases, keys, row):
    from fastback.slop import Matcher

    ci = ww = row in ("b", "d")
    kind = "overlapping" if row in ("c", "d") else "leftmost-longest"
    m = Matcher(phrases, case_insensitive=ci, whole_words=ww, match_kind=kind)
    return m.find_all, len


def build_pyahocorasick(phrases, keys, row):
    import ahocorasick

    a = ahocorasick.Automaton()
    for k, key in enumerate(keys.keys):
        a.add_word(key, (len(key), k))
    a.make_automaton()
    overlapping = row in ("c", "d")
    mult = keys.mult

    if row == "a":
        return (lambda text: list(a.iter_long(text))), len
    if row == "c":
        return (lambda text: list(a.iter(text))), (lambda r: sum(mult[v[1]] for _, v in r))

    def search(text):
        low = text.lower()
        it = a.iter(low) if overlapping else a.iter_long(low)
        return whole_word_filter(keys, text, ((end + 1 - n, end + 1, k) for end, (n, k) in it))

    return search, ((lambda r: sum(mult[k] for _, _, k in r)) if overlapping else len)


def build_ahocorasick_rs(phrases, keys, row):
    import ahocorasick_rs

    overlapping = row in ("c", "d")
    kind = ahocorasick_rs.MatchKind.Standard if overlapping else ahocorasick_rs.MatchKind.LeftmostLongest
    a = ahocorasick_rs.AhoCorasick(keys.keys, matchkind=kind)
    mult = keys.mult
    if row in ("a", "c"):
        search = lambda text: a.find_matches_as_indexes(text, overlapping=overlapping)  # noqa: E731
        return search, ((lambda r: sum(mult[k] for k, _, _ in r)) if overlapping else len)

    def search_ww(text):
        found = a.find_matches_as_indexes(text.lower(), overlapping=overlapping)
        return whole_word_filter(keys, text, ((s, e, k) for k, s, e in found))

    return search_ww, ((lambda r: sum(mult[k] for _, _, k in r)) if overlapping else len)


def build_daachorse(phrases, keys, row):
    import daachorse

    overlapping = row in ("c", "d")
    kind = daachorse.MATCH_KIND_STANDARD if overlapping else daachorse.MATCH_KIND_LEFTMOST_LONGEST
    a = daachorse.CharwiseDoubleArrayAhoCorasick(keys.keys, match_kind=kind)
    find = a.find_overlapping if overlapping else a.find
    mult = keys.mult
    count = (lambda r: sum(mult[k] for _, _, k in r)) if overlapping else len
    if row in ("a", "c"):
        return find, count
    return (lambda text: whole_word_filter(keys, text, find(text.lower()))), count


BUILDERS = {
    "fastback": build_fastback,
    "pyahocorasick": build_pyahocorasick,
    "ahocorasick_rs": build_ahocorasick_rs,
    "daachorse": build_daachorse,
}

HOW = {
    "fastback": "Matcher(phrases, case_insensitive=, whole_words=, match_kind=).find_all(text)",
    "pyahocorasick": "Automaton of distinct keys; a: list(iter_long(text)); c: list(iter(text)); "
                     "b/d: iter_long/iter on text.lower(), whole-word filter in Python",
    "ahocorasick_rs": "AhoCorasick(distinct keys, LeftmostLongest | Standard); find_matches_as_indexes("
                      "text, overlapping=); b/d: on text.lower(), whole-word filter in Python",
    "daachorse": "CharwiseDoubleArrayAhoCorasick(distinct keys, LEFTMOST_LONGEST | STANDARD); find / "
                 "find_overlapping; b/d: on text.lower(), whole-word filter in Python",
}


def lib_version(lib: str) -> Optional[str]:
    from importlib import metadata

    dist = {"fastback": "fastback", "pyahocorasick": "pyahocorasick",
            "ahocorasick_rs": "ahocorasick_rs", "daachorse": "daachorse"}[lib]
    module = {"pyahocorasick": "ahocorasick"}.get(lib, lib)
    try:
        __import__(module)
        if lib == "fastback":
            __import__("fastback.slop", fromlist=["Matcher"]).Matcher  # noqa: B018
    except Exception:  # noqa: BLE001 - not installed, or fastback built without the matcher
        return None
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def row_a_spans(lib: str, result) -> List[Tuple[int, int]]:
    """(start, end) of each match in a library's row-a answer, in order."""
    if lib == "pyahocorasick":
        return [(end + 1 - v[0], end + 1) for end, v in result]
    if lib == "ahocorasick_rs":
        return [(s, e) for _, s, e in result]
    return [(s, e) for s, e, _ in result]


def best_of(fn: Callable[[], object], repeat: int) -> Tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


# ---------------------------------------------------------------------------
# Memory: one fresh child per (library, list)
# ---------------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def vm_hwm_bytes() -> int:
    """This process's peak resident memory (VmHWM). Unlike ru_maxrss, which
    Linux carries over from the parent across fork and exec, it belongs to
    this process's own address space."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak() -> bool:
    """Set VmHWM back to the current RSS (Linux >= 4.0), so that the peak
    seen after the build is the build's own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child_memory(lib: str, list_size: int, row: str) -> None:
    """Runs in the child: print the resident memory the build adds, as JSON."""
    phrases = load_phrases(LISTS[list_size])
    keys = Keys(phrases, lower=row in ("b", "d"))
    module = {"pyahocorasick": "ahocorasick", "fastback": "fastback.slop"}.get(lib, lib)
    __import__(module)
    if lib == "fastback":
        from fastback.slop import Matcher  # noqa: F401 - loads the compiled module
    gc.collect()
    peak_ok = reset_peak()
    before = rss_bytes()
    built = BUILDERS[lib](phrases, keys, row)
    peak = vm_hwm_bytes()
    gc.collect()
    after = rss_bytes()
    print(json.dumps({"rss": after - before, "peak": (peak - before) if peak_ok else None}))
    del built


def measure_memory(lib: str, list_size: int, row: str) -> Optional[Tuple[float, float]]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-memory", lib, str(list_size), row]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        print(f"memory child for {lib} failed:\n{out.stderr}", file=sys.stderr)
        return None
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["rss"] / 1e6, (data["peak"] / 1e6 if data["peak"] is not None else float("nan"))


# ---------------------------------------------------------------------------
# Streaming detection
# ---------------------------------------------------------------------------


class TailRescan:
    """The baseline detector: after each token, look up every substring that
    ends in the newly decidable part of the text, for every phrase length,
    in a dict of lower-cased phrases; whole-word rule as the contract's.
    Keeps only the last (longest phrase + 1) characters of text."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases = Counter(p.lower() for p in phrases)
        self.min_len = min(map(len, self.phrases))
        self.max_len = max(map(len, self.phrases))
        self.tail = ""
        self.pos = 0
        self.found = 0

    def _scan(self, tail: str, base: int, first_end: int, last_end: int, at_text_end: bool) -> None:
        low = tail.lower()
        phrases, lo, hi = self.phrases, self.min_len, self.max_len
        for e in range(max(first_end, 1), last_end + 1):
            le = e - base
            right_is_word = (not at_text_end or e < last_end) and is_word(tail[le])
            for n in range(lo, hi + 1):
                ls = le - n
                if ls < 0:
                    break
                key = low[ls:le]
                mult = phrases.get(key)
                if not mult:
                    continue
                if right_is_word and is_word(key[-1]):
                    continue
                if is_word(key[0]) and base + ls > 0 and is_word(tail[ls - 1]):
                    continue
                self.found += mult

    def feed(self, token: str) -> None:
        old = self.pos
        tail = self.tail + token
        self.pos += len(token)
        # ends old..pos-1 now have their right neighbour; the end at pos waits
        self._scan(tail, self.pos - len(tail), old, self.pos - 1, False)
        self.tail = tail[-(self.max_len + 1) :]

    def finish(self) -> None:
        self._scan(self.tail, self.pos - len(self.tail), self.pos, self.pos, True)


def stream_fastback(m, tokens, snapshot: bool) -> int:
    s = m.stream()
    found = 0
    if snapshot:
        for tok in tokens:
            s.snapshot()
            found += len(s.feed(tok))
    else:
        for tok in tokens:
            found += len(s.feed(tok))
    return found + len(s.finish())


def stream_rescan(phrases, tokens) -> int:
    d = TailRescan(phrases)
    for tok in tokens:
        d.feed(tok)
    d.finish()
    return d.found


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def git_describe() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=short"],
                              capture_output=True, text=True, timeout=10).stdout.strip() or "?"
    except OSError:
        return "?"


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="best of N for every timing (default 5)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 300,000 characters of text, 10,000 tokens, 1 repeat, no memory children")
    ap.add_argument("--lists", default="517,2500,50046", help="phrase lists by size (default all three)")
    ap.add_argument("--libs", default=",".join(LIBS), help=f"comma-separated subset of {','.join(LIBS)}")
    ap.add_argument("--rows", default="abcd", help="rows to run (default abcd)")
    ap.add_argument("--text-chars", type=int, default=0, help="use only the first N characters of the text")
    ap.add_argument("--stream-tokens", type=int, default=100_000,
                    help="tokens fed in the streaming comparison (default 100,000; 0 skips it)")
    ap.add_argument("--stream-lists", default="517,50046", help="lists for the streaming comparison")
    ap.add_argument("--no-memory", action="store_true", help="skip the per-library memory children")
    ap.add_argument("--out", default="-", help="write the report here as well as to stdout")
    ap.add_argument("--child-memory", nargs=3, metavar=("LIB", "LIST", "ROW"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child_memory:
        lib, size, row = args.child_memory
        child_memory(lib, int(size), row)
        return 0

    if args.quick:
        args.repeat = 1
        args.text_chars = args.text_chars or 300_000
        args.stream_tokens = min(args.stream_tokens, 10_000)
        args.no_memory = True

    lines: List[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    failures: List[str] = []

    def mismatch(msg: str) -> None:
        failures.append(msg)
        say(f"  !!! MISMATCH: {msg}")

    if not TEXT.exists():
        print(f"{TEXT} not found", file=sys.stderr)
        return 2
    text = TEXT.read_text(encoding="utf-8")
    if args.text_chars:
        text = text[: args.text_chars]
    mb = len(text.encode("utf-8")) / 1e6
    sizes = [int(x) for x in args.lists.split(",") if x]
    libs = [x for x in args.libs.split(",") if x]
    versions = {lib: lib_version(lib) for lib in libs}
    if versions.get("fastback") is None:
        print("fastback.slop.Matcher is not available: build fastback first "
              "(.venv/bin/maturin develop --release)", file=sys.stderr)
        return 2
    libs = [lib for lib in libs if versions[lib] is not None]
    phrase_lists = {n: load_phrases(LISTS[n]) for n in sizes}

    say(f"fastback {versions['fastback']} phrase-matcher benchmark, {datetime.now():%Y-%m-%d %H:%M}"
        f" (commit {git_describe()})")
    exe = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable
    say("command: " + " ".join([exe, "benches/matcher.py", *(argv or sys.argv[1:])]) + "   (from the repository root)")
    say(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), shared; "
        f"{platform.platform()}; Python {platform.python_version()}")
    say("build: fastback must be a release build (maturin develop --release: lto, codegen-units=1)")
    say("libraries: " + ", ".join(f"{lib} {versions[lib]}" for lib in libs))
    say(f"text: {TEXT.name}, {len(text):,} code points, {mb:.2f} MB UTF-8; "
        f"timings: best of {args.repeat}, one thread, all matches returned as Python objects")
    for n in sizes:
        ps = phrase_lists[n]
        say(f"list {n:>6,}: {LISTS[n].name}: {len(ps):,} phrases, {len(set(ps)):,} distinct, "
            f"{len(set(p.lower() for p in ps)):,} distinct lower-cased, lengths {min(map(len, ps))}-"
            f"{max(map(len, ps))} code points")
    lower_ok = text.lower() == simple_fold(text) and all(
        p.lower() == simple_fold(p) for n in sizes for p in phrase_lists[n])
    differ = sorted({p for n in sizes for p in phrase_lists[n] if p.lower() != simple_fold(p)})
    say(f"str.lower() equals the contract's simple folding on this text: {text.lower() == simple_fold(text)}; "
        f"phrases where it does not: {len(differ)}" + (f" ({', '.join(differ[:8])}: 'ı' stays 'ı' under lower(), "
                                                          "folds to 'i')" if differ else ""))
    say("")
    say("How each library is run:")
    for lib in libs:
        say(f"  {lib:15s} {HOW[lib]}")
    say("")

    # ---- build time and memory ---------------------------------------------
    say("== Build (automaton of row b: folded/lower-cased phrases) ==")
    say(f"  {'list':>7}  {'library':15s} {'build s':>9} {'RSS MB':>8} {'peak MB':>8}")
    for n in sizes:
        keys = Keys(phrase_lists[n], lower=True)
        for lib in libs:
            t, _ = best_of(lambda: BUILDERS[lib](phrase_lists[n], keys, "b"), args.repeat)
            mem = None if args.no_memory else measure_memory(lib, n, "b")
            mem_s = f"{mem[0]:8.1f} {mem[1]:8.1f}" if mem else f"{'-':>8} {'-':>8}"
            say(f"  {n:>7,}  {lib:15s} {t:9.4f} {mem_s}")
    say("  (RSS MB: resident memory the built automaton keeps, in a fresh process per library, "
        "from /proc/self/statm; peak MB: the highest RSS during the build above the RSS before it, "
        "from VmHWM reset through /proc/self/clear_refs; nan where that reset is not allowed)")
    say("")

    # ---- throughput ---------------------------------------------------------
    summary: List[str] = []
    for row in args.rows:
        say(f"== Row {row}: {ROWS[row]} ==")
        if row == "b":
            say("  others: text.lower() + leftmost-longest + whole-word filter in Python (timed);"
                " NOT the same semantics, counts shown for information")
        if row == "d":
            say("  others: text.lower() + overlapping + whole-word filter in Python (timed);"
                f" same semantics{'' if lower_ok else ' except for the phrases listed above (lower() vs simple folding)'}")
        say(f"  {'list':>7}  {'library':15s} {'seconds':>9} {'MB/s':>9} {'matches':>9}  check")
        for n in sizes:
            results: Dict[str, Tuple[float, int]] = {}
            spans: Dict[str, List[Tuple[int, int]]] = {}  # row a: every library's (start, end)
            keys = Keys(phrase_lists[n], lower=row in ("b", "d"))
            for lib in libs:
                search, count = BUILDERS[lib](phrase_lists[n], keys, row)
                t, res = best_of(lambda: search(text), args.repeat)
                results[lib] = (t, count(res))
                if row == "a":
                    spans[lib] = row_a_spans(lib, res)
                del res
            fb_count = results["fastback"][1]
            # pyahocorasick's iter_long is known to be wrong; its difference is
            # put down to that bug only when the other three agree exactly.
            consensus = row == "a" and all(spans[lib] == spans["fastback"] for lib in spans
                                           if lib != "pyahocorasick")
            for lib in libs:
                t, c = results[lib]
                if lib == "fastback":
                    check = "-"
                elif row == "b":
                    check = f"{c - fb_count:+,} vs fastback (different semantics)"
                elif row == "a" and spans[lib] == spans["fastback"]:
                    check = "ok (every match)"
                elif row == "a" and lib == "pyahocorasick" and consensus and len(spans) > 2:
                    check = (f"{len(set(spans[lib]) - set(spans['fastback'])):,} extra, "
                             f"{len(set(spans['fastback']) - set(spans[lib])):,} missing: known iter_long bug "
                             "(pyahocorasick #133/#185/#189); the other libraries agree exactly")
                elif row != "a" and c == fb_count:
                    check = "ok (count)"
                else:
                    check = "MISMATCH"
                    mismatch(f"row {row}, list {n}, {lib}: {c:,} matches, fastback {fb_count:,}"
                             + (" (or the same count, other spans)" if row == "a" else ""))
                say(f"  {n:>7,}  {lib:15s} {t:9.4f} {mb / t:9.1f} {c:9,}  {check}")
            others = {lib: tc for lib, tc in results.items() if lib != "fastback"}
            if others:
                fastest = min(others, key=lambda lib: others[lib][0])
                ratio = results["fastback"][0] / others[fastest][0]
                verdict = "fastback fastest" if ratio < 1 else "fastback NOT fastest"
                say(f"  {'':>7}  fastback / fastest other ({fastest}): {ratio:.2f}x time  "
                    f"({1 / ratio:.2f}x throughput)  {verdict}")
                summary.append(f"  row {row}  list {n:>6,}: fastback {mb / results['fastback'][0]:8.1f} MB/s, "
                               f"fastest other {fastest} {mb / others[fastest][0]:8.1f} MB/s, "
                               f"time ratio {ratio:.2f}  {verdict}")
        say("")

    # ---- streaming ------------------------------------------------------------
    if args.stream_tokens:
        from fastback.slop import Matcher

        tokens = re.findall(r"\s*\S+", text)[: args.stream_tokens]
        n_chars = sum(map(len, tokens))
        say(f"== Streaming detection: {len(tokens):,} tokens ({n_chars:,} code points, regex \\s*\\S+), "
            "overlapping, case-insensitive, whole words ==")
        say("  fastback: Matcher.stream(); feed(token) per token (+ snapshot() per token, as the sampler does)")
        say("  re-scan: per token, dict look-ups of every substring ending in the new text, every phrase"
            " length (antislop-sampler detect_disallowed_sequence style; tail only)")
        say(f"  {'list':>7}  {'detector':28s} {'us/token':>9} {'matches':>9}  check")
        for n in [int(x) for x in args.stream_lists.split(",") if x]:
            phrases = phrase_lists.get(n) or load_phrases(LISTS[n])
            m = Matcher(phrases, case_insensitive=True, whole_words=True, match_kind="overlapping")
            t_feed, c_feed = best_of(lambda: stream_fastback(m, tokens, False), args.repeat)
            t_snap, c_snap = best_of(lambda: stream_fastback(m, tokens, True), args.repeat)
            t_scan, c_scan = best_of(lambda: stream_rescan(phrases, tokens), max(1, min(args.repeat, 3)))
            want = len(m.find_all("".join(tokens)))
            for name, t, c in [("fastback feed", t_feed, c_feed), ("fastback snapshot+feed", t_snap, c_snap),
                               ("re-scan of the tail (Python)", t_scan, c_scan)]:
                ok = "ok" if c == want else "MISMATCH"
                if c != want:
                    mismatch(f"streaming, list {n}, {name}: {c:,} matches, find_all {want:,}")
                say(f"  {n:>7,}  {name:28s} {t / len(tokens) * 1e6:9.2f} {c:9,}  {ok}")
            say(f"  {'':>7}  re-scan / fastback feed: {t_scan / t_feed:.3g}x; "
                f"re-scan / fastback snapshot+feed: {t_scan / t_snap:.3g}x")
            summary.append(f"  stream list {n:>6,}: fastback {t_feed / len(tokens) * 1e6:.2f} us/token "
                           f"({t_snap / len(tokens) * 1e6:.2f} with snapshot), re-scan "
                           f"{t_scan / len(tokens) * 1e6:.2f} us/token, re-scan/fastback {t_scan / t_feed:.3g}x")
        say("")

    say("== Summary (ratios from this run) ==")
    for line in summary:
        say(line)
    if failures:
        say(f"{len(failures)} MISMATCH(ES): see above")
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
