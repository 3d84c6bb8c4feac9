"""The release manifest: what a build published, so that a deployed copy can be verified.

Every build writes ``manifest.json``: the SHA-256 and size of every published
file and the source revision. ``nianbao verify DIR`` checks a deployed copy
against it and names every file missing, changed or added (tampering, an
incomplete upload).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from . import __version__

MANIFEST = "manifest.json"


def source_revision(root: Path) -> str | None:
    """The git commit the content comes from, marked "-modified" when the work tree differs; None outside git."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0:
            return None
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "."],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-modified" if status.stdout.strip() else "")


def manifest(files: dict[str, bytes], revision: str | None, cache: dict | None = None) -> bytes:
    """The manifest, one line per file. ``cache`` keeps each file's bytes, digest and line for the
    next build: a file whose bytes are the very same object (a page kept from the previous
    build) is not hashed again."""
    previous = dict(cache) if cache is not None else {}
    lines = []
    for name in sorted(files):  # names: sorting them alone is quicker than sorting (name, bytes) pairs
        if name == MANIFEST:
            continue
        data = files[name]
        kept = previous.get(name)
        if kept is not None and kept[0] is data:
            digest, line = kept[1], kept[2]
        else:
            digest = hashlib.sha256(data).hexdigest()
            line = f"  {json.dumps(name, ensure_ascii=False)}: {json.dumps({'sha256': digest, 'size': len(data)})}"
        lines.append(line)
        if cache is not None:
            cache[name] = (data, digest, line)
    if cache is not None:
        for name in set(previous) - set(files):
            del cache[name]
    return (f'{{\n "generator": {json.dumps(f"nianbao {__version__}")},\n'
            f' "source_revision": {json.dumps(revision)},\n'
            ' "files": {\n' + ",\n".join(lines) + "\n }\n}\n").encode("utf-8")


def verify(folder: Path) -> int:
    """Check a deployed copy against its manifest; print what differs. 0 when it matches."""
    path = Path(folder) / MANIFEST
    try:
        expected = json.loads(path.read_text(encoding="utf-8"))["files"]
        if not isinstance(expected, dict) or not all(isinstance(entry, dict) for entry in expected.values()):
            raise ValueError("not a manifest")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = "there is none" if isinstance(exc, FileNotFoundError) else \
            "it is not a manifest nianbao wrote" if not isinstance(exc, OSError) else f"“{exc.strerror or exc}”"
        print(f"nianbao: {path}: cannot read the manifest ({why})\n"
              "    hint: verify the folder a build wrote (it holds manifest.json)", file=sys.stderr)
        return 2
    present = {p.relative_to(folder).as_posix(): p for p in Path(folder).rglob("*") if p.is_file()}
    missing = sorted(set(expected) - set(present))
    added = sorted(set(present) - set(expected) - {MANIFEST})
    changed = []
    for name in sorted(set(expected) & set(present)):
        data = present[name].read_bytes()
        if len(data) != expected[name]["size"] or hashlib.sha256(data).hexdigest() != expected[name]["sha256"]:
            changed.append(name)
    for label, names in (("missing", missing), ("changed", changed), ("added", added)):
        for name in names:
            print(f"{folder}/{name}: {label}", file=sys.stderr)
    if missing or changed or added:
        print(f"nianbao: verify failed: {len(missing)} missing, {len(changed)} changed, {len(added)} added "
              f"of {len(expected)} files", file=sys.stderr)
        return 1
    print(f"nianbao: verified {len(expected)} files of {folder}: all as published")
    return 0
