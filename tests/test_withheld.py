"""Public and internal editions from one source; nothing withheld reaches a public build."""

import base64
import html
import json
import re
import shutil
import struct
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, build_once, run_cli, write_project, MINIMAL
from generator.withheld import Secrets, find_leaks, mask_for

WITHHELD = REPO / "tests" / "fixtures" / "withheld"
# What the fixture withholds, as the source writes it.
SECRET_TEXTS = ["锦江", "Jinjiang", "滨海", "Binhai", "欧阳明远", "Ouyang Mingyuan", "the US"]
SECRET_NUMBERS = {4729: ["4729", "4,729", "4 729", "0.4729万"], 583000: ["583000", "583,000", "583 000", "58.3万"]}


def all_text(site: Path) -> dict[str, str]:
    """Every file of a site as a reader's tools could read it: as written, HTML-unescaped, JSON-decoded."""
    found = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue
        views = [text, html.unescape(text),
                 re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)]
        found[path.relative_to(site).as_posix()] = "\n".join(views)
    return found


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    return build_once(tmp_path_factory, WITHHELD / "site_config.yml", "public")


@pytest.fixture(scope="module")
def internal(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("internal") / "site"
    code, _, err = run_cli("build", "--edition", "internal", "--config", str(WITHHELD / "site_config.yml"),
                           "--out", str(out))
    assert code == 0, err
    return out


def test_public_edition_contains_nothing_withheld(public):
    files = all_text(public)
    assert len(files) > 10
    for name, text in files.items():
        for secret in SECRET_TEXTS:
            assert secret not in text, (name, secret)
        for forms in SECRET_NUMBERS.values():
            for form in forms:  # a number, not digits inside a longer number
                assert not re.search(r"(?<![0-9.,])" + re.escape(form) + r"(?![0-9]|[.,][0-9])", text), (name, form)
        assert "对美" not in text and "美地方" not in text, name  # a one-character span, in context


def test_public_edition_masks_like_the_official_text(public):
    page = BeautifulSoup((public / "zh/2023/exchanges/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [p.get_text() for p in page.select(".prose > p")] == [
        "全年接待来访团组168个，与**市签署协议****项。",
        "展览吸引******余人次参观，负责人****出席，深化对*地方交流。",
    ]
    assert page.h1.get_text() == "一、与**的交流"
    assert page.title.get_text().startswith("一、与**的交流")
    assert page.find("meta", attrs={"name": "description"})["content"] == "**与友城的交往。"
    # a mask's accessible text says no more than the mask shows
    assert [m["aria-label"] for m in page.select(".prose > p .mask")] == [
        "已隐去2字", "已隐去4字", "已隐去6字", "已隐去4字", "已隐去1字"]
    report = BeautifulSoup((public / "en/2023/index.html").read_text(encoding="utf-8"), "html.parser")
    assert report.h1.get_text() == "Work Summary 2023 of the ****** Foreign Affairs Office"


def test_public_chart_draws_the_withheld_figure_as_its_range(public):
    page = BeautifulSoup((public / "en/2023/exchanges/index.html").read_text(encoding="utf-8"), "html.parser")
    figure = json.loads(page.find("script", type="application/json").string)
    [withheld] = [t for t in figure["data"] if "base" in t]
    assert withheld["base"] == [1000] and withheld["y"] == [8999]
    assert page.select_one(".chart-title").get_text() == "Agreements with ********"


def test_internal_edition_shows_and_marks_what_is_withheld(internal):
    page = BeautifulSoup((internal / "zh/2023/exchanges/index.html").read_text(encoding="utf-8"), "html.parser")
    marked = [span.get_text() for span in page.select(".prose > p .withheld")]
    assert marked == ["锦江", "4,729", "58.3万余", "欧阳明远", "美"]
    assert page.h1.get_text() == "一、与锦江的交流"
    english = (internal / "en/2023/exchanges/index.html").read_text(encoding="utf-8")
    assert "Jinjiang" in english and "4,729" in english and "the US" in english


def test_internal_edition_is_marked_and_never_indexed(internal):
    pages = list(internal.rglob("*.html"))
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert page.select_one(".internal-banner").get_text() == "内部审阅稿 · not for publication", path
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow", path
    assert not (internal / "sitemap.xml").exists()
    assert "Disallow: /" in (internal / "robots.txt").read_text()


def test_internal_edition_goes_to_its_own_folder(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(WITHHELD, project)
    assert run_cli("build", "--edition", "internal", "--config", str(project / "site_config.yml"))[0] == 0
    assert (project / "site-internal" / "index.html").is_file()
    assert not (project / "site").exists()


def test_withheld_note_is_linked_from_every_footer(public):
    for path in public.rglob("*.html"):
        if path.name == "404.html" or path.parent == public:
            continue
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        link = page.select_one(".site-footer a")
        assert link is not None, path
        assert (path.parent / link["href"]).resolve() in {(public / "zh/withheld/index.html").resolve(),
                                                          (public / "en/withheld/index.html").resolve()}
    note = (public / "en/withheld/index.html").read_text(encoding="utf-8")
    assert "withheld under the rules on government information disclosure" in note


def planted(tmp_path: Path, english: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(WITHHELD, project)
    (project / "content/2023/01-exchanges.en.md").write_text(english, encoding="utf-8")
    return project / "site_config.yml"


def test_a_planted_leak_fails_the_public_build_and_keeps_the_previous_site(tmp_path):
    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    assert run_cli("build", "--config", str(config))[0] == 0
    site = config.parent / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    leaky = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8").replace(
        "{{ secret-agreements }} agreements", "4,729 agreements")
    (config.parent / "content/2023/01-exchanges.en.md").write_text(leaky, encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1
    leaks = re.findall(r"^(site/\S+?):(\d+):(\d+): error: the public edition would publish withheld content: "
                       r"\"4,729 agreements\" \(as written\), withheld in metrics.yml:7$", err, re.M)
    # the section, its bilingual view, the full report, and the search index
    assert sorted(leak[0] for leak in leaks) == sorted([
        "site/en/2023/exchanges/index.html", "site/en/2023/exchanges/bilingual.html", "site/en/2023/full.html",
        "site/zh/2023/exchanges/bilingual.html", re.search(r"site/pagefind/fragment/en_\w+\.pf_fragment", err)[0]])
    assert "site/en/2023/figures/index.html" not in err  # the figures page still masks it
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "would publish withheld content" in err


def test_a_name_withheld_in_one_language_and_clear_in_the_other(tmp_path):
    english = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8").replace(
        "[Ouyang Mingyuan]{.withheld}", "Ouyang Mingyuan")
    config = planted(tmp_path, english)
    code, _, err = run_cli("check", "--config", str(config))
    assert ("content/2023/01-exchanges.en.md:8: warning: paragraph 2 has 2 mask(s) here but 3 in its 'zh' "
            "original (01-exchanges.zh.md:8)") in err
    assert code == 0  # reported; --strict (for CI) refuses it
    assert run_cli("build", "--strict", "--config", str(config))[0] == 1


def test_mask_count_differences_are_warned(tmp_path):
    chinese = (WITHHELD / "content/2023/01-exchanges.zh.md").read_text(encoding="utf-8")
    english = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8").replace(
        "with [the US]{.withheld}", "with the country")
    assert "[美]{.withheld}" in chinese
    code, _, err = run_cli("check", "--strict", "--config", str(planted(tmp_path, english)))
    assert code == 1 and "paragraph 2 has 2 mask(s) here but 3" in err


@pytest.mark.parametrize("written, how", [
    ("<p>&#38182;&#27743;</p>", "after decoding HTML entities"),
    ('{"t":"\\u9526\\u6c5f"}', "after decoding JSON escapes"),
    ('<a href="?q=%E9%94%A6%E6%B1%9F">x</a>', "after decoding URL escapes"),
    ('{"y":{"bdata":"' + base64.b64encode(struct.pack("<2d", 1.0, 4729.0)).decode() + '","dtype":"f8"}}',
     "after decoding base64 data"),
    ("<!-- 4 729 -->", "as written"),
    ('<img alt="约0.4729万">', "as written"),
])
def test_the_leak_check_decodes_what_a_reader_could(written, how):
    secrets = Secrets()
    secrets.add_spans("与[锦江]{.withheld}市签署", Path("a.zh.md"))
    secrets.add_number(4729, Path("metrics.yml"), 7, ["项", "agreements"])
    name = "x.json" if written.startswith("{") else "x.html"
    [leak] = find_leaks({name: written.encode()}, secrets)
    assert leak.how == how


def test_the_leak_check_ignores_numbers_inside_other_numbers():
    secrets = Secrets()
    secrets.add_number(4729, Path("metrics.yml"), 7, ["项"])
    assert find_leaks({"a.html": b"<p>147290 and 4729.5 and 24,729 and 1.4729</p>"}, secrets) == []


def test_one_character_is_searched_in_context():
    secrets = Secrets()
    secrets.add_spans("深化对[美]{.withheld}地方交流", Path("a.zh.md"))
    assert find_leaks({"a.html": "美资企业，美好".encode()}, secrets) == []
    assert len(find_leaks({"a.html": "深化对美地方交流".encode()}, secrets)) == 1


@pytest.mark.parametrize("text, mask", [("北京", "**"), ("1234", "****"), ("1,234", "****"), ("New York", "********")])
def test_mask_for(text, mask):
    assert mask_for(text) == mask


def test_fixed_masks_hide_lengths(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(WITHHELD, project)
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "masks: fixed\n", encoding="utf-8")
    assert run_cli("build", "--config", str(config))[0] == 0
    site = project / "site"
    page = BeautifulSoup((site / "zh/2023/exchanges/index.html").read_text(encoding="utf-8"), "html.parser")
    masks = page.select(".prose .mask")
    assert {m.get_text() for m in masks} == {"***"} and {m["aria-label"] for m in masks} == {"已隐去内容"}
    figure = json.loads(page.find("script", type="application/json").string)
    assert not [t for t in figure["data"] if "base" in t]  # no magnitude drawn
    for text in all_text(site).values():
        assert "已隐去2字" not in text and "**万" not in text and "******" not in text


SAFE_CHARS = st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF)  # CJK Extension A: used nowhere else


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(SAFE_CHARS, min_size=1, max_size=6), min_size=1, max_size=4),
       numbers=st.lists(st.integers(min_value=10_000, max_value=10**9), min_size=1, max_size=3))
def test_random_withheld_values_never_reach_the_public_build(tmp_path_factory, names, numbers):
    root = tmp_path_factory.mktemp("random")
    metrics = "metrics:\n" + "".join(textwrap.dedent(f"""\
          - id: n{i}
            label: {{zh: 数{i}, en: figure {i}}}
            value: {n}
            public: false
            unit: {{zh: 个, en: items}}
            section: first
        """) for i, n in enumerate(numbers))
    zh = "、".join(f"[{name}]{{.withheld}}" for name in names) + "。" + \
        "".join(f"{{{{ n{i} }}}}个。" for i in range(len(numbers)))
    en = ", ".join(f"[{name}]{{.withheld}}" for name in names) + ". " + \
        " ".join(f"{{{{ n{i} }}}} items." for i in range(len(numbers)))
    config = write_project(root, {**MINIMAL, "content/2021/metrics.yml": metrics,
                                  "content/2021/01-first.zh.md": f"---\ntitle: 第一部分\n---\n\n{zh}\n",
                                  "content/2021/01-first.en.md": f"---\ntitle: Part one\n---\n\n{en}\n"})
    code, _, err = run_cli("build", "--config", str(config))
    site = root / "site"
    if code != 0:  # refusing to publish is also safe, as long as it is the leak check that refused
        assert "would publish withheld content" in err and not site.exists()
        return
    files = all_text(site)
    for text in files.values():
        for name in names:
            if len(name) >= 2:
                assert name not in text
        for number in numbers:
            assert str(number) not in text and f"{number:,}" not in text
