"""The torch-geometric phase model against the native Rust forward pass.

Needs the ``gnn`` extra. ``make test`` installs it and sets
FASTBACK_REQUIRE_GNN=1, which turns a missing torch into a failure instead
of a skip, so CI cannot pass without running these.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

if os.environ.get("FASTBACK_REQUIRE_GNN"):
    import torch
    import torch_geometric  # noqa: F401
else:
    torch = pytest.importorskip("torch")
    pytest.importorskip("torch_geometric")

from fastback import _core
from fastback.neuro import model as M
from fastback.neuro.graph import build_graph
from fastback.neuro.priors import predict_phases

from neuro_reference import to_flat


def random_formula(rng, n, m, k=3):
    clauses = []
    for _ in range(m):
        size = int(rng.integers(0 if rng.random() < 0.02 else 1, k + 2))
        vs = rng.integers(1, n + 1, size=size)
        clauses.append([int(v) if rng.random() < 0.5 else -int(v) for v in vs])
    return n, clauses


def randomised_model(seed, **shape):
    """A model whose every parameter (norms and eps included) is random, so a
    mistake in any term shows in the output."""
    torch.manual_seed(seed)
    net = M.PhaseModel(**shape)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.3)
        for conv in net.gin:
            conv.eps.fill_(float(torch.rand(1)) * 0.5)
    return net.eval()


def torch_logits(net, n, clauses):
    g = build_graph(n, *to_flat(clauses))
    d = g.to_pyg()
    with torch.no_grad():
        return net(d.x, d.edge_index, d.edge_type, d.var_mask).numpy()


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shape", [dict(), dict(hidden=16, gin_layers=2, gat_layers=1, heads=2),
                                   dict(hidden=8, gin_layers=0, gat_layers=2, heads=1),
                                   dict(hidden=12, gin_layers=3, gat_layers=0, heads=3)])
def test_native_matches_torch(tmp_path, seed, shape):
    rng = np.random.default_rng(seed)
    n, clauses = random_formula(rng, int(rng.integers(1, 60)), int(rng.integers(0, 200)))
    net = randomised_model(seed, **shape)
    path = str(tmp_path / "m.safetensors")
    M.save(net, path, info={"test": seed})
    native = _core.PhaseModel(path)
    lits, offsets = to_flat(clauses)
    want = torch_logits(net, n, clauses)
    got = native.predict(n, lits, offsets, logits=True)
    assert got.shape == (n,)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    probs = native.predict(n, lits, offsets)
    np.testing.assert_allclose(probs, 1 / (1 + np.exp(-want.astype(np.float64))), atol=1e-4)


def test_public_api_backends_agree(tmp_path):
    """predict_phases natively (default) and through torch on the CPU."""
    net = randomised_model(5, hidden=16, gin_layers=2, gat_layers=1, heads=2)
    path = str(tmp_path / "m.safetensors")
    M.save(net, path)
    rng = np.random.default_rng(5)
    _, clauses = random_formula(rng, 40, 150)
    native = predict_phases(clauses, path)
    via_torch = predict_phases(clauses, path, device="cpu")
    assert native.shape == via_torch.shape == (max(abs(l) for c in clauses for l in c),)
    np.testing.assert_allclose(native, via_torch, atol=1e-4)


def test_save_load_round_trip(tmp_path):
    net = randomised_model(1, hidden=16, gin_layers=2, gat_layers=2, heads=4)
    path = str(tmp_path / "m.safetensors")
    M.save(net, path, info={"note": "x"})
    again = M.load(path).eval()
    n, clauses = random_formula(np.random.default_rng(3), 30, 90)
    np.testing.assert_array_equal(torch_logits(net, n, clauses), torch_logits(again, n, clauses))
    assert M.read_metadata(path)["gin_layers"] == "2"


def test_native_rejects_broken_files(tmp_path):
    from safetensors.torch import save_file

    net = randomised_model(2, hidden=8, gin_layers=1, gat_layers=1, heads=2)
    tensors = M.export_tensors(net)
    meta = net.config()
    missing = dict(tensors)
    del missing["gat.0.att"]
    save_file(missing, str(tmp_path / "missing.safetensors"), metadata=meta)
    with pytest.raises(ValueError, match="gat.0.att"):
        _core.PhaseModel(str(tmp_path / "missing.safetensors"))
    wrong = dict(tensors)
    wrong["input.weight"] = torch.zeros(3, 3)
    save_file(wrong, str(tmp_path / "shape.safetensors"), metadata=meta)
    with pytest.raises(ValueError, match="input.weight"):
        _core.PhaseModel(str(tmp_path / "shape.safetensors"))
    save_file(tensors, str(tmp_path / "meta.safetensors"), metadata={**meta, "format": "other"})
    with pytest.raises(ValueError, match="format"):
        _core.PhaseModel(str(tmp_path / "meta.safetensors"))
    (tmp_path / "junk.safetensors").write_bytes(b"not a model at all")
    with pytest.raises(ValueError, match="safetensors"):
        _core.PhaseModel(str(tmp_path / "junk.safetensors"))
    with pytest.raises(OSError):
        _core.PhaseModel(str(tmp_path / "absent.safetensors"))
