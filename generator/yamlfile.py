"""YAML with source positions, read as typed, and the slips editors make named as such.

PyYAML parses; we keep the line and column of every key and item, so that a
schema error deep in a file can still point at the line an editor must change.

Two things PyYAML does not do for an editor, done here:

- **Values as typed.** YAML 1.1 reads ``2022``, ``no``, ``1.10``, ``0012`` and ``2023-01-05``
  as a number, yes/no or a date; the document keeps the characters of each such plain value
  (``YamlDocument.typed``), so that a field that wants text takes them exactly as written
  (``schema.validate``). Keys are always the text written.
- **Slips named.** A full-width colon (``title："…"``), a full-width space for indentation or after
  a colon, a tab, a missing space after a colon (``value:12``), an unquoted ``*``, Chinese
  quotation marks, a comma or colon inside ``{ }``, a misaligned line: each gets its own message
  and hint at its line, instead of PyYAML's wording (which is English, and often names a
  consequence several lines further down) or a schema error about what the slip made of the file.

And two things PyYAML reads but nothing after it can take are refused at their line: an escape
``"\\ud800"`` that stands for no character (a lone UTF-16 surrogate: no page could be written in
UTF-8 with it), and values nested more than ``MAX_NESTING`` levels deep (PyYAML's composer and every tree
walk after it recurse: a few hundred ``[`` would end in a RecursionError).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

# A YAML file can expand aliases exponentially ("billion laughs"); positions are
# recorded for the first entries only, which is all an error message needs.
MAX_POSITIONS = 100_000
MAX_SLIPS = 20  # per file: more of the same teach nothing
# Lists and sets of key: value lines inside one another: an editor's file needs about 6 levels.
# The bound is checked before anything recursive walks the values (PyYAML's composer, the schema,
# the withholding of masked values), far below where Python's recursion limit would be met.
MAX_NESTING = 50

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"


@dataclass
class YamlDocument:
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, int, int]] = field(default_factory=list)
    # Plain values YAML read as something other than text (a number, yes/no, a date), by path:
    # their characters as typed.
    typed: dict[Path_, str] = field(default_factory=dict)
    # Slips in a file YAML could read, but not as the editor meant (title："…" is one text, not a
    # key and a value): parse_yaml raises them, instead of what the schema would say of the result.
    slips: list["YamlError"] = field(default_factory=list)

    def line_of(self, path: Path_) -> tuple[int | None, int | None]:
        """The 1-based line and column of the deepest known part of ``path``."""
        for end in range(len(path), 0, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return (None, None)


class YamlError(Exception):
    """A file YAML cannot read, or reads otherwise than its editor meant; ``more``: the file's
    other slips of the second kind (each line's first), to report together with it."""

    def __init__(self, message: str, line: int | None, column: int | None, hint: str,
                 more: list["YamlError"] | None = None):
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint
        self.more = more or []

    def __reduce__(self):
        return (YamlError, (self.message, self.line, self.column, self.hint, self.more))


def _timestamp(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
    """A date, with an impossible one (2023-02-30) reported at its line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a real date", node.start_mark) from None


def _text(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> str:
    return str(node.value)


def _integer(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> int | str:
    """A whole number; one of more digits than Python converts (4,300) stays text, which the
    schema refuses where a number is wanted."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        return str(node.value)


class _TypedKeys:
    """Keys as written: ``no:``, ``2022:`` and ``1.10:`` are the texts no, 2022 and 1.10."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        mapping = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and not key_node.style:
                key = str(key_node.value)
            else:
                key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
                try:
                    hash(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key",
                        key_node.start_mark) from None
            mapping[key] = self.construct_object(value_node, deep=deep)  # type: ignore[attr-defined]
        return mapping


class _Refused(yaml.MarkedYAMLError):
    """A text PyYAML's Python loader reads but nianbao refuses; ``explain`` tells the editor why."""

    def explain(self, source: "_Source") -> YamlError:
        raise NotImplementedError


class _TooDeep(_Refused):
    """A list or a set of key: value lines more than MAX_NESTING levels deep, starting at ``mark``."""

    def __init__(self, mark: yaml.Mark):
        super().__init__(problem=f"nested more than {MAX_NESTING} levels", problem_mark=mark)

    def explain(self, source: "_Source") -> YamlError:
        mark = self.problem_mark
        return source.error(f"invalid YAML: the values are nested too deeply (more than {MAX_NESTING} levels)",
                            mark.line, mark.column, NESTING_HINT)


class _BadEscape(_Refused):
    """A double-quoted text, from index ``start`` to ``end`` of the YAML, with an escape that stands
    for no character: a UTF-16 surrogate (\\ud800 to \\udfff) or a code beyond \\U0010FFFF."""

    def __init__(self, start: yaml.Mark, end: int):
        super().__init__(problem="found an escape of no character", problem_mark=start)
        self.start, self.end = start.index, end

    def explain(self, source: "_Source") -> YamlError:
        text = source.text
        escapes = list(ESCAPE.finditer(text, self.start, self.end))
        for number, escape in enumerate(escapes):
            code = _code(escape)
            if code is None or not (0xD800 <= code <= 0xDFFF or code > 0x10FFFF):
                continue
            line = text.count("\n", 0, escape.start())
            column = escape.start() - (text.rfind("\n", 0, escape.start()) + 1)
            after = escapes[number + 1] if number + 1 < len(escapes) else None
            low = _code(after) if after is not None and after.start() == escape.end() else None
            if 0xD800 <= code <= 0xDBFF and low is not None and 0xDC00 <= low <= 0xDFFF:
                character = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                return source.error(f"invalid YAML: '{text[escape.start():after.end()]}' inside double quotes is "
                                    "a UTF-16 surrogate pair, which YAML does not read as one character",
                                    line, column, f"write the character itself ({chr(character)}), or one escape "
                                                  f"for it: \\U{character:08X}")
            limit = "a lone surrogate" if code <= 0xDFFF else "the last one is \\U0010FFFF"
            return source.error(f"invalid YAML: '{escape.group()}' inside double quotes is not a valid Unicode "
                                f"character ({limit})", line, column, ESCAPE_HINT)
        mark = self.problem_mark  # not found again: cannot be, but say what is known
        return source.error("invalid YAML: an escape inside double quotes is not a valid Unicode character",
                            mark.line, mark.column, ESCAPE_HINT)


# An escape inside double quotes; \\ is one too, so that "\\ud800" (a backslash, then ud800) holds none.
ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.S)
SURROGATE = re.compile("[\ud800-\udfff]")
ESCAPE_HINT = ("write the character itself, or the escape of a real character, e.g. \\u4e2d for 中 "
               "or \\U0001F600 for 😀")
NESTING_HINT = ("a report's files need only a few levels (metrics: → - id: → label: → zh:): "
                "remove the extra [ ], { } or '- ' levels")


def _code(escape: re.Match) -> int | None:
    digits = escape.group(1) or escape.group(2)
    return int(digits, 16) if digits else None


class _Guarded:
    """PyYAML's Python scanner and composer, refusing what nothing after them could take: an
    escape of no character (libyaml refuses it too, and the Python loader reads every file libyaml
    refuses), and nesting deeper than MAX_NESTING, before the composer's recursion meets Python's
    limit. libyaml's own composer is checked after it (``_too_deep``): it stops at 1,000 levels."""

    _nesting = 0

    def scan_flow_scalar(self, style: str) -> yaml.ScalarToken:
        start = self.get_mark()  # type: ignore[attr-defined]
        try:
            token = super().scan_flow_scalar(style)  # type: ignore[misc]
        except ValueError:  # chr() of an escape beyond \U0010FFFF
            raise _BadEscape(start, self.get_mark().index + 8) from None  # type: ignore[attr-defined]
        if style == '"' and SURROGATE.search(token.value):
            raise _BadEscape(start, token.end_mark.index)
        return token

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)  # type: ignore[misc]
        if self._nesting >= MAX_NESTING:
            raise _TooDeep(event.start_mark)
        self._nesting += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._nesting -= 1


def _too_deep(node: yaml.CollectionNode) -> yaml.Node | None:
    """The first list or set of key: value lines, in the file's order, nested more than
    MAX_NESTING levels deep in ``node``: level by level, without recursion."""
    level, depth = [node], 1
    while level:
        if depth > MAX_NESTING:  # the first at this depth: any deeper one lies inside one of them
            return min(level, key=lambda deep: deep.start_mark.index)
        inner = []
        for outer in level:
            for child in (part for pair in outer.value for part in pair) if isinstance(outer, yaml.MappingNode) \
                    else outer.value:
                if isinstance(child, yaml.CollectionNode):
                    inner.append(child)
        level, depth = inner, depth + 1
    return None


class _Loader(_Guarded, _TypedKeys, yaml.SafeLoader):
    """PyYAML's safe loader, in Python: the clearest messages."""


# libyaml's parser, when PyYAML was built with it (its wheels are): the same documents, faster.
_FastLoader = type("_FastLoader", (_Guarded, _TypedKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)), {})
for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    _loader.add_constructor("tag:yaml.org,2002:int", _integer)
    # `=` and `<<` alone: texts, not YAML 1.1's "value" and "merge" types.
    _loader.add_constructor("tag:yaml.org,2002:value", _text)
    _loader.add_constructor("tag:yaml.org,2002:merge", _text)


def _refuse_aliases(text: str, line_offset: int) -> None:
    """Anchors and aliases (&a, *a) let a few lines expand to billions of values ("billion
    laughs"); an editor's file has no use for them, so they are refused before anything is built."""
    if "&" not in text and "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise YamlError("invalid YAML: anchors and aliases (&name, *name) are not allowed",
                                mark.line + 1 + line_offset, mark.column + 1,
                                "write each value out; quote a value that starts with * or &, e.g. mask: \"***\"")
    except yaml.YAMLError:
        return  # a syntax error: parsing reports it with its line


def parse_yaml(text: str, line_offset: int = 0) -> YamlDocument:
    """Parse one YAML document; ``line_offset`` shifts lines (front matter). Raises YamlError
    for a text YAML cannot read, and for one it reads otherwise than an editor meant (a slip).

    libyaml parses; a document it refuses is parsed again by PyYAML's own parser, whose
    problem, context and positions ``_explain`` turns into an editor's message."""
    _refuse_aliases(text, line_offset)
    try:
        return _parse(_FastLoader, text, line_offset)
    except YamlError:
        return _parse(_Loader, text, line_offset)


def _parse(loader_class: type, text: str, line_offset: int) -> YamlDocument:
    loader = None
    try:
        loader = loader_class(text)  # reading already refuses control characters
        node = loader.get_single_node()
        if isinstance(node, yaml.CollectionNode):
            deep = _too_deep(node)
            if deep is not None:
                raise _TooDeep(deep.start_mark)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise exc.explain(_Source(text, line_offset)) from None
    except yaml.MarkedYAMLError as exc:
        if loader_class is _FastLoader:
            raise YamlError("", None, None, "") from None  # parsed again, for PyYAML's own account
        raise _explain(exc, _Source(text, line_offset)) from None
    except yaml.reader.ReaderError as exc:
        line = exc.position and text.count("\n", 0, exc.position) + 1 + line_offset
        if exc.character == 0 and text.count("\0") * 3 >= len(text):
            raise YamlError("the file is in UTF-16, not UTF-8", None, None, UTF16_HINT) from None
        raise YamlError(f"invalid YAML: the character #x{exc.character:04x} is not allowed", line, None,
                        "remove the invisible control character (copied from another program?)") from None
    except yaml.YAMLError:  # errors without a position
        raise YamlError("invalid YAML: the file cannot be read from here on", None, None, GENERIC_HINT) from None
    finally:
        if loader is not None:
            loader.dispose()
    document = YamlDocument(data)
    if node is not None:
        _record_positions(node, (), document, _Source(text, line_offset))
    if document.slips:
        first, *more = sorted(document.slips, key=lambda slip: (slip.line or 0, slip.column or 0))
        raise YamlError(first.message, first.line, first.column, first.hint, more)
    return document


def _record_positions(node: yaml.Node, path: Path_, doc: YamlDocument, source: "_Source") -> None:
    offset = source.offset
    stack = [(node, path, "root")]
    while stack and len(doc.positions) < MAX_POSITIONS:
        node, path, role = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for index, (key_node, value_node) in enumerate(node.value):
                key = str(key_node.value)
                position = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
                if key in seen:
                    doc.duplicate_keys.append((key, *position))
                seen.add(key)
                doc.positions[path + (key,)] = position
                if node.flow_style and _without_value(key_node, value_node, source):
                    _add_slip(doc, _flow_entry_slip(node, index, source))
                else:
                    _check_scalar(key_node, "key", doc, source)
                stack.append((value_node, path + (key,), "value"))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                doc.positions[path + (index,)] = (item.start_mark.line + 1 + offset,
                                                  item.start_mark.column + 1)
                stack.append((item, path + (index,), "item"))
        elif isinstance(node, yaml.ScalarNode) and not node.style:
            if node.tag not in (STR_TAG, NULL_TAG):
                doc.typed[path] = str(node.value)
            else:
                _check_scalar(node, role, doc, source)


def _add_slip(doc: YamlDocument, slip: YamlError | None) -> None:
    if slip is not None and len(doc.slips) < MAX_SLIPS and not any(s.line == slip.line for s in doc.slips):
        doc.slips.append(slip)


# --- slips ------------------------------------------------------------------------------------

KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
SPACES = "[ \t\u3000]*"
# A line meant as "key: value", as it reads when a slip made it one text.
IDEOGRAPHIC_INDENT = re.compile(rf" *\u3000[ \u3000]*(?:- |{KEY}{SPACES}[:：])")
FULLWIDTH_COLON = re.compile(rf"(?P<key>{KEY}){SPACES}：{SPACES}(?P<rest>.*)")
IDEOGRAPHIC_AFTER_COLON = re.compile(rf"(?P<key>{KEY}):[\u3000]+(?P<rest>.*)")
NO_SPACE = re.compile(rf"(?P<key>{KEY}):(?P<rest>[^\s/:\u3000].*)")
LINE_LEADING = re.compile(r"^ *(?:[-?] +)*$")  # what may stand before a key on its line
CHINESE_QUOTES = {"“": "”", "‘": "’", "＂": "＂"}

FULLWIDTH_COLON_HINT = "replace the full-width ： with : followed by a space: {example}"
UTF16_HINT = "save it as UTF-8 (in most editors: Save As → Encoding → UTF-8; in Windows Notepad, \"Unicode\" means UTF-16)"
GENERIC_HINT = "check the quoting and indentation around this line"


class _Source:
    """A YAML text with what positions in it need: its lines and the front matter's line offset."""

    def __init__(self, text: str, offset: int):
        self.text, self.offset = text, offset
        self.lines = text.split("\n")
        self.tokens: list[yaml.ScalarToken] = []  # the plain texts read before an error

    def line(self, number: int) -> str:
        """Line ``number`` (0-based), without its line break."""
        return self.lines[number] if 0 <= number < len(self.lines) else ""

    def error(self, message: str, line: int, column: int, hint: str = "") -> YamlError:
        """An error at the 0-based ``line`` and ``column``."""
        return YamlError(message, line + 1 + self.offset, column + 1, hint)


def _quoted(value: str) -> str:
    """``value`` as a quoted YAML text: double quotes, or single ones where it has double quotes."""
    value = value.strip()
    if '"' in value or "\\" in value:
        return "'" + value.replace("'", "''") + "'"
    return f'"{value}"'


def _line_slip(source: _Source, line: int, column: int) -> YamlError | None:
    """The slip on ``line`` where a key is expected at ``column`` (0-based), if it has one."""
    text = source.line(line)
    rest = text[column:]
    if IDEOGRAPHIC_INDENT.match(text):
        first = text.index("\u3000")
        return source.error("invalid YAML: the line is indented with full-width spaces", line, first,
                            "indent with ordinary (half-width) spaces only: type them with the input "
                            "method in English mode")
    match = FULLWIDTH_COLON.match(rest)
    if match:
        example = f"{match['key']}: {match['rest']}".rstrip()
        return source.error(f"invalid YAML: the full-width colon ： after '{match['key']}' does not end a key",
                            line, column + rest.index("："),
                            FULLWIDTH_COLON_HINT.format(example=example))
    match = IDEOGRAPHIC_AFTER_COLON.match(rest)
    if match:
        return source.error(f"invalid YAML: a full-width space follows the colon after '{match['key']}'",
                            line, column + len(match["key"]) + 1,
                            f"replace the full-width space with an ordinary (half-width) space: "
                            f"{match['key']}: {match['rest'].strip()}")
    match = NO_SPACE.match(rest)
    if match:
        return source.error(f"invalid YAML: no space after the colon in '{rest.strip()}'",
                            line, column + len(match["key"]),
                            f"write a space after the colon that ends a key: {match['key']}: {match['rest'].strip()}")
    return None


def _span_slip(source: _Source, start: yaml.Mark, end: yaml.Mark) -> YamlError | None:
    """A slip in the plain text from ``start`` to ``end``: on its first line where that line
    holds nothing before it but indentation (a key's place), and on each line it continues on
    (in an editor's file, a continued line is nearly always a key that a slip above swallowed)."""
    for line in range(start.line, end.line + 1):
        if line == start.line:
            column = start.column
            if not LINE_LEADING.match(source.line(line)[:column]):
                continue
        else:
            text = source.line(line)
            column = len(text) - len(text.lstrip(" "))
        slip = _line_slip(source, line, column)
        if slip is not None:
            return slip
    return None


def _check_scalar(node: yaml.ScalarNode, role: str, doc: YamlDocument, source: _Source) -> None:
    """The slips a plain text that YAML could read may hide (a key's, a value's, an item's)."""
    if node.style:
        return
    value = str(node.value)
    if value[:1] in CHINESE_QUOTES and len(value) > 1 and value.endswith(CHINESE_QUOTES[value[0]]) \
            and role in ("value", "item"):
        _add_slip(doc, _chinese_quotes(node, source))
        return
    if ":" in value or "：" in value or "\u3000" in value or node.start_mark.line != node.end_mark.line:
        _add_slip(doc, _span_slip(source, node.start_mark, node.end_mark))


def _chinese_quotes(node: yaml.ScalarNode, source: _Source) -> YamlError:
    """A value in “…”: valid YAML, but the editor meant quotes, which the page would show."""
    value = str(node.value)
    before = source.line(node.start_mark.line)[:node.start_mark.column]
    key = re.search(rf"({KEY})\s*:\s*$", before)
    name = f"{key.group(1)}: " if key else ""
    straight = f"quote a value with straight quotes: {name}{_quoted(value[1:-1])}"
    if key and key.group(1) in NOT_TEXT_KEYS:  # a figure, a mask, an id: quotation marks cannot be part of it
        hint = f"write it without quotation marks: {name}{value[1:-1]}" if key.group(1) in ("value", "year") \
            else straight
        return source.error(f"invalid YAML: Chinese quotation marks {value[0]}…{value[-1]} do not quote a value "
                            "in YAML", node.start_mark.line, node.start_mark.column, hint)
    return source.error(f"invalid YAML: Chinese quotation marks {value[0]}…{value[-1]} do not quote a value in YAML",
                        node.start_mark.line, node.start_mark.column,
                        f"{straight} (to show the Chinese quotation marks, put them inside: {name}{_quoted(value)})")


# Keys whose value is a number, a mask, an id or a setting: never text a reader sees in quotation marks.
NOT_TEXT_KEYS = {"value", "mask", "year", "date", "id", "section", "type", "metrics", "across_years", "qualifier",
                 "public", "masks", "search", "languages", "output", "content", "templates", "base_url"}


def _without_value(key_node: yaml.Node, value_node: yaml.Node, source: _Source) -> bool:
    """An entry of { } written without a colon: a key only (``{zh: a, b}``: the b)."""
    if not (isinstance(key_node, yaml.ScalarNode) and not key_node.style
            and isinstance(value_node, yaml.ScalarNode) and value_node.tag == NULL_TAG and value_node.value == ""):
        return False
    after = source.text[key_node.end_mark.index:].lstrip(" \t\n")
    return not after.startswith(":")


def _flow_entry_slip(node: yaml.MappingNode, index: int, source: _Source) -> YamlError:
    key_node = node.value[index][0]
    key = str(key_node.value)
    line, column = key_node.start_mark.line, key_node.start_mark.column
    slip = _line_slip(_Source(key, source.offset), 0, 0)
    if slip is not None:  # {zh：年报} or {zh:年报}: the slip's own message, at its place in the file
        return YamlError(slip.message, line + 1 + source.offset, column + (slip.column or 1), slip.hint)
    previous = node.value[index - 1] if index else None
    if previous is None or not isinstance(previous[1], yaml.ScalarNode) or re.fullmatch(r"[a-z]{2,3}", key):
        return source.error(f"invalid YAML: '{key}' inside {{ }} has no value", line, column,
                            f"write '{key}: …', with a colon and a space")
    previous_key = str(previous[0].value)
    text = source.text[previous[1].start_mark.index:key_node.end_mark.index]
    return source.error(f"invalid YAML: a comma inside {{ }} ends the text before '{key}', "
                        "which is then read as a key without a value", line, column,
                        f"put a text that contains a comma in straight quotes: {previous_key}: {_quoted(text)}")


def _plain_tokens(text: str) -> list[yaml.ScalarToken]:
    """The plain texts PyYAML's scanner read before it failed."""
    scanner = _Loader(text)
    tokens: list[yaml.Token] = []
    try:
        while scanner.check_token():
            tokens.append(scanner.get_token())
    except yaml.YAMLError:
        tokens.extend(scanner.tokens)
    finally:
        scanner.dispose()
    return [t for t in tokens if isinstance(t, yaml.ScalarToken) and t.plain]


# --- PyYAML's problems, explained -------------------------------------------------------------


def _explain(exc: yaml.MarkedYAMLError, source: _Source) -> YamlError:
    """What an editor is told for PyYAML's ``exc``: the slip that caused it where one is found
    before it, else PyYAML's problem in the editor's words (never its own, which are English)."""
    mark = exc.problem_mark or exc.context_mark
    stop = mark.index if mark else len(source.text)
    source.tokens = [t for t in _plain_tokens(source.text) if t.start_mark.index <= stop]
    for token in source.tokens:
        slip = _span_slip(source, token.start_mark, token.end_mark)
        if slip is not None:
            return slip
    problem, context = exc.problem or "", exc.context or ""
    pm, cm = exc.problem_mark, exc.context_mark
    for explain in (_tab, _star, _quote_not_closed, _escape, _missing_colon, _mapping_value,
                    _flow_not_closed, _flow_colon, _block_end, _sequence_entry, _other):
        found = explain(problem, context, pm, cm, source)
        if found is not None:
            return found
    raise AssertionError("unreachable: _other always explains")


def _tab(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
         source: _Source) -> YamlError | None:
    if pm is None or "'\\t'" not in problem:
        return None
    text = source.line(pm.line)
    if not text[:pm.column].strip(" \t"):
        return source.error("invalid YAML: the line is indented with a tab", pm.line, pm.column,
                            "indent with spaces, not tabs")
    return source.error("invalid YAML: a tab cannot stand here", pm.line, pm.column, "use spaces instead of tabs")


VALUE_START = {"alias": "*", "anchor": "&", "tag": "!", "block scalar": "|", "directive": "%"}


def _star(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
          source: _Source) -> YamlError | None:
    """A value starting with a character YAML reserves: *, &, !, @, `, %, | or >."""
    where = None
    char = None
    for name, sign in VALUE_START.items():
        if context in (f"while scanning an {name}", f"while scanning a {name}", f"while parsing a {name}") and cm:
            where, char = cm, source.line(cm.line)[cm.column:cm.column + 1] or sign
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found and pm is not None:
        where, char = pm, found.group(1)
    tag = re.match(r"could not determine a constructor for the tag '(!.*)'", problem)
    if tag and pm is not None:
        where, char = pm, "!"
    if where is None or char is None:
        return None
    text = source.line(where.line)
    key = re.match(rf"\s*(?:- +)?({KEY})\s*:\s", text)
    value = text[where.column:].split(" #")[0]
    example = f"{key.group(1)}: {_quoted(value)}" if key else _quoted(value)
    if char == "*":
        hint = f"YAML reads a * at the start of a value as a reference to another value: put the value in quotes, e.g. {example}"
    else:
        hint = f"put the value in straight quotes, e.g. {example}"
    return source.error(f"invalid YAML: a value that starts with {char} must be in quotes", where.line, where.column, hint)


def _quote_not_closed(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
                      source: _Source) -> YamlError | None:
    if "quoted scalar" not in context or cm is None or "escape" in problem:
        return None
    quote = source.line(cm.line)[cm.column:cm.column + 1] or '"'
    return source.error(f"invalid YAML: the quotation mark {quote} is not closed", cm.line, cm.column,
                        f"end the text with the same quotation mark on the same line, e.g. title: {quote}…{quote}")


def _escape(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
            source: _Source) -> YamlError | None:
    if "escape" not in problem or pm is None:
        return None
    start = source.line(pm.line).rfind("\\", 0, pm.column + 1)
    column = start if start >= 0 else pm.column
    found = source.line(pm.line)[column:column + 2]
    return source.error(f"invalid YAML: '{found}' inside double quotes is not a valid escape",
                        pm.line, column,
                        "inside \"…\" a backslash starts an escape: write \\\\ for a backslash, or put the text in single quotes '…'")


def _missing_colon(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
                   source: _Source) -> YamlError | None:
    if problem != "could not find expected ':'" or cm is None:
        return None
    return source.error("invalid YAML: this line has no ':' between a key and its value", cm.line, cm.column,
                        "write 'key: value', with a colon and a space after the key (e.g. year: 2022)")


def _mapping_value(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
                   source: _Source) -> YamlError | None:
    """``mapping values are not allowed here``: a ': ' inside a value, or a key line that the
    value above swallowed (indented too far, or under a key without its colon)."""
    if problem != "mapping values are not allowed here" or pm is None:
        return None
    text = source.line(pm.line)
    before = text[:pm.column]
    if re.fullmatch(rf" *(?:- +)?{KEY} *", before):
        # The text this key line was read into: where a key stands, its line lacks a colon;
        # after a key's colon, the line is indented as if it went on with that value.
        swallowed = [t for t in source.tokens if t.start_mark.line < pm.line <= t.end_mark.line]
        start = swallowed[-1].start_mark if swallowed else None
        if start is not None and LINE_LEADING.match(source.line(start.line)[:start.column]):
            return source.error("invalid YAML: this line has no ':' between a key and its value",
                                start.line, start.column,
                                "write 'key: value', with a colon and a space after the key (e.g. year: 2022)")
        return _misaligned(source, pm.line)
    quotes = _inside_chinese_quotes(text, pm.column)
    if quotes:
        return quotes_error(source, pm.line, text, quotes)
    key = re.match(rf"\s*(?:- +)?({KEY})\s*:\s", text)
    example = f"{key.group(1)}: {_quoted(text[key.end():])}" if key else 'title: "一、总结: 成效"'
    return source.error("invalid YAML: mapping values are not allowed here", pm.line, pm.column,
                        f"a value that contains ': ' must be quoted: {example}")


def _inside_chinese_quotes(text: str, column: int) -> tuple[int, int] | None:
    """The opening and closing Chinese quotation marks around ``column`` of ``text``, if any."""
    for opening, closing in CHINESE_QUOTES.items():
        start = text.rfind(opening, 0, column)
        end = text.find(closing, column)
        if start >= 0 and end > start:
            return start, end
    return None


def quotes_error(source: _Source, line: int, text: str, quotes: tuple[int, int]) -> YamlError:
    start, end = quotes
    key = re.match(rf"\s*(?:- +)?({KEY})\s*:\s", text)
    inner = text[start + 1:end]
    example = f"{key.group(1)}: {_quoted(inner)}" if key else _quoted(inner)
    return source.error(f"invalid YAML: Chinese quotation marks {text[start]}…{text[end]} do not quote a value in YAML",
                        line, start, f"quote a value with straight quotes: {example}")


def _flow_not_closed(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
                     source: _Source) -> YamlError | None:
    """A { or [ never closed: PyYAML notices only at the next line's colon."""
    if not problem.startswith(("expected ',' or '}'", "expected ',' or ']'")) or pm is None or cm is None \
            or pm.line == cm.line:
        return None
    opening = source.line(cm.line)[cm.column:cm.column + 1] or "{"
    closing = "}" if opening == "{" else "]"
    key = re.match(rf"\s*(?:- +)?({KEY})\s*:\s", source.line(cm.line))
    name = key.group(1) if key else ("title" if opening == "{" else "sections")
    example = f"{name}: {{zh: …, en: …}}" if opening == "{" else f"{name}: [a, b]"
    return source.error(f"invalid YAML: the {opening} opened here is not closed", cm.line, cm.column,
                        f"end it with {closing} on the same line, e.g. {example}")


def _flow_colon(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
                source: _Source) -> YamlError | None:
    found = re.fullmatch(r"expected ',' or '([}\]])', but got '(.*)'", problem)
    if not found or pm is None:
        return None
    text = source.line(pm.line)
    quotes = _inside_chinese_quotes(text, pm.column)
    if quotes:
        return quotes_error(source, pm.line, text, quotes)
    start = max(text.rfind(",", 0, pm.column), text.rfind("{", 0, pm.column), text.rfind("[", 0, pm.column)) + 1
    entry = text[start:pm.column]
    end = min([i for i in (text.find(",", pm.column), text.find(found.group(1), pm.column)) if i >= 0] or [len(text)])
    key = re.match(rf"\s*({KEY})\s*:\s", entry)
    if key:
        example = f"{key.group(1)}: {_quoted(entry[key.end():] + text[pm.column:end])}"
    else:
        example = _quoted(text[start:end])
    if found.group(2) == ":":  # the words the tests and catalog know for this one
        message = f"invalid YAML: expected ',' or '{found.group(1)}', but got ':'"
        hint = f"inside {{ }} or [ ], put a text that contains ':' or ',' in straight quotes: {example}"
    else:
        message = f"invalid YAML: the text inside {'{ }' if found.group(1) == '}' else '[ ]'} goes on after its end"
        hint = f"inside {{ }} or [ ], put a text that contains quotation marks, ':' or ',' in straight quotes: {example}"
    return source.error(message, pm.line, pm.column, hint)


def _block_end(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
               source: _Source) -> YamlError | None:
    """``expected <block end>`` (or ``<document start>``): a line misaligned, or more text after
    a value that ended (after its closing quotation mark or bracket)."""
    if not problem.startswith(("expected <block end>", "expected '<document start>'")) or pm is None:
        return None
    text = source.line(pm.line)
    if LINE_LEADING.match(text[:pm.column]):
        return _misaligned(source, pm.line)
    before = text[:pm.column].rstrip()
    key = re.match(rf"\s*(?:- +)?({KEY})\s*:\s", text)
    value = text[key.end():] if key else text.strip()
    example = f"{key.group(1)}: {_quoted(value)}" if key else _quoted(value)
    return source.error(f"invalid YAML: the value ends at {before[-1:] or '?'}, but the line goes on",
                        pm.line, pm.column, f"put the whole value in quotes: {example}")


def _sequence_entry(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
                    source: _Source) -> YamlError | None:
    if problem != "sequence entries are not allowed here" or pm is None:
        return None
    return source.error("invalid YAML: a '- ' list item cannot stand here", pm.line, pm.column,
                        "put each item on a line of its own, under a key with nothing after its colon, "
                        "e.g. sections: and then - overview on the next line")


def _other(problem: str, context: str, pm: yaml.Mark | None, cm: yaml.Mark | None,
           source: _Source) -> YamlError:
    mark = pm or cm
    line, column = (mark.line, mark.column) if mark else (0, 0)
    if problem == "but found another document":
        return source.error("invalid YAML: a '---' line divides the file in two", line, column,
                            "remove the '---' line")
    if problem.startswith("expected the node content"):
        return source.error("invalid YAML: a value is missing here", line, column,
                            "check the commas and brackets on this line")
    if problem == "found unhashable key":
        return source.error("invalid YAML: a key cannot be a list or a set of values", line, column,
                            "put a text that starts with [ or { in straight quotes")
    if "is not a real date" in problem:
        return source.error(f"invalid YAML: {problem}", line, column, "write a date that exists, as YYYY-MM-DD")
    if mark is None:
        return YamlError("invalid YAML: the file cannot be read from here on", None, None, GENERIC_HINT)
    return source.error("invalid YAML: the file cannot be read from here on", line, column, GENERIC_HINT)


def _previous_line(source: _Source, line: int) -> int | None:
    """The nearest line above ``line`` with something on it other than a comment."""
    for number in range(line - 1, -1, -1):
        stripped = source.line(number).strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None


def _misaligned(source: _Source, line: int) -> YamlError:
    """A line whose indentation matches none of the lines it belongs with, and the one to line
    it up with: the line above for a key, the item above for a '- ' item."""
    text = source.line(line)
    column = len(text) - len(text.lstrip(" "))
    item = text[column:].startswith("- ")
    name = _first_word(text[column:])
    number = _previous_line(source, line)
    while number is not None:
        other = source.line(number)
        other_column = len(other) - len(other.lstrip(" "))
        if item and other[other_column:].startswith("- "):
            break
        if not item:
            if other[other_column:].startswith("- "):
                other_column += len(other[other_column:]) - len(other[other_column:].lstrip(" -"))
            break
        number = _previous_line(source, number)
    message = "invalid YAML: the indentation of this line does not line up with the lines it belongs with"
    if number is None or other_column == column:
        return source.error(message, line, column, "check the indentation of this line and the one before it")
    other_name = _first_word(source.line(number)[other_column:])
    if other_column == 0:
        return source.error(message, line, column,
                            f"start '{name}' at the beginning of the line, like '{other_name}' on line "
                            f"{number + 1 + source.offset}: the lines of one level start in the same column")
    return source.error(message, line, column,
                        f"indent '{name}' by {other_column} spaces, like '{other_name}' on line "
                        f"{number + 1 + source.offset}: the lines of one level start in the same column")


def _first_word(text: str) -> str:
    match = re.match(r"(- +)?[^\s:：]*", text)
    return (match.group(0) if match else text).strip() or text.strip()


# --- encodings --------------------------------------------------------------------------------


def encoding_problem(data: bytes) -> tuple[str, str]:
    """(message, hint) for a file that is not UTF-8, naming the encoding it seems to be in."""
    hint = "save it as UTF-8 (in most editors: Save As → Encoding → UTF-8)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
            len(data) >= 4 and data.count(b"\0") * 3 >= len(data)):
        return "the file is in UTF-16, not UTF-8", UTF16_HINT
    try:
        decoded = data.decode("gb18030")
    except UnicodeDecodeError:
        return "the file is not UTF-8 text", hint
    if re.search(r"[\u4e00-\u9fff]", decoded):
        return "the file is in GBK (GB2312/GB18030), not UTF-8", \
            "save it as UTF-8 (in most editors: Save As → Encoding → UTF-8; ANSI and GBK are not UTF-8)"
    return "the file is not UTF-8 text", hint
