"""Markdown stage: fixture files of input and expected HTML, plus targeted cases."""

import re
from pathlib import Path

import pytest

from generator import markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
MD = markdown.create_parser()
ENV = {"mask_label": lambda n: f"{n} withheld"}


def render(text: str, env: dict | None = None) -> str:
    return markdown.render(MD, markdown.parse(MD, text), env or ENV)


@pytest.mark.parametrize("source", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture(source: Path):
    expected = source.with_suffix(".html").read_text(encoding="utf-8")
    assert render(source.read_text(encoding="utf-8")) == expected


def test_a_run_of_asterisks_is_one_mask_per_character():
    html = render("组织**个国家***名")
    assert html.count('class="mask"') == 2
    assert '<span class="mask" role="img" aria-label="2 withheld" data-pagefind-ignore>**</span>' in html
    assert '<span class="mask" role="img" aria-label="3 withheld" data-pagefind-ignore>***</span>' in html


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
    assert 'aria-label="已隐去2字"' in html


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
    found = re.findall(r'<span class="mask" role="img" aria-label="([^"]*)"[^>]*>([^<]*)</span>', html)
    assert [(content, label) for label, content in found] == masks


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
