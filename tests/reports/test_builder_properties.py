"""Property: whatever the money data, every number the report prints is the engine's figure."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.dataset.model import CarryOver, Dataset, MoneyLine, Profile
from jixiao.figures import compute_figures
from jixiao.reports.builder import build_report
from jixiao.reports.model import Paragraph
from jixiao.reports.scores import scorecard_from_dataset

AMOUNT = st.one_of(
    st.none(),
    st.just(Decimal(0)),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
)


def _lines(items: list[str]) -> st.SearchStrategy[tuple[MoneyLine, ...]]:
    line = st.builds(
        lambda item, b, f, p: MoneyLine(item=item, budget=b, final=f, prior=p),
        st.sampled_from(items),
        AMOUNT,
        AMOUNT,
        AMOUNT,
    )
    return st.lists(line, max_size=len(items), unique_by=lambda m: m.item).map(tuple)


datasets = st.builds(
    lambda income, nature, three, carry: Dataset(
        profile=Profile(department_name="测试部门", year=2023),
        income=income,
        expenditure_nature=nature,
        three_public=three,
        carryover=carry,
    ),
    _lines(["财政拨款收入", "一般公共预算财政拨款收入", "事业收入", "经营收入", "其他收入"]),
    _lines(["基本支出", "人员经费", "日常公用经费", "项目支出", "经营支出"]),
    _lines(["三公经费合计", "因公出国（境）费", "公务用车运行维护费", "公务接待费"]),
    st.lists(
        st.builds(lambda o, c: CarryOver(fund="合计", opening=o, closing=c), AMOUNT, AMOUNT),
        max_size=1,
    ).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(datasets)
def test_every_printed_number_is_the_engines_figure_text(dataset: Dataset) -> None:
    figures = compute_figures(dataset)
    model = build_report(dataset, figures, scorecard_from_dataset(dataset))
    for run in model.figure_runs():
        figure = figures[run.figure]
        assert figure.value is not None, run.figure  # never a blank printed as “—”
        assert run.text == (figure.text.lstrip("-") if run.absolute else figure.text), run.figure
    for section in model.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                assert "—" not in block.text and "None" not in block.text, block.text
