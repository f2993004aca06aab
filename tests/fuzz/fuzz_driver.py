"""Run jixiao commands in this process under an address-space limit; report each as JSON.

Usage: ``python fuzz_driver.py JOBS.json RESULTS.jsonl LIMIT_MB``. Each job is
``{"id", "cwd", "args"}``. The limit (``resource.setrlimit(RLIMIT_AS)``) is set before
jixiao is imported, so it holds for everything the commands allocate; one process runs a
case's commands one after another (jixiao's start-up is paid once per case, not per
command). A line is written *before* each command starts (``"started"``) and after it
ends, so a native abort or a hang is attributed to the command that caused it.

What is recorded per command: the exit code (or ``"traceback"`` with the traceback),
everything printed, every "Exception ignored" (``sys.unraisablehook``), the seconds and
the process's peak memory so far.
"""

from __future__ import annotations

import gc
import io
import json
import os
import resource
import sys
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout


def main() -> None:
    jobs_path, results_path, limit_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["COLUMNS"] = "200"
    unraisable: list[str] = []
    sys.unraisablehook = lambda u: unraisable.append(
        f"Exception ignored in {u.object!r}: {u.exc_type.__name__}: {u.exc_value}"
    )
    from jixiao.cli import app  # after the limit: imports count too

    with open(jobs_path, encoding="utf-8") as f:
        jobs = json.load(f)
    with open(results_path, "w", encoding="utf-8") as results:
        for job in jobs:
            results.write(json.dumps({"id": job["id"], "started": True}) + "\n")
            results.flush()
            os.chdir(job["cwd"])
            out, err = io.StringIO(), io.StringIO()
            unraisable.clear()
            start = time.perf_counter()
            code: object
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    app(job["args"], prog_name="jixiao")
                    code = 0
                except SystemExit as exit_:
                    code = exit_.code if isinstance(exit_.code, int) else 0
                except MemoryError:
                    code = "memory"
                    err.write(traceback.format_exc())
                except BaseException:
                    code = "traceback"
                    err.write(traceback.format_exc())
                gc.collect()  # finalizers that complain do so now, inside the capture
            record = {
                "id": job["id"],
                "code": code,
                "stdout": out.getvalue()[-20_000:],
                "stderr": err.getvalue()[-20_000:],
                "unraisable": list(unraisable),
                "seconds": round(time.perf_counter() - start, 3),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
            results.write(json.dumps(record, ensure_ascii=False) + "\n")
            results.flush()


if __name__ == "__main__":
    main()
