"""Builds with worker processes (``--jobs``) write what a build without them writes, byte for byte.

Each build runs in a process of its own, started by the script below: it lowers the numbers of
sections to check for mask fills, pages and files from which the build forks workers, so that these
small projects fork them too, and counts the forks. The built folders are compared by reading them, not through the build's own manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, WITHHELD

from generator.workers import deal, run_parts

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

SCRIPT = """
import json, os, sys
import generator.maskfill, generator.render, generator.scan, generator.workers
generator.maskfill.PARALLEL_SECTIONS = 1  # small projects: workers from the first section, page and file
generator.render.PARALLEL_PAGES = 1
generator.scan.PARALLEL_FROM = 1
forks = []
fork = os.fork
def counted():
    pid = fork()
    if pid:
        forks.append(pid)
    return pid
os.fork = counted
if os.environ.get("TEST_WORKERS_FAIL"):  # every worker dies before it sends its result
    parent, run_parts = os.getpid(), generator.workers.run_parts
    def failing(work, parts, jobs):
        return run_parts(lambda part: os._exit(9) if os.getpid() != parent else work(part), parts, jobs)
    generator.workers.run_parts = failing
if os.environ.get("TEST_WORKERS_SLOW"):  # every worker waits a minute before its work
    import time
    parent, run_parts = os.getpid(), generator.workers.run_parts
    def slow(work, parts, jobs):
        return run_parts(lambda part: (os.getpid() != parent and time.sleep(60)) or work(part), parts, jobs)
    generator.workers.run_parts = slow
from generator.cli import main
code = main(sys.argv[1:])
print(json.dumps({"forks": len(forks)}))
sys.exit(code)
"""


def build(config: Path, out: Path, jobs: int, *options: str, fail: bool = False) -> tuple[int, int, str]:
    """(exit code, forks, stderr) of ``nianbao build --jobs JOBS``."""
    env = {**os.environ, "NIANBAO_LANG": "en", "PYTHONPATH": str(REPO)}
    if fail:
        env["TEST_WORKERS_FAIL"] = "1"
    done = subprocess.run([sys.executable, "-c", SCRIPT, "build", "-q", "--jobs", str(jobs), "--config", str(config),
                           "--out", str(out), *options], capture_output=True, text=True, env=env, timeout=600)
    forks = json.loads(done.stdout.strip().splitlines()[-1])["forks"]
    return done.returncode, forks, done.stderr


def read_folder(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Three reports of the benchmark's synthetic project (120 sections, about 500 pages)."""
    root = tmp_path_factory.mktemp("generated")
    generate(root, 120)
    return root / "nianbao" / "site_config.yml"


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_a_build_with_workers_writes_the_same_bytes_as_one_without(generated, tmp_path, edition):
    code, forks, err = build(generated, tmp_path / "one", 1, "--clean", "--edition", edition)
    assert code == 0 and forks == 0, err
    code, forks, err = build(generated, tmp_path / "two", 2, "--clean", "--edition", edition)
    assert code == 0 and forks > 0, err
    one, two = read_folder(tmp_path / "one"), read_folder(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert sum(name.endswith(".html") for name in one) > 400


def test_a_worker_that_dies_has_its_part_done_again(generated, tmp_path):
    code, _, err = build(generated, tmp_path / "one", 1, "--clean")
    assert code == 0, err
    code, forks, err = build(generated, tmp_path / "failing", 2, "--clean", fail=True)
    assert code == 0 and forks > 0, err
    assert read_folder(tmp_path / "failing") == read_folder(tmp_path / "one")


def test_a_build_from_the_cache_with_workers_equals_a_clean_one(generated, tmp_path):
    project = generated.parent
    code, _, err = build(generated, tmp_path / "clean", 1, "--clean")
    assert code == 0, err
    section = sorted(project.glob("content/*/0*.en.md"))[3]
    original = section.read_text(encoding="utf-8")
    try:
        section.write_text(original + "\nA sentence added.\n", encoding="utf-8")
        code, forks, err = build(generated, tmp_path / "warm", 2)
        assert code == 0, err
        code, _, err = build(generated, tmp_path / "edited-clean", 1, "--clean")
        assert code == 0, err
        assert read_folder(tmp_path / "warm") == read_folder(tmp_path / "edited-clean")
    finally:
        section.write_text(original, encoding="utf-8")


def test_a_leak_and_a_template_error_are_reported_alike_with_workers(tmp_path):
    project = tmp_path / "withheld"
    shutil.copytree(WITHHELD, project)
    section = project / "content/2023/01-exchanges.en.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nThe delegation went on to Jinjiang.\n",
                       encoding="utf-8")
    config = project / "site_config.yml"
    results = [build(config, tmp_path / f"site-{jobs}", jobs, "--clean") for jobs in (1, 2)]
    assert [code for code, _, _ in results] == [1, 1]
    assert results[1][1] > 0  # the checks forked
    assert "jinjiang" in results[0][2].lower() and results[0][2] == results[1][2]
    assert not (tmp_path / "site-1").exists() and not (tmp_path / "site-2").exists()

    (project / "templates").mkdir()
    (project / "templates" / "section.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                                        "{{ no_such_name }}\n{% endblock %}\n", encoding="utf-8")
    section.write_text(section.read_text(encoding="utf-8").replace("Jinjiang.", "the coast."), encoding="utf-8")
    results = [build(config, tmp_path / f"broken-{jobs}", jobs, "--clean") for jobs in (1, 2)]
    assert [code for code, _, _ in results] == [1, 1]
    assert "section.html:3" in results[0][2] and "no_such_name" in results[0][2]
    assert results[0][2] == results[1][2]


def test_jobs_must_be_a_positive_number(tmp_path):
    from conftest import run_cli

    for value in ("0", "two", "-1"):
        code, _, err = run_cli("build", "--jobs", value, "--lang", "en", "--config", str(WITHHELD / "site_config.yml"))
        assert code == 2 and "is not a number of processes" in err, err
    code, _, err = run_cli("build", "--jobs", "0", "--lang", "zh", "--config", str(WITHHELD / "site_config.yml"))
    assert code == 2 and "不是进程数" in err, err


@given(st.lists(st.integers(min_value=1, max_value=60), max_size=30), st.integers(min_value=1, max_value=6))
def test_dealing_keeps_every_item_once_in_order_and_balances_the_parts(weights, count):
    items = list(enumerate(weights))
    parts = deal(items, lambda item: item[1], count)
    assert sorted(item for part in parts for item in part) == items
    assert all(part == sorted(part) for part in parts) and len(parts) <= count
    loads = [sum(weight for _, weight in part) for part in parts]
    if loads:  # each item went to the lightest part: no part outweighs another by more than its heaviest item
        assert max(loads) - min(loads) <= max(weights)


def test_run_parts_returns_each_parts_result_in_order_from_forked_workers():
    parent = os.getpid()
    results = run_parts(lambda part: (part, os.getpid() == parent), ["a", "b", "c"], 3)
    assert results == [("a", True), ("b", False), ("c", False)]
    assert run_parts(lambda part: (part, os.getpid() == parent), ["a", "b"], 1) == [("a", True), ("b", True)]


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found |= {int(child) for child in task.read_text().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("whom", ["group", "build"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_during_a_build_with_workers_stops_them_all(generated, tmp_path, whom, signum):
    """Ctrl-C in a terminal reaches the whole process group; ``kill -INT`` the build alone; SIGTERM
    likewise (a service manager, a CI job's timeout): either way the build says so and ends with
    130 or 143, and none of its workers is left running."""
    # Its workers wait a minute: the build is surely at work when the signal comes, and a worker it
    # did not stop would outlive it.
    env = {**os.environ, "NIANBAO_LANG": "en", "PYTHONPATH": str(REPO), "TEST_WORKERS_SLOW": "1"}
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, "build", "--jobs", "2", "--clean", "--config",
                                str(generated), "--out", str(tmp_path / "site")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               # as from a terminal, even where these tests run in the background (which ignores Ctrl-C)
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen: set[int] = set()
    deadline = time.monotonic() + 300
    while not seen and process.poll() is None and time.monotonic() < deadline:
        seen = {pid for pid in _children(process.pid) if "python" in Path(f"/proc/{pid}/cmdline").read_text()
                } if Path(f"/proc/{process.pid}").exists() else set()
        time.sleep(0.01)
    assert seen, "no worker was seen"
    (os.killpg if whom == "group" else os.kill)(process.pid, signum)
    process.wait(timeout=120)
    left = [pid for pid in seen if _alive(pid)]  # as the build ends (a worker left would hold its output open)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert ("interrupted" if signum == signal.SIGINT else "stopped by SIGTERM") in err and "Traceback" not in err
    assert left == []
    assert not (tmp_path / "site").exists()


def test_a_section_error_is_reported_as_without_workers(tmp_path):
    project = tmp_path / "withheld"
    shutil.copytree(WITHHELD, project)
    section = project / "content/2023/01-exchanges.zh.md"
    section.write_text(section.read_text(encoding="utf-8").replace("title:", "title: [unclosed", 1), encoding="utf-8")
    config = project / "site_config.yml"
    results = [build(config, tmp_path / f"site-{jobs}", jobs, "--clean") for jobs in (1, 2)]
    assert [code for code, _, _ in results] == [1, 1]
    assert "01-exchanges.zh.md:2" in results[0][2] and results[0][2] == results[1][2]


def test_a_mask_filled_in_is_found_by_a_worker_as_without_workers(generated, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(generated.parent, project, ignore=shutil.ignore_patterns(".nianbao-cache", "site", "site-*"))
    for lang, sentence in (("zh", "全年办理来*签证邀请函。"), ("en", "We issued * letters of invitation.")):
        section = project / f"content/2000/01-part-01.{lang}.md"
        section.write_text(section.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    meta = project / "content/2000/report.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("summary: {zh: 2000年的工作。", "summary: {zh: 办理来华签证邀请函。"),
                    encoding="utf-8")
    config = project / "site_config.yml"
    results = [build(config, tmp_path / f"site-{jobs}", jobs, "--clean") for jobs in (1, 2)]
    assert [code for code, _, _ in results] == [1, 1]
    assert "content/2000/report.yml" in results[0][2] and "fills in a mask" in results[0][2]
    assert results[0][2] == results[1][2]


def test_workers_fork_while_the_pdfs_print_and_the_site_is_the_same(tmp_path):
    """The PDFs print in a thread of their own while the pages render: workers forked meanwhile
    render the same pages, and the PDFs are made, the same bytes."""
    project = tmp_path / "withheld"
    shutil.copytree(WITHHELD, project)
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\npdf:", "\n# pdf:") + "\npdf: required\n",
                      encoding="utf-8")
    results = [build(config, tmp_path / f"site-{jobs}", jobs, "--clean") for jobs in (1, 2)]
    assert [code for code, _, _ in results] == [0, 0], results[1][2]
    assert results[1][1] > 0
    one, two = read_folder(tmp_path / "site-1"), read_folder(tmp_path / "site-2")
    assert any(name.endswith(".pdf") for name in two)
    assert sorted(one) == sorted(two) and [name for name in one if one[name] != two[name]] == []
