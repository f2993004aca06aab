"""A soak of mixed reads and writes, then the database against the log (``uv run python benchmarks/bench_soak.py``).

Needs the province loaded by ``benchmarks/province_db.py`` (same ``--data``); it adds to
that database (run ``bench_load.py`` first, or load again). The shape is the production
one (gunicorn + PostgreSQL + two ``task_worker`` task workers, ``--shape production``) or
the embedded one (``jixiao serve`` on SQLite plus a second ``task_worker``:
``--shape embedded``). For ``JX_SOAK_SECONDS`` (default 600):

- per soaked department (``--departments``, default 10), two people fill its 自评表 (the
  sheet of the province's 自评任务) at once, each on its own items: the department's
  财务处 (``dept-NNN``) and its unit's clerk (``clerk-NNN``). Each saves items (the
  htmx form save), uploads evidence (a PDF with unique content), and 提交; the 财务处
  then 部门退回 with an opinion so the sheet is editable again — both race for the
  transitions;
- one person asks for reports (``--report-every`` seconds: a report job for a soaked
  department, HTML + xlsx and the review file) which the two task workers generate;
- ``--readers`` people (bureau and visitors) read the dashboard, lists and public pages.

Every write the server accepted (2xx/3xx) is logged client-side with what identifies it
(the unique text saved, the evidence's name and SHA-256, the transition, the job's id).
After the soak (and once the task workers have finished the logged jobs) a process reads
the database and compares: every logged save is in the entry's history exactly once and
the last one is the entry's value; every logged evidence is there once, its file present
with the logged hash; every sheet's transitions are the logged ones, each event following
the previous (no fork) and the state and its version agreeing with the trail; every logged
job is done with all its files present at their recorded size, and no job was recorded
twice. Results: ``benchmarks/results/soak.json`` (with ``uptime``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_load  # noqa: E402  (sibling scripts)
import province_db  # noqa: E402

RESULTS = HERE / "results" / "soak.json"
TOKEN = "soak"  # every text the soak writes starts with it


@contextmanager
def embedded_with_two_workers(base: Path) -> Iterator[int]:
    """``jixiao serve`` (one worker) and a second ``task_worker``, on SQLite."""
    data = province_db.data_dir(base, "sqlite")
    env = province_db.environment(data, "sqlite")
    worker = [sys.executable, "-m", "jixiao", "manage", "task_worker", "--queue-name", "*"]
    with bench_load.running([worker], env), bench_load.embedded_shape(base) as port:
        yield port


SHAPES = {"production": bench_load.production_shape, "embedded": embedded_with_two_workers}
SHAPE_ENGINE = {"production": "postgres", "embedded": "sqlite"}


class Log:
    """The client's log of accepted writes (and a tally of everything else)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[dict[str, Any]] = []
        self.refused: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.reads: Counter[str] = Counter()

    def write(self, kind: str, status: int, **identity: Any) -> bool:
        """Log the write if the server accepted it; tally it otherwise."""
        with self.lock:
            if 200 <= status < 400:
                self.accepted.append({"kind": kind, "status": status, **identity})
                return True
            if status >= 500 or status == 0:
                self.errors[f"{kind} {status}"] += 1
            else:
                self.refused[f"{kind} {status}"] += 1
            return False

    def read(self, status: int) -> None:
        with self.lock:
            self.reads["ok" if status == 200 else f"{status}"] += 1
            if status != 200:
                self.errors[f"read {status}"] += 1


def _pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n{os.urandom(64).hex()}\n%%EOF\n".encode()


def _sheet_of(browser: bench_load.Browser) -> tuple[str, list[str]]:
    """The user's 自评表 and the codes of its leaf items (those with an upload form)."""
    listing = browser.get("/assessment/")[1]
    sheet = bench_load._first(r"/assessment/sheets/\d+/", listing)
    if not sheet:
        raise RuntimeError("no 自评表 found for a soak user")
    page = browser.get(sheet)[1]
    leaves = re.findall(re.escape(sheet) + r'items/([^/"]+)/evidence/', page)
    return sheet, sorted(set(leaves))


def filler(
    log: Log,
    browser: bench_load.Browser,
    sheet: str,
    codes: list[str],
    who: str,
    stop: float,
) -> None:
    """Save this person's items, upload evidence, submit; the 财务处 also returns."""
    returns = who.startswith("dept")
    rng = random.Random(who)
    step = 0
    while time.monotonic() < stop:
        step += 1
        code = codes[step % len(codes)]
        text = f"{TOKEN}-{who}-{step}"
        status, _ = _post(browser, f"{sheet}items/{code}/", {"reason": text}, page=sheet, htmx=True)
        log.write("entry", status, sheet=sheet, code=code, text=text, who=who)
        if step % 4 == 0:
            name = f"{TOKEN}-{who}-{step}.pdf"
            content = _pdf(name)
            status, _ = _post(
                browser,
                f"{sheet}items/{code}/evidence/",
                {},
                page=sheet,
                files={"file": (name, content, "application/pdf")},
            )
            log.write(
                "evidence",
                status,
                sheet=sheet,
                code=code,
                name=name,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        if step % 6 == 0:
            status, _ = _post(browser, f"{sheet}act/", {"action": "submit"}, page=sheet)
            log.write("transition", status, sheet=sheet, action="submit", who=who)
        if returns and step % 6 == 3:
            opinion = f"{TOKEN}-{who}-{step} 请补充说明"
            status, _ = _post(
                browser,
                f"{sheet}act/",
                {"action": "dept_return", "opinion": opinion},
                page=sheet,
            )
            log.write("transition", status, sheet=sheet, action="dept_return", who=who)
        time.sleep(rng.uniform(0.05, 0.3))


def _post(
    browser: bench_load.Browser,
    path: str,
    form: dict[str, str],
    *,
    page: str,
    htmx: bool = False,
    files: dict[str, Any] | None = None,
) -> tuple[int, str]:
    """POST as the page's form does (CSRF token of ``page``); 0 for a broken connection."""
    try:
        if not browser.csrf:  # the session's token: one GET of the form's page
            browser.csrf = browser.token(browser.get(page)[1])
        token = browser.csrf
        if htmx:
            browser.opener.addheaders = [("HX-Request", "true")]
        try:
            return _post_with(browser, path, {**form, "csrfmiddlewaretoken": token}, files)
        finally:
            browser.opener.addheaders = []
    except OSError:
        return 0, ""


def _post_with(
    browser: bench_load.Browser, path: str, data: dict[str, str], files: dict[str, Any] | None
) -> tuple[int, str]:
    import urllib.error
    import urllib.parse
    import urllib.request

    if files:
        body, content_type = bench_load._multipart(data, files)
    else:
        body, content_type = urllib.parse.urlencode(data).encode(), ""
    request = urllib.request.Request(browser.base + path, data=body)
    request.add_header("Referer", browser.base + path)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with _no_redirect(browser).open(request, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            return error.code, error.headers.get("Location", "")
        return error.code, error.read().decode("utf-8", "replace")


class _NoRedirect:
    """urllib's redirect handler that does not follow: a 302 answer is the server's
    acceptance and its Location names what was made (a report job)."""

    def __new__(cls) -> Any:
        import urllib.request

        class Handler(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        return Handler()


def _no_redirect(browser: bench_load.Browser) -> Any:
    import urllib.request

    cookies = next(
        h for h in browser.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)
    )
    opener = urllib.request.build_opener(cookies, _NoRedirect())
    opener.addheaders = list(browser.opener.addheaders)
    return opener


def reporter(
    log: Log, browser: bench_load.Browser, datasets: list[str], every: float, stop: float
) -> None:
    """Ask for a report job every ``every`` seconds, for the soaked departments in turn."""
    step = 0
    while time.monotonic() < stop:
        dataset = datasets[step % len(datasets)]
        step += 1
        status, location = _post(
            browser,
            f"{dataset}reports/",
            {"formats": "html", "review_formats": "xlsx"},
            page=f"{dataset}reports/",
        )
        found = re.search(r"/reports/(\d+)/", location)
        log.write("report_job", status, dataset=dataset, job=int(found.group(1)) if found else None)
        time.sleep(every)


def reader(log: Log, browser: bench_load.Browser, paths: list[str], stop: float) -> None:
    step = 0
    while time.monotonic() < stop:
        path = paths[step % len(paths)]
        step += 1
        try:
            status = browser.get(path)[0]
        except OSError:
            status = 0
        log.read(status)


def soak(port: int, seconds: float, departments: int, readers: int, every: float) -> Log:
    """Log in everyone and find their pages, then run them all for ``seconds``."""
    log = Log()
    work: list[tuple[Any, tuple[Any, ...]]] = []  # (function, arguments before ``stop``)
    datasets = []
    for number in range(1, departments + 1):
        admin = bench_load.Browser(port, f"dept-{number:03d}")
        clerk = bench_load.Browser(port, f"clerk-{number:03d}")
        sheet, codes = _sheet_of(admin)
        datasets.append(bench_load._first(r"/datasets/\d+/", admin.get("/")[1]))
        mine, theirs = codes[0::2], codes[1::2] or codes[0::2]
        work.append((filler, (log, admin, sheet, mine, f"dept{number}")))
        work.append((filler, (log, clerk, sheet, theirs, f"clerk{number}")))
    bureau = bench_load.Browser(port, "prov-bureau")
    work.append((reporter, (log, bureau, [d for d in datasets if d], every)))
    for i in range(readers):
        persona = "public" if i % 2 else "prov-bureau"
        browser = bench_load.Browser(port, "" if persona == "public" else persona)
        work.append((reader, (log, browser, bench_load.discover(browser, persona))))
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=f, args=(*a, stop)) for f, a in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return log


# --------------------------------------------------------------------------- the comparison


def compare(log_path: Path, wait_seconds: float) -> dict[str, Any]:
    """The database against the log of accepted writes (run in a Django process)."""
    province_db.django_setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.storage import default_storage

    from jixiao_web.assessment.flow import SELF_EVALUATION
    from jixiao_web.assessment.models import Evidence, ScoreEntry, ScoreSheet
    from jixiao_web.evaluation.models import ReportJob
    from jixiao_web.workflow.models import WorkflowEvent, WorkflowState

    log = json.loads(log_path.read_text("utf-8"))
    accepted: list[dict[str, Any]] = log["accepted"]
    problems: list[str] = []

    def sheet_pk(path: str) -> int:
        return int(re.findall(r"\d+", path)[0])

    # saves: each logged text in the entry's history exactly once; the last is the value
    entries = [w for w in accepted if w["kind"] == "entry"]
    texts = Counter(
        ScoreEntry.history.filter(reason__startswith=TOKEN).values_list("reason", flat=True)
    )
    last: dict[tuple[int, str], str] = {}
    for write in entries:
        seen = texts.get(write["text"], 0)
        if seen != 1:
            problems.append(f"save {write['text']}: {seen} history records")
        last[(sheet_pk(write["sheet"]), write["code"])] = write["text"]
    for (sheet, code), text in last.items():
        stored = ScoreEntry.objects.get(sheet_id=sheet, code=code).reason
        if stored != text:
            problems.append(f"sheet {sheet} item {code}: {stored!r}, last accepted {text!r}")
    logged_texts = {w["text"] for w in entries}
    unlogged_saves = sum(n for t, n in texts.items() if t not in logged_texts)

    # evidence: once each, file present, same bytes
    uploads = [w for w in accepted if w["kind"] == "evidence"]
    for write in uploads:
        found = list(
            Evidence.objects.filter(
                sheet_id=sheet_pk(write["sheet"]), code=write["code"], original_name=write["name"]
            )
        )
        if len(found) != 1:
            problems.append(f"evidence {write['name']}: {len(found)} rows")
            continue
        try:
            with default_storage.open(found[0].file.name, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except FileNotFoundError:
            problems.append(f"evidence {write['name']}: file missing")
            continue
        if digest != write["sha256"]:
            problems.append(f"evidence {write['name']}: content differs")
    logged_names = {w["name"] for w in uploads}
    unlogged_uploads = Evidence.objects.filter(original_name__startswith=TOKEN).exclude(
        original_name__in=logged_names
    )
    half_written = [
        e.original_name for e in unlogged_uploads if not default_storage.exists(e.file.name)
    ]
    problems += [f"evidence {name}: a row without its file" for name in half_written]

    # transitions: the logged ones, a chain without forks, state = trail
    sheet_type = ContentType.objects.get_for_model(ScoreSheet)
    by_sheet: dict[int, Counter[str]] = defaultdict(Counter)
    for write in accepted:
        if write["kind"] == "transition":
            by_sheet[sheet_pk(write["sheet"])][write["action"]] += 1
    soaked = {sheet_pk(w["sheet"]) for w in entries} | set(by_sheet)
    events_checked = 0
    for sheet in sorted(soaked):
        events = list(
            WorkflowEvent.objects.filter(
                content_type=sheet_type, object_id=sheet, workflow=SELF_EVALUATION.name
            ).order_by("pk")
        )
        events_checked += len(events)
        counted = Counter(e.action for e in events)
        if counted != by_sheet.get(sheet, Counter()):
            problems.append(
                f"sheet {sheet}: events {dict(counted)}, accepted {dict(by_sheet.get(sheet, {}))}"
            )
        state = SELF_EVALUATION.initial
        for event in events:
            if event.from_state != state:
                problems.append(
                    f"sheet {sheet}: event {event.pk} from {event.from_state}, was {state}"
                )
            state = event.to_state
        stored = WorkflowState.objects.filter(
            content_type=sheet_type, object_id=sheet, workflow=SELF_EVALUATION.name
        ).first()
        if events and stored is None:
            problems.append(f"sheet {sheet}: events but no state")
        elif stored is not None and (stored.state != state or stored.version != 1 + len(events)):
            problems.append(
                f"sheet {sheet}: state {stored.state} v{stored.version}, trail {state} v{1 + len(events)}"
            )

    # report jobs: done, with their files; none recorded twice
    jobs = [w["job"] for w in accepted if w["kind"] == "report_job"]
    if None in jobs:
        problems.append("a report request was accepted without naming its job")
    ids = [j for j in jobs if j is not None]
    if len(set(ids)) != len(ids):
        problems.append("one job id answered two requests")
    deadline = time.monotonic() + wait_seconds
    while (
        time.monotonic() < deadline
        and ReportJob.objects.filter(pk__in=ids, finished_at__isnull=True).exists()
    ):
        time.sleep(2)
    statuses: Counter[str] = Counter()
    files = 0
    for job in ReportJob.objects.filter(pk__in=ids).prefetch_related("files"):
        statuses[str(job.status)] += 1
        if job.status != ReportJob.Status.DONE:
            problems.append(f"job {job.pk}: {job.status} {job.error}")
            continue
        stored_files = list(job.files.all())
        if len(stored_files) != job.total:
            problems.append(f"job {job.pk}: {len(stored_files)} files of {job.total}")
        for f in stored_files:
            files += 1
            if not default_storage.exists(f.name) or default_storage.size(f.name) != f.size:
                problems.append(f"job {job.pk}: file {f.name} missing or of another size")
    missing_jobs = set(ids) - set(ReportJob.objects.filter(pk__in=ids).values_list("pk", flat=True))
    problems += [f"job {j}: not in the database" for j in sorted(missing_jobs)]
    requested = ReportJob.objects.filter(
        requested_by__username="prov-bureau", requested_at__gte=log["started_at"]
    ).count()
    return {
        "accepted": dict(Counter(w["kind"] for w in accepted)),
        "checked": {
            "saves": len(entries),
            "evidence": len(uploads),
            "transition_events": events_checked,
            "report_jobs": len(ids),
            "report_files": files,
        },
        "job_statuses": dict(statuses),
        "jobs_recorded_during_soak": requested,
        "unlogged_saves_in_database": unlogged_saves,
        "unlogged_evidence_in_database": unlogged_uploads.count(),
        "problems": problems[:200],
        "problem_count": len(problems),
        "consistent": not problems,
    }


# --------------------------------------------------------------------------- main


def run_shape(shape: str, args: argparse.Namespace) -> dict[str, Any]:
    import subprocess
    from datetime import UTC, datetime

    engine = SHAPE_ENGINE[shape]
    with SHAPES[shape](args.data) as port:
        started_at = datetime.now(UTC).isoformat()
        began = time.perf_counter()
        log = soak(port, args.seconds, args.departments, args.readers, args.report_every)
        elapsed = time.perf_counter() - began
        with tempfile.NamedTemporaryFile(
            "w", suffix=".json", prefix="jixiao-soak-", delete=False, encoding="utf-8"
        ) as handle:
            json.dump({"accepted": log.accepted, "started_at": started_at}, handle)
            log_path = Path(handle.name)
        env = province_db.environment(province_db.data_dir(args.data, engine), engine)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--compare-child",
                str(log_path),
                "--wait",
                str(args.wait),
            ],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    comparison: dict[str, Any] = json.loads(out)
    return {
        "engine": engine,
        "seconds": round(elapsed, 1),
        "writes_accepted": len(log.accepted),
        "writes_refused": dict(log.refused),
        "errors": dict(log.errors),
        "reads": dict(log.reads),
        "comparison": comparison,
        "log": str(log_path),
        "uptime": province_db.uptime(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("JX_SOAK_SECONDS", "600"))
    )
    parser.add_argument("--shape", default="production", help="production, embedded or both")
    parser.add_argument("--departments", type=int, default=10, help="sheets filled at once")
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--report-every", type=float, default=15.0)
    parser.add_argument("--wait", type=float, default=600.0, help="for the last report jobs")
    parser.add_argument("--data", type=Path, default=province_db.DATA)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--compare-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.compare_child:
        result = compare(args.compare_child, args.wait)
        print(json.dumps(result, ensure_ascii=False))
        return result
    shapes = ["production", "embedded"] if args.shape == "both" else [args.shape]
    report: dict[str, Any] = {
        "benchmark": "soak",
        "seconds": args.seconds,
        "departments": args.departments,
        "readers": args.readers,
        "report_every_seconds": args.report_every,
        "task_workers": 2,
    }
    if args.results.exists():  # keep the other shape's result
        previous = json.loads(args.results.read_text("utf-8"))
        report.update({s: previous[s] for s in ("production", "embedded") if s in previous})
    for shape in shapes:
        print(f"{shape}:", file=sys.stderr, flush=True)
        report[shape] = run_shape(shape, args)
        print(json.dumps(report[shape], ensure_ascii=False), file=sys.stderr, flush=True)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return report


if __name__ == "__main__":
    main()
