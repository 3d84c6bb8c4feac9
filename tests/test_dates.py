"""A report's dates say what they are (issue 15, point 8): the web edition's publication date,
and the official text's own date where report.yml gives one."""

from pathlib import Path

from bs4 import BeautifulSoup

from conftest import MINIMAL, REPORT_YML, run_cli, write_project

PAGES = ["{lang}/2021/index.html", "{lang}/2021/first/index.html", "{lang}/2021/full.html", "{lang}/index.html"]


def dates(path: Path) -> list[tuple[str, str]]:
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return [(meta.get_text(), meta.time["datetime"]) for meta in page.select("p.meta") if meta.time]


def test_the_web_edition_and_the_official_text_each_have_their_labelled_date(tmp_path):
    config = write_project(tmp_path, {**MINIMAL, "content/2021/report.yml": REPORT_YML + "official_date: 2022-01-10\n"})
    assert run_cli("build", "--config", str(config))[0] == 0
    for page in PAGES:
        assert dates(tmp_path / "site" / page.format(lang="zh")) == [
            ("网络版发布：2022年1月15日", "2022-01-15"), ("原文日期：2022年1月10日", "2022-01-10")], page
        assert dates(tmp_path / "site" / page.format(lang="en")) == [
            ("Web edition published: 15 January 2022", "2022-01-15"),
            ("Official text dated: 10 January 2022", "2022-01-10")], page


def test_without_an_official_date_only_the_web_editions_is_shown(tmp_path):
    config = write_project(tmp_path, MINIMAL)
    assert run_cli("build", "--config", str(config))[0] == 0
    assert dates(tmp_path / "site/en/2021/index.html") == [("Web edition published: 15 January 2022", "2022-01-15")]


def test_next_years_report_does_not_inherit_the_official_date(tmp_path):
    config = write_project(tmp_path, {**MINIMAL, "content/2021/report.yml": REPORT_YML + "official_date: 2022-01-10\n"})
    assert run_cli("new", "report", "2022", "--config", str(config))[0] == 0
    assert "official_date" not in (tmp_path / "content/2022/report.yml").read_text(encoding="utf-8")
