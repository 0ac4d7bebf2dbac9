"""`fit import --columns` and the mapping preview of `fit import --map ... --dry-run`."""

from __future__ import annotations

from fitcli.formats import reading
from fitcli.formats.table import Record
from fitcli.i18n import t


def listing() -> str:
    """Every field with the column names that mean it, headed in the user's language."""
    lines = [t("formats.columns.intro")]
    fields = list(reading.FIELD_ALIASES)
    heads = {f: t(f"formats.column.{f}") for f in fields}
    width = max(len(f"{h} ({f})") for f, h in heads.items())
    for fld in fields:
        names = dict.fromkeys([fld, *reading.FIELD_ALIASES[fld]])  # in order, once each
        head = heads[fld] if heads[fld] == fld else f"{heads[fld]} ({fld})"
        lines.append(f"  {head:<{width}}  {', '.join(names)}")
    lines.append(t("formats.columns.note"))
    return "\n".join(lines)


def mapping_preview(path: str, columns: dict[str, str], first: list[Record]) -> str:
    """Which column feeds which field, and the first rows read that way."""
    lines = [t("formats.mapping.title", path=path)]
    width = max(len(f) for f in columns)
    for fld, column in columns.items():
        lines.append(f"  {fld:<{width}} <- {column}")
    if first:
        lines.append(t("formats.mapping.rows"))
        fields = list(columns)
        for line, cells in first:
            pairs = ", ".join(f"{f}={c}" for f, c in zip(fields, cells, strict=False) if c)
            lines.append(f"  {t('formats.mapping.row', line=line)}: {pairs}")
    return "\n".join(lines)
