"""Training the phase model: ``fastback neuro train DATA... --out model.safetensors``.

Needs the ``gnn`` extra. The data comes from ``fastback neuro make-data``
(labels: backbone phases, and the majority phase over sampled models for
variables outside the backbone; see :mod:`fastback.neuro.data`).

What is learned, and how it is judged:

* The target is P(variable true in the formula's solutions). Backbone
  variables carry weight 1; a variable outside the backbone carries its
  sampled majority phase with weight ``majority_weight * |2 f - 1|`` (``f``
  the fraction of sampled models where it is true), so a variable that is
  true in half the samples teaches nothing. NeuroBack trains on backbone
  variables only; the extra signal matters on families whose backbone is
  small, and ``--majority-weight 0`` turns it off.
* The loss is binary cross-entropy, class-balanced: each class's weight is
  inversely proportional to its total weight in the training split, so a
  model cannot win by predicting the more common phase.
* Formulas are split into training and held-out sets per family (by a seeded
  shuffle), so no held-out formula is seen in training. On the held-out set
  the report gives accuracy and F1 (of the phase "true") on backbone
  variables, and on all labelled variables, beside the trivial baselines:
  all true, all false, the per-family majority phase of the training split,
  and the polarity rule (the phase a variable occurs with more often), which
  is what a model must beat to be worth its inference time.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from fastback.neuro.graph import build_graph


@dataclass
class Metrics:
    accuracy: float
    f1: float
    count: int

    def row(self) -> str:
        return f"{self.accuracy:8.4f} {self.f1:8.4f} {self.count:9d}"


def phase_metrics(pred: np.ndarray, truth: np.ndarray) -> Metrics:
    """Accuracy and F1 of the class "true" (1) for boolean arrays."""
    pred = pred.astype(bool)
    truth = truth.astype(bool)
    n = int(truth.size)
    if n == 0:
        return Metrics(float("nan"), float("nan"), 0)
    tp = int(np.sum(pred & truth))
    fp = int(np.sum(pred & ~truth))
    fn = int(np.sum(~pred & truth))
    acc = float(np.mean(pred == truth))
    f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0
    return Metrics(acc, f1, n)


def _labels(ex: Any, majority_weight: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(target in {0,1}, loss weight, is_backbone) per variable of one example."""
    frac = np.asarray(ex.true_fraction, dtype=np.float32)
    backbone = np.asarray(ex.is_backbone, dtype=bool)
    phase = np.asarray(ex.phase, dtype=np.int8)
    target = np.where(backbone, phase > 0, frac >= 0.5).astype(np.float32)
    weight = np.where(backbone, 1.0, majority_weight * np.abs(2.0 * frac - 1.0)).astype(np.float32)
    # A variable never labelled (phase 0 and no samples) teaches nothing.
    weight[(~backbone) & np.isnan(frac)] = 0.0
    target[np.isnan(target)] = 0.0
    return target, np.nan_to_num(weight), backbone


def to_data(ex: Any, majority_weight: float) -> Any:
    """One training example as a ``torch_geometric.data.Data``."""
    import warnings

    import torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit use inside torch-geometric
        from torch_geometric.data import Data

    g = build_graph(ex.num_vars, ex.lits, ex.offsets)
    target, weight, backbone = _labels(ex, majority_weight)
    var_mask = np.zeros(g.num_nodes, dtype=bool)
    var_mask[: g.num_vars] = True
    return Data(x=torch.from_numpy(g.x), edge_index=torch.from_numpy(g.edge_index),
                edge_type=torch.from_numpy(g.edge_type), var_mask=torch.from_numpy(var_mask),
                y=torch.from_numpy(target), w=torch.from_numpy(weight),
                backbone=torch.from_numpy(backbone),
                polarity=torch.from_numpy(g.x[: g.num_vars, 4].copy()),
                num_nodes=g.num_nodes)


def split(examples: Sequence[Any], holdout: float, seed: int) -> Tuple[List[Any], List[Any]]:
    """Per-family seeded split: ``holdout`` of each family's formulas are held out."""
    by_family: Dict[str, List[Any]] = {}
    for ex in examples:
        by_family.setdefault(ex.family, []).append(ex)
    rng = random.Random(seed)
    train, test = [], []
    for fam in sorted(by_family):
        items = by_family[fam]
        rng.shuffle(items)
        k = max(1, round(len(items) * holdout)) if len(items) > 1 else 0
        test += items[:k]
        train += items[k:]
    return train, test


def _baselines(train: Sequence[Any], test: Sequence[Any], test_data: Sequence[Any],
               majority_weight: float, backbone_only: bool) -> Dict[str, Metrics]:
    """The trivial predictors on the held-out split; ``test_data`` are the
    :func:`to_data` graphs of ``test`` (for the polarity feature)."""
    fam_votes: Dict[str, float] = {}
    for ex in train:
        t, w, bb = _labels(ex, majority_weight)
        keep = bb if backbone_only else w > 0
        fam_votes[ex.family] = fam_votes.get(ex.family, 0.0) + float(np.sum(2 * t[keep] - 1))
    preds: Dict[str, List[np.ndarray]] = {"all true": [], "all false": [],
                                          "family majority": [], "polarity": []}
    truth: List[np.ndarray] = []
    for ex, d in zip(test, test_data):
        t, w, bb = _labels(ex, majority_weight)
        keep = bb if backbone_only else w > 0
        truth.append(t[keep] > 0.5)
        n = int(np.sum(keep))
        preds["all true"].append(np.ones(n, bool))
        preds["all false"].append(np.zeros(n, bool))
        preds["family majority"].append(np.full(n, fam_votes.get(ex.family, 0.0) > 0))
        preds["polarity"].append(d.polarity.numpy()[keep] > 0)
    cat = np.concatenate
    y = cat(truth) if truth else np.zeros(0, bool)
    return {k: phase_metrics(cat(v) if v else np.zeros(0, bool), y) for k, v in preds.items()}


def evaluate(model: Any, loader: Any, device: Any) -> Dict[str, Metrics]:
    """Model metrics on backbone variables and on all labelled variables."""
    import torch

    model.eval()
    pb, tb, pa, ta = [], [], [], []
    with torch.no_grad():
        for batch in loader:
            batch = batch.to(device)
            logits = model(batch.x, batch.edge_index, batch.edge_type, batch.var_mask)
            pred = (logits > 0).cpu().numpy()
            y = (batch.y > 0.5).cpu().numpy()
            bb = batch.backbone.cpu().numpy()
            w = batch.w.cpu().numpy()
            pb.append(pred[bb]); tb.append(y[bb])
            pa.append(pred[w > 0]); ta.append(y[w > 0])
    cat = np.concatenate
    return {"backbone": phase_metrics(cat(pb), cat(tb)), "labelled": phase_metrics(cat(pa), cat(ta))}


def train(examples: Sequence[Any], *, out: Optional[str], hidden: int = 64, gin_layers: int = 7,
          gat_layers: int = 4, heads: int = 4, epochs: int = 30, lr: float = 2e-3,
          batch_size: int = 8, holdout: float = 0.2, majority_weight: float = 0.5,
          seed: int = 0, device: Optional[str] = None, max_minutes: Optional[float] = None,
          log=print) -> Dict[str, Any]:
    """Train, report held-out metrics beside the baselines, export to ``out``.

    Returns the report as a dictionary (also stored in the model file's
    ``training`` metadata).
    """
    import warnings

    import torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit use inside torch-geometric
        from torch_geometric.loader import DataLoader

    from fastback.neuro import model as M

    torch.manual_seed(seed)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    train_ex, test_ex = split(examples, holdout, seed)
    if not train_ex or not test_ex:
        raise ValueError(f"need formulas for both splits (got {len(train_ex)} train, {len(test_ex)} held out)")
    t0 = time.perf_counter()
    train_data = [to_data(ex, majority_weight) for ex in train_ex]
    test_data = [to_data(ex, majority_weight) for ex in test_ex]
    log(f"graphs: {len(train_data)} train, {len(test_data)} held out, "
        f"built in {time.perf_counter() - t0:.1f} s; device {dev}")

    # Class balance over the whole training split's weights.
    pos = sum(float((d.w * d.y).sum()) for d in train_data)
    neg = sum(float((d.w * (1 - d.y)).sum()) for d in train_data)
    if pos <= 0 or neg <= 0:
        raise ValueError("training labels hold only one phase; cannot balance classes")
    w_pos, w_neg = (pos + neg) / (2 * pos), (pos + neg) / (2 * neg)

    net = M.PhaseModel(hidden=hidden, gin_layers=gin_layers, gat_layers=gat_layers, heads=heads).to(dev)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, epochs))
    gen = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=True, generator=gen)
    test_loader = DataLoader(test_data, batch_size=batch_size)
    deadline = time.perf_counter() + max_minutes * 60 if max_minutes else math.inf
    done_epochs = 0
    for epoch in range(epochs):
        net.train()
        total, norm = 0.0, 0.0
        for batch in train_loader:
            batch = batch.to(dev)
            logits = net(batch.x, batch.edge_index, batch.edge_type, batch.var_mask)
            cls = torch.where(batch.y > 0.5, w_pos, w_neg)
            wt = batch.w * cls
            loss_each = torch.nn.functional.binary_cross_entropy_with_logits(logits, batch.y, reduction="none")
            loss = (loss_each * wt).sum() / wt.sum().clamp_min(1e-9)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            wsum = float(wt.sum())
            total += loss.item() * wsum
            norm += wsum
        sched.step()
        done_epochs = epoch + 1
        m = evaluate(net, test_loader, dev)
        log(f"epoch {done_epochs:3d}  loss {total / max(norm, 1e-9):.4f}  held-out backbone acc "
            f"{m['backbone'].accuracy:.4f} F1 {m['backbone'].f1:.4f}  labelled acc {m['labelled'].accuracy:.4f}"
            f"  ({time.perf_counter() - t0:.0f} s)")
        if time.perf_counter() > deadline:
            log(f"stopping after {done_epochs} epochs: --max-minutes reached")
            break

    final = evaluate(net, test_loader, dev)
    report: Dict[str, Any] = {
        "train_formulas": len(train_ex), "heldout_formulas": len(test_ex),
        "families": sorted({ex.family for ex in examples}), "epochs": done_epochs,
        "parameters": M.count_parameters(net), "majority_weight": majority_weight,
        "seconds": round(time.perf_counter() - t0, 1), "device": str(dev),
        "metrics": {},
    }
    for scope in ("backbone", "labelled"):
        rows = {"model": final[scope]}
        rows.update(_baselines(train_ex, test_ex, test_data, majority_weight,
                               backbone_only=(scope == "backbone")))
        report["metrics"][scope] = {k: {"accuracy": round(v.accuracy, 4), "f1": round(v.f1, 4),
                                        "count": v.count} for k, v in rows.items()}
        log(f"\nheld-out {scope} variables:\n{'':18s} {'accuracy':>8s} {'F1':>8s} {'variables':>9s}")
        for k, v in rows.items():
            log(f"{k:18s} {v.row()}")
    per_family: Dict[str, Dict[str, float]] = {}
    for fam in report["families"]:
        fam_test = [d for d, ex in zip(test_data, test_ex) if ex.family == fam]
        if fam_test:
            mm = evaluate(net, DataLoader(fam_test, batch_size=batch_size), dev)["backbone"]
            per_family[fam] = {"accuracy": round(mm.accuracy, 4), "f1": round(mm.f1, 4), "count": mm.count}
    report["per_family_backbone"] = per_family
    if out:
        M.save(net.cpu(), out, info=report)
        log(f"\nwrote {out} ({report['parameters']} parameters)")
    return report


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", nargs="+", help="dataset files or directories from `fastback neuro make-data`")
    p.add_argument("--out", "-o", required=True, help="where to write the model (.safetensors)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--gin-layers", type=int, default=7)
    p.add_argument("--gat-layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--holdout", type=float, default=0.2, help="fraction of each family held out")
    p.add_argument("--majority-weight", type=float, default=0.5,
                   help="weight of sampled-majority labels outside the backbone (0: backbone only)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="torch device (default: cuda when present, else cpu)")
    p.add_argument("--max-minutes", type=float, default=None, help="stop after the epoch that passes this")


def run(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
        import torch_geometric  # noqa: F401
    except ImportError:
        print("fastback neuro train needs the gnn extra: pip install 'fastback[gnn]'", file=sys.stderr)
        return 1
    from fastback.neuro.data import load_dataset

    examples: List[Any] = []
    for path in args.data:
        examples += load_dataset(path)
    if not examples:
        print("no formulas in the given data", file=sys.stderr)
        return 1
    log = lambda s: print(s, flush=True)  # noqa: E731
    train(examples, out=args.out, hidden=args.hidden, gin_layers=args.gin_layers,
          gat_layers=args.gat_layers, heads=args.heads, epochs=args.epochs, lr=args.lr,
          batch_size=args.batch_size, holdout=args.holdout, majority_weight=args.majority_weight,
          seed=args.seed, device=args.device, max_minutes=args.max_minutes, log=log)
    return 0
