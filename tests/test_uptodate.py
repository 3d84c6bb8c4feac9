"""A build with nothing to do says the site is up to date and leaves it as it is, without loading
its cache (uptodate.py); the slightest change to what a build reads or left makes it build again.

Through the front door: ``nianbao build`` run twice, with something changed between, and the site
then compared with a fresh build into a new folder by test_site_reuse's oracle, which reads the
folders itself. Whether a build stopped early is told by what it printed, and by the site's files
(a build that went on rewrites or relinks them, which moves their change times).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from test_site_reuse import THREE_YEARS, described, fresh, same_as_fresh

UP_TO_DATE = "is up to date: nothing changed since the last build"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(THREE_YEARS, tmp_path / "project", ignore=shutil.ignore_patterns(".nianbao-cache", "site"))
    return tmp_path / "project" / "site_config.yml"


def build(config: Path, *extra: str) -> tuple[int, str, str]:
    code, out, err = run_cli("build", "--config", str(config), *extra)
    assert code == 0, err
    return code, out, err


def change_times(site: Path) -> dict[str, int]:
    return {path.relative_to(site).as_posix(): os.lstat(path).st_ctime_ns for path in site.rglob("*")}


def edit_in_place(path: Path, old: str, new: str) -> None:
    """The last ``old`` replaced by ``new`` (as many bytes), the file's times set back as they were."""
    status = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    at = text.rindex(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert os.stat(path).st_size == status.st_size


def test_a_build_with_nothing_changed_says_so_and_leaves_every_file_as_it_was(project):
    site = project.parent / "site"
    _, first, _ = build(project)
    assert UP_TO_DATE not in first
    before = change_times(site)
    _, second, _ = build(project)
    assert UP_TO_DATE in second and "site/" in second
    assert change_times(site) == before
    code, third, _ = run_cli("build", "--config", str(project), "--lang", "zh")
    assert code == 0 and "已是最新" in third
    assert run_cli("build", "--config", str(project), "-q")[1] == ""  # quiet: nothing said
    _, clean, _ = build(project, "--clean")  # --clean builds whatever the record says
    assert UP_TO_DATE not in clean and "built" in clean


CHANGES = {
    # what an editor or the machine changes, and whether the site changes with it
    "a section edited, its time set back": lambda root: edit_in_place(
        root / "content/2021/01-visits.en.md", "visits", "VISITS"),
    "a figure edited, its time set back": lambda root: edit_in_place(root / "content/2022/metrics.yml", "5", "6"),
    "the config edited": lambda root: edit_in_place(root / "site_config.yml", "Example Office", "Sample Office!"),
    "a templates folder made": lambda root: (root / "templates").mkdir(),
    "a file added to the content": lambda root: (root / "content/2022/notes.txt").write_text("draft\n"),
    "a section's file renamed": lambda root: os.rename(root / "content/2020/01-visits.zh.md",
                                                       root / "content/2020/01-visit.zh.md"),
    "a content file made a link to a changed copy": lambda root: _linked_and_changed(root),
}


def _linked_and_changed(root: Path) -> None:
    text = root / "content/2022/01-visits.en.md"
    copy = root.parent / "elsewhere.en.md"
    shutil.copy2(text, copy)
    text.unlink()
    text.symlink_to(copy)
    edit_in_place(copy, "visits", "VISITS")


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_what_a_build_reads_makes_it_build_again(project, tmp_path, change):
    root = project.parent
    build(project)
    CHANGES[change](root)
    code, out, err = run_cli("build", "--config", str(project))
    assert UP_TO_DATE not in out
    fresh_code, _, _ = run_cli("build", "--clean", "--config", str(project), "--out", str(tmp_path / "fresh"))
    assert code == fresh_code, err
    if code == 0:
        same_as_fresh(root / "site", described(tmp_path / "fresh"))


def test_a_link_to_a_folder_among_the_sources_means_no_shortcut(project, tmp_path):
    """What a linked folder holds is not looked at: such a project is built each time."""
    root = project.parent
    (root / "content/.kept").mkdir()
    shutil.move(root / "content/2020", root / "content/.kept/2020")
    (root / "content/2020").symlink_to(".kept/2020", target_is_directory=True)
    build(project)
    edit_in_place(root / "content/.kept/2020/01-visits.en.md", "visits", "VISITS")
    _, out, _ = build(project)
    assert UP_TO_DATE not in out
    assert "VISITS" in (root / "site/en/2020/visits/index.html").read_text(encoding="utf-8")
    _, again, _ = build(project)
    assert UP_TO_DATE not in again


def test_a_page_edited_in_place_with_its_time_set_back_is_rebuilt(project, tmp_path):
    """The limit of a build that compares modification times (docs/hardening.md) does not hold here:
    the change time moved."""
    site = project.parent / "site"
    build(project)
    page = site / "en/2022/visits/index.html"
    text = page.read_text(encoding="utf-8")
    edit_in_place(page, "<main", "<mai!")
    _, out, _ = build(project)
    assert UP_TO_DATE not in out
    assert page.read_text(encoding="utf-8") == text


def test_a_build_that_warned_is_never_taken_as_up_to_date_and_warns_again(project):
    (project.parent / "content/2022/notes.txt").write_text("a draft\n", encoding="utf-8")  # not read: a warning
    _, _, warned = build(project)
    assert "warning" in warned
    _, out, again = build(project)
    assert UP_TO_DATE not in out and again == warned


def test_a_commit_changes_the_revision_the_manifest_names(project):
    root = project.parent
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    build(project)
    (root / "README.txt").write_text("outside the content, but in the work tree\n", encoding="utf-8")
    subprocess.run([*git, "add", "README.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "two"], check=True)
    _, out, _ = build(project)
    assert UP_TO_DATE not in out
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    assert head in (root / "site/manifest.json").read_text(encoding="utf-8")


def test_another_output_folder_or_edition_is_built(project, tmp_path):
    build(project)
    _, out, _ = build(project, "--out", str(tmp_path / "other"))
    assert UP_TO_DATE not in out
    _, out, _ = build(project, "--out", str(tmp_path / "other"))
    assert UP_TO_DATE in out
    _, out, _ = build(project, "--edition", "internal")
    assert UP_TO_DATE not in out
    _, out, _ = build(project, "--edition", "internal")
    assert UP_TO_DATE in out and "internal edition" in out


def test_an_output_folder_given_by_a_link_that_now_leads_elsewhere_is_built(project, tmp_path):
    link = tmp_path / "published"
    link.symlink_to(tmp_path / "first", target_is_directory=True)
    build(project, "--out", str(link))
    assert UP_TO_DATE in build(project, "--out", str(link))[1]
    link.unlink()
    link.symlink_to(tmp_path / "second", target_is_directory=True)
    assert UP_TO_DATE not in build(project, "--out", str(link))[1]
    assert (tmp_path / "second/manifest.json").is_file()


def test_a_site_that_changes_while_it_is_compared_means_a_build(project, monkeypatch):
    from generator import uptodate

    build(project)

    def gone(*args):
        raise FileNotFoundError(2, "No such file or directory", "site/en")

    monkeypatch.setattr(uptodate, "site_unchanged", gone)
    _, out, err = build(project)
    assert UP_TO_DATE not in out and "built" in out and "internal error" not in err


def test_what_a_killed_build_left_beside_the_site_is_cleared_by_a_build(project):
    root = project.parent
    build(project)
    (root / ".nianbao-tmp-site-abcd1234").mkdir()
    _, out, _ = build(project)
    assert UP_TO_DATE not in out
    assert not (root / ".nianbao-tmp-site-abcd1234").exists()


def test_a_change_to_nianbaos_own_code_makes_it_build_again(project, tmp_path, monkeypatch):
    from generator import uptodate

    monkeypatch.setattr(uptodate, "CLOCK_MARGIN_NS", 0)  # the code below is new: not a second old
    package = tmp_path / "package"
    package.mkdir()
    (package / "render.py").write_text("# version one\n", encoding="utf-8")
    monkeypatch.setattr(uptodate, "PACKAGE", package)
    build(project)
    assert UP_TO_DATE in build(project)[1]
    edit_in_place(package / "render.py", "one", "two")
    assert UP_TO_DATE not in build(project)[1]


def test_a_record_that_cannot_be_read_or_an_earlier_versions_is_ignored(project):
    import pickle

    from generator import uptodate

    build(project)
    state = uptodate.state_path(project.parent, "public")
    record = pickle.loads(state.read_bytes())
    del record.pages  # as an earlier version, with other fields, would have left it
    state.write_bytes(pickle.dumps(record))
    assert UP_TO_DATE not in build(project)[1]
    assert UP_TO_DATE in build(project)[1]
    state.write_bytes(state.read_bytes()[:-20])
    assert UP_TO_DATE not in build(project)[1]


def test_the_machine_is_part_of_the_record(tmp_path, monkeypatch):
    """Another PDF browser, an upgraded library: another key."""
    from generator import uptodate

    monkeypatch.setenv("NIANBAO_CHROMIUM", "/bin/true")
    true = uptodate.machine("abc", pdf=True)
    monkeypatch.setenv("NIANBAO_CHROMIUM", "/bin/false")
    assert uptodate.machine("abc", pdf=True) != true
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(uptodate, "FONT_FOLDERS", (str(fonts),))
    before = uptodate.machine("abc", pdf=True)
    (fonts / "added.ttf").write_bytes(b"a font")
    assert uptodate.machine("abc", pdf=True) != before  # a font installed
    assert uptodate.machine("abc", pdf=False) == uptodate.machine("abc", pdf=False)
    for variable in ("NIANBAO_ANY", "PYTHONPATH", "PLAYWRIGHT_BROWSERS_PATH", "FONTCONFIG_FILE"):
        before = uptodate.machine("abc", pdf=False)
        monkeypatch.setenv(variable, "/somewhere")
        assert uptodate.machine("abc", pdf=False) != before, variable
    assert uptodate.machine("abc", pdf=False) == uptodate.machine("abc", pdf=False)
    assert uptodate.machine("abc", pdf=False) != uptodate.machine("abd", pdf=False)
    library = tmp_path / "library_of_test"
    library.mkdir()
    (library / "__init__.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(uptodate, "LIBRARIES", (*uptodate.LIBRARIES, "library_of_test"))
    before = uptodate.machine(None, pdf=False)
    edit_in_place(library / "__init__.py", "1", "2")
    assert uptodate.machine(None, pdf=False) != before


def test_nothing_is_recorded_when_a_source_changed_while_the_build_ran(project):
    from generator import uptodate
    from generator.build import build as run

    later = time.time_ns() + 10 ** 10  # as if the process began after every file of the code was last changed
    result = run(project, record_inputs=True, jobs=1, pdfs=False)
    assert uptodate.record_of(result, project, "public", None, later) is not None
    result = run(project, record_inputs=True, jobs=1, pdfs=False)
    edit_in_place(project.parent / "content/2022/01-visits.zh.md", "。", "！")  # read, then changed
    assert uptodate.record_of(result, project, "public", None, later) is None


def test_nothing_is_recorded_when_code_changed_after_the_process_began(project, tmp_path, monkeypatch):
    """Its modules may have been read before the change (a git pull of nianbao during a build)."""
    from generator import uptodate
    from generator.build import build as run

    package = tmp_path / "package"
    package.mkdir()
    monkeypatch.setattr(uptodate, "PACKAGE", package)
    began = time.time_ns() - 10 ** 10
    (package / "write.py").write_text("# changed since\n", encoding="utf-8")
    result = run(project, record_inputs=True, jobs=1, pdfs=False)
    assert uptodate.record_of(result, project, "public", None, began) is None
    assert uptodate.record_of(result, project, "public", None, time.time_ns() + 10 ** 10) is not None
    # a library's module, loaded by the build, changed since the process began: no record either
    library = tmp_path / "library_changed.py"
    library.write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "library_changed", loaded(library))
    assert uptodate.record_of(result, project, "public", None, time.time_ns() - 10 ** 10) is None


def test_a_site_changed_once_written_is_not_recorded_as_the_builds(project):
    """The record holds the site's files as the write stage found them under its lock, not as they
    are after (another build's site swapped in meanwhile, a page edited)."""
    from generator import uptodate
    from generator.build import build as run

    result = run(project, record_inputs=True, jobs=1, pdfs=False)
    page = result.output_dir / "en/2022/visits/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- another's -->", encoding="utf-8")
    record = uptodate.record_of(result, project, "public", None, time.time_ns() + 10 ** 10)
    uptodate.save(project.parent, "public", record)
    assert uptodate.up_to_date(project.parent, project, "public", None) is None


def test_a_folder_named_pycache_among_the_templates_is_looked_at(project):
    folder = project.parent / "templates/assets/__pycache__"
    folder.mkdir(parents=True)
    (folder / "x.css").write_text("body{color:red}\n", encoding="utf-8")
    build(project)
    edit_in_place(folder / "x.css", "red", "tan")
    assert UP_TO_DATE not in build(project)[1]


def loaded(path: Path):
    """The module of ``path``, run, as an import would (the test puts it in sys.modules itself)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_python_file_the_build_ran_changed_since_means_a_build(project, tmp_path, monkeypatch):
    from generator import uptodate

    monkeypatch.setattr(uptodate, "CLOCK_MARGIN_NS", 0)
    (tmp_path / "library_of_build.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "library_of_build", loaded(tmp_path / "library_of_build.py"))
    build(project)
    assert UP_TO_DATE in build(project)[1]
    edit_in_place(tmp_path / "library_of_build.py", "1", "2")
    assert UP_TO_DATE not in build(project)[1]


def test_pagefinds_own_environment_variables_do_not_change_the_index(project, tmp_path, monkeypatch):
    build(project, "--out", str(tmp_path / "plain"))
    monkeypatch.setenv("PAGEFIND_EXCLUDE_SELECTORS", "p")
    build(project, "--clean", "--out", str(tmp_path / "with-variable"))
    plain, variable = described(tmp_path / "plain/pagefind"), described(tmp_path / "with-variable/pagefind")
    assert plain and plain == variable


# Any sequence of edits, with times set back or not, of the sources and of the site, and builds
# with and without --clean: after each build the site is the one a fresh build makes.
SOURCES = ["content/2020/01-visits.en.md", "content/2021/01-visits.zh.md", "content/2022/01-visits.en.md"]
PAGES = ["en/2022/visits/index.html", "zh/index.html", "robots.txt", "assets"]  # (a changed manifest is refused)

step = st.one_of(
    st.tuples(st.just("source"), st.sampled_from(SOURCES), st.booleans()),
    st.tuples(st.just("site"), st.sampled_from(PAGES), st.booleans()),
    st.tuples(st.just("build"), st.sampled_from(["", "--clean"]), st.just(False)),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=4))
def test_after_any_edits_a_build_makes_the_fresh_site(tmp_path_factory, steps):
    tmp_path = tmp_path_factory.mktemp("steps")
    shutil.copytree(THREE_YEARS, tmp_path / "project", ignore=shutil.ignore_patterns(".nianbao-cache", "site"))
    config = tmp_path / "project" / "site_config.yml"
    site = tmp_path / "project" / "site"
    build(config)
    for kind, name, set_back in steps:
        if kind == "build":
            build(config, *filter(None, [name]))
            continue
        path = (tmp_path / "project" / name) if kind == "source" else site / name
        if path.is_dir():  # a file of the site's assets made private (a file added would be refused)
            sorted(path.iterdir())[0].chmod(0o600)
        elif set_back:  # its last full stop made an exclamation mark (or a letter's case changed): as many bytes
            text = path.read_text(encoding="utf-8")
            letter = next(c for c in reversed(text) if c.isascii() and c.isalpha())
            edit_in_place(path, *(("。", "！") if "。" in text else (".", "!") if "." in text
                                  else (letter, letter.swapcase())))
        else:
            path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    build(config)
    same_as_fresh(site, fresh(config, tmp_path))
