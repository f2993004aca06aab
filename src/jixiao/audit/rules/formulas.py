"""Arithmetic the text writes out: "得分 = 55.56% × 2.08 = 1.16 分", "完成率"."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.audit.document import Paragraph
from jixiao.audit.engine import Audit
from jixiao.audit.rules.base import E, plain, rule
from jixiao.findings import Severity
from jixiao.lib.money import (
    HUNDRED,
    normalize,
    round_half_up,
    truncate,
)

# --------------------------------------------------------------------------- 算式

_OPERAND = r"\d[\d,]*(?:\.\d+)?\s*(?:%|万元|亿元|元|分|个|家|人)?"
_FORMULA = re.compile(
    rf"(?P<expr>{_OPERAND}(?:\s*[+\-−×*÷/]\s*{_OPERAND})+)\s*[=＝]\s*(?P<result>{_OPERAND})"
)
_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(%|万元|亿元|元|分|个|家|人)?|([+\-−×*÷/])")
_RATE_OF = re.compile(
    rf"(?:完成值|执行数|实际数|实际完成)\s*(?:为)?\s*(?P<actual>{_OPERAND})[^。；]{{0,12}}?"
    rf"(?:指标值|目标值|预算数|计划数)\s*(?:为)?\s*(?P<target>{_OPERAND})[^。；]{{0,12}}?"
    rf"(?:完成率|执行率|完成比例)\s*(?:为|达)?\s*(?P<rate>\d[\d,]*(?:\.\d+)?)\s*%"
)


#: "下级指标得分合计 1.16 分（新增上市科技型企业数 1.16）": a total with its parts in brackets.
_NOTE_SUM = re.compile(r"合计\s*(?P<total>\d+(?:\.\d+)?)\s*分\s*[（(](?P<parts>[^（()）]+)[)）]")
_NOTE_PART = re.compile(r"^\s*[\u4e00-\u9fff“”]+[^\d]*?(?P<value>\d+(?:\.\d+)?)\s*分?\s*$")


@rule("formula", "文中算式")
def check_formulas(audit: Audit) -> None:
    """ "得分 = 55.56% × 2.08 = 1.16 分", "完成值 50，指标值 90，完成率 55.56%": the arithmetic written out."""
    for para in audit.doc.body():
        for match in _FORMULA.finditer(para.text):
            exact = _evaluate(match.group("expr"), match.group("result"))
            if exact is not None:
                _judge_written(
                    audit, para, match.start("result"), match.group("result"), exact, match.group(0)
                )
        for match in _RATE_OF.finditer(para.text):
            actual, target = (
                _operand_value(match.group("actual")),
                _operand_value(match.group("target")),
            )
            if actual is None or target is None or target == 0:
                continue
            exact = actual / target * HUNDRED
            text = f"{match.group('actual')} ÷ {match.group('target')} × 100%"
            _judge_written(audit, para, match.start("rate"), match.group("rate") + "%", exact, text)
        for match in _NOTE_SUM.finditer(para.text):
            _check_note_sum(audit, para, match)


def _check_note_sum(audit: Audit, para: Paragraph, match: re.Match[str]) -> None:
    """A total of points and its parts in brackets: the parts add up to it (within their rounding)."""
    items = [_NOTE_PART.match(item) for item in re.split(r"[、，,；;]", match.group("parts"))]
    if not items or any(item is None for item in items):
        return
    values = [item.group("value") for item in items if item is not None]
    exact = sum((Decimal(v) for v in values), Decimal(0))
    stated = Decimal(match.group("total"))
    places = max(len(v.partition(".")[2]) for v in [*values, match.group("total")])
    # Parts printed to the hundredth may each have been rounded by half a unit.
    slack = sum((Decimal(5).scaleb(-len(v.partition(".")[2]) - 1) for v in values), Decimal(0))
    audit.mark(audit.claims.at(para, match.start("total")))
    if abs(exact - stated) <= (slack if places >= 2 else 0):
        return
    audit.report_at(
        "formula",
        E,
        para,
        match.start("total"),
        match.end("total"),
        format(normalize(stated), "f"),
        format(normalize(round_half_up(exact, places)), "f"),
        f"括注各项相加为 {' + '.join(values)} = {plain(exact)} 分，与所写合计 {match.group('total')} 分不符",
    )


def _judge_written(
    audit: Audit, para: Paragraph, start: int, result: str, exact: Decimal, expression: str
) -> None:
    number = re.match(r"\d[\d,]*(?:\.\d+)?", result)
    claim = audit.claims.at(para, start)
    if number is None:
        return
    stated = normalize(Decimal(number.group(0).replace(",", "")))
    places = len(number.group(0).partition(".")[2])
    audit.extra_claims += claim is None
    audit.extra_checked += claim is None
    audit.mark(claim)
    expected = round_half_up(exact, places)
    if Decimal(number.group(0).replace(",", "")) == expected:
        return
    severity = (
        Severity.ROUNDING
        if Decimal(number.group(0).replace(",", "")) == truncate(exact, places)
        else E
    )
    audit.report_at(
        "formula",
        severity,
        para,
        start,
        start + len(number.group(0)),
        format(stated, "f"),
        format(expected, "f"),
        f"按文中算式“{expression.strip()}”重算为 {plain(exact)}",
    )


def _operand_value(text: str) -> Decimal | None:
    match = _TOKEN.match(text.strip())
    if match is None or match.group(1) is None:
        return None
    return Decimal(match.group(1).replace(",", ""))


def _evaluate(expression: str, result: str) -> Decimal | None:
    """Left-to-right with × ÷ before + −; a % operand counts as a hundredth unless all are %."""
    tokens = [(m.group(1), m.group(2) or "", m.group(3)) for m in _TOKEN.finditer(expression)]
    numbers = [(Decimal(n.replace(",", "")), unit) for n, unit, op in tokens if n]
    operators = [op for _, _, op in tokens if op]
    if len(numbers) != len(operators) + 1:
        return None
    result_percent = result.strip().endswith("%")
    all_percent = all(unit == "%" for _, unit in numbers)
    values = [v / HUNDRED if unit == "%" and not all_percent else v for v, unit in numbers]
    terms, signs = [values[0]], []
    for op, value in zip(operators, values[1:], strict=True):
        if op in "×*":
            terms[-1] *= value
        elif op in "÷/":
            if value == 0:
                return None
            terms[-1] /= value
        else:
            signs.append(op)
            terms.append(value)
    total = terms[0]
    for op, term in zip(signs, terms[1:], strict=True):
        total = total + term if op == "+" else total - term
    return total * HUNDRED if result_percent and not all_percent else total
