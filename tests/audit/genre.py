"""A generator of self-evaluation report text in the genre, from random consistent numbers.

Every number it writes is derived from the same random dataset the way a careful
finance office would compute it (half-up rounding to the printed precision), and each
is recorded as a mutation site so that the tests can change exactly one number.
It covers the relations the audit checks: totals and parts (元/万元), shares, ratios to
budget, savings, changes against last year, headcount, unit kinds and the unit table,
listed counts, the scorecard with deductions, its conclusion and grade.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.lib.money import HUNDRED, format_amount, format_number, round_half_up

CN_DIGITS = "零一二三四五六七八九"


@dataclass
class Text:
    """Lines of text and the (line, start, end) of every number written into them."""

    lines: list[str] = field(default_factory=list)
    sites: list[tuple[int, int, int]] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)
    _spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, *pieces: str | Num) -> Text:
        for piece in pieces:
            if isinstance(piece, Num):
                start = sum(len(p) for p in self._parts)
                self._spans.append((start, start + len(piece.text)))
                self._parts.append(piece.text)
            else:
                self._parts.append(piece)
        return self

    def end(self) -> None:
        """Finish the current line (paragraph)."""
        index = len(self.lines)
        self.lines.append("".join(self._parts))
        self.sites += [(index, s, e) for s, e in self._spans]
        self._parts, self._spans = [], []

    def line(self, *pieces: str | Num) -> None:
        self.add(*pieces).end()

    def plain(self, line: str) -> None:
        """A line whose numbers are not claims (序号、编码) and are never mutated."""
        self.lines.append(line)


@dataclass(frozen=True)
class Num:
    text: str


def money(value: Decimal) -> Num:
    return Num(format_amount(value))


def pct(value: Decimal) -> Num:
    return Num(format_number(value))


def num(value: Decimal | int, places: int = 0) -> Num:
    return Num(format_number(Decimal(value), places) if places else str(value))


def share(part: Decimal, base: Decimal) -> Decimal:
    return round_half_up(part / base * HUNDRED, 2)


def amount(rng: random.Random, low: int, high: int) -> Decimal:
    """A money amount in 万元 with two decimals (whole 元 × 100)."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def generate(seed: int) -> Text:
    """One report in the genre; the same seed gives the same text."""
    rng = random.Random(seed)
    text = Text()
    year = rng.randint(2019, 2026)
    text.plain(f"{year} 年度部门整体支出绩效自评报告")
    text.plain("一、部门基本情况")
    _units(rng, text)
    _headcount(rng, text)
    text.plain("（二）部门整体支出情况")
    budget = _income(rng, text, year)
    _expenditure(rng, text, year, budget)
    _three_public(rng, text, year)
    _carryover(rng, text, year)
    text.plain("二、绩效自评情况")
    _scores(rng, text, year)
    return text


UNIT_NAMES = (
    "信息中心",
    "监测研究中心",
    "合作研究促进中心",
    "技术经济研究发展中心",
    "情报研究所",
    "基础条件平台中心",
    "生产力促进中心",
    "实验动物监测所",
    "科学中心",
    "基金委员会",
    "培训中心",
    "评估中心",
)
DIVISIONS = (
    "办公室",
    "综合规划处",
    "政策法规处",
    "资源配置处",
    "监督处",
    "基础研究处",
    "高新技术处",
    "人事处",
    "机关党委",
)


def _units(rng: random.Random, text: Text) -> None:
    text.plain("（一）机构设置")
    divisions = rng.sample(DIVISIONS, rng.randint(3, len(DIVISIONS)))
    text.line("本级内设机构为：", "、".join(divisions), "共", num(len(divisions)), "个处室。")
    admin = rng.randint(1, 2)
    institutions = rng.sample(UNIT_NAMES, rng.randint(3, 9))
    total = admin + len(institutions)
    text.line("纳入部门决算共", num(total), "个单户单位（详见表1）。")
    text.line(
        "从单位基本性质来看，包括",
        num(admin),
        "个行政单位和",
        num(len(institutions)),
        "个事业单位。",
    )
    text.plain("表1 预算单位构成")
    text.plain("序号\t预算编码\t单位名称\t单位性质")
    rows = [("本级机关" if i == 0 else f"直属机关{i}", "行政机关") for i in range(admin)]
    rows += [(name, rng.choice(("公益一类", "公益二类"))) for name in institutions]
    for index, (name, kind) in enumerate(rows, start=1):
        text.plain(f"{index}\t{163000 + index}\t{name}\t{kind}")
    text.line(
        "纳入预算编制范围的",
        num(len(institutions)),
        "个下属事业单位分别是：",
        "、".join(institutions),
        "。",
    )


def _headcount(rng: random.Random, text: Text) -> None:
    active, retired = rng.randint(50, 900), rng.randint(10, 400)
    text.line(
        "年末实有人数 ",
        num(active + retired),
        " 人，其中在职人员 ",
        num(active),
        " 人，离退休人员 ",
        num(retired),
        " 人。",
    )


INCOME = ("财政拨款收入", "事业收入", "经营收入", "其他收入")


def _income(rng: random.Random, text: Text, year: int) -> dict[str, Decimal]:
    text.plain("1.部门预算编制情况")
    budget = {name: amount(rng, 500, 200000) for name in INCOME}
    total = sum(budget.values(), Decimal(0))
    text.add(f"{year}年年初预算收入为", money(total), "万元，其中：")
    text.add(*_listing([(n, budget[n]) for n in INCOME]))
    text.line("。")
    text.plain("2.部门决算情况")
    final = {
        name: round_half_up(budget[name] * Decimal(rng.randint(4000, 40000)) / 10000)
        for name in INCOME
    }
    final_total = sum(final.values(), Decimal(0))
    text.add(
        f"（1）决算收入情况。本部门 {year} 年决算收入合计 ",
        money(final_total),
        " 万元，为年初预算的 ",
    )
    text.add(pct(share(final_total, total)), "%，其中：")
    for index, name in enumerate(INCOME):
        separator = "；" if index < len(INCOME) - 1 else "。"
        text.add(
            name,
            " ",
            money(final[name]),
            " 万元，占总收入 ",
            pct(share(final[name], final_total)),
            "%",
            separator,
        )
    text.end()
    for marker, name in zip("①②③④", INCOME, strict=True):
        text.line(
            f"{marker} {name} {year} 年决算收入合计 ", money(final[name]), " 万元，为年初预算的 ",
            pct(share(final[name], budget[name])), "%。",
        )  # fmt: skip
    return budget


def _listing(items: list[tuple[str, Decimal]]) -> list[str | Num]:
    pieces: list[str | Num] = []
    for index, (name, value) in enumerate(items):
        if index:
            pieces.append("、" if index < len(items) - 1 else "和")
        pieces += [name, money(value), "万元"]
    return pieces


def _expenditure(
    rng: random.Random, text: Text, year: int, income_budget: dict[str, Decimal]
) -> None:
    staff, office = amount(rng, 1000, 40000), amount(rng, 300, 9000)
    basic = staff + office
    project = sum(income_budget.values(), Decimal(0)) - basic
    if project <= 0:
        project = amount(rng, 1000, 90000)
    total = basic + project
    text.add(
        f"{year}年年初预算支出为",
        money(total),
        "万元，按支出性质分类，基本支出",
        money(basic),
        "万元，其中：",
    )
    text.add(
        "人员经费",
        money(staff),
        "万元、日常公用经费",
        money(office),
        "万元。项目支出",
        money(project),
        "万元。",
    )
    text.end()
    f_staff = round_half_up(staff * Decimal(rng.randint(7000, 11000)) / 10000)
    f_office = round_half_up(office * Decimal(rng.randint(5000, 11000)) / 10000)
    f_basic = f_staff + f_office
    f_project = round_half_up(project * Decimal(rng.randint(6000, 45000)) / 10000)
    f_total = f_basic + f_project
    text.line(
        f"（2）决算支出情况。本部门 {year} 年决算支出合计 ",
        money(f_total),
        " 万元，为年初预算的 ",
        pct(share(f_total, total)),
        "%，其中：",
    )
    text.add(
        f"① 基本支出 {year} 年决算支出合计 ",
        money(f_basic),
        " 万元，为年初预算的 ",
        pct(share(f_basic, basic)),
        "%。",
    )
    text.add(
        "其中：人员经费决算支出 ",
        money(f_staff),
        " 万元，为年初预算的 ",
        pct(share(f_staff, staff)),
        "%。",
    )
    text.line(
        "公用经费决算支出 ",
        money(f_office),
        " 万元，为年初预算的 ",
        pct(share(f_office, office)),
        "%。",
    )
    goods = round_half_up(f_project * Decimal(rng.randint(5000, 9900)) / 10000)
    other = round_half_up(goods * Decimal(rng.randint(3000, 9000)) / 10000)
    entrusted = round_half_up((goods - other) * Decimal(rng.randint(1000, 9000)) / 10000)
    text.add(
        f"② 项目支出 {year} 年决算支出合计 ",
        money(f_project),
        " 万元，为年初预算的 ",
        pct(share(f_project, project)),
        "%，",
    )
    text.add(
        "主要是商品和服务支出 ",
        money(goods),
        " 万元，占项目支出 ",
        pct(share(goods, f_project)),
        "%，其中：",
    )
    text.add("其他商品和服务支出 ", money(other), " 万元，占比 ", pct(share(other, goods)), "%，")
    text.line("委托业务费 ", money(entrusted), " 万元，占比 ", pct(share(entrusted, goods)), "%。")


THREE_PUBLIC = ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费")


def _three_public(rng: random.Random, text: Text, year: int) -> None:
    text.plain("（三）“三公”经费支出情况")
    final = {name: amount(rng, 1, 300) for name in THREE_PUBLIC}
    prior = {name: amount(rng, 1, 300) for name in THREE_PUBLIC}
    total, prior_total = sum(final.values(), Decimal(0)), sum(prior.values(), Decimal(0))
    budget = total + amount(rng, 1, 200)
    text.add(
        f"{year}年“三公”经费支出合计", money(total), "万元，比年初预算的", money(budget), "万元节约"
    )
    text.add(money(budget - total), "万元。其中：")
    pieces = [(f"{name}支出", final[name]) for name in THREE_PUBLIC]
    for index, (name, value) in enumerate(pieces):
        text.add(name, money(value), "万元", "，" if index < len(pieces) - 1 else "。")
    text.end()
    text.line(
        f"{year}年“三公”经费支出合计",
        money(total),
        "万元，较上年同口径",
        *_change(total, prior_total),
        "。",
    )
    for name in THREE_PUBLIC:
        text.line(f"“{name}”本年度比上年度", *_change(final[name], prior[name]), "。")


def _change(current: Decimal, prior: Decimal) -> list[str | Num]:
    delta = current - prior
    if delta >= 0:
        return ["增加", money(delta), "万元，增幅", pct(share(delta, prior)), "%"]
    return ["减少", money(-delta), "万元，减幅", pct(share(-delta, prior)), "%"]


def _carryover(rng: random.Random, text: Text, year: int) -> None:
    closing, opening = amount(rng, 1000, 90000), amount(rng, 1000, 90000)
    text.line(
        f"{year} 年年末结转结余 ",
        money(closing),
        " 万元，比上年同口径的 ",
        money(opening),
        " 万元",
        *_change(closing, opening),
        "。",
    )


MANAGEMENT = (
    ("预算编制", 5),
    ("预算执行", 4),
    ("信息公开", 3),
    ("绩效管理", 15),
    ("采购管理", 10),
    ("资产管理", 10),
    ("运行成本", 3),
)
GRADES = ((Decimal(90), "优秀"), (Decimal(80), "良好"), (Decimal(60), "中等"), (Decimal(0), "差"))


def _scores(rng: random.Random, text: Text, year: int) -> None:
    scores = {name: _score(rng, points) for name, points in MANAGEMENT}
    performance = Decimal(rng.randint(60, 100)) / 2
    management = sum(scores.values(), Decimal(0))
    total = performance + management
    full = [name for name, points in MANAGEMENT if scores[name] == points]
    deducted = [name for name, points in MANAGEMENT if scores[name] < points]
    grade = next(name for low, name in GRADES if total >= low)
    text.plain("（一）自评结论")
    text.add(
        f"对本部门 {year} 年度部门整体支出绩效进行了自评，整体指标自评得分为 ", num(total, 2), " 分"
    )
    if full:
        text.add("，从二级指标的评分情况来看：", "、".join(full), "的自评得满分")
    if deducted:
        text.add("；", "、".join(deducted), "等方面有扣分，要进一步完善")
    text.line("。")
    text.line(f"综上所述，本部门整体绩效自评为{grade}等级。")
    text.plain("（二）履职效能分析")
    text.line(
        "履职效能反映部门履职的成效。该指标分值",
        num(50),
        "分，自评得分",
        _score_num(performance),
        "分。",
    )
    text.plain("（三）管理效率分析")
    text.line(
        "管理效率反映部门的预算管理水平。该指标分值",
        num(50),
        "分，自评得分",
        _score_num(management),
        "分。",
    )
    for index, (name, points) in enumerate(MANAGEMENT, start=1):
        text.add(
            f"{index}. {name}情况。该指标分值",
            num(points),
            "分，自评得分",
            _score_num(scores[name]),
            "分。",
        )
        if scores[name] < points:
            text.add("部分工作仍需加强，扣", _score_num(points - scores[name]), "分。")
        text.end()


def _score(rng: random.Random, points: int) -> Decimal:
    if rng.random() < 0.4:
        return Decimal(points)
    return Decimal(rng.randint(points * 40, points * 100)) / 100


def _score_num(value: Decimal) -> Num:
    text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return Num(text)


def mutate(text: Text, rng: random.Random) -> tuple[list[str], tuple[int, int, int], str, str]:
    """Change one digit of one number: (lines, site, old number, new number)."""
    site = rng.choice(text.sites)
    line_index, start, end = site
    old = text.lines[line_index][start:end]
    digits = [i for i, char in enumerate(old) if char.isdigit()]
    position = rng.choice(digits)
    choices = [
        d
        for d in "0123456789"
        if d != old[position] and not (d == "0" and position == 0 and len(digits) > 1)
    ]
    new = old[:position] + rng.choice(choices) + old[position + 1 :]
    lines = list(text.lines)
    lines[line_index] = lines[line_index][:start] + new + lines[line_index][end:]
    return lines, site, old, new
