"""DIMACS input and output through Python: the bad-input table (read_dimacs
and the CLI), compressed round trips, stdin, and the CNF class.

Each bad input must fail with DimacsError whose message names the file and
the line, in the form ``file:line: message``.
"""

from __future__ import annotations

import gzip
import lzma
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from fastback import _core
from fastback.sat import CNF, DimacsError, read_dimacs, write_dimacs
from sat_helpers import php

# name, file content, line of the error (0: not tied to a line), words of the message
BAD_INPUTS = [
    ("no_header", b"1 2 0\n", 1, "header"),
    ("literal_not_int", b"p cnf 3 1\n1 a 0\n", 2, "clause literal 'a' is not an integer"),
    ("float_literal", b"p cnf 3 1\n1 2.5 0\n", 2, "'2.5'"),
    ("var_beyond_header", b"p cnf 2 1\n1 3 0\n", 2, "exceeds the header's variable count"),
    ("truncated_clause", b"p cnf 2 1\n1 2\n", 2, "truncated"),
    ("repeated_header", b"p cnf 2 1\np cnf 2 1\n1 0\n", 2, "repeated 'p cnf' header"),
    ("wcnf_header", b"p wcnf 2 1\n1 0\n", 1, "unsupported format 'wcnf'"),
    ("negative_var_count", b"p cnf -2 1\n1 0\n", 1, "negative"),
    ("text_after_header", b"p cnf 2 1 extra\n1 0\n", 1, "unexpected 'extra'"),
    ("missing_clause_count", b"p cnf 2\n1 0\n", 1, "missing the clause count"),
    ("literal_overflow", b"p cnf 2 1\n99999999999 0\n", 2, "overflows"),
    ("nul_byte", b"p cnf 2 1\n1 \x00 0\n", 2, "binary data"),
    ("error_on_later_line", b"c hi\np cnf 3 2\n1 2 0\n\n-3 x 0\n", 5, "'x'"),
    ("empty_input", b"", 0, "no 'p cnf' header"),
    ("only_comments", b"c nothing\nc here\n", 0, "no 'p cnf' header"),
    ("bzip2", b"BZh91AY&SY", 0, "bzip2"),
]


@pytest.mark.parametrize("name,content,line,words", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_read_dimacs(tmp_path, name, content, line, words):
    path = tmp_path / f"{name}.cnf"
    path.write_bytes(content)
    with pytest.raises(DimacsError) as info:
        read_dimacs(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.source == str(path)
    assert err.line == line
    assert words in str(err)
    prefix = f"{path}:{line}: " if line else f"{path}: "
    assert str(err).startswith(prefix), str(err)


@pytest.mark.parametrize("name,content,line,words", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_cli(tmp_path, name, content, line, words):
    path = tmp_path / f"{name}.cnf"
    path.write_bytes(content)
    r = subprocess.run([sys.executable, "-m", "fastback", "sat", str(path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "\ns " not in "\n" + r.stdout  # no s line on bad input
    where = f"{path}:{line}: " if line else f"{path}: "
    assert f"c error: {where}" in r.stderr
    assert words in r.stderr


def test_bad_input_compressed_keeps_line(tmp_path):
    path = tmp_path / "bad.cnf.gz"
    path.write_bytes(gzip.compress(b"p cnf 3 1\n\n1 q 0\n"))
    with pytest.raises(DimacsError, match=r"bad\.cnf\.gz:3: clause literal 'q'"):
        read_dimacs(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "cut.cnf.gz"
    path.write_bytes(gzip.compress(b"p cnf 1 1\n1 0\n" * 100)[:-12])
    with pytest.raises(DimacsError, match="gzip"):
        read_dimacs(path)


def test_bytes_and_string_sources():
    with pytest.raises(DimacsError) as info:
        CNF(from_string="p cnf 1 1\n1 z 0\n")
    assert info.value.source == "<string>" and info.value.line == 2
    with pytest.raises(DimacsError, match=r"^mine:2: "):
        _core.read_dimacs(data=b"p cnf 1 1\n1 z 0\n", name="mine")
    with pytest.raises(TypeError):
        _core.read_dimacs()


def test_dimacs_error_pickles():
    err = DimacsError("x.cnf", 17, "clause literal 'a' is not an integer")
    back = pickle.loads(pickle.dumps(err))
    assert (back.source, back.line, str(back)) == ("x.cnf", 17, str(err))
    assert str(err) == "x.cnf:17: clause literal 'a' is not an integer"


def test_missing_file_is_oserror(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        read_dimacs(tmp_path / "nope.cnf")
    assert "nope.cnf" in str(info.value)


# -- lenient inputs ----------------------------------------------------------------------


def test_lenient_inputs_warn():
    cnf = _core.read_dimacs(data=b"p cnf 3 5\nc mid\n1 -2\n 3 0 2 0\n%\n0\n")
    assert cnf.num_vars == 3 and cnf.num_clauses == 2
    assert cnf.clauses() == [[1, -2, 3], [2]]
    assert cnf.comments == ["mid"]
    lines = [line for line, _ in cnf.warnings]
    assert lines and all(isinstance(line, int) for line in lines)


# -- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".cnf", ".cnf.gz", ".cnf.xz"])
def test_round_trip(tmp_path, suffix):
    clauses = php(4, 3) + [[], [5, 5, -5]]
    cnf = CNF(from_clauses=clauses)
    cnf.comments = ["c made by a test", "c second"]
    path = tmp_path / f"f{suffix}"
    cnf.to_file(path)
    raw = path.read_bytes()
    if suffix.endswith(".gz"):
        assert raw[:2] == b"\x1f\x8b"
        raw = gzip.decompress(raw)
    elif suffix.endswith(".xz"):
        assert raw[:6] == b"\xfd7zXZ\x00"
        raw = lzma.decompress(raw)
    assert raw.startswith(b"c made by a test\nc second\np cnf 12 ")
    back = read_dimacs(path)
    assert back.nv == cnf.nv
    assert back.clauses == clauses
    assert back.comments == cnf.comments


def test_write_dimacs_list_and_native(tmp_path):
    path = tmp_path / "a.cnf"
    write_dimacs([[1, -2], [3]], path)
    assert path.read_text() == "p cnf 3 2\n1 -2 0\n3 0\n"
    native = read_dimacs(path)
    assert native.native is not None
    out = tmp_path / "b.cnf.gz"
    write_dimacs(native, out)
    assert read_dimacs(out).clauses == [[1, -2], [3]]
    with pytest.raises(ValueError):
        write_dimacs([[1, 0]], tmp_path / "c.cnf")


def test_stdin_dash(tmp_path):
    data = b"p cnf 2 2\n1 2 0\n-1 0\n"
    code = "from fastback.sat import read_dimacs; c = read_dimacs('-'); print(c.nv, c.clauses)"
    r = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().strip() == "2 [[1, 2], [-1]]"
    r = subprocess.run([sys.executable, "-c", code], input=gzip.compress(data),
                       capture_output=True, timeout=60)
    assert r.stdout.decode().strip() == "2 [[1, 2], [-1]]"
    bad = subprocess.run([sys.executable, "-c", code], input=b"p cnf 1 1\nx 0\n",
                         capture_output=True, timeout=60)
    assert b"<stdin>:2: clause literal 'x'" in bad.stderr


# -- the CNF class ---------------------------------------------------------------------------


def test_cnf_class_basics(tmp_path):
    cnf = CNF()
    assert (cnf.nv, cnf.clauses, cnf.comments, len(cnf)) == (0, [], [], 0)
    cnf.append([1, -3])
    cnf.extend([[2], [-4, 1]])
    assert cnf.nv == 4 and len(cnf) == 3
    assert list(cnf) == [[1, -3], [2], [-4, 1]]
    other = cnf.copy()
    other.append([9])
    assert len(cnf) == 3 and cnf.nv == 4 and other.nv == 9
    text = cnf.to_string()
    assert text == "p cnf 4 3\n1 -3 0\n2 0\n-4 1 0\n"
    assert CNF(from_string=text).clauses == cnf.clauses
    assert cnf.to_dimacs() == text
    path = tmp_path / "x.cnf"
    with open(path, "w") as fp:
        cnf.to_fp(fp)
    with open(path) as fp:
        assert CNF(from_fp=fp).clauses == cnf.clauses
    assert CNF(from_file=path).clauses == cnf.clauses


def test_cnf_native_until_clauses_read(tmp_path):
    path = tmp_path / "x.cnf"
    path.write_text("c hello\np cnf 5 2\n1 2 0\n-5 0\n")
    cnf = read_dimacs(path)
    assert cnf.native is not None and len(cnf) == 2 and cnf.nv == 5
    assert cnf.comments == ["c hello"]
    copy = cnf.copy()
    clauses = cnf.clauses  # converts once; from now on the list is the formula
    assert cnf.native is None and clauses == [[1, 2], [-5]]
    clauses.append([3])
    assert len(cnf) == 3
    assert len(copy) == 2 and copy.clauses == [[1, 2], [-5]]


def test_cnf_matches_pysat_reader(tmp_path):
    from pysat.formula import CNF as PysatCNF

    path = tmp_path / "x.cnf"
    path.write_text("c a comment\np cnf 6 3\n1 -2 0\n3 4 -6 0\n5 0\n")
    ours, theirs = CNF(from_file=path), PysatCNF(from_file=str(path))
    assert ours.nv == theirs.nv
    assert ours.clauses == theirs.clauses
    assert ours.comments == theirs.comments


def test_native_cnf_numpy_views():
    np = pytest.importorskip("numpy")
    cnf = _core.read_dimacs(data=b"p cnf 3 2\n1 -2 0\n3 0\n")
    lits = np.frombuffer(cnf.lits_bytes(), dtype=np.int32)
    offsets = np.frombuffer(cnf.offsets_bytes(), dtype=np.int64)
    assert lits.tolist() == [1, -2, 3] and offsets.tolist() == [0, 2, 3]
    assert cnf[1] == [3] and cnf[-1] == [3] and len(cnf) == 2
    with pytest.raises(IndexError):
        cnf[2]


def test_path_objects_accepted(tmp_path):
    path = Path(tmp_path) / "p.cnf"
    write_dimacs([[1]], path)
    assert read_dimacs(path).clauses == [[1]]
