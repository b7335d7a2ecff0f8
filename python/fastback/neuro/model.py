"""The NeuroBack-style phase model in torch-geometric, and its safetensors format.

Needs the ``gnn`` extra (torch, torch-geometric, safetensors); nothing else in
fastback imports this module, so ``pip install fastback`` never pulls torch in.

Why this architecture: NeuroBack (Wang et al., ICLR 2024) predicts backbone
phases with local message passing (GIN) followed by attention (GATv2) over a
graph with one node per variable, per clause and per connected component
(the meta node, which gives every clause a two-hop path to the rest of its
component). Edge types carry the literal sign. Here both layer kinds are
relational through an embedding of the edge type: PyG's ``GINEConv`` adds the
embedding to each message, ``GATv2Conv`` adds it inside the attention score.
Each layer is residual and layer-normalised, so the depth (11 layers by
default) trains stably and the meta nodes' large sums stay in range.

The forward pass, layer by layer (``h`` has ``hidden`` columns):

* ``h = input(x)``                                     (Linear, 6 -> H)
* GINE layer: ``z = mlp2(relu(mlp1((1 + eps) h_i + sum_j relu(h_j + edge(t_ji)))))``,
  ``h = LayerNorm(h + relu(z))``
* GATv2 layer (``K`` heads of ``H / K`` channels, no self loops):
  ``s_ji = leaky_relu(src(h_j) + dst(h_i) + edge(t_ji), 0.2)``,
  ``alpha = softmax_j(<s_ji, att>)`` per head, ``out_i = sum_j alpha_ji src(h_j) + bias``,
  ``h = LayerNorm(h + relu(out))``
* head on variable nodes: ``logit = head1(relu(head0(h)))``; P(true) = sigmoid(logit)

The Rust forward pass (``rust/fastback-core/src/graph``) computes exactly this
from the exported file, and tests compare the two to 1e-4.

File format (``fastback-neuroback`` version 1): a safetensors file of float32
tensors named as in :func:`export_tensors`, with the shape parameters in its
string metadata. :func:`save` writes it, :func:`load` reads it back into a
:class:`PhaseModel`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

import warnings

import torch
from torch import Tensor, nn

with warnings.catch_warnings():
    # torch-geometric 2.8 scripts a few helpers with torch.jit at import time,
    # which torch 2.15 reports as deprecated; nothing a user can act on.
    warnings.simplefilter("ignore", FutureWarning)
    from torch_geometric.nn import GATv2Conv, GINEConv

FORMAT = "fastback-neuroback"
VERSION = "1"
NUM_FEATURES = 6
NUM_EDGE_TYPES = 3
NEGATIVE_SLOPE = 0.2
LN_EPS = 1e-5


class PhaseModel(nn.Module):
    """GINE + GATv2 over the NeuroBack graph; returns one logit per variable.

    ``hidden`` must be divisible by ``heads``. The defaults give about 100K
    parameters, the size NeuroBack reports.
    """

    def __init__(self, hidden: int = 64, gin_layers: int = 7, gat_layers: int = 4,
                 heads: int = 4, dropout: float = 0.0) -> None:
        super().__init__()
        if hidden <= 0 or heads <= 0 or hidden % heads:
            raise ValueError(f"hidden ({hidden}) must be a positive multiple of heads ({heads})")
        if gin_layers < 0 or gat_layers < 0:
            raise ValueError("layer counts must be non-negative")
        self.hidden, self.heads = hidden, heads
        self.num_gin, self.num_gat = gin_layers, gat_layers
        self.dropout = dropout
        self.input = nn.Linear(NUM_FEATURES, hidden)
        self.gin = nn.ModuleList()
        self.gin_norm = nn.ModuleList()
        for _ in range(gin_layers):
            mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
            self.gin.append(GINEConv(mlp, eps=0.0, train_eps=False, edge_dim=NUM_EDGE_TYPES))
            self.gin_norm.append(nn.LayerNorm(hidden, eps=LN_EPS))
        self.gat = nn.ModuleList()
        self.gat_norm = nn.ModuleList()
        for _ in range(gat_layers):
            self.gat.append(GATv2Conv(hidden, hidden // heads, heads=heads, edge_dim=NUM_EDGE_TYPES,
                                      add_self_loops=False, share_weights=False, concat=True,
                                      negative_slope=NEGATIVE_SLOPE))
            self.gat_norm.append(nn.LayerNorm(hidden, eps=LN_EPS))
        self.head0 = nn.Linear(hidden, hidden)
        self.head1 = nn.Linear(hidden, 1)

    def config(self) -> Dict[str, str]:
        """The metadata that describes this model's shape in the file format."""
        return {
            "format": FORMAT, "version": VERSION,
            "hidden": str(self.hidden), "features": str(NUM_FEATURES),
            "edge_types": str(NUM_EDGE_TYPES), "gin_layers": str(self.num_gin),
            "gat_layers": str(self.num_gat), "heads": str(self.heads),
            "negative_slope": str(NEGATIVE_SLOPE), "ln_eps": str(LN_EPS),
        }

    def forward(self, x: Tensor, edge_index: Tensor, edge_type: Tensor, var_mask: Tensor) -> Tensor:
        """Logits of the variable nodes selected by ``var_mask`` (bool, one per node)."""
        edge_attr = nn.functional.one_hot(edge_type, NUM_EDGE_TYPES).to(x.dtype)
        h = self.input(x)
        drop = nn.functional.dropout
        for conv, norm in zip(self.gin, self.gin_norm):
            z = conv(h, edge_index, edge_attr)
            h = norm(h + drop(torch.relu(z), self.dropout, self.training))
        for conv, norm in zip(self.gat, self.gat_norm):
            z = conv(h, edge_index, edge_attr)
            h = norm(h + drop(torch.relu(z), self.dropout, self.training))
        hv = h[var_mask]
        return self.head1(torch.relu(self.head0(hv))).squeeze(-1)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def export_tensors(model: PhaseModel) -> Dict[str, Tensor]:
    """The model's weights under the file format's names (float32, contiguous, CPU)."""
    t: Dict[str, Tensor] = {
        "input.weight": model.input.weight, "input.bias": model.input.bias,
        "head.0.weight": model.head0.weight, "head.0.bias": model.head0.bias,
        "head.1.weight": model.head1.weight, "head.1.bias": model.head1.bias,
    }
    for i, (conv, norm) in enumerate(zip(model.gin, model.gin_norm)):
        assert isinstance(conv, GINEConv) and conv.lin is not None
        mlp = conv.nn
        t[f"gin.{i}.edge.weight"] = conv.lin.weight
        t[f"gin.{i}.edge.bias"] = conv.lin.bias
        t[f"gin.{i}.eps"] = conv.eps.reshape(1)
        t[f"gin.{i}.mlp1.weight"], t[f"gin.{i}.mlp1.bias"] = mlp[0].weight, mlp[0].bias
        t[f"gin.{i}.mlp2.weight"], t[f"gin.{i}.mlp2.bias"] = mlp[2].weight, mlp[2].bias
        t[f"gin.{i}.norm.weight"], t[f"gin.{i}.norm.bias"] = norm.weight, norm.bias
    for i, (conv, norm) in enumerate(zip(model.gat, model.gat_norm)):
        assert isinstance(conv, GATv2Conv) and conv.lin_edge is not None
        t[f"gat.{i}.lin_src.weight"], t[f"gat.{i}.lin_src.bias"] = conv.lin_l.weight, conv.lin_l.bias
        t[f"gat.{i}.lin_dst.weight"], t[f"gat.{i}.lin_dst.bias"] = conv.lin_r.weight, conv.lin_r.bias
        t[f"gat.{i}.edge.weight"] = conv.lin_edge.weight
        t[f"gat.{i}.att"] = conv.att.reshape(model.heads, model.hidden // model.heads)
        t[f"gat.{i}.bias"] = conv.bias
        t[f"gat.{i}.norm.weight"], t[f"gat.{i}.norm.bias"] = norm.weight, norm.bias
    return {k: v.detach().to("cpu", torch.float32).contiguous().clone() for k, v in t.items()}


def save(model: PhaseModel, path: str, info: Optional[Mapping[str, Any]] = None) -> None:
    """Write ``model`` as a fastback-neuroback safetensors file.

    ``info`` (training figures, data description) is stored as JSON under the
    ``training`` metadata key; readers ignore it.
    """
    from safetensors.torch import save_file

    meta = model.config()
    if info:
        meta["training"] = json.dumps(dict(info), sort_keys=True)
    save_file(export_tensors(model), path, metadata=meta)


def read_metadata(path: str) -> Dict[str, str]:
    from safetensors import safe_open

    with safe_open(path, framework="pt") as f:
        return dict(f.metadata() or {})


def load(path: str, map_location: str = "cpu") -> PhaseModel:
    """Read a fastback-neuroback safetensors file into a :class:`PhaseModel`."""
    from safetensors.torch import load_file

    meta = read_metadata(path)
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(f"{path}: not a {FORMAT} v{VERSION} model "
                         f"(format={meta.get('format')!r}, version={meta.get('version')!r})")
    try:
        model = PhaseModel(hidden=int(meta["hidden"]), gin_layers=int(meta["gin_layers"]),
                           gat_layers=int(meta["gat_layers"]), heads=int(meta["heads"]))
    except KeyError as e:
        raise ValueError(f"{path}: metadata lacks {e.args[0]!r}") from None
    tensors = load_file(path, device="cpu")
    expected = export_tensors(model)
    with torch.no_grad():
        for name, ref in expected.items():
            if name not in tensors:
                raise ValueError(f"{path}: tensor {name!r} is missing")
            if tuple(tensors[name].shape) != tuple(ref.shape):
                raise ValueError(f"{path}: tensor {name!r} has shape {tuple(tensors[name].shape)}, "
                                 f"expected {tuple(ref.shape)}")
        _assign(model, tensors)
    return model.to(map_location)


def _assign(model: PhaseModel, t: Mapping[str, Tensor]) -> None:
    def put(param: Tensor, value: Tensor) -> None:
        param.copy_(value.reshape(param.shape))

    put(model.input.weight, t["input.weight"]); put(model.input.bias, t["input.bias"])
    put(model.head0.weight, t["head.0.weight"]); put(model.head0.bias, t["head.0.bias"])
    put(model.head1.weight, t["head.1.weight"]); put(model.head1.bias, t["head.1.bias"])
    for i, (conv, norm) in enumerate(zip(model.gin, model.gin_norm)):
        put(conv.lin.weight, t[f"gin.{i}.edge.weight"]); put(conv.lin.bias, t[f"gin.{i}.edge.bias"])
        put(conv.eps, t[f"gin.{i}.eps"])
        put(conv.nn[0].weight, t[f"gin.{i}.mlp1.weight"]); put(conv.nn[0].bias, t[f"gin.{i}.mlp1.bias"])
        put(conv.nn[2].weight, t[f"gin.{i}.mlp2.weight"]); put(conv.nn[2].bias, t[f"gin.{i}.mlp2.bias"])
        put(norm.weight, t[f"gin.{i}.norm.weight"]); put(norm.bias, t[f"gin.{i}.norm.bias"])
    for i, (conv, norm) in enumerate(zip(model.gat, model.gat_norm)):
        put(conv.lin_l.weight, t[f"gat.{i}.lin_src.weight"]); put(conv.lin_l.bias, t[f"gat.{i}.lin_src.bias"])
        put(conv.lin_r.weight, t[f"gat.{i}.lin_dst.weight"]); put(conv.lin_r.bias, t[f"gat.{i}.lin_dst.bias"])
        put(conv.lin_edge.weight, t[f"gat.{i}.edge.weight"])
        put(conv.att, t[f"gat.{i}.att"]); put(conv.bias, t[f"gat.{i}.bias"])
        put(norm.weight, t[f"gat.{i}.norm.weight"]); put(norm.bias, t[f"gat.{i}.norm.bias"])
