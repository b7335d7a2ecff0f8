"""``fastback slop find PHRASES [FILE ...]``: find phrases in text files.

``PHRASES`` is a phrase file (the JSON lists of ``../shared/bench/slop`` or
one phrase per line; see :func:`fastback.slop.load_phrases`). Each ``FILE``
(``-`` or none: standard input) is read as UTF-8 and scanned whole.

Output on stdout, one JSON object per match, in text order per file::

    {"file": "a.txt", "start": 10, "end": 22, "pattern": 3, "phrase": "testament to",
     "weight": 0.03125, "text": "Testament to"}

``start``/``end`` are code-point offsets into the file's text (Python string
indices). ``--count`` prints ``FILE<TAB>MATCHES`` per file instead.

Exit status: 0 success (matches or not); 1 unreadable or malformed input
(phrase file errors are ``fastback slop: PATH:LINE: message``); 2 usage error;
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Tuple

HELP = "find phrases (an antislop list or one per line) in text files"

OK, ERROR, INTERRUPTED = 0, 1, 130

KINDS = ("leftmost-longest", "leftmost-first", "standard", "overlapping")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="slop_command", metavar="COMMAND", required=True)
    f = sub.add_parser("find", help="print every match as a JSON line",
                       description="Find the phrases of PHRASES in each FILE; one JSON line per match.")
    f.add_argument("phrases", metavar="PHRASES", help="phrase file: JSON [[phrase, weight], ...] or one per line")
    f.add_argument("files", metavar="FILE", nargs="*", default=["-"], help="text files ('-' or none: stdin)")
    f.add_argument("-i", "--case-insensitive", action="store_true", help="match under simple Unicode case folding")
    f.add_argument("-w", "--whole-words", action="store_true",
                   help="require word boundaries at phrase ends that are word characters")
    f.add_argument("--kind", choices=KINDS, default="leftmost-longest", help="which matches to report")
    f.add_argument("--count", action="store_true", help="print FILE<TAB>MATCHES per file instead of the matches")


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.buffer.read().decode("utf-8")
    with open(name, "rb") as f:
        return f.read().decode("utf-8")


def run(args: argparse.Namespace) -> int:
    from fastback.slop import Matcher, PhraseFileError

    try:
        matcher = Matcher.from_file(args.phrases, case_insensitive=args.case_insensitive,
                                    whole_words=args.whole_words, match_kind=args.kind)
    except PhraseFileError as e:
        sys.stderr.write(f"fastback slop: {e}\n")
        return ERROR
    except OSError as e:
        sys.stderr.write(f"fastback slop: {args.phrases}: {e.strerror or e}\n")
        return ERROR
    except ValueError as e:
        sys.stderr.write(f"fastback slop: {args.phrases}: {e}\n")
        return ERROR
    texts: List[Tuple[str, str]] = []
    for name in args.files:
        try:
            texts.append((name, _read(name)))
        except OSError as e:
            sys.stderr.write(f"fastback slop: {name}: {e.strerror or e}\n")
            return ERROR
        except UnicodeDecodeError as e:
            sys.stderr.write(f"fastback slop: {name}: not UTF-8 text ({e.reason} at byte {e.start})\n")
            return ERROR
    try:
        results = matcher.find_all_many([t for _, t in texts])
    except KeyboardInterrupt:
        return INTERRUPTED
    patterns, weights = matcher.patterns, matcher.weights
    out = sys.stdout
    for (name, text), found in zip(texts, results):
        if args.count:
            out.write(f"{name}\t{len(found)}\n")
            continue
        for start, end, index in found:
            out.write(json.dumps({"file": name, "start": start, "end": end, "pattern": index,
                                  "phrase": patterns[index], "weight": weights[index],
                                  "text": text[start:end]}, ensure_ascii=False) + "\n")
    return OK
