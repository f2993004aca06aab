"""The entered scorecard, scored by the engine.

The web layer computes no point itself. It puts what the unit typed into the engine's
dataset — an indicator item's 完成值/定性档次 into that indicator's row, each 自评得分 and
评分说明 into the 自评评分 table (``scores``), the 结论/问题/措施 into 文字说明/问题与措施 —
and asks ``jixiao.scoring.score_dataset`` with the task's framework. The framework's rules
(完成值 by 计算符号, deductions, caps by 执行率, 不适用 re-scaling, reference rules)
are applied there, and the page shows the engine's points, explanation and flags beside
the entered score.

An indicator item is known by the engine's scorecard: an expanded leaf (rule
``completion``) carries its indicator row's place (``loc``), which is how the entry finds
the row to write its 完成值 into.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.dataset.model import TEXT_KEYS, Dataset, Indicator, Problem, ScoreItem, TextBlock
from jixiao.scoring import Framework, ItemScore, Scorecard, load_framework, score_dataset
from jixiao.scoring.rules import RULES
from jixiao_web.datasets.convert import to_engine

if TYPE_CHECKING:
    from jixiao_web.assessment.models import ScoreEntry, ScoreSheet

#: The rule of an item scored from its indicator's 完成值 (an ``expand`` leaf).
INDICATOR_RULE = "completion"


@dataclass(frozen=True)
class EntryValues:
    """What was entered for one item (a stored :class:`ScoreEntry` or a form's values)."""

    actual: Decimal | None = None
    qual_grade: str = ""
    score: Decimal | None = None
    reason: str = ""

    @classmethod
    def of(cls, entry: ScoreEntry) -> EntryValues:
        return cls(entry.actual, entry.qual_grade, entry.score, entry.reason)


@dataclass(frozen=True)
class Line:
    """One item of the scorecard as the page shows it: standard, entry, engine result."""

    code: str
    name: str
    depth: int
    points: Decimal
    leaf: bool
    standard: str  #: 评分标准 (the rule, the target and its sign, the framework's note)
    indicator: Indicator | None  #: the indicator an indicator item is scored from
    computed: Decimal | None  #: the engine's points for this item
    status: str
    explanation: str
    flags: tuple[str, ...]
    references: tuple[str, ...]
    entered: Decimal | None  #: the 自评得分 typed

    @property
    def difference(self) -> Decimal | None:
        """自评得分 − the engine's points (shown when they differ)."""
        if self.entered is None or self.computed is None:
            return None
        return self.entered - self.computed

    @property
    def quantitative(self) -> bool:
        return self.indicator is not None and self.indicator.quantitative

    @property
    def anchor(self) -> str:
        """The item's code as an HTML id part (``1.1.7`` → ``1-1-7``)."""
        return self.code.replace(".", "-")


@dataclass
class Rescored:
    framework: Framework
    card: Scorecard
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal | None:
        return self.card.total

    def line(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.code == code), None)

    @property
    def entered_total(self) -> Decimal | None:
        """The sum of the top-level 自评得分 typed (None while any is blank)."""
        tops = [line.entered for line in self.lines if line.depth == 0]
        if not tops or any(v is None for v in tops):
            return None
        return sum((v for v in tops if v is not None), Decimal(0))


def framework(framework_id: str) -> Framework:
    return load_framework(framework_id)


def walk(items: Iterable[ItemScore], depth: int = 0) -> Iterator[tuple[int, ItemScore]]:
    for item in items:
        yield depth, item
        yield from walk(item.children, depth + 1)


def indicator_places(card: Scorecard) -> dict[str, str]:
    """Item code → the place (``loc``) of the indicator row it is scored from."""
    return {item.code: item.loc for _, item in walk(card.items) if item.rule == INDICATOR_RULE}


def base_dataset(sheet: ScoreSheet) -> Dataset:
    dataset, _ = to_engine(sheet.dataset)
    return dataset


def apply_entries(
    dataset: Dataset,
    places: Mapping[str, str],
    names: Mapping[str, tuple[str, Decimal]],
    entries: Mapping[str, EntryValues],
    *,
    framework_id: str,
    conclusion: str = "",
    problems: str = "",
    measures: str = "",
) -> Dataset:
    """``dataset`` with the entered scorecard in it (a new frozen dataset).

    ``places``: indicator item code → indicator row place; ``names``: item code → (name,
    分值) of every item of the framework.
    """
    by_place = {place: entries[code] for code, place in places.items() if code in entries}
    indicators = tuple(
        dataclasses.replace(
            row,
            actual=by_place[row.loc].actual,
            qual_grade=by_place[row.loc].qual_grade,
            deviation=by_place[row.loc].reason,
        )
        if row.loc in by_place
        else row
        for row in dataset.indicators
    )
    stated = {row.code: row for row in dataset.scores}
    scores = []
    for code, (name, points) in names.items():
        entry = entries.get(code)
        if entry is None or (entry.score is None and not entry.reason):
            continue
        before = stated.get(code)
        scores.append(
            ScoreItem(
                code=code,
                name=name,
                points=points,
                score=entry.score,
                # a deduction the report text states stays with its row (the checks compare it)
                stated_deduction=before.stated_deduction if before is not None else None,
                reason=entry.reason,
                loc=before.loc if before is not None else f"自评表!{code}",
            )
        )
    texts = dataset.texts
    if conclusion.strip():
        label = TEXT_KEYS["conclusion"]
        texts = (*(t for t in texts if t.key != label), TextBlock(label, conclusion.strip()))
    found = dataset.problems
    if problems.strip() or measures.strip():
        found = (Problem("绩效自评发现的问题", problems.strip(), measures.strip()),)
    return dataclasses.replace(
        dataset,
        indicators=indicators,
        scores=tuple(scores),
        texts=texts,
        problems=found,
        self_evaluation=dataclasses.replace(dataset.self_evaluation, framework=framework_id),
    )


def standard_of(framework: Framework, item: ItemScore, indicator: Indicator | None) -> str:
    """评分标准 of an item: its rule in words, the indicator's target, the framework's note."""
    parts: list[str] = []
    if indicator is not None:
        if indicator.quantitative:
            target = "" if indicator.target is None else format(indicator.target, "f")
            parts.append(f"指标值 {indicator.sign} {target}{indicator.unit}".strip())
        else:
            parts.append(f"定性：{indicator.target_desc or '按完成档次'}（达成/部分达成/未达成）")
    rule = item.rule.removeprefix("fallback:")
    if rule in RULES:
        parts.append(RULES.name(rule))
    elif item.children:
        parts.append("下级指标得分合计")
    node = _node(framework, item.code)
    if node is not None and node.note:
        parts.append(node.note)
    return "；".join(parts)


def _node(framework: Framework, code: str) -> Any:
    stack = list(framework.items)
    while stack:
        node = stack.pop()
        if node.code == code:
            return node
        stack.extend(node.children)
    return None


def rescore(
    sheet: ScoreSheet,
    entries: Mapping[str, EntryValues] | None = None,
    *,
    base: Dataset | None = None,
) -> Rescored:
    """Score ``sheet`` as entered (``entries``: the stored ones unless given)."""
    fw = framework(sheet.task.framework)
    dataset = base if base is not None else base_dataset(sheet)
    if entries is None:
        entries = {e.code: EntryValues.of(e) for e in sheet.entries.all()}
    applied, places = sheet_dataset(sheet, entries, fw, dataset)
    card = score_dataset(applied, fw)
    rows = {row.loc: row for row in applied.indicators}
    lines = []
    for depth, item in walk(card.items):
        indicator = rows.get(places.get(item.code, "")) if item.code in places else None
        entry = entries.get(item.code)
        lines.append(
            Line(
                code=item.code,
                name=item.name,
                depth=depth,
                points=item.points,
                leaf=not item.children,
                standard=standard_of(fw, item, indicator),
                indicator=indicator,
                computed=item.score,
                status=str(item.status),
                explanation=item.explanation,
                flags=item.flags,
                references=item.references,
                entered=entry.score if entry is not None else None,
            )
        )
    return Rescored(fw, card, lines)


def sheet_dataset(
    sheet: ScoreSheet,
    entries: Mapping[str, EntryValues],
    fw: Framework,
    dataset: Dataset,
) -> tuple[Dataset, dict[str, str]]:
    """The engine's dataset with ``entries`` in it, and the indicator items' places."""
    baseline = score_dataset(dataset, fw)
    places = indicator_places(baseline)
    names = {item.code: (item.name, item.points) for _, item in walk(baseline.items)}
    applied = apply_entries(
        dataset,
        places,
        names,
        entries,
        framework_id=fw.id,
        conclusion=sheet.conclusion,
        problems=sheet.problems,
        measures=sheet.measures,
    )
    return applied, places


def summarize(
    dataset: Dataset,
    fw: Framework,
    entries: Mapping[str, EntryValues],
    *,
    baseline: Scorecard | None = None,
    conclusion: str = "",
    problems: str = "",
    measures: str = "",
) -> tuple[Decimal | None, Decimal | None, str]:
    """What :func:`rescore` gives a task's page — the entered top-level total, the engine's
    total and grade — without the lines (``baseline``: ``dataset``'s own card, if scored)."""
    baseline = baseline if baseline is not None else score_dataset(dataset, fw)
    names = {item.code: (item.name, item.points) for _, item in walk(baseline.items)}
    applied = apply_entries(
        dataset,
        indicator_places(baseline),
        names,
        entries,
        framework_id=fw.id,
        conclusion=conclusion,
        problems=problems,
        measures=measures,
    )
    card = score_dataset(applied, fw)
    tops = [entries[item.code].score if item.code in entries else None for item in card.items]
    entered = None
    if tops and all(v is not None for v in tops):
        entered = sum((v for v in tops if v is not None), Decimal(0))
    return entered, card.total, card.grade_label


def initial_entries(dataset: Dataset, framework_id: str) -> dict[str, EntryValues]:
    """What a new sheet starts with: the dataset's own 完成值, 自评得分 and reasons."""
    return starting_entries(dataset, score_dataset(dataset, framework(framework_id)))


def starting_entries(dataset: Dataset, card: Scorecard) -> dict[str, EntryValues]:
    """:func:`initial_entries` from ``dataset``'s card, already scored by the caller."""
    places = indicator_places(card)
    rows = {row.loc: row for row in dataset.indicators}
    stated = {row.code: row for row in dataset.scores}
    result: dict[str, EntryValues] = {}
    for _, item in walk(card.items):
        indicator = rows.get(places[item.code]) if item.code in places else None
        row = stated.get(item.code)
        if indicator is not None:
            result[item.code] = EntryValues(
                indicator.actual, indicator.qual_grade, None, indicator.deviation
            )
        elif row is not None:
            result[item.code] = EntryValues(None, "", row.score, row.reason)
        else:
            result[item.code] = EntryValues()
    return result
