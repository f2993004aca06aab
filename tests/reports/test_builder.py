"""The report model: every number bound to a figure, the seed's facts and none of its errors."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from report_fixtures import Built

from jixiao.evaluation import evaluate
from jixiao.reports.builder import build_report
from jixiao.reports.model import Paragraph, ReportModel
from jixiao.reports.wording import default_wording_data

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
#: Set JIXIAO_UPDATE_SNAPSHOTS=1 to rewrite the snapshot after an intended change.
UPDATE = os.environ.get("JIXIAO_UPDATE_SNAPSHOTS") == "1"


def _text(model: ReportModel, section_id: str | None = None) -> str:
    return "\n".join(
        block.text
        for section in model.sections
        if section_id is None or section.id == section_id
        for block in section.blocks
        if isinstance(block, Paragraph)
    )


def test_it_prints_every_figure_exactly_as_the_engine_does(example: Built) -> None:
    runs = example.model.figure_runs()
    assert len(runs) > 80
    for run in runs:
        figure = example.figures[run.figure]
        expected = figure.text.lstrip("-") if run.absolute else figure.text
        assert run.text == expected, run.figure


def test_every_figure_id_it_uses_exists(example: Built) -> None:
    assert example.model.figure_ids() <= set(example.figures)


def test_the_review_files_sources_explain_every_printed_figure(example: Built) -> None:
    listed = {s.figure for s in example.review.sources}
    assert {run.figure for run in example.model.figure_runs()} <= listed
    for source in example.review.sources:
        assert source.formula, source.figure
        assert source.inputs, source.figure


@pytest.mark.parametrize(
    "sentence",
    [
        "本部门2023年决算收入合计617,056.54万元，为年初预算的342.35%，其中：财政拨款收入592,519.16万元，全部为一般公共预算财政拨款，占总收入96.02%",
        "事业收入12,021.60万元，占总收入1.95%",
        "其他收入8,618.66万元，占总收入1.40%",
        "经营收入3,897.12万元，占总收入0.63%",
        "财政拨款收入2023年决算收入合计592,519.16万元，为年初预算的393.85%",
        "经营收入2023年决算收入合计3,897.12万元，为年初预算的194.86%",
        "其他收入2023年决算收入合计8,618.66万元，为年初预算的55.49%",
        "2023年年初预算收入为180,242.93万元",
        "基本支出39,855.33万元，其中：人员经费31,373.05万元、日常公用经费8,482.28万元",
        # The seed prints 241.70% here; 615,883.73 ÷ 180,242.93 is 341.70%.
        "本部门2023年决算支出合计615,883.73万元，为年初预算的341.70%",
        "基本支出2023年决算支出合计35,480.92万元，为年初预算的89.02%",
        "人员经费决算支出29,615.67万元，为年初预算的94.40%",
        "项目支出2023年决算支出合计578,025.85万元，为年初预算的411.74%",
        "主要是商品和服务支出554,632.54万元，占项目支出95.95%",
        # The seed prints 94.10%; 521,728.73 ÷ 554,632.54 is 94.07%.
        "其他商品和服务支出521,728.73万元，占比94.07%",
        "委托业务费16,574.62万元，占比2.99%",
        "经营支出2023年决算支出合计2,376.96万元，年初预算为0",
        "“三公”经费支出合计160.66万元，比年初预算的223.36万元节约62.70万元",
        "较上年同口径增加106.83万元，增幅198.46%",
        "“因公出国（境）费”本年度比上年度增加83.75万元，增幅3673.25%",
        "“公务用车运行维护费”本年度比上年度增加20.81万元，增幅42.16%",
        "“公务接待费”本年度比上年度增加2.27万元，增幅103.65%",
        "因公出国（境）团组19个、48人次",
        "年末结转结余63,999.08万元，比上年同口径的65,197.13万元减少1,198.05万元，减幅1.84%",
        "年末实有人数898人，其中在职人员590人，离退休人员308人",
        "包括1个行政单位和9个事业单位",
    ],
)
def test_it_states_the_seed_figures(example: Built, sentence: str) -> None:
    assert sentence in _text(example.model)


@pytest.mark.parametrize(
    "wrong", ["241.70%", "94.10%", "1个行政单位和10个事业单位", "扣 1 分", "扣1分"]
)
def test_it_does_not_repeat_the_seed_errors(example: Built, wrong: str) -> None:
    assert wrong not in _text(example.model)


def test_it_states_the_performance_management_deduction_once_from_the_scores(
    example: Built,
) -> None:
    text = _text(example.model, "evaluation.items.2")
    line = next(p for p in text.splitlines() if p.startswith("4.绩效管理。"))
    assert line.startswith("4.绩效管理。分值15分，自评得分13.5分，扣1.5分。")
    assert line.count("分值") == 1 and "扣1分" not in line and "扣 1 分" not in line


def test_the_conclusion_follows_the_scorecard(example: Built) -> None:
    card = example.model.scorecard
    scored = [r for r in card.at_level(2) if r.status in ("scored", "whole")]
    full = [r.name for r in scored if r.deduction == 0]
    deducted = [r.name for r in scored if r.deduction and r.deduction > 0]
    text = _text(example.model, "evaluation.conclusion")
    assert f"{'、'.join(full)}得满分" in text
    assert f"{'、'.join(deducted)}有扣分" in text
    unscored = [r.name for r in card.at_level(2) if r.status in ("partial", "missing")]
    assert unscored == ["整体效能", "专项效能"]  # 履职效能 was scored as a whole
    # 整体效能 has one of its twelve indicators scored: not “暂未评分” as a whole
    assert "整体效能部分指标暂未评分；专项效能暂未评分" in text
    assert "自评得分为89.56分（满分100分）" in text
    assert f"自评等级为“{card.grade}”" in text
    assert card.grade == "良好"  # 89.56 < 90 under the framework's bands, not the seed's 优秀
    assert "缺少数据" not in text


def test_the_analysis_sections_follow_the_frameworks_top_level_items(example: Built) -> None:
    titles = [s.title for s in example.model.sections if s.level == 2]
    assert titles[4:9] == [
        "（一）自评结论",
        "（二）履职效能分析",
        "（三）管理效率分析",
        "（四）“三公”经费支出情况",
        "（五）存在问题及改进措施",
    ]


def test_it_follows_the_outline_of_the_wording_file(example: Built) -> None:
    """Every section comes from an outline line, in order; empty ones are left out."""
    outline = [entry["id"] for entry in default_wording_data()["outline"]]
    ids = [
        s.id.rpartition(".")[0] if s.id.startswith("evaluation.items.") else s.id
        for s in example.model.sections
    ]
    positions = [outline.index(i) for i in ids]
    assert positions == sorted(positions)
    for i, section in enumerate(example.model.sections):
        below = example.model.sections[i + 1] if i + 1 < len(example.model.sections) else None
        assert section.blocks or (below is not None and below.level > section.level), section.title


def test_it_numbers_tables_and_charts_in_order(example: Built) -> None:
    charts = example.model.charts
    assert [c.number for c in charts] == [f"图{i}" for i in range(1, len(charts) + 1)]
    assert {c.id for c in charts} == {
        "income_structure",
        "expenditure_function",
        "expenditure_nature",
        "budget_vs_final",
        "three_public",
    }
    body = [t.number for t in example.model.tables if re.fullmatch(r"表\d+", t.number)]
    assert body == [f"表{i}" for i in range(1, len(body) + 1)]


def test_the_review_file_lists_every_finding_with_its_place(example: Built) -> None:
    table = next(t for t in example.review.tables if t.caption == "数据检查发现的问题")
    assert len(table.rows) >= len(example.findings) > 0
    messages = [row[2].text for row in table.rows]
    assert len(set(messages)) == len(messages)  # a scoring finding the checks made is listed once
    # the place in the file the reviewer opens (here the YAML text form: file and line)
    assert any(re.search(r"gdstc-2023\.yaml:\d+", row[3].text) for row in table.rows)
    assert all(row[3].text for row in table.rows)


def test_the_mini_report_matches_its_snapshot(mini: Built) -> None:
    """The whole model as JSON; rerun with JIXIAO_UPDATE_SNAPSHOTS=1 after an intended change."""
    snapshot = SNAPSHOTS / "reports-mini.json"
    model = build_report(evaluate(mini.dataset))
    current = json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n"
    if UPDATE or not snapshot.exists():
        snapshot.write_text(current, "utf-8")
    assert current == snapshot.read_text("utf-8")


def test_it_states_the_internal_divisions_and_the_unit_count_once(example: Built) -> None:
    text = _text(example.model, "org.setup")
    assert text.count("综合规划处") == 1  # the department's list, no generated repeat
    assert text.count("纳入部门决算共") == 1  # the generated sentence, bound to 表1
    assert text.count("撤销广东本部门机关服务中心") == 1  # the change note, once
    # What is left of the department's paragraph still reads as a sentence.
    assert "机关党委共17个业务处室。" in text


def test_the_generated_divisions_paragraph_stands_in_when_the_text_does_not_list_them(
    mini: Built,
) -> None:
    from dataclasses import replace

    from jixiao.dataset.model import Division

    names = ("办公室", "计划财务处", "人事处")
    dataset = replace(mini.dataset, divisions=tuple(Division(name=n) for n in names))
    model = build_report(evaluate(dataset))
    text = _text(model, "org.setup")
    assert "本部门本级内设机构为：办公室、计划财务处、人事处，共3个处室。" in text
    assert text.count("计划财务处") == 1


def test_the_grade_comes_from_the_frameworks_bands(mini: Built) -> None:
    """Without a framework the shipped national one grades; a framework's own bands win."""
    from dataclasses import replace
    from decimal import Decimal

    from jixiao.reports.scores import GRADING_FRAMEWORK, scorecard_from_dataset
    from jixiao.scoring import load_framework
    from jixiao.scoring.model import GradeBand

    national = load_framework(GRADING_FRAMEWORK)
    card = scorecard_from_dataset(mini.dataset)
    assert card.total is not None
    band = national.grade_for(card.total)
    assert band is not None and card.grade == band.label
    strict = replace(
        national,
        grade_bands=(GradeBand("差", "不达标", Decimal(0)), GradeBand("优", "达标", Decimal(99))),
    )
    assert scorecard_from_dataset(mini.dataset, strict).grade == "不达标"  # 95 < 99


def _unit_report(mini: Built, index: int) -> ReportModel:
    from jixiao.reports.api import prepare_unit_report, unit_dataset, units_with_rows

    unit = unit_dataset(mini.dataset, units_with_rows(mini.dataset)[index])
    return prepare_unit_report(unit)[0]


def test_a_unit_report_leaves_out_empty_headings_and_renumbers_the_rest(mini: Built) -> None:
    model = _unit_report(mini, 1)
    titles = [(s.level, s.title) for s in model.sections]
    assert titles == [
        (1, "一、单位整体支出情况"),
        (2, "（一）单位预算编制情况"),
        (2, "（二）单位决算情况"),
    ]
    for i, section in enumerate(model.sections):
        below = model.sections[i + 1] if i + 1 < len(model.sections) else None
        assert section.blocks or (below is not None and below.level > section.level)
    assert "附表1" not in _text(model)  # nothing points to a scorecard it does not have


def test_a_unit_report_reads_as_the_units_own(mini: Built) -> None:
    model = _unit_report(mini, 1)
    assert model.title == "示例科技服务中心2023年度单位整体支出绩效自评报告"
    text = _text(model)
    assert "本单位2023年决算收入合计650.00万元" in text
    assert "本单位2023年决算支出合计540.00万元" in text
    assert "部门" not in text + "".join(s.title for s in model.sections)


def test_a_unit_reports_cover_names_the_unit_and_its_budget_code(mini: Built) -> None:
    cover = _unit_report(mini, 0).cover
    assert [(f.label, f.value) for f in cover.fields] == [
        ("单位名称（公章）", "示例科技厅（本级）"),
        ("预算编码", "100001"),
        ("填报人", ""),
        ("联系电话", ""),
        ("填报日期", "2024年5月11日"),
    ]
    assert not any("下属二级预算单位数量" in f.value for f in cover.fields)


def test_a_unit_report_has_none_of_the_departments_sections(mini: Built) -> None:
    department_only = {"org", "org.setup", "work", "goals", "spending.scope", "evaluation"}
    department_only |= {"evaluation.conclusion", "other", "appendix.scores"}
    assert not department_only & {s.id for s in _unit_report(mini, 0).sections}


def test_a_unit_with_its_own_three_public_and_carryover_rows_reports_them(mini: Built) -> None:
    from dataclasses import replace

    from jixiao.reports.api import prepare_unit_report, unit_dataset, units_with_rows

    # The mini dataset's 三公 and 结转结余 rows are the department's; give them to 100002.
    dataset = replace(
        mini.dataset,
        three_public=tuple(replace(r, unit="100002") for r in mini.dataset.three_public),
        carryover=tuple(replace(r, unit="100002") for r in mini.dataset.carryover),
    )
    model, _ = prepare_unit_report(unit_dataset(dataset, units_with_rows(dataset)[1]))
    titles = [s.title for s in model.sections]
    assert titles[3:5] == ["（三）“三公”经费支出情况", "（四）结转结余情况"]
    text = _text(model)
    assert "2023年“三公”经费支出合计15.00万元" in text
    assert "2023年年末结转结余520.00万元" in text


def test_the_department_report_keeps_its_own_cover(mini: Built) -> None:
    assert [f.label for f in mini.model.cover.fields] == [
        "部门名称（公章）",
        "预算单位数量",
        "填报人",
        "联系电话",
        "填报日期",
    ]


def test_an_item_not_scored_in_full_says_what_is_not_scored(example: Built) -> None:
    """整体效能 has 11 of its 12 indicators without data: no partial sum read as a deduction."""
    text = _text(example.model, "evaluation.items.1")
    assert (
        "履职效能分值50分，整体效能、专项效能未单独评分，"
        "本项得分50分为部门整体自评得分，未经逐项指标核实。"
    ) in text
    assert "1.整体效能。分值25分，其中11项指标暂未评分，已评分的各项合计得分1.16分。" in text
    assert "2.专项效能。分值25分，暂未评分。" in text
    assert "dataset:" not in text and "23.84" not in text and "缺少数据" not in text


def test_the_review_shows_what_the_scored_lines_under_a_whole_score_add_up_to(
    example: Built,
) -> None:
    """履职效能 counts the department's own 50 (the framework's ``fallback``, the lead's
    decision, docs/scoring.md); the reviewer sees beside it what its scored lines support."""
    table = next(
        b
        for s in example.review.sections
        for b in s.blocks
        if getattr(b, "number", "") == "审核表2"
    )
    row = next(r for r in table.rows if r[0].text == "1")
    assert [c.text for c in row[2:6]] == ["50", "50", "—", "本项整体评分"]
    assert (
        "已评分的下级指标合计 1.16 分（整体效能 1.16），专项效能暂未评分；"
        "按评分框架，总分计入本项整体评分 50 分（部门整体自评得分，未经逐项指标核实）"
    ) in row[6].text
    assert "。。" not in row[6].text
