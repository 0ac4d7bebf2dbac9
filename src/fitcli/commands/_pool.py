"""Moved to fitcli.services.pool; this name stays until `fit export`'s work moves to
services/ as well (it imports it from here today)."""

from fitcli.services.pool import ignore_sigint, run, usable_cores

__all__ = ["ignore_sigint", "run", "usable_cores"]
