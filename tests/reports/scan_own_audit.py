"""Render and audit many synthetic departments; print every error finding (a maintainer's scan).

``uv run python tests/reports/scan_own_audit.py FIRST_SEED STOP_SEED`` — for each seed, one
department of :func:`jixiao.synthetic.synthetic_province` (the framework cycles through the
shipped department frameworks, 1–13 units), its report in Word and PDF, each audited by
``jixiao.audit``. The synthetic money adds up, so an error finding is a false one (the
audit's) or a wrong number (the report's): each is printed as one JSON line with the seed to
reproduce it; a ``done`` line follows each seed. Exit 1 if any was found. Not collected by
pytest (the suite's own test, ``test_own_audit.py``, draws a few departments per framework).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

# run as a script, its own folder is on sys.path: report_fixtures is a sibling module
from report_fixtures import built

from jixiao.audit import audit_file
from jixiao.findings import Severity
from jixiao.reports.render.pdf import PdfRenderer
from jixiao.reports.render.word import WordRenderer
from jixiao.reports.template import department_frameworks
from jixiao.synthetic import synthetic_province


def scan(first: int, stop: int) -> int:
    frameworks = [framework_id for framework_id, _ in department_frameworks()]
    found = 0
    for seed in range(first, stop):
        framework = frameworks[seed % len(frameworks)]
        units = 1 + (seed * 7) % 13
        dataset = synthetic_province(1, units, seed, name="合成第1厅", framework=framework)
        model = built(dataset, framework).model
        with tempfile.TemporaryDirectory() as tmp:
            for renderer, name in ((WordRenderer(), "r.docx"), (PdfRenderer(), "r.pdf")):
                path = Path(tmp) / name
                path.write_bytes(renderer.render(model))
                errors = [
                    (f.location.line, f.message)
                    for f in audit_file(path).findings
                    if f.severity == Severity.ERROR
                ]
                if errors:
                    found += 1
                    record = {"seed": seed, "framework": framework, "units": units}
                    print(json.dumps(record | {"file": name, "errors": errors}, ensure_ascii=False))
        print("done", seed, framework, units, flush=True)
    return found


if __name__ == "__main__":
    sys.exit(1 if scan(int(sys.argv[1]), int(sys.argv[2])) else 0)
