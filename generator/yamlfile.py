"""YAML with source positions.

PyYAML parses; we keep the line and column of every key and item, so that a
schema error deep in a file can still point at the line an editor must change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

# A YAML file can expand aliases exponentially ("billion laughs"); positions are
# recorded for the first entries only, which is all an error message needs.
MAX_POSITIONS = 100_000


@dataclass
class YamlDocument:
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, int, int]] = field(default_factory=list)

    def line_of(self, path: Path_) -> tuple[int | None, int | None]:
        """The 1-based line and column of the deepest known part of ``path``."""
        for end in range(len(path), 0, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return (None, None)


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None, hint: str):
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


def _timestamp(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
    """A date, with an impossible one (2023-02-30) reported at its line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark) from None


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, in Python: the clearest messages."""


# libyaml's parser, when PyYAML was built with it (its wheels are): the same documents, faster.
_FastLoader = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


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
    """Parse one YAML document; ``line_offset`` shifts lines (front matter).

    libyaml parses; a document it refuses is parsed again by PyYAML's own parser,
    whose messages say more ("found character '*'" rather than "did not find expected …")."""
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
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {problem}", line, column, _yaml_hint(problem)) from None
    except yaml.reader.ReaderError as exc:
        line = exc.position and text.count("\n", 0, exc.position) + 1 + line_offset
        raise YamlError(f"invalid YAML: the character #x{exc.character:04x} is not allowed", line, None,
                        "remove the invisible control character (copied from another program?)") from None
    except yaml.YAMLError as exc:  # errors without a position
        raise YamlError(f"invalid YAML: {exc}", None, None, "") from None
    finally:
        if loader is not None:
            loader.dispose()
    document = YamlDocument(data)
    if node is not None:
        _record_positions(node, (), document, line_offset)
    return document


def _record_positions(node: yaml.Node, path: Path_, doc: YamlDocument, offset: int) -> None:
    stack = [(node, path)]
    while stack and len(doc.positions) < MAX_POSITIONS:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                position = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
                if key in seen:
                    doc.duplicate_keys.append((key, *position))
                seen.add(key)
                doc.positions[path + (key,)] = position
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                doc.positions[path + (index,)] = (item.start_mark.line + 1 + offset,
                                                  item.start_mark.column + 1)
                stack.append((item, path + (index,)))


def _yaml_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return ("a value that contains ': ' must be quoted, e.g. title: \"一、总结：成效\"")
    if "expected ',' or '}'" in problem or "expected ',' or ']'" in problem:
        return "inside { } or [ ], quote texts that contain ':' or ',', e.g. {zh: \"总结：成效\", en: …}"
    if "found character '\\t'" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "check the indentation of this line and the one before it"
    if "'*'" in problem or "found undefined alias" in problem or "found unhashable key" in problem:
        return "quote values that start with * or &, e.g. mask: \"***\""
    return "check the quoting and indentation around this line"
