"""Score a dataset (or each of its projects) against a framework: the pure engine.

:func:`score_dataset` walks the framework tree: a leaf resolves its inputs through the
bindings and calls its rule; a parent combines its children by its aggregation; the
total is graded by the framework's bands. Missing data is a state of its own, carried
up the tree (``partial``) and reported as a finding, never silently taken as zero.
The findings also compare the department's own scorecard with the framework: 分值 that
differ from the framework's, a stated total or grade that the framework does not give.
Whether that scorecard agrees with itself is the checks' business, not scoring's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.dataset.build import InputError
from jixiao.dataset.keys import indicator_key
from jixiao.dataset.model import Dataset, Indicator, Project, ScoreItem, field_sheet
from jixiao.domain.grades import same_grade
from jixiao.findings import Finding, FindingKind, Location, Severity, kind
from jixiao.lib.money import ZERO, normalize, round_half_up, split_largest_remainder
from jixiao.scoring.aggregate import AGGREGATIONS
from jixiao.scoring.bindings import Resolver, describe, with_project
from jixiao.scoring.loader import FrameworkError, load_framework
from jixiao.scoring.model import Framework, ItemScore, Node, RuleSpec, Scorecard, Status

if TYPE_CHECKING:
    from jixiao.scoring.projects import ProjectScores
from jixiao.scoring.rules import (
    FLAG_NO_REASON,
    FLAG_NOT_APPLICABLE,
    FLAG_OVER_POINTS,
    FLAG_TARGET_TOO_LOW,
    FLAG_VETO,
    ONE,
    RULES,
    ManualScore,
    RuleContext,
    RuleResult,
    Value,
    exact,
    num,
)


@dataclass
class _Run:
    """State of one scoring run: the framework, where values come from, what was found."""

    framework: Framework
    resolver: Resolver
    findings: list[Finding] = field(default_factory=list)
    veto_total: bool = False

    #: where each item's findings point (an expanded leaf: its indicator's row)
    places: dict[str, Location] = field(default_factory=dict)

    def finding(self, kind: FindingKind, location: Location, **values: object) -> None:
        """A finding of ``kind``; numbers as a sentence shows them (2 places, no trailing 0)."""
        shown = {k: _shown(v) if isinstance(v, Decimal) else v for k, v in values.items()}
        self.findings.append(kind.at(location, **shown))

    def at_item(self, node: Node) -> Location:
        """Where a finding about the scored item ``node`` points."""
        return self.places.get(node.code) or Location(
            table="scorecard", row=node.code, source=node.code
        )


def _shown(value: Decimal) -> Decimal:
    """What :func:`~jixiao.scoring.rules.num` prints, as a number (``13.50`` → ``13.5``)."""
    return normalize(round_half_up(value, 2))


# --------------------------------------------------------------------------- finding kinds

_ITEM = "指标“{code} {name}”"
MISSING_DATA = kind(
    "scoring.missing_data",
    Severity.WARNING,
    _ITEM + "{detail}",
    "指标缺少数据，无法评分",
)
INCOMPLETE = kind(
    "scoring.incomplete",
    Severity.WARNING,
    "部分指标缺少数据，已知部分合计 {total:n} 分，总分不完整，不评定等级",
    "总分不完整",
)
FALLBACK_USED = kind(
    "scoring.fallback_used",
    Severity.INFO,
    _ITEM + "的下级指标（{gaps}）缺少数据，采用本级评分 {score:n} 分",
    "采用本级评分",
)
MANUAL_NO_REASON = kind(
    "scoring.manual_no_reason",
    Severity.WARNING,
    _ITEM + "的人工评分没有评分说明（扣分原因）",
    "人工评分无说明",
)
SCORE_OVER_POINTS = kind(
    "scoring.score_over_points",
    Severity.ERROR,
    _ITEM + "的人工评分超出 0 至 {points:n} 分的范围",
    "人工评分超出分值",
)
TARGET_TOO_LOW = kind(
    "scoring.target_too_low",
    Severity.WARNING,
    _ITEM + "：{explanation}",
    "目标值设定偏低",
)
VETO = kind("scoring.veto", Severity.WARNING, _ITEM + "：{explanation}", "一票否决")
REFERENCE_DIFFERS = kind(
    "scoring.reference_differs",
    Severity.INFO,
    _ITEM + "按重构规则（{rule}）得 {reference:n} 分，自评 {score:n} 分：{explanation}",
    "重构规则得分不同",
)
POINTS_MISMATCH = kind(
    "scoring.points_mismatch",
    Severity.WARNING,
    "评分表中“{name}”的分值为 {stated:n} 分，“{framework_id}”规定为 {framework:n} 分",
    "分值与评分框架不同",
)
TOTAL_MISMATCH = kind(
    "scoring.total_mismatch",
    Severity.WARNING,
    "报告所写自评总分 {stated:n} 分，按“{framework}”计算为 {computed:n} 分",
    "声明总分与框架计算不同",
)
GRADE_MISMATCH = kind(
    "scoring.grade_mismatch",
    Severity.WARNING,
    "报告所写自评等级为“{stated}”，但按“{framework}”的等级标准（{bands}），"
    "总分 {total:n} 分应为“{computed}”",
    "声明等级与框架等级不同",
)
PROJECT_TOTAL_MISMATCH = kind(
    "scoring.project_total_mismatch",
    Severity.WARNING,
    "项目“{project}”自评得分 {stated:n} 分，按框架计算为 {computed:n} 分",
    "项目自评得分与框架计算不同",
)


# --------------------------------------------------------------------------- public API


def resolve_framework(framework: str | Framework) -> Framework:
    return framework if isinstance(framework, Framework) else load_framework(framework)


def score_dataset(
    dataset: Dataset,
    framework_id: str | Framework,
    *,
    figures: Mapping[str, object] | None = None,
) -> Scorecard:
    """Score a department's dataset with a ``department`` framework (e.g. ``gd-dept-2023``).

    ``figures`` — a :class:`~jixiao.figures.FigureSet` the caller already computed, or a
    plain mapping id → Decimal — saves computing the figures again. Raises :class:`FrameworkError` for an unknown framework id or
    a project framework (use :func:`score_projects`).
    """
    framework = resolve_framework(framework_id)
    if framework.subject != "department":
        raise FrameworkError([_subject_error(framework, "score_projects")])
    values = None if figures is None else {k: _figure_value(v) for k, v in figures.items()}
    run = _Run(framework, Resolver(dataset, figures_override=values))
    card = _score(run, dataset.profile.department_name)
    return _with_dataset_findings(card, run, dataset)


def _figure_value(value: object) -> Decimal | None:
    """A figure's value whether given as a ``Figure`` or as the number itself."""
    value = getattr(value, "value", value)
    return value if isinstance(value, Decimal) else None


def score_projects(
    dataset: Dataset, framework_id: str | Framework, *, path: str = "auto"
) -> ProjectScores:
    """Score every project of ``dataset`` with a ``project`` framework (e.g. ``mof-project-2020``).

    Returns a :class:`~jixiao.scoring.projects.ProjectScores`: a sequence of one
    :class:`Scorecard` per project, in table order, with every project's total and grade
    (``.totals``) computed up front. ``path="auto"`` computes the totals with the polars
    bulk path where it is exact (:mod:`jixiao.scoring.bulk`: the framework's shape, ≤ 6
    decimals …) and per item otherwise; ``"bulk"`` or ``"per_item"`` force one. Each full
    scorecard (items, explanations, findings) is built per item when it is read. Both
    paths are linear in the number of indicators.
    """
    from jixiao.scoring.projects import ProjectScores

    framework = resolve_framework(framework_id)
    if framework.subject != "project":
        raise FrameworkError([_subject_error(framework, "score_dataset")])
    base = Resolver(dataset)
    return ProjectScores.build(
        framework, dataset, lambda project: _score_one(framework, base, project), path
    )


def _score_one(framework: Framework, base: Resolver, project: Project) -> Scorecard:
    run = _Run(framework, with_project(base, project))
    return _with_project_findings(_score(run, f"{project.code} {project.name}"), run, project)


def score_project(
    framework_id: str | Framework, project: Project, indicators: Sequence[Indicator]
) -> Scorecard:
    """Score one project with its own indicators: the per-item API the bulk path must equal."""
    framework = resolve_framework(framework_id)
    dataset = Dataset(projects=(project,), project_indicators=tuple(indicators))
    run = _Run(framework, Resolver(dataset, project=project, figures_override={}))
    return _score(run, f"{project.code} {project.name}")


def _subject_error(framework: Framework, other: str) -> InputError:
    kind = "项目" if framework.subject == "project" else "部门整体"
    return InputError("--framework", f"“{framework.id}”是{kind}评分框架，请使用 {other}")


# --------------------------------------------------------------------------- the tree


def _score(run: _Run, subject: str) -> Scorecard:
    framework = run.framework
    items = tuple(_score_node(run, node) for node in framework.items)
    total = _total(run, items)
    complete = all(i.status is Status.SCORED or FLAG_NOT_APPLICABLE in i.flags for i in items)
    # A total with unknown parts is a lower bound: grading it would understate the result.
    band = framework.grade_for(total) if total is not None and complete else None
    if total is not None and not complete and framework.grade_bands:
        run.finding(INCOMPLETE, Location(table="scorecard", source=framework.id), total=total)
    return Scorecard(
        framework=framework.id,
        framework_name=framework.name,
        version=framework.version,
        subject=subject,
        items=items,
        total=total,
        grade=band.grade if band else "",
        grade_label=band.label if band else "",
        complete=complete,
        findings=tuple(run.findings),
    )


def _total(run: _Run, items: tuple[ItemScore, ...]) -> Decimal | None:
    framework = run.framework
    if framework.scale != "points":
        return None
    known = [i for i in items if i.score is not None]
    if not known:
        return None
    if run.veto_total:
        return ZERO
    total = sum((i.score for i in known if i.score is not None), ZERO)
    applicable = [i for i in items if FLAG_NOT_APPLICABLE not in i.flags]
    if framework.not_applicable == "rescale" and len(applicable) < len(items) and applicable:
        # 按百分制折算: the items that apply are scaled up to the framework's total points.
        points = sum((i.points for i in applicable), ZERO)
        if points == 0:
            return round_half_up(total, framework.places)
        return round_half_up(exact(total * framework.total_points, points), framework.places)
    return round_half_up(total, framework.places)


def _score_node(run: _Run, node: Node) -> ItemScore:
    if node.rule is not None:
        return _score_leaf(run, node, node.rule, node.points, ONE)
    children = (
        _expanded(run, node)
        if node.expand is not None
        else tuple(_score_node(run, c) for c in node.children)
    )
    if node.expand is not None and not children:
        return ItemScore(
            node.code,
            node.name,
            node.points,
            None,
            "没有适用的绩效指标，本项不适用",
            Status.MISSING,
            rule="expand",
            flags=(FLAG_NOT_APPLICABLE,),
            note=node.note,
            loc=node.loc,
        )
    combined = _combine(run, node, children)
    if node.fallback is not None and combined.status is not Status.SCORED:
        return _fall_back(run, node, node.fallback, combined)
    return combined


def _fall_back(run: _Run, node: Node, spec: RuleSpec, combined: ItemScore) -> ItemScore:
    """Some child has no data: the node's own rule (usually the department's score) stands in."""
    own = _score_leaf(run, node, spec, node.points, ONE)
    if own.score is None:
        return combined
    gaps = "、".join(c.name for c in combined.children if c.status is not Status.SCORED)
    run.finding(
        FALLBACK_USED, run.at_item(node), code=node.code, name=node.name, gaps=gaps, score=own.score
    )
    text = f"下级指标（{gaps}）缺少数据，采用本级评分——{own.explanation}"
    return replace(own, explanation=text, children=combined.children, rule=f"fallback:{spec.type}")


def _combine(run: _Run, node: Node, children: tuple[ItemScore, ...]) -> ItemScore:
    known = [c for c in children if c.score is not None]
    # A child that is itself only partly scored leaves its parent partly scored too: its
    # score is a lower bound, so the parent's points minus it is no deduction (产出 20 over
    # 职责履行 with two of three indicators unscored printed “扣13.34分”).
    complete = len(known) == len(children) and all(c.status is not Status.PARTIAL for c in known)
    status = Status.SCORED if complete else Status.PARTIAL
    if not known:
        return _parent(node, children, None, "下级指标均缺少数据", Status.MISSING)
    vetoed = [c for c in children if FLAG_VETO in c.flags and _veto_scope(run, c) == "parent"]
    if vetoed:
        text = f"“{vetoed[0].name}”{FLAG_VETO}，本指标记 0 分"
        return _parent(node, children, ZERO, text, status, flags=(FLAG_VETO,))
    scores = [c.score for c in known if c.score is not None]
    combined = AGGREGATIONS[node.aggregation](scores, [c.rating for c in known])
    text = combined.explanation
    if node.aggregation == "weighted_sum":
        parts = " + ".join(f"{c.name} {num(c.score)}" for c in known if c.score is not None)
        text = f"{text} {num(combined.score)} 分（{parts}）"
    if len(known) < len(children):
        text += f"；{len(children) - len(known)} 项缺少数据，未计入"
    elif status is Status.PARTIAL:
        text += "；下级指标部分缺少数据，未计入"
    return _parent(node, children, combined.score, text, status, rating=combined.rating)


def _parent(
    node: Node,
    children: tuple[ItemScore, ...],
    score: Decimal | None,
    text: str,
    status: Status,
    *,
    rating: str = "",
    flags: tuple[str, ...] = (),
) -> ItemScore:
    return ItemScore(
        node.code,
        node.name,
        node.points,
        score,
        text,
        status,
        rule=node.aggregation,
        rating=rating,
        flags=flags,
        children=children,
        note=node.note,
        loc=node.loc,
    )


def _veto_scope(run: _Run, item: ItemScore) -> str:
    node = run.framework.node(item.code)
    return str(node.rule.params.get("scope", "total")) if node and node.rule else "total"


def _expanded(run: _Run, node: Node) -> tuple[ItemScore, ...]:
    """One leaf per performance indicator of the group, points shared by 权重."""
    assert node.expand is not None
    indicators = _indicators(run, node.expand.source, node.expand.level1)
    weights = [i.weight for i in indicators]
    if not all(w is not None and w > 0 for w in weights):
        weights = [ONE] * len(indicators)  # 权重 blank on any row: share the points equally
    # The points are shared at the printed precision by largest remainder, so the leaves'
    # points add up to the node's exactly (25 over 12 indicators: 2.09 × 4 + 2.08 × 8, not
    # 2.08 × 12 = 24.96), and full marks on every leaf are the node's points.
    shares = split_largest_remainder(
        node.points, [w for w in weights if w is not None], run.framework.places
    )
    children = []
    for n, (indicator, share) in enumerate(zip(indicators, shares, strict=True), start=1):
        leaf = Node(f"{node.code}.{n}", indicator.name, share, loc=indicator.loc)
        # a generated leaf is its indicator: findings point at that row of the dataset
        run.places[leaf.code] = Location(
            table=node.expand.source,
            row=indicator_key(indicator),
            source=indicator.loc,
        )
        children.append(
            _score_leaf(run, leaf, node.expand.rule, share, ONE, {"indicator": indicator})
        )
    return tuple(children)


def _indicators(run: _Run, source: str, level1: str) -> list[Indicator]:
    dataset, project = run.resolver.dataset, run.resolver.project
    rows: Sequence[Indicator]
    if source == "project_indicators" and project is not None:
        rows = run.resolver.indicators_by_owner.get(project.code, [])
    else:
        rows = dataset.project_indicators if source == "project_indicators" else dataset.indicators
    wanted = level1.removesuffix("指标")
    return [r for r in rows if not level1 or r.level1.removesuffix("指标") == wanted]


# --------------------------------------------------------------------------- leaves


def _score_leaf(
    run: _Run,
    node: Node,
    spec: RuleSpec,
    points_num: Decimal,
    points_den: Decimal,
    given: dict[str, Value] | None = None,
) -> ItemScore:
    values, missing = _inputs(run, node, spec, given or {})
    points = normalize(round_half_up(node.points, run.framework.places + 2))
    loc = node.loc or spec.loc
    if missing:
        text = "缺少数据：" + "；".join(missing)
        run.finding(
            MISSING_DATA,
            run.at_item(node),
            code=node.code,
            name=node.name,
            detail=f"{text}，无法评分",
        )
        return ItemScore(
            node.code,
            node.name,
            points,
            None,
            text,
            Status.MISSING,
            spec.type,
            note=node.note,
            loc=loc,
        )
    result = RULES[spec.type].score(_context(run, node, spec, points_num, points_den, values))
    _leaf_findings(run, node, spec, result)
    if result.veto == "total":
        run.veto_total = True
    status = Status.MISSING if result.score is None else Status.SCORED
    refs = tuple(_reference(run, node, ref, result) for ref in node.reference)
    return ItemScore(
        node.code,
        node.name,
        points,
        result.score,
        result.explanation,
        status,
        rating=result.rating,
        flags=result.flags,
        references=refs,
        rule=spec.type,
        note=node.note,
        loc=loc,
    )


def _context(
    run: _Run,
    node: Node,
    spec: RuleSpec,
    points_num: Decimal,
    points_den: Decimal,
    values: dict[str, Value],
) -> RuleContext:
    framework = run.framework
    return RuleContext(
        name=node.name,
        points_num=points_num,
        points_den=points_den,
        values=values,
        params=spec.params,
        places=framework.places,
        over_achievement=framework.over_achievement,
        qualitative=framework.qualitative,
    )


def _inputs(
    run: _Run, node: Node, spec: RuleSpec, given: dict[str, Value]
) -> tuple[dict[str, Value], list[str]]:
    """Resolve every input; name the ones a rule needs but the data does not have."""
    impl = RULES[spec.type]
    values: dict[str, Value] = dict(given)
    missing = []
    for name, source in spec.inputs.items():
        value = (
            run.resolver.resolve(source.binding, node.name)
            if source.is_binding
            else source.constant
        )
        if value is None or value == []:
            if name in impl.required:
                # what the user can fill in, not the rule's parameter name (scores, weights)
                missing.append(f"{_where(source.binding)}无数据")
            values[name] = None
            continue
        typed = impl.any_inputs or name in impl.list_inputs + impl.text_inputs
        if not typed and not isinstance(value, Decimal | ManualScore | bool | list):
            missing.append(f"{_where(source.binding)}的值“{value}”不是数字")
            continue
        values[name] = value
    missing += [
        f"{name}（未提供）" for name in impl.required if name not in values and name not in given
    ]
    return values, missing


def _where(binding: str) -> str:
    """Where an input reads from, in words (only needed for a message: not computed otherwise)."""
    return describe(binding) if binding else "常数"


def _leaf_findings(run: _Run, node: Node, spec: RuleSpec, result: RuleResult) -> None:
    where = run.at_item(node)
    item = {"code": node.code, "name": node.name}
    if result.score is None:
        run.finding(MISSING_DATA, where, **item, detail=f"无法评分：{result.explanation}")
    if FLAG_NO_REASON in result.flags:
        run.finding(MANUAL_NO_REASON, where, **item)
    if FLAG_OVER_POINTS in result.flags:
        run.finding(SCORE_OVER_POINTS, where, **item, points=node.points)
    if FLAG_TARGET_TOO_LOW in result.flags:
        run.finding(TARGET_TOO_LOW, where, **item, explanation=result.explanation)
    if FLAG_VETO in result.flags:
        run.finding(VETO, where, **item, explanation=result.explanation)


def _reference(run: _Run, node: Node, spec: RuleSpec, scored: RuleResult) -> str:
    """A reconstructed rule computed next to a manual score: reported, never counted."""
    values, missing = _inputs(run, node, spec, {})
    name = RULES[spec.type].verbose_name
    if missing:
        return f"参考（{name}）：缺少数据，未计算（{'；'.join(missing)}）"
    result = RULES[spec.type].score(_context(run, node, spec, node.points, ONE, values))
    if result.score is not None and scored.score is not None and result.score != scored.score:
        run.finding(
            REFERENCE_DIFFERS,
            run.at_item(node),
            code=node.code,
            name=node.name,
            rule=name,
            reference=result.score,
            score=scored.score,
            explanation=result.explanation,
        )
    return f"参考（{name}）：{result.explanation}"


# --------------------------------------------------------------------------- findings about the data


def _with_dataset_findings(card: Scorecard, run: _Run, dataset: Dataset) -> Scorecard:
    """What depends on the framework: its points, and the stated total and grade against it.

    Whether the department's own scorecard agrees with itself (parts add up, 扣N分, the
    lists of 满分项 and 扣分项, the stated total against its own sum) is the checks'
    (:mod:`jixiao.checks.rules.scorecard`), listed there once.
    """
    _check_points(run, dataset.scores)
    _check_stated_total(run, card, dataset)
    return _replace_findings(card, run)


def _with_project_findings(card: Scorecard, run: _Run, project: Project) -> Scorecard:
    if (
        project.self_score is not None
        and card.total is not None
        and project.self_score != card.total
    ):
        run.finding(
            PROJECT_TOTAL_MISMATCH,
            Location(table="projects", row=project.code, column="self_score", source=project.loc),
            project=project.name,
            stated=project.self_score,
            computed=card.total,
        )
    return _replace_findings(card, run)


def _replace_findings(card: Scorecard, run: _Run) -> Scorecard:
    return replace(card, findings=tuple(run.findings))


def _check_points(run: _Run, scores: Sequence[ScoreItem]) -> None:
    """The 分值 the department's scorecard gives an indicator against the framework's."""
    nodes = {n.code: n for n in run.framework.walk()}
    by_name = {n.name: n for n in run.framework.walk()}
    for item in scores:
        node = nodes.get(item.code) or by_name.get(item.name)
        if (
            node is None
            or item.points is None
            or node.name != item.name
            or node.points == item.points
        ):
            continue
        run.finding(
            POINTS_MISMATCH,
            Location(table="scores", row=item.code, column="points", source=item.loc),
            name=item.name,
            stated=item.points,
            framework_id=run.framework.id,
            framework=node.points,
        )


def _check_stated_total(run: _Run, card: Scorecard, dataset: Dataset) -> None:
    evaluation = dataset.self_evaluation

    def where(column: str, label: str) -> Location:
        # as the checks name the form's fields when it has no file place (the sheet the
        # workbook asks for the field on: 声明数 for these audit-only ones)
        source = evaluation.loc or f"{field_sheet('self_evaluation', column)}.{label}"
        return Location(table="self_evaluation", column=column, source=source)

    # When the framework's total is the scorecard's own sum, a stated total that differs
    # is the checks' score.total_mismatch (the same contradiction): listed there only.
    # A total with items lacking data is a lower bound, not a total to compare with.
    own_sum = run.resolver.figures.get("score.score_total")
    if (
        evaluation.stated_total is not None
        and card.total is not None
        and card.complete
        and evaluation.stated_total != card.total
        and card.total != own_sum
    ):
        run.finding(
            TOTAL_MISMATCH,
            where("stated_total", "自评总分（声明）"),
            stated=evaluation.stated_total,
            framework=card.framework,
            computed=card.total,
        )
    stated = evaluation.stated_grade.strip()
    if not stated or not card.grade:
        return
    if not same_grade(stated, card.grade) and not same_grade(stated, card.grade_label):
        bands = "，".join(
            f"{b.label} ≥ {num(b.minimum)}" for b in reversed(run.framework.grade_bands)
        )
        run.finding(
            GRADE_MISMATCH,
            where("stated_grade", "自评等级（声明）"),
            stated=stated,
            framework=card.framework,
            bands=bands,
            total=card.total or ZERO,
            computed=card.grade_label,
        )
