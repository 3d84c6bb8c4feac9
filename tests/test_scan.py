"""The checks read every file a public build would write (scan.py): each file's result is kept by
its bytes for the next build, and many files are read in worker processes. Neither may change
what the checks find."""

import sys
from pathlib import Path

import pytest

from generator import scan
from generator.build import build
from generator.cache import BuildCache
from generator.leaks import find_leaks
from generator.published import find_marked
from generator.withheld import Secret, Secrets

FILES = {
    "zh/a.html": "<p>与锦江市签署协议，共4,729项。</p>".encode(),
    "en/a.html": b"<p>An agreement with <span lang=en>Jin</span>jiang: 0.4729 thousand items.</p>",
    "zh/b.html": '<p><span class="withheld">滨海</span></p>'.encode(),
    "data.json": b'{"t": "\\u9526\\u6c5f", "v": [1, 2]}',
    "clean.html": b"<p>Nothing withheld here, 2022.</p>",
    "chart.csv": b"label,value\nx,4729\n",
}


def secrets(line=3) -> Secrets:
    found = Secrets()
    found.add_span("锦江", Path("a.zh.md"), line, "与", "市签署")
    found.add_span("Jinjiang", Path("a.en.md"), line, "with ", ":")
    found.add_number(4729, Path("metrics.yml"), 7, ["项", "items"])
    return found


def as_compared(leaks):
    return sorted((leak.file, leak.line, leak.column, leak.found, leak.how, leak.secret) for leak in leaks)


@pytest.fixture
def many_files():
    """FILES again and again under other names, with as many clean files: enough to be read by workers."""
    files = {f"copy{index}/{name}": data for index in range(40) for name, data in FILES.items()}
    files.update({f"other{index}.html": b"<p>A clean page.</p>" for index in range(300)})
    return files


def test_workers_find_what_one_process_finds(many_files, monkeypatch):
    alone_leaks, alone_marked = find_leaks(many_files, secrets()), find_marked(many_files)
    assert len(alone_leaks) == 40 * 5 and len(alone_marked) == 40  # a.html twice, data.json, chart.csv (figure)
    monkeypatch.setattr(scan, "PARALLEL_FROM", 1)
    started = []
    real_popen = scan.subprocess.Popen
    monkeypatch.setattr(scan.subprocess, "Popen", lambda *a, **k: started.append(a) or real_popen(*a, **k))
    assert as_compared(find_leaks(many_files, secrets())) == as_compared(alone_leaks)
    assert find_marked(many_files) == alone_marked
    assert len(started) >= 2 or (scan.os.cpu_count() or 1) < 2


@pytest.mark.parametrize("executable", ["/nonexistent/python", "/bin/false"])
def test_when_workers_cannot_start_or_fail_one_process_reads_everything(many_files, monkeypatch, executable):
    expected = as_compared(find_leaks(many_files, secrets()))
    monkeypatch.setattr(scan, "PARALLEL_FROM", 1)
    monkeypatch.setattr(scan.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(sys, "executable", executable)
    assert as_compared(find_leaks(many_files, secrets())) == expected


def test_a_kept_result_is_used_only_for_the_same_bytes_and_the_same_secrets(monkeypatch):
    read = []
    real = scan._run
    monkeypatch.setattr(scan, "_run", lambda check, files, args, jobs: read.append(sorted(files))
                        or real(check, files, args, jobs))
    kept: dict = {}
    first = as_compared(find_leaks(FILES, secrets(), kept))
    assert as_compared(find_leaks(FILES, secrets(), kept)) == first and read[-1] == []
    # An edit above a withheld span moves its line: nothing is read again, the leaks name the new line.
    moved = find_leaks(FILES, secrets(line=9), kept)
    assert read[-1] == [] and {leak.secret.line for leak in moved if leak.secret.text == "锦江"} == {9}
    # A changed file is read again, and only it.
    changed = dict(FILES, **{"clean.html": "<p>锦江</p>".encode()})
    assert "clean.html" in {leak.file for leak in find_leaks(changed, secrets(), kept)}
    assert read[-1] == ["clean.html"]
    # Something else withheld: every file is read again.
    other = secrets()
    other.add_span("滨海", Path("b.zh.md"), 1)
    find_leaks(changed, other, kept)
    assert read[-1] == sorted(changed)
    # The withheld check keeps its own results.
    marked_kept: dict = {}
    first_marked = find_marked(FILES, marked_kept)
    assert find_marked(FILES, marked_kept) == first_marked == find_marked(FILES) and read[-2] == []


def test_a_rebuild_with_the_cache_reports_what_a_clean_build_reports(tmp_path):
    from test_leak_check import _withhold_one  # the shipped report with one figure withheld

    import shutil
    from conftest import REPO

    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "site_config.yml", project)
    config = _withhold_one(project, 619)
    english = project / "content/2022/06-outlook.en.md"
    cache = BuildCache()

    def errors(result):
        return sorted((d.file, d.line, d.message) for d in result.diagnostics.errors)

    assert errors(build(config, write=False, cache=cache)) == []
    english.write_text(english.read_text(encoding="utf-8") + "\nWe held 619 events.\n", encoding="utf-8")
    refused = errors(build(config, write=False, cache=cache))
    assert refused and refused == errors(build(config, write=False)) and "619" in str(refused)
    english.write_text(english.read_text(encoding="utf-8").replace("We held 619 events.", "We held events."),
                       encoding="utf-8")
    assert errors(build(config, write=False, cache=cache)) == []


def test_the_cache_is_saved_again_when_a_checked_files_bytes_change():
    # A build saves its cache only when its fingerprint changed: a file read again with other
    # bytes must change it, even where nothing else in the cache did.
    cache = BuildCache()
    kept = cache.checked.setdefault("marked", {})
    scan.check_files({"a.html": b"one"}, lambda files: [], (), kept, b"key")
    first = cache.fingerprint()
    scan.check_files({"a.html": b"one"}, lambda files: [], (), kept, b"key")
    assert cache.fingerprint() == first
    scan.check_files({"a.html": b"two"}, lambda files: [], (), kept, b"key")
    assert cache.fingerprint() != first


def test_the_checks_fork_at_most_eight_workers_whatever_jobs_asks(monkeypatch):
    parts_run = []
    monkeypatch.setattr(scan, "PARALLEL_FROM", 1)
    monkeypatch.setattr(scan.workers, "run_parts", lambda work, parts, jobs: parts_run.append(len(parts))
                        or [work(part) for part in parts])
    files = {f"page-{n}.html": b"x" for n in range(40)}
    assert scan.check_files(files, lambda part: [], (), None, b"", jobs=999) == []
    assert parts_run == [8]
