"""Public and internal editions from one source; nothing withheld reaches a public build."""

import html
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import WITHHELD, run_cli, write_project, MINIMAL
from generator.withheld import mask_for

# What the fixture withholds, as the source writes it.
SECRET_TEXTS = ["锦江", "Jinjiang", "滨海", "Binhai", "欧阳明远", "Ouyang Mingyuan", "the US"]
SECRET_NUMBERS = {4729: ["4729", "4,729", "4 729", "0.4729万"], 583000: ["583000", "583,000", "583 000", "58.3万"]}


def visible_text(tag) -> str:
    """The text a page shows of an element: a mask's words are for screen readers only."""
    tag = BeautifulSoup(str(tag), "html.parser")
    for hidden in tag.select(".visually-hidden"):
        hidden.decompose()
    return tag.get_text()


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


@pytest.fixture
def public(withheld_public) -> Path:
    return withheld_public


@pytest.fixture
def internal(withheld_internal) -> Path:
    return withheld_internal


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
    assert [visible_text(p) for p in page.select(".prose > p")] == [
        "全年接待来访团组168个，与**市签署协议****项。",
        "展览吸引******余人次参观，负责人****出席，深化对*地方交流。",
    ]
    assert visible_text(page.h1) == "一、与**的交流"
    assert page.title.get_text().startswith("一、与**的交流")
    assert page.find("meta", attrs={"name": "description"})["content"] == "**与友城的交往。"
    # a mask's words (read instead of its asterisks) say no more than the mask shows
    assert [m.select_one(".visually-hidden").get_text() for m in page.select(".prose > p .mask")] == [
        "已隐去2字", "已隐去4字", "已隐去6字", "已隐去4字", "已隐去1字"]
    report = BeautifulSoup((public / "en/2023/index.html").read_text(encoding="utf-8"), "html.parser")
    assert visible_text(report.h1) == "Work Summary 2023 of the ****** Foreign Affairs Office"


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


def test_masks_of_the_text_lead_to_the_note_from_every_page_that_shows_it(public):
    # A text is rendered once for its own page, the full report and the side-by-side views: its
    # masks' links are set for each page, one in the tab order per text, the others for a pointer.
    pages = 0
    for path in sorted(public.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = [a for a in page.select(".mask a[href], a.mask[href]")]
        if path.parent.name == "withheld":
            assert links == [], path  # the note's own masks link nowhere
            continue
        for link in links:
            lang = path.relative_to(public).parts[0]  # the note in the page's language
            assert (path.parent / link["href"]).resolve() == (public / lang / "withheld/index.html").resolve(), path
        focusable = [a for a in links if a.get("tabindex") != "-1"]
        texts = len(page.select(".prose")) if path.name != "bilingual.html" else 2
        assert len(focusable) <= texts, path
        assert all(a.get("aria-hidden") == "true" for a in links if a not in focusable), path
        pages += bool(links)
    assert pages >= 4


def planted(tmp_path: Path, english: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(WITHHELD, project)
    (project / "content/2023/01-exchanges.en.md").write_text(english, encoding="utf-8")
    return project / "site_config.yml"


def planted_both(tmp_path: Path, chinese: str, english: str) -> tuple[Path, str, str]:
    """The fixture with paragraphs added to its section in both languages: the config, and the texts."""
    section = WITHHELD / "content/2023/01-exchanges.{}.md"
    chinese = Path(str(section).format("zh")).read_text(encoding="utf-8") + chinese
    english = Path(str(section).format("en")).read_text(encoding="utf-8") + english
    config = planted_chinese(tmp_path, chinese)
    (config.parent / "content/2023/01-exchanges.en.md").write_text(english, encoding="utf-8")
    return config, chinese, english


def planted_chinese(tmp_path: Path, chinese: str) -> Path:
    """The fixture with its Chinese section replaced (the English as it is)."""
    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    (config.parent / "content/2023/01-exchanges.zh.md").write_text(chinese, encoding="utf-8")
    return config


def test_a_planted_leak_fails_the_public_build_and_keeps_the_previous_site(tmp_path):
    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    assert run_cli("build", "--config", str(config))[0] == 0
    site = config.parent / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    # the masks still pair with the Chinese: only the leak check can see this
    leaky = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8").replace(
        "agreements were signed", "agreements (4,729 agreements) were signed")
    (config.parent / "content/2023/01-exchanges.en.md").write_text(leaky, encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1
    # One error, at the line of the source that writes it in clear, naming the files it would reach:
    # the section, its bilingual views, the full report, and the search index.
    [(line, count, reached)] = re.findall(
        r"^content/2023/01-exchanges\.en\.md:(\d+): error: the public edition would publish withheld content: "
        r"\"4,729 agreements\" \(as written\), withheld in metrics.yml:7; it would reach (\d+) public file\(s\): (.*)$",
        err, re.M)
    assert leaky.splitlines()[int(line) - 1].count("4,729 agreements") == 1 and count == "5", err
    assert reached == "en/2023/exchanges/bilingual.html, en/2023/exchanges/index.html, en/2023/full.html …", err
    assert "hint: write the figure as {{ its id }}, which shows it masked, or remove it" in err
    assert err.count(": error: ") == 1 and "figures/index.html" not in err  # the figures page still masks it
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "would publish withheld content" in err


def test_a_name_withheld_in_one_language_and_clear_in_the_other(tmp_path):
    english = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8").replace(
        "[Ouyang Mingyuan]{.withheld}", "Ouyang Mingyuan")
    config = planted(tmp_path, english)
    code, _, err = run_cli("build", "--config", str(config))
    assert ("content/2023/01-exchanges.en.md:8: error: paragraph 2 has 2 mask(s) here but 3 in its 'zh' "
            "original (01-exchanges.zh.md:8)") in err
    assert code == 1 and not (config.parent / "site").exists()  # refused without --strict
    # the internal edition, for review, shows it as a warning
    code, _, err = run_cli("build", "--edition", "internal", "--config", str(config))
    assert code == 0 and "warning: paragraph 2 has 2 mask(s) here but 3" in err


@pytest.mark.parametrize("field, before, after", [
    ("a section title", "title: \"I. Exchanges with [Jinjiang]{.withheld}\"", "title: \"I. Exchanges with Jinjiang\""),
    ("a section summary", "summary: \"Exchanges of [Binhai]{.withheld}", "summary: \"Exchanges of Binhai"),
    ("a chart title", "en: \"Agreements with [Jinjiang]{.withheld}\"", "en: \"Agreements with Jinjiang\""),
])
def test_every_field_withholds_in_both_languages(tmp_path, field, before, after):
    english = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8")
    assert before in english
    config = planted(tmp_path, english.replace(before, after))
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1, field
    assert re.search(r"^content/2023/01-exchanges\.en\.md:\d+: error: the (chart's )?(title|summary) has 0 mask\(s\) "
                     r"in 'en' but 1 in 'zh' \(content/2023/01-exchanges\.(zh|en)\.md:\d+\)$", err, re.M), err


def test_a_metric_label_withholds_in_both_languages(tmp_path):
    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    metrics = config.parent / "content/2023/metrics.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace(
        'en: "agreements with [Jinjiang]{.withheld}"', 'en: "agreements with Jinjiang"'), encoding="utf-8")
    code, _, err = run_cli("build", "--lang", "zh", "--config", str(config))
    assert code == 1
    assert "content/2023/metrics.yml:7: 错误: 数字“secret-agreements”的名称在“en”中有0处星号，但在“zh”中有1处" in err


def test_mask_count_differences_are_warned(tmp_path):
    chinese = (WITHHELD / "content/2023/01-exchanges.zh.md").read_text(encoding="utf-8")
    english = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8").replace(
        "with [the US]{.withheld}", "with the country")
    assert "[美]{.withheld}" in chinese
    code, _, err = run_cli("check", "--strict", "--config", str(planted(tmp_path, english)))
    assert code == 1 and "paragraph 2 has 2 mask(s) here but 3" in err


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
    assert {visible_text(m) for m in masks} == {"***"}
    assert {m.select_one(".visually-hidden").get_text() for m in masks} == {"已隐去内容"}
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
        # A mask of whole 万 reads "** × 10,000" in English: the scale, not the figure.
        text = re.sub(r"× 10,000(?![0-9,])", "× 万", text)
        # Digests (manifest.json, hashed file names) are no text: 48598 may stand in one by chance.
        text = re.sub(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{10,}\b", "", text)
        # A mask's range in the open data (range_low,range_high: 10000,99999) bounds a figure, and
        # may start with its value (10000 as *万): the pair, not the figure (the leak check reads
        # such pairs the same way).
        text = re.sub(r"\b10*,9+0*\b|\"range_low\": 10*,\s*\"range_high\": 9+0*\b", "", text)
        for name in names:
            if len(name) >= 2:
                assert name not in text
        for number in numbers:
            assert str(number) not in text and f"{number:,}" not in text


# --- the masking's second line: nothing marked withheld in a public file -----------------


def _bypass_masking(monkeypatch) -> None:
    """The first line disabled on purpose: the parser keeps withheld spans, YAML values stay as written."""
    from generator import markdown
    from generator.withheld import Withholding

    monkeypatch.setattr(Withholding, "parser", lambda self: markdown.create_parser())
    monkeypatch.setattr(Withholding, "_text", lambda self, text, *args: text)


def test_a_build_whose_masking_is_bypassed_fails_closed(tmp_path, monkeypatch):
    _bypass_masking(monkeypatch)
    out = tmp_path / "site"
    # --clean: the code patched is other code, whose builds share no cache (cache._stamp)
    code, _, err = run_cli("build", "--clean", "--config", str(WITHHELD / "site_config.yml"), "--out", str(out))
    assert code == 1 and not out.exists()
    marked = re.findall(r"^\S+?/site/(\S+?):\d+:\d+: error: the public edition would publish something marked "
                        r"withheld: '(.*)'$", err, re.M)
    pages = {name for name, _ in marked}
    assert {"zh/2023/exchanges/index.html", "en/2023/exchanges/index.html", "zh/2023/full.html",
            "zh/2023/index.html"} <= pages, err
    assert "hint: nothing was written; the file is made from content/2023/01-exchanges.en.md, " \
           "content/2023/01-exchanges.zh.md, site_config.yml" in err


def test_with_both_lines_bypassed_the_leak_check_still_refuses(tmp_path, monkeypatch):
    _bypass_masking(monkeypatch)
    monkeypatch.setattr("generator.build.find_marked", lambda files, kept=None, jobs=None: [])
    out = tmp_path / "site"
    # --clean: the code patched is other code, whose builds share no cache (cache._stamp)
    code, _, err = run_cli("build", "--clean", "--config", str(WITHHELD / "site_config.yml"), "--out", str(out))
    assert code == 1 and not out.exists()
    assert "would publish withheld content" in err and "锦江" in err


@pytest.mark.parametrize("body, message", [
    ('与<span class="withheld">锦江</span>市', "this looks like withheld text that is not marked right"),
    ("与[锦江]{.withheld市", "this looks like withheld text that is not marked right"),
    ("与\\[锦江]{.withheld}市", "this looks like withheld text that is not marked right"),
    ("与[锦江]{.witheld}市", "the class 'witheld' is not known: only withheld can be set"),
    ("签署[{{ secret-agreements }}]{.withheld}项", "a figure cannot be inside a withheld span"),
])
def test_what_cannot_be_withheld_safely_is_refused_with_its_line(tmp_path, body, message):
    chinese = (WITHHELD / "content/2023/01-exchanges.zh.md").read_text(encoding="utf-8")
    config = planted_chinese(tmp_path, chinese + f"\n第三段，\n{body}。\n")
    for edition in ("public", "internal"):
        code, _, err = run_cli("build", "--edition", edition, "--config", str(config))
        assert code == 1, (edition, err)
        line = chinese.count("\n") + 3  # the line of the body in the new paragraph
        assert f"content/2023/01-exchanges.zh.md:{line}: error: {message}" in err, err
        assert "[text]{.withheld}" in err or "public: false" in err


@pytest.mark.parametrize("spelling, shown", [
    ("[欧阳\n明远]{.withheld}", "****"),
    ("[欧阳明远]{#name .withheld}", "****"),
    ("[欧阳明远]{class=withheld}", "****"),
    ('[欧阳明远]{class="withheld"}', "****"),
    ("[欧阳[明]远]{.withheld}", "******"),
    ("[欧阳\\]明远]{.withheld}", "*****"),
    ("[[欧阳明远](https://example.org)]{.withheld}", "****"),
    ("[_欧阳明远_]{.withheld}", "****"),
    ("[欧阳[明远]{.withheld}]{.withheld}", "****"),
    ("`欧阳明远`{.withheld}", "****"),
])
def test_every_spelling_of_a_span_is_masked_in_public_and_shown_in_internal(tmp_path, spelling, shown):
    chinese = (WITHHELD / "content/2023/01-exchanges.zh.md").read_text(encoding="utf-8")
    config = planted_chinese(tmp_path, chinese.replace("[欧阳明远]{.withheld}", spelling))
    assert run_cli("build", "--config", str(config))[0] == 0
    page = BeautifulSoup((config.parent / "site/zh/2023/exchanges/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert visible_text(page.select(".prose > p")[1]) == f"展览吸引******余人次参观，负责人{shown}出席，深化对*地方交流。"
    for text in all_text(config.parent / "site").values():
        assert "欧阳" not in text and "明远" not in text
    assert run_cli("build", "--edition", "internal", "--config", str(config))[0] == 0
    internal = (config.parent / "site-internal/zh/2023/exchanges/index.html").read_text(encoding="utf-8")
    assert "欧阳" in internal and '<span class="withheld">' in internal


@pytest.mark.parametrize("summary", [
    'summary:\n  zh: "2023年与[锦\n    江]{.withheld}等城市的交流。"\n  en: "Exchanges with [Jinjiang]{.withheld} and other cities in 2023."',
    'summary:\n  zh: "2023年与[锦\\\n    江]{.withheld}等城市的交流。"\n  en: "Exchanges with [Jinjiang]{.withheld} and other cities in 2023."',
    'summary:\n  zh: "2023年与\\x5B锦江]\\x7B.withheld}等城市的交流。"\n  en: "Exchanges with \\u005BJinjiang]{.withheld} and other cities in 2023."',
    'summary:\n  zh: |\n    2023年与[锦江]{.withheld}等城市的交流。\n  en: >\n    Exchanges with [Jinjiang]{.withheld}\n    and other cities in 2023.',
])
def test_yaml_values_are_masked_as_the_yaml_parser_reads_them(tmp_path, summary):
    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    meta = config.parent / "content/2023/report.yml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(re.sub(r"^summary: .*$", lambda m: summary, text, flags=re.M), encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    for name, text in all_text(config.parent / "site").items():
        assert "锦江" not in text and "锦 江" not in text and "Jinjiang" not in text, name
    home = BeautifulSoup((config.parent / "site/zh/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "2023年与**等城市的交流。" in visible_text(home)
    assert run_cli("build", "--edition", "internal", "--config", str(config))[0] == 0
    assert "锦" in (config.parent / "site-internal/zh/index.html").read_text(encoding="utf-8")


def test_a_binary_yaml_value_is_refused(tmp_path):
    import base64 as b64

    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    meta = config.parent / "content/2023/report.yml"
    hidden = b64.b64encode("与[锦江]{.withheld}".encode()).decode()
    meta.write_text(re.sub(r"^summary: .*$", f"summary: {{zh: !!binary {hidden}, en: x}}",
                           meta.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1 and "content/2023/report.yml:4: error: binary values (!!binary) are not allowed" in err


@pytest.mark.parametrize("where, path", [("footer", "site_config.yml"), ("contact", "site_config.yml"),
                                         ("skip_link", "templates/translations.yml")])
def test_site_config_and_interface_strings_are_masked_too(tmp_path, where, path):
    config = planted(tmp_path, (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8"))
    file = config.parent / path
    file.parent.mkdir(exist_ok=True)
    with file.open("a", encoding="utf-8") as out:
        out.write(f'\n{where}: {{zh: "联系[欧阳明远]{{.withheld}}", en: "Ask [Ouyang Mingyuan]{{.withheld}}"}}\n')
    assert run_cli("build", "--config", str(config))[0] == 0
    for name, text in all_text(config.parent / "site").items():
        assert "欧阳明远" not in text and "Ouyang" not in text and ("{.withheld}" not in text), name
    assert "联系****" in (config.parent / "site/404.html").read_text(encoding="utf-8") or where == "contact"



def test_a_name_withheld_in_the_interface_strings_is_still_known_when_they_are_kept(tmp_path):
    """The dev server keeps the parsed interface strings between saves: what they withhold is still
    known to the leak check, which refuses a page that writes it in clear, save after save."""
    from generator.build import build
    from generator.cache import BuildCache

    english = (WITHHELD / "content/2023/01-exchanges.en.md").read_text(encoding="utf-8")
    config = planted(tmp_path, english + "\nA visit by Envoy Qiao Yunshan.\n")
    strings = config.parent / "templates/translations.yml"
    strings.parent.mkdir(exist_ok=True)
    strings.write_text('skip_link: {zh: "跳到正文", en: "Skip ([Envoy Qiao Yunshan]{.withheld})"}\n', encoding="utf-8")
    cache = BuildCache(mask_fill={})
    section = config.parent / "content/2023/01-exchanges.zh.md"
    for save in range(3):  # the first build, then saves of another file
        result = build(config, write=False, cache=cache, search=False, pdfs=False)
        assert any("content/2023/01-exchanges.en.md" in item.format() and "would publish" in item.format()
                   for item in result.diagnostics.errors), (save, result.diagnostics.errors)
        section.write_text(section.read_text(encoding="utf-8") + f"\n第{save}次保存。\n", encoding="utf-8")

def test_a_withheld_figure_is_still_known_when_its_report_is_kept(tmp_path):
    """The dev server keeps each report whose files did not change: its withheld figures are still
    known to the leak check, which refuses their values written in clear elsewhere, save after save."""
    from generator.build import build
    from generator.cache import BuildCache

    shutil.copytree(WITHHELD, tmp_path / "project", ignore=shutil.ignore_patterns(".nianbao-cache"))
    config = tmp_path / "project/site_config.yml"
    cache = BuildCache(mask_fill={})
    assert not build(config, write=False, cache=cache, search=False, pdfs=False).diagnostics.errors
    site_config = config.read_text(encoding="utf-8")
    for save in range(2):  # the report's files unchanged: kept, build after build
        config.write_text(site_config + f"footer: {{zh: 第{save}版，编号4729, en: Footer}}\n", encoding="utf-8")
        errors = [item.format() for item in build(config, write=False, cache=cache, search=False,
                                                  pdfs=False).diagnostics.errors]
        assert any("4729" in error and "fills in a mask" not in error for error in errors), (save, errors)


# The withheld check tries its regular expression only where a quick look says it could match
# (most "withheld" on a page are a mask's label): that look must never skip a real match.
MARKED_PIECES = st.sampled_from(["withheld", "WITHHELD", "class", "CLASS", "data-", "=", " ", "\u3000", "\n",
                                 '"', "'", "\\", "<", ">", "{", "}", ".", "mask", "span", "x", "#id", "aria-label",
                                 "2 characters "])


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKED_PIECES, max_size=30))
@example(["class", "=", '"', "withheld"])
@example(["class", "\u3000", "=", " ", "'", "mask", " ", "withheld"])
@example(["class", "=", "\\", '"', "withheld"])
@example(["{", ".", "withheld", "}"])
@example(["data-", "withheld"])
def test_withheld_check_finds_what_its_pattern_finds_anywhere(pieces):
    from generator.published import MARKED, _search
    view = "".join(pieces)
    # The pattern run on the whole text is the reference (too slow for a site, not for a line).
    assert (_search(view) is not None) == (MARKED.search(view) is not None), view


def test_a_pages_contents_shows_sub_items_as_read_never_their_source(tmp_path):
    """A section of numbered sub-items makes its contents from each lead sentence: read from the
    parsed text (a span a mask, a figure its value), never from the source, where the point of
    {.withheld} would end the sentence and publish what comes before it."""
    config, _, _ = planted_both(
        tmp_path,
        "\n（一）与[美]{.withheld}方交流。其他。\n\n（二）与[12]{.withheld}个国家交流。\n\n"
        "（三）接待团组{{ delegations }}个，签署协议{{ secret-agreements }}项。\n",
        "\n(1) Talks with the [US]{.withheld} side. Other.\n\n(2) Exchanges with [12]{.withheld} countries.\n\n"
        "(3) {{ delegations }} delegations, {{ secret-agreements }} agreements.\n")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    for lang, expected in (("zh", ["（一）与*方交流", "（二）与**个国家交流", "（三）接待团组168个，签署协议****项"]),
                           ("en", ["(1) Talks with the ** side", "(2) Exchanges with ** countries",
                                   "(3) 168 delegations, **** agreements"])):
        page = BeautifulSoup((config.parent / f"site/{lang}/2023/exchanges/index.html").read_text(encoding="utf-8"),
                             "html.parser")
        contents = [visible_text(link) for link in page.select(".page-toc a")
                    if link["href"].startswith("#p")]
        assert contents[-3:] == expected, contents
        assert not page.select("a[href^='#p'] [id^='fig-']")  # a figure's anchor only in the text
    for text in all_text(config.parent / "site").values():
        assert "[美]" not in text and "[US]" not in text and "{.with" not in text
    assert run_cli("build", "--edition", "internal", "--config", str(config))[0] == 0
    internal = (config.parent / "site-internal/en/2023/exchanges/index.html").read_text(encoding="utf-8")
    assert "(1) Talks with the US side" in internal and "4,729 agreements" in internal


@pytest.mark.parametrize("zh, en", [
    ("见[官网](https://example.cn/?q=[锦江]{.withheld})。", "See [site](https://example.cn/?q=[Jinjiang]{.withheld})."),
    ("见![图](map-[锦江]{.withheld}.png)。", "See ![map](map-[Jinjiang]{.withheld}.png)."),
    ('见[官网](https://example.cn/ "[锦江]{.withheld}")。', 'See [site](https://example.cn/ "[Jinjiang]{.withheld}").'),
])
def test_a_span_in_a_link_address_is_refused_not_published(tmp_path, zh, en):
    """An address is no text a span can mask: the span would be published URL-encoded."""
    config, _, _ = planted_both(tmp_path, f"\n{zh}\n", f"\n{en}\n")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1 and not (config.parent / "site").exists(), err
    assert re.search(r"01-exchanges\.zh\.md:\d+: error: withheld text cannot be in a link's or image's address", err)


def test_the_withheld_check_reads_addresses_decoded():
    from generator.published import find_marked

    page = b'<p><a href="https://example.cn/?q=%5BJinjiang%5D%7B.withheld%7D">site</a></p>'
    [marked] = find_marked({"en/2023/exchanges/index.html": page})
    assert "withheld" in marked.found


def test_every_place_that_writes_it_in_clear_is_named_once_at_its_line(tmp_path):
    """A withheld figure or name written in clear in several places (in several forms): each
    place one error at its own line; never the line that withholds it, nor the span itself."""
    config, chinese, english = planted_both(tmp_path, "\n与[滨海]{.withheld}签署4729项。\n\n另有四千七百二十九项，见滨海。\n",
                                            "\nWith [Binhai]{.withheld} and 4,729 agreements.\n\nWe also met Binhai.\n")
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1
    places = set(re.findall(r"^(content/2023/01-exchanges\.(?:zh|en)\.md):(\d+): error: the public edition would "
                            r"publish withheld content: \"([^\"]+)\"", err, re.M))
    lines = {lang: text.splitlines() for lang, text in (("zh", chinese), ("en", english))}
    expected = {("zh", "4729"), ("zh", "四千七百二十九"), ("zh", "滨海"), ("en", "4,729"), ("en", "binhai")}
    named = {(path.split(".")[-2], found.lower().split(" ")[0].rstrip("项")) for path, _, found in places}
    assert expected <= named, err
    for path, line, found in places:  # written there in clear, not only inside a span
        source = re.sub(r"\[[^\]]*\]\{\.withheld\}", "", lines[path.split(".")[-2]][int(line) - 1])
        assert found.lower().split(" ")[0].rstrip("项") in source.lower(), (path, line, source)
    assert "metrics.yml:" not in "".join(re.findall(r"^\S+: error", err, re.M))
