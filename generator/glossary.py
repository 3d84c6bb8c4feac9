"""The terminology check: each official term of the reports has one rendering in each language.

``content/glossary.yml`` lists the terms, in the site's first language, with the rendering each
other language uses (a text, or a list of its grammatical forms) and renderings to avoid::

    terms:
      - zh: 冬奥会
        en: Olympic Winter Games
        avoid: {en: [Winter Olympics]}
      - zh: 友好城市
        en: [sister city, sister cities]

``nianbao check`` then warns where a translated paragraph (or title, or summary) whose original
has the term lacks its rendering, naming the report's other renderings as "two ways" when some
paragraphs have it, and where such a paragraph uses a rendering to avoid (outside the preferred
rendering: "Belt and Road Initiative" may avoid "Belt and Road"); a paragraph with a rendering to
avoid gets that warning only. Paragraphs are paired by position, as the language switch pairs
them. Where a longer term of the glossary contains a shorter one (国际交往中心功能建设,
国际交往中心), the longer one is the term there. Renderings are found ignoring case, typographic
quotes and dashes, and line breaks.

Terms are found by one pass over each original block: the glossary is indexed by the terms' first
two characters, so tens of thousands of terms cost little more than a few.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .content import ReportSource, SectionSource
from .diagnostics import Diagnostics, listed
from .sources import GLOSSARY_FILE, read_text
from .yamlfile import YamlError, parse_yaml

AVOID = "avoid"
WHITESPACE = re.compile(r"\s+")
MASK_OR_SPACE = re.compile(r"[*＊\s]+")
# One kind of quote and dash; no invisible character (a soft hyphen or zero-width space shows nothing).
ONE_QUOTE_AND_DASH = str.maketrans({**dict.fromkeys("‘’‚‛′", "'"), **dict.fromkeys("“”„‟″", '"'),
                                    **dict.fromkeys("‐‑‒–—―", "-"),
                                    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None)})


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
    # the terms by their first two characters (a one-character term by its one): (term without
    # whitespace, rank in the glossary, term), longest first
    index: dict[str, list[tuple[str, int, Term]]] = field(default_factory=dict, compare=False, repr=False)


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
    for key, line, column in document.duplicate_keys:
        diagnostics.error(path, f"the key '{key}' appears twice in the glossary", line=line, column=column,
                          hint="keep one of them: the later one would silently win")
    original = languages[0]
    entries = document.data.get("terms") if isinstance(document.data, dict) else None
    if not isinstance(entries, list):
        diagnostics.error(path, "the glossary must have a list 'terms:'", line=1,
                          hint=f"write the glossary like this: terms: [{{{original}: …, {languages[-1]}: …}}]")
        return None
    terms, seen = [], {}
    for index, entry in enumerate(entries):
        line = document.line_of(("terms", index))[0]
        term = _term(entry, document, index, languages, path, diagnostics)
        if term is None:
            continue
        key = WHITESPACE.sub("", term.term)
        if key in seen:
            diagnostics.error(path, f"the term '{term.term}' is listed twice (first on line {seen[key]})",
                              line=line, hint="keep one entry per term, with every rendering in it")
            continue
        seen[key] = line
        terms.append(term)
    return Glossary(path, original, terms, _index(terms))


def _term(entry: object, document, index: int, languages: list[str], path: Path,
          diagnostics: Diagnostics) -> Term | None:
    original, others = languages[0], languages[1:]
    where = ("terms", index)
    line, column = document.line_of(where)
    if not isinstance(entry, dict):
        diagnostics.error(path, "each term is a set of 'language: text' lines", line=line, column=column,
                          hint=f"write it as - {original}: …  with {', '.join(others)}: … below it")
        return None
    misspelt = False  # a key reported as unknown: what it was meant to give is not reported missing too
    for key in entry:
        if key != AVOID and key not in languages:
            key_line, key_column = document.line_of(where + (key,))
            close = difflib.get_close_matches(str(key), [*languages, AVOID], n=1)
            diagnostics.error(path, f"'{key}' is neither a language of the site nor '{AVOID}'", line=key_line,
                              column=key_column, hint=f"did you mean '{close[0]}'?" if close else
                              f"the site's languages are {', '.join(languages)}")
            misspelt = True
    avoid_entry = entry.get(AVOID) or {}
    if not isinstance(avoid_entry, dict):
        diagnostics.error(path, f"'{AVOID}' lists the renderings to avoid, by language",
                          line=document.line_of(where + (AVOID,))[0], hint=f"{AVOID}: {{{others[0]}: [ … ]}}")
        return None
    for lang in avoid_entry:
        if lang not in others:
            key_line, key_column = document.line_of(where + (AVOID, lang))
            diagnostics.error(path, f"'{AVOID}' lists renderings by language: '{lang}' is no language a term is "
                              "rendered in", line=key_line, column=key_column,
                              hint=f"the site's languages are {', '.join(languages)}")
            misspelt = True
    term = _text(entry.get(original), document, where + (original,))
    if term is None or not term.strip():
        if not misspelt:
            diagnostics.error(path, f"the term has no '{original}' text", line=line, column=column,
                              hint=f"write the term as the texts do: {original}: …")
        return None
    term = term.strip()
    if not any(char.isalnum() for char in MASK_OR_SPACE.sub("", term)):  # masks or punctuation: found everywhere
        diagnostics.error(path, "a term is words of the text, not a mask",
                          line=document.line_of(where + (original,))[0],
                          hint=f"write the words the term is made of: {original}: …")
        return None
    renderings = {lang: _forms(entry[lang], document, where + (lang,), path, diagnostics)
                  for lang in others if lang in entry}
    avoid = {lang: _forms(forms, document, where + (AVOID, lang), path, diagnostics)
             for lang, forms in avoid_entry.items() if lang in others}
    fine = not misspelt and all(forms is not None for forms in (*renderings.values(), *avoid.values()))
    hint = f"add its rendering in {', '.join(others)}, e.g. {others[0]}: …"
    for lang, forms in renderings.items():
        if forms == ():  # en: []
            diagnostics.error(path, f"the term '{term}' has no rendering", line=document.line_of(where + (lang,))[0],
                              hint=hint)
            fine = False
    if not renderings and not avoid and not misspelt:
        diagnostics.error(path, f"the term '{term}' has no rendering", line=line, column=column, hint=hint)
        return None
    for lang, avoided in avoid.items():
        preferred = {normalise(form) for form in renderings.get(lang) or ()}
        for number, form in enumerate(avoided or ()):
            if normalise(form) in preferred:
                avoid_line, avoid_column = document.line_of(where + (AVOID, lang, number))
                diagnostics.error(path, f"'{form}' is both a rendering of '{term}' and one to avoid",
                                  line=avoid_line, column=avoid_column,
                                  hint=f"keep it under {lang} or under {AVOID}, not both")
                fine = False
    if not fine:
        return None
    return Term(term, renderings, {lang: forms for lang, forms in avoid.items() if forms}, line)


def _text(value: object, document, where: tuple) -> str | None:
    """A text, as typed: ``zh: 2022`` is the text 2022, not a number (YAML reads it as one)."""
    return value if isinstance(value, str) else document.typed.get(where)


def _forms(value: object, document, where: tuple, path: Path, diagnostics: Diagnostics) -> tuple[str, ...] | None:
    """A rendering: a text, or a list of its forms."""
    if isinstance(value, list):
        forms = [_text(item, document, where + (number,)) for number, item in enumerate(value)]
    else:
        forms = [_text(value, document, where)]
    if not all(form and form.strip() for form in forms):
        line, column = document.line_of(where)
        diagnostics.error(path, "a rendering is a text, or a list of texts", line=line, column=column,
                          hint="e.g. en: Olympic Winter Games, or en: [sister city, sister cities]")
        return None
    return tuple(form.strip() for form in forms)


def _index(terms: list[Term]) -> dict[str, list[tuple[str, int, Term]]]:
    index: dict[str, list[tuple[str, int, Term]]] = {}
    for rank, term in enumerate(terms):
        key = WHITESPACE.sub("", term.term)
        index.setdefault(key[:2], []).append((key, rank, term))
    for entries in index.values():
        entries.sort(key=lambda entry: (-len(entry[0]), entry[1]))
    return index


# --- check ------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """A paragraph (or title, or summary) of a translation, and the terms its original has; where
    the translation has another number of paragraphs than its original, its whole text."""

    path: Path
    line: int | None
    text: str  # normalised
    terms: list[Term]
    parts: tuple[tuple[int | None, str], ...]  # its paragraphs, each normalised, with its line


def check_terms(glossary: Glossary | None, reports: list[ReportSource], diagnostics: Diagnostics) -> None:
    """Warnings where a translation renders a term of the glossary otherwise, or as it should not."""
    if glossary is None or not glossary.terms:
        return
    for report in reports:
        blocks: dict[str, list[_Block]] = {}
        for slug in report.order:
            versions = report.sections[slug]
            original = versions.get(glossary.original)
            if original is None:
                continue
            for lang, text in versions.items():
                if lang != glossary.original:
                    blocks.setdefault(lang, []).extend(_paired(glossary, original, text))
        for lang, found in blocks.items():
            _check_blocks(glossary, lang, found, diagnostics)


def _paired(glossary: Glossary, original: SectionSource, translation: SectionSource) -> list[_Block]:
    """The translation's blocks, each with the terms of its original's block at the same place:
    the title, the summary, then the text's blocks (the whole text, where their numbers differ)."""
    pairs = [(original.front.title, [(translation.line_of("title"), translation.front.title)]),
             (original.front.summary or "", [(translation.line_of("summary"), translation.front.summary or "")])]
    ours, theirs = original.parsed.texts, translation.parsed.texts
    if len(ours) == len(theirs):
        pairs += [(a, [(line, b)]) for (_, a), (line, b) in zip(ours, theirs)]
    else:
        pairs.append((" ".join(t for _, t in ours), list(theirs)))
    blocks = []
    for source, targets in pairs:
        terms = terms_in(glossary, source)
        if terms:
            parts = tuple((line, normalise(text)) for line, text in targets)
            text = parts[0][1] if len(parts) == 1 else normalise(" ".join(text for _, text in targets))
            blocks.append(_Block(translation.path, targets[0][0] if targets else None, text, terms, parts))
    return blocks


def terms_in(glossary: Glossary, text: str) -> list[Term]:
    """The glossary's terms in ``text``, a term inside a longer one not counted (longest first)."""
    text = WHITESPACE.sub("", text)
    index = glossary.index
    found = []  # (-length, rank, start, term): each occurrence of a term, in the order to resolve them
    for start in range(len(text)):
        pair = text[start:start + 2]
        for key in (pair, pair[:1]) if len(pair) == 2 else (pair,):
            for word, rank, term in index.get(key, ()):
                if text.startswith(word, start):
                    found.append((-len(word), rank, start, term))
    found.sort(key=lambda occurrence: occurrence[:3])
    covered = bytearray(len(text))
    searched_to: dict[int, int] = {}  # rank → end of its last occurrence: the next is looked for after it
    counted: dict[int, Term] = {}
    for negative_length, rank, start, term in found:
        end = start - negative_length
        if start < searched_to.get(rank, 0):
            continue
        searched_to[rank] = end
        if not any(covered[start:end]):
            covered[start:end] = b"\1" * (end - start)
            counted.setdefault(rank, term)
    return list(counted.values())


def _check_blocks(glossary: Glossary, lang: str, blocks: list[_Block], diagnostics: Diagnostics) -> None:
    rendered: dict[str, int] = {}  # term → how many blocks have its rendering
    missing: dict[str, tuple[Term, list[_Block]]] = {}
    for block in blocks:
        for term in block.terms:
            avoided = _check_avoided(term, lang, block, diagnostics)
            forms = term.renderings.get(lang)
            if not forms:
                continue
            if any(_has(block.text, form) for form in forms):
                rendered[term.term] = rendered.get(term.term, 0) + 1
            elif not avoided:  # one mistake, one message: the rendering to avoid is named already
                missing.setdefault(term.term, (term, []))[1].append(block)
    for term, lacking in missing.values():
        forms = term.renderings[lang]
        places = [(block.path, block.line) for block in lacking]
        where = listed([f"{diagnostics.display_path(p)}:{l}" if l else diagnostics.display_path(p)
                        for p, l in places], 6)
        entry = f"{diagnostics.display_path(glossary.path)}:{term.line}"
        hint = f"render it as the glossary does ('{forms[0]}'), or change the glossary ({entry})"
        other = next((found for block in lacking if (found := _other_form(block.text, forms))), None)
        if other:
            hint += f"; to accept '{other}' too, list its forms: {lang}: [{', '.join((*forms, other))}]"
        count = rendered.get(term.term, 0)
        if count:
            message = (f"'{term.term}' is rendered two ways in {lang}: as '{forms[0]}' in {count} "
                       f"place(s), another way in {len(lacking)}: {where}")
        else:
            message = f"'{term.term}' is not rendered as '{forms[0]}' (the glossary's rendering) in {lang}: {where}"
        diagnostics.warning(places[0][0], message, line=places[0][1], hint=hint)


def _check_avoided(term: Term, lang: str, block: _Block, diagnostics: Diagnostics) -> bool:
    """Warn at each paragraph of ``block`` that uses a rendering of ``term`` to avoid; whether one does.
    Words of a preferred rendering of the block's terms are no rendering to avoid ("Belt and Road"
    in "Belt and Road Initiative")."""
    named = False
    for avoided in term.avoid.get(lang, ()):
        for line, text in block.parts:
            matches = [match.span() for match in _pattern(avoided).finditer(text)]
            if not matches:
                continue
            preferred = [match.span() for other in block.terms for form in other.renderings.get(lang, ())
                         for match in _pattern(form).finditer(text)]
            if all(any(start <= a and b <= end for start, end in preferred) for a, b in matches):
                continue
            named = True
            rendering = term.renderings.get(lang, ("",))[0]
            diagnostics.warning(block.path, f"'{avoided}' is a rendering to avoid for '{term.term}'", line=line,
                                hint=f"write '{rendering}', as the glossary says" if rendering else
                                "the glossary lists it under avoid")
    return named


def _other_form(text: str, forms: tuple[str, ...]) -> str | None:
    """The rendering in ``text`` (normalised) with its last word in the plural, or the singular,
    as the glossary would list it: 'sister cities' for 'sister city'."""
    for form in forms:
        written = " ".join(form.split())
        last = re.search(r"[A-Za-z]+$", written)
        if last is None:
            continue
        for word in _plural_or_singular(last.group()):
            other = written[:last.start()] + word
            if _has(text, other):
                return other
    return None


def _plural_or_singular(word: str) -> list[str]:
    """The other number of an English word, as it is most often spelt: city, cities; Game, Games."""
    lower = word.lower()
    if lower.endswith("ies"):
        return [word[:-3] + "y"]
    if lower.endswith("es"):
        return [word[:-2], word[:-1]]
    if lower.endswith("s"):
        return [word[:-1]]
    if lower.endswith("y"):
        return [word[:-1] + "ies", word + "s"]
    return [word + "s", word + "es"]


def normalise(text: str) -> str:
    """Text to find a rendering in: one case, one kind of quote, dash and space."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(ONE_QUOTE_AND_DASH)
    return WHITESPACE.sub(" ", text)


@lru_cache(maxsize=None)
def _pattern(form: str) -> re.Pattern[str]:
    """``form`` as words of a normalised text: 'Plan' is not in 'Planning'."""
    form = normalise(form)
    return re.compile((r"(?<!\w)" if form[:1].isalnum() else "") + re.escape(form)
                      + (r"(?!\w)" if form[-1:].isalnum() else ""))


def _has(text: str, form: str) -> bool:
    """Whether ``text`` (normalised) has ``form`` as words."""
    return _pattern(form).search(text) is not None
