"""One module per command or resource: thin shells over store, model and render.

Modules whose signatures Typer reads (cli.py, commands/*.py except _common) do not use
``from __future__ import annotations``: Typer would have to eval every annotation string on
every start (about 3 ms for the core commands alone), which `fit ors` pays each time.
"""
