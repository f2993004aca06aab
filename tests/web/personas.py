"""The personas every permission test walks: the demo logins and a department
administrator of another region (``outsider``, made by ``conftest.py``)."""

PERSONAS = (
    "bureau-admin",
    "bureau-reviewer",
    "dept-admin",
    "division",
    "unit-clerk",
    "unit-clerk-2",
    "evaluator",
    "outsider",
)
