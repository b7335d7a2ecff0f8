"""``fastback slop find``: JSON lines checked against the text itself, counts,
and the error paths (exit status and a message that names the file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SLOP = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "slop" / "antislop-sampler"


def fastback(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fastback", *args], input=stdin, capture_output=True, text=True)


def test_find_reports_offsets_into_the_text(tmp_path):
    phrases = tmp_path / "p.txt"
    phrases.write_text("# banned\ntestament to\ntapestry\n\n", encoding="utf-8")
    text = "Ünïcode first: a Testament to the TAPESTRY, tapestries.\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    r = fastback("slop", "find", str(phrases), str(tmp_path / "t.txt"), "-i", "-w")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["phrase"] for row in rows] == ["testament to", "tapestry"]
    for row in rows:
        assert text[row["start"]:row["end"]] == row["text"]
        assert row["text"].lower() == row["phrase"]


def test_count_from_stdin_with_the_antislop_list():
    r = fastback("slop", "find", str(SLOP / "slop_phrase_prob_adjustments.json"), "--count", "-i",
                 stdin="A symphony of colours, a kaleidoscope of sound.")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "-\t2\n"


def test_bad_phrase_file_names_file_and_entry(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[["fine", 0.5], ["", 0.5]]', encoding="utf-8")
    r = fastback("slop", "find", str(bad), stdin="text")
    assert r.returncode == 1
    assert f"{bad}: entry 2: the phrase is empty" in r.stderr
    assert r.stdout == ""


def test_missing_and_non_utf8_inputs(tmp_path):
    phrases = tmp_path / "p.txt"
    phrases.write_text("x\n", encoding="utf-8")
    r = fastback("slop", "find", str(phrases), str(tmp_path / "nope.txt"))
    assert r.returncode == 1 and "nope.txt" in r.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    r = fastback("slop", "find", str(phrases), str(latin))
    assert r.returncode == 1 and "not UTF-8" in r.stderr
