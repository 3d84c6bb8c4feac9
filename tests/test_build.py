"""Whole builds of small fixture projects: paths, options, overrides, atomic output."""

import os
import posixpath
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, run_cli
from generator import write as write_stage
from generator.build import build
from generator.model import relative_url

TWO_REPORTS = REPO / "tests" / "fixtures" / "two-reports"


@pytest.fixture
def two_reports(tmp_path) -> Path:
    """A copy of the two-report fixture, built from another working directory."""
    copy = tmp_path / "elsewhere" / "project"
    shutil.copytree(TWO_REPORTS, copy, ignore=shutil.ignore_patterns("public"))
    code, _, err = run_cli("build", "--config", str(copy / "site_config.yml"), cwd=tmp_path)
    assert code == 0, err
    return copy / "public"


def read(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_paths_are_relative_to_the_config_file(two_reports):
    # output: public, content and templates: theme, all beside the config, not the working directory
    assert (two_reports / "en/2022/results/index.html").is_file()
    assert (two_reports / "zh/2021/overview/index.html").is_file()


def test_out_option_overrides_the_output_folder(tmp_path):
    out = tmp_path / "deploy"
    code, stdout, _ = run_cli("build", "--config", str(TWO_REPORTS / "site_config.yml"), "--out", str(out))
    assert code == 0 and (out / "index.html").is_file()
    assert f"built {len(list(out.rglob('*.html')))} pages" in stdout
    assert not (TWO_REPORTS / "public").exists()


def test_check_writes_nothing(tmp_path, project):
    config = project()
    code, out, _ = run_cli("check", "--config", str(config))
    assert code == 0 and "check passed" in out
    assert not (tmp_path / "site").exists()


def test_explicit_section_order(two_reports):
    toc = [a["href"] for a in read(two_reports / "en/2022/index.html").select(".toc a")]
    assert toc == ["results/index.html", "overview/index.html"]


def test_newest_report_first_on_the_home_page(two_reports):
    titles = [h.get_text() for h in read(two_reports / "en/index.html").select(".report-list h2")]
    assert titles == ["Work Summary 2022", "Work Summary 2021"]


def test_links_between_sections_and_reports_become_relative_page_links(two_reports):
    overview = read(two_reports / "en/2022/overview/index.html")
    assert overview.select_one(".prose a")["href"] == "../results/index.html#results"
    older = read(two_reports / "zh/2021/overview/index.html")
    assert older.select_one(".prose a")["href"] == "../../2022/overview/index.html"


def test_every_relative_link_of_every_page_leads_to_a_file(two_reports):
    # A section's text shows on its page, in the full report (a folder higher) and in both
    # languages' bilingual views: its links must be relative to each of those pages.
    checked = 0
    for page in two_reports.rglob("*.html"):
        for a in read(page).select("a[href]"):
            href = a["href"].partition("#")[0]
            if href and "://" not in href and not href.startswith("mailto:"):
                assert (page.parent / href).is_file(), (page.relative_to(two_reports), a["href"])
                checked += 1
    assert checked > 100
    full = read(two_reports / "zh/2021/full.html")
    assert full.select_one(".prose a")["href"] == "../2022/overview/index.html"
    bilingual = read(two_reports / "en/2021/overview/bilingual.html")
    assert bilingual.select_one('[lang="zh-CN"] a')["href"] == "../../../zh/2022/overview/index.html"


def test_heading_anchors_and_page_contents(two_reports):
    page = read(two_reports / "zh/2022/overview/index.html")
    assert [h["id"] for h in page.select(".prose h2")] == ["主要工作", "下一步"]
    assert [a["href"] for a in page.select(".page-toc a")] == ["#主要工作", "#下一步"]


def test_base_url_gives_canonical_and_absolute_alternates(two_reports):
    page = read(two_reports / "en/2022/results/index.html")
    base = "https://reports.example.org/sub/path/"
    assert page.find("link", rel="canonical")["href"] == base + "en/2022/results/"
    alternates = {link["hreflang"]: link["href"] for link in page.find_all("link", rel="alternate")}
    assert alternates == {"zh-CN": base + "zh/2022/results/", "en": base + "en/2022/results/",
                          "x-default": base + "zh/2022/results/"}
    assert "Sitemap: " + base + "sitemap.xml" in (two_reports / "robots.txt").read_text()
    # links between pages stay relative, so the same folder also works from disk
    assert page.select_one(".breadcrumb a")["href"] == "../../index.html"


def test_404_links_are_absolute_when_the_address_is_known(two_reports):
    page = read(two_reports / "404.html")
    assert page.find("link", rel="stylesheet")["href"].startswith("https://reports.example.org/sub/path/assets/")
    assert [a["href"] for a in page.select("main a")] == ["https://reports.example.org/sub/path/zh/index.html",
                                                           "https://reports.example.org/sub/path/en/index.html"]


def test_no_canonical_without_base_url(project, tmp_path):
    assert run_cli("build", "--config", str(project()))[0] == 0
    page = read(tmp_path / "site/en/2021/first/index.html")
    assert page.find("link", rel="canonical") is None


def test_project_templates_and_strings_override_the_theme(two_reports):
    page = read(two_reports / "en/2022/results/index.html")
    assert page.select_one(".custom-footer").get_text() == "Published by: Example Office · Example theme"
    # the theme's other templates and strings are still used
    assert page.select_one(".skip-link").get_text() == "Skip to main content"


def test_assets_have_content_hash_names(two_reports):
    names = sorted(p.name for p in (two_reports / "assets").iterdir())
    assert sorted(n.split(".")[0] + "." + n.split(".")[-1] for n in names) == ["charts.css", "charts.js", "favicon.svg", "prefs.js", "site.css", "site.js"]
    assert all(len(n.split(".")[1]) == 10 for n in names)


def test_template_typo_is_an_error_not_a_blank(project, tmp_path):
    (tmp_path / "templates" / "partials").mkdir(parents=True)
    (tmp_path / "templates" / "partials" / "footer.html").write_text("<footer>{{ organisaton }}</footer>\n")
    code, _, err = run_cli("build", "--config", str(project()))
    assert code == 1
    assert "partials/footer.html:1: error: template error: 'organisaton' is undefined" in err


def test_relative_url():
    assert relative_url("zh/2022/a/index.html", "zh/2022/b/index.html") == "../b/index.html"
    assert relative_url("index.html", "zh/index.html") == "zh/index.html"
    assert relative_url("zh/2022/a/index.html", "assets/site.css") == "../../../assets/site.css"
    assert relative_url("zh/2022/a/index.html", "zh/2022/a/bilingual.html") == "bilingual.html"


SITE_PATH = st.lists(st.sampled_from(["zh", "en", "2022", "a", "b"]), min_size=0, max_size=4).map(
    lambda dirs: "/".join([*dirs, "index.html"]))


@given(SITE_PATH, SITE_PATH)
@settings(derandomize=True, max_examples=300)
def test_relative_url_is_what_posixpath_gives(from_output, to_output):
    assert relative_url(from_output, to_output) == posixpath.relpath(to_output, posixpath.dirname(from_output) or ".")


# --- atomic output -----------------------------------------------------------


def test_failed_build_leaves_the_previous_site_untouched(project, tmp_path):
    config = project()
    assert run_cli("build", "--config", str(config))[0] == 0
    before = snapshot(tmp_path / "site")
    (tmp_path / "content/2021/01-first.zh.md").write_text("no front matter\n", encoding="utf-8")
    assert run_cli("build", "--config", str(config))[0] == 1
    assert snapshot(tmp_path / "site") == before


def test_build_that_dies_while_writing_leaves_the_previous_site(project, tmp_path, monkeypatch):
    config = project()
    assert run_cli("build", "--config", str(config))[0] == 0
    before = snapshot(tmp_path / "site")
    (tmp_path / "content/2021/01-first.en.md").write_text("---\ntitle: Changed\n---\n\nNew, ** withheld.\n\nSecond.\n",
                                                          encoding="utf-8")
    calls = {"n": 0}
    real = write_stage._write

    def failing_write(path, data):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(write_stage, "_write", failing_write)
    result = build(config)
    monkeypatch.undo()
    assert not result.written
    assert [error.message for error in result.diagnostics.errors if "the disk is full" in error.message]
    assert calls["n"] == 5
    assert snapshot(tmp_path / "site") == before
    temporaries = (write_stage.TEMP_PREFIX, write_stage.OLD_PREFIX)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(temporaries)]


def test_disk_full_is_reported_without_a_traceback(project, tmp_path, monkeypatch):
    config = project()
    monkeypatch.setattr(write_stage, "_swap", lambda new, out: (_ for _ in ()).throw(OSError(28, "No space")))
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1  # the machine's problem, not a bug in nianbao
    assert "Traceback" not in err and "internal error" not in err
    assert "site: error: cannot write the site into this folder: the disk is full" in err
    assert "the output folder was left as it was" in err


def test_stale_temporary_folders_are_removed(project, tmp_path):
    config = project()
    # the names mkdtemp makes: the output folder's name, "-" and 8 random characters
    stale = tmp_path / ".nianbao-tmp-site-abc12345"
    (stale / "zh").mkdir(parents=True)
    old = tmp_path / ".nianbao-old-site-def_6789"
    old.mkdir()
    unrelated = [tmp_path / name for name in (".nianbao-tmp-other-1x2y3z4w", ".nianbao-tmp-site-internal-1x2y3z4w",
                                              ".nianbao-old-site-2-1x2y3z4w")]
    for folder in unrelated:
        folder.mkdir()
    assert run_cli("build", "--config", str(config))[0] == 0
    assert not stale.exists() and not old.exists()
    assert all(folder.exists() for folder in unrelated)  # another output folder's build may be running


def test_build_killed_between_the_renames_gets_the_previous_site_back(project, tmp_path):
    config = project()
    assert run_cli("build", "--config", str(config))[0] == 0
    before = snapshot(tmp_path / "site")
    # what a kill between "site → old" and "new → site" leaves behind
    (tmp_path / "site").rename(tmp_path / ".nianbao-old-site-x1x1x1x1")
    (tmp_path / ".nianbao-tmp-site-x2x2x2x2" / "zh").mkdir(parents=True)
    write_stage.remove_stale_temporaries(tmp_path / "site")
    assert snapshot(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != ".nianbao-cache") == []


def test_rebuild_replaces_files_that_no_longer_exist(project, tmp_path):
    config = project()
    assert run_cli("build", "--config", str(config))[0] == 0
    os.remove(tmp_path / "content/2021/02-second.zh.md")
    os.remove(tmp_path / "content/2021/02-second.en.md")
    assert run_cli("build", "--config", str(config))[0] == 0
    assert not (tmp_path / "site/zh/2021/second").exists()
    # a file someone added to the site is not nianbao's to delete (tests/test_output_folder.py)
    (tmp_path / "site" / "leftover.txt").write_text("x")
    assert run_cli("build", "--config", str(config))[0] == 1 and (tmp_path / "site" / "leftover.txt").exists()
