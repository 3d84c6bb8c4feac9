"""Builds in an unfriendly environment: two builds at once, a full disk, a folder that cannot be
written, a signal to stop. Each ends with a clear message in the editor's language and leaves
the sources, the cache and the published site as they were.

The oracles are the files themselves, read here: the site and the cache compared byte for byte
with what they were, temporary files looked for by name in every folder, child processes looked
for in /proc by a mark in their environment (which every child inherits, whoever started it).
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import fcntl
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from conftest import MINIMAL, REPO, SITE_CONFIG, run_cli, section, write_project
from test_hardening import snapshot
from test_pdf import chromium_available

from generator import cli

TEMPORARY_NAMES = (".nianbao-tmp-", ".nianbao-old-", ".nianbao-new-", ".tmp-public-", ".tmp-internal-", "nianbao-search-")


def temporaries(*folders: Path) -> list[str]:
    """What a build writes on its way and removes when done, found anywhere under ``folders``."""
    found = []
    for folder in folders:
        for where, dirs, files in os.walk(folder):
            found += [os.path.join(where, name) for name in dirs + files if name.startswith(TEMPORARY_NAMES)]
    return found


def scratch(token: str) -> list[str]:
    """The search's private folders in the system's temporary folders (its own, not the test's) that
    hold a page with ``token``: those of this test's project, not of other runs on the machine."""
    places = [Path("/dev/shm"), Path(os.environ.get("TMPDIR", "/tmp"))]
    found = []
    for folder in (p for place in places if place.is_dir() for p in place.glob("nianbao-search-*")):
        with contextlib.suppress(OSError):
            if any(token.encode() in page.read_bytes() for page in folder.rglob("*.html")):
                found.append(str(folder))
    return found


def marked(mark: str) -> list[int]:
    """The processes alive whose environment carries ``mark``: a run's process and all it started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if mark.encode() in Path(f"/proc/{entry}/environ").read_bytes() and \
                    Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
                found.append(int(entry))
        except OSError:
            continue
    return found


SLOW_WRITES = """
import sys, time
import generator.write
write = generator.write._write
generator.write._write = lambda path, data: time.sleep(0.005) or write(path, data)  # a slow disk
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def start(*args: str, mark: str, cwd: Path | None = None, lang: str = "en", slow: bool = False) -> subprocess.Popen:
    """``nianbao ARGS`` in a process of its own, leading a process group of its own (as a command
    from a terminal), with Ctrl-C working as from a terminal (a run in the background ignores it,
    and so would the process it starts); ``slow``: on a slow disk."""
    env = {**os.environ, "NIANBAO_LANG": lang, "PYTHONPATH": str(REPO), "TEST_MARK": mark}
    program = ["-c", SLOW_WRITES] if slow else ["-m", "generator"]
    return subprocess.Popen([sys.executable, *program, *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def handling_signals(process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``process`` catches SIGTERM (its status in /proc says so): nianbao's handlers are in
    place. Before, a signal ends the interpreter as it starts, with nothing begun to undo."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{process.pid}/status").read_text()
            caught = int(status.split("SigCgt:")[1].split()[0], 16)
            if caught >> (signal.SIGTERM - 1) & 1:
                return
        time.sleep(0.005)
    raise AssertionError("the command never caught SIGTERM")


def finish(process: subprocess.Popen, mark: str) -> tuple[int, str, str, list[int]]:
    """Wait for ``process``: its exit code, output, and the processes of its mark still alive
    then (killed here, so that none outlives the test)."""
    out, err = process.communicate(timeout=300)
    left = marked(mark)  # at once: a child the process did not stop may end soon after it
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return process.returncode, out, err, left


def clean_build(project: Path, into: Path) -> dict[str, bytes]:
    """The site a clean build of a copy of ``project`` makes (a copy: the project's own cache is not touched)."""
    copy = into.with_name(into.name + "-project")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".nianbao-cache"))
    shutil.rmtree(into, ignore_errors=True)
    code, _, err = run_cli("build", "--clean", "--config", str(copy / "site_config.yml"), "--out", str(into))
    assert code == 0, err
    return snapshot(into)


# --- one build at a time --------------------------------------------------------------------------


def test_builds_started_together_wait_for_each_other(tmp_path):
    """Builds of one project started at once, many times, in processes, on a slow disk (so that
    they meet): none fails, and what is left is the site a clean build makes, with a cache the next
    build uses."""
    config = write_project(tmp_path / "project", dict(MINIMAL))
    site = tmp_path / "project" / "site"
    for round_number in range(5):
        text = section("Part one", f"Round {round_number}, ** withheld.\n\nSecond paragraph.")
        (tmp_path / "project/content/2021/01-first.en.md").write_text(text, encoding="utf-8")
        marks = [uuid.uuid4().hex for _ in range(4)]
        processes = [start("build", "--config", str(config), *(["--clean"] if n % 2 else []), mark=mark, slow=True)
                     for n, mark in enumerate(marks)]
        results = [finish(process, mark) for process, mark in zip(processes, marks)]
        assert [code for code, *_ in results] == [0] * 4, [err for _, _, err, _ in results]
        assert not temporaries(tmp_path)
        assert snapshot(site) == clean_build(tmp_path / "project", tmp_path / "reference")
    waited = sum("another build of this project is running; waiting" in err for *_, err, _ in results)
    assert waited >= 1  # the builds did meet
    # The cache is whole: a build from it makes the same site, and says it changed nothing. (Its
    # record for the up-to-date check is made anew: that build ran with another PYTHONPATH.)
    before = snapshot(tmp_path / "project" / ".nianbao-cache")
    assert run_cli("build", "--config", str(config))[0] == 0
    assert snapshot(site) == snapshot(tmp_path / "reference")
    after = snapshot(tmp_path / "project" / ".nianbao-cache")
    assert {name: data for name, data in after.items() if not name.endswith(".uptodate")} == \
        {name: data for name, data in before.items() if not name.endswith(".uptodate")}


def test_builds_in_threads_of_one_process_wait_for_each_other(tmp_path):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    codes: list[int] = []

    def one() -> None:
        codes.append(cli.main(["build", "-q", "--clean", "--config", str(config)]))

    for _ in range(3):
        threads = [threading.Thread(target=one) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert codes == [0] * 9
    assert snapshot(tmp_path / "project" / "site") == clean_build(tmp_path / "project", tmp_path / "reference")
    assert not temporaries(tmp_path)


@contextlib.contextmanager
def held_lock(project: Path):
    """The project's build lock, held as another build would hold it: the OS's lock on the file
    the docs name (docs/index.md), taken here with fcntl, not with nianbao's code."""
    (project / ".nianbao-cache").mkdir(exist_ok=True)
    with open(project / ".nianbao-cache" / "build.lock", "a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        yield
        fcntl.flock(file, fcntl.LOCK_UN)


@pytest.mark.parametrize("lang, message", [("en", "another build of this project is running: nothing was built"),
                                           ("zh", "这个项目的另一次生成正在进行：本次没有生成")])
def test_no_wait_gives_up_at_once_when_another_build_runs(tmp_path, lang, message):
    config = write_project(tmp_path, dict(MINIMAL))
    assert run_cli("build", "--config", str(config))[0] == 0
    before = snapshot(tmp_path)
    with held_lock(tmp_path):
        code, _, err = run_cli("build", "--no-wait", "--clean", "--lang", lang, "--config", str(config))
    assert code == 1 and message in err, err
    assert snapshot(tmp_path) == before


def test_a_build_waits_for_the_one_running_and_says_so(tmp_path):
    config = write_project(tmp_path, dict(MINIMAL))
    mark = uuid.uuid4().hex
    with held_lock(tmp_path):
        process = start("build", "--config", str(config), mark=mark)
        time.sleep(3)
        assert process.poll() is None  # still waiting
        assert not (tmp_path / "site").exists()
    code, _, err, left = finish(process, mark)
    assert code == 0 and "another build of this project is running; waiting for it to end" in err
    assert (tmp_path / "site" / "index.html").is_file() and not left


def test_serve_and_build_at_once_spoil_neither(tmp_path):
    """The dev server builds in memory and keeps its cache there: builds beside it write the same
    site as without it, and it goes on serving the edits."""
    import urllib.request

    config = write_project(tmp_path / "project", dict(MINIMAL))
    mark = uuid.uuid4().hex
    server = start("serve", "--port", "8654", "--config", str(config), mark=mark)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen("http://127.0.0.1:8654/", timeout=5)
                break
            time.sleep(0.2)
        first = tmp_path / "project/content/2021/01-first.en.md"
        for number in range(3):
            first.write_text(section("Part one", f"Edit {number}, ** withheld.\n\nSecond."), encoding="utf-8")
            assert run_cli("build", "--config", str(config))[0] == 0
            assert snapshot(tmp_path / "project" / "site") == clean_build(tmp_path / "project", tmp_path / "reference")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            served = urllib.request.urlopen("http://127.0.0.1:8654/en/2021/first/", timeout=5).read()
            if b"Edit 2" in served:
                break
            time.sleep(0.2)
        assert b"Edit 2" in served
    finally:
        server.send_signal(signal.SIGTERM)
        code, _, err, left = finish(server, mark)
    assert code == 143 and not left, err


# --- the machine's faults ------------------------------------------------------------------------


class Faults:
    """The OS calls that create, write and rename files fail with ``code`` for paths under
    ``under``, from the ``after``-th such call on: what a full disk, a folder taken away or a
    file system that refuses does, without the machine having to be so."""

    CALLS = ("mkdir", "open", "rename", "replace", "link")

    def __init__(self, monkeypatch, code: int, under: Path, after: int = 0, calls: tuple[str, ...] = CALLS):
        self.code, self.under, self.after, self.count = code, str(under), after, 0
        real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

        def guarded(real, name, writes=lambda *args, **kwargs: True):
            def call(*args, **kwargs):
                paths = [a for a in args[:2] if isinstance(a, (str, os.PathLike))]
                if name in calls and writes(*args, **kwargs) and \
                        any(os.path.abspath(os.fspath(p)).startswith(self.under) for p in paths):
                    self.count += 1
                    if self.count > self.after:
                        raise OSError(self.code, os.strerror(self.code), os.fspath(paths[-1]))
                return real(*args, **kwargs)
            return call

        def writing(file, mode="r", *args, **kwargs):
            return any(flag in mode for flag in "wax+")

        def os_writing(path, flags, *args, **kwargs):
            return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))

        monkeypatch.setattr(builtins, "open", guarded(real_open, "open", writing))
        monkeypatch.setattr(io, "open", guarded(real_io_open, "open", writing))
        monkeypatch.setattr(os, "open", guarded(real_os_open, "open", os_writing))
        for name in ("mkdir", "rename", "replace", "link"):
            monkeypatch.setattr(os, name, guarded(getattr(os, name), name))


FAULTS = [
    (errno.ENOSPC, "the disk is full", "磁盘已满"),
    (errno.EDQUOT, "the disk quota is used up", "磁盘配额已用完"),
    (errno.EACCES, "permission denied", "没有写入权限"),
    (errno.EPERM, "permission denied", "没有写入权限"),
    (errno.EROFS, "it is on a read-only file system", "它位于只读的文件系统上"),
    (errno.ENOTDIR, "a file is where a folder is expected", "应当是文件夹的地方是一个文件"),
    (errno.ENAMETOOLONG, "a name is too long for its file system", "有名称超出了文件系统允许的长度"),
    (errno.EXDEV, "it is a mount point", "它是一个挂载点"),
    (errno.EBUSY, "it is a mount point", "它是一个挂载点"),
    (errno.EIO, "Input/output error", "Input/output error"),
]


@pytest.mark.parametrize("code, english, chinese", FAULTS, ids=[errno.errorcode[f[0]] for f in FAULTS])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_fault_while_writing_the_site_is_the_machines_not_a_bug(tmp_path, monkeypatch, code, english, chinese, lang):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    out = tmp_path / "www" / "site"
    assert run_cli("build", "--config", str(config), "--out", str(out))[0] == 0
    (tmp_path / "project/content/2021/01-first.en.md").write_text(section("Part one", "Changed, ** withheld."),
                                                                   encoding="utf-8")
    before, cache = snapshot(tmp_path / "www"), snapshot(tmp_path / "project" / ".nianbao-cache")
    failures = []
    for after in (0, 3, 40):  # the first write into the folder fails, or a later one
        faults = Faults(monkeypatch, code, tmp_path / "www", after)
        status, _, err = run_cli("build", "--config", str(config), "--out", str(out), "--lang", lang)
        monkeypatch.undo()
        failures.append(faults.count > after)
        if faults.count <= after:
            continue  # fewer writes than that: the build went through (checked below)
        assert status == 1, err
        assert "Traceback" not in err and "internal error" not in err and "内部错误" not in err
        assert (english if lang == "en" else chinese) in err
        assert str(out) in err or os.path.relpath(out, tmp_path / "project") in err or "www/site" in err
        assert snapshot(tmp_path / "www") == before
        assert snapshot(tmp_path / "project" / ".nianbao-cache") == cache
        assert not temporaries(tmp_path)
    assert failures[0]


def test_a_disk_that_fills_up_while_writing_says_how_much_room_the_site_needs(tmp_path, monkeypatch):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    reference = tmp_path / "reference"
    assert run_cli("build", "--config", str(config), "--out", str(reference))[0] == 0
    size = sum(len(data) for data in snapshot(reference).values())
    Faults(monkeypatch, errno.ENOSPC, tmp_path / "www", after=10)
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "www" / "site"))
    monkeypatch.undo()
    assert code == 1
    import re

    needed = re.search(r"the site needs about ([\d.]+) (MB|KB), and [\d.]+ (MB|KB) are free there", err)
    assert needed, err
    unit = 2 ** 20 if needed.group(2) == "MB" else 1024
    assert float(needed.group(1)) * unit >= size - 0.05 * 2 ** 20  # at least what its files hold
    assert not (tmp_path / "www").exists()  # the folder made for it is gone too


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_cache_that_cannot_be_written_is_a_warning_and_the_site_is_built(tmp_path, monkeypatch, code):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    assert run_cli("build", "--config", str(config))[0] == 0
    cache = snapshot(tmp_path / "project" / ".nianbao-cache")
    (tmp_path / "project/content/2021/01-first.en.md").write_text(section("Part one", "Changed, ** withheld."),
                                                                   encoding="utf-8")
    Faults(monkeypatch, code, tmp_path / "project" / ".nianbao-cache", calls=("open", "replace", "rename"))
    status, out, err = run_cli("build", "--config", str(config))
    monkeypatch.undo()
    assert status == 0, err
    assert "warning" in err and ".nianbao-cache" in err and "the next build starts without it" in err
    assert "Traceback" not in err
    assert snapshot(tmp_path / "project" / "site") == clean_build(tmp_path / "project", tmp_path / "reference")
    assert snapshot(tmp_path / "project" / ".nianbao-cache") == cache  # the last one, whole
    assert not temporaries(tmp_path)


def test_a_project_that_cannot_be_written_builds_elsewhere(tmp_path, monkeypatch):
    """A read-only checkout, built with --out elsewhere: no cache, no lock file in it; a warning."""
    config = write_project(tmp_path / "project", dict(MINIMAL))
    before = snapshot(tmp_path / "project")
    Faults(monkeypatch, errno.EROFS, tmp_path / "project")
    status, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "www" / "site"))
    monkeypatch.undo()
    assert status == 0, err
    assert "the next build starts without it" in err
    assert (tmp_path / "www" / "site" / "index.html").is_file()
    assert snapshot(tmp_path / "project") == before


def test_a_full_temporary_folder_for_the_search_index_is_named(tmp_path, monkeypatch):
    """Pagefind reads its pages from files in a temporary folder (in memory where there is room)."""
    import tempfile

    import generator.search

    config = write_project(tmp_path / "project", {**MINIMAL, "site_config.yml": SITE_CONFIG.replace("search: false",
                                                                                                    "search: true")})
    scratch_folder = tmp_path / "scratch"
    scratch_folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_folder))
    monkeypatch.setattr(generator.search, "MEMORY_FOLDER", tmp_path / "no-memory-folder")
    Faults(monkeypatch, errno.ENOSPC, scratch_folder)
    code, _, err = run_cli("build", "--config", str(config), "--lang", "zh")
    monkeypatch.undo()
    assert code == 1 and "scratch" in err and "磁盘已满" in err and "TMPDIR" in err, err
    assert not (tmp_path / "project" / "site").exists() and os.listdir(scratch_folder) == []


def test_a_previous_site_that_cannot_be_removed_is_named(tmp_path, monkeypatch):
    """A file in the old site that may not be deleted (immutable, or in a folder of another user's):
    the new site is in place, and the editor is told what is left beside it."""
    config = write_project(tmp_path / "project", dict(MINIMAL))
    assert run_cli("build", "--config", str(config))[0] == 0
    rmtree = shutil.rmtree
    monkeypatch.setattr(shutil, "rmtree", lambda path, *args, **kwargs: None
                        if Path(path).name.startswith(".nianbao-old-") else rmtree(path, *args, **kwargs))
    code, _, err = run_cli("build", "--config", str(config), "--clean")
    monkeypatch.undo()
    left = [p for p in (tmp_path / "project").iterdir() if p.name.startswith(".nianbao-old-")]
    assert code == 0 and len(left) == 1 and f"could not be removed after the new one replaced it: {left[0]}" in err, err
    # its unchanged files were linked into the new site: each has a file of its own again
    site = tmp_path / "project" / "site"
    assert [p for p in site.rglob("*") if p.is_file() and p.stat().st_nlink != 1] == []
    assert run_cli("verify", str(site))[0] == 0
    assert run_cli("build", "--config", str(config))[0] == 0  # the next build removes it
    assert not temporaries(tmp_path)


def test_a_file_where_a_folder_is_expected_is_named_before_any_work(tmp_path, monkeypatch):
    import generator.build

    config = write_project(tmp_path / "project", dict(MINIMAL))
    (tmp_path / "notes").write_text("a file", encoding="utf-8")
    monkeypatch.setattr(generator.build, "render_site", lambda *args, **kwargs: pytest.fail("rendered"))
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / "notes" / "deep" / "site"))
    assert code == 1 and f"a file is where a folder is expected ({tmp_path / 'notes'})" in err, err
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "a file"


def test_a_name_too_long_is_refused_and_a_long_one_that_fits_is_built(tmp_path):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    code, _, err = run_cli("build", "--config", str(config), "--out", str(tmp_path / ("x" * 300)))
    assert code == 1 and "a name is too long for its file system" in err, err
    # 250 bytes fit; the temporary folder's name, longer than the folder's own, must fit too
    long = tmp_path / ("y" * 250)
    code, _, err = run_cli("build", "--config", str(config), "--out", str(long))
    assert code == 0, err
    assert (long / "index.html").is_file() and not temporaries(tmp_path)
    code, _, err = run_cli("build", "--config", str(config), "--out", str(long))  # and replaced again
    assert code == 0, err


# A small memory file system, where the tests may mount one (as root, with the right to mount).
def mount_tmpfs(folder: Path, *options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


@contextlib.contextmanager
def tmpfs(folder: Path, *options: str):
    if shutil.which("mount") is None or not mount_tmpfs(folder, *options):
        pytest.skip("cannot mount a tmpfs here (needs root and the right to mount)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_real_full_disk(tmp_path):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    size = sum(map(len, clean_build(tmp_path / "project", tmp_path / "reference").values()))
    with tmpfs(tmp_path / "small", f"size={size // 2 // 1024}k") as small:  # room for half of it
        code, _, err = run_cli("build", "--config", str(config), "--out", str(small / "site"))
        assert code == 1 and "the disk is full" in err and "the site needs about" in err, err
        assert "Traceback" not in err
        assert os.listdir(small) == []
    assert not (tmp_path / "project" / ".nianbao-cache" / "public.pickle").exists()  # saved after a good build only


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_disk_out_of_files_but_not_of_room_says_so(tmp_path, lang):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    files = len(clean_build(tmp_path / "project", tmp_path / "reference"))
    with tmpfs(tmp_path / "few", "size=64m", f"nr_inodes={files // 2}") as few:  # room, but files for half
        code, _, err = run_cli("--lang", lang, "build", "--config", str(config), "--out", str(few / "site"))
        expected = ("the disk has room, but no more files can be made on it" if lang == "en"
                    else "磁盘还有空间，但已不能再建新文件")
        assert code == 1 and expected in err and "the disk is full" not in err and "磁盘已满" not in err, err
        assert os.listdir(few) == []


def test_a_real_read_only_file_system_is_refused_before_any_work(tmp_path, monkeypatch):
    import generator.build

    config = write_project(tmp_path / "project", dict(MINIMAL))
    monkeypatch.setattr(generator.build, "render_site", lambda *args, **kwargs: pytest.fail("rendered"))
    with tmpfs(tmp_path / "ro", "size=1m", "ro") as read_only:
        code, _, err = run_cli("build", "--config", str(config), "--out", str(read_only / "site"), "--lang", "zh")
        assert code == 1 and "它位于只读的文件系统上" in err, err


def test_an_output_folder_that_is_a_mount_point_is_refused_and_a_folder_inside_it_works(tmp_path):
    config = write_project(tmp_path / "project", dict(MINIMAL))
    with tmpfs(tmp_path / "stick", "size=16m") as stick:
        code, _, err = run_cli("build", "--config", str(config), "--out", str(stick))
        assert code == 1 and "it is a mount point" in err and f"--out {stick / 'site'}" in err, err
        assert os.listdir(stick) == []
        code, _, err = run_cli("build", "--config", str(config), "--out", str(stick / "site"))
        assert code == 0, err



def test_a_disk_mounted_inside_the_site_is_refused_and_neither_entered_nor_removed(tmp_path):
    """A folder of the site that is another disk's mount point holds files nianbao never wrote: the
    build names the folder (not what lies on that disk) and leaves it all as it was."""
    config = write_project(tmp_path / "project", dict(MINIMAL))
    site = tmp_path / "project" / "site"
    assert run_cli("build", "--config", str(config))[0] == 0
    with tmpfs(site / "zh" / "photos", "size=1m") as photos:
        (photos / "visit.jpg").write_bytes(b"a photo on another disk")
        before = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
        code, _, err = run_cli("build", "--config", str(config), "--clean")
        assert code == 1 and "holds 1 file(s) that nianbao did not write (zh/photos/)" in err, err
        assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == before
        assert (photos / "visit.jpg").read_bytes() == b"a photo on another disk"

# --- signals to stop ------------------------------------------------------------------------------

STOPPED = {
    ("build", signal.SIGINT): "nianbao: interrupted; the output folder was left as it was",
    ("build", signal.SIGTERM): "nianbao: stopped by SIGTERM; the output folder was left as it was",
    ("check", signal.SIGINT): "nianbao: interrupted",
    ("check", signal.SIGTERM): "nianbao: stopped by SIGTERM",
    ("serve", signal.SIGINT): "nianbao: stopped",
    ("serve", signal.SIGTERM): "nianbao: stopped by SIGTERM",
    ("new", signal.SIGINT): "nianbao: interrupted; nothing was changed",
    ("new", signal.SIGTERM): "nianbao: stopped by SIGTERM; nothing was changed",
}


BUSY = f"busy{uuid.uuid4().hex}"  # in a page of the busy project: its search's folders are told by it


@pytest.fixture(scope="module")
def busy_project(tmp_path_factory) -> Path:
    """A project whose build has every kind of child: PDFs (Chromium), search (Pagefind)."""
    root = tmp_path_factory.mktemp("busy")
    config = write_project(root, {**MINIMAL, "site_config.yml": SITE_CONFIG.replace("search: false", "search: true")
                                  + "pdf: true\n",
                                  "content/2021/02-second.en.md": section("Part two", f"See {BUSY}.")})
    return config


def assert_stopped_cleanly(command: str, signum: int, code: int, err: str, left: list[int],
                           folders: list[Path]) -> None:
    assert code == 128 + signum, err
    how = "interrupted" if signum == signal.SIGINT else "stopped by SIGTERM"
    # a signal that came as the site or the report was put in place, or after: the line says it was done
    done = {"build": f"nianbao: {how} once the site was written", "new": f"nianbao: {how} once the new files were written"}
    assert err.strip().splitlines()[-1] in (STOPPED[command, signum], done.get(command)), err
    assert "Traceback" not in err
    assert left == [], "a child process outlived the command"
    assert not temporaries(*folders)
    assert scratch(BUSY) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_build_stopped_at_any_moment_says_so_and_leaves_nothing(busy_project, tmp_path, signum):
    if not chromium_available() and os.environ.get("CI"):
        pytest.fail("chromium is not installed: run tests/tools/install.sh")
    root = busy_project.parent
    site = tmp_path / "site"
    mark = uuid.uuid4().hex
    started = time.perf_counter()
    assert finish(start("build", "--clean", "--config", str(busy_project), "--out", str(site), mark=mark),
                  mark)[0] == 0
    duration = time.perf_counter() - started
    before = snapshot(site)
    rng = random.Random(18 + signum)
    stopped = 0
    for attempt in range(6):
        mark = uuid.uuid4().hex
        process = start("build", "--clean", "--config", str(busy_project), "--out", str(site), mark=mark)
        handling_signals(process)
        time.sleep(rng.uniform(0, duration))
        # the build alone (kill, a service manager), or its whole group (Ctrl-C in a terminal)
        (os.killpg if attempt % 2 else os.kill)(process.pid, signum)
        code, _, err, left = finish(process, mark)
        if code == 0:  # done before the signal came
            continue
        stopped += 1
        assert_stopped_cleanly("build", signum, code, err, left, [root, tmp_path])
        assert snapshot(site) == before
    assert stopped >= 3


SLOW_PRINTING = """
import asyncio, sys
import generator.pdf
printed = generator.pdf._print_one
async def slow(*args, **kwargs):  # every PDF takes a minute more
    await asyncio.sleep(60)
    return await printed(*args, **kwargs)
generator.pdf._print_one = slow
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_build_stopped_while_printing_closes_the_browser_at_once(busy_project, tmp_path):
    """The PDFs are not waited for: were they, this build would end a minute after the signal."""
    if not chromium_available():
        pytest.skip("chromium is not installed")
    mark = uuid.uuid4().hex
    env = {**os.environ, "NIANBAO_LANG": "en", "PYTHONPATH": str(REPO), "TEST_MARK": mark}
    process = subprocess.Popen([sys.executable, "-c", SLOW_PRINTING, "build", "--clean", "--config", str(busy_project),
                                "--out", str(tmp_path / "site")], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes()
                                                  for pid in marked(mark) if Path(f"/proc/{pid}").exists()):
        time.sleep(0.05)
    time.sleep(1)
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code, _, err, left = finish(process, mark)
    assert code == 143 and err.strip().splitlines()[-1] == STOPPED["build", signal.SIGTERM], err
    assert time.monotonic() - signalled < 30  # not the minute the printing would take
    assert left == [] and not (tmp_path / "site").exists()


PAUSED = """
import os, sys, time
pause, marker = os.environ["TEST_PAUSE"], os.environ["TEST_MARKER"]
def paused(real, which):  # which argument names what is made: mkdir's path, rename's target
    def call(*args, **kwargs):
        done = real(*args, **kwargs)
        name = os.path.basename(os.fspath(args[which]))
        if name.startswith(pause) and not os.path.exists(marker):  # the moment to stop at: said, then held
            open(marker, "w").close()
            time.sleep(3)
        return done
    return call
os.mkdir, os.rename, os.replace = paused(os.mkdir, 0), paused(os.rename, 1), paused(os.replace, 1)
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def stopped_at(pause: str, args: list[str], signum: int, tmp_path: Path) -> tuple[int, str, list[int]]:
    """``nianbao ARGS`` signalled the moment it made (mkdir) or renamed to a name starting with
    ``pause``: the worst moments, where one step was done and the next not yet."""
    mark, marker = uuid.uuid4().hex, tmp_path / f"paused-{uuid.uuid4().hex}"
    env = {**os.environ, "NIANBAO_LANG": "en", "PYTHONPATH": str(REPO), "TEST_MARK": mark, "TEST_PAUSE": pause,
           "TEST_MARKER": str(marker)}
    process = subprocess.Popen([sys.executable, "-c", PAUSED, *args], env=env, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), process.communicate()[1]
    process.send_signal(signum)
    code, _, err, left = finish(process, mark)
    return code, err, left


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_swap_waits_for_it_and_says_the_site_was_written(tmp_path, signum):
    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    assert run_cli("build", "--config", str(config))[0] == 0
    (project / "content/2021/01-first.en.md").write_text(section("Part one", "New, ** withheld."), encoding="utf-8")
    # between "site → old" and "new → site"
    code, err, left = stopped_at(".nianbao-old-", ["build", "--config", str(config)], signum, tmp_path)
    how = "interrupted" if signum == signal.SIGINT else "stopped by SIGTERM"
    assert code == 128 + signum and err.strip().splitlines()[-1] == \
        f"nianbao: {how} once the site was written", err
    assert snapshot(project / "site") == clean_build(project, tmp_path / "reference") and not left
    assert not temporaries(project)


def test_a_signal_after_the_swap_says_the_site_was_written(tmp_path):
    """Signalled as the build's cache is saved, after the site was swapped in (not in a held step)."""
    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    code, err, left = stopped_at("public.pickle", ["build", "--config", str(config)], signal.SIGTERM, tmp_path)
    assert code == 143 and err.strip().splitlines()[-1] == "nianbao: stopped by SIGTERM once the site was written", err
    assert snapshot(project / "site") == clean_build(project, tmp_path / "reference") and not left


@pytest.mark.parametrize("pause", [".nianbao-tmp-", ".nianbao-new-"])
def test_a_signal_just_after_a_temporary_folder_is_made_leaves_nothing(tmp_path, pause):
    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    assert run_cli("build", "--config", str(config))[0] == 0
    before = snapshot(project)
    args = ["build", "--config", str(config), "--clean"] if pause == ".nianbao-tmp-" else \
        ["new", "report", "2022", "--config", str(config)]
    code, err, left = stopped_at(pause, args, signal.SIGTERM, tmp_path)
    assert code == 143 and err.strip().splitlines()[-1] == STOPPED[args[0], signal.SIGTERM], err
    assert snapshot(project) == before and not temporaries(project) and not left


def test_new_report_signalled_as_it_is_put_in_place_says_it_was(tmp_path):
    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    code, err, left = stopped_at("2022", ["new", "report", "2022", "--config", str(config)], signal.SIGTERM, tmp_path)
    assert code == 143 and err.strip().splitlines()[-1] == "nianbao: stopped by SIGTERM once the new files were written"
    assert (project / "content/2022/report.yml").is_file() and not temporaries(project)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_check_stopped_at_any_moment_says_so(busy_project, signum):
    root = busy_project.parent
    rng = random.Random(180 + signum)
    stopped = 0
    for attempt in range(4):
        mark = uuid.uuid4().hex
        process = start("check", "--config", str(busy_project), mark=mark)
        handling_signals(process)
        time.sleep(rng.uniform(0, 1.2))
        process.send_signal(signum)
        code, _, err, left = finish(process, mark)
        if code in (0, 1):
            continue
        stopped += 1
        assert_stopped_cleanly("check", signum, code, err, left, [root])
    assert stopped >= 2


def indexing(mark: str) -> bool:
    """Whether the dev server of ``mark`` is making its search index: its child for it, or Pagefind, runs."""
    for pid in marked(mark):
        with contextlib.suppress(OSError):
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"generator.search" in command or b"pagefind" in command:
                return True
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_dev_server_stopped_while_it_indexes_stops_pagefind_too(busy_project, signum):
    """Signalled as soon as its search index's child process runs (or at a random moment)."""
    root = busy_project.parent
    for attempt, port in enumerate((8661, 8662)):
        mark = uuid.uuid4().hex
        process = start("serve", "--port", str(port + 10 * (signum == signal.SIGTERM)), "--config",
                        str(busy_project), mark=mark)
        deadline = time.monotonic() + (60 if attempt == 0 else random.Random(signum).uniform(0.5, 3))
        while time.monotonic() < deadline and not indexing(mark):
            time.sleep(0.02)
        if attempt == 0:
            assert indexing(mark), "the search index's child was not seen"
        process.send_signal(signum)
        code, _, err, left = finish(process, mark)
        assert_stopped_cleanly("serve", signum, code, err, left, [root])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_new_report_stopped_at_any_moment_leaves_the_old_files_or_the_new(tmp_path, signum):
    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    assert run_cli("new", "report", "2022", "--config", str(config))[0] == 0
    made = snapshot(project / "content" / "2022")
    shutil.rmtree(project / "content" / "2022")
    before = snapshot(project)
    rng = random.Random(1800 + signum)
    for attempt in range(6):
        mark = uuid.uuid4().hex
        process = start("new", "report", "2022", "--config", str(config), mark=mark)
        handling_signals(process)
        time.sleep(rng.uniform(0, 0.6))
        process.send_signal(signum)
        code, _, err, left = finish(process, mark)
        if code != 0:
            assert_stopped_cleanly("new", signum, code, err, left, [project])
        if code == 0 or "once the new files were written" in err:  # done, whole
            assert snapshot(project / "content" / "2022") == made
            shutil.rmtree(project / "content" / "2022")
        assert snapshot(project) == before


def test_new_report_killed_at_any_moment_never_leaves_half_a_report(tmp_path):
    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    assert run_cli("new", "report", "2022", "--config", str(config))[0] == 0
    made = snapshot(project / "content" / "2022")
    shutil.rmtree(project / "content" / "2022")
    rng = random.Random(2018)
    killed = 0
    for attempt in range(10):
        mark = uuid.uuid4().hex
        process = start("new", "report", "2022", "--config", str(config), mark=mark)
        time.sleep(rng.uniform(0.05, 1.0))
        process.kill()
        code, *_ = finish(process, mark)
        killed += code == -signal.SIGKILL
        report = project / "content" / "2022"
        assert not report.exists() or snapshot(report) == made
        if report.exists():
            shutil.rmtree(report)
        # what it began is hidden, and a build does not read it
        assert all(p.name.startswith(".") for p in (project / "content").iterdir() if p.name != "2021")
        assert run_cli("check", "--config", str(config))[0] == 0
    assert killed >= 3


@pytest.mark.parametrize("command", [["new", "report", "2022"], ["new", "site"]])
def test_new_report_and_new_site_stopped_while_writing_leave_nothing(tmp_path, monkeypatch, command):
    """Ctrl-C after the third file: nothing of the new folder is left, hidden or not."""
    import generator.new

    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    before = snapshot(tmp_path)
    written = []

    def interrupted(path, *args, **kwargs):
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(generator.new, "open", interrupted, raising=False)
    where = ["--config", str(config)] if command[1] == "report" else [str(tmp_path / "new" / "annual-report")]
    code, _, err = run_cli(*command, *where)
    monkeypatch.undo()
    assert code == 130 and "nianbao: interrupted; nothing was changed" in err, err
    assert len(written) == 3
    assert snapshot(tmp_path) == before and not temporaries(tmp_path) and not (tmp_path / "new").exists()


def test_new_report_never_replaces_a_report_made_meanwhile(tmp_path, monkeypatch):
    """Another program makes the folder between new report's look and its move: it is kept."""
    import generator.new

    project = tmp_path / "project"
    config = write_project(project, dict(MINIMAL))
    rename = os.rename

    def meanwhile(source, target):
        if Path(target).name == "2022":
            (Path(target) / "01-mine.zh.md").parent.mkdir(parents=True, exist_ok=True)
            (Path(target) / "01-mine.zh.md").write_text("mine", encoding="utf-8")
        return rename(source, target)

    monkeypatch.setattr(generator.new.os, "rename", meanwhile)
    code, _, err = run_cli("new", "report", "2022", "--config", str(config))
    monkeypatch.undo()
    assert code == 1 and "made meanwhile by another program" in err, err
    assert snapshot(project / "content" / "2022") == {"01-mine.zh.md": b"mine"}
    assert not temporaries(project)


class HalfWriter(io.StringIO):
    """A file that takes half of what is written to it, then finds the disk full."""

    def __init__(self, real):
        super().__init__()
        self.real = real

    def write(self, text: str) -> int:
        self.real.write(text[: len(text) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self.real.close()

    def __exit__(self, *exc) -> None:
        self.close()


def test_translated_replaces_the_file_whole_or_not_at_all(tmp_path, monkeypatch):
    config = write_project(tmp_path, dict(MINIMAL))
    translation = tmp_path / "content/2021/01-first.en.md"
    before = translation.read_bytes()
    real_open, real_fdopen = io.open, os.fdopen

    def half(opener):
        def call(file, mode="r", *args, **kwargs):
            opened = opener(file, mode, *args, **kwargs)
            return HalfWriter(opened) if "w" in mode else opened
        return call

    for name, opener in (("open", real_open), ("fdopen", real_fdopen)):
        monkeypatch.setattr(builtins if name == "open" else os, name, half(opener))
    monkeypatch.setattr(io, "open", half(real_open))
    code, _, err = run_cli("translated", str(translation), "--config", str(config))
    monkeypatch.undo()
    assert code == 1 and "the disk is full" in err and "the file was left as it was" in err, err
    assert translation.read_bytes() == before
    assert not temporaries(tmp_path) and sorted(p.name for p in translation.parent.iterdir()) == \
        ["01-first.en.md", "01-first.zh.md", "02-second.en.md", "02-second.zh.md", "report.yml"]
    assert run_cli("translated", str(translation), "--config", str(config))[0] == 0
    assert b"translated_from:" in translation.read_bytes()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_that_a_library_turns_into_another_error_is_still_a_stop(tmp_path, monkeypatch, signum):
    """pydantic-core, building a schema when Ctrl-C came, raised a SchemaError that held the stop
    (a CI run of the test above): the command is stopped, not broken."""
    from generator import cli

    def wrapping(args, lang, started_ns):
        try:
            os.kill(os.getpid(), signum)  # the handler raises Stopped here
            time.sleep(5)
        except BaseException as stop:  # as a library written in Rust does with an exception in a callback
            raise ValueError(f"Error building validator: {stop!r}") from None
        return 0

    monkeypatch.setattr(cli, "run", wrapping)
    # as from a terminal: a run in the background (CI) ignores SIGINT, and nianbao then leaves it so
    previous = signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
    try:
        code, _, err = run_cli("build", "--config", str(write_project(tmp_path / "project", dict(MINIMAL))))
    finally:
        signal.signal(signum, previous)
    assert code == 128 + signum, err
    assert "internal error" not in err and ("interrupted" in err or "SIGTERM" in err), err
