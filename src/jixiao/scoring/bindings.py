"""Bindings: where a rule input reads its value (``namespace:path``).

============  =====================================================  ===============================
namespace     path                                                   value
============  =====================================================  ===============================
``figure``    a figure id, e.g. ``three_public.growth.三公经费合计``   ``Figure.value`` (Decimal)
``dataset``   ``table.field`` of a form (``assets.fixed_assets_in_use``)  the field
``dataset``   ``table.field`` or ``table[field=value].field`` of rows  the list of that field
``self_score``  a scorecard code (``2.4``)                           the department's score + reason
``project``   a field of the project being scored (``executed``)     the field
============  =====================================================  ===============================

A namespace validates a path when a framework is loaded (so a typo is reported with
its file:line) and resolves it when a dataset is scored; a value that is not in the
data resolves to ``None`` — *missing data*, never zero.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from jixiao.dataset.model import TABLES_BY_KEY, Dataset, Indicator, Project
from jixiao.dataset.schema import columns_of
from jixiao.scoring.rules import ManualScore, Value

if TYPE_CHECKING:
    from collections.abc import Mapping

_ROWS_PATH = re.compile(
    r"^(?P<table>\w+)(?:\[(?P<field>\w+)(?:=(?P<value>[^\]]*))?\])?\.(?P<column>\w+)$"
)
_PROJECT_FIELDS = {c.key for c in columns_of(Project)} | {"execution_base"}


def split(binding: str) -> tuple[str, str]:
    namespace, _, path = binding.partition(":")
    return namespace.strip(), path.strip()


def describe(binding: str) -> str:
    """A binding in words a finance officer reads: ``“项目”表中是否专项资金为“是”的行的“自评得分”``.

    Messages about missing data use this instead of the raw ``namespace:path``.
    """
    namespace, path = split(binding)
    if namespace == "self_score":
        return f"自评评分表“{path}”的自评得分"
    if namespace == "figure":
        return f"计算数据“{path}”"
    if namespace == "project":
        return f"项目的“{_header(Project, path)}”"
    match = _ROWS_PATH.match(path) if namespace == "dataset" else None
    spec = TABLES_BY_KEY.get(match["table"]) if match else None
    if match is None or spec is None:
        return binding
    column = _header(spec.row_type, match["column"])
    which = ""
    if match["field"]:
        which = _header(spec.row_type, match["field"])
        # A filter without a value selects the rows where that (是/否) column is 是.
        which = f"{which}为“{match['value'] or '是'}”的行"
    return f"“{spec.sheet}”表中{which}的“{column}”" if which else f"“{spec.sheet}”表的“{column}”"


def _header(row_type: type, key: str) -> str:
    return next((c.header for c in columns_of(row_type) if c.key == key), key)


def validate(binding: str, subject: str) -> str | None:
    """Why ``binding`` cannot work in a ``subject`` framework, in Chinese; ``None`` if fine."""
    namespace, path = split(binding)
    check = VALIDATORS.get(namespace)
    if check is None:
        return f"未知的数据来源“{namespace}”（可用：{'、'.join(VALIDATORS)}）"
    if not path:
        return f"数据来源“{binding}”缺少路径"
    if namespace == "project" and subject != "project":
        return "project: 只能用于项目评分框架（subject: project）"
    return check(path)


def _check_figure(path: str) -> str | None:
    known = figure_ids()
    if known is None or path in known or any(p.match(path) for p in figure_patterns()):
        return None
    return f"未知的数据编号“{path}”（见 docs/figures.md）"


def _check_dataset(path: str) -> str | None:
    match = _ROWS_PATH.match(path)
    if not match:
        return f"“{path}”应为“表.字段”或“表[字段=值].字段”"
    spec = TABLES_BY_KEY.get(match["table"])
    if spec is None:
        return f"数据集中没有“{match['table']}”表"
    keys = {c.key for c in spec.columns}
    for name in (match["column"], match["field"]):
        if name and name not in keys:
            return f"“{spec.sheet}”（{spec.key}）没有“{name}”字段"
    if spec.form and match["field"]:
        return f"“{spec.sheet}”是表单，不能按行筛选"
    return None


def _check_project(path: str) -> str | None:
    return (
        None
        if path in _PROJECT_FIELDS
        else f"项目没有“{path}”字段（可用：{'、'.join(sorted(_PROJECT_FIELDS))}）"
    )


VALIDATORS: dict[str, Callable[[str], str | None]] = {
    "figure": _check_figure,
    "dataset": _check_dataset,
    "self_score": lambda path: None,
    "project": _check_project,
}


# --------------------------------------------------------------------------- figures

_FIGURE_IDS: set[str] | None = None


def figure_ids() -> set[str] | None:
    """Figure ids the figures engine declares (``FIGURE_IDS``), or ``None`` when it declares none.

    Without a declared list we cannot tell a typo from a figure that exists only for
    some datasets, so any id passes at load time and an unknown one is *missing data*.
    """
    try:
        import jixiao.figures as figures
    except ImportError:  # the figures engine is optional for scoring
        return None
    ids = getattr(figures, "FIGURE_IDS", None)
    return set(ids) if ids else None


def figure_patterns() -> list[re.Pattern[str]]:
    try:
        import jixiao.figures as figures
    except ImportError:
        return []
    return [re.compile(p) for p in getattr(figures, "FIGURE_PATTERNS", ())]


# --------------------------------------------------------------------------- resolve


@dataclass
class Resolver:
    """Resolves bindings against one dataset (and, for project frameworks, one project)."""

    dataset: Dataset
    project: Project | None = None
    figures_override: Mapping[str, Decimal | None] | None = None
    _cache: dict[str, Value] = field(default_factory=dict)

    @cached_property
    def figures(self) -> Mapping[str, Decimal | None]:
        if self.figures_override is not None:
            return self.figures_override
        try:
            from jixiao.figures import compute_figures
        except ImportError:
            return {}
        return {fid: fig.value for fid, fig in compute_figures(self.dataset).items()}

    @cached_property
    def indicators_by_owner(self) -> dict[str, list[Indicator]]:
        """The dataset's project indicators grouped by 项目编码, once (scoring stays linear)."""
        groups: dict[str, list[Indicator]] = {}
        for row in self.dataset.project_indicators:
            groups.setdefault(row.owner, []).append(row)
        return groups

    def resolve(self, binding: str, node_name: str = "") -> Value:
        namespace, path = split(binding)
        if namespace == "self_score":
            return self._self_score(path, node_name)
        if binding not in self._cache:
            self._cache[binding] = RESOLVERS[namespace](self, path)
        return self._cache[binding]

    def _self_score(self, code: str, node_name: str) -> Value:
        """The department's own score for ``code``; falls back to the same indicator name."""
        items = self.dataset.scores
        item = next((s for s in items if s.code == code), None)
        if item is None and node_name:
            item = next((s for s in items if s.name == node_name), None)
        if item is None:
            return None
        return ManualScore(item.score, item.reason, item.loc)


def _resolve_figure(resolver: Resolver, path: str) -> Value:
    return resolver.figures.get(path)


def _resolve_dataset(resolver: Resolver, path: str) -> Value:
    match = _ROWS_PATH.match(path)
    if match is None:
        return None
    table = getattr(resolver.dataset, match["table"])
    if TABLES_BY_KEY[match["table"]].form:
        return _plain(getattr(table, match["column"]))
    rows = [r for r in table if _row_matches(r, match["field"], match["value"])]
    return [_plain(getattr(r, match["column"])) for r in rows]


def _row_matches(row: Any, name: str | None, value: str | None) -> bool:
    if not name:
        return True
    actual = getattr(row, name)
    if value is None:
        return bool(actual)
    return str(actual) == value


def _plain(value: Any) -> Value:
    if value is None or isinstance(value, Decimal | str | bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return str(value)


def _resolve_project(resolver: Resolver, path: str) -> Value:
    project = resolver.project
    if project is None:
        return None
    if path == "execution_base":
        # 预算执行率 = 执行数 / 调整后预算数; 年初预算 when nothing was adjusted.
        return project.adjusted if project.adjusted is not None else project.budget
    return _plain(getattr(project, path))


RESOLVERS: dict[str, Callable[[Resolver, str], Value]] = {
    "figure": _resolve_figure,
    "dataset": _resolve_dataset,
    "project": _resolve_project,
}


def with_project(resolver: Resolver, project: Project) -> Resolver:
    """A resolver for one project of the same dataset, sharing what is computed once.

    The figures and the indicators grouped by project are the dataset's: computed (at
    most) once for all projects, never once per project.
    """
    fresh = dataclasses.replace(resolver, project=project, _cache={})
    fresh.__dict__["indicators_by_owner"] = resolver.indicators_by_owner  # grouped here, once
    if "figures" in resolver.__dict__:  # only if some binding needed them: they are costly
        fresh.__dict__["figures"] = resolver.__dict__["figures"]
    return fresh
