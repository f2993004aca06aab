"""The report a department can sign and a reviewer accepts (issue: clean deliverable).

Each test names a symptom seen on the earlier report and fails if it comes back: on the
bundled example (广东省科学技术厅, gd-dept-2023) and on a synthetic county department made
here (示范县农业农村局, mof-dept-2013, every table and field filled: ``county.py``).
"""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from county import BLANK, county_department
from openpyxl import load_workbook
from report_fixtures import Built, built

from jixiao.audit import audit_file
from jixiao.audit.extract import extract_bytes
from jixiao.dataset.codes import load_codes
from jixiao.dataset.model import TABLES, Dataset
from jixiao.findings import Severity
from jixiao.lib.money import format_amount
from jixiao.reports.api import render_report
from jixiao.reports.model import Paragraph, ReportModel, Table


@pytest.fixture(scope="module")
def county() -> Built:
    return built(county_department())


def _texts(model: ReportModel, body: bool = False) -> list[str]:
    """Every text of a document: cover, headings, paragraphs and table cells."""
    parts = [model.title, model.cover.department, model.cover.title]
    parts += [f"{f.label}：{f.value}" for f in model.cover.fields]
    for section in (*model.sections, *(model.body if body else ())):
        parts.append(section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Table):
                parts += [block.caption, *block.header, *(c.text for r in block.rows for c in r)]
    return parts


def _all(model: ReportModel) -> str:
    return "\n".join(_texts(model))


# --------------------------------------------------------------------------- the deliverable

#: What belongs to the review file, never to the report a department signs.
FORBIDDEN = [
    (
        r"\b(score|scoring|report|evaluation|income|expenditure|three_public|carryover|headcount"
        r"|units|indicator|project|assets|stated|budget|checks?)\.[a-z_]+",
        "a finding code or figure id (score.full_marks_mismatch)",
    ),
    (r"[\u4e00-\u9fff]+![A-Z]+\d+", "a cell (声明数!A44)"),
    (r"\.ya?ml:\d+", "a file line"),
    (r"重构", "重构 (a reconstruction note of the framework)"),
    (r"规则参数|scores/weights|self_score|dataset:|figure:", "a rule parameter or binding"),
    (r"缺少数据|无法评分|数据说明", "data-checking words"),
    (r"报告未给出|未填完成值|口径不能确定|报告未分列|报告决算称", "a note about the data"),
    (r"gd-dept-2023|mof-dept-2013", "a framework id"),
    (r"(?<![\d.])-0(?![\d.])|−0(?![\d.])", "a negative zero"),
]


@pytest.mark.parametrize(("pattern", "what"), FORBIDDEN, ids=[w for _, w in FORBIDDEN])
@pytest.mark.parametrize("which", ["example", "county"])
def test_the_submission_report_holds_no_review_material(
    which: str, pattern: str, what: str, example: Built, county: Built
) -> None:
    model = (example if which == "example" else county).model
    found = [t for t in _texts(model) if re.search(pattern, t)]
    assert found == [], what


def test_generated_numbers_sit_next_to_chinese_without_spaces(county: Built) -> None:
    for section in county.model.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                assert not re.search(r"[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]", block.text), (
                    block.text
                )


def test_a_deduction_is_never_an_empty_sentence(example: Built, county: Built) -> None:
    for model in (example.model, county.model):
        assert not re.search(r"[。；]扣\s*[\d.]+\s*分。", _all(model))


def test_work_done_is_not_printed_as_the_reason_of_a_deduction(county: Built) -> None:
    """基础信息完善性 lost 0.5 points and its 评分说明 says only “开展了基础信息更新工作。”:
    printed after “扣0.5分。” it read as the reason. The body states the deduction alone,
    附表1 keeps the department's text as its 评分说明, the review file asks for a reason."""
    paragraphs = [
        b.text for s in county.model.sections for b in s.blocks if isinstance(b, Paragraph)
    ]
    line = next(p for p in paragraphs if p.startswith("（4）基础信息完善性"))
    assert line.endswith("扣0.5分。") and "基础信息更新" not in line
    assert not any(re.search(r"扣[\d.]+分。开展了", p) for p in paragraphs)
    # a deduction whose text names a shortfall keeps it as its reason
    assert any(p.endswith("扣0.5分。部分效益指标未细化量化。") for p in paragraphs)
    scores = next(
        b
        for s in county.model.sections
        for b in s.blocks
        if isinstance(b, Table) and b.number == "附表1"
    )
    row = next(r for r in scores.rows if r[1].text == "基础信息完善性")
    assert row[-1].text == "开展了基础信息更新工作。"
    review = _all(county.review)
    assert "“基础信息完善性”扣0.5分，评分说明未说明扣分理由" in review


def test_the_duplicated_table_pointer_is_gone(example: Built) -> None:
    assert _all(example.model).count("见表2") == 1


# --------------------------------------------------------------------------- scores


def test_parents_add_up_their_scored_children_and_never_exceed_their_points(
    example: Built, county: Built
) -> None:
    for model in (example.model, county.model):
        rows = model.scorecard.rows
        for row in rows:
            children = [r for r in rows if r.code.rpartition(".")[0] == row.code]
            if row.points is not None and row.score is not None:
                assert row.score <= row.points, row.name
            if row.deduction is not None:
                assert row.deduction >= 0, row.name
            if not children:
                continue
            assert sum(c.points or 0 for c in children) == row.points, (
                row.name
            )  # 25 = 2.09×4 + 2.08×8
            if row.status in ("scored", "partial"):
                scored = [c.score for c in children if c.score is not None]
                assert row.score == sum(scored), row.name


def test_a_national_output_item_of_three_indicators_scores_its_points_not_more(
    county: Built,
) -> None:
    """Three met 产出 indicators under 20 points: 6.67 + 6.67 + 6.66 = 20, not 20.01 with −0.01."""
    rows = {r.code: r for r in county.model.scorecard.rows}
    assert [rows[f"3.1.{i}"].points for i in (1, 2, 3)] == [
        Decimal("6.67"),
        Decimal("6.67"),
        Decimal("6.66"),
    ]
    assert rows["3"].score == rows["3"].points == 20 and rows["3"].deduction == 0


def test_the_scorecard_appendix_has_the_reviewers_columns_and_a_total_with_deductions(
    county: Built,
) -> None:
    table = next(t for t in county.model.tables if t.number == "附表1")
    assert table.header == ("序号", "指标", "分值", "评分标准", "自评得分", "扣分", "评分说明")
    total = [c.text for c in table.rows[-1]]
    assert total == ["", "合计", "100", "", "97.72", "2.28", "等级：优"]
    standard = next(r for r in table.rows if r[1].text == "“三公经费”变动率")[3].text
    assert standard == "“三公经费”变动率不超过0%得满分，每超过1%扣0.4分，扣完为止"


def test_every_format_prints_the_same_scorecard(county: Built) -> None:
    """The workbook's 附表1 holds the very cells the Word and PDF files print."""
    (xlsx,) = render_report(county.model, ["xlsx"], "report")
    sheet = load_workbook(BytesIO(xlsx.data))["附表1 评分表"]
    table = next(t for t in county.model.tables if t.number == "附表1")
    printed = [[c.text for c in row] for row in table.rows]
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(values) == len(printed)
    for got, want in zip(values, printed, strict=True):
        assert [_shown(v) for v in got] == want


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def test_every_deduction_has_a_reason_or_a_finding_in_the_review_file(county: Built) -> None:
    review = county.review
    table = next(t for t in review.tables if t.caption == "扣分及理由")
    states = {row[1].text: row[3].text for row in table.rows}
    assert states["结转结余率"] == "未说明理由"  # no 评分说明 at all
    assert states["基础信息完善性"] == "未说明理由"  # a text that names no shortfall
    assert states["预算调整率"] == "部门说明"
    assert states["农民人均可支配收入增长率"] == "按计分规则计算"
    findings = next(t for t in review.tables if t.caption == "数据检查发现的问题")
    unexplained = [r for r in findings.rows if r[4].text == "report.deduction_unexplained"]
    assert sorted(r[2].text.split("”")[0] for r in unexplained) == [
        "“基础信息完善性",
        "“结转结余率",
    ]


def test_a_dataset_naming_no_framework_prints_its_own_scores_ungraded(county: Built) -> None:
    dataset = dataclasses.replace(
        county.dataset,
        self_evaluation=dataclasses.replace(county.dataset.self_evaluation, framework=""),
    )
    model = built(dataset).model
    assert model.scorecard.grade == ""
    assert "自评等级" not in _all(model)
    assert "（满分100分）" in _all(model)  # the department's own 自评评分, totalled


# --------------------------------------------------------------------------- outline


def test_the_national_framework_gets_an_analysis_per_top_level_item(county: Built) -> None:
    titles = [s.title for s in county.model.sections if s.level == 2]
    assert titles[5:11] == [
        "（二）投入分析",
        "（三）过程分析",
        "（四）产出分析",
        "（五）效果分析",
        "（六）“三公”经费支出情况",
        "（七）存在问题及改进措施",
    ]
    text = _all(county.model)
    assert "履职效能分析" not in text and "管理效率分析" not in text
    # The department's analysis texts go under the item they are about.
    outputs = next(s for s in county.model.sections if s.title == "（四）产出分析")
    assert "新建高标准农田2.1万亩" in "".join(
        b.text for b in outputs.blocks if isinstance(b, Paragraph)
    )


def test_no_heading_is_printed_without_something_under_it(example: Built, county: Built) -> None:
    for model in (example.model, county.model):
        sections = model.sections
        for i, section in enumerate(sections):
            below = sections[i + 1] if i + 1 < len(sections) else None
            assert section.blocks or (below is not None and below.level > section.level)


# --------------------------------------------------------------------------- nothing entered is lost


def test_the_indicator_table_has_completion_and_deviation_grouped_by_level1(county: Built) -> None:
    table = next(t for t in county.model.tables if t.caption.endswith("绩效指标完成情况"))
    assert table.header == (
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "完成值",
        "完成率（%）",
        "是否完成",
        "偏差原因",
    )
    groups = [r[0].text for r in table.rows if r[0].text]
    assert groups == ["产出指标", "效益指标", "满意度指标"]
    unmet = next(r for r in table.rows if r[2].text == "农民人均可支配收入增长率")
    assert [unmet[5].text, unmet[6].text] == ["94.44", "否"]
    assert unmet[7].text.startswith("受农产品价格下行影响")


def test_the_projects_table_and_the_overspent_project(county: Built) -> None:
    table = next(t for t in county.model.tables if t.caption.endswith("项目支出执行情况"))
    row = next(r for r in table.rows if r[0].text == "动物防疫补助项目")
    assert [c.text for c in row[2:6]] == ["400.00", "420.00", "462.00", "110.00"]
    assert any(f.code == "project.over_budget" for f in county.findings)


#: Fields a report does not print, and why; the review file or another product has them.
REVIEW_ONLY: dict[tuple[str, str], str] = {
    ("profile", "amount_unit"): "金额单位：金额已换算为万元",
    ("profile", "stated_admin_units"): "声明数：报告按预算单位表统计，声明数由检查核对",
    ("profile", "stated_institution_units"): "声明数：同上",
    ("goals", "code"): "目标编号：连接指标与目标的编号",
    ("indicators", "owner"): "目标编号",
    ("indicators", "code"): "核心指标库编码",
    ("projects", "code"): "项目编码",
    ("projects", "unit"): "单位编码：表中印单位名称",
    ("self_evaluation", "framework"): "评分框架编号：报告印框架名称",
    ("self_evaluation", "stated_total"): "声明数：由检查核对",
    ("self_evaluation", "stated_grade"): "声明数：由检查核对",
    ("self_evaluation", "stated_full_marks"): "声明数：由检查核对",
    ("self_evaluation", "stated_deducted"): "声明数：由检查核对",
    ("scores", "stated_deduction"): "声明数：由检查核对",
    ("stated", "*"): "声明数：审核用",
    ("execution", "*"): "执行监控数据：执行进度通报",
    ("project_indicators", "*"): "项目绩效指标：项目评价",
    ("expenditure_economic", "nature"): "支出性质：作为表的分组行印出",
    ("divisions", "note"): "内设机构备注：正文已列明机构时列入审核底稿“未写入报告的数据说明”",
    ("texts", "key"): "文字说明类别：决定段落印在哪一节，内容本身印出",
    ("indicators", "sign"): "计算符号“定性”：定性指标印指标值说明，不印符号",
}


def _forms(value: Any, spec_key: str, column: Any) -> list[str]:
    """The ways a field's value can be printed."""
    if isinstance(value, bool):
        return ["专项资金"] if value else ["项目"]  # “not special” prints nothing special
    if isinstance(value, Decimal):
        value = abs(value)  # a signed amount is printed with words (增加/减少, 调减)
        plain = (
            format(value.normalize(), "f")
            if value == value.to_integral_value()
            else format(value, "f")
        )
        return [format_amount(value), plain, f"{value:.2f}"]
    if isinstance(value, date):
        return [f"{value.year}年{value.month}月{value.day}日"]
    if isinstance(value, int):
        return [str(value)]
    text = str(value)
    if spec_key == "scores" and column.key == "reason":  # its score sentences are stated
        text = re.sub(r"[，,；;]?\s*扣\s*[\d.]+\s*分(?=[。；;]|$)", "", text)
    if column.ref or getattr(column, "key", "") == "item":
        for name in ("income", "function", "nature", "economic", "three_public"):
            codes = load_codes(name)
            if text in codes:
                return [codes.name_of(text), text]
    return [text]


def test_every_filled_field_of_a_full_dataset_reaches_the_report(county: Built) -> None:
    """Walks the schema: each filled field is in the report, or deliberately review-only."""
    text = _all(county.model)
    missing = []
    for spec in TABLES:
        rows = (
            [getattr(county.dataset, spec.key)] if spec.form else getattr(county.dataset, spec.key)
        )
        for column in spec.columns:
            key = (spec.key, column.key)
            if key in REVIEW_ONLY or (spec.key, "*") in REVIEW_ONLY:
                continue
            values = [getattr(r, column.key) for r in rows]
            filled = [v for v in values if v not in (None, "")]
            if not filled:
                assert key in BLANK, f"the county data leaves {key} blank"
                continue
            for value in filled:
                if not any(form and form in text for form in _forms(value, spec.key, column)):
                    missing.append((spec.sheet, column.header, value))
    assert missing == [], "\n".join(map(str, missing))


#: (what the clerk typed under 预决算差异原因, the sentence the report prints)
VARIANCE_NOTES: list[tuple[str, str]] = [
    ("年中追加高标准农田建设资金。", "本部门预决算差异原因：年中追加高标准农田建设资金。"),
    (
        "预决算差异原因：年中追加高标准农田建设资金。",
        "本部门预决算差异原因：年中追加高标准农田建设资金。",
    ),
    ("本部门预决算差异原因：年中追加资金。", "本部门预决算差异原因：年中追加资金。"),
    (" 预决算差异原因 : 年中追加资金。", "本部门预决算差异原因：年中追加资金。"),
    ("主要是预决算差异原因：追加。", "本部门预决算差异原因：主要是预决算差异原因：追加。"),
]


@pytest.mark.parametrize(
    ("typed", "printed"),
    VARIANCE_NOTES,
    ids=["plain", "label typed", "本部门 and label typed", "spaces, ASCII colon", "label mid-text"],
)
def test_the_variance_reason_prints_its_label_once_whatever_the_clerk_typed(
    county: Built, typed: str, printed: str
) -> None:
    from jixiao.dataset.model import TextBlock

    data = county.dataset
    texts = tuple(t for t in data.texts if t.key != "预决算差异原因")
    dataset = dataclasses.replace(
        data, texts=(*texts, TextBlock(key="预决算差异原因", content=typed))
    )
    paragraphs = [t for t in _texts(built(dataset).model) if "预决算差异原因" in t]
    assert paragraphs == [printed]


def test_a_synthetic_department_never_doubles_a_label() -> None:
    """jixiao.synthetic writes each 文字说明 starting with its label (“预决算差异原因：合成文字。”)."""
    from jixiao.synthetic import synthetic_departments

    (dataset,) = synthetic_departments(1, 3)
    assert any(t.content.startswith("预决算差异原因：") for t in dataset.texts)
    text = _all(built(dataset).model)
    assert "预决算差异原因" in text
    assert not re.search(r"(预决算差异原因[：:])\s*\1", text)


# --------------------------------------------------------------------------- unscored lines


def _gap_county() -> Dataset:
    """The county with two of its three 产出 indicators and its 满意度 indicator unfilled."""
    dataset = county_department()
    blank_outputs = [i.name for i in dataset.indicators if i.level1.startswith("产出")][:2]
    indicators = tuple(
        dataclasses.replace(i, actual=None, qual_grade="")
        if i.name in blank_outputs or i.level1.startswith("满意度")
        else i
        for i in dataset.indicators
    )
    return dataclasses.replace(dataset, indicators=indicators)


@pytest.fixture(scope="module")
def gap_county() -> Built:
    return built(_gap_county())


def _format_texts(model: ReportModel) -> dict[str, str]:
    """What each format shows a reader, whitespace removed: Word, PDF, HTML, Excel."""
    files = {f.filename.rpartition(".")[2]: f.data for f in render_report(model, FORMATS, "r")}
    texts = {fmt: "\n".join(extract_bytes(files[fmt], f"r.{fmt}").lines) for fmt in ("docx", "pdf")}
    texts["html"] = html.unescape(re.sub(r"<[^>]+>", "", files["html"].decode("utf-8")))
    sheet = load_workbook(BytesIO(files["xlsx"]))["附表1 评分表"]
    texts["xlsx"] = "\n".join(
        "\t".join(_shown(v) for v in row) for row in sheet.iter_rows(values_only=True)
    )
    texts = {fmt: re.sub(r"\s+", "", text) for fmt, text in texts.items()}
    texts["pdf"] = re.sub(r"—\d+—", "", texts["pdf"])  # the page numbers between two pages
    return texts


FORMATS = ("docx", "pdf", "html", "xlsx")


def test_a_line_scored_as_a_whole_over_unscored_lines_is_not_given_full_marks(
    example: Built,
) -> None:
    """履职效能 showed 50/50 “扣0” over 整体效能 and 专项效能 shown “—”: a reviewer could not
    defend full marks no indicator supports. It is the department's own overall score, said
    so, with no deduction and not named 满分 — in every format."""
    rows = {r.code: r for r in example.model.scorecard.rows}
    assert rows["1"].status == "whole" and rows["1"].deduction is None
    table = next(t for t in example.model.tables if t.number == "附表1")
    line = [c.text for c in next(r for r in table.rows if r[1].text == "履职效能")]
    assert line[2:6] == ["50", "", "50", "—"]
    assert line[6].startswith(
        "整体效能、专项效能未单独评分，本项得分为部门整体自评得分，未经逐项指标核实。"
    )
    conclusion = "\n".join(
        b.text
        for s in example.model.sections
        if s.id == "evaluation.conclusion"
        for b in s.blocks
        if isinstance(b, Paragraph)
    )
    assert "履职效能" not in conclusion.split("从各项指标的评分情况来看")[1]
    for fmt, text in _format_texts(example.model).items():
        if fmt != "xlsx":
            assert (
                "履职效能分值50分，整体效能、专项效能未单独评分，本项得分50分为部门整体自评得分"
                in text
            ), fmt
        assert re.search(r"履职效能50(按[^\n]*?)?50—整体效能、专项效能未单独评分", text), fmt
        assert not re.search(r"履职效能50(按[^\n]*?)?500", text), fmt


def test_a_parent_of_a_partly_scored_line_is_partly_scored_not_deducted(
    gap_county: Built,
) -> None:
    """mof-dept-2013 with two of three 产出 indicators and the 满意度 one unfilled: 产出 printed
    “自评得分6.66分，扣13.34分” (the unscored points counted as lost) and the 合计 “扣20.62”
    beside a total graded nowhere. The unscored lines are named, the parent is the sum of
    what was scored, no deduction is made of the rest, and the total is not graded."""
    rows = {r.code: r for r in gap_county.model.scorecard.rows}
    assert rows["3"].status == "partial" and rows["3"].score == Decimal("6.66")
    assert rows["3"].deduction is None and rows["4"].deduction is None
    assert rows["3"].unscored == ("粮食播种面积", "新建高标准农田面积")
    card = gap_county.model.scorecard
    assert not card.complete and card.deduction is None and card.grade == ""
    table = next(t for t in gap_county.model.tables if t.number == "附表1")
    total = [c.text for c in table.rows[-1]]
    assert total == [
        "",
        "合计",
        "100",
        "",
        "79.38",
        "—",
        "部分指标暂未评分，总分不完整，不评定等级",
    ]
    for fmt, text in _format_texts(gap_county.model).items():
        assert "扣13.34" not in text and "20.62" not in text, fmt
        assert "合计10079.38—部分指标暂未评分，总分不完整，不评定等级" in text, fmt
        if fmt == "xlsx":
            continue
        assert (
            "产出分值20分，粮食播种面积、新建高标准农田面积暂未评分，已评分的各项合计得分6.66分。"
            in text
        ), fmt
        assert "已评分指标合计得分79.38分（满分100分）" in text, fmt
        assert "自评得分为79.38分" not in text, fmt
        assert "职责履行部分指标暂未评分；社会公众或服务对象满意度暂未评分" in text, fmt
        assert "因部分指标暂未评分，总分不完整，暂不评定等级。" in text, fmt


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_partly_scored_report_audits_clean(gap_county: Built, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"gap.{fmt}"
    (file,) = render_report(gap_county.model, [fmt], "gap")
    path.write_bytes(file.data)
    errors = [f.message for f in audit_file(path).findings if f.severity == Severity.ERROR]
    assert errors == []


def test_a_description_of_work_done_is_said_before_the_score_not_after_it(
    example: Built,
) -> None:
    """采购管理 lost 2.5 points; its text describes the procurement work done. It stays in
    the body, before “分值…扣2.5分。”, never after it as its reason (issue 10's
    “…开展了政府采购工作。扣 2.5 分。”)."""
    paragraphs = [
        b.text for s in example.model.sections for b in s.blocks if isinstance(b, Paragraph)
    ]
    line = next(p for p in paragraphs if p.startswith("5.采购管理。"))
    assert line.endswith("开展了政府采购工作。分值10分，自评得分7.5分，扣2.5分。")
    assert line.count("扣") == 1
