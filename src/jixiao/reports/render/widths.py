"""Table column widths from the text of the cells, shared by the HTML/PDF and Word layouts."""

from __future__ import annotations

import re

from jixiao.reports.model import Table

#: A table spans about this many CJK characters at the table font size (156 mm, 10.5 pt).
TABLE_EMS = 40.0
_TOKEN = re.compile(r"[!-~]+")  # a run of printable ASCII: a number, a code, an id


def _ems(text: str) -> float:
    """Printed width in CJK character widths (Latin letters and digits are about half)."""
    return sum(0.55 if ord(c) < 0x2E80 else 1.0 for c in text)


def column_widths(table: Table) -> list[int]:
    """Column widths in % from the text lengths, for ``table-layout: fixed``.

    A fixed layout spares the browser (and WeasyPrint, where it is most of the time spent)
    from measuring every cell's content to size the columns. Every column is at least as
    wide as its longest number or code (“1.1.12”, “617,056.54”) and its short words
    (“万元”), which must not break.
    """
    weights, floors = [], []
    for i, header in enumerate(table.header):
        cells = [row[i].text for row in table.rows]
        lengths = [_ems(c) for c in cells] or [0.0]
        typical = max(_ems(header) / 2, min(max(lengths), 40), sum(lengths) / len(lengths))
        weights.append(max(typical, 2.0))
        tokens = [_ems(t) for c in cells for t in _TOKEN.findall(c) if len(t) <= 14]
        tokens += [_ems(c) for c in cells if _ems(c) <= 3]  # short words (万元, 良好) stay whole
        floors.append(min(40.0, (max(tokens, default=0.0) + 1.2) / TABLE_EMS * 100))
    total = sum(weights)
    widths = [max(f, w / total * 100) for w, f in zip(weights, floors, strict=True)]
    scale = 100 / sum(widths)
    return [max(4, round(w * scale)) for w in widths]
