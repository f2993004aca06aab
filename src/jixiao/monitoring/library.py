"""The core indicator library (核心绩效指标库): definitions and per-year history.

An :class:`IndicatorDef` says what an indicator is (code, name, 一级/二级 category,
unit, direction, 取值依据, the library's expected value); a :class:`HistoryRecord` is
one year's target and actual of one indicator for one owner (the department, a budget
unit or a project); an :class:`Allocation` is one owner's budget in one year, used to
tell whether a target moved with the money.

Rows are declared with the dataset's :func:`~jixiao.dataset.schema.col` metadata and
parsed by the dataset's own :func:`~jixiao.dataset.build.parse_cell`, so the library's
YAML, CSV and Excel forms accept exactly the spellings the dataset accepts (``>=``,
``12,000``, full-width digits) and report problems the same way (``file:line``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from importlib import resources
from typing import Any

import yaml

from jixiao.dataset.build import DatasetError, InputError, RawCell, parse_cell
from jixiao.dataset.model import SIGNS
from jixiao.dataset.schema import ColType, col, columns_of, loc_field

T = ColType

LEVEL1: tuple[str, ...] = ("产出指标", "效益指标", "满意度指标")
#: 取值依据 as 财预〔2021〕101号 lists them.
BASES: tuple[str, ...] = ("计划标准", "行业标准", "历史标准", "其他标准")
LIBRARY_FORMAT = "jixiao-indicator-library/1"


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator of the library."""

    code: str = col("指标编码", T.TEXT, required=True)
    name: str = col("三级指标", T.TEXT, required=True)
    level1: str = col("一级指标", T.CHOICE, required=True, choices=LEVEL1)
    level2: str = col("二级指标", T.TEXT, required=True)
    unit: str = col("计量单位", T.TEXT)
    sign: str = col("计算符号", T.CHOICE, required=True, choices=SIGNS)
    applies_to: str = col("适用范围", T.TEXT, help="适用的项目类型或职能，以“、”分隔；空白为通用")
    definition: str = col("指标解释", T.LONGTEXT)
    basis: str = col("取值依据", T.CHOICE, choices=BASES)
    expected: Decimal | None = col(  # noqa: RUF009  (declared like the dataset columns)
        "预期值", T.NUMBER, signed=True, help="指标库给出的预期（参考）值"
    )
    aliases: str = col("别名", T.TEXT, help="同一指标的其他写法，以“、”分隔")
    source: str = col("出处", T.TEXT)
    loc: str = loc_field()

    @property
    def quantitative(self) -> bool:
        return self.sign != "定性"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *(a.strip() for a in self.aliases.split("、") if a.strip()))


@dataclass(frozen=True)
class HistoryRecord:
    """One year of one indicator for one owner (部门名称, 单位编码 or 项目编码)."""

    code: str = col("指标编码", T.TEXT, help="空白时按指标名称在指标库中查找")
    name: str = col("三级指标", T.TEXT)
    year: int | None = col("年度", T.INT, required=True)
    owner: str = col("主体", T.TEXT, required=True, help="部门名称、单位编码或项目编码")
    target: Decimal | None = col("指标值", T.NUMBER, signed=True)  # noqa: RUF009
    actual: Decimal | None = col("完成值", T.NUMBER, signed=True)  # noqa: RUF009
    source: str = col("出处", T.TEXT, help="数据来源（文件、页码或原文）")
    loc: str = loc_field()


@dataclass(frozen=True)
class Allocation:
    """One owner's budget (预算数, 万元) in one year."""

    year: int | None = col("年度", T.INT, required=True)
    owner: str = col("主体", T.TEXT, required=True, help="部门名称、单位编码或项目编码")
    budget: Decimal | None = col("预算数", T.MONEY, required=True)  # noqa: RUF009
    source: str = col("出处", T.TEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class IndicatorLibrary:
    """Definitions plus history; ``by_code`` / ``code_for_name`` resolve indicators."""

    indicators: tuple[IndicatorDef, ...] = ()
    history: tuple[HistoryRecord, ...] = ()
    allocations: tuple[Allocation, ...] = ()

    @cached_property
    def by_code(self) -> dict[str, IndicatorDef]:
        return {d.code: d for d in self.indicators}

    @cached_property
    def _by_name(self) -> dict[str, str]:
        return {name: d.code for d in self.indicators for name in d.names}

    def code_for_name(self, name: str) -> str:
        """The library code of an indicator named ``name`` (or an alias), else ``""``."""
        return self._by_name.get(name.strip(), "")

    def with_history(
        self, history: Iterable[HistoryRecord], allocations: Iterable[Allocation] = ()
    ) -> IndicatorLibrary:
        return IndicatorLibrary(
            self.indicators, (*self.history, *history), (*self.allocations, *allocations)
        )


# --------------------------------------------------------------------------- parsing

#: Which row type each part of a library file holds.
PARTS: dict[str, tuple[str, type]] = {
    "indicators": ("指标库", IndicatorDef),
    "history": ("历史值", HistoryRecord),
    "allocations": ("预算数", Allocation),
}


def rows_from_cells(
    row_type: type, rows: Iterable[tuple[str, Mapping[str, RawCell]]], errors: list[InputError]
) -> list[Any]:
    """Parse ``(row location, {column key: cell})`` rows into ``row_type``; errors collected."""
    columns = columns_of(row_type)
    known = {c.key for c in columns}
    result = []
    for loc, cells in rows:
        kwargs: dict[str, Any] = {"loc": loc}
        for key, cell in cells.items():
            if key not in known:
                errors.append(InputError(cell.loc, f"没有“{key}”这一列"))
        for column in columns:
            value, err = parse_cell(cells.get(column.key, RawCell(None, loc)), column, "万元")
            if err:
                errors.append(err)
            if value is not None:
                kwargs[column.key] = value
        result.append(row_type(**kwargs))
    return result


def _yaml_rows(
    node: yaml.Node, name: str, errors: list[InputError]
) -> Iterator[tuple[str, dict[str, RawCell]]]:
    if not isinstance(node, yaml.SequenceNode):
        errors.append(InputError(f"{name}:{node.start_mark.line + 1}", "应为行的列表"))
        return
    for item in node.value:
        loc = f"{name}:{item.start_mark.line + 1}"
        if not isinstance(item, yaml.MappingNode):
            errors.append(InputError(loc, "每一行应为“字段: 值”的映射"))
            continue
        cells: dict[str, RawCell] = {}
        for key, value in item.value:
            text = None if value.tag == "tag:yaml.org,2002:null" else value.value
            if not isinstance(value, yaml.ScalarNode):
                errors.append(
                    InputError(
                        f"{name}:{value.start_mark.line + 1}",
                        f"“{key.value}”的值应为单个数值或文字",
                    )
                )
                continue
            cells[str(key.value)] = RawCell(text, f"{name}:{value.start_mark.line + 1}")
        yield loc, cells


def read_library_text(text: str, name: str) -> IndicatorLibrary:
    """Parse a library YAML file (every scalar as text, so ``0.95`` stays a Decimal)."""
    errors: list[InputError] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise DatasetError(
            [InputError(where, f"YAML 格式错误：{getattr(exc, 'problem', exc)}")]
        ) from None
    if not isinstance(root, yaml.MappingNode):
        raise DatasetError([InputError(name, "指标库文件应为“indicators: …”的映射")])
    parts: dict[str, list[Any]] = {key: [] for key in PARTS}
    for key_node, value_node in root.value:
        key = str(key_node.value)
        if key == "format":
            if value_node.value != LIBRARY_FORMAT:
                errors.append(
                    InputError(
                        f"{name}:{value_node.start_mark.line + 1}",
                        f"不支持的格式版本（应为 {LIBRARY_FORMAT}）",
                    )
                )
        elif key in PARTS:
            parts[key] = rows_from_cells(
                PARTS[key][1], _yaml_rows(value_node, name, errors), errors
            )
        else:
            errors.append(
                InputError(
                    f"{name}:{key_node.start_mark.line + 1}",
                    f"未知的部分“{key}”（可用：{'、'.join(PARTS)}）",
                )
            )
    library = IndicatorLibrary(
        tuple(parts["indicators"]), tuple(parts["history"]), tuple(parts["allocations"])
    )
    errors.extend(_duplicate_codes(library.indicators))
    if errors:
        raise DatasetError(errors)
    return library


def _duplicate_codes(indicators: Iterable[IndicatorDef]) -> list[InputError]:
    seen: dict[str, IndicatorDef] = {}
    errors = []
    for d in indicators:
        if d.code in seen:
            errors.append(
                InputError(d.loc, f"指标编码“{d.code}”重复：已在 {seen[d.code].loc} 出现")
            )
        seen.setdefault(d.code, d)
    return errors


def _csv_rows(text: str, name: str, row_type: type, errors: list[InputError]) -> list[Any]:
    """Rows of a CSV text with the Chinese headers of ``row_type``; ``#`` lines are comments.

    ``name`` is how problems name the file (``name:line``)."""
    headers = {c.header: c.key for c in columns_of(row_type)}
    # Keep each line's number so that errors point at the line in the file.
    numbered = [
        (n, line)
        for n, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not numbered:
        return []
    records = list(csv.reader(line for _, line in numbered))
    header = [h.strip() for h in records[0]]
    unknown = [h for h in header if h not in headers]
    if unknown:
        where = f"{name}:{numbered[0][0]}"
        errors.append(
            InputError(where, f"未知的列：{'、'.join(unknown)}（可用：{'、'.join(headers)}）")
        )
        return []
    rows = []
    for (number, _), values in zip(numbered[1:], records[1:], strict=True):
        loc = f"{name}:{number}"
        cells = {
            headers[h]: RawCell(v or None, f"{loc}[{h}]")
            for h, v in zip(header, values, strict=False)
        }
        rows.append((loc, cells))
    return rows_from_cells(row_type, rows, errors)


def read_history_csv(
    history: tuple[str, str], allocations: tuple[str, str] | None = None
) -> tuple[tuple[HistoryRecord, ...], tuple[Allocation, ...]]:
    """History records and (optionally) allocations from the texts of ``history.csv`` and
    ``allocations.csv``, each given as ``(text, name)``; ``name`` is how problems name the
    file. Lines starting with ``#`` are comments (each file documents where its numbers
    come from). Raises :class:`DatasetError` with every problem and its ``name:line``.
    The command line reads the files (:mod:`jixiao.cli.files`)."""
    errors: list[InputError] = []
    records = _csv_rows(*history, HistoryRecord, errors)
    allotted = _csv_rows(*allocations, Allocation, errors) if allocations else []
    if errors:
        raise DatasetError(errors)
    return tuple(records), tuple(allotted)


#: The starter library files, in ``jixiao/data/indicators/``.
SHIPPED_FILES: tuple[str, ...] = ("common.yaml", "keji.yaml")


def shipped_library() -> IndicatorLibrary:
    """The starter library shipped in ``jixiao/data/indicators/`` (national common + 科技)."""
    folder = resources.files("jixiao.data") / "indicators"
    indicators: list[IndicatorDef] = []
    for name in SHIPPED_FILES:
        text = (folder / name).read_text("utf-8")
        indicators.extend(read_library_text(text, f"jixiao/data/indicators/{name}").indicators)
    return IndicatorLibrary(tuple(indicators))
