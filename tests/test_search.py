"""Search in a real browser: Chinese and English terms find their section; masks and
withheld values are never results. Recall is measured, not assumed."""

import re
import shutil

import pytest

from conftest import REPO
from test_browser import browser, server  # noqa: F401  (fixtures)

jieba = pytest.importorskip("jieba")

SECTIONS = ["overview", "serving-national-diplomacy", "international-exchange-centre",
            "serving-high-quality-development", "exchanges-and-cooperation", "governance-and-services",
            "outlook"]


@pytest.fixture(scope="module")
def search(browser, server):  # noqa: F811
    page = browser.new_page()

    def run(lang: str, query: str) -> list[str]:
        page.goto(f"{server}{lang}/search/index.html?q=" + query)
        page.wait_for_selector("#search-status:not(:empty)", timeout=15000)
        return [a.get_attribute("href") for a in page.locator("#search-results a").all()]

    yield run
    page.close()


def title_terms(lang: str, slug: str) -> list[str]:
    text = (REPO / "content" / "2022" / f"{SECTIONS.index(slug):02d}-{slug}.{lang}.md").read_text(encoding="utf-8")
    title = re.search(r'^title: "(.*)"$', text, re.M).group(1)
    if lang == "zh":
        words = jieba.lcut(title)
    else:
        words = re.findall(r"[A-Za-z][A-Za-z'-]+", title)
    return sorted({w for w in words if len(w) >= 2 and re.search(r"\w", w)})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_heading_term_finds_its_section(search, lang):
    missed, total = [], 0
    for slug in SECTIONS:
        for term in title_terms(lang, slug):
            total += 1
            hrefs = search(lang, term)
            if not any(f"/2022/{slug}/" in href for href in hrefs):
                missed.append((slug, term))
    assert total > 20
    assert missed == [], f"{len(missed)} of {total} terms missed"


def test_winter_olympics_in_both_languages(search):
    # The words are first found in the heading of item (一), or in its paragraph: the link leads there.
    first_item = re.compile(r"/2022/serving-national-diplomacy/index.html#(p1|一全力服务保障|1-providing-full-services)")
    assert any("/zh/" in h and first_item.search(h) for h in search("zh", "冬奥"))
    assert any("/en/" in h and first_item.search(h) for h in search("en", "Winter Olympics"))


def test_results_link_to_the_paragraph(search):
    hrefs = search("zh", "领事保护")
    assert any(re.search(r"governance-and-services/index.html#p\d+$", h) for h in hrefs)


@pytest.mark.parametrize("query", ["**", "***", "已隐去"])
def test_masks_are_never_results(search, query):
    assert search("zh", query) == []


# Terms whose recall on Chinese was measured on this machine (shared/findings.md), Pagefind 1.4.0 against 1.5.2.
RECALL_TERMS = ["冬奥", "冬奥会", "一带一路", "国际组织", "疫情防控", "友城", "领事保护", "外籍人士", "营商环境",
                "签证", "智库", "香港", "民间外交", "APEC", "首都"]


def test_recall_of_chinese_terms(search, shipped_site):
    from bs4 import BeautifulSoup

    texts = {slug: BeautifulSoup((shipped_site / f"zh/2022/{slug}/index.html").read_text(encoding="utf-8"),
                                 "html.parser").select_one("article").get_text() for slug in SECTIONS}
    expected = found = 0
    missed = []
    for term in RECALL_TERMS:
        pages = {slug for slug, text in texts.items() if term in text}
        hits = {slug for slug in SECTIONS if any(f"/2022/{slug}/" in h for h in search("zh", term))}
        expected += len(pages)
        found += len(pages & hits)
        missed += [(term, slug) for slug in sorted(pages - hits)]
    print(f"recall: {found} of {expected} pages")
    assert expected >= 25
    assert missed == []


def test_languages_indexed_apart_give_the_bundle_of_one_run(shipped_site):
    # The build runs Pagefind once per language, side by side, and merges their entries: the
    # bundle must be the one a single run over every language gives.
    from generator.search import SEARCH_FOLDER, UNWANTED, _start, build_index

    pages = {lang: {p.relative_to(shipped_site).as_posix(): p.read_bytes()
                    for p in sorted((shipped_site / lang / "2022").glob("*/index.html")) if p.parent.name != "figures"}
             for lang in ("zh", "en")}
    apart = build_index(pages)
    folder, process = _start({path: data for lang_pages in pages.values() for path, data in lang_pages.items()})
    try:
        assert process.wait(timeout=120) == 0
        bundle = folder / SEARCH_FOLDER
        together = {f"{SEARCH_FOLDER}/{p.relative_to(bundle).as_posix()}": p.read_bytes() for p in bundle.rglob("*")
                    if p.is_file() and not p.relative_to(bundle).as_posix().startswith(UNWANTED)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert len(apart) > 20 and apart.keys() == together.keys()
    assert [name for name in together if apart[name] != together[name]] == []


def test_the_index_made_in_memory_equals_the_one_made_on_disk(shipped_site, monkeypatch, tmp_path):
    # Pagefind's private folder goes to the memory folder when it has room, else to the system's
    # temporary folder: the same bundle either way, and a memory folder too small is passed over.
    from generator import search

    pages = {lang: {p.relative_to(shipped_site).as_posix(): p.read_bytes()
                    for p in sorted((shipped_site / lang / "2022").glob("*/index.html")) if p.parent.name != "figures"}
             for lang in ("zh", "en")}
    made_in: list[str | None] = []
    real = search._start_in
    monkeypatch.setattr(search, "_start_in", lambda pages, parent, executable:
                        made_in.append(parent) or real(pages, parent, executable))
    monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path)
    in_memory = search.build_index(pages)
    monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path / "missing")
    on_disk = search.build_index(pages)
    assert made_in == [str(tmp_path), str(tmp_path), None, None]
    assert in_memory == on_disk and len(on_disk) > 20
    assert list(tmp_path.iterdir()) == []  # nothing left behind
    monkeypatch.setattr(search, "MEMORY_FOLDER", tmp_path)
    assert search._scratch_parent(1000) == str(tmp_path) and search._scratch_parent(1 << 62) is None  # no room: on disk


def test_pages_cut_to_what_pagefind_reads_give_the_same_index(shipped_site):
    # The build gives Pagefind each section page of the built-in theme without the navigation,
    # header and footer around its data-pagefind-body element: the index must be the one the whole
    # pages give (in the same order: Pagefind's files depend on the order it finds the pages in).
    from generator.search import build_index, indexed_part

    pages = {lang: {p.relative_to(shipped_site).as_posix(): p.read_bytes()
                    for p in sorted((shipped_site / lang / "2022").glob("*/index.html")) if p.parent.name != "figures"}
             for lang in ("zh", "en")}
    cut = {lang: {path: indexed_part(page) for path, page in lang_pages.items()} for lang, lang_pages in pages.items()}
    assert all(len(cut[lang][path]) < len(page) for lang, lang_pages in pages.items()
               for path, page in lang_pages.items())  # each cut: the theme's pages are understood
    whole = build_index(pages)
    assert len(whole) > 20 and build_index(cut) == whole


PAGE = ('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>{before}'
        '<article class="section" data-pagefind-body><h1>Title</h1><p>Text.</p>{inside}</article>{after}</body></html>')


@pytest.mark.parametrize("before, inside, after", [
    ('<header data-pagefind-meta="author">A</header>', "", ""),  # metadata outside the body element
    ("", "", '<footer data-pagefind-filter="year">2022</footer>'),
    ('<h1>The site</h1>', "", ""),  # a result's default title: the page's first <h1>
    ("", "", '<img src="logo.png" alt="">'),  # its default image: the first <img>
    ("", "<!-- </article> -->", ""),  # a tag in a comment
    ("", '<script type="application/json">"</article>"</script>', ""),  # a tag in a script's text
    ("", "", '<article data-pagefind-body>Another</article>'),  # two body elements
    ("", '<p title="<article>">x</p>', ""),
])
def test_a_page_whose_cut_could_change_the_index_is_given_whole(before, inside, after):
    from generator.search import indexed_part

    page = PAGE.format(before=before, inside=inside, after=after).encode()
    assert indexed_part(page) == page


def test_a_page_of_the_theme_is_cut_to_its_head_and_body_element():
    from generator.search import indexed_part

    page = PAGE.format(before='<nav><a href="../">Home</a></nav>', after="<footer>Office</footer>",
                       inside='<script type="application/json">{"x": 1}</script><article>nested</article>').encode()
    assert indexed_part(page) == ('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>'
                                  '<article class="section" data-pagefind-body><h1>Title</h1><p>Text.</p>'
                                  '<script type="application/json">{"x": 1}</script><article>nested</article>'
                                  '</article></body></html>\n').encode()


def test_a_project_with_its_own_page_templates_gives_pagefind_whole_pages(tmp_path):
    from conftest import REPO as repo
    from generator.build import build
    from generator.render import searchable_pages

    project = tmp_path / "project"
    shutil.copytree(repo / "tests/fixtures/three-years", project)
    theme = build(project / "site_config.yml", write=False, search=False, pdfs=False)
    cut = searchable_pages(theme.site, theme.files)
    footer = project / "templates/partials/footer.html"
    footer.parent.mkdir(parents=True)
    footer.write_text((repo / "templates/partials/footer.html").read_text(encoding="utf-8"), encoding="utf-8")
    own = build(project / "site_config.yml", write=False, search=False, pdfs=False)
    assert own.files == theme.files
    whole = searchable_pages(own.site, own.files)
    assert whole == {lang: {path: own.files[path] for path in pages} for lang, pages in whole.items()}
    assert all(len(cut[lang][path]) < len(page) for lang, pages in whole.items() for path, page in pages.items())
