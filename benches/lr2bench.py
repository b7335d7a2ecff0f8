"""LR²Bench solvers over the whole benchmark, graded by fastback's scorer.

    python benches/lr2bench.py solve [--task cryptogram drop sudoku logic] [--no-hints]
    python benches/lr2bench.py fill [--distractors 10] [--seed 0] [--write-candidates DIR]

``solve`` runs ``fastback lr2bench solve`` for the tasks that need no
knowledge (cryptogram, drop quote, Sudoku when fastback.sudoku is there,
logic grid when fastback.lr2bench.logic is there), then ``fastback lr2bench
score`` on the result, and prints the table with the wall time per task.

``fill`` measures the crossword and acrostic fill: the clue knowledge is
replaced by an oracle that offers, for every clue, the gold answer hidden
among ``--distractors`` wrong answers of the same length (shuffled, so the
order carries no hint): half are dictionary words that agree with the gold
answer on at least half of the letters (they share letters with it and
often cross consistently), half are random dictionary words of that length
(random letters where the word list has none). The fill must then find a
grid consistent with every crossing (crosswords) or with the quotation's
words (acrostics; the three answers each puzzle gives away are used). It
reports, per level, how many grids are completed, how many are exactly the
gold grid, the search nodes and the time. The oracle reads ``answer.json``;
the fill itself never does. ``--write-candidates DIR`` saves the oracle's
candidates as the JSON files ``fastback lr2bench solve --candidates`` reads.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List


def distractors(gold: str, k: int, rng: random.Random, by_length: Dict[int, List[str]]) -> List[str]:
    pool = by_length.get(len(gold), [])
    sample = rng.sample(pool, min(len(pool), 4000))
    near = [w for w in sample if w != gold and 2 * sum(a == b for a, b in zip(w, gold)) >= len(gold)]
    far = [w for w in sample if w != gold and w not in near]
    out = near[:k // 2]
    out += far[:k - len(out)]
    while len(out) < k:
        out.append("".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in gold))
    return out


def run_fill(args: argparse.Namespace) -> None:
    from fastback.lr2bench import LEVELS, load, load_answers
    from fastback.lr2bench.fill import acrostic_letters, consistent, fill_acrostic, fill_crossword
    from fastback.lr2bench.words import word_model

    answers = load_answers()
    by_length: Dict[int, List[str]] = {}
    for w in word_model().logp:
        if w.isalpha():
            by_length.setdefault(len(w), []).append(w)
    print(f"candidates per clue: the gold answer and {args.distractors} distractors (seed {args.seed})")
    print(f"{'task':<10} {'level':<6} {'puzzles':>7} {'completed':>9} {'exact':>6} {'nodes':>8} {'seconds':>8}")
    for task in ("crossword", "acrostic"):
        for level in LEVELS[task]:
            rng = random.Random(f"{args.seed}/{task}/{level}")
            completed = exact = nodes = 0
            seconds = 0.0
            saved: Dict[str, Dict[str, List[str]]] = {}
            puzzles = load(task, level)
            for p in puzzles:
                gold = answers[task, level, p.tag]
                if task == "acrostic":
                    gold_entries = {lb: "".join(gold[str(n)] for n in c.numbers) for lb, c in p.clues.items()}
                else:
                    gold_entries = gold
                cands = {}
                for cid, answer in gold_entries.items():
                    lst = distractors(answer, args.distractors, rng, by_length) + [answer]
                    rng.shuffle(lst)
                    cands[cid] = lst
                saved[f"{level}/{p.tag}"] = cands
                start = time.perf_counter()
                if task == "crossword":
                    result = fill_crossword(p, lambda clue: cands[clue.id])
                    ok = result.complete and consistent(p, result.entries)
                    same = result.entries == gold
                else:
                    result = fill_acrostic(p, lambda clue: cands[clue.id])
                    ok = result.complete
                    same = acrostic_letters(p, result.entries) == {int(k): v for k, v in gold.items()}
                seconds += time.perf_counter() - start
                completed += ok
                exact += ok and same
                nodes += result.nodes
            print(f"{task:<10} {level:<6} {len(puzzles):>7} {completed:>9} {exact:>6} {nodes:>8} {seconds:>8.1f}",
                  flush=True)
            if args.write_candidates:
                folder = Path(args.write_candidates)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{task}-{level}.json").write_text(json.dumps(saved))


def run_solve(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pred.jsonl"
        for task in args.task:
            part = Path(tmp) / f"{task}.jsonl"
            command = [sys.executable, "-m", "fastback", "lr2bench", "solve", "--task", task, "--out", str(part)]
            if args.no_hints:
                command.append("--no-hints")
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            print(f"{task}: {seconds:.0f} s wall" + ("" if done.returncode == 0 else f" ({done.stderr.strip()})"),
                  flush=True)
            if done.returncode == 0:
                with open(out, "a") as handle:
                    handle.write(part.read_text())
        if out.exists():
            subprocess.run([sys.executable, "-m", "fastback", "lr2bench", "score", str(out)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("solve", help="run the knowledge-free solvers and score them")
    s.add_argument("--task", nargs="+", default=["cryptogram", "drop", "sudoku", "logic"],
                   choices=["cryptogram", "drop", "sudoku", "logic"])
    s.add_argument("--no-hints", action="store_true", help="solve cryptograms without their hints")
    f = sub.add_parser("fill", help="crossword and acrostic fill from gold answers among distractors")
    f.add_argument("--distractors", type=int, default=10)
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--write-candidates", metavar="DIR", default=None)
    args = parser.parse_args()
    run_fill(args) if args.command == "fill" else run_solve(args)


if __name__ == "__main__":
    main()
