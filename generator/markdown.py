"""Markdown: the parser preset, our plugins and the render rules.

CommonMark with tables, front matter, heading anchors and footnotes, raw HTML
off. Two rules are our own:

* **masks**: a run of ``*`` is a mask, one withheld character per asterisk, as
  the official texts write it. It is matched before emphasis, so ``*`` never
  means emphasis (``_`` and ``__`` still do) and ``\\*`` is a literal asterisk.
* **withheld**: a span whose classes include ``withheld`` (``[锦江]{.withheld}``, in any
  spelling the attrs syntax accepts: across a line break, with an id, ``class=withheld``,
  markup or a link inside) is found on the parsed tokens. For the public edition the parser
  replaces it, whatever it holds, by a mask of one ``*`` per character before any token
  reaches the model; the internal edition keeps it, marked. What cannot be withheld safely
  (a figure inside a span, raw HTML that tries to withhold, an unknown class, the syntax left
  as text) is a problem reported with its line.
* **block ids**: every paragraph and list item gets an id by its position
  (``p1``, ``p2`` …). A translation has the same structure, so the same id names
  the same paragraph in each language, and the language switch keeps the
  reader's place.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.substitution import substitution_plugin

MASK_CHAR = "*"


@dataclass
class Heading:
    level: int
    id: str
    text: str


class _WithoutTokens:
    """Pickled without its tokens: the build cache on disk keeps what a parse found, not the
    tokens, which are many and slow to load (``content.with_tokens`` makes them again)."""

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, **{name: None for name in ("token", "tokens") if name in self.__dict__}}


@dataclass
class MetricReference(_WithoutTokens):
    id: str
    line: int | None
    token: Token | None


@dataclass
class ChartBlock(_WithoutTokens):
    source: str  # the YAML between the fences
    line: int  # 1-based line of the first YAML line
    token: Token | None
    spec: Any = None  # the checked ChartSpec, set by the validate stage


@dataclass(frozen=True)
class WithheldSpan:
    """A withheld span as the parser found it: its text as a reader would see it in clear,
    its line, and a little of the plain text around it (to search a short one in context)."""

    text: str
    line: int | None
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Problem:
    """Something in the text that cannot be published safely, found while parsing."""

    line: int | None
    message: str
    hint: str


@dataclass
class ParsedMarkdown(_WithoutTokens):
    front_matter: str | None
    front_matter_line: int  # 1-based line of the first front matter line
    tokens: list[Token] | None  # None when it comes from the cache on disk
    headings: list[Heading] = field(default_factory=list)
    links: list[tuple[str, int | None]] = field(default_factory=list)  # (href, line)
    metrics: list[MetricReference] = field(default_factory=list)
    charts: list[ChartBlock] = field(default_factory=list)
    images_without_alt: list[tuple[str, int | None]] = field(default_factory=list)
    # Each paragraph or list item in order (the blocks the p1, p2 … ids pair): its line, how many
    # masks and withheld spans it has, and the figures it quotes (which may be masked); a heading's
    # are counted with the block after it (an item's lead sentence and its text).
    mask_blocks: list[tuple[int | None, int, list[str]]] = field(default_factory=list)
    withheld: list[WithheldSpan] = field(default_factory=list)  # the withheld spans, in order
    problems: list[Problem] = field(default_factory=list)
    # Each block of text (paragraph, heading, table cell…): its line, and its text as a reader sees
    # it (masks as their asterisks, a figure as a slot FIGURE_IN_TEXT reads); the mask-fill check's.
    texts: list[tuple[int | None, str]] = field(default_factory=list)
    image_alts: list[tuple[str, int | None]] = field(default_factory=list)  # (alternative text and title, line)


def create_parser(withhold: bool = False, fixed_masks: bool = False) -> MarkdownIt:
    """The parser of every text of a site. ``withhold``: the public edition's, which masks
    withheld spans on the tokens (``fixed_masks``: each as ``***``)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "xhtmlOut": False})
    md.enable("table")
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(mask_plugin)
    # [text]{.withheld} marks withheld text (only the internal edition still has it);
    # classes are the only attributes an author may set.
    md.use(attrs_plugin, spans=True, allowed=("class",))
    md.use(withheld_plugin, withhold=withhold, fixed_masks=fixed_masks)
    md.use(substitution_plugin)  # {{ metric-id }}: a figure of metrics.yml
    md.add_render_rule("substitution_inline", _render_metric)
    md.add_render_rule("substitution_block", _render_metric)
    md.add_render_rule("fence", _render_fence)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug)
    md.core.ruler.push("block_ids", _block_ids_rule)
    md.add_render_rule("text", _render_text)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


def heading_slug(title: str) -> str:
    """Stable ids that keep Chinese characters: "一、总体 情况" → "一总体-情况"."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).strip().replace(" ", "-")
    return slug or "h"


def parse(md: MarkdownIt, text: str) -> ParsedMarkdown:
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    front_matter, front_line = None, 1
    if tokens and tokens[0].type == "front_matter":
        front_matter = tokens[0].content
        front_line = (tokens[0].map[0] if tokens[0].map else 0) + 2
        tokens = tokens[1:]
    parsed = ParsedMarkdown(front_matter, front_line, tokens)
    parsed.withheld = env.get(WITHHELD_FOUND, [])
    parsed.problems = env.get(PROBLEMS, [])
    _collect(parsed)
    return parsed


def render(md: MarkdownIt, parsed: ParsedMarkdown, env: dict[str, Any]) -> str:
    """HTML of the body. ``env`` carries from the caller: ``mask_label(n[, rest]) -> str``,
    ``resolve_link(href) -> str | None``, ``metric_html(id) -> str`` (the figure,
    masks marked up) and ``chart_html(token) -> str``. Its masks link to the note on withheld
    content through ``NOTE_SLOT``, which ``place_mask_links`` fills for the page it lands on."""
    env[MASK_LINKS] = True
    return md.renderer.render(parsed.tokens, md.options, env)


def render_blocks(md: MarkdownIt, parsed: ParsedMarkdown, env: dict[str, Any]) -> list[str]:
    """The body as its top-level blocks (a paragraph, a list, a table, a chart), each rendered alone
    (masks as ``render`` gives them)."""
    blocks: list[list[Token]] = []
    depth = 0
    for token in parsed.tokens:
        if depth == 0:
            blocks.append([])
        blocks[-1].append(token)
        depth += token.nesting
    env[MASK_LINKS] = True
    return [md.renderer.render(block, md.options, env) for block in blocks]


def block_fingerprints(parsed: ParsedMarkdown, text: str) -> list[str]:
    """A short hash of each top-level block's source, to tell which paragraphs changed."""
    lines = text.split("\n")
    prints = []
    for token in parsed.tokens:
        if token.level == 0 and token.nesting >= 0 and token.map and token.type != "front_matter":
            source = "\n".join(lines[token.map[0]:token.map[1]]).strip()
            prints.append(hashlib.sha256(source.encode("utf-8")).hexdigest()[:8])
    return prints


def render_inline(md: MarkdownIt, text: str, env: dict[str, Any]) -> str:
    """One line of Markdown (a title, a summary, a table cell) as inline HTML, masks included
    (without links to the note: such a line is often shown inside a link)."""
    return md.renderInline(text, env)


def plain_text(md: MarkdownIt, text: str) -> str:
    """The visible text of one line of Markdown, masks as their asterisks."""
    parts: list[str] = []
    for token in md.parseInline(text, {}):
        for child in token.children or []:
            if child.type in ("text", "code_inline", "mask"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts)


# --- masks ---------------------------------------------------------------


def mask_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "mask", _mask_rule)
    md.add_render_rule("mask", _render_mask)


# A masked figure written in full, as a language without 万 writes ***万: its masked digits, then
# the zeros, grouped (*,**0,000; *,*00,000,000): one mask, whose zeros are read out after it.
# It ends in a group of zeros (a 万 is four), so a mask like *.* or ***.*** is none.
MASKED_FIGURE_IN_FULL = re.compile(r"\*+[*0]*(?:[,.\u00a0\u202f'’][*0]{3})*[,.\u00a0\u202f'’]000(?![\w*])"
                                   r"|\*+0{4,}(?![\w*])")


def _mask_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != MASK_CHAR:
        return False
    end = state.pos
    while end < state.posMax and state.src[end] == MASK_CHAR:
        end += 1
    figure = MASKED_FIGURE_IN_FULL.match(state.src, state.pos, state.posMax)
    if figure:
        end = figure.end()
    if not silent:
        token = state.push("mask", "span", 0)
        token.content = state.src[state.pos:end]
        masked = token.content.count(MASK_CHAR)
        rest = token.content[token.content.index("0"):] if figure else ""
        token.meta = {"length": masked, "rest": rest}
    state.pos = end
    return True


def _render_mask(self: RendererHTML, tokens: list[Token], idx: int, options: Any,
                 env: dict[str, Any]) -> str:
    return _mask_html(tokens[idx], env, inside_link=env.get(INSIDE_LINK, False) or _inside_link(tokens, idx))


# One markup for a mask wherever it shows (a body, a title, a summary, a table, a search result):
# its asterisks, the visible text, hidden from assistive technology, and its words ("已隐去2字"),
# hidden from sight. A sentence is then one run of text for a screen reader, masks read as words
# (no image or other object inside it), and a reader who copies it copies the asterisks only
# (site.css keeps the words out of a selection). The index of the search leaves the words out
# (data-pagefind-ignore) and keeps the asterisks, so its excerpts show masks where they are.
#
# A body's masks lead to the note on withheld content, which says what every mask means:
# - the first mask of a text is a link in the tab order, named by its words, so a keyboard or
#   screen-reader user reaches the note where masks begin;
# - every other mask's asterisks are a link for a pointer or a finger (with a tooltip), kept out
#   of the tab order and of the accessibility tree: a paragraph of twenty masks adds no twenty
#   tab stops, nor twenty links that interrupt the sentence, for the same explanation each time.
# A mask inside a link (a title in the contents, a link of the text) and a line rendered alone
# (titles, summaries, table cells: often shown inside links) link nowhere; each page's footer
# links to the note as well.
NOTE_SLOT = "\x00note\x00"  # the note's address, which depends on the page: NUL never comes from a text
MASK_LINKS, MASK_LINKED, INSIDE_LINK = "nianbao_mask_links", "nianbao_mask_linked", "nianbao_inside_link"


def _mask_html(token: Token, env: dict[str, Any], inside_link: bool = False) -> str:
    label_for: Callable[..., str] = env.get("mask_label") or (lambda n, rest="": f"{n} characters withheld{rest}")
    rest = token.meta.get("rest", "")
    label = escapeHtml(label_for(token.meta["length"], rest) if rest else label_for(token.meta["length"]))
    asterisks = escapeHtml(token.content)
    words = f'<span class="visually-hidden" data-pagefind-ignore>{label}</span>'
    if not env.get(MASK_LINKS) or inside_link:
        return f'<span class="mask"><span aria-hidden="true">{asterisks}</span>{words}</span>'
    if not env.get(MASK_LINKED):
        env[MASK_LINKED] = True
        return f'<a class="mask" href="{NOTE_SLOT}"><span aria-hidden="true">{asterisks}</span>{words}</a>'
    return (f'<span class="mask"><a href="{NOTE_SLOT}" tabindex="-1" aria-hidden="true" title="{label}">'
            f'{asterisks}</a>{words}</span>')


FOCUSABLE_MASK = re.compile(f'<a class="mask" href="{NOTE_SLOT}">(.*?)</a>')
POINTER_MASK = re.compile(f'<a href="{NOTE_SLOT}" tabindex="-1" aria-hidden="true" title="[^"]*">([^<]*)</a>')


def place_mask_links(html: str, note_href: str) -> str:
    """A page with its masks' links to the note at ``note_href`` (relative to the page); with no
    note, the masks as they are where they link nowhere."""
    if NOTE_SLOT not in html:
        return html
    if note_href:
        return html.replace(NOTE_SLOT, escapeHtml(note_href))
    html = FOCUSABLE_MASK.sub(r'<span class="mask">\1</span>', html)
    return POINTER_MASK.sub(r'<span aria-hidden="true">\1</span>', html)


def _inside_link(tokens: list[Token], idx: int) -> bool:
    depth = 0
    for token in tokens[:idx]:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
    return depth > 0


# --- withheld spans ------------------------------------------------------

WITHHELD_CLASS = "withheld"
WITHHELD_FOUND, PROBLEMS, WITHHELD_RANGES = "nianbao_withheld", "nianbao_problems", "nianbao_withheld_ranges"
FIXED_MASK = "***"  # with `masks: fixed`, every mask, whatever it hides
# What an editor might write to withhold that the parser does not take as a span: the attribute
# syntax left as text (an unclosed or escaped span: {.withheld, {#x class="a withheld") or raw HTML
# (which is off, so shown as text). Not the word alone: "4 characters withheld" is an interface string.
ATTRIBUTES_WITHHELD = r"""\{[^{}\n]*?(?:\.|\bclass\s*=\s*["']?[^"'{}\n]*?\b)withheld(?![a-z])"""
ELEMENT_WITHHELD = r"""<\s*[a-z][^<>]*?(?:\bclass\s*=\s*["']?[^"'<>]*?\bwithheld(?![a-z])|\bdata-withheld)"""
LITERAL_WITHHELD = re.compile(f"{ATTRIBUTES_WITHHELD}|{ELEMENT_WITHHELD}", re.IGNORECASE)
SPAN_HINT = "write the withheld text as [text]{.withheld}, e.g. 与[锦江]{.withheld}市签署协议"


def classes_of(token: Token) -> list[str]:
    return str(token.attrGet("class") or "").split()


def is_withheld(token: Token) -> bool:
    return any(name.lower() == WITHHELD_CLASS for name in classes_of(token))


def mask_length(text: str) -> int:
    """The official convention: one ``*`` per character, per digit for a number; a line break or
    space between Chinese characters (hard-wrapped text, a folded YAML line) is no character,
    elsewhere one."""
    text = CJK_BREAK.sub("", text)
    text = re.sub(r"\s+", " ", text.strip())
    if re.fullmatch(r"[0-9][0-9,.\s]*", text):
        return sum(c.isdigit() for c in text)
    return len(text)


CJK_BREAK = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\uffef])\s+(?=[\u3000-\u303f\u3400-\u9fff\uf900-\uffef])")


def withheld_plugin(md: MarkdownIt, withhold: bool, fixed_masks: bool) -> None:
    """Finds withheld spans on the tokens (see the module's docstring) and, with ``withhold``, masks them."""
    span_rule = next(rule for rule in md.inline.ruler.__rules__ if rule.name == "span").fn

    def located_span(state: StateInline, silent: bool) -> bool:
        # Where a withheld span starts and ends in the text (a YAML value is masked by these).
        start, first = state.pos, len(state.tokens)
        if not span_rule(state, silent):
            return False
        if not silent and first < len(state.tokens):
            opening = next((t for t in state.tokens[first:] if t.type == "span_open"), None)
            if opening is not None and is_withheld(opening):
                state.env.setdefault(WITHHELD_RANGES, []).append((start, state.pos))
        return True

    md.inline.ruler.at("span", located_span)
    md.core.ruler.after("inline", "withheld", lambda state: _withheld_rule(state, withhold, fixed_masks))


def _withheld_rule(state: StateCore, withhold: bool, fixed_masks: bool) -> None:
    found: list[WithheldSpan] = state.env.setdefault(WITHHELD_FOUND, [])
    problems: list[Problem] = state.env.setdefault(PROBLEMS, [])
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        first_line = token.map[0] + 1 if token.map else None
        children, index, kept = token.children, 0, []
        # breaks[i]: the line breaks before children[i], so each child knows its line
        breaks = list(itertools.accumulate((c.type in ("softbreak", "hardbreak") for c in children), initial=0))
        while index < len(children):
            child = children[index]
            line = None if first_line is None else first_line + breaks[index]
            _check_token(child, line, problems)
            if not is_withheld(child) or child.nesting < 0:
                kept.append(child)
                index += 1
                continue
            end = _closing(children, index)
            inside = children[index + 1:end] if child.nesting == 1 else [child]
            text = _plain(inside)
            if any(c.type.startswith("substitution") for c in inside):
                problems.append(Problem(line, "a figure cannot be inside a withheld span",
                                        "withhold a figure with public: false in metrics.yml"))
            found.append(WithheldSpan(text, line, _plain(children[max(0, index - 3):index])[-8:],
                                      _plain(children[end + 1:end + 4])[:8]))
            if withhold:
                mask = Token("mask", "span", 0)
                mask.content = FIXED_MASK if fixed_masks else "*" * max(1, mask_length(text))
                mask.meta = {"length": len(mask.content)}
                kept.append(mask)
            else:  # the internal edition shows it, marked the one way the theme styles
                for part in children[index:end + 1]:
                    if is_withheld(part):
                        part.attrSet("class", WITHHELD_CLASS)
                kept.extend(children[index:end + 1])
            index = end + 1
        token.children = kept
        plain = _plain(kept)
        literal = LITERAL_WITHHELD.search(plain)
        if literal:
            line = None if first_line is None else first_line + plain.count("\n", 0, literal.start())
            problems.append(Problem(line, f"this looks like withheld text that is not marked right: "
                                          f"'{literal.group(0)}'", SPAN_HINT))


def _closing(children: list[Token], index: int) -> int:
    """The index of the token that closes ``children[index]`` (itself if it closes nothing)."""
    depth = 0
    for position in range(index, len(children)):
        depth += children[position].nesting
        if depth == 0:
            return position
    return len(children) - 1


def _plain(tokens: list[Token]) -> str:
    """What a reader sees of inline tokens: text, code, masks, an image's alternative text."""
    parts = []
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline", "mask", "image"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _check_token(token: Token, line: int | None, problems: list[Problem]) -> None:
    """An unknown class: a typo such as .witheld would publish the text it meant to withhold.
    (Only on what an editor can give classes with {…}: other plugins set classes of their own.)"""
    if token.type in ("link_open", "image"):
        # An address is no text a span can mask: [锦江]{.withheld} in it would be published, URL-encoded.
        for key in ("href", "src", "title"):
            value = unquote(str(token.attrGet(key) or ""))
            if LITERAL_WITHHELD.search(value):
                problems.append(Problem(line, f"withheld text cannot be in a link's or image's address: '{value}'",
                                        "leave the withheld part out of the address (a link cannot be masked), "
                                        "or withhold the whole link as [[text](address)]{.withheld}"))
    if token.type not in ("span_open", "link_open", "image", "code_inline"):
        return
    for name in classes_of(token):
        if name.lower() != WITHHELD_CLASS:
            problems.append(Problem(line, f"the class '{name}' is not known: only withheld can be set",
                                    "write [text]{.withheld} to withhold text, or remove {." + name + "}"))


def withheld_ranges(md: MarkdownIt, text: str) -> tuple[list[tuple[int, int, WithheldSpan]], list[Problem]]:
    """The withheld spans of one line of Markdown (a YAML value): where each starts and ends in
    ``text``, and what it holds; and the problems found. ``text`` must hold no carriage return or
    NUL (the parser would change its length)."""
    env: dict[str, Any] = {}
    md.parseInline(text, env)
    found, problems = env.get(WITHHELD_FOUND, []), env.get(PROBLEMS, [])
    ranges = _outermost(env.get(WITHHELD_RANGES, []))
    if len(ranges) != len(found):  # a link, image or code span marked withheld: no span to cut out
        return [], [*problems, Problem(None, "only a span can be withheld here", SPAN_HINT)]
    return [(start, end, span) for (start, end), span in zip(ranges, found)], problems


def _outermost(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    outer: list[tuple[int, int]] = []
    for start, end in sorted(ranges, key=lambda r: (r[0], -r[1])):
        if outer and start < outer[-1][1]:
            continue  # a span inside another
        outer.append((start, end))
    return outer


# --- block ids, headings, links ------------------------------------------


def _block_ids_rule(state: StateCore) -> None:
    number = 0
    for token in state.tokens:
        if (token.type == "paragraph_open" and not token.hidden) or token.type == "list_item_open":
            number += 1
            token.attrSet("id", f"p{number}")
        elif token.type in ("th_open", "td_open"):
            # Column alignment as a class: a strict Content-Security-Policy blocks style attributes.
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("class", "align-" + style.partition(":")[2])


# A sub-item of an official report: "（一）Lead sentence。…" or "(1) Lead sentence. …"
SUB_ITEM = re.compile(r"^\s*((?:（[一二三四五六七八九十]+）|\(\d+\))\s*[^。.]{2,200}?[。.])")


# A figure in a sub-item's lead, as the model fills it in with the figure as its page shows it.
FIGURE_IN_TEXT = re.compile("\x00fig:([^\x00]*)\x00")


def _lead_text(inline: Token) -> str:
    """A paragraph's text as a reader sees it: masks as their asterisks, figures as slots."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "mask"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "substitution_inline":
            parts.append(f"\x00fig:{child.content}\x00")
    return "".join(parts)


def _collect(parsed: ParsedMarkdown) -> None:
    tokens = parsed.tokens
    items: list[Heading] = []
    # A heading's masks and figures wait for the block after it, so that they are compared across
    # languages (with that block's), a heading before the first paragraph's too.
    heading: tuple[int | None, int, list[str]] | None = None
    for index, token in enumerate(tokens):
        if (token.type == "paragraph_open" and not token.hidden) or token.type == "list_item_open":
            _, count, quoted = heading or (None, 0, [])
            parsed.mask_blocks.append((token.map[0] + 1 if token.map else None, count, quoted))
            heading = None
        elif token.type == "heading_open":
            heading = heading or (token.map[0] + 1 if token.map else None, 0, [])
        elif token.type == "inline" and (heading or parsed.mask_blocks):
            line, count, quoted = heading or parsed.mask_blocks[-1]
            for child in token.children or []:
                if child.type == "mask" or (child.nesting >= 0 and is_withheld(child)):
                    count += 1
                elif child.type == "substitution_inline":
                    quoted = [*quoted, child.content]
            if heading:
                heading = (line, count, quoted)
            else:
                parsed.mask_blocks[-1] = (line, count, quoted)
        if token.type == "paragraph_open" and token.attrGet("id") and index + 1 < len(tokens):
            # Read from the parsed text, never the source: [锦江]{.withheld} is a mask here, and the
            # point of {.withheld} no sentence's end.
            lead = SUB_ITEM.match(_lead_text(tokens[index + 1]))
            if lead:
                items.append(Heading(2, str(token.attrGet("id")), lead.group(1).rstrip("。.")))
        if token.type == "heading_open" and token.attrGet("id"):
            parsed.headings.append(Heading(int(token.tag[1]), str(token.attrGet("id")), _lead_text(tokens[index + 1])))
        line = token.map[0] + 1 if token.map else None
        if token.type == "inline":
            parsed.texts.append((line, _lead_text(token)))
            for child in token.children or []:
                if child.type == "link_open":
                    parsed.links.append((str(child.attrGet("href") or ""), line))
                elif child.type == "image":
                    # As a reader gets them: the alternative text's entities and markup read, and the title.
                    alt = "".join(part.content for part in child.children or []
                                  if part.type in ("text", "code_inline", "mask"))
                    parsed.image_alts.append((f"{alt} {child.attrGet('title') or ''}".strip(), line))
                    if not child.content.strip():
                        parsed.images_without_alt.append((str(child.attrGet("src") or ""), line))
                elif child.type == "substitution_inline":
                    parsed.metrics.append(MetricReference(child.content, line, child))
        elif token.type == "substitution_block":
            parsed.metrics.append(MetricReference(token.content, line, token))
        elif token.type == "fence" and token.info.strip() == "chart":
            parsed.charts.append(ChartBlock(token.content, (token.map[0] if token.map else 0) + 2, token))
    if heading and (heading[1] or heading[2]):  # a last heading, with no paragraph after it
        parsed.mask_blocks.append(heading)
    if not parsed.headings and len(items) >= 2:
        # No headings: the numbered sub-items of a report section make its contents.
        parsed.headings = items


def _render_link_open(self: RendererHTML, tokens: list[Token], idx: int, options: Any,
                      env: dict[str, Any]) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    resolve = env.get("resolve_link")
    resolved = resolve(href) if resolve is not None else None
    external = re.match(r"(?i)^https?://", href)
    if resolved is None and not external:
        return self.renderToken(tokens, idx, options, env)
    # A copy: the parsed tokens are rendered again for other pages and kept for later builds.
    token = token.copy(attrs=dict(token.attrs))
    if resolved is not None:
        token.attrSet("href", resolved)
    if external:
        token.attrSet("rel", "noopener noreferrer")
        token.attrSet("class", "external")
    return self.renderToken([token, *tokens[idx + 1:idx + 2]], 0, options, env)  # it looks one token ahead


def _render_table_open(self: RendererHTML, tokens: list[Token], idx: int, options: Any,
                       env: dict[str, Any]) -> str:
    # Wide tables scroll inside their own box on a phone instead of the page.
    return '<div class="table-scroll" tabindex="0">\n' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self: RendererHTML, tokens: list[Token], idx: int, options: Any,
                        env: dict[str, Any]) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


# --- figures and charts --------------------------------------------------


def _render_metric(self: RendererHTML, tokens: list[Token], idx: int, options: Any,
                   env: dict[str, Any]) -> str:
    token = tokens[idx]
    html_of = env.get("metric_html")
    # The figure is rendered on its own: whether it stands inside a link of the text is said here.
    outer = env.get(INSIDE_LINK, False)
    env[INSIDE_LINK] = outer or _inside_link(tokens, idx)
    try:
        inner = html_of(token.content) if html_of else escapeHtml(token.content)
    finally:
        env[INSIDE_LINK] = outer
    seen: set[str] = env.setdefault("metrics_seen", set())
    # The first mention of a figure on a page is the place the figures page links to.
    anchor = "" if token.content in seen else f' id="fig-{escapeHtml(token.content)}"'
    seen.add(token.content)
    html = f'<span class="metric"{anchor} data-metric="{escapeHtml(token.content)}">{inner}</span>'
    return f"<p>{html}</p>\n" if token.type == "substitution_block" else html


def _render_fence(self: RendererHTML, tokens: list[Token], idx: int, options: Any,
                  env: dict[str, Any]) -> str:
    token = tokens[idx]
    if token.info.strip() == "chart" and "chart_html" in env:
        return env["chart_html"](token)
    return RendererHTML.fence(self, tokens, idx, options, env)


# --- words of the other language -------------------------------------------

LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'&.\-]*(?:[ ][A-Za-z][A-Za-z0-9'&.\-]*)*")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*")


def _render_text(self: RendererHTML, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    """Words in the other script carry their language (``<span lang="en">APEC</span>`` on a
    Chinese page), so that screen readers pronounce them and browsers hyphenate them right."""
    content = tokens[idx].content
    foreign: tuple[re.Pattern[str], str] | None = env.get("foreign_words")
    if not foreign:
        return escapeHtml(content)
    pattern, lang = foreign
    parts, last = [], 0
    for match in pattern.finditer(content):
        parts.append(escapeHtml(content[last:match.start()]))
        parts.append(f'<span lang="{lang}">{escapeHtml(match.group(0))}</span>')
        last = match.end()
    parts.append(escapeHtml(content[last:]))
    return "".join(parts)


def foreign_words(page_lang: str, languages: dict[str, str]) -> tuple[re.Pattern[str], str] | None:
    """What counts as the other language on a page: Latin words on a Chinese page, Chinese on others.
    ``languages`` maps site language codes to their HTML codes."""
    if page_lang == "zh":
        other = next((code for lang, code in languages.items() if lang != "zh"), None)
        return (LATIN_RUN, other) if other else None
    return (CJK_RUN, languages["zh"]) if "zh" in languages else None
