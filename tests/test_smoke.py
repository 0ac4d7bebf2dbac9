"""End-to-end smoke: the main path a practitioner takes works."""

from __future__ import annotations

from conftest import Fit, as_json, ok


def test_add_log_show(fit: Fit) -> None:
    ok(fit("client", "add", "C001", "--start", "2026-06-01"))
    ok(fit("ors", "C001", "4.5", "6", "5,5", "7", "--date", "2026-06-01"))
    ok(fit("srs", "C001", "9", "9", "9", "9", "--date", "2026-06-01"))
    shown = as_json(fit("client", "show", "C001", "--json"))
    assert shown["sessions"][0]["ors"] == {"items": [4.5, 6.0, 5.5, 7.0], "total": 23.0,
                                           "rater": "self"}
    assert shown["sessions"][0]["srs"]["total"] == 36.0
