"""Presentation: the only package that imports rich or plotext, and only inside functions."""
