"""Names of a package imported from its submodules on first use (PEP 562).

Why: ``fastback`` commands build one parser for every engine, so every
package ``__init__`` is imported by every command; importing the submodules
eagerly cost ~100 ms per command. A package lists each public name with the
submodule that defines it and installs the two functions returned here.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List, Tuple


def lazy_names(package: str, table: Dict[str, str],
               namespace: Dict[str, Any]) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``table`` maps each public
    name to the submodule defining it; a name, once imported, is cached in the
    package's ``namespace`` (its ``globals()``). Unknown names raise
    ``AttributeError`` as usual."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
