"""tour.yaml as text: ruamel.yaml's round trip, and the 3-way line merge that keeps a save to the lines edited.

ruamel.yaml (round-trip mode) keeps comments, key order and quoting, but re-wraps long plain scalars
its own way; :func:`merge_text` applies the line changes between two of its dumps onto the file as it
was written, so an edit changes only its own lines (see :class:`vtour.edit.document.EditDocument`).
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Any

from ruamel.yaml import YAML

__all__ = ["detect_indent", "dump_rt", "load_rt", "merge_text", "opcodes", "plain", "rt_yaml"]


def rt_yaml(indent: tuple[int, int, int]) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.allow_duplicate_keys = True  # a key given twice is a validation problem the editor shows
    mapping, sequence, offset = indent
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.width = 4096  # never fold new or edited texts (ruamel folds with trailing spaces)
    return y


def detect_indent(text: str) -> tuple[int, int, int]:
    """ruamel's ``(mapping, sequence, offset)`` indentation that ``text`` uses, from its most common
    steps: a key's child key (mapping), and a ``- `` item under a key (offset: where the dash is;
    sequence: where the item's content is). PyYAML and ruamel's own default is ``(2, 2, 0)``."""
    maps: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for line, nxt in itertools.pairwise(lines):
        head = re.match(r"^( *)(?:- )?[^\s#'\"-][^:#]*:\s*(#.*)?$", line)
        if not head:
            continue
        base = len(head.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
        step = len(nxt) - len(nxt.lstrip(" "))
        if nxt.lstrip().startswith("- "):
            if step >= base:
                offsets[step - base] += 1
        elif step > base:
            maps[step - base] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset = offsets.most_common(1)[0][0] if offsets else 0
    return mapping, offset + 2, offset


def load_rt(y: YAML, text: str) -> Any:
    return y.load(text)


def dump_rt(y: YAML, data: Any) -> str:
    if data is None:
        return ""
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def plain(value: Any) -> Any:
    """Loaded YAML as plain comparable data (NaN made comparable)."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return "nan" if math.isnan(value) else float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _bounds(opcodes: list, size: int) -> tuple[list[int], list[int]]:
    """For each boundary 0..size of side a of ``opcodes``, the boundary of side b before (lo) and
    after (hi) any lines only side b has there. A boundary strictly inside a change is not used."""
    lo: list[int | None] = [None] * (size + 1)
    hi: list[int | None] = [None] * (size + 1)
    for tag, i1, i2, j1, j2 in opcodes:
        for p in range(i1, i2 + 1):
            if tag == "equal":
                low = high = j1 + p - i1
            elif p in (i1, i2):
                low = j1 if p == i1 else j2
                high = j2 if p == i2 else j1
            else:
                continue
            lo[p] = low if lo[p] is None else lo[p]
            hi[p] = high
    return [v or 0 for v in lo], [v or 0 for v in hi]


def _meets(e1: int, e2: int, s1: int, s2: int) -> bool:
    """Whether change range [e1, e2) overlaps range [s1, s2) (an empty one: is strictly inside)."""
    if e1 == e2:
        return s1 < e1 < s2
    if s1 == s2:
        return e1 < s1 < e2
    return s1 < e2 and e1 < s2


#: Above this many lines between the common head and tail, the line diff lets SequenceMatcher skip lines that
#: occur in more than 1 % of them (``autojunk``): a tour's many ``pitch: 0`` lines otherwise make it quadratic.
#: Its opcodes stay exact, only maybe less minimal; :class:`EditDocument` checks every merge it writes.
EXACT_DIFF_LINES = 1500


def opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """``SequenceMatcher(None, a, b).get_opcodes()``, fast for the texts an edit gives: the common first and
    last lines are matched directly, and only the lines between are diffed."""
    head = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        head += 1
    tail = 0
    for x, y in zip(reversed(a[head:]), reversed(b[head:]), strict=False):
        if x != y:
            break
        tail += 1
    ea, eb = len(a) - tail, len(b) - tail
    mid = SequenceMatcher(None, a[head:ea], b[head:eb], autojunk=max(ea, eb) - head > EXACT_DIFF_LINES)
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, head, 0, head)] if head else []
    ops += [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in mid.get_opcodes()]
    if tail:
        ops.append(("equal", ea, len(a), eb, len(b)))
    return [op for op in ops if op[0] != "equal" or op[2] > op[1]]


def merge_text(original: str, base: str, new: str) -> str:
    """``original`` with the line changes ``base -> new`` applied (a 3-way merge by lines).

    ``base`` is ruamel's dump of ``original`` (differing where ruamel re-wrote lines) and ``new``
    the dump after an edit. Each changed range of ``base`` is copied onto the matching lines of
    ``original``; a change that touches lines where ``original`` and ``base`` differ takes the
    whole differing block from ``new``, so the result never mixes two spellings of one value."""
    if base == new:
        return original
    if original == base:
        return new
    o, b, n = (t.splitlines(keepends=True) for t in (original, base, new))
    ob = opcodes(b, o)
    bn = opcodes(b, n)
    reformatted = [(i1, i2) for tag, i1, i2, _, _ in ob if tag != "equal"]
    regions = sorted([i1, i2] for tag, i1, i2, _, _ in bn if tag != "equal")
    grown = True
    while grown:  # grow each change over the reformatted blocks it touches; join those that meet
        grown = False
        for r in regions:
            for s1, s2 in reformatted:
                if _meets(r[0], r[1], s1, s2) and (s1 < r[0] or s2 > r[1]):
                    r[0], r[1], grown = min(r[0], s1), max(r[1], s2), True
        regions.sort()
        joined: list[list[int]] = []
        for r in regions:
            if joined and r[0] <= joined[-1][1]:
                grown = grown or r[1] > joined[-1][1]
                joined[-1][1] = max(joined[-1][1], r[1])
            else:
                joined.append(r)
        regions = joined
    lo_o, hi_o = _bounds(ob, len(b))
    lo_n, hi_n = _bounds(bn, len(b))
    out: list[str] = []
    at = 0
    for e1, e2 in regions:
        o1, o2 = (hi_o[e1], lo_o[e2]) if e1 < e2 else (lo_o[e1], lo_o[e1])
        out += o[at:o1] + n[lo_n[e1] : hi_n[e2]]
        at = max(at, o2)
    return "".join(out + o[at:])
