"""Solver configurations of a batch: ``--config NAME[:FLAGS]``.

Why a name per configuration: comparing configurations (with and without
neural priors, several seeds, a tuned option) is what a batch is for, and
the name is what the results file, the report and the plots call each one;
the task id is ``"<name>/<instance>"``.

Syntax (one ``--config`` per configuration; none means one named
``default`` with the default settings)::

    NAME[:FLAGS]

    NAME    letters, digits and . _ + - ; unique within a batch
    FLAGS   flags of `fastback sat`, separated by spaces or commas:
              --seed=N             random seed (default 0)
              --neural[=MODEL]     neural phase priors: the shipped model or a .safetensors file
              --prior-threshold=P  prior confidence, in (0.5, 1] (default 0.9)
              --time=S             this configuration's time limit (overrides the batch's --time)
              --conflicts=N        this configuration's conflict limit (overrides --conflicts)
              --NAME=VALUE         any solver option (`fastback sat --help` lists them)
            a value may also follow its flag as the next word (--seed 2)

Examples: ``default``, ``neural:--neural``, ``seed2:--seed=2``,
``tuned:--seed=1,--restartint=50``, ``"strict:--neural --prior-threshold=0.95"``.

Nothing heavy is imported here: the ``fastback`` parser is built from it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

__all__ = ["SolverConfig", "ConfigError", "parse_config", "NAME_PATTERN"]

#: What a configuration name may hold (it becomes part of every task id).
NAME_PATTERN = re.compile(r"[A-Za-z0-9._+-]+")

_VALUE_FLAGS = ("seed", "prior-threshold", "time", "conflicts")


class ConfigError(ValueError):
    """A ``--config`` that does not parse; the message names the configuration."""


@dataclass(frozen=True)
class SolverConfig:
    """One named solver configuration (see the module doc). ``time`` and
    ``conflicts`` are ``None`` when the configuration does not set them (the
    batch's limits apply)."""

    name: str = "default"
    seed: int = 0
    neural: Union[bool, str] = False
    threshold: float = 0.9
    time: Optional[float] = None
    conflicts: Optional[int] = None
    options: Dict[str, int] = field(default_factory=dict)

    def spec(self) -> str:
        """The configuration written back in ``NAME:FLAGS`` form."""
        flags: List[str] = []
        if self.seed:
            flags.append(f"--seed={self.seed}")
        if self.neural:
            flags.append("--neural" if self.neural is True else f"--neural={self.neural}")
        if self.threshold != 0.9:
            flags.append(f"--prior-threshold={self.threshold:g}")
        if self.time is not None:
            flags.append(f"--time={self.time:g}")
        if self.conflicts is not None:
            flags.append(f"--conflicts={self.conflicts}")
        flags.extend(f"--{k}={v}" for k, v in self.options.items())
        return self.name + (":" + ",".join(flags) if flags else "")


def _solver_options() -> Dict[str, Tuple[int, int, int, str]]:
    from fastback import _core

    return {name: (default, lo, hi, desc) for name, default, lo, hi, desc in _core.solver_options()}


def _int(text: str, what: str, lo: int, hi: int) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise ValueError(f"{what} expects an int, got {text!r}") from None
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be in [{lo}, {hi}], got {value}")
    return value


def _float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} expects a number, got {text!r}") from None
    if not value >= 0:
        raise ValueError(f"{what} must be non-negative, got {text}")
    return value


def parse_config(text: str) -> SolverConfig:
    """The :class:`SolverConfig` written ``text`` (``NAME[:FLAGS]``, see the
    module doc). Errors: :class:`ConfigError` naming the configuration and
    the flag at fault (a bad name, an unknown flag or option, a bad value,
    a missing ``--neural`` model file). Cost: O(len(text))."""
    name, _, rest = text.partition(":")
    name = name.strip()
    if not name:
        raise ConfigError(f"config {text!r}: missing name (NAME[:FLAGS], e.g. seed2:--seed=2)")
    if not NAME_PATTERN.fullmatch(name):
        raise ConfigError(f"config {name!r}: a name holds only letters, digits and . _ + - "
                          f"(it becomes part of every task id)")
    words = [w for w in re.split(r"[\s,]+", rest.strip()) if w]
    if ":" in text and not words:
        raise ConfigError(f"config {name!r}: no flags after ':' (write just {name!r} for default settings)")
    options = _solver_options()
    values: Dict[str, object] = {}
    opts: Dict[str, int] = {}
    i = 0
    try:
        while i < len(words):
            word = words[i]
            i += 1
            if not word.startswith("--") or len(word) == 2:
                raise ValueError(f"{word!r} is not a flag (flags look like --seed=2)")
            flag, eq, value = word[2:].partition("=")
            if flag == "neural":
                if flag in values:
                    raise ValueError("--neural given twice")
                if eq and not value:
                    raise ValueError("--neural= needs a model file (or write --neural for the shipped model)")
                if eq and not os.path.isfile(value):
                    raise ValueError(f"--neural={value}: no such model file")
                values[flag] = os.path.abspath(value) if eq else True
                continue
            known = flag in _VALUE_FLAGS or (flag in options and flag != "seed")
            if not known:
                hint = ", ".join(f"--{f}" for f in ("seed", "neural", "prior-threshold", "time", "conflicts"))
                raise ValueError(f"unknown flag --{flag} (flags: {hint} and the solver options "
                                 f"of `fastback sat --help`)")
            if not eq:
                if i >= len(words) or words[i].startswith("--"):
                    raise ValueError(f"--{flag} needs a value (--{flag}=VALUE)")
                value = words[i]
                i += 1
            if flag in values or flag in opts:
                raise ValueError(f"--{flag} given twice")
            if flag == "seed":
                values[flag] = _int(value, "--seed", 0, 2**31 - 1)
            elif flag == "prior-threshold":
                p = _float(value, "--prior-threshold")
                if not 0.5 < p <= 1.0:
                    raise ValueError(f"--prior-threshold must be in (0.5, 1], got {value}")
                values[flag] = p
            elif flag == "time":
                values[flag] = _float(value, "--time")
            elif flag == "conflicts":
                values[flag] = _int(value, "--conflicts", 0, 2**63 - 1)
            else:
                lo, hi = options[flag][1:3]
                opts[flag] = _int(value, f"--{flag}", lo, hi)
    except ValueError as e:
        raise ConfigError(f"config {name!r}: {e}") from None
    if "prior-threshold" in values and "neural" not in values:
        raise ConfigError(f"config {name!r}: --prior-threshold without --neural has no effect")
    return SolverConfig(name=name, seed=int(values.get("seed", 0)),  # type: ignore[call-overload]
                        neural=values.get("neural", False),  # type: ignore[arg-type]
                        threshold=float(values.get("prior-threshold", 0.9)),  # type: ignore[arg-type]
                        time=values.get("time"),  # type: ignore[arg-type]
                        conflicts=values.get("conflicts"),  # type: ignore[arg-type]
                        options=opts)
