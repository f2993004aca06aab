"""The demonstration data of ``jixiao serve --demo``.

广东省 (财政厅) with two departments: 广东省科学技术厅 and its 2023 dataset from the bundled
example (``examples/gdstc-2023.xlsx``, in the source repository: the demo is for a
checkout, as the README's commands use it), and a synthetic department made by
:func:`jixiao.synthetic.synthetic_province` (one department of four units, self-evaluated under the national
framework ``mof-dept-2013``). One login per
role, all with the password ``demo``. Loading twice changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from jixiao.dataset.model import Dataset as EngineDataset
from jixiao_web.datasets import services
from jixiao_web.datasets.models import Assignment, Dataset
from jixiao_web.orgs.models import Department, Division, Membership, Region, Role, Unit

REPOSITORY = Path(__file__).resolve().parents[3]
EXAMPLE = REPOSITORY / "examples" / "gdstc-2023.xlsx"
PASSWORD = "demo"
SYNTHETIC_NAME = "合成示范厅（演示）"
#: the 业务处室 of the ``division`` login
DEMO_DIVISION = "基础研究处"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    place: str


class DemoUnavailable(Exception):
    """The demonstration files are not there (an installed package without the repository)."""


def example_dataset() -> EngineDataset:
    from jixiao.io.formats import load_dataset

    if not EXAMPLE.exists():
        raise DemoUnavailable(f"找不到演示数据 {EXAMPLE}（演示数据随源代码仓库提供）")
    return load_dataset(EXAMPLE)


def synthetic_dataset() -> EngineDataset:
    from jixiao.synthetic import synthetic_province

    # Scored under the national framework, so the demo region compares two departments
    # scored under two shipped frameworks (an unscored one shows only "—" for 总分/等级).
    dataset = synthetic_province(departments=1, units_per_department=4, framework="mof-dept-2013")
    return dataclasses.replace(
        dataset, profile=dataclasses.replace(dataset.profile, department_name=SYNTHETIC_NAME)
    )


@transaction.atomic
def load_demo() -> list[Login]:
    """Create (or find) the demo region, departments, datasets and users."""
    region, _ = Region.objects.get_or_create(
        code="440000",
        defaults={"name": "广东省", "level": Region.Level.PROVINCE, "bureau_name": "广东省财政厅"},
    )
    example = example_dataset()
    science = _department(region, "163", example)
    synthetic = _department(region, "901", synthetic_dataset())
    science_dataset = Dataset.objects.get(department=science, year=2023)
    division = (
        Division.objects.filter(department=science, name=DEMO_DIVISION).first()
        or Division.objects.filter(department=science).order_by("pk").first()
    )
    units = list(Unit.objects.filter(department=science).order_by("code")[:2])
    if division is None or len(units) < 2:
        raise DemoUnavailable("演示数据缺少处室或预算单位")
    logins = [
        _user("bureau-admin", "绩效处 管理员", Role.BUREAU_ADMIN, region),
        _user("bureau-reviewer", "财政 审核员", Role.BUREAU_REVIEWER, region),
        _user("dept-admin", "财务处 管理员", Role.DEPT_ADMIN, region, department=science),
        _user(
            "division", f"{division.name} 经办人", Role.DIVISION, region, science, division=division
        ),
        _user(
            "unit-clerk", f"{units[0].name} 填报人", Role.UNIT_CLERK, region, science, unit=units[0]
        ),
        _user(
            "unit-clerk-2",
            f"{units[1].name} 填报人",
            Role.UNIT_CLERK,
            region,
            science,
            unit=units[1],
        ),
        _user("evaluator", "第三方机构 评价人员", Role.EVALUATOR, region),
    ]
    Assignment.objects.get_or_create(
        dataset=science_dataset,
        user=get_user_model().objects.get(username="evaluator"),
        defaults={"region": region, "department": science},
    )
    _ = synthetic
    _evaluate_demo(region)
    from jixiao_web.targets.demo import load_target_demo

    load_target_demo(science)
    _assessment(science_dataset)
    _publish_demo(science_dataset)
    from jixiao_web.monitor.demo import load_monitoring_demo
    from jixiao_web.results.demo import load_results_demo

    load_monitoring_demo(science_dataset)
    load_results_demo(science_dataset)
    return logins


def _publish_demo(dataset: Dataset) -> None:
    """The example department's year is published (once: a re-publish is a person's decision)."""
    from jixiao_web.disclosure.models import Publication
    from jixiao_web.disclosure.services import publish
    from jixiao_web.orgs.access import Access

    if not Publication.objects.filter(dataset=dataset).exists():
        user = get_user_model().objects.get(username="bureau-admin")
        publish(dataset, user, Access.of(user))  # recorded with the user's role


def _evaluate_demo(region: Region) -> None:
    """Evaluate each demo dataset once, so the pages show stored results from the start."""
    from jixiao_web.evaluation.services import evaluate_dataset

    for dataset in Dataset.objects.filter(region=region, evaluations__isnull=True):
        evaluate_dataset(dataset, None)


def _assessment(dataset: Dataset) -> None:
    """绩效评价管理: the 2023 自评任务 issued to the example department."""
    from jixiao_web.assessment.demo import load

    load(get_user_model().objects.get(username="bureau-admin"), [dataset])


def _department(region: Region, code: str, engine: EngineDataset) -> Department:
    department, _ = Department.objects.get_or_create(
        region=region, code=code, defaults={"name": engine.profile.department_name}
    )
    for division in engine.divisions:
        Division.objects.get_or_create(
            department=department, name=division.name, defaults={"region": region}
        )
    year = engine.profile.year or 2023
    dataset = services.create_dataset(department, year)
    if dataset.version == 1:  # never loaded: a demo started again keeps the edits made
        services.store(dataset, engine, None, "演示数据")
    return department


def _user(
    username: str,
    full_name: str,
    role: Role,
    region: Region,
    department: Department | None = None,
    *,
    division: Division | None = None,
    unit: Unit | None = None,
) -> Login:
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.first_name = full_name
        user.save()
    Membership.objects.get_or_create(
        user=user,
        role=role,
        region=region,
        department=department,
        division=division,
        unit=unit,
    )
    place = unit or division or department or region
    return Login(username, Role(role).label, str(place))
