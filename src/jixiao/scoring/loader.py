"""Load and validate framework YAML files (指标体系文件).

Every problem is collected with its ``file:line`` (from the ``yaml.compose`` node marks,
as the dataset text form does) and raised together as :class:`FrameworkError`; nothing
is returned from a file that has errors. Numbers are read as text and parsed to
``Decimal`` (YAML floats would turn 0.3 into 0.299999…).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any, Protocol

import yaml

from jixiao.dataset.build import DatasetError, InputError
from jixiao.domain.grades import GRADE_ORDER
from jixiao.domain.signs import QUALITATIVE_GRADES
from jixiao.io.textform import _LOADER, DEEP, repeated_keys, yaml_error
from jixiao.lib.money import ZERO, in_range, parse_decimal
from jixiao.scoring import bindings
from jixiao.scoring.aggregate import AGGREGATIONS
from jixiao.scoring.model import (
    Expand,
    Framework,
    GradeBand,
    Input,
    Node,
    OverAchievement,
    RuleSpec,
)
from jixiao.scoring.rules import RULES, Band, Element, num

FRAMEWORK_PACKAGE = "jixiao.scoring.frameworks"


class FrameworkError(DatasetError):
    """A framework file could not be loaded; ``errors`` lists every problem with file:line."""


class UnknownFramework(FrameworkError):
    """No shipped framework has this id."""


# --------------------------------------------------------------------------- located YAML


@dataclass
class Located:
    """A YAML value and the line it starts on."""

    value: Any  #: dict[str, Located], list[Located], str or None
    line: int

    def get(self, key: str) -> Located | None:
        return self.value.get(key) if isinstance(self.value, dict) else None


#: The most values a framework may expand to. Real frameworks have a few thousand; YAML
#: aliases nested in aliases (``*a`` nine times in each of ten levels) would otherwise
#: expand to billions and never finish loading.
MAX_VALUES = 200_000


class _TooLarge(Exception):
    """The YAML expands past :data:`MAX_VALUES`, or an alias refers to itself."""


def _located(
    node: yaml.Node, budget: list[int] | None = None, open_: frozenset[int] = frozenset()
) -> Located:
    budget = [MAX_VALUES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0 or id(node) in open_:  # ``a: &a [*a]`` would recurse without end
        raise _TooLarge
    inner = open_ | {id(node)}
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        # ``<<: *anchor`` (YAML merge key) lets several rules share one set of bands.
        merged = {
            str(k.value): _located(v, budget, inner)
            for k, v in node.value
            if k.value == "<<" and isinstance(v, yaml.MappingNode)
        }
        own = {str(k.value): _located(v, budget, inner) for k, v in node.value if k.value != "<<"}
        base = merged["<<"].value if merged else {}
        return Located({**base, **own}, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_located(v, budget, inner) for v in node.value], line)
    if node.tag == "tag:yaml.org,2002:null":
        return Located(None, line)
    return Located(str(node.value), line)


# --------------------------------------------------------------------------- parser


@dataclass
class _Parser:
    name: str
    errors: list[InputError] = field(default_factory=list)
    subject: str = "department"
    scale: str = "points"

    def at(self, item: Located | int) -> str:
        line = item.line if isinstance(item, Located) else item
        return f"{self.name}:{line}"

    def error(self, item: Located | int, message: str) -> None:
        self.errors.append(InputError(self.at(item), message))

    def text(self, parent: Located, key: str, *, required: bool = False, default: str = "") -> str:
        item = parent.get(key)
        if item is None or item.value is None:
            if required:
                self.error(parent, f"缺少“{key}”")
            return default
        if not isinstance(item.value, str):
            self.error(item, f"“{key}”应为文字")
            return default
        return item.value.strip()

    def number(self, item: Located | None, what: str, *, negative: bool = False) -> Decimal | None:
        if item is None or item.value is None:
            return None
        value = parse_decimal(item.value) if isinstance(item.value, str) else None
        if value is None:
            self.error(item, f"{what}“{_shown(item.value)}”不是数字")
            return None
        if not in_range(value):
            self.error(item, f"{what}“{_shown(item.value)}”超出可处理的范围")
            return None
        if value < 0 and not negative:
            self.error(item, f"{what}不能为负数（{num(value)}）")
            return None
        return value

    def mapping(self, item: Located | None, what: str) -> dict[str, Located]:
        if item is None or item.value is None:
            return {}
        if not isinstance(item.value, dict):
            self.error(item, f"“{what}”应为“键: 值”的映射")
            return {}
        return item.value

    def sequence(self, item: Located | None, what: str) -> list[Located]:
        if item is None or item.value is None:
            return []
        if not isinstance(item.value, list):
            self.error(item, f"“{what}”应为列表")
            return []
        return item.value

    # ------------------------------------------------------------------ framework

    def framework(self, root: Located, path: str) -> Framework:
        if not isinstance(root.value, dict):
            self.error(root, "框架文件顶层应为映射（id、name、items …）")
            return Framework("", "", "", ())
        self._check_keys(root, _FRAMEWORK_KEYS, "框架")
        self.subject = self.text(root, "subject", default="department")
        if self.subject not in ("department", "project"):
            self.error(
                root.get("subject") or root,
                f"subject 应为 department 或 project，而不是“{self.subject}”",
            )
        self.scale = self.text(root, "scale", default="points")
        if self.scale not in ("points", "pefa"):
            self.error(
                root.get("scale") or root, f"scale 应为 points 或 pefa，而不是“{self.scale}”"
            )
        given = self.number(root.get("total_points"), "total_points")
        if given is not None and given == 0:
            self.error(root.get("total_points") or root, "框架总分 total_points 不能为 0")
        total_points = given or Decimal(100)  # not given (or refused above): 百分制
        items = tuple(self.node(n, set()) for n in self.sequence(root.get("items"), "items"))
        if not items:
            self.error(root, "框架没有指标（items 为空）")
        codes: dict[str, int] = {}
        for node in (n for item in items for n in item.walk()):
            line = int(node.loc.rpartition(":")[2] or 0)
            if node.code in codes:
                self.error(line, f"指标编码“{node.code}”重复（第 {codes[node.code]} 行已有）")
            codes.setdefault(node.code, line)
        if self.scale == "points" and given != 0:  # a total of 0 is reported above
            self._check_sum(root, "框架总分", total_points, items)
        not_applicable = self.text(root, "not_applicable", default="partial")
        if not_applicable not in ("partial", "rescale"):
            self.error(root.get("not_applicable") or root, "not_applicable 应为 partial 或 rescale")
        return Framework(
            id=self.text(root, "id", required=True),
            version=self.text(root, "version", required=True),
            name=self.text(root, "name", required=True),
            items=items,
            description=self.text(root, "description"),
            source=self.text(root, "source"),
            subject=self.subject,
            scale=self.scale,
            total_points=total_points,
            grade_bands=self.grade_bands(root.get("grade_bands")),
            places=self.places(root.get("places")),
            not_applicable=not_applicable,
            over_achievement=self.over_achievement(root.get("over_achievement")),
            qualitative=self.qualitative(root.get("qualitative")),
            path=path,
        )

    def _check_keys(self, item: Located, allowed: frozenset[str], what: str) -> None:
        for key, value in self.mapping(item, what).items():
            if key not in allowed:
                self.error(
                    value, f"{what}中没有“{key}”这一项（可用：{'、'.join(sorted(allowed))}）"
                )

    def _check_sum(
        self, at: Located, what: str, points: Decimal, children: tuple[Node, ...]
    ) -> None:
        total = sum((c.points for c in children), ZERO)
        if children and total != points:
            parts = " + ".join(f"{c.name} {num(c.points)}" for c in children)
            self.error(
                at, f"{what} {num(points)} 分，但下级指标分值合计 {num(total)} 分（{parts}）"
            )

    def places(self, item: Located | None) -> int:
        value = self.number(item, "places")
        if value is None:
            return 2
        if value != value.to_integral_value() or value > 6:
            self.error(item or 0, "places（保留小数位）应为 0 至 6 的整数")
            return 2
        return int(value)

    def grade_bands(self, item: Located | None) -> tuple[GradeBand, ...]:
        bands = []
        for entry in self.sequence(item, "grade_bands"):
            grade = self.text(entry, "grade", required=True)
            minimum = self.number(entry.get("min"), "min") if entry.get("min") else None
            if minimum is None:
                self.error(entry, f"等级“{grade}”缺少 min（下限）")
                continue
            maximum = self.number(entry.get("max"), "max")
            bands.append(
                (
                    entry,
                    GradeBand(grade, self.text(entry, "label", default=grade), minimum, maximum),
                )
            )
        bands.sort(key=lambda pair: pair[1].minimum)
        self._check_grade_order(item, [band.grade for _, band in bands])
        result = []
        for i, (entry, band) in enumerate(bands):
            upper = bands[i + 1][1].minimum if i + 1 < len(bands) else None
            if i + 1 < len(bands) and upper == band.minimum:
                self.error(
                    entry,
                    f"等级“{band.grade}”与“{bands[i + 1][1].grade}”的下限同为 {num(band.minimum)}，等级重叠",
                )
            if band.maximum is not None and band.maximum != upper:
                what = "重叠" if upper is not None and band.maximum > upper else "留有空档"
                self.error(
                    entry,
                    f"等级“{band.grade}”的上限 {num(band.maximum)} 与上一等级的下限 {num(upper) if upper is not None else '（无）'} 不衔接，{what}",
                )
            result.append(GradeBand(band.grade, band.label, band.minimum, upper))
        if bands and bands[0][1].minimum > 0:
            self.error(
                bands[0][0],
                f"最低等级的下限为 {num(bands[0][1].minimum)}，低于此分数的总分没有等级（应从 0 开始）",
            )
        return tuple(result)

    def _check_grade_order(self, item: Located | None, ranked: list[str]) -> None:
        """The national grades (差 < 中 < 良 < 优) must rank as their minimums do."""
        if item is None or not all(g in GRADE_ORDER for g in ranked):
            return
        if ranked != sorted(ranked, key=GRADE_ORDER.index):
            self.error(
                item,
                f"等级的下限与等级高低不符：按下限从低到高为 {'、'.join(ranked)}"
                f"（应为 {'、'.join(g for g in GRADE_ORDER if g in ranked)}）",
            )

    def over_achievement(self, item: Located | None) -> OverAchievement | None:
        if item is None or item.value is None:
            return None
        threshold = self.number(item.get("threshold"), "over_achievement.threshold")
        deduction = self.number(item.get("deduction"), "over_achievement.deduction")
        if threshold is None or deduction is None:
            self.error(
                item,
                "over_achievement 需要 threshold（超过指标值的百分比）和 deduction（扣减分值的比例）",
            )
            return None
        if threshold < 100 or deduction > 1:
            self.error(
                item, "over_achievement.threshold 应不小于 100（%），deduction 应在 0 至 1 之间"
            )
            return None
        return OverAchievement(threshold, deduction)

    def qualitative(self, item: Located | None) -> dict[str, Decimal]:
        result = {}
        for grade, value in self.mapping(item, "qualitative").items():
            band = QUALITATIVE_GRADES.get(grade)
            percent = self.number(value, f"qualitative.{grade}")
            if band is None:
                self.error(
                    value, f"未知的定性档次“{grade}”（应为：{'、'.join(QUALITATIVE_GRADES)}）"
                )
            elif percent is not None and not band.low <= percent <= band.high:
                self.error(
                    value,
                    f"“{grade}”的得分比例 {num(percent)}% 不在 {num(band.low)}%–{num(band.high)}% 之间",
                )
            elif percent is not None:
                result[grade] = percent
        return result

    # ------------------------------------------------------------------ nodes

    def node(self, item: Located, seen: set[str]) -> Node:
        if not isinstance(item.value, dict):
            self.error(item, "指标应为映射（code、name、points …）")
            return Node("?", "?", ZERO)
        self._check_keys(item, _NODE_KEYS, "指标")
        code = self.text(item, "code", required=True)
        name = self.text(item, "name", required=True)
        points = self.number(item.get("points"), f"指标“{code} {name}”的分值")
        if points is None and item.get("points") is None:
            self.error(item, f"指标“{code} {name}”缺少分值（points）")
        points = points if points is not None else ZERO
        children = tuple(
            self.node(c, seen) for c in self.sequence(item.get("children"), "children")
        )
        aggregation = self.text(item, "aggregation", default="weighted_sum")
        if aggregation not in AGGREGATIONS:
            self.error(
                item.get("aggregation") or item,
                f"未知的汇总方法“{aggregation}”（可用：{'、'.join(AGGREGATIONS)}）",
            )
        elif aggregation != "weighted_sum" and self.scale != "pefa":
            self.error(
                item.get("aggregation") or item,
                f"汇总方法 {aggregation} 只能用于 PEFA 框架（scale: pefa）",
            )
        if aggregation == "weighted_sum" and self.scale == "points":
            self._check_sum(item, f"指标“{code} {name}”", points, children)
        if aggregation == "m2" and len(children) > 4:
            self.error(item, "PEFA M2 换算表只适用于 2 至 4 个维度")
        node = Node(
            code=code,
            name=name,
            points=points,
            children=children,
            rule=self.optional_rule(item.get("rule"), points),
            expand=self.expand(expand) if (expand := item.get("expand")) else None,
            aggregation=aggregation,
            reference=tuple(
                self.rule(r, points) for r in self.sequence(item.get("reference"), "reference")
            ),
            fallback=self.optional_rule(item.get("fallback"), points),
            note=self.text(item, "note"),
            loc=self.at(item),
        )
        self._check_shape(item, node)
        return node

    def _check_shape(self, item: Located, node: Node) -> None:
        label = f"指标“{node.code} {node.name}”"
        kinds = [
            k
            for k, v in (("children", node.children), ("rule", node.rule), ("expand", node.expand))
            if v
        ]
        if len(kinds) > 1:
            self.error(
                item,
                f"{label}同时有 {' 和 '.join(kinds)}：一个指标只能有下级指标、规则或按绩效指标展开三者之一",
            )
        if not kinds:
            self.error(
                item, f"{label}既没有下级指标（children），也没有评分规则（rule）或展开（expand）"
            )

    def expand(self, item: Located) -> Expand | None:
        source = self.text(item, "source", required=True)
        allowed = ("project_indicators",) if self.subject == "project" else ("indicators",)
        if source not in allowed:
            self.error(item, f"expand.source 应为 {' 或 '.join(allowed)}，而不是“{source}”")
        rule_item = item.get("rule")
        rule = (
            self.rule(rule_item, None, expanded=True)
            if rule_item
            else RuleSpec("completion", loc=self.at(item))
        )
        return Expand(source=source, level1=self.text(item, "level1"), rule=rule)

    def optional_rule(self, item: Located | None, points: Decimal) -> RuleSpec | None:
        return None if item is None else self.rule(item, points)

    def rule(self, item: Located, points: Decimal | None, *, expanded: bool = False) -> RuleSpec:
        loc = self.at(item)
        if not isinstance(item.value, dict):
            self.error(item, "rule 应为映射（type、inputs 及参数）")
            return RuleSpec("", loc=loc)
        type_ = self.text(item, "type", required=True)
        impl = RULES.get(type_)
        if impl is None:
            if type_:
                self.error(
                    item.get("type") or item, f"未知的规则类型“{type_}”（可用：{'、'.join(RULES)}）"
                )
            return RuleSpec(type_, loc=loc)
        inputs = self.inputs(
            item.get("inputs"), impl.required + impl.optional, impl.list_inputs, impl.text_inputs
        )
        params = self.params(item, points, inputs)
        if not expanded:
            for name in impl.required:
                if name not in inputs:
                    self.error(
                        item, f"规则 {type_} 缺少输入“{name}”（在 inputs 下给出常数或数据来源）"
                    )
        constants = {k: v.binding or v.constant for k, v in inputs.items()}
        for problem in impl.check(params, constants):
            self.error(item, f"规则 {type_}：{problem}")
        return RuleSpec(type_, inputs, params, loc)

    def inputs(
        self,
        item: Located | None,
        allowed: tuple[str, ...],
        lists: tuple[str, ...],
        texts: tuple[str, ...],
    ) -> dict[str, Input]:
        result = {}
        for name, value in self.mapping(item, "inputs").items():
            if name not in allowed:
                self.error(value, f"规则没有输入“{name}”（可用：{'、'.join(allowed) or '无'}）")
                continue
            parsed = self.input(value, name, name in lists or name in texts)
            if parsed is not None:
                result[name] = parsed
        return result

    def input(self, value: Located, what: str, textual: bool) -> Input | None:
        if not isinstance(value.value, str):
            self.error(value, f"输入“{what}”应为数字或“来源:路径”")
            return None
        text = value.value.strip()
        if ":" in text:
            problem = bindings.validate(text, self.subject)
            if problem:
                self.error(value, problem)
                return None
            return Input(binding=text)
        if textual:
            return Input(constant=text)
        number = self.number(value, f"输入“{what}”", negative=True)
        return None if number is None else Input(constant=number)

    def params(
        self, item: Located, points: Decimal | None, inputs: dict[str, Input]
    ) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for key, value in self.mapping(item, "rule").items():
            if key in ("type", "inputs"):
                continue
            parser = _PARAM_PARSERS.get(key)
            if parser is None:
                self.error(
                    value,
                    f"规则中没有参数“{key}”（可用：type、inputs、{'、'.join(_PARAM_PARSERS)}）",
                )
                continue
            params[key] = parser(self, value, inputs)
        elements = params.get("elements")
        if elements and points is not None:
            total = sum((e.points for e in elements), ZERO)
            if total != points:
                self.error(item, f"要素分值合计 {num(total)} 分，与指标分值 {num(points)} 分不符")
        return params

    def bands(self, item: Located, inputs: dict[str, Input]) -> list[Band]:
        result = []
        for entry in self.sequence(item, "bands"):
            minimum = self.number(entry.get("min"), "min", negative=True)
            maximum = self.number(entry.get("max"), "max", negative=True)
            percent = self.number(entry.get("percent"), "percent")
            score = self.number(entry.get("score"), "score")
            rating = self.text(entry, "rating")
            if rating and rating not in ("A", "B", "C", "D"):
                self.error(entry, f"PEFA 等级应为 A、B、C、D，而不是“{rating}”")
                rating = ""
            if [percent, score, rating or None].count(None) != 2:
                self.error(
                    entry,
                    "每一档需要且只需要 percent（得分比例）、score（分数）或 rating（PEFA 等级）之一",
                )
            result.append(Band(minimum, maximum, percent, score, rating, self.text(entry, "label")))
        return result

    def elements(self, item: Located, inputs: dict[str, Input]) -> list[Element]:
        result = []
        for i, entry in enumerate(self.sequence(item, "elements")):
            name = self.text(entry, "name", required=True)
            points = self.number(entry.get("points"), f"要素“{name}”的分值")
            if points is None:
                self.error(entry, f"要素“{name}”缺少分值（points）")
                continue
            source = entry.get("input")
            parsed = self.input(source, f"要素“{name}”", True) if source is not None else None
            if source is None:
                self.error(entry, f"要素“{name}”缺少 input（判断该要素是否具备的数据来源）")
            if parsed is not None:
                inputs[f"element{i}"] = parsed
            result.append(Element(name, points))
        return result


def _number_param(parser: _Parser, item: Located, inputs: dict[str, Input]) -> Decimal | None:
    return parser.number(item, "参数", negative=True)


def _text_param(parser: _Parser, item: Located, inputs: dict[str, Input]) -> str:
    return item.value.strip() if isinstance(item.value, str) else ""


def _over_param(parser: _Parser, item: Located, inputs: dict[str, Input]) -> OverAchievement | None:
    return parser.over_achievement(item)


_PARAM_PARSERS: dict[str, Any] = {
    "label": _text_param,
    "unit": _text_param,
    "scope": _text_param,
    "direction": _text_param,
    "threshold": _number_param,
    "step": _number_param,
    "deduction": _number_param,
    "scale": _number_param,
    "bands": _Parser.bands,
    "elements": _Parser.elements,
    "over_achievement": _over_param,
}
_FRAMEWORK_KEYS = frozenset(
    {
        "id",
        "version",
        "name",
        "description",
        "source",
        "subject",
        "scale",
        "total_points",
        "places",
        "not_applicable",
        "grade_bands",
        "over_achievement",
        "qualitative",
        "reconstruction",
        "items",
    }
)
_NODE_KEYS = frozenset(
    {
        "code",
        "name",
        "points",
        "children",
        "rule",
        "expand",
        "aggregation",
        "reference",
        "fallback",
        "note",
    }
)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


# --------------------------------------------------------------------------- public API


def parse_framework(text: str, name: str = "<framework>") -> Framework:
    """Parse framework YAML text; raises :class:`FrameworkError` listing every problem."""
    try:
        root = yaml.compose(text, Loader=_LOADER)  # libyaml: same nodes and marks, faster
    except yaml.YAMLError as exc:
        raise FrameworkError([yaml_error(exc, name)]) from None
    except RecursionError:  # the recursive parser, on lists nested thousands deep
        raise FrameworkError([InputError(name, DEEP)]) from None
    if root is None:
        raise FrameworkError([InputError(name, "框架文件为空")])
    parser = _Parser(name)
    parser.errors.extend(repeated_keys(root, name))
    try:
        located = _located(root)
    except RecursionError:
        raise FrameworkError([InputError(name, DEEP)]) from None
    except _TooLarge:
        message = f"框架文件的别名（*引用）循环引用自身，或展开后超过 {MAX_VALUES:,} 个值"
        raise FrameworkError([InputError(name, message)]) from None
    framework = parser.framework(located, name)
    if parser.errors:
        raise FrameworkError(parser.errors)
    return framework


def _shipped() -> Iterator[tuple[str, Any]]:
    for entry in resources.files(FRAMEWORK_PACKAGE).iterdir():
        if entry.name.endswith(".yaml"):
            yield entry.name.removesuffix(".yaml"), entry


class FrameworkSource(Protocol):
    """Where frameworks come from, by id: the shipped files now, a database table later.

    An id is only ever looked up among the source's own frameworks: it never names a
    file. A framework file on disk is read by the command line (``--framework-file``),
    which passes the parsed :class:`Framework`; an id that arrives with the data
    (自评结论.评分框架, an uploaded workbook) can therefore not make the program open,
    or probe for, a file of the server's.
    """

    def ids(self) -> list[str]:
        """The ids this source can give, sorted."""
        ...

    def get(self, framework_id: str) -> Framework:
        """The framework with this id; raises :class:`UnknownFramework`."""
        ...


class ShippedFrameworks:
    """The frameworks shipped with jixiao (``scoring/frameworks/*.yaml``), parsed once each."""

    def __init__(self) -> None:
        self._parsed: dict[str, Framework] = {}

    def ids(self) -> list[str]:
        return sorted(name for name, _ in _shipped())

    def get(self, framework_id: str) -> Framework:
        if framework_id in self._parsed:
            return self._parsed[framework_id]
        entry = dict(_shipped()).get(framework_id)
        if entry is None:
            known = "、".join(self.ids())
            raise UnknownFramework(
                [
                    InputError(
                        "--framework", f"未知的评分框架“{_shown(framework_id)}”（可用：{known}）"
                    )
                ]
            )
        framework = parse_framework(
            entry.read_text("utf-8"), f"{FRAMEWORK_PACKAGE.replace('.', '/')}/{entry.name}"
        )
        self._parsed[framework_id] = framework
        return framework


#: The shipped frameworks; the parsed files are immutable data, so one instance serves
#: every caller of the process.
SHIPPED = ShippedFrameworks()


def known_frameworks() -> list[str]:
    """Ids of the frameworks shipped with jixiao (one YAML file per framework and version)."""
    return SHIPPED.ids()


def load_framework(framework_id: str) -> Framework:
    """A shipped framework by id (never a path); raises :class:`UnknownFramework`."""
    return SHIPPED.get(framework_id)
