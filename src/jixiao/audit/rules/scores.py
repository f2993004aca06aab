"""The scorecard in the text: 分值/得分/扣分, sums, the conclusion and the grade."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from jixiao.audit.claims import Claim
from jixiao.audit.document import Heading, Paragraph
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import SCORE
from jixiao.audit.rules.base import E, W, plain, rule, score_slack, show
from jixiao.audit.verify import Verdict, judge_amount
from jixiao.domain.grades import GradeBand, grade_for, same_grade
from jixiao.findings import Severity
from jixiao.lib.money import normalize, parse_decimal

# --------------------------------------------------------------------------- 分值、得分与扣分


@dataclass(eq=False)
class ScoreItem:
    name: str
    heading: Heading | None
    para: Paragraph
    points: Claim | None = None
    score: Claim | None = None
    deductions: list[Claim] = field(default_factory=list)
    children: list[ScoreItem] = field(default_factory=list)


@dataclass
class Scorecard:
    items: list[ScoreItem]
    total: Claim | None  #: "自评得分为 89.56 分" outside any item
    restated_totals: list[Claim] = field(default_factory=list)  #: later "自评总分 … 分" statements
    full_marks: list[Claim] = field(default_factory=list)  #: "（满分 100 分）" beside a total

    def roots(self) -> list[ScoreItem]:
        inner = {id(child) for item in self.items for child in item.children}
        return [i for i in self.items if id(i) not in inner]

    def find(self, name: str) -> ScoreItem | None:
        wanted = _clean_name(name)
        return next((i for i in self.items if _clean_name(i.name) == wanted), None)


#: How a report states its total score: "整体指标自评得分为", "自评总分", "综合得分".
_TOTAL_SCORE = re.compile(r"(总分|总得分|综合得分|整体[^，,。；]*得分)\s*(?:为|是|达)?\s*$")
#: The full score of a scorecard.
TOTAL_POINTS = Decimal(100)
_TITLE_SUFFIX = re.compile(r"(的?情况分析|情况|分析)$")
_NAME_NOISE = re.compile(r"其中|指标|情况|方面|分析|等|的|自评|均|都|二级|一级|三级|\s|“|”")


def _clean_name(name: str) -> str:
    return _NAME_NOISE.sub("", name)


def scorecard(audit: Audit) -> Scorecard:
    cached = audit.cache.get("scorecard")
    if cached is None:
        cached = _read_scorecard(audit)
        audit.cache["scorecard"] = cached
    return cached  # type: ignore[return-value]


def _read_scorecard(audit: Audit) -> Scorecard:
    items: list[ScoreItem] = []
    total: Claim | None = None
    restated: list[Claim] = []
    full: list[Claim] = []
    for para in audit.doc.body():
        scores = [c for c in audit.claims.in_paragraph(para) if c.kind == SCORE and not c.q.approx]
        if not scores:
            continue
        item = _score_item(para, scores)
        if item is not None:
            items.append(item)
            continue
        totals = [c for c in scores if _TOTAL_SCORE.search(c.prefix)]
        # "（满分 100 分）" is the scorecard's; "得满分 3 分" an item's full marks.
        full.extend(c for c in scores if re.search(r"(?<![得获])满分\s*(?:为)?\s*$", c.prefix))
        if totals and total is None:
            total, totals = totals[0], totals[1:]
        restated.extend(totals)
    _link(items)
    return Scorecard(items, total, restated, full)


def _score_item(para: Paragraph, scores: list[Claim]) -> ScoreItem | None:
    # "分值 N 分" makes an item; "（满分 100 分）" beside a total is the scorecard's, not an item's.
    points = next((c for c in scores if "分值" in c.prefix), None)
    if points is None:
        return None
    heading = para.heading or (para.trail[-1] if para.trail else None)
    name = _TITLE_SUFFIX.sub("", heading.title) if heading else ""
    item = ScoreItem(name, heading, para, points)
    item.score = next((c for c in scores if "得分" in c.prefix and c is not points), None)
    item.deductions = _deductions(para, scores, item.score)
    return item


#: "每超过1%扣0.4分", "每项扣1分": a scoring rule's rate, not a deduction made.
_PER_UNIT = re.compile(r"每[^，,。；;]*$")
_THEN_SCORE = re.compile(r"\s*[，,]?\s*(?:最终|实际)?得\s*(\d+(?:\.\d+)?)\s*分")


def _deductions(para: Paragraph, scores: list[Claim], score: Claim | None) -> list[Claim]:
    """The deductions the item states ("扣 1 分"), without the rule's rates ("每超过1%扣0.4分").
    A deduction followed by the score it leaves ("…，扣4分，得0分") sums up the others: it is
    the item's whole deduction, stated again after the reasons."""
    found = [
        c
        for c in scores
        if re.search(r"扣(?:除|减)?\s*$", c.prefix)
        and not _PER_UNIT.search(para.text[para.clause_at(c.q.start).start : c.q.start])
        and not _PER_UNIT.search(c.prefix)
    ]
    if score is not None:
        for claim in found:
            then = _THEN_SCORE.match(para.text, claim.q.end)
            if then and Decimal(then.group(1)) == score.q.value and len(found) > 1:
                return [claim]
    return found


def _link(items: list[ScoreItem]) -> None:
    """An item's parent is the latest earlier item whose heading encloses it."""
    for position, item in enumerate(items):
        for parent in reversed(items[:position]):
            if (
                parent.heading is not None
                and parent.heading in item.para.trail
                and parent.heading is not item.heading
            ):
                parent.children.append(item)
                break


@rule("score", "分值、得分与扣分")
def check_scores(audit: Audit) -> None:
    """ "该指标分值 15 分，自评得分 13.5 分……扣 1 分": the deduction is 分值 − 得分."""
    for item in scorecard(audit).items:
        points, score = item.points, item.score
        if points is None or score is None:
            continue
        audit.mark(points, score)
        if score.q.value > points.q.value:
            audit.report(
                "score",
                E,
                score,
                points.q.value,
                f"“{item.name}”自评得分 {show(score)} 超过分值 {show(points)}",
            )
        if item.deductions:
            stated = sum((d.q.value for d in item.deductions), Decimal(0))
            expected = points.q.value - score.q.value
            audit.mark(*item.deductions)
            if stated != expected:
                audit.report(
                    "score",
                    E,
                    item.deductions[-1],
                    normalize(expected),
                    f"“{item.name}”分值 {show(points)}、自评得分 {show(score)}，应扣 {plain(expected)} 分，文中写扣 {plain(stated)} 分",
                    stated=normalize(stated),
                )


@rule("score-total", "得分汇总")
def check_score_totals(audit: Audit) -> None:
    """Sub-items add up to their item, and the top items to the total score."""
    card = scorecard(audit)
    for item in card.items:
        if len(item.children) >= 2:
            _check_children(
                audit, item.name, item.score, [c.score for c in item.children], "自评得分"
            )
            _check_children(
                audit, item.name, item.points, [c.points for c in item.children], "分值"
            )
    _check_restated_totals(audit, card)
    roots = card.roots()
    if card.total is not None and len(roots) >= 2:
        _check_children(audit, "总分", card.total, [r.score for r in roots], "自评得分")
        _check_full_hundred(audit, roots)


def _check_restated_totals(audit: Audit, card: Scorecard) -> None:
    """Every later statement of the total score says the same; "满分 N 分" is the scorecard's 100."""
    total = card.total
    if total is not None:
        for again in card.restated_totals:
            audit.mark(total, again)
            if again.q.value != total.q.value:
                message = (
                    f"总分前后不一致：第 {total.line} 行写 {show(total)}，此处为 {show(again)}"
                )
                audit.report("score-total", E, again, total.q.value, message)
    for full in card.full_marks:
        audit.mark(full)
        if full.q.value != TOTAL_POINTS:
            audit.report("score-total", E, full, TOTAL_POINTS, f"评分表满分应为 {TOTAL_POINTS} 分")


def _check_full_hundred(audit: Audit, roots: list[ScoreItem]) -> None:
    """The top items of a scorecard share 100 points (财预〔2020〕10号: 总分 100 分)."""
    points = [r.points for r in roots if r.points is not None]
    if len(points) != len(roots):
        return
    total = sum((p.q.value for p in points), Decimal(0))
    if total != TOTAL_POINTS:
        terms = " + ".join(f"“{r.name}” {plain(r.points.q.value)}" for r in roots if r.points)
        audit.report(
            "score-total",
            W,
            points[-1],
            None,
            f"一级指标分值合计 {terms} = {plain(total)} 分，评分表总分应为 {TOTAL_POINTS} 分",
        )


def _check_children(
    audit: Audit, name: str, parent: Claim | None, children: list[Claim | None], what: str
) -> None:
    present = [c for c in children if c is not None]
    if parent is None or len(present) != len(children):
        return
    exact = sum((c.q.value for c in present), Decimal(0))
    audit.mark(parent, *present)
    # Scores are exact (an evaluator's points), unless printed rounded (25 / 12 = 2.08);
    # a one-unit gap is only a rounding matter when scores are printed to the hundredth.
    verdict = judge_amount(parent.q, exact, score_slack(*(c.q for c in present)))
    if verdict.severity is Severity.INFO and parent.q.places < 2:
        verdict = Verdict(E, verdict.expected)
    if not verdict.ok:
        terms = " + ".join(plain(c.q.value) for c in present)
        audit.report(
            "score-total",
            verdict.severity or E,
            parent,
            verdict.expected,
            f"“{name}”的{what}应为下级各项之和 {terms} = {plain(exact)} 分",
        )


# --------------------------------------------------------------------------- 自评结论

#: The list a conclusion names sits right before these words, after the last clause break.
_FULL_MARKS = re.compile(r"(?:的)?(?:自评)?(?:均|都|全部)?(?:为|得|获得|取得)?满分")
_DEDUCTED = re.compile(r"等?(?:方面|指标)?(?:均)?(?:有|存在|出现)(?:所)?扣分")
#: "整体效能、专项效能因缺少数据未单独评分": items the text itself says were not scored;
#: "整体效能部分指标暂未评分": an item only partly scored (its score is no deduction either).
_NOT_SCORED = re.compile(
    r"(?:因[^，,。；;]*?)?(?:部分(?:下级)?指标)?暂?"
    r"(?:未单独评分|未能单独评分|未评分|未予评分|不予评分|暂不评分|无法评分|未单独打分|评分不完整)"
)
_LIST_START = {_FULL_MARKS: "。；;：:", _DEDUCTED: "。；;：:，,", _NOT_SCORED: "。；;：:，,"}
_LIST_SPLIT = re.compile(r"[、，,及和与]")


@rule("conclusion", "自评结论与各项得分")
def check_conclusions(audit: Audit) -> None:
    """ "A、B、C 的自评得满分；D 和 E 等方面有扣分" against each item's own score."""
    card = scorecard(audit)
    if not card.items:
        return
    for para in audit.doc.body():
        full = _named_items(card, para, _FULL_MARKS)
        deducted = _named_items(card, para, _DEDUCTED)
        for item, start, end in full:
            _full_marks_claim(audit, item, para, start, end)
        _contradictions(audit, para, full, deducted)
        if deducted:
            # An item the text says was not scored is no deduction the conclusion leaves out.
            not_scored = _named_items(card, para, _NOT_SCORED)
            _omissions(audit, para, full + not_scored, deducted, card)


def _named_items(
    card: Scorecard, para: Paragraph, pattern: re.Pattern[str]
) -> list[tuple[ScoreItem, int, int]]:
    found: list[tuple[ScoreItem, int, int]] = []
    word = {_FULL_MARKS: "满分", _DEDUCTED: "扣分"}.get(pattern, "评分")
    if word not in para.text:
        return found
    for match in pattern.finditer(para.text):
        breaks = _LIST_START[pattern]
        offset = max((para.text.rfind(b, 0, match.start()) for b in breaks), default=-1) + 1
        for name in _LIST_SPLIT.split(para.text[offset : match.start()]):
            item = card.find(name)
            position = para.text.find(name, offset)
            if item is not None and name.strip():
                found.append((item, position, position + len(name)))
    return found


def _full_marks_claim(audit: Audit, item: ScoreItem, para: Paragraph, start: int, end: int) -> None:
    audit.extra_claims += 1
    if item.points is None or item.score is None:
        return
    audit.extra_checked += 1
    if item.score.q.value < item.points.q.value:
        audit.report_at(
            "conclusion",
            E,
            para,
            start,
            end,
            item.points.q.text,
            item.score.q.text,
            f"自评结论称“{item.name}”得满分（{show(item.points)}），但该项自评得分为 {show(item.score)}（第 {item.score.line} 行）",
        )


def _contradictions(
    audit: Audit,
    para: Paragraph,
    full: list[tuple[ScoreItem, int, int]],
    deducted: list[tuple[ScoreItem, int, int]],
) -> None:
    full_items = {id(i) for i, _, _ in full}
    for item, start, end in deducted:
        audit.extra_claims += 1
        audit.extra_checked += 1
        if id(item) in full_items:
            audit.report_at(
                "conclusion",
                E,
                para,
                start,
                end,
                None,
                None,
                f"自评结论既称“{item.name}”得满分，又称其有扣分，前后矛盾",
            )
        elif (
            item.points is not None
            and item.score is not None
            and item.score.q.value >= item.points.q.value
        ):
            audit.report_at(
                "conclusion",
                E,
                para,
                start,
                end,
                item.score.q.text,
                item.points.q.text,
                f"自评结论称“{item.name}”有扣分，但该项自评得分 {show(item.score)} 已为满分",
            )


def _omissions(
    audit: Audit,
    para: Paragraph,
    full: list[tuple[ScoreItem, int, int]],
    deducted: list[tuple[ScoreItem, int, int]],
    card: Scorecard,
) -> None:
    named_ids = {id(i) for i, _, _ in full + deducted}
    levels = {i.heading.level for i, _, _ in full + deducted if i.heading}
    missed = [
        i
        for i in card.items
        if id(i) not in named_ids
        and i.heading is not None
        and i.heading.level in levels
        and i.points is not None
        and i.score is not None
        and i.score.q.value < i.points.q.value
    ]
    if missed:
        _, start, end = deducted[0]
        names = "、".join(
            f"“{i.name}”（{i.score.q.text}/{i.points.q.text} 分）"
            for i in missed
            if i.score and i.points
        )
        audit.report_at(
            "conclusion",
            W,
            para,
            start,
            end,
            None,
            None,
            f"自评结论所列扣分项未包括同样有扣分的 {names}",
        )


# --------------------------------------------------------------------------- 等级


def _score_beside(audit: Audit, para: Paragraph, offset: int, items: set[int]) -> Claim | None:
    """ "自评得分为 85 分，评价等级为优秀": the score the sentence gives right before its grade
    (not an item's own 得分), when the report states no total elsewhere."""
    sentence = para.sentence_at(offset)
    scores = [
        c
        for c in audit.claims.in_paragraph(para)
        if sentence.start <= c.q.start < offset
        and c.kind == SCORE
        and not c.q.approx
        and id(c) not in items
        and re.search(r"得分|总分|评分|分数", c.prefix)
        and not re.search(r"分值|满分|扣", c.prefix)
    ]
    return scores[-1] if len(scores) == 1 else None


_GRADE = re.compile(
    r"(?:自评|评价|评定|考核|绩效)(?:结果|等级)?(?:为|是|评定为|评为|属于|达到)\s*[“\"]?\s*(优秀|良好|中等|合格|较差|差|优|良|中)\s*[”\"]?\s*(等级|等次|档次|级)?"
)


@rule("grade", "等级与总分")
def check_grades(audit: Audit) -> None:
    """ "自评为优秀等级" against the total score, by the national bands (a province may differ).

    The bands are those of :data:`jixiao.scoring.grading.GRADING_FRAMEWORK` (财预〔2020〕10号),
    read from its YAML (:func:`national_bands`); the spellings (优秀 = 优, 合格 = 中…) are
    :mod:`jixiao.domain.grades`'s. The audit keeps no copy of either.
    """
    card = scorecard(audit)
    items = {id(item.score) for item in card.items} | {id(item.points) for item in card.items}
    for para in audit.doc.body():
        for match in _GRADE.finditer(para.text):
            audit.extra_claims += 1
            total = card.total or _score_beside(audit, para, match.start(), items)
            if total is None:
                continue
            band = grade_for(national_bands(), total.q.value)
            if band is None:
                continue
            audit.extra_checked += 1
            if same_grade(match.group(1), band.grade):
                continue
            audit.report_at(
                "grade",
                W,
                para,
                match.start(1),
                match.end(1),
                None,
                None,
                f"总分 {show(total)}（第 {total.line} 行）按财预〔2020〕10号的等级划分（{_bands_text()}）"
                f"应为“{band.grade}”，文中为“{match.group(1)}”；如本地通知另有标准，请核对",
            )


def _bands_text() -> str:
    """ "90 分及以上为优、80–90 分为良、60–80 分为中、60 分以下为差", from the bands' data."""
    bands = sorted(national_bands(), key=lambda b: b.minimum, reverse=True)
    parts = []
    for upper, band in zip([None, *bands], bands, strict=False):
        low = plain(band.minimum)
        if upper is None:
            parts.append(f"{low} 分及以上为{band.grade}")
        elif band.minimum > 0:
            parts.append(f"{low}–{plain(upper.minimum)} 分为{band.grade}")
        else:
            parts.append(f"{plain(upper.minimum)} 分以下为{band.grade}")
    return "、".join(parts)


@cache
def national_bands() -> tuple[GradeBand, ...]:
    """The grade bands of :data:`jixiao.scoring.grading.GRADING_FRAMEWORK`, as
    ``grading_framework().grade_bands`` gives them, read from the framework file's
    ``grade_bands`` alone.

    Loading the whole framework imports the scoring loader (the dataset model, the scoring
    rules) and checks every indicator: ≈ 0.05 s of CPU after the text of a report has
    arrived, for four bands (issue 15 item 4; docs/performance.md, the audit section).
    Bands in any other shape than ``{grade, label?, min}`` entries are left to the loader,
    with its checks and messages; a test keeps the two readings equal.
    """
    from importlib import resources

    from jixiao.scoring.grading import GRADING_FRAMEWORK

    # The framework package's file, as the loader reads it (libyaml when installed).
    text = (resources.files("jixiao.scoring.frameworks") / f"{GRADING_FRAMEWORK}.yaml").read_text(
        "utf-8"
    )
    bands = bands_in(text)
    if bands is None:
        from jixiao.scoring.grading import grading_framework

        return grading_framework().grade_bands
    return bands


def bands_in(text: str) -> tuple[GradeBand, ...] | None:
    """The grade bands of a framework file's ``text`` as the loader gives them (each band's
    maximum the next one's minimum), or None when they are not plain entries."""
    import yaml

    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    entries = _grade_band_entries(root)
    if entries is None:
        return None
    entries.sort(key=lambda entry: entry[2])
    uppers = [minimum for _, _, minimum in entries[1:]] + [None]
    return tuple(
        GradeBand(grade, label, minimum, upper)
        for (grade, label, minimum), upper in zip(entries, uppers, strict=True)
    )


def _grade_band_entries(root: object) -> list[tuple[str, str, Decimal]] | None:
    """(grade, label, minimum) of each ``grade_bands`` entry; None for anything else than
    plain entries with a grade and a minimum, distinct, the lowest 0 (the loader's checks
    and messages then apply)."""
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return None
    node = next(
        (
            value
            for key, value in root.value
            if isinstance(key, yaml.ScalarNode) and key.value == "grade_bands"
        ),
        None,
    )
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        return None
    entries: list[tuple[str, str, Decimal]] = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            return None
        fields: dict[str, str] = {}
        for key, value in item.value:
            if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
                return None
            fields[key.value] = value.value
        if not {"grade", "min"} <= set(fields) <= {"grade", "label", "min"} or not all(
            map(str.strip, fields.values())
        ):
            return None
        minimum = parse_decimal(fields.get("min", ""))
        if minimum is None or minimum < 0:
            return None
        entries.append(
            (fields["grade"].strip(), fields.get("label", fields["grade"]).strip(), minimum)
        )
    minimums = [minimum for _, _, minimum in entries]
    if len(set(minimums)) != len(minimums) or min(minimums) != 0:
        return None
    return entries
