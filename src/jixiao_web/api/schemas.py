"""Request and response shapes of the API (pydantic through ninja's ``Schema``)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class Error(Schema):
    """Every refusal: a Chinese message (``detail``)."""

    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: the request's parameters could not be read; each problem with its place."""

    detail: str
    errors: list[FieldError]


class PublicationOut(Schema):
    id: int
    region_code: str
    region: str
    department_code: str
    department: str
    year: int
    total_score: str
    grade: str
    execution_rate: str
    published_at: datetime | None


class ScoreRowOut(Schema):
    code: str
    name: str
    level: int
    points: str
    score: str
    deduction: str


class TargetOut(Schema):
    scope: str
    owner_code: str
    owner: str
    level1: str
    level2: str
    name: str
    sign: str
    target: str
    target_desc: str
    unit: str
    actual: str
    actual_desc: str


class BudgetOut(Schema):
    id: str
    label: str
    value: str
    unit: str


class PublicationDetailOut(PublicationOut):
    scorecard_title: str
    scorecard: list[ScoreRowOut]
    targets: list[TargetOut]
    budget: list[BudgetOut]


class DatasetOut(Schema):
    id: int
    region_code: str
    department_code: str
    department: str
    year: int
    version: int
    actions: list[str]


class EvaluationOut(Schema):
    id: int
    dataset_version: int
    created_at: datetime
    framework: str
    total_score: str
    grade: str
    errors: int
    warnings: int
    infos: int


class DatasetDetailOut(DatasetOut):
    evaluation: EvaluationOut | None


class FigureOut(Schema):
    id: str
    label: str
    value: str
    text: str
    unit: str
    formula: str


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    place: str
    table: str
    unit_code: str
