"""The terminology check: each official term of the reports has one rendering in each language.

``content/glossary.yml`` lists the terms, in the site's first language, with the rendering each
other language uses (a text, or a list of its grammatical forms) and renderings to avoid::

    terms:
      - zh: 冬奥会
        en: Olympic Winter Games
        avoid: {en: [Winter Olympics]}

``nianbao check`` then warns where a translated paragraph (or title, or summary) whose original
has the term lacks its rendering, naming the report's other renderings as "two ways" when some
paragraphs have it, and where a rendering to avoid is used. Paragraphs are paired by position,
as the language switch pairs them. Where a longer term of the glossary contains a shorter one
(国际交往中心功能建设, 国际交往中心), the longer one is the term there. Renderings are found
ignoring case, typographic quotes and dashes, and line breaks.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .content import ReportSource
from .diagnostics import Diagnostics, listed
from .sources import GLOSSARY_FILE, read_text
from .yamlfile import YamlError, parse_yaml

AVOID = "avoid"


@dataclass(frozen=True)
class Term:
    term: str  # in the original language
    renderings: dict[str, tuple[str, ...]]  # language → its forms, the preferred first
    avoid: dict[str, tuple[str, ...]]
    line: int | None


@dataclass(frozen=True)
class Glossary:
    path: Path
    original: str  # the language of the terms: the site's first
    terms: list[Term]


# --- load -------------------------------------------------------------------


def load_glossary(content_dir: Path, languages: list[str], diagnostics: Diagnostics,
                  known: dict | None = None) -> Glossary | None:
    """The project's glossary, checked; None where there is none or it cannot be read."""
    path = content_dir / GLOSSARY_FILE
    if not path.is_file():
        return None
    text = read_text(path, diagnostics, content_dir, known)
    if text is None:
        return None
    try:
        document = parse_yaml(text)
    except YamlError as exc:
        for error in (exc, *exc.more):
            diagnostics.error(path, error.message, line=error.line, column=error.column, hint=error.hint)
        return None
    original = languages[0]
    example = f"terms:\n  - {original}: …\n    {languages[-1]}: …"
    entries = document.data.get("terms") if isinstance(document.data, dict) else None
    if not isinstance(entries, list):
        diagnostics.error(path, "the glossary must have a list 'terms:'", line=1,
                          hint=f"write the glossary like this: {example}")
        return None
    terms, seen = [], {}
    for index, entry in enumerate(entries):
        line = document.line_of(("terms", index))[0]
        term = _term(entry, document, index, languages, path, diagnostics)
        if term is None:
            continue
        if term.term in seen:
            diagnostics.error(path, f"the term '{term.term}' is listed twice (first on line {seen[term.term]})",
                              line=line, hint="keep one entry per term, with every rendering in it")
            continue
        seen[term.term] = line
        terms.append(term)
    return Glossary(path, original, terms)


def _term(entry: object, document, index: int, languages: list[str], path: Path,
          diagnostics: Diagnostics) -> Term | None:
    original, others = languages[0], languages[1:]
    line, column = document.line_of(("terms", index))
    if not isinstance(entry, dict):
        diagnostics.error(path, "each term is a set of 'language: text' lines", line=line, column=column,
                          hint=f"write it as - {original}: …  with {', '.join(others)}: … below it")
        return None
    fine = True
    for key in entry:
        if key != AVOID and key not in languages:
            key_line, key_column = document.line_of(("terms", index, key))
            close = difflib.get_close_matches(str(key), [*languages, AVOID], n=1)
            diagnostics.error(path, f"'{key}' is neither a language of the site nor '{AVOID}'", line=key_line,
                              column=key_column, hint=f"did you mean '{close[0]}'?" if close else
                              f"the site's languages are {', '.join(languages)}")
            fine = False
    term = entry.get(original)
    if not isinstance(term, str) or not term.strip():
        diagnostics.error(path, f"the term has no '{original}' text", line=line, column=column,
                          hint=f"write the term as the texts do: {original}: …")
        return None
    renderings = {lang: _forms(entry[lang], document, ("terms", index, lang), path, diagnostics)
                  for lang in others if lang in entry}
    avoid_entry = entry.get(AVOID) or {}
    if not isinstance(avoid_entry, dict):
        diagnostics.error(path, f"'{AVOID}' lists the renderings to avoid, by language",
                          line=document.line_of(("terms", index, AVOID))[0], hint=f"{AVOID}: {{{others[0]}: [ … ]}}")
        return None
    for lang in avoid_entry:
        if lang not in others:
            key_line, key_column = document.line_of(("terms", index, AVOID, lang))
            diagnostics.error(path, f"'{AVOID}' lists renderings by language: '{lang}' is no language a term is "
                              "rendered in", line=key_line, column=key_column,
                              hint=f"the site's languages are {', '.join(languages)}")
            fine = False
    avoid = {lang: _forms(forms, document, ("terms", index, AVOID, lang), path, diagnostics)
             for lang, forms in avoid_entry.items() if lang in others}
    if not renderings and not avoid:
        diagnostics.error(path, f"the term '{term}' has no rendering", line=line, column=column,
                          hint=f"add how {', '.join(others)} render it, e.g. {others[0]}: …")
        return None
    if not fine or any(forms is None for forms in (*renderings.values(), *avoid.values())):
        return None
    return Term(term.strip(), {lang: forms for lang, forms in renderings.items() if forms},
                {lang: forms for lang, forms in avoid.items() if forms}, line)


def _forms(value: object, document, where: tuple, path: Path, diagnostics: Diagnostics) -> tuple[str, ...] | None:
    """A rendering: a text, or a list of its forms."""
    forms = [value] if isinstance(value, str) else value
    if not isinstance(forms, list) or not all(isinstance(form, str) and form.strip() for form in forms):
        line, column = document.line_of(where)
        diagnostics.error(path, "a rendering is a text, or a list of texts", line=line, column=column,
                          hint="e.g. en: Olympic Winter Games, or en: [sister city, sister cities]")
        return None
    return tuple(form.strip() for form in forms)


# --- check ------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A paragraph (or title, or summary) of a translation, and the terms its original has."""

    path: Path
    line: int | None
    text: str  # normalised
    terms: list[Term]


def check_terms(glossary: Glossary | None, reports: list[ReportSource], diagnostics: Diagnostics) -> None:
    """Warnings where a translation renders a term of the glossary otherwise, or as it should not."""
    if glossary is None or not glossary.terms:
        return
    for report in reports:
        blocks: dict[str, list[_Block]] = {}
        for slug in report.order:
            versions = report.sections[slug]
            original = versions.get(glossary.original)
            for lang, text in versions.items():
                if lang == glossary.original:
                    continue
                if original is not None:
                    blocks.setdefault(lang, []).extend(_paired(glossary, original, text))
                _check_avoided(glossary, lang, text, diagnostics)
        for lang, found in blocks.items():
            _check_renderings(glossary, lang, found, diagnostics)


def _paired(glossary: Glossary, original, translation) -> list[_Block]:
    """The translation's blocks, each with the terms of its original's block at the same place:
    the title, the summary, then the text's blocks (the whole text, where their numbers differ)."""
    pairs = [(original.front.title, translation.front.title, front_matter_line(translation, "title")),
             (original.front.summary or "", translation.front.summary or "", front_matter_line(translation, "summary"))]
    ours, theirs = original.parsed.texts, translation.parsed.texts
    if len(ours) == len(theirs):
        pairs += [(a, b, line) for (_, a), (line, b) in zip(ours, theirs)]
    else:
        pairs.append((" ".join(t for _, t in ours), " ".join(t for _, t in theirs),
                      theirs[0][0] if theirs else None))
    blocks = []
    for source, target, line in pairs:
        terms = terms_in(glossary, source)
        if terms:
            blocks.append(_Block(translation.path, line, normalise(target), terms))
    return blocks


def front_matter_line(text, key: str) -> int:
    """The line of ``key:`` in a section file's front matter; else the front matter's first."""
    lines = text.file.source.text.splitlines()
    start = text.parsed.front_matter_line - 1
    return next((number + 1 for number in range(start, min(len(lines), start + 50))
                 if lines[number].startswith(f"{key}:")), text.parsed.front_matter_line)


def terms_in(glossary: Glossary, text: str) -> list[Term]:
    """The glossary's terms in ``text``, a term inside a longer one not counted."""
    text = re.sub(r"\s+", "", text)
    covered = [False] * len(text)
    found: list[Term] = []
    for term in sorted(glossary.terms, key=lambda t: -len(t.term)):
        start, hit = 0, False
        while (start := text.find(term.term, start)) >= 0:
            end = start + len(term.term)
            if not any(covered[start:end]):
                covered[start:end] = [True] * (end - start)
                hit = True
            start = end
        if hit:
            found.append(term)
    return found


def _check_renderings(glossary: Glossary, lang: str, blocks: list[_Block], diagnostics: Diagnostics) -> None:
    for term in glossary.terms:
        forms = term.renderings.get(lang)
        if not forms:
            continue
        with_term = [block for block in blocks if term in block.terms]
        missing = [block for block in with_term if not any(_has(block.text, form) for form in forms)]
        if not missing:
            continue
        rendered = len(with_term) - len(missing)
        places = [(block.path, block.line) for block in missing]
        where = listed([f"{diagnostics.display_path(p)}:{l}" if l else diagnostics.display_path(p)
                        for p, l in places], 6)
        hint = (f"render it as the glossary does ('{forms[0]}'), or change the glossary "
                f"({diagnostics.display_path(glossary.path)}:{term.line})")
        if rendered:
            message = (f"'{term.term}' is rendered two ways in {lang}: as '{forms[0]}' in {rendered} "
                       f"place(s), another way in {len(missing)}: {where}")
        else:
            message = f"'{term.term}' is not rendered as '{forms[0]}' (the glossary's rendering) in {lang}: {where}"
        diagnostics.warning(places[0][0], message, line=places[0][1], hint=hint)


def _check_avoided(glossary: Glossary, lang: str, text, diagnostics: Diagnostics) -> None:
    blocks = [(front_matter_line(text, "title"), text.front.title),
              (front_matter_line(text, "summary"), text.front.summary or ""), *text.parsed.texts]
    for term in glossary.terms:
        for avoided in term.avoid.get(lang, ()):
            for line, block in blocks:
                if _has(normalise(block), avoided):
                    preferred = term.renderings.get(lang, ("",))[0]
                    diagnostics.warning(text.path, f"'{avoided}' is a rendering to avoid for '{term.term}'", line=line,
                                        hint=f"write '{preferred}', as the glossary says" if preferred else
                                        "the glossary lists it under avoid")


def normalise(text: str) -> str:
    """Text to find a rendering in: one case, one kind of quote, dash and space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[‘’‚‛′]", "'", text)
    text = re.sub(r"[“”„‟″]", '"', text)
    text = re.sub(r"[‐‑‒–—―]", "-", text)
    return re.sub(r"\s+", " ", text)


def _has(text: str, form: str) -> bool:
    """Whether ``text`` (normalised) has ``form`` as words: 'Plan' is not in 'Planning'."""
    form = normalise(form)
    pattern = (r"(?<!\w)" if form[:1].isalnum() else "") + re.escape(form) + (r"(?!\w)" if form[-1:].isalnum() else "")
    return re.search(pattern, text) is not None
