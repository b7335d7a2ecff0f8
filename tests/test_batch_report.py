"""``fastback batch report``: reading results files, the counts and PAR-2,
the three formats, the plots and the command line.

Checked against answers worked out by hand (the ``HAND`` file below) and,
for random records, against a plain recomputation of the contract's
definitions in exact rational arithmetic. Plots are checked on the Figure
before it is saved (lines, points, scales) and on the PNG written.

Plot tests need matplotlib (the ``plot`` extra); they skip without it, and
fail under ``FASTBACK_REQUIRE_PLOT=1``, which ``make test`` sets.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastback._errors import LocatedError
from fastback.batch import report

PLOT_REQUIRED = bool(os.environ.get("FASTBACK_REQUIRE_PLOT"))


def need_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        if PLOT_REQUIRED:
            pytest.fail("FASTBACK_REQUIRE_PLOT is set but matplotlib is not installed")
        pytest.skip("matplotlib (the plot extra) is not installed")


# --------------------------------------------------------------------------
# a results file with a known answer
# --------------------------------------------------------------------------


def rec(config: str, instance: str, family: Optional[str], status: str, ok: Optional[bool],
        time: Optional[float], limit: Optional[float], expected: Optional[str] = None,
        kind: str = "sat", **extra: Any) -> Dict[str, Any]:
    r = {"id": f"{config}/{instance}", "kind": kind, "instance": instance, "family": family,
         "expected": expected, "config": config, "status": status, "ok": ok, "time": time,
         "limit": limit, "conflicts": None, "error": None, "worker": "host:1",
         "finished_at": "2026-11-24T11:40:00Z", "fastback": "0.1.0"}
    if family is None:
        del r["family"]
    r.update(extra)
    return r


# Times are binary fractions so that the PAR-2 sums written below are exact.
HAND = [
    rec("default", "a.cnf", "bmc", "sat", True, 1.5, 10.0, "sat", stats={"decisions": 7}),
    rec("default", "b.cnf", "bmc", "unsat", True, 2.25, 10.0, "unsat"),
    rec("default", "c.cnf", "php", "unknown", None, 10.0, 10.0, "unsat"),
    rec("default", "d.cnf", "php", "error", None, 0.5, 10.0, error="d.cnf:3: clause literal 'a' is not an integer"),
    rec("default", "e.cnf", "rand", "sat", None, 0.125, None, future_key=[1, 2]),
    rec("priors", "a.cnf", "bmc", "sat", True, 0.5, 10.0, "sat"),
    rec("priors", "b.cnf", "bmc", "sat", False, 0.75, 10.0, "unsat"),  # WRONG: counted unsolved
    rec("priors", "c.cnf", "php", "unsat", True, 4.0, 10.0, "unsat"),
    rec("priors", "d.cnf", "php", "unsat", True, 9.5, 10.0),
    rec("priors", "e.cnf", "rand", "sat", True, 0.25, None),
    rec("sudoku", "p1", "sudoku-9x9", "solved", True, 0.0625, 1.0, kind="sudoku"),
    rec("sudoku", "p2", "sudoku-9x9", "unsolved", None, 1.0, 1.0, kind="sudoku"),
    rec("sudoku", "p3", None, "unknown", None, 3.0, None, kind="sudoku"),  # no limit: PAR-2 undefined
]

#: config -> (tasks, solved, sat, unsat, unsolved, errors, wrong, PAR-2, unsolved without limit)
HAND_CONFIGS = {
    "default": (5, 3, 2, 1, 2, 1, 0, 1.5 + 2.25 + 20 + 20 + 0.125, 0),
    "priors": (5, 4, 2, 2, 1, 0, 1, 0.5 + 20 + 4.0 + 9.5 + 0.25, 0),
    "sudoku": (3, 1, 0, 0, 2, 0, 0, None, 1),
}
#: (family, config) -> (tasks, solved, PAR-2)
HAND_FAMILIES = {
    ("bmc", "default"): (2, 2, 3.75), ("php", "default"): (2, 0, 40.0), ("rand", "default"): (1, 1, 0.125),
    ("bmc", "priors"): (2, 1, 20.5), ("php", "priors"): (2, 2, 13.5), ("rand", "priors"): (1, 1, 0.25),
    ("sudoku-9x9", "sudoku"): (2, 1, 2.0625), ("", "sudoku"): (1, 0, None),
}


def write_jsonl(path: Path, records: List[Dict[str, Any]], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail, encoding="utf-8")
    return path


@pytest.fixture
def hand_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "results.jsonl", HAND)


def test_known_answer_per_config(hand_file):
    summary = report.summarise(report.load(hand_file))
    assert summary.tasks == len(HAND)
    assert [c.config for c in summary.configs] == sorted(HAND_CONFIGS)
    for name, (tasks, solved, sat, unsat, unsolved, errors, wrong, par2, no_limit) in HAND_CONFIGS.items():
        c = summary.config(name)
        assert (c.tasks, c.solved, c.sat, c.unsat, c.unsolved, c.errors, c.wrong) == \
            (tasks, solved, sat, unsat, unsolved, errors, wrong), name
        assert c.par2 == par2, name
        assert c.unsolved_without_limit == no_limit, name
    assert summary.config("sudoku").limits == (1.0,)
    assert summary.config("default").limits == (10.0,)


def test_known_answer_per_family(hand_file):
    summary = report.summarise(report.load(hand_file))
    got = {(f.family, f.config): (f.tasks, f.solved, f.par2) for f in summary.families}
    assert got == HAND_FAMILIES


def test_load_fills_defaults_and_keeps_unknown_keys(hand_file):
    records = report.load(str(hand_file))
    assert [r["id"] for r in records] == [r["id"] for r in HAND]
    p3 = records[-1]
    assert p3["family"] == "" and p3["instance"] == "p3"
    assert records[0]["stats"] == {"decisions": 7}
    assert records[4]["future_key"] == [1, 2]


def test_summarise_takes_records_without_load():
    """The runner's own dicts, with only the keys the report needs."""
    minimal = [{"id": "x/1", "config": "x", "status": "sat", "time": 2.0, "limit": 5.0},
               {"id": "x/2", "config": "x", "status": "unknown", "limit": 5.0}]
    c = report.summarise(minimal).config("x")
    assert (c.solved, c.unsolved, c.par2) == (1, 1, 12.0)


# --------------------------------------------------------------------------
# PAR-2 against an independent recomputation
# --------------------------------------------------------------------------

STATUS = st.sampled_from(["sat", "unsat", "solved", "unsolved", "unknown", "error"])
SECONDS = st.one_of(st.integers(0, 10_000).map(lambda n: n / 64), st.floats(0, 1e4, allow_nan=False))


@st.composite
def random_records(draw) -> List[Dict[str, Any]]:
    n = draw(st.integers(0, 40))
    out = []
    for i in range(n):
        config = draw(st.sampled_from(["a", "b", "c"]))
        status = draw(STATUS)
        ok = draw(st.sampled_from([True, False, None]))
        time = draw(SECONDS)
        limit = draw(st.one_of(st.none(), SECONDS))
        family = draw(st.sampled_from(["f", "g", ""]))
        out.append({"id": f"{config}/{draw(st.integers(0, 30))}", "config": config, "status": status,
                    "ok": ok, "time": time, "limit": limit, "family": family})
    return out


def reference(records: List[Dict[str, Any]], key) -> Dict[Any, Any]:
    """The contract's definitions, written out plainly: first of each id;
    solved = status sat/unsat/solved and ok not false; PAR-2 = exact sum of
    time (solved) or 2 * limit (not), undefined if an unsolved task has no limit."""
    seen, first = set(), []
    for r in records:
        if r["id"] not in seen:
            seen.add(r["id"])
            first.append(r)
    groups: Dict[Any, List[Dict[str, Any]]] = {}
    for r in first:
        groups.setdefault(key(r), []).append(r)
    out = {}
    for k, group in groups.items():
        solved = [r["status"] in ("sat", "unsat", "solved") and r["ok"] is not False for r in group]
        undefined = any(not s and r["limit"] is None for s, r in zip(solved, group))
        total = sum((Fraction(r["time"]) if s else 2 * Fraction(r["limit"])
                     for s, r in zip(solved, group) if s or r["limit"] is not None), Fraction(0))
        out[k] = (len(group), sum(solved), None if undefined else float(total),
                  sum(1 for r in group if r["ok"] is False))
    return out


@settings(max_examples=150, deadline=None)
@given(random_records())
def test_par2_matches_a_plain_recomputation(records):
    summary = report.summarise(records)
    want = reference(records, lambda r: r["config"])
    assert {c.config: (c.tasks, c.solved, c.par2, c.wrong) for c in summary.configs} == want
    want = reference(records, lambda r: (r["family"], r["config"]))
    assert {(f.family, f.config): (f.tasks, f.solved, f.par2) for f in summary.families} == \
        {k: v[:3] for k, v in want.items()}
    assert len(summary.wrong_answers) == sum(v[3] for v in reference(records, lambda r: 0).values())


# --------------------------------------------------------------------------
# wrong answers
# --------------------------------------------------------------------------


def test_wrong_answers_are_unsolved_and_listed(hand_file):
    summary = report.summarise(report.load(hand_file))
    assert [t.id for t in summary.wrong_answers] == ["priors/b.cnf"]
    assert summary.config("priors").solved == 4 and summary.config("priors").wrong == 1
    text = report.render(summary, "text")
    assert "!! WRONG ANSWERS: 1 (counted as unsolved)" in text
    assert "priors/b.cnf: answered sat, expected unsat" in text
    md = report.render(summary, "markdown")
    assert "**WRONG ANSWERS: 1 (counted as unsolved)**" in md and "- `priors/b.cnf`" in md
    data = json.loads(report.render(summary, "json"))
    assert [w["id"] for w in data["wrong_answers"]] == ["priors/b.cnf"]


def test_no_wrong_answer_section_when_there_are_none(hand_file):
    records = [r for r in report.load(hand_file) if r["ok"] is not False]
    assert "WRONG" not in report.render(report.summarise(records), "text")


# --------------------------------------------------------------------------
# reading: truncation, errors, duplicates
# --------------------------------------------------------------------------


def test_truncated_last_line_is_ignored(tmp_path):
    full = json.dumps(HAND[1])
    path = write_jsonl(tmp_path / "r.jsonl", HAND[:1], tail=full[: len(full) // 2])
    records, notes = report._load(path)
    assert [r["id"] for r in records] == ["default/a.cnf"]
    assert notes == [f"{path}:2: truncated last line ignored (a write cut off mid-line)"]


def test_truncated_inside_a_utf8_character(tmp_path):
    path = tmp_path / "r.jsonl"
    line = json.dumps(rec("x", "ü.cnf", "f", "sat", True, 1.0, 2.0), ensure_ascii=False).encode()
    cut = line.index("ü".encode()) + 1
    path.write_bytes(json.dumps(HAND[0]).encode() + b"\n" + line[:cut])
    assert [r["id"] for r in report.load(path)] == ["default/a.cnf"]


def test_complete_last_line_without_newline_is_read(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", HAND[:1], tail=json.dumps(HAND[1]))
    assert len(report.load(path)) == 2


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("\n" + json.dumps(HAND[0]) + "\n  \n" + json.dumps(HAND[1]) + "\n")
    assert len(report.load(path)) == 2


GOOD = json.dumps(HAND[0])

#: (bad line, words the message must contain)
MALFORMED = [
    ('{"id": "x/1", "config": ', "not valid JSON"),
    ("[1, 2]", "expected a JSON object, got list"),
    ('{"config": "x", "status": "sat", "time": 1}', 'missing "id"'),
    ('{"id": "", "config": "x", "status": "sat", "time": 1}', '"id" must be a non-empty string'),
    ('{"id": "x/1", "status": "sat", "time": 1}', 'missing "config"'),
    ('{"id": "x/1", "config": "x", "status": "SAT", "time": 1}', '"status" must be one of'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": "1.5"}', '"time" must be a non-negative number'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": -1}', '"time" must be a non-negative number'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": true}', '"time" must be a non-negative number'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": NaN}', '"time" must be a non-negative number'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": null}', "is solved (\"sat\") but has no \"time\""),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": 1, "ok": "yes"}', '"ok" must be true, false or null'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": 1, "ok": 1}', '"ok" must be true, false or null'),
    ('{"id": "x/1", "config": "x", "status": "unknown", "time": 1, "limit": "30"}', '"limit" must be'),
    ('{"id": "x/1", "config": "x", "status": "sat", "time": 1, "family": 3}', '"family" must be a string or null'),
]


@pytest.mark.parametrize("line,words", MALFORMED)
def test_malformed_line_is_named_by_file_and_line(tmp_path, line, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{GOOD}\n\n{line}\n{GOOD}\n", encoding="utf-8")
    with pytest.raises(LocatedError) as info:
        report.load(path)
    assert info.value.source == str(path) and info.value.line == 3
    assert str(info.value).startswith(f"{path}:3: ")
    assert words in info.value.message


def test_malformed_line_in_the_second_file(tmp_path):
    first = write_jsonl(tmp_path / "one.jsonl", HAND[:2])
    second = tmp_path / "two.jsonl"
    second.write_bytes(b'{"id": "x/1"}\n\xff\xfe\n')
    with pytest.raises(LocatedError, match=r"two\.jsonl:1: missing \"config\""):
        report.load([first, second])
    second.write_bytes(GOOD.encode() + b"\n\xff\xfe\n")
    with pytest.raises(LocatedError, match=r"two\.jsonl:2: not UTF-8"):
        report.load([first, second])


def test_missing_file_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        report.load(tmp_path / "absent.jsonl")


def test_duplicate_ids_keep_the_first(tmp_path):
    again = dict(HAND[0], status="unknown", ok=None, time=10.0)
    one = write_jsonl(tmp_path / "one.jsonl", [HAND[0], again, HAND[1]])
    two = write_jsonl(tmp_path / "two.jsonl", [dict(HAND[1], time=9.0), HAND[2]])
    records, notes = report._load([one, two])
    assert [r["id"] for r in records] == ["default/a.cnf", "default/b.cnf", "default/c.cnf"]
    assert records[0]["status"] == "sat" and records[1]["time"] == 2.25
    assert notes == [f"{one}:2: duplicate id default/a.cnf ignored (first read at {one}:1)",
                     f"{two}:1: duplicate id default/b.cnf ignored (first read at {one}:3)"]
    # summarise applies the same rule to records it is given directly
    c = report.summarise([HAND[0], again]).config("default")
    assert (c.tasks, c.solved) == (1, 1)


def test_results_from_stdin(monkeypatch):
    data = "".join(json.dumps(r) + "\n" for r in HAND).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert len(report.load("-")) == len(HAND)


# --------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------


def table_lines(text: str, header_start: str) -> List[str]:
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(header_start))
    end = next((k for k in range(i, len(lines)) if not lines[k].strip()), len(lines))
    return lines[i:end]


def test_text_table_is_aligned(hand_file):
    text = report.render(report.summarise(report.load(hand_file)), "text", families=True)
    rows = table_lines(text, "config")
    assert len(rows) == 1 + len(HAND_CONFIGS)
    # right-aligned numeric columns: every row ends each column at the same place
    header = rows[0]
    for column in ("tasks", "solved", "wrong", "PAR-2 (s)"):
        end = header.index(column) + len(column)
        for row in rows[1:]:
            assert row[end - 1] != " " and (end == len(row) or row[end] == " "), (column, row)
    assert rows[1].split() == ["default", "5", "3", "2", "1", "2", "1", "0", "10", "43.88"]
    assert rows[3].split()[-1] == "n/a"
    assert "PAR-2 of sudoku is undefined: 1 unsolved task(s) have no time limit" in text
    fam = table_lines(text, "family")
    assert fam[0].split()[:3] == ["family", "default", "solved"]
    assert fam[1].split() == ["(none)", "-", "-", "-", "-", "0/1", "n/a"]
    assert fam[2].split() == ["bmc", "2/2", "3.75", "1/2", "20.50", "-", "-"]
    assert "errors: 1" in text and "default/d.cnf: d.cnf:3: clause literal 'a' is not an integer" in text


def test_family_table_only_when_asked(hand_file):
    summary = report.summarise(report.load(hand_file))
    assert "per family" not in report.render(summary, "text")
    assert "per family" in report.render(summary, "markdown", families=True)


def test_markdown_tables(hand_file):
    md = report.render(report.summarise(report.load(hand_file)), "markdown", families=True)
    rows = [line for line in md.splitlines() if line.startswith("|")]
    config_rows = rows[: 2 + len(HAND_CONFIGS)]
    assert config_rows[0].startswith("| config | tasks |")
    assert config_rows[1] == "| --- |" + " ---: |" * 9
    assert all(row.count("|") == 11 for row in config_rows)
    assert "| priors | 5 | 4 | 2 | 2 | 1 | 0 | 1 | 10 | 34.25 |" in rows
    family_rows = rows[2 + len(HAND_CONFIGS):]
    assert len(family_rows) == 2 + 5  # header, rule, 5 families ("" included)
    assert all(row.count("|") == 8 for row in family_rows)


def test_markdown_escapes_pipes():
    records = [{"id": "a|b/x", "config": "a|b", "status": "sat", "time": 1.0, "limit": 2.0}]
    md = report.render(report.summarise(records), "markdown")
    assert "| a\\|b | 1 |" in md


def test_json_is_the_summary_as_data(hand_file):
    summary = report.summarise(report.load(hand_file))
    data = json.loads(report.render(summary, "json"))
    assert data == json.loads(json.dumps(summary.to_dict()))
    assert data["tasks"] == len(HAND)
    by_name = {c["config"]: c for c in data["configs"]}
    assert by_name["default"]["par2"] == 43.875 and by_name["sudoku"]["par2"] is None
    assert by_name["sudoku"]["limits"] == [1.0]
    assert len(data["families"]) == len(HAND_FAMILIES)
    assert [e["id"] for e in data["errors"]] == ["default/d.cnf"]


def test_empty_results_and_unknown_format():
    summary = report.summarise([])
    assert report.render(summary, "text") == "0 tasks, 0 configurations\n"
    assert json.loads(report.render(summary, "json"))["configs"] == []
    with pytest.raises(ValueError, match="unknown format 'html'"):
        report.render(summary, "html")


def test_many_errors_are_cut_short():
    records = [{"id": f"x/{i}", "config": "x", "status": "error", "time": 0.0, "limit": 1.0,
                "error": f"boom {i}\ntraceback..."} for i in range(report.ERRORS_LISTED + 5)]
    text = report.render(report.summarise(records), "text")
    assert "errors: 25" in text and "  ... and 5 more" in text
    assert "boom 19" in text and "boom 20" not in text and "traceback" not in text


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------


def assert_png(path: Path, width: int, height: int) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    image = matplotlib.image.imread(str(path))
    assert image.shape[:2] == (height, width)
    assert image.std() > 0  # not a blank canvas


def test_cactus_figure_has_a_line_per_config_and_the_limits(hand_file):
    need_matplotlib()
    records = report.load(hand_file)
    fig = report._cactus_figure(records)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == len(HAND_CONFIGS) + 2  # limits 1 s and 10 s
    solved = {"default": [0.125, 1.5, 2.25], "priors": [0.25, 0.5, 4.0, 9.5], "sudoku": [0.0625]}
    for line, name in zip(lines, sorted(solved)):
        assert list(line.get_xdata()) == list(range(1, len(solved[name]) + 1))
        assert list(line.get_ydata()) == solved[name]
        assert line.get_label().startswith(f"{name} (")
    limits = lines[len(HAND_CONFIGS):]
    assert [line.get_linestyle() for line in limits] == ["--", "--"]
    assert [line.get_ydata()[0] for line in limits] == [1.0, 10.0]
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "instances solved" and ax.get_ylabel() == "time (s)"


def test_cactus_png(hand_file, tmp_path):
    need_matplotlib()
    out = tmp_path / "cactus.png"
    report.cactus_plot(report.load(hand_file), out)
    assert_png(out, 700, 450)


def test_cactus_draws_zero_times_at_the_floor():
    need_matplotlib()
    fig = report._cactus_figure([{"id": "x/1", "config": "x", "status": "sat", "time": 0.0, "limit": None}])
    assert list(fig.axes[0].get_lines()[0].get_ydata()) == [report.TIME_FLOOR]


def scatter_points(fig) -> List[tuple]:
    return sorted(tuple(p) for coll in fig.axes[0].collections for p in coll.get_offsets())


def test_scatter_figure_pairs_instances_and_puts_unsolved_on_the_edge(hand_file):
    need_matplotlib()
    fig = report._scatter_figure(report.load(hand_file), "default", "priors")
    ax = fig.axes[0]
    # a: both solved; b: wrong under priors; c, d: unknown / error under default; e: both solved
    assert scatter_points(fig) == sorted([(1.5, 0.5), (2.25, 10.0), (10.0, 4.0), (10.0, 9.5), (0.125, 0.25)])
    # the points on the edge (x = 10 or y = 10, the limit) are collections of their own
    markers = {tuple(map(tuple, c.get_offsets())): c for c in ax.collections}
    edge_only = [pts for pts in markers if all(10.0 in p for p in pts)]
    both = [pts for pts in markers if not any(10.0 in p for p in pts)]
    assert sorted(p for pts in edge_only for p in pts) == [(2.25, 10.0), (10.0, 4.0), (10.0, 9.5)]
    assert sorted(p for pts in both for p in pts) == [(0.125, 0.25), (1.5, 0.5)]
    # three families, so colour is the family and the legend names them
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["bmc", "php", "rand"]
    diagonal = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(diagonal) == 1 and list(diagonal[0].get_xdata()) == list(diagonal[0].get_ydata())
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "5 instances: default faster on 2, priors faster on 3" in ax.get_title()


def test_scatter_marks_unsolved_distinctly(hand_file):
    need_matplotlib()
    fig = report._scatter_figure(report.load(hand_file), "default", "priors")
    import numpy as np

    def marker_vertices(coll):
        return np.asarray(coll.get_paths()[0].vertices).round(3).tolist()

    solved = [c for c in fig.axes[0].collections if not any(10.0 in p for p in c.get_offsets())]
    unsolved = [c for c in fig.axes[0].collections if all(10.0 in p for p in c.get_offsets())]
    assert solved and unsolved
    assert all(marker_vertices(c) != marker_vertices(unsolved[0]) for c in solved)


def test_scatter_without_families_and_left_out_instances():
    need_matplotlib()
    records = [{"id": f"{c}/{i}", "config": c, "status": "sat", "time": t, "limit": 30.0}
               for c, i, t in [("a", 1, 1.0), ("b", 1, 2.0), ("a", 2, 3.0), ("b", 2, 1.5), ("a", 3, 1.0)]]
    fig = report._scatter_figure(records, "a", "b")
    assert scatter_points(fig) == [(1.0, 2.0), (3.0, 1.5)]
    assert len(fig.axes[0].collections) == 1
    assert "(1 result without a counterpart left out)" in fig.axes[0].get_title()


def test_scatter_png_and_errors(hand_file, tmp_path):
    need_matplotlib()
    records = report.load(hand_file)
    out = tmp_path / "scatter.png"
    report.scatter_plot(records, "default", "priors", out)
    assert_png(out, 600, 600)
    with pytest.raises(ValueError, match="no results for configuration 'nope'"):
        report.scatter_plot(records, "default", "nope", out)
    with pytest.raises(ValueError, match="have no instance in common"):
        report.scatter_plot(records, "default", "sudoku", out)
    with pytest.raises(ValueError, match="no results to plot"):
        report.cactus_plot([], out)


def test_plots_without_matplotlib_name_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    with pytest.raises(report.PlotUnavailableError, match=r"pip install 'fastback\[plot\]'"):
        report.cactus_plot(HAND, tmp_path / "c.png")
    assert not (tmp_path / "c.png").exists()
    assert main(["x.jsonl", "--cactus", str(tmp_path / "c.png")]).status == 1


def test_import_is_light():
    code = ("import sys, fastback.batch.report; "
            "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


class Run:
    def __init__(self, status: int, out: str, err: str) -> None:
        self.status, self.out, self.err = status, out, err


def main(argv: List[str]) -> Run:
    """``fastback batch report ARGV`` through the module's own parser."""
    parser = argparse.ArgumentParser(prog="fastback batch report")
    report.add_arguments(parser)
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        status = report.run(args)
    finally:
        sys.stdout, sys.stderr = saved
    return Run(status, out.getvalue(), err.getvalue())


def test_cli_reports_and_exits_3_on_a_wrong_answer(hand_file):
    r = main([str(hand_file), "--family"])
    assert r.status == report.WRONG
    assert r.out == report.render(report.summarise(report.load(hand_file)), "text", families=True)
    assert r.err == "fastback batch report: 1 WRONG ANSWER (listed in the report)\n"


def test_cli_json_and_exit_0(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [r for r in HAND if r["ok"] is not False])
    r = main([str(path), "--format", "json"])
    assert r.status == report.OK and r.err == ""
    assert json.loads(r.out)["tasks"] == len(HAND) - 1


def test_cli_several_files_and_notes(tmp_path):
    one = write_jsonl(tmp_path / "one.jsonl", HAND[:5])
    two = write_jsonl(tmp_path / "two.jsonl", HAND[4:], tail='{"id": "cut')
    r = main([str(one), str(two), "--format", "markdown"])
    assert r.status == report.WRONG
    assert r.out.startswith(f"{len(HAND)} tasks, 3 configurations\n")
    assert f"note: {two}:1: duplicate id default/e.cnf ignored (first read at {one}:5)" in r.err
    assert f"note: {two}:{len(HAND) - 3}: truncated last line ignored" in r.err


def test_cli_malformed_file(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(GOOD + "\nnot json\n")
    r = main([str(path)])
    assert r.status == report.ERROR and r.out == ""
    assert r.err == f"fastback batch report: {path}:2: not valid JSON: Expecting value (column 1)\n"
    r = main([str(tmp_path / "absent.jsonl")])
    assert r.status == report.ERROR
    assert r.err == f"fastback batch report: {tmp_path / 'absent.jsonl'}: No such file or directory\n"


def test_cli_usage_errors(hand_file, tmp_path):
    r = main([str(hand_file), "--scatter", "default", "priors"])
    assert (r.status, r.err) == (report.USAGE, "fastback batch report: --scatter A B needs --scatter-out PNG\n")
    r = main([str(hand_file), "--scatter-out", "x.png"])
    assert (r.status, r.err) == (report.USAGE, "fastback batch report: --scatter-out needs --scatter A B\n")
    need_matplotlib()
    r = main([str(hand_file), "--scatter", "default", "nope", "--scatter-out", str(tmp_path / "s.png")])
    assert r.status == report.USAGE and r.out == ""
    assert "no results for configuration 'nope' (configurations: default, priors, sudoku)" in r.err


def test_cli_writes_both_plots(hand_file, tmp_path):
    need_matplotlib()
    cactus, scatter = tmp_path / "c.png", tmp_path / "s.png"
    r = main([str(hand_file), "--cactus", str(cactus), "--scatter", "default", "priors",
              "--scatter-out", str(scatter)])
    assert r.status == report.WRONG
    assert_png(cactus, 700, 450)
    assert_png(scatter, 600, 600)


def test_cli_unwritable_plot(hand_file, tmp_path):
    need_matplotlib()
    r = main([str(hand_file), "--cactus", str(tmp_path / "no" / "such" / "dir" / "c.png")])
    assert r.status == report.ERROR
    assert "c.png: No such file or directory" in r.err


def test_through_the_fastback_command(tmp_path):
    """After the batch branch's ``fastback.batch.cli`` is merged, ``fastback
    batch report`` must reach this module (``SUBCOMMANDS["report"]``)."""
    try:
        from fastback.batch import cli as batch_cli
    except ImportError:
        pytest.skip("fastback.batch.cli (the batch runner's command line) is not in this tree yet")
    assert batch_cli.SUBCOMMANDS["report"] == (report.HELP, report.add_arguments, report.run)
    path = write_jsonl(tmp_path / "r.jsonl", [r for r in HAND if r["ok"] is not False])
    r = subprocess.run([sys.executable, "-m", "fastback", "batch", "report", str(path), "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["tasks"] == len(HAND) - 1
