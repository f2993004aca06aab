"""Counts: unit kinds against the unit table, counts against table rows and listed items."""

from __future__ import annotations

import re

from jixiao.audit.claims import Claim
from jixiao.audit.document import Paragraph
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import COUNT, chinese_numeral
from jixiao.audit.rules.base import E, rule, show

# --------------------------------------------------------------------------- 单位性质计数

_N = r"(\d+|[一二两三四五六七八九十]+)"
_UNIT_KINDS = re.compile(
    _N
    + r"\s*(?:个|家|户)\s*行政(?:单位|机关)[^。，；\d]{0,4}?"
    + _N
    + r"\s*(?:个|家|户)\s*(?:[^\d。，；]{0,6}?)事业单位"
)
_UNIT_TOTAL = re.compile(
    r"(?:预算单位|单户单位|下属单位|所属单位|二级预算单位)(?:数量|共|总数)?\s*(?:为|共|计)?\s*"
    + _N
    + r"\s*(?:个|家|户)"
)


def count_value(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_numeral(text)


@rule("unit-kinds", "单位性质计数")
def check_unit_kinds(audit: Audit) -> None:
    """ "包括 1 个行政单位和 10 个事业单位" against the unit table's 单位性质 column."""
    for para in audit.doc.body():
        for match in _UNIT_KINDS.finditer(para.text):
            admin, institutions = count_value(match.group(1)), count_value(match.group(2))
            if admin is None or institutions is None:
                continue
            audit.extra_claims += 1
            kinds = _unit_kinds_from_table(audit)
            if kinds is not None:
                audit.extra_checked += 1
                _compare_kinds(audit, para, match, (admin, institutions), kinds)
                continue
            total = _stated_unit_total(audit)
            if total is not None and total[0] != admin + institutions:
                audit.extra_checked += 1
                audit.report_at(
                    "unit-kinds",
                    E,
                    para,
                    match.start(),
                    match.end(),
                    str(admin + institutions),
                    str(total[0]),
                    f"行政单位 {admin} 个 + 事业单位 {institutions} 个 = {admin + institutions} 个，与文中所写预算单位 {total[0]} 个（第 {total[1]} 行）不符",
                )


def _compare_kinds(
    audit: Audit,
    para: Paragraph,
    match: re.Match[str],
    stated: tuple[int, int],
    kinds: tuple[int, int, str],
) -> None:
    admin_rows, institution_rows, where = kinds
    for group, said, actual, label in (
        (1, stated[0], admin_rows, "行政单位"),
        (2, stated[1], institution_rows, "事业单位"),
    ):
        if said != actual:
            audit.report_at(
                "unit-kinds",
                E,
                para,
                match.start(group),
                match.end(group),
                str(said),
                str(actual),
                f"{where}共 {admin_rows + institution_rows} 行：行政单位 {admin_rows} 个、事业单位 {institution_rows} 个；文中写{label} {said} 个",
            )


def _unit_kinds_from_table(audit: Audit) -> tuple[int, int, str] | None:
    for table in audit.doc.tables:
        column = next((i for i, h in enumerate(table.header) if "性质" in h or "类型" in h), None)
        if column is None or not table.rows:
            continue
        # Imported here: the dataset model is a heavy import that most reports never need
        # (``jixiao audit`` start-up, benchmarks/bench_audit_pdf.py).
        from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS

        values = [r.cells[column] if r.cells and column < len(r.cells) else "" for r in table.rows]
        admin = sum(1 for v in values if v in ADMIN_UNIT_KINDS or ("行政" in v and "事业" not in v))
        institutions = sum(
            1 for v in values if v in INSTITUTION_UNIT_KINDS or "事业" in v or "公益" in v
        )
        if admin + institutions:
            name = f"表{table.number}" if table.number else "单位表"
            return (
                admin,
                institutions,
                f"{name}（第 {table.rows[0].line}–{table.rows[-1].line} 行）",
            )
    return None


def _stated_unit_total(audit: Audit) -> tuple[int, int] | None:
    for para in audit.doc.body():
        match = _UNIT_TOTAL.search(para.text)
        if match:
            value = count_value(match.group(1))
            if value is not None:
                return value, para.line_at(match.start())
    return None


# --------------------------------------------------------------------------- 表格行数

_SEE_TABLE = re.compile(r"^[^。]{0,12}?[（(]?\s*(?:详见|见|如)\s*表\s*(\d+)")


@rule("table-rows", "计数与表格行数")
def check_table_rows(audit: Audit) -> None:
    """ "共 10 个单户单位（详见表1）" against the number of rows of 表1."""
    for claim in audit.claims.claims:
        if claim.kind != COUNT or claim.q.approx:
            continue
        match = _SEE_TABLE.match(claim.para.text[claim.q.end :])
        if not match:
            continue
        table = audit.doc.table(match.group(1))
        if table is None or not table.rows:
            continue
        audit.mark(claim)
        if claim.q.value != len(table.rows):
            audit.report(
                "table-rows",
                E,
                claim,
                len(table.rows),
                f"表{table.number}（第 {table.rows[0].line}–{table.rows[-1].line} 行）共列 {len(table.rows)} 行，文中写 {show(claim)}",
            )


# --------------------------------------------------------------------------- 列举与计数

_LIST_TAIL = re.compile(r"(等|共|合计|总计|计|这|此|\s)+$")
_LIST_AFTER = re.compile(r"^[^。]{0,24}?(?:分别是|分别为|包括|具体为|即)[：:]?")
_PARENS = re.compile(r"[（(][^（()）]*[)）]")


@rule("list-count", "列举项与计数")
def check_list_counts(audit: Audit) -> None:
    """ "A、B、C 和 D 共 4 个…", "9 个单位……分别是：A、B、…": the count against the list."""
    for claim in audit.claims.claims:
        if claim.kind != COUNT or claim.q.approx or claim.q.scale != 1:
            continue
        listed = _list_before(claim) or _list_after(claim)
        if listed is None:
            continue
        items, open_ended = listed
        audit.mark(claim)
        wrong = len(items) > claim.q.value if open_ended else len(items) != claim.q.value
        if wrong:
            audit.report(
                "list-count",
                E,
                claim,
                len(items),
                f"文中列举了 {len(items)} 项（{'、'.join(items[:3])}……{items[-1]}），与所写 {show(claim)} 不符",
            )


def _list_before(claim: Claim) -> tuple[list[str], bool] | None:
    sentence = claim.para.sentence_at(claim.q.start)
    before = claim.para.text[sentence.start : claim.q.start]
    tail = _LIST_TAIL.search(before)
    open_ended = bool(tail and "等" in tail.group(0))
    region = before[: tail.start()] if tail else before
    region = re.split(r"[：:，,；;。]", _PARENS.sub("", region))[-1]
    return _items(region, open_ended)


def _list_after(claim: Claim) -> tuple[list[str], bool] | None:
    rest = claim.para.text[claim.q.end :]
    match = _LIST_AFTER.match(rest)
    if not match:
        return None
    region = re.split(r"[。；;]", _PARENS.sub("", rest[match.end() :]))[0]
    return _items(region, bool(re.search(r"等\S{0,4}$", region)))


def _items(region: str, open_ended: bool) -> tuple[list[str], bool] | None:
    if "、" not in region or re.search(r"\d", region):
        return None
    items = [i.strip() for i in region.split("、")]
    items = items[:-1] + _split_last(items[-1])
    if any(not i or len(i) > 30 for i in items) or len(items) < 3:
        return None
    return items, open_ended


def _split_last(item: str) -> list[str]:
    """ "东源和英德" is two items; "社会保障和就业支出" or "参与制定" is one."""
    parts = re.split(r"以及|和|及", item, maxsplit=1)
    if len(parts) == 2 and all(2 <= len(p.strip()) <= 6 for p in parts):
        return [p.strip() for p in parts]
    return [item]
