"""Markdown stage: fixture files of input and expected HTML, plus targeted cases."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
MD = markdown.create_parser()
ENV = {"mask_label": lambda n: f"{n} withheld"}
NOTE = "../withheld/index.html"  # the note on withheld content, as a page of the text would link it


def render(text: str, env: dict | None = None) -> str:
    html = markdown.render(MD, markdown.parse(MD, text), dict(env or ENV))
    return markdown.place_mask_links(html, NOTE)


@pytest.mark.parametrize("source", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture(source: Path):
    expected = source.with_suffix(".html").read_text(encoding="utf-8")
    assert render(source.read_text(encoding="utf-8")) == expected


def masks_of(html: str) -> list[tuple[str, str]]:
    """Each mask as (its asterisks, hidden from assistive technology; its words, hidden from sight)."""
    found = []
    for mask in BeautifulSoup(html, "html.parser").select(".mask"):
        [asterisks] = mask.select('[aria-hidden="true"]')
        [words] = mask.select(".visually-hidden")
        assert mask.get_text() == asterisks.get_text() + words.get_text()  # nothing else
        found.append((asterisks.get_text(), words.get_text()))
    return found


def test_a_run_of_asterisks_is_one_mask_per_character():
    html = render("组织**个国家***名")
    assert masks_of(html) == [("**", "2 withheld"), ("***", "3 withheld")]
    assert "role=" not in html and "aria-label" not in html


def test_a_mask_is_indexed_by_its_asterisks_not_its_words():
    soup = BeautifulSoup(render("组织**个国家"), "html.parser")
    assert [e.get_text() for e in soup.select("[data-pagefind-ignore]")] == ["2 withheld"]


def test_the_first_mask_of_a_text_links_to_the_note_in_the_tab_order_the_others_for_a_pointer():
    soup = BeautifulSoup(render("组织**个国家***名\n\n另一段*字"), "html.parser")
    first, *others = soup.select(".mask")
    assert first.name == "a" and first["href"] == NOTE and not first.has_attr("tabindex")
    assert first.get_text() == "**2 withheld"  # the link is named by the mask's words
    assert len(others) == 2
    for mask in others:
        [link] = mask.select("a")
        assert (mask.name, link["href"], link["tabindex"], link["aria-hidden"]) == ("span", NOTE, "-1", "true")
        assert link.get_text() == mask.select_one('[aria-hidden="true"]').get_text()


def test_masks_link_nowhere_inside_a_link_in_a_line_or_without_a_note():
    def links(html):
        return [a.get("href") for a in BeautifulSoup(html, "html.parser").select("a")]

    assert links(render("见[第**号文件](02-x.zh.md)")) == ["02-x.zh.md"]
    assert links(markdown.render_inline(MD, "深化**务实合作", dict(ENV))) == []
    without_note = markdown.place_mask_links(markdown.render(MD, markdown.parse(MD, "深化**务实***合作"), dict(ENV)), "")
    assert links(without_note) == [] and "\x00" not in without_note
    assert masks_of(without_note) == [("**", "2 withheld"), ("***", "3 withheld")]
    assert without_note == markdown.place_mask_links(
        markdown.render_inline(MD, "深化**务实***合作", dict(ENV)), "").join(['<p id="p1">', "</p>\n"])


def test_asterisks_never_become_emphasis():
    html = render("**外事工作**")
    assert "<strong>" not in html and "<em>" not in html
    assert html.count('class="mask"') == 2


def test_underscores_are_emphasis():
    assert "<strong>重点</strong>" in render("中文强调：__重点__。")
    assert "<em>x</em>" in render("an _x_ here")


def test_escaped_asterisk_is_literal():
    html = render(r"5 \* 3 and \*\*")
    assert 'class="mask"' not in html
    assert "5 * 3 and **" in html


def test_mask_label_comes_from_the_caller():
    html = render("**", {"mask_label": lambda n: f"已隐去{n}字"})
    assert masks_of(html) == [("**", "已隐去2字")]


@pytest.mark.parametrize("text, masks", [
    ("more than *,**0,000 views", [("*,**0,000", "3 digits withheld, followed by 0,000")]),
    ("*,*00,000,000", [("*,*00,000,000", "2 digits withheld, followed by 00,000,000")]),
    ("**0,000", [("**0,000", "2 digits withheld, followed by 0,000")]),
    # masks beside punctuation or digits that make no figure stay masks of their own
    ("**, ** and **-Pacific", [("**", "2"), ("**", "2"), ("**", "2")]),
    ("**、**太区", [("**", "2"), ("**", "2")]),
    ("第**届，*,**", [("**", "2"), ("*", "1"), ("**", "2")]),
    ("** 000", [("**", "2")]),
    # no zeros at the end: a version number or a withheld decimal, not a figure in 万
    ("*.*版", [("*", "1"), ("*", "1")]),
    ("***.***", [("***", "3"), ("***", "3")]),
    ("*.***", [("*", "1"), ("***", "3")]),
])
def test_a_masked_figure_written_in_full_is_one_mask(text, masks):
    html = render(text, {"mask_label": lambda n, rest="": f"{n} digits withheld, followed by {rest}" if rest else f"{n}"})
    assert masks_of(html) == masks


def test_raw_html_is_text():
    html = render('<script>alert(1)</script>\n\n<img src=x onerror="y">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_script_links_are_not_links():
    html = render("[x](javascript:alert(1)) [y](vbscript:z)")
    assert "<a " not in html


def test_paragraph_ids_follow_position():
    html = render("一\n\n二\n\n- 三\n- 四\n\n五")
    for number in range(1, 6):
        assert f'id="p{number}"' in html


def test_heading_ids_keep_chinese_and_are_unique():
    parsed = markdown.parse(MD, "## 一、总体情况\n\n## 一、总体情况\n\n## Winter Olympics\n")
    assert [h.id for h in parsed.headings] == ["一总体情况", "一总体情况-1", "winter-olympics"]


def test_front_matter_is_split_off_with_its_line():
    parsed = markdown.parse(MD, "---\ntitle: x\n---\n\nbody\n")
    assert parsed.front_matter == "title: x"
    assert parsed.front_matter_line == 2
    assert "title" not in markdown.render(MD, parsed, ENV)


def test_links_are_collected_with_their_line():
    parsed = markdown.parse(MD, "one\n\n[a](01-x.zh.md) and [b](https://e.org)\n")
    assert parsed.links == [("01-x.zh.md", 3), ("https://e.org", 3)]


def test_plain_text_keeps_masks():
    assert markdown.plain_text(MD, "深化**务实 _合作_") == "深化**务实 合作"
