"""The fuzz suite of issue 16: every command on every hostile file, under a memory limit.

For each case of the generated corpus (:mod:`fuzz_corpus`) one subprocess
(:mod:`fuzz_driver`, ``RLIMIT_AS`` = :data:`MEMORY_MB`) runs every command that takes
such a file. Each command's outcome is put in one class:

- ``result`` (exit 0 or 1) or ``refused`` (exit 2 with a Chinese message) — clean;
- ``traceback`` (an exception escaped, or "Exception ignored" was printed), ``abort``
  (the process died), ``hang`` (past the time limit), ``memory`` (MemoryError),
  ``partial`` (a failed command left a file, a temporary file or an unmarked folder
  behind, or touched its input), ``wrong`` (figures other than the cells show, or a
  file that must be refused was read), ``unclear`` (refused without a Chinese word).

The test fails on any class but the clean two. ``JX_FUZZ_LONG=1`` draws 40× the random
mutations (a local run of about an hour); ``JX_FUZZ_SUMMARY=path`` appends each case's outcomes
as JSON lines (docs/reliability.md quotes the counts). Run as a script it prints
the table: ``uv run python tests/fuzz/test_fuzz_commands.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from fuzz_corpus import BASE, Case, corpus

from jixiao.figures.engine import compute_figures
from jixiao.io.textform import text_form_bytes
from jixiao.lib.files import MANIFEST

#: Address-space limit of each case's process. jixiao's largest legitimate use here is a
#: report with its PDF (about 450 MB resident); address space runs above resident memory
#: (thread stacks, allocator arenas), hence the margin.
MEMORY_MB = 3072
#: Seconds for all the commands of one case (the slowest, ``run`` with its PDF, takes
#: about 5 s on a loaded machine; a hang is what exceeds this).
TIMEOUT = 300
DRIVER = Path(__file__).with_name("fuzz_driver.py")
CLEAN = ("result", "refused")
LONG = os.environ.get("JX_FUZZ_LONG") == "1"


@dataclass(frozen=True)
class Job:
    id: str
    args: list[str]
    outputs: tuple[str, ...] = ()  #: files or folders the command would write (fresh names)
    folder: bool = False  #: ``outputs`` are transaction folders (must carry a manifest)
    load: bool = False  #: this command reads the case as a dataset (for ``refused``/figures)


def _dataset_jobs(path: str) -> list[Job]:
    return [
        Job("figures", ["figures", path, "-f", "json"], load=True),
        Job("check", ["check", path]),
        Job("convert-yaml", ["convert", path, "converted.yaml"], ("converted.yaml",)),
        Job("convert-xlsx", ["convert", path, "converted.xlsx"], ("converted.xlsx",)),
        Job("score-xlsx", ["score", path, "--format", "xlsx", "-o", "score.xlsx"], ("score.xlsx",)),
        Job("results-xlsx", ["results", path, "-f", "xlsx", "-o", "res.xlsx"], ("res.xlsx",)),
        Job("results-carry", ["results", path, "--carry-to", "next.yaml"], ("next.yaml",)),
        Job(
            "monitor",
            ["monitor", path, "-p", "2023-12", "-f", "xlsx", "-o", "mon.xlsx", "--chart", "c.png"],
            ("mon.xlsx", "c.png"),
        ),
        Job("targets", ["targets", "review", path, "-f", "xlsx", "-o", "tr.xlsx"], ("tr.xlsx",)),
        Job(
            "report",
            ["report", path, "-o", "report-out", "--format", "docx,html,xlsx"],
            ("report-out",),
            folder=True,
        ),
        Job("run", ["run", path, "-o", "run-out"], ("run-out",), folder=True),
        Job("audit", ["audit", path, "-f", "json"]),
    ]


def jobs_for(case: Case, path: str) -> list[Job]:
    base = "base.yaml"
    if case.kind == "dataset":
        return _dataset_jobs(path)
    if case.kind == "framework":
        return [
            Job("score", ["score", base, "--framework", path]),
            Job(
                "report",
                ["report", base, "-o", "rep", "--framework", path, "--format", "html"],
                ("rep",),
                folder=True,
            ),
            Job("run", ["run", base, "-o", "run-out", "--framework", path], ("run-out",), True),
            Job("results", ["results", base, "--framework", path, "-f", "json"]),
        ]
    if case.kind == "template":
        return [
            Job(
                "report",
                ["report", base, "-o", "rep", "--template", path, "--format", "html,pdf"],
                ("rep",),
                folder=True,
                load=True,
            )
        ]
    if case.kind == "history":
        return [
            Job("review", ["targets", "review", base, "--history", path], load=True),
            Job("library", ["targets", "library", "lib.xlsx", "--history", path], ("lib.xlsx",)),
        ]
    if case.kind == "report":
        return [
            Job("audit", ["audit", path]),
            Job("audit-xlsx", ["audit", path, "-f", "xlsx", "-o", "a.xlsx"], ("a.xlsx",)),
            Job("audit-dataset", ["audit", path, "--dataset", base, "-f", "json"]),
        ]
    raise AssertionError(case.kind)


def output_jobs() -> list[Job]:
    """Unwritable and forbidden outputs, on the clean dataset (prepared by _outputs_case)."""
    return [
        Job("onto-itself", ["convert", "base.yaml", "base.yaml", "--force"]),
        Job("onto-dir", ["convert", "base.yaml", "a-dir.xlsx", "--force"]),
        Job("under-file", ["template", "plain/t.xlsx"]),
        Job("template-dir", ["template", "a-dir.xlsx", "--force"]),
        Job("score-dir", ["score", "base.yaml", "--format", "xlsx", "-o", "a-dir.xlsx"]),
        Job("results-onto-input", ["results", "base.yaml", "--carry-to", "base.yaml", "--force"]),
        Job("run-into-input-folder", ["run", "base.yaml", "-o", "."]),
        Job("run-empty", ["run", "base.yaml", "-o", ""]),
        Job(
            "chart-under-file", ["monitor", "base.yaml", "-p", "2023-12", "--chart", "plain/c.png"]
        ),
        Job("library-dir", ["targets", "library", "a-dir.xlsx", "--force"]),
        Job("usage", ["run"]),
        Job("usage-option", ["figures", "base.yaml", "--nope"]),
    ]


# --------------------------------------------------------------------------- running


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEFTOVER = re.compile(r"\.jixiao-staging-|\.tmp$|\.jixiao-lock")


def _expected_figures(case: Case) -> dict[str, object] | None:
    if case.figures_like is None:
        return None
    return {f["id"]: f["value"] for f in compute_figures(case.figures_like).to_json()["figures"]}


def _prepare(case: Case, root: Path) -> tuple[Path, str]:
    work = root / "work"
    work.mkdir()
    (work / "base.yaml").write_bytes(text_form_bytes(BASE))
    if case.kind == "outputs":
        (work / "a-dir.xlsx").mkdir()
        (work / "plain").write_text("a regular file where a folder is expected", "utf-8")
        return work, "base.yaml"
    if case.files:
        folder = work / case.name
        folder.mkdir()
        for name, data in case.folder().items():
            (folder / name).write_bytes(data)
        return work, case.name
    (work / case.name).write_bytes(case.payload())
    return work, case.name


def run_case(case: Case, root: Path) -> list[tuple[str, str, str]]:
    """Every command on ``case``: ``(command id, class, detail)`` for each."""
    work, path = _prepare(case, root)
    jobs = output_jobs() if case.kind == "outputs" else jobs_for(case, path)
    inputs_before = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    # Each job in its own folder, so that what one leaves behind is its own.
    plan = []
    for job in jobs:
        cwd = root / f"job-{job.id}"
        cwd.mkdir()
        for item in work.iterdir():  # hard links: cheap, and a write in place would show
            if item.is_dir():
                shutil.copytree(item, cwd / item.name, copy_function=os.link)
            else:
                os.link(item, cwd / item.name)
        plan.append({"id": job.id, "cwd": str(cwd), "args": job.args})
    (root / "jobs.json").write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    results_path = root / "results.jsonl"
    env = {**os.environ, "COLUMNS": "200", "PYTHONHASHSEED": "0"}
    try:
        process = subprocess.run(
            [
                sys.executable,
                str(DRIVER),
                str(root / "jobs.json"),
                str(results_path),
                str(MEMORY_MB),
            ],
            capture_output=True,
            timeout=TIMEOUT,
            env=env,
        )
        died = process.returncode != 0
        tail = process.stderr.decode("utf-8", "replace")[-2000:]
    except subprocess.TimeoutExpired:
        died, tail = True, "timeout"
    records: dict[str, dict[str, object]] = {}
    started: list[str] = []
    for line in results_path.read_text("utf-8").splitlines() if results_path.exists() else []:
        record = json.loads(line)
        if record.get("started"):
            started.append(record["id"])
        else:
            records[record["id"]] = record
    outcomes = []
    for job in jobs:
        record = records.get(job.id)
        if record is None:
            if job.id in started:
                kind = "hang" if tail == "timeout" else "abort"
                outcomes.append((job.id, kind, tail))
            elif died:
                outcomes.append((job.id, "not run", "an earlier command ended the process"))
            continue
        outcomes.append((job.id, *_judge(case, job, record, root / f"job-{job.id}")))
    for path_, data in inputs_before.items():
        if not path_.exists() or path_.read_bytes() != data:
            outcomes.append(("inputs", "partial", f"input {path_.name} was changed or removed"))
    return outcomes


def _judge(case: Case, job: Job, record: dict[str, object], cwd: Path) -> tuple[str, str]:
    code = record["code"]
    text = f"{record['stdout']}\n{record['stderr']}"
    if code == "memory":
        return "memory", text[-1500:]
    if code == "traceback" or "Traceback (most recent call last)" in text:
        return "traceback", text[-1500:]
    if record["unraisable"] or "Exception ignored" in text:
        return "traceback", "; ".join(map(str, record["unraisable"])) or text[-800:]
    if code not in (0, 1, 2):
        return "traceback", f"exit code {code}"
    leftovers = [str(p) for p in cwd.rglob("*") if _LEFTOVER.search(p.name)]
    if leftovers:
        return "partial", f"left behind: {leftovers}"
    for output in job.outputs:
        target = cwd / output
        if code == 2 and target.exists():
            return "partial", f"{output} written although the command failed"
        if code != 2 and job.folder:
            if not (target / MANIFEST).is_file():
                return "partial", f"{output} has no manifest"
            listed = set(json.loads((target / MANIFEST).read_text("utf-8"))["files"])
            present = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()} - {
                MANIFEST
            }
            if listed != present:
                return "partial", f"{output}: manifest {sorted(listed)} ≠ files {sorted(present)}"
    if job.load and case.refused:
        if code != 2:
            return "wrong", f"read although it must be refused ({case.refused})"
        if case.refused not in text.replace("\n", ""):
            return "unclear", f"refused without “{case.refused}”: {text[-600:]}"
    if job.load and case.figures_like is not None and job.id == "figures":
        if code != 0:
            return "wrong", f"refused a file that holds exactly the clean figures: {text[-800:]}"
        got = {f["id"]: f["value"] for f in json.loads(str(record["stdout"]))["figures"]}
        expected = _expected_figures(case)
        if got != expected:
            differing = sorted(
                k for k in set(got) | set(expected or {}) if got.get(k) != (expected or {}).get(k)
            )
            return "wrong", f"figures differ from the cells: {differing[:10]}"
    if code == 2:
        if not _CJK.search(text):
            return "unclear", text[-600:]
        return "refused", ""
    return "result", ""


def all_cases() -> list[Case]:
    return [*corpus(mutated=160 if LONG else 4), Case("outputs", "outputs")]


CASES = all_cases()


def _record(case: Case, outcomes: list[tuple[str, str, str]]) -> None:
    """One JSON line per case (appended: the -n 2 workers share the file)."""
    target = os.environ.get("JX_FUZZ_SUMMARY")
    if target:
        line = json.dumps({"case": case.name, "outcomes": [o[:2] for o in outcomes]}) + "\n"
        with open(target, "a", encoding="utf-8") as f:
            f.write(line)


@pytest.mark.fuzz
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_command_is_clean_on_hostile_input(case: Case, tmp_path: Path) -> None:
    outcomes = run_case(case, tmp_path)
    _record(case, outcomes)
    bad = [(job, kind, detail) for job, kind, detail in outcomes if kind not in CLEAN]
    assert not bad, "\n".join(f"{case.name} / {job}: {kind}: {detail}" for job, kind, detail in bad)


def main() -> None:
    counts: Counter[str] = Counter()
    cases = all_cases()
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            outcomes = run_case(case, Path(tmp))
        counts.update(kind for _, kind, _ in outcomes)
        for job, kind, detail in outcomes:
            if kind not in CLEAN:
                print(f"{case.name} / {job}: {kind}: {detail[:300]}")
    print(json.dumps({"cases": len(cases), "commands": sum(counts.values()), **counts}, indent=2))


if __name__ == "__main__":
    main()
