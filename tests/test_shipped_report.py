"""End to end: the shipped 2022 report, built once, checked page by page."""

import copy
import re
from xml.etree import ElementTree
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from conftest import REPO, run_cli, run_vnu

OFFICIAL = REPO / "content" / "2022" / "official-text.zh.txt"
SHARED_OFFICIAL = REPO.parent / "shared" / "source" / "2022-work-summary.zh.txt"
SECTIONS = ["overview", "serving-national-diplomacy", "international-exchange-centre",
            "serving-high-quality-development", "exchanges-and-cooperation", "governance-and-services",
            "outlook"]
# Sections whose page titles are the site's own: the official text has no heading there.
EDITORIAL_TITLES = {"overview", "outlook"}
MASK = re.compile(r"\*+")
# A masked figure counted in 万 or 亿, as English writes it in full: *,**0,000, *,*00,000,000.
FIGURE_IN_FULL = re.compile(r"\*+[*0]*(?:,[*0]{3})+")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def shown(tag) -> str:
    """The text an element shows: a mask's words (.visually-hidden) are for screen readers only."""
    tag = copy.copy(tag)
    for hidden in tag.select(".visually-hidden"):
        hidden.decompose()
    return tag.get_text()


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def blocks(page: BeautifulSoup) -> list[tuple[str, str]]:
    """(tag, text) of each heading and paragraph of the text, in order."""
    return [(block.name, shown(block)) for block in page.select(".prose > h3, .prose > p")]


def official_lines(page: BeautifulSoup) -> list[str]:
    """The text as the official text lines it: an item's heading (its lead sentence) and the
    paragraph right after it are one line there."""
    lines: list[str] = []
    for block in page.select(".prose > h3, .prose > p"):
        previous = block.find_previous_sibling()
        if block.name == "p" and previous is not None and previous.name == "h3":
            lines[-1] += shown(block)
        else:
            lines.append(shown(block))
    return lines


def test_the_provenance_copy_is_the_official_text():
    if SHARED_OFFICIAL.is_file():
        assert OFFICIAL.read_bytes() == SHARED_OFFICIAL.read_bytes()


def test_chinese_pages_read_exactly_like_the_official_text(shipped_site):
    official = [line for line in OFFICIAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    published = [soup(shipped_site / "zh/2022/index.html").h1.get_text()]
    for slug in SECTIONS:
        page = soup(shipped_site / f"zh/2022/{slug}/index.html")
        if slug not in EDITORIAL_TITLES:
            published.append(shown(page.h1))
        published.extend(official_lines(page))
    assert published == official


def test_every_mask_is_marked_up_accessibly(shipped_site):
    count = 0
    for slug in SECTIONS:
        for lang, label in (("zh", "已隐去{}字"), ("en", "{} characters withheld")):
            for mask in soup(shipped_site / f"{lang}/2022/{slug}/index.html").select(".prose .mask"):
                # the asterisks, hidden from screen readers, which read the mask's words instead
                [asterisks] = mask.select('[aria-hidden="true"]')
                [words] = mask.select(".visually-hidden")
                text, said = asterisks.get_text(), words.get_text()
                n = text.count("*")
                assert not mask.has_attr("role") and not mask.has_attr("aria-label")
                if lang == "en" and FIGURE_IN_FULL.fullmatch(text):  # ***万 written in full: *,**0,000
                    assert said == f"{n} digits withheld, followed by {text[text.index('0'):]}"
                else:
                    assert text == "*" * n
                    assert said == (label.format(n) if n > 1 or lang == "zh" else "1 character withheld")
                count += 1
    assert count > 200


def test_english_is_complete_with_the_same_masks(shipped_site):
    for slug in SECTIONS:
        zh = blocks(soup(shipped_site / f"zh/2022/{slug}/index.html"))
        en = blocks(soup(shipped_site / f"en/2022/{slug}/index.html"))
        assert [tag for tag, _ in en] == [tag for tag, _ in zh], slug  # heading for heading, paragraph for paragraph
        for number, ((_, zh_text), (_, en_text)) in enumerate(zip(zh, en), start=1):
            en_masks = MASK.findall(FIGURE_IN_FULL.sub(lambda m: "*" * m[0].count("*"), en_text))
            assert sorted(en_masks) == sorted(MASK.findall(zh_text)), (slug, number)
            assert not re.search(r"[\u4e00-\u9fff]", en_text), (slug, number)
            assert len(en_text) > len(zh_text), (slug, number)  # no paragraph left short or empty


def test_paragraph_ids_pair_the_languages(shipped_site):
    for slug in SECTIONS:
        ids = [[p["id"] for p in soup(shipped_site / f"{lang}/2022/{slug}/index.html").select(".prose > p")]
               for lang in ("zh", "en")]
        assert ids[0] == ids[1] and ids[0] == [f"p{n}" for n in range(1, len(ids[0]) + 1)]


def test_pages_and_clean_urls(shipped_site):
    for lang in ("zh", "en"):
        assert (shipped_site / lang / "index.html").is_file()
        assert (shipped_site / lang / "2022" / "index.html").is_file()
        for slug in SECTIONS:
            assert (shipped_site / lang / "2022" / slug / "index.html").is_file()
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt"):
        assert (shipped_site / name).is_file()


def test_every_page_has_lang_title_and_description(shipped_site):
    for path in html_pages(shipped_site):
        page = soup(path)
        rel = path.relative_to(shipped_site).as_posix()
        expected_lang = "en" if rel.startswith("en/") else "zh-CN"
        assert page.html["lang"] == expected_lang, rel
        assert page.title and page.title.get_text().strip(), rel
        assert page.find("meta", attrs={"name": "description"})["content"].strip(), rel


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    return target, parts.fragment


def test_every_internal_link_resolves(shipped_site):
    checked = 0
    for path in html_pages(shipped_site):
        page = soup(path)
        for element in page.find_all(["a", "link", "script", "img"]):
            href = element.get("href") or element.get("src")
            if not href or (element.name == "a" and "external" in element.get("class", [])):
                continue
            assert not re.match(r"^(https?:)?//", href), f"{path}: {href} leaves the site"
            if path.name == "404.html" and href.startswith(("/", "data:")):  # from the root, or inline
                continue
            target, fragment = resolve(shipped_site, path, href)
            assert target.is_file(), f"{path.relative_to(shipped_site)}: {href}"
            assert shipped_site.resolve() in target.parents
            if fragment:
                assert soup(target).find(id=fragment), f"{path}: {href}"
            checked += 1
    assert checked > 300


def test_language_switch_goes_to_the_same_page(shipped_site):
    for path in html_pages(shipped_site):
        rel = path.relative_to(shipped_site).as_posix()
        if not rel.startswith(("zh/", "en/")):
            continue
        lang, other = ("zh", "en") if rel.startswith("zh/") else ("en", "zh")
        switch = soup(path).select_one(".language-switch a")
        target, _ = resolve(shipped_site, path, switch["href"])
        assert target.relative_to(shipped_site.resolve()).as_posix() == other + rel[2:]


def test_hreflang_alternates_are_reciprocal_with_x_default(shipped_site):
    for path in html_pages(shipped_site):
        rel = path.relative_to(shipped_site).as_posix()
        if not rel.startswith(("zh/", "en/")):
            continue
        links = {link["hreflang"]: resolve(shipped_site, path, link["href"])[0]
                 for link in soup(path).find_all("link", rel="alternate")}
        assert set(links) == {"zh-CN", "en", "x-default"}, rel
        assert links["x-default"] == links["zh-CN"]
        assert path.resolve() in links.values()
        for other in links.values():
            back = {resolve(shipped_site, other, link["href"])[0]
                    for link in soup(other).find_all("link", rel="alternate")}
            assert path.resolve() in back


def test_section_pages_have_breadcrumb_and_previous_next(shipped_site):
    first = soup(shipped_site / "en/2022/overview/index.html")
    middle = soup(shipped_site / "en/2022/serving-national-diplomacy/index.html")
    last = soup(shipped_site / "en/2022/outlook/index.html")
    assert [a.get_text() for a in middle.select(".breadcrumb a")] == [
        "Annual Work Reports of the Foreign Affairs Office",
        "Work Summary of the Foreign Affairs Office of the Municipal People's Government for 2022"]
    assert middle.select_one("a[rel=prev]")["href"] == "../overview/index.html"
    assert middle.select_one("a[rel=next]")["href"] == "../international-exchange-centre/index.html"
    assert first.select_one("a[rel=prev]") is None and last.select_one("a[rel=next]") is None


def test_report_page_lists_every_section(shipped_site):
    page = soup(shipped_site / "zh/2022/index.html")
    assert page.h1.get_text() == "市政府外办2022年工作总结"
    assert len(page.select(".toc li a")) == len(SECTIONS)


def test_no_page_needs_javascript_or_inline_script(shipped_site):
    for path in html_pages(shipped_site):
        page = soup(path)
        for script in page.find_all("script"):
            # the site's own script files, and chart data that browsers never execute
            if script.get("type") == "application/json":
                assert not script.get("src"), path
            else:
                assert script.get("src") and not script.string, path
        assert not any(attr.startswith("on") for tag in page.find_all(True) for attr in tag.attrs), path


def test_sitemap_lists_every_page_with_alternates(shipped_site):
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    sitemap = ElementTree.parse(shipped_site / "sitemap.xml").getroot()
    locs = {loc.text for loc in sitemap.findall("s:url/s:loc", namespaces)}
    assert "zh/2022/outlook/" in locs and "en/2022/outlook/" in locs
    # home, report, figures, the note on withheld content, the full report, each section and its bilingual view
    pages_per_language = 5 + 2 * len(SECTIONS)
    assert len(locs) == 2 * pages_per_language + 1
    assert len(sitemap.findall("s:url/x:link", namespaces)) == 2 * 2 * pages_per_language


def test_two_builds_are_byte_identical(tmp_path):
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert run_cli("build", "--config", str(REPO / "site_config.yml"), "--out", str(out))[0] == 0
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_every_page_is_valid_html(shipped_site):
    result = run_vnu(html_pages(shipped_site))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_shipped_report_builds_with_fixed_masks(tmp_path):
    """masks: fixed writes *.* (02 ¶4, a version number) as ***.***: one mask each side, no figure in 万."""
    import shutil
    shutil.copytree(REPO / "content", tmp_path / "content")
    config = tmp_path / "site_config.yml"
    config.write_text((REPO / "site_config.yml").read_text(encoding="utf-8") + "masks: fixed\n", encoding="utf-8")
    code, out, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    page = soup(tmp_path / "site/zh/2022/international-exchange-centre/index.html")
    assert "***.***版改革任务" in shown(page)


def test_fixed_masks_keep_the_wan_of_a_masked_figure(tmp_path):
    import shutil
    shutil.copytree(REPO / "content", tmp_path / "content")
    config = tmp_path / "site_config.yml"
    config.write_text((REPO / "site_config.yml").read_text(encoding="utf-8") + "masks: fixed\n", encoding="utf-8")
    assert run_cli("build", "--config", str(config))[0] == 0
    text = shown(soup(tmp_path / "site/zh/2022/governance-and-services/index.html"))
    assert "***万余人次" in text and "超***万人次" in text  # as the official text writes 万, each mask ***


def test_a_mask_in_an_item_heading_is_kept_in_translation(tmp_path):
    """An item's heading keeps its masks in translation, checked like a paragraph's (with the
    paragraph after it), the first item's too: here the Chinese masks a word of （一）'s lead and
    of the summary that quotes it; the English summary follows, its heading does not."""
    import shutil
    shutil.copytree(REPO / "content", tmp_path / "content")
    config = tmp_path / "site_config.yml"
    config.write_text((REPO / "site_config.yml").read_text(encoding="utf-8"), encoding="utf-8")
    zh, en = (tmp_path / f"content/2022/04-exchanges-and-cooperation.{lang}.md" for lang in ("zh", "en"))
    zh.write_text(zh.read_text(encoding="utf-8").replace("保持城市国际交往热度", "保持**国际交往热度"),
                  encoding="utf-8")
    en.write_text(en.read_text(encoding="utf-8").replace('summary: "Keeping up the momentum of the city',
                                                         'summary: "Keeping up the momentum of **'),
                  encoding="utf-8")
    assert "### （一）保持**国际交往热度。" in zh.read_text(encoding="utf-8")
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "paragraph 1 has 6 mask(s) here but 7 in its 'zh' original" in err, err
