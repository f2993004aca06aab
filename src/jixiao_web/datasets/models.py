"""A department-year dataset in the database: one model per table of the engine's schema.

The row models are *generated* from :data:`jixiao.dataset.model.TABLES` (one field per
column, the column's Chinese header as its name), so the database and the engine cannot
drift: a column added to the engine changes the model, and ``makemigrations --check``
(a test) fails until the migration that adds it is committed.

Every row carries the tenant keys (region, department, dataset) and the budget unit it
belongs to (``unit_code``, blank for the department's own rows), its place in the table
(``position``) and a ``version`` for optimistic locking. Every row model keeps its full
history (django-simple-history): who changed what, when, old and new values. Rows are
written only by :mod:`jixiao_web.datasets.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jixiao.dataset.model import TABLES
from jixiao.dataset.schema import TableSpec
from jixiao_web.datasets.fields import field_for
from jixiao_web.orgs.models import Department, Region


class Dataset(models.Model):
    """The 部门整体支出绩效 dataset of one department and one year."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="datasets")
    year = models.PositiveSmallIntegerField("年度")
    #: bumped by every change of any row: an evaluation remembers the version it read
    version = models.PositiveIntegerField("数据版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "数据集"
        ordering = ["department", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="dataset_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department.name}{self.year}年度"


class Assignment(models.Model):
    """A dataset a third party (第三方机构/专家) is assigned to: all it may see."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评价委托"
        constraints = [
            models.UniqueConstraint(fields=["dataset", "user"], name="assignment_unique")
        ]


class Upload(models.Model):
    """One workbook upload: accepted (and stored) or rejected with every error listed."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="uploads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    #: the name the browser sent, for display only: never used as a path
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    accepted = models.BooleanField()
    #: [{"location": "收入!C7", "message": "…"}] for a rejected upload
    errors = models.JSONField(default=list)

    class Meta:
        verbose_name = "工作簿上传"
        ordering = ["-uploaded_at"]


class DatasetRow(models.Model):
    """What every generated row model has besides the engine's columns."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField("行序")
    #: the budget unit whose row this is (its 预算编码); blank: the department's own row
    unit_code = models.CharField("所属单位", max_length=64, blank=True, default="", db_index=True)
    version = models.PositiveIntegerField("版本", default=1)

    #: the engine's table this model stores (set on each generated model)
    spec: ClassVar[TableSpec]

    if TYPE_CHECKING:
        # The columns are generated from the engine's schema: typed as Any here.
        objects: ClassVar[models.Manager[Any]]
        history: ClassVar[Any]

        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    class Meta:
        abstract = True


#: Field names the system uses; no engine column may take one (a test checks).
SYSTEM_FIELDS = frozenset(
    {"id", "region", "department", "dataset", "position", "unit_code", "version", "history"}
)


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def _row_model(spec: TableSpec) -> type[DatasetRow]:
    name = _camel(spec.key) + ("Form" if spec.form else "Row")
    attrs: dict[str, Any] = {
        "__module__": __name__,
        "spec": spec,
        "history": HistoricalRecords(),
        "Meta": type(
            "Meta",
            (),
            {
                "verbose_name": spec.sheet,
                "ordering": ["dataset", "position"],
                "indexes": [models.Index(fields=["dataset", "position"])],
                "constraints": (
                    [
                        models.UniqueConstraint(
                            fields=["dataset"], name=f"{spec.key}_one_per_dataset"
                        )
                    ]
                    if spec.form
                    else []
                ),
            },
        ),
    }
    for column in spec.columns:
        attrs[column.key] = field_for(column)
    return type(name, (DatasetRow,), attrs)


#: One model per table of the engine's schema, by table key, in workbook order.
ROW_MODELS: dict[str, type[DatasetRow]] = {spec.key: _row_model(spec) for spec in TABLES}

# The generated classes must be module attributes for migrations and pickling.
globals().update({model.__name__: model for model in ROW_MODELS.values()})
