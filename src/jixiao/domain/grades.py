"""The grade scale (评价等级): the four grades, how people write them, and grading by bands.

The national grades (财预〔2020〕10号) are 优, 良, 中, 差. Reports write them several
ways (优秀, 良好, 中等, 合格 …); :func:`canonical` reads any of them as the grade, and
:func:`same_grade` compares two spellings. The **bands** (the minimum score of each
grade) are not here: they are data in each framework's YAML (``grade_bands``), so a
province with other cut-offs changes a file, not code. :class:`GradeBand` is their
shape and :func:`grade_for` grades a total by them.

Result application maps a grade to next year's budget recommendation (优 → 优先保障 …);
that mapping is data too (``jixiao/data/monitoring/results.yaml``), keyed by the
canonical grade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

#: The national grades, lowest first.
GRADE_ORDER: tuple[str, ...] = ("差", "中", "良", "优")

#: Other spellings of the national grades, as reports and forms write them.
ALIASES: dict[str, str] = {
    "优秀": "优",
    "良好": "良",
    "中等": "中",
    "合格": "中",
    "较差": "差",
    "不合格": "差",
}


def canonical(text: str) -> str:
    """The grade ``text`` names (``优秀`` → ``优``); other text is returned stripped."""
    stripped = text.strip()
    for suffix in ("等级", "等次", "级"):
        if stripped.endswith(suffix) and len(stripped) > len(suffix):
            stripped = stripped.removesuffix(suffix)
            break
    return ALIASES.get(stripped, stripped)


def same_grade(a: str, b: str) -> bool:
    """Whether two spellings name the same grade (``优秀`` and ``优``: yes)."""
    return bool(a.strip()) and canonical(a) == canonical(b)


@dataclass(frozen=True)
class GradeBand:
    """A grade for totals in ``[minimum, maximum)``; ``maximum`` None means no cap."""

    grade: str  #: short form, e.g. 优
    label: str  #: as reports write it, e.g. 优秀
    minimum: Decimal
    maximum: Decimal | None = None

    def contains(self, value: Decimal) -> bool:
        return value >= self.minimum and (self.maximum is None or value < self.maximum)


def grade_for(bands: Iterable[GradeBand], total: Decimal) -> GradeBand | None:
    """The band ``total`` falls in, or ``None`` (no bands, or below the lowest)."""
    return next((b for b in bands if b.contains(total)), None)
