"""Phase priors: P(variable true) per variable, from a trained phase model.

Inference runs natively in Rust by default (no torch; the GIL is released),
from a fastback-neuroback safetensors file: the small pretrained model that
ships with fastback, or one a user trained with ``fastback neuro train``.
With the ``gnn`` extra installed, ``device="cuda"`` (or ``"cpu"``) runs the
same model through torch-geometric instead; the two agree to 1e-4 (tested).

Typical use::

    from fastback.neuro import predict_phases
    from fastback.sat import Solver, read_dimacs

    cnf = read_dimacs("f.cnf")
    priors = predict_phases(cnf)                 # numpy float32, index v - 1
    s = Solver(phase_priors=priors)              # confident ones set the phases
    s.append_cnf(cnf); s.solve()

A prior is advice, never a constraint: it changes where the search starts and
what the "original" rephase returns to, not which answers are correct.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any, Dict, Optional

import numpy as np

from fastback import _core
from fastback.neuro.graph import build_graph, flatten

#: The pretrained model shipped inside the package (see ``models/README.md``).
DEFAULT_MODEL = os.path.join(os.path.dirname(__file__), "models", "default.safetensors")


def default_model_path() -> str:
    """Path of the pretrained model that ships with fastback."""
    return DEFAULT_MODEL


@lru_cache(maxsize=8)
def _load_native(path: str, mtime: float) -> "_core.PhaseModel":
    return _core.PhaseModel(path)


def load_model(path: Optional[str] = None) -> "_core.PhaseModel":
    """The native (Rust) model in ``path`` (default: the shipped one).

    Raises ``ValueError`` naming the tensor or metadata key when the file is
    not a fastback-neuroback model, ``OSError`` when it cannot be read.
    """
    path = os.fspath(path or DEFAULT_MODEL)
    return _load_native(path, os.stat(path).st_mtime)


def predict_phases(formula: Any, model: Optional[str] = None, *, device: Optional[str] = None) -> np.ndarray:
    """P(true) for each variable of ``formula`` (a parsed ``Cnf``, a
    :class:`fastback.sat.CNF` or a list of clauses), indexed by variable - 1.

    ``model`` is a safetensors path (default: the shipped model). ``device``
    None runs natively in Rust; a torch device name runs through torch
    (needs the ``gnn`` extra). Cost: linear in the formula size times the
    model's layers (``benches/neuro.py`` has figures).
    """
    num_vars, lits, offsets = flatten(formula)
    if device is None:
        return load_model(model).predict(num_vars, lits, offsets)
    return _predict_torch(num_vars, lits, offsets, model or DEFAULT_MODEL, device)


def _predict_torch(num_vars: int, lits: np.ndarray, offsets: np.ndarray, path: str, device: str) -> np.ndarray:
    import torch

    from fastback.neuro import model as M

    net = M.load(path, map_location=device).eval()
    d = build_graph(num_vars, lits, offsets).to_pyg().to(device)
    with torch.no_grad():
        logits = net(d.x, d.edge_index, d.edge_type, d.var_mask)
    return torch.sigmoid(logits).float().cpu().numpy()


def model_info(path: Optional[str] = None) -> Dict[str, str]:
    """The string metadata of a model file: its shape parameters and, under
    ``training``, the JSON report of the run that trained it. Reads only the
    safetensors header (8-byte little-endian length, then JSON)."""
    path = os.fspath(path or DEFAULT_MODEL)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        size = int.from_bytes(head, "little")
        if size > 100_000_000:
            raise ValueError(f"{path}: not a safetensors file (header length {size})")
        try:
            header = json.loads(f.read(size))
        except ValueError as e:
            raise ValueError(f"{path}: not a safetensors file ({e})") from None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    return dict(meta) if isinstance(meta, dict) else {}
