"""Organisations and who works for which: region → 主管部门 → 预算单位, 处室, memberships.

Every organisation row carries its region (and, below the region, its department), the
tenant keys every other table of the system carries too, so that a query can always be
limited to one region or department and a distributed database can shard by them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Region(models.Model):
    """A finance bureau's area: 省, 市 or 县 (财政厅/局)."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    code = models.CharField("行政区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    bureau_name = models.CharField("财政部门名称", max_length=100, blank=True)

    class Meta:
        verbose_name = "地区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A 主管部门 (e.g. 广东省科学技术厅) of a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField("部门编码", max_length=32)
    name = models.CharField("部门名称", max_length=100)

    class Meta:
        verbose_name = "主管部门"
        ordering = ["region", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="department_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Division(models.Model):
    """A 处室 inside a department (财务处, 资管处, 业务处室)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField("处室名称", max_length=100)

    class Meta:
        verbose_name = "处室"
        ordering = ["department", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="division_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A 预算单位 of a department, identified by its 预算编码 within the department."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="units")
    code = models.CharField("预算编码", max_length=32)
    name = models.CharField("单位名称", max_length=200)

    class Meta:
        verbose_name = "预算单位"
        ordering = ["department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="unit_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a membership allows; the rights of each are in :mod:`jixiao_web.orgs.access`."""

    BUREAU_ADMIN = "bureau_admin", "财政绩效管理处"
    BUREAU_REVIEWER = "bureau_reviewer", "财政审核人员"
    DEPT_ADMIN = "dept_admin", "部门财务处（资管处）"
    DIVISION = "division", "业务处室"
    UNIT_CLERK = "unit_clerk", "预算单位填报人"
    EVALUATOR = "evaluator", "第三方机构（专家）"


class Membership(models.Model):
    """A user's role at one place: a region, a department, a 处室 or a unit.

    The place must match the role: bureau roles name a region only; a department
    administrator a department; a 处室 its division; a clerk its unit. An evaluator names
    its region and sees only the datasets it is assigned (:class:`Assignment`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "角色授权"
        constraints = [
            models.CheckConstraint(
                name="membership_place_matches_role",
                condition=(
                    models.Q(
                        role__in=["bureau_admin", "bureau_reviewer", "evaluator"],
                        department__isnull=True,
                        division__isnull=True,
                        unit__isnull=True,
                    )
                    | models.Q(
                        role="dept_admin",
                        department__isnull=False,
                        division__isnull=True,
                        unit__isnull=True,
                    )
                    | models.Q(
                        role="division",
                        department__isnull=False,
                        division__isnull=False,
                        unit__isnull=True,
                    )
                    | models.Q(
                        role="unit_clerk",
                        department__isnull=False,
                        division__isnull=True,
                        unit__isnull=False,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        place = self.unit or self.division or self.department or self.region
        return f"{place} {self.get_role_display()}"
