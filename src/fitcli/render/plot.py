"""plotext, imported without building its interactive documentation.

``import plotext`` (6.x) runs ``plotext/__init__.py``, which builds the whole help system
(``plotext._doc``: every section, every docstring) before anything can be drawn: about 80 ms
of the ~130 ms the import costs, paid by every `fit trend`. ``load()`` sets up the package
exactly as that ``__init__`` does but leaves ``plotext.doc`` to be built on first use. If
plotext is imported already, or its layout is not the one expected, it falls back to the
plain import, so a plotext upgrade can cost time, never correctness.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

# What plotext/__init__.py (6.x) exposes, module by module ("*" = its public names).
_EXPORTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("plotext._settings.system", ("platform", "__version__", "version")),
    ("plotext._primitives.pixel", ("pixel",)),
    ("plotext._primitives.colorize", ("colorize",)),
    ("plotext._primitives.matrix", ("matrix",)),
    ("plotext._primitives.marker", ("marker",)),
    ("plotext._primitives.box", ("line",)),
    ("plotext._kernel.api", ("*",)),
    ("plotext._methods.effects", ("effect",)),
    ("plotext._methods.file", ("file",)),
)


def _lazy_doc(name: str) -> Any:
    if name == "doc":
        from plotext._doc.doc import docs  # built only when someone asks for the docs

        setattr(sys.modules["plotext"], "doc", docs)  # noqa: B010 (a module, not typed)
        return docs
    raise AttributeError(f"module 'plotext' has no attribute {name!r}")


def _fast_import() -> types.ModuleType:
    spec = importlib.util.find_spec("plotext")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("plotext")
    package = types.ModuleType("plotext")
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__package__ = "plotext"
    sys.modules["plotext"] = package
    for module_name, names in _EXPORTS:
        module = importlib.import_module(module_name)
        if names == ("*",):
            names = tuple(getattr(module, "__all__", None)
                          or [n for n in vars(module) if not n.startswith("_")])
        for name in names:
            setattr(package, name, getattr(module, name))
    setattr(package, "__getattr__", _lazy_doc)  # noqa: B010 (PEP 562 module __getattr__)
    return package


def load() -> Any:
    """The plotext module (fast path on first import, the plain import otherwise)."""
    if "plotext" not in sys.modules:
        try:
            return _fast_import()
        except Exception:  # an unexpected plotext layout: forget the attempt, import normally
            for name in [n for n in sys.modules if n == "plotext" or n.startswith("plotext.")]:
                del sys.modules[name]
    import plotext

    return plotext
