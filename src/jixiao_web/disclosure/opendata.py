"""Open data: what is published, as CSV files and a Fiscal Data Package descriptor.

Three tables, one row per published fact, UTF-8 CSV (RFC 4180) with English column ids
and Chinese titles in the descriptor:

- ``budgets.csv`` — each published department's budget and final totals (万元) and its
  project execution rate, as the engine computed them;
- ``results.csv`` — score, grade and 执行率 per department and year;
- ``targets.csv`` — the 绩效目标表: every project indicator with its target and result.

``datapackage.json`` describes them as a Fiscal Data Package (profile
``fiscal-data-package``, fields carrying their ``columnType``), so a reader such as
``frictionless`` checks the files against it (``tests/web/test_public_opendata.py``).
Only :func:`.services.published` is read: nothing unpublished leaves the system.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from jixiao_web.disclosure.services import published

#: (column id, Chinese title, type, FDP columnType or "")
Column = tuple[str, str, str, str]

_KEYS: tuple[Column, ...] = (
    ("region_code", "行政区划代码", "string", "administrative-classification:generic:code"),
    ("region", "地区", "string", "administrative-classification:generic:label"),
    ("department_code", "部门编码", "string", "organization:generic:code"),
    ("department", "部门名称", "string", "organization:generic:label"),
    ("fiscal_year", "年度", "integer", "date:fiscal-year"),
)

TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "budgets": (
        "预算与决算",
        (
            *_KEYS,
            ("item_id", "数字编号", "string", "economic-classification:generic:code"),
            ("item", "项目", "string", "economic-classification:generic:label"),
            ("amount", "金额或比率", "number", "value"),
            ("unit", "单位", "string", ""),
        ),
    ),
    "results": (
        "绩效自评结果",
        (
            *_KEYS,
            ("total_score", "自评总分", "number", "value"),
            ("grade", "等级", "string", ""),
            ("execution_rate", "项目预算执行率（%）", "number", ""),
            ("published_at", "公开时间", "datetime", ""),
        ),
    ),
    "targets": (
        "绩效目标表",
        (
            *_KEYS,
            ("scope", "目标类别（部门整体/项目）", "string", ""),
            ("owner_code", "目标编号或项目编码", "string", "project:generic:code"),
            ("owner", "总目标或项目名称", "string", "project:generic:label"),
            ("level1", "一级指标", "string", ""),
            ("level2", "二级指标", "string", ""),
            ("indicator", "三级指标", "string", ""),
            ("sign", "计算符号", "string", ""),
            ("target", "指标值", "number", "value"),
            ("target_desc", "指标值说明", "string", ""),
            ("unit", "计量单位", "string", ""),
            ("actual", "完成值", "number", ""),
        ),
    ),
}

FILES: dict[str, str] = {f"{key}.csv": key for key in TABLES} | {"datapackage.json": ""}


def _keys(p: Any) -> list[Any]:
    return [p.region.code, p.region.name, p.department.code, p.department.name, p.year]


def _rows(table: str) -> Iterator[list[Any]]:
    for p in published().order_by("region__code", "department__code", "year"):
        if table == "budgets":
            for b in p.content.get("budget", []):
                yield [*_keys(p), b["id"], b["label"], b["value"], b["unit"]]
        elif table == "results":
            when = p.published_at.isoformat(timespec="seconds") if p.published_at else ""
            yield [*_keys(p), p.total, p.grade, p.execution_rate, when]
        else:
            for t in p.content.get("targets", []):
                yield [
                    *_keys(p),
                    t["scope"],
                    t["owner_code"],
                    t["owner"],
                    t["level1"],
                    t["level2"],
                    t["name"],
                    t["sign"],
                    t["target"],
                    t["target_desc"],
                    t["unit"],
                    t["actual"],
                ]


def csv_text(table: str) -> str:
    """One table as CSV text (header of column ids, then the rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c[0] for c in TABLES[table][1]])
    writer.writerows(_rows(table))
    return out.getvalue()


def _field(column: Column) -> dict[str, Any]:
    name, title, kind, column_type = column
    field: dict[str, Any] = {"name": name, "title": title, "type": kind}
    if column_type:
        field["columnType"] = column_type
    if kind == "number":
        field["decimalChar"] = "."
    return field


def descriptor(base: str = "") -> dict[str, Any]:
    """The Fiscal Data Package descriptor of the CSV files (paths relative to it)."""
    del base  # paths stay relative: the descriptor and its files are served side by side
    return {
        "profile": "data-package",
        "name": "jixiao-public-performance",
        "title": "预算绩效信息公开数据",
        "description": "各部门已公开的预算与决算合计、绩效自评结果和绩效目标表；金额单位为万元。",
        "fiscalPeriod": {"start": "2000-01-01"},
        "countryCode": "CN",
        "currency": "CNY",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "keywords": ["fiscal-data-package", "预算绩效", "信息公开"],
        "resources": [
            {
                "name": key,
                "title": title,
                "path": f"{key}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": [_field(c) for c in columns]},
            }
            for key, (title, columns) in TABLES.items()
        ],
    }


def render(name: str, base: str = "") -> tuple[bytes, str]:
    """The bytes and media type of one open-data file (``name`` from :data:`FILES`)."""
    if name == "datapackage.json":
        text = json.dumps(descriptor(base), ensure_ascii=False, indent=2)
        return text.encode("utf-8"), "application/json"
    return csv_text(FILES[name]).encode("utf-8"), "text/csv; charset=utf-8"


def write_all(folder: Any, names: Iterable[str] = FILES) -> None:
    """Write the files into ``folder`` (a :class:`pathlib.Path`), e.g. for validation."""
    for name in names:
        data, _ = render(name)
        (folder / name).write_bytes(data)


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """A Content-Disposition with the Chinese file name (RFC 5987), ASCII fallback."""
    kind = "attachment" if attachment else "inline"
    fallback = "file" + (filename[filename.rfind(".") :] if "." in filename else "")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
