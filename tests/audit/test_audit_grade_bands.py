"""The grade rule's bands (issue 15 item 4): read from the national framework file's
``grade_bands`` alone, without the scoring loader, and always the loader's bands."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from jixiao.audit.rules.scores import bands_in, national_bands
from jixiao.scoring import known_frameworks, load_framework
from jixiao.scoring.grading import grading_framework


def test_the_national_bands_are_the_loaders() -> None:
    assert national_bands() == grading_framework().grade_bands
    assert len(national_bands()) == 4


@pytest.mark.parametrize("framework_id", sorted(known_frameworks()))
def test_every_shipped_frameworks_bands_read_alone_are_the_loaders(framework_id: str) -> None:
    text = (resources.files("jixiao.scoring.frameworks") / f"{framework_id}.yaml").read_text(
        "utf-8"
    )
    bands = bands_in(text)
    expected = load_framework(framework_id).grade_bands
    # None (left to the loader) is always right; bands read alone must be the loader's.
    assert bands is None or bands == expected
    assert bands is not None or "grade_bands" not in text


HEAD = "id: x\nname: x\ngrade_bands:\n"


@pytest.mark.parametrize(
    "entries",
    [
        "  - {grade: 优, min: 90}\n  - {grade: 差}\n",  # a minimum missing
        "  - {grade: 优, min: 90}\n  - {grade: 差, min: 90}\n",  # two bands, one minimum
        "  - {grade: 优, min: 90}\n  - {grade: 差, min: 10}\n",  # nothing from 0
        "  - {grade: 优, min: 90}\n  - {grade: 差, min: 0, max: 80}\n",  # a maximum: checked
        "  - {grade: 优, min: 九十}\n  - {grade: 差, min: 0}\n",  # not a number
        "  - {grade: 优, min: 90}\n  - {grade: '', min: 0}\n",  # no grade
        "  - {grade: [优], min: 90}\n  - {grade: 差, min: 0}\n",  # not text
        "  - 优\n",
        "  {}\n",
    ],
)
def test_anything_but_plain_bands_is_left_to_the_loader(entries: str) -> None:
    assert bands_in(HEAD + entries) is None


def test_plain_bands_in_any_order_are_sorted_and_bounded() -> None:
    bands = bands_in(HEAD + "  - {grade: 差, min: 0}\n  - {grade: 优, label: 优秀, min: 85.5}\n")
    assert bands is not None
    assert [(b.grade, b.label, str(b.minimum), b.maximum) for b in bands] == [
        ("差", "差", "0", bands[1].minimum),
        ("优", "优秀", "85.5", None),
    ]


PROBE = """
import json, sys
from jixiao.audit import audit_lines
result = audit_lines(["（一）自评结论", "本部门整体支出绩效自评得分为85分，评价等级为优秀。"])
print(json.dumps({"codes": [f.code for f in result.findings], "modules": sorted(sys.modules)}))
"""


def test_grading_a_stated_total_loads_no_scoring_engine() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    probe = json.loads(out.splitlines()[-1])
    assert probe["codes"] == ["grade"]  # 85 is 良 by the national bands: the total was graded
    loaded = [
        m
        for m in probe["modules"]
        if m.startswith(("jixiao.scoring.loader", "jixiao.scoring.engine", "jixiao.dataset"))
    ]
    assert not loaded, f"imported to grade a total: {loaded}"
