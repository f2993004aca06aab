"""Classification code lists shipped as data files (``jixiao/data/codes/*.csv``).

- ``function``: 政府收支分类科目（支出功能分类）, 类 (3 digits) and 款 (5 digits), some 项 (7).
- ``economic``: 部门预算支出经济分类科目, 类 (301…399) and 款 (5 digits).
- ``income``, ``nature``, ``three_public``: named categories with an explicit parent.

Numeric codes get their parent from the code itself (206 → 20603 → 2060301); named
categories from the ``parent`` column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    parent: str  #: "" for a top-level code


@dataclass(frozen=True)
class CodeList:
    """One code list, in file order."""

    name: str
    codes: tuple[Code, ...]

    @cached_property
    def by_code(self) -> dict[str, Code]:
        # Cached on the instance: hashing a CodeList (all its codes) per lookup was the
        # importer's main cost on large workbooks.
        return {c.code: c for c in self.codes}

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def name_of(self, code: str) -> str:
        entry = self.by_code.get(code)
        return entry.name if entry else code

    def parent_of(self, code: str) -> str:
        entry = self.by_code.get(code)
        return entry.parent if entry else ""

    def children_of(self, code: str) -> list[str]:
        return [c.code for c in self.codes if c.parent == code]

    def root_of(self, code: str) -> str:
        while parent := self.parent_of(code):
            code = parent
        return code

    def depth(self, code: str) -> int:
        depth = 0
        while code := self.parent_of(code):
            depth += 1
        return depth


def _numeric_parent(code: str) -> str:
    """206 → "", 20603 → 206, 2060301 → 20603 (政府收支分类 coding rule 3/5/7)."""
    if len(code) <= 3:
        return ""
    return code[:-2]


@cache
def load_codes(name: str) -> CodeList:
    """Load ``jixiao/data/codes/<name>.csv`` (columns ``code,name[,parent]``)."""
    text = resources.files("jixiao.data").joinpath(f"codes/{name}.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    codes = []
    for row in rows:
        code = row["code"].strip()
        parent = (row.get("parent") or "").strip()
        if not parent and code.isdigit():
            parent = _numeric_parent(code)
        codes.append(Code(code=code, name=row["name"].strip(), parent=parent))
    return CodeList(name=name, codes=tuple(codes))


CODE_LISTS: tuple[str, ...] = ("function", "economic", "income", "nature", "three_public")
