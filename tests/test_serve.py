"""nianbao serve: the built site in memory, rebuilt on save, reloaded in the browser,
with errors shown over the last good pages until they are fixed."""

import contextlib
import io
import os
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from generator.serve import running
from test_browser import browser  # noqa: F401  (fixture)


@pytest.fixture
def project(tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/three-years", copy)
    return copy


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_served_site_is_the_built_site(project, tmp_path):
    out = tmp_path / "built"
    assert run_cli("build", "--config", str(project / "site_config.yml"), "--out", str(out))[0] == 0
    built = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with running(project / "site_config.yml", 0, out=io.StringIO()) as (url, server):
        server.search_thread.join(timeout=60)
        served = server.site.files
        assert served.keys() == built.keys()
        assert all(served[name] == data for name, data in built.items())
        status, page = get(url + "zh/2022/visits/")
        assert status == 200 and b'<script src="/__nianbao/live.js"></script>' in page
        assert get(url + "zh/2022/visits")[0] == 200  # redirected to the folder
        assert get(url + "no/such/page/")[0] == 404


def test_a_saved_section_is_rebuilt_and_an_error_keeps_the_last_good_pages(project):
    section = project / "content/2022/01-visits.zh.md"
    log = io.StringIO()
    original = section.read_text(encoding="utf-8")
    with running(project / "site_config.yml", 0, out=log) as (url, server):
        page = url + "zh/2022/visits/index.html"
        section.write_text(section.read_text(encoding="utf-8").replace("展览吸引", "新展览吸引"), encoding="utf-8")
        wait_for(lambda: "新展览吸引".encode() in get(page)[1])
        assert "rebuilt" in log.getvalue()
        good = get(page)[1]
        section.write_text("没有前言区\n", encoding="utf-8")
        wait_for(lambda: server.site.problems)
        assert any("01-visits.zh.md:1: error: the section has no front matter" in p for p in server.site.problems)
        assert get(page)[1] == good  # the last good page is still served
        assert "build failed; still serving the last good pages" in log.getvalue()
        section.write_text(original.replace("展览吸引", "修好了。展览吸引"), encoding="utf-8")
        wait_for(lambda: "修好了".encode() in get(page)[1])
        assert server.site.problems == []


def test_the_browser_reloads_keeps_its_place_and_shows_errors(browser, project):  # noqa: F811
    section = project / "content/2022/01-visits.en.md"
    original = section.read_text(encoding="utf-8")
    with running(project / "site_config.yml", 0, out=io.StringIO()) as (url, server):
        page = browser.new_page(viewport={"width": 800, "height": 400})
        page.goto(url + "en/2022/visits/index.html")
        page.wait_for_timeout(300)
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(300)
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 0
        section.write_text(original.replace("The exhibition drew", "The new exhibition drew"), encoding="utf-8")
        page.wait_for_selector("text=The new exhibition drew", timeout=20000)
        page.wait_for_timeout(300)
        assert abs(page.evaluate("window.scrollY") - scrolled) < 50
        section.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        overlay = page.wait_for_selector(".nianbao-problems", timeout=20000)
        assert "01-visits.en.md:2" in overlay.inner_text()
        assert page.locator("text=The new exhibition drew").count() == 1  # the last good page stays
        section.write_text(original, encoding="utf-8")
        page.wait_for_selector("text=The exhibition drew", timeout=20000)
        assert page.locator(".nianbao-problems").count() == 0
        page.close()


def test_serve_reports_a_taken_port(project, capsys):
    with running(project / "site_config.yml", 0, out=io.StringIO()) as (url, _):
        port = url.rsplit(":", 1)[1].strip("/")
        code, _, err = run_cli("serve", "--config", str(project / "site_config.yml"), "--port", port)
        assert code == 2 and f"cannot serve on 127.0.0.1:{port}" in err


def test_an_internal_error_is_reported_and_the_server_keeps_watching(project, monkeypatch):
    from generator import serve as serve_module

    real, calls = serve_module.build, {"n": 0}

    def failing_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # the first build, the one once watching, then the first save's
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_module, "build", failing_once)
    section = project / "content/2022/01-visits.zh.md"
    text = section.read_text(encoding="utf-8")
    log = io.StringIO()
    with running(project / "site_config.yml", 0, out=log) as (url, server):
        section.write_text(text.replace("展览吸引", "第一次展览吸引"), encoding="utf-8")
        wait_for(lambda: "internal error: RuntimeError: boom" in log.getvalue())
        section.write_text(text.replace("展览吸引", "第二次展览吸引"), encoding="utf-8")
        wait_for(lambda: "第二次展览吸引".encode() in get(url + "zh/2022/visits/index.html")[1])


def test_after_a_failed_save_the_log_shows_what_changed(project):
    """The first failure lists its errors; the next only the new ones, with how many were fixed;
    warnings are counted, not listed; editors' and tools' temporary files are no saves."""
    section = project / "content/2022/01-visits.zh.md"
    english = project / "content/2022/01-visits.en.md"
    # a section not translated yet: a warning in every build
    (project / "content/2022/02-extra.zh.md").write_text("---\ntitle: 其他\n---\n\n正文。\n", encoding="utf-8")
    log = io.StringIO()
    with running(project / "site_config.yml", 0, out=log) as (url, server):
        good = section.read_text(encoding="utf-8")
        section.write_text(good.replace("{{ agreements }}", "{{ agreement }}"), encoding="utf-8")
        wait_for(lambda: "build failed" in log.getvalue())
        first = log.getvalue()
        assert "the figure '{{ agreement }}' is not defined" in first and "warning:" not in first
        assert "warning(s): nianbao check lists them" in first
        english.write_text(english.read_text(encoding="utf-8").replace("{{ visitors }}", "{{ visitor }}"),
                           encoding="utf-8")
        wait_for(lambda: log.getvalue().count("build failed") == 2)
        second = log.getvalue()[len(first):]
        assert "1 new, 0 fixed, 1 as before" in second and "{{ visitor }}" in second
        assert "{{ agreement }}" not in second  # shown already
        # temporary files beside the sources: no rebuild, nothing in the log
        for name in ("sedAb12Cd", "4913", ".01-visits.zh.md.swp", "01-visits.zh.md~", "notes.tmp"):
            (section.parent / name).write_text("x", encoding="utf-8")
        time.sleep(1.0)
        assert log.getvalue()[len(first) + len(second):] == ""
        for name in ("sedAb12Cd", "4913", ".01-visits.zh.md.swp", "01-visits.zh.md~", "notes.tmp"):
            (section.parent / name).unlink()
        section.write_text(good, encoding="utf-8")
        english.write_text(english.read_text(encoding="utf-8").replace("{{ visitor }}", "{{ visitors }}"),
                           encoding="utf-8")
        wait_for(lambda: "problem(s) fixed" in log.getvalue() and server.site.problems == [])


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_that_is_no_port_is_a_usage_error(project, port):
    code, _, err = run_cli("serve", "--config", str(project / "site_config.yml"), "--port", port, "--lang", "zh")
    assert code == 2 and "不是端口" in err and "内部错误" not in err


def test_a_save_stops_the_index_of_the_pages_it_replaces_and_the_next_pause_indexes_the_new(project, tmp_path):
    """The index being made when a save comes is of pages no one will see: its child process is
    stopped (not left to compete with the rebuild), quietly; once the saves pause, the index served
    is the one a build makes of the new pages."""
    section = project / "content/2022/01-visits.zh.md"
    log = io.StringIO()
    with running(project / "site_config.yml", 0, out=log) as (url, server):
        stopped = []
        for attempt in range(5):  # the index of a small site takes about a second: caught while it runs
            wait_for(lambda: server.indexing is not None and server.indexing.poll() is None)
            child = server.indexing
            section.write_text(section.read_text(encoding="utf-8").replace("展览吸引", f"第{attempt}次展览吸引", 1),
                               encoding="utf-8")
            child.wait(timeout=20)
            stopped.append(child.returncode)
            if child.returncode != 0:
                break
        assert stopped[-1] != 0, f"each index ended on its own before the save could stop it: {stopped}"
        wait_for(lambda: f"第{attempt}次展览吸引".encode() in get(url + "zh/2022/visits/index.html")[1])
        time.sleep(0.5)
        server.search_thread.join(timeout=60)
        served = {name: data for name, data in server.site.files.items() if name.startswith("pagefind/")}
    assert "search index" not in log.getvalue(), log.getvalue()
    out = tmp_path / "built"
    assert run_cli("build", "--config", str(project / "site_config.yml"), "--out", str(out))[0] == 0
    built = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert served == built


def test_a_failed_save_that_stopped_the_index_has_the_pages_still_served_indexed(project, tmp_path):
    """A save that fails while the last good pages are being indexed stops that index: the pages
    stay served, so their index is made again, and search finds what they say."""
    section = project / "content/2022/01-visits.zh.md"
    good = section.read_text(encoding="utf-8").replace("展览吸引", "索引标记展览吸引", 1)
    with running(project / "site_config.yml", 0, out=io.StringIO()) as (url, server):
        for attempt in range(5):  # caught while the good pages' index runs
            section.write_text(good.replace("索引标记", f"索引标记{attempt}"), encoding="utf-8")
            wait_for(lambda: server.indexing is not None and server.indexing.poll() is None
                     and f"索引标记{attempt}".encode() in get(url + "zh/2022/visits/index.html")[1])
            child = server.indexing
            section.write_text("没有前言区\n", encoding="utf-8")
            child.wait(timeout=20)
            wait_for(lambda: server.site.problems)
            if child.returncode != 0:
                break
        assert child.returncode != 0, "each index ended on its own before the failed save could stop it"
        shutil.copytree(project, tmp_path / "last-good")
        (tmp_path / "last-good/content/2022/01-visits.zh.md").write_text(
            good.replace("索引标记", f"索引标记{attempt}"), encoding="utf-8")
        wait_for(lambda: server.unindexed is None, seconds=60)  # made again after the pause, and served
        served = {name: data for name, data in server.site.files.items() if name.startswith("pagefind/")}
    out = tmp_path / "built"
    assert run_cli("build", "--config", str(tmp_path / "last-good/site_config.yml"), "--out", str(out))[0] == 0
    built = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert served == built


def test_a_templates_folder_made_while_serving_and_a_content_folder_the_config_moves_to_are_watched(project):
    """The folders watched are those there are now: a templates/ folder made to override the theme
    after the server started, and the content folder the config is changed to name."""
    page = "zh/2022/visits/index.html"
    with running(project / "site_config.yml", 0, out=io.StringIO()) as (url, server):
        footer = project / "templates/partials/footer.html"
        footer.parent.mkdir(parents=True)
        footer.write_text('<footer class="site-footer"><p>本办自定义页脚</p></footer>\n', encoding="utf-8")
        wait_for(lambda: "本办自定义页脚".encode() in get(url + page)[1])
        footer.write_text('<footer class="site-footer"><p>页脚改了第二次</p></footer>\n', encoding="utf-8")
        wait_for(lambda: "页脚改了第二次".encode() in get(url + page)[1])

        shutil.copytree(project / "content", project / "reports")
        config = project / "site_config.yml"
        config.write_text(config.read_text(encoding="utf-8") + "content: reports\n", encoding="utf-8")
        moved = project / "reports/2022/01-visits.zh.md"
        wait_for(lambda: server.watch_paths()[0] == moved.parents[1] and server.site.epoch > 0)
        moved.write_text(moved.read_text(encoding="utf-8").replace("展览吸引", "新文件夹里的展览吸引", 1), encoding="utf-8")
        wait_for(lambda: "新文件夹里的展览吸引".encode() in get(url + page)[1])


def test_a_config_saved_by_renaming_a_new_file_over_it_is_seen_save_after_save(project):
    """Many editors save by writing a new file and renaming it over the old: the watch on the old
    file would see nothing more. Each such save of the config is seen."""
    config = project / "site_config.yml"
    page = "zh/index.html"
    with running(config, 0, out=io.StringIO()) as (url, server):
        for save in range(3):
            text = config.read_text(encoding="utf-8")
            text = re.sub(r"^footer:.*\n", "", text, flags=re.M) + f"footer: {{zh: 第{save}次页脚, en: Footer {save}}}\n"
            new = config.with_name(".site_config.yml.new")
            new.write_text(text, encoding="utf-8")
            os.replace(new, config)
            wait_for(lambda: f"第{save}次页脚".encode() in get(url + page)[1])


def test_a_content_folder_the_config_names_is_watched_once_made_though_the_build_fails_meanwhile(project):
    config = project / "site_config.yml"
    page = "zh/2022/visits/index.html"
    with running(config, 0, out=io.StringIO()) as (url, server):
        config.write_text(config.read_text(encoding="utf-8") + "content: reports\n", encoding="utf-8")
        wait_for(lambda: any("the content folder does not exist" in p for p in server.site.problems))
        shutil.copytree(project / "content", project / "reports")  # as the error's hint says
        wait_for(lambda: not server.site.problems)
        moved = project / "reports/2022/01-visits.zh.md"
        moved.write_text(moved.read_text(encoding="utf-8").replace("展览吸引", "新建文件夹后的展览吸引", 1), encoding="utf-8")
        wait_for(lambda: "新建文件夹后的展览吸引".encode() in get(url + page)[1])


def test_the_watcher_goes_on_when_a_folder_vanishes_as_it_starts(project, monkeypatch):
    """watchfiles refuses a path that is gone: the folder listed a moment before (a templates/
    folder made and removed at once) must not end the watching."""
    from generator import serve

    real = serve.Server._changes_in
    failures = []

    def vanishing(paths, stop):
        if len(failures) < 2:
            failures.append(paths)
            raise FileNotFoundError(2, "No path was found.")
        return real(paths, stop)

    monkeypatch.setattr(serve.Server, "_changes_in", staticmethod(vanishing))
    section = project / "content/2022/01-visits.zh.md"
    with running(project / "site_config.yml", 0, out=io.StringIO()) as (url, server):
        section.write_text(section.read_text(encoding="utf-8").replace("展览吸引", "重启后的展览吸引", 1), encoding="utf-8")
        wait_for(lambda: "重启后的展览吸引".encode() in get(url + "zh/2022/visits/index.html")[1])
    assert len(failures) == 2


def test_a_watcher_started_again_during_a_failure_says_it_once_and_reloads_no_page(project, monkeypatch):
    from generator import serve

    real = serve.Server._changes_in
    starts = []
    monkeypatch.setattr(serve.Server, "_changes_in", staticmethod(lambda paths, stop: starts.append(paths) or
                                                                  real(paths, stop)))
    section = project / "content/2022/01-visits.zh.md"
    log = io.StringIO()
    with running(project / "site_config.yml", 0, out=log) as (url, server):
        section.write_text("没有前言区\n", encoding="utf-8")
        wait_for(lambda: server.site.problems)
        epoch = server.site.epoch
        (project / "templates").mkdir()  # the watcher starts again, and builds once more
        wait_for(lambda: len(starts) == 2)
        time.sleep(0.5)
        assert server.site.epoch == epoch and log.getvalue().count("build failed") == 1, log.getvalue()


def _left_in_scratch(marker: str) -> list[str]:
    """The index's private folders (in the memory folder or the system's) that still hold pages marked ``marker``."""
    import tempfile

    left = []
    for parent in (Path("/dev/shm"), Path(tempfile.gettempdir())):
        for folder in parent.glob("nianbao-*"):
            try:
                if any(marker.encode() in path.read_bytes() for path in folder.rglob("*") if path.is_file()):
                    left.append(str(folder))
            except OSError:
                continue
    return left


def test_the_index_child_stopped_twice_still_cleans_up(project):
    """A save and the server's stop may each send the index's child a SIGTERM: the second must not
    cut its cleanup short (Pagefind left running, its folder of pages left behind)."""
    import threading
    import uuid

    from generator.build import build
    from generator.render import searchable_pages
    from generator.search import SearchError, build_index_apart

    marker = uuid.uuid4().hex
    section = project / "content/2022/01-visits.zh.md"
    section.write_text(section.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    result = build(project / "site_config.yml", write=False, search=False, pdfs=False)
    pages = searchable_pages(result.site, result.files)
    for gap in (0.001, 0.002, 0.003, 0.005, 0.001, 0.002, 0.003, 0.005):
        children = []

        def index():
            with contextlib.suppress(SearchError):
                build_index_apart(pages, {}, started=children.append)

        thread = threading.Thread(target=index)
        thread.start()
        wait_for(lambda: children)
        child = children[0]
        # once Pagefind runs (the child has a child of its own)
        wait_for(lambda: child.poll() is not None or Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text()
                 .strip(), 30)
        child.terminate()
        time.sleep(gap)
        if child.poll() is None:
            child.terminate()
        thread.join(timeout=60)
        assert not thread.is_alive()
    time.sleep(0.5)
    assert _left_in_scratch(marker) == []
    assert not [line for line in os.popen("ps -eo args").read().splitlines() if "pagefind" in line and marker in line]


def test_the_server_stopped_while_it_hands_its_pages_over_starts_no_index(project, monkeypatch):
    """Stopped while the pages go to the index's child (seconds on a big site): the child, started
    after, is stopped at once, and nothing is left behind."""
    import threading
    import uuid

    import generator.search as search
    import generator.serve as serve

    marker = uuid.uuid4().hex
    section = project / "content/2022/01-visits.zh.md"
    section.write_text(section.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    handing_over = threading.Event()
    write_whole = search._write_whole

    def slow_write(path, data):  # a big site's handover, drawn out
        if path.endswith("pages.pickle"):
            handing_over.set()
            time.sleep(2)
        write_whole(path, data)

    monkeypatch.setattr(search, "_write_whole", slow_write)
    children = []
    apart = serve.build_index_apart
    monkeypatch.setattr(serve, "build_index_apart",
                        lambda pages, cache, started: apart(pages, cache, lambda child: (children.append(child),
                                                                                         started(child))))
    with running(project / "site_config.yml", 0, out=io.StringIO()):
        assert handing_over.wait(30)
    assert children and all(child.wait(timeout=30) != 0 for child in children)  # stopped, not run to its end
    assert _left_in_scratch(marker) == []
