"""``jixiao serve``, ``jixiao manage``, ``jixiao dump`` and ``jixiao load``: the web system
(``jixiao_web``) from the command line.

``serve`` prepares the database (migrations, the cache table), optionally loads the
demonstration data, starts one background task worker (``task_worker``: django-tasks-db's
``db_worker`` kept alive when SQLite is busy) as a child process and serves the site with
waitress (pure Python: also on Windows) until Ctrl-C, then stops the worker too. The
engine never imports Django; only these commands do.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import IO, Annotated, NoReturn

import typer
from rich.markup import escape

from jixiao.cli.app import EXIT_INPUT, app, check_output, console, err_console, write_output

SETTINGS = "jixiao_web.settings"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def _prepare(demo: bool) -> None:
    from django.core.management import call_command

    console.print("正在准备数据库……")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    # The embedded system has no cron: each start purges superseded report sets
    # (production runs ``jixiao manage purge_reports`` daily; docs/deployment.md).
    call_command("purge_reports", verbosity=0, stdout=io.StringIO())
    if demo:
        from jixiao_web.orgs.demo import PASSWORD, DemoUnavailable, load_demo

        console.print("正在载入演示数据（广东省科学技术厅 2023、合成示范厅）……")
        try:
            logins = load_demo()
        except DemoUnavailable as error:
            err_console.print(f"[red]{error}[/red]")
            raise typer.Exit(EXIT_INPUT) from None
        console.print(f"演示账号（密码均为 [bold]{PASSWORD}[/bold]）：")
        for login in logins:
            console.print(f"  [cyan]{login.username:<16}[/cyan] {login.role}（{login.place}）")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@app.command()
def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="载入演示数据并列出各角色的演示账号")
    ] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 8000,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="处理请求的线程数")] = 8,
) -> None:
    """启动预算绩效管理信息系统（网页）和后台任务进程；Ctrl-C 停止。"""
    _setup()
    _prepare(demo)
    from waitress import serve as waitress_serve

    from jixiao_web.wsgi import application

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jixiao",
            "manage",
            "task_worker",
            "--queue-name",
            "*",
            "--no-reload",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]},
    )
    # Ctrl-C and a service manager's SIGTERM both stop the server and then the worker (a
    # process started in the background may inherit an ignored SIGINT: restore it).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    console.print(f"系统已启动：[bold]http://{host}:{port}/[/bold]（Ctrl-C 停止）")
    try:
        waitress_serve(application, host=host, port=port, threads=threads, _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        console.print("正在停止……")
        _stop(worker)
    console.print("已停止。")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish its task (SIGINT, as Ctrl-C in the terminal does), then insist."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.terminate()
            try:
                worker.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def manage(ctx: typer.Context) -> None:
    """Django 的管理命令（如 jixiao manage migrate、jixiao manage createsuperuser）。"""
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jixiao manage", *ctx.args])


@app.command()
def dump(
    out: Annotated[Path, typer.Argument(help="备份文件（zip）", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的同名文件")] = False,
) -> None:
    """备份整个系统：数据库全部数据（含用户、流程、历史记录、令牌）和所有上传、生成的文件，写成一个文件。"""
    check_output(out, force=force)
    _setup()
    from jixiao_web.core.backup import BackupError, Summary
    from jixiao_web.core.backup import dump as dump_archive

    done: list[Summary] = []

    def write(stream: IO[bytes]) -> None:
        done.append(dump_archive(stream))

    try:
        write_output(out, write)
    except BackupError as error:
        _fail(error.lines)
    (summary,) = done
    console.print(
        f"已备份 {summary.tables} 张表 {summary.rows} 行、{summary.files} 个文件"
        f"（{summary.file_bytes / 1e6:.1f} MB）到 {out}（{out.stat().st_size / 1e6:.1f} MB）"
    )


@app.command()
def load(
    archive: Annotated[Path, typer.Argument(help="jixiao dump 写出的备份文件", show_default=False)],
    replace: Annotated[
        bool, typer.Option("--replace", help="数据库已有数据时，以备份替换全部现有数据和文件")
    ] = False,
) -> None:
    """从备份恢复整个系统；出错时什么也不改（数据库和文件保持原样）。"""
    _setup()
    from jixiao_web.core.backup import BackupError
    from jixiao_web.core.backup import load as load_archive

    console.print("正在检查并载入备份……")
    try:
        summary = load_archive(archive, replace=replace)
    except BackupError as error:
        _fail([*error.lines, "未做任何改动。"])
    console.print(
        f"已恢复 {summary.tables} 张表 {summary.rows} 行、{summary.files} 个文件"
        f"（{summary.file_bytes / 1e6:.1f} MB）"
    )


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        err_console.print(f"[red]{escape(line)}[/red]")
    raise typer.Exit(EXIT_INPUT)
