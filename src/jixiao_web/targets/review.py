"""The engine's target review (``jixiao.monitoring.review_targets``) on a form's content.

Nothing here judges a target: the form becomes an engine ``Dataset`` (the department's
form its 绩效指标 and 支出性质 lines, a project form its 项目 and 项目绩效指标), the history
comes from what the system already holds — the department's stored datasets of earlier
years (targets, actuals, budgets), the forms approved for earlier years, and the 上年实际值
the filler typed — and the engine's flags and messages are mapped back to the form's rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from jixiao.dataset.model import SIGNS, Indicator, MoneyLine, Profile, Project
from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.findings import Finding, Severity
from jixiao_web.targets.schema import DepartmentHeader, IndicatorRow, ProjectHeader

if TYPE_CHECKING:
    from jixiao.monitoring import IndicatorLibrary, TargetReview
    from jixiao.monitoring.library import Allocation, HistoryRecord
    from jixiao.monitoring.settings import ReviewSettings
    from jixiao_web.targets.models import TargetForm
    from jixiao_web.targets.services import Content

#: the 目标编号 the department's own indicators carry in the engine dataset
DEPARTMENT_GOAL = "1"


@cache
def library() -> IndicatorLibrary:
    """The shipped core indicator library (read once per process)."""
    from jixiao.monitoring import shipped_library

    return shipped_library()


@cache
def settings() -> ReviewSettings:
    from jixiao.monitoring import load_review_settings

    return load_review_settings()


@dataclass
class Flags:
    """The review of one form: per indicator row (by position) its labels and messages."""

    labels: dict[int, list[str]] = field(default_factory=dict)
    messages: dict[int, list[str]] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)  #: info: 无历史数据, 未入库
    form_messages: list[str] = field(default_factory=list)  #: 不完整 of the whole form
    history: dict[int, str] = field(default_factory=dict)  #: "2023 年完成值 50" shown beside

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.labels.values()) + len(self.form_messages)


def owner_of(form: TargetForm, header: Any) -> str:
    """The owner as the history names it: the department's name or the 项目编码."""
    if form.kind == "department":
        return form.department.name
    return str(getattr(header, "code", "") or form.code)


def engine_dataset(form: TargetForm, content: Content) -> EngineDataset:
    """The form as the engine's dataset (only what the review reads)."""
    profile = Profile(department_name=form.department.name, year=form.year)
    # a row still being typed with no valid 计算符号 has nothing the review can judge
    indicators = tuple(
        _indicator(row, index, form, content.header)
        for index, row in enumerate(content.indicators)
        if row.sign in SIGNS and row.name
    )
    header = content.header
    if isinstance(header, DepartmentHeader):
        natures = tuple(
            MoneyLine(item=item, budget=amount, loc=f"header:{item}")
            for item, amount in (
                ("基本支出", header.spend_basic),
                ("项目支出", header.spend_project),
            )
            if amount is not None
        )
        return EngineDataset(profile=profile, indicators=indicators, expenditure_nature=natures)
    assert isinstance(header, ProjectHeader)
    project = Project(
        code=header.code or form.code,
        name=header.name or form.name,
        unit=form.unit.code if form.unit else "",
        division=form.division.name if form.division else "",
        fund=header.fund_source,
        budget=header.budget,
        loc="header",
    )
    return EngineDataset(profile=profile, projects=(project,), project_indicators=indicators)


def _indicator(row: IndicatorRow, index: int, form: TargetForm, header: Any) -> Indicator:
    owner = DEPARTMENT_GOAL if form.kind == "department" else owner_of(form, header)
    return Indicator(
        owner=owner,
        code=row.code,
        level1=row.level1,
        level2=row.level2,
        name=row.name,
        sign=row.sign,
        target=row.target,
        target_desc=row.target_desc,
        unit=row.unit,
        weight=row.weight,
        # a later year's target of a multi-year project is not compared with last year
        horizon="年度" if row.year in (None, form.year) else "中期",
        loc=f"row:{index}",
    )


# --------------------------------------------------------------------------- history


def history_for(form: TargetForm, content: Content) -> tuple[list[HistoryRecord], list[Allocation]]:
    """Earlier years as the system knows them, plus the 上年实际值 typed on the form."""
    from jixiao.monitoring.library import HistoryRecord

    owner = owner_of(form, content.header)
    records: dict[tuple[str, str, int], HistoryRecord] = {}
    allocations: dict[tuple[str, int], Allocation] = {}
    lib = library()

    def key(code: str, name: str, year: int) -> tuple[str, str, int]:
        return (code or lib.code_for_name(name) or name, owner, year)

    for rec in _stored_history(form, owner):  # one record per indicator and year: the first
        records.setdefault(key(rec.code, rec.name, rec.year or 0), rec)
    for alloc in _stored_allocations(form, owner):
        allocations.setdefault((alloc.owner, alloc.year or 0), alloc)
    for row in content.indicators:
        if row.prior_actual is None or row.year not in (None, form.year):
            continue
        here = key(row.code, row.name, form.year - 1)
        earlier = records.get(here)
        if earlier is None or earlier.actual is None:
            records[here] = HistoryRecord(
                code=row.code,
                name=row.name,
                year=form.year - 1,
                owner=owner,
                target=earlier.target if earlier else None,
                actual=row.prior_actual,
                source="申报表填写的上年实际值",
                loc="form",
            )
    return list(records.values()), list(allocations.values())


def _stored_history(form: TargetForm, owner: str) -> Iterable[HistoryRecord]:
    """Targets and actuals of earlier years: stored datasets first, then approved forms."""
    from jixiao.monitoring.library import HistoryRecord
    from jixiao_web.datasets.models import ROW_MODELS, Dataset

    table = "indicators" if form.kind == "department" else "project_indicators"
    datasets = Dataset.objects.filter(department=form.department, year__lt=form.year)
    for dataset in datasets:
        rows = ROW_MODELS[table].objects.filter(dataset=dataset)
        if form.kind == "project":
            rows = rows.filter(owner=owner)
        for row in rows:
            yield HistoryRecord(
                code=row.code,
                name=row.name,
                year=dataset.year,
                owner=owner,
                target=row.target,
                actual=row.actual,
                source=f"{dataset.year}年度数据集",
                loc=f"dataset:{dataset.pk}",
            )
    for earlier in _approved_forms(form, owner):
        for ind in earlier.indicators.filter(year=earlier.year):
            yield HistoryRecord(
                code=ind.code,
                name=ind.name,
                year=earlier.year,
                owner=owner,
                target=ind.target,
                actual=None,
                source=f"{earlier.year}年度批复的绩效目标",
                loc=f"form:{earlier.pk}",
            )


def _approved_forms(form: TargetForm, owner: str) -> Sequence[TargetForm]:
    from jixiao_web.targets import services

    return services.approved_earlier(form, owner)


def _stored_allocations(form: TargetForm, owner: str) -> Iterable[Allocation]:
    from jixiao.monitoring.library import Allocation
    from jixiao_web.datasets.models import ROW_MODELS, Dataset

    for dataset in Dataset.objects.filter(department=form.department, year__lt=form.year):
        amount = _dataset_budget(dataset, form, owner, ROW_MODELS)
        if amount is not None:
            yield Allocation(year=dataset.year, owner=owner, budget=amount, loc="dataset")
    for earlier in _approved_forms(form, owner):
        amount = _form_budget(earlier)
        if amount is not None:
            yield Allocation(year=earlier.year, owner=owner, budget=amount, loc="form")


def _dataset_budget(dataset: Any, form: TargetForm, owner: str, models: Any) -> Decimal | None:
    if form.kind == "project":
        row = models["projects"].objects.filter(dataset=dataset, code=owner).first()
        if row is None:
            return None
        return row.adjusted if row.adjusted is not None else row.budget  # type: ignore[no-any-return]
    # the department's own top-level natures, as the engine's review counts its budget
    lines = models["expenditure_nature"].objects.filter(
        dataset=dataset, unit="", item__in=["基本支出", "项目支出", "经营支出"]
    )
    amounts = [line.adjusted if line.adjusted is not None else line.budget for line in lines]
    known = [a for a in amounts if a is not None]
    return sum(known, Decimal(0)) if known else None


def _form_budget(form: TargetForm) -> Decimal | None:
    if form.kind == "project":
        return form.budget  # type: ignore[no-any-return]
    parts = [a for a in (form.spend_basic, form.spend_project) if a is not None]
    return sum(parts, Decimal(0)) if parts else None


# --------------------------------------------------------------------------- review


def review(form: TargetForm, content: Content) -> Flags:
    """The engine's flags for ``content`` (saved or being typed), by indicator row."""
    from jixiao.monitoring import review_targets
    from jixiao.monitoring.review import FLAG_LABELS

    history, allocations = history_for(form, content)
    known = library().with_history(history, allocations)
    dataset = engine_dataset(form, content)
    result: TargetReview = review_targets(dataset, known, settings())
    findings = [*result.findings, *_set_too_low(dataset, result, known)]
    flags = Flags()
    for row in result.rows:
        index = _index(row.location)
        if index is None:
            continue
        flags.labels[index] = list(row.flags)
        last = row.history.last_actual if row.history is not None else None
        if row.history is not None and last is not None:
            shown = format(last.normalize(), "f")
            flags.history[index] = f"{row.history.last_year} 年完成值 {shown}"
    for finding in findings:
        index = _index(finding.location.source if finding.location else "")
        label = FLAG_LABELS.get(finding.code, "")
        if index is None:
            if finding.code == "target.incomplete":
                flags.form_messages.append(finding.message)
            continue
        bucket = flags.notes if finding.severity is Severity.INFO else flags.messages
        bucket.setdefault(index, []).append(finding.message)
        if (
            label
            and finding.severity is not Severity.INFO
            and label not in flags.labels.get(index, [])
        ):
            flags.labels.setdefault(index, []).append(label)
    return flags


def _set_too_low(
    dataset: EngineDataset, result: TargetReview, known: IndicatorLibrary
) -> list[Finding]:
    """目标设定偏低 while the target is set: the engine's self-evaluation test on last year.

    The engine raises ``target.set_too_low`` when a 完成值 exceeds its 指标值 by more than
    ``review.yaml``'s threshold (the test scoring deducts by at self-evaluation). A target
    form has no 完成值 yet; the one the system knows is last year's (history or the typed
    上年实际值). The same engine review is run once more with that value as the row's 完成值,
    and only its ``target.set_too_low`` findings are kept, said to be measured on last year:
    a unit that merely repeats last year would be deducted for a target set too low.
    """
    from jixiao.monitoring import review_targets

    last = {
        row.location: row.history
        for row in result.rows
        if row.history is not None and row.history.last_actual is not None
    }
    if not last:
        return []
    indicators = tuple(
        dataclasses.replace(ind, actual=last[ind.loc].last_actual) if ind.loc in last else ind
        for ind in (*dataset.indicators, *dataset.project_indicators)
    )
    own, projects = indicators[: len(dataset.indicators)], indicators[len(dataset.indicators) :]
    again = review_targets(
        dataclasses.replace(dataset, indicators=own, project_indicators=projects),
        known,
        settings(),
    )
    found = []
    for finding in again.findings:
        source = finding.location.source if finding.location else ""
        if finding.code != "target.set_too_low" or source not in last:
            continue
        year = last[source].last_year
        found.append(
            dataclasses.replace(finding, message=f"按 {year} 年完成值计，{finding.message}")
        )
    return found


def _index(location: str) -> int | None:
    if location.startswith("row:"):
        return int(location[4:])
    return None
