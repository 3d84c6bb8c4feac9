"""Edits of YAML text that leave everything else as the editor wrote it.

``nianbao new report`` changes a few values of last year's files (the year, the figures, the
summaries) and must keep the rest byte for byte: comments, quoting, order, line breaks. A round
trip through a YAML dumper rewraps long labels and drops every comment, so the edits are made
on the text itself, at the places PyYAML's composer found the nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` by ``new``."""

    start: int
    end: int
    new: str


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``; the pure-Python loader, whose marks count characters.
    The caller has parsed the text with ``yamlfile.parse_yaml`` first: that reports a broken file
    with its line and hint, and refuses aliases, so the tree here is the tree of a valid file."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit made; edits may not overlap."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.new + text[edit.end:]
    return text


def pairs(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    return next((value for k, value in pairs(node) if k.value == key), None)


def pair_of(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, value) for k, value in pairs(node) if k.value == key), None)


def end_of(text: str, node: yaml.Node) -> int:
    """Where the node's own text ends. The end mark of a block collection or a block scalar
    (| or >) lies at the next token, past the line breaks, comments and blank lines after it."""
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):
            return node.start_mark.index + len(text[node.start_mark.index:node.end_mark.index].rstrip())
        return node.end_mark.index
    if node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return end_of(text, last[1] if isinstance(node, yaml.MappingNode) else last)


def texts(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    """The scalar values under ``node`` (a text, or ``{zh: …, en: …}``), not the keys."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            yield from texts(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from texts(item)


def replace_scalar(text: str, node: yaml.ScalarNode, new: str) -> Edit:
    """Replace a scalar as written (quotes, or a block scalar's | and lines, included)."""
    return Edit(node.start_mark.index, end_of(text, node), new)


def rewrite_scalar(text: str, node: yaml.ScalarNode, change) -> Edit:
    """``change`` applied to the scalar as written: for edits that keep its quoting (digits)."""
    start, end = node.start_mark.index, node.end_mark.index
    return Edit(start, end, change(text[start:end]))


def remove_keys(text: str, mapping: yaml.Node, keys: set[str]) -> list[Edit]:
    """Edits that remove the pairs of ``keys`` from ``mapping``, block or flow style.

    A run of removed pairs followed by a kept one goes from the first removed key to the kept
    key: the indentation (or the "- " of a list item) before the first stays, for the kept key.
    A run at the end goes from the end of the last kept value's line (or value, in flow style)."""
    entries = pairs(mapping)
    edits: list[Edit] = []
    index = 0
    while index < len(entries):
        if entries[index][0].value not in keys:
            index += 1
            continue
        first = index
        while index < len(entries) and entries[index][0].value in keys:
            index += 1
        start = entries[first][0].start_mark.index
        if index < len(entries):
            edits.append(Edit(start, entries[index][0].start_mark.index, ""))
        elif first == 0:  # every pair goes: leave an empty mapping
            edits.append(Edit(start, end_of(text, entries[-1][1]), "{}"))
        else:
            kept_end, removed_end = end_of(text, entries[first - 1][1]), end_of(text, entries[-1][1])
            if not mapping.flow_style:
                kept_end, removed_end = _line_end(text, kept_end), _line_end(text, removed_end)
            edits.append(Edit(kept_end, removed_end, ""))
    return edits


def _line_end(text: str, index: int) -> int:
    """The index of the line break that ends the line of ``index`` (or the end of the text)."""
    found = text.find("\n", index)
    return len(text) if found == -1 else found
