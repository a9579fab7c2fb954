"""Package names imported on first use (PEP 562 module `__getattr__`), so importing a
package — and `docgen --version` — loads nothing heavy."""
from __future__ import annotations

import importlib
import sys
from typing import Callable, Mapping


def lazy_names(package: str, table: Mapping[str, str]) -> tuple[Callable, Callable]:
    """`__getattr__` and `__dir__` for `package`: `table` maps a public name to the module
    that defines it; the value is kept in the package once imported."""

    def __getattr__(name: str):
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
