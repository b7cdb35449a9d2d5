"""The catalogue's tokenizer: text -> index terms, and a visitor's query -> what to look up.

Its JavaScript twin is ``vtour/web/src/catalogue/tokens.js``; both must give the same terms for the same
text, or a search in the page misses what the index holds. ``tests/js/fixtures/tokens.json`` pins the
pair: the Python tests and the node tests run the same cases.

Rules (applied identically on both sides)
-----------------------------------------
1. NFKC, then lower case (Python ``str.lower``, JS ``toLowerCase``: the same Unicode mapping, unlike
   ``casefold``, which upper-cases Cherokee and folds Greek iota subscripts), then ß -> ss and ς -> σ.
2. Split into runs: a *CJK run* is a run of characters in :data:`CJK_RANGES` (Han, kana, Hangul); a
   *word* is a run of other letters and digits (``[^\\W_]`` in Python, ``[\\p{L}\\p{N}]`` in JS).
   Everything else (spaces, punctuation, marks, ``_``) separates.
3. A word is indexed as written and under its *singular forms* (:func:`word_forms`): a lowercase ASCII
   word longer than 3 letters ending in a plural ending gives every singular it may be the plural of
   (niches -> niche, nich; boxes -> box, boxe; bodies -> body, bodie), so "niche" finds "niches" and
   "brooch" finds "brooches". A query word matches any of its own forms, so the match is symmetric:
   a singular and its plural share a form whichever of them is typed.
4. Indexing a CJK run gives every single character (unigram) and every pair of neighbours (bigram):
   鼎青铜 -> 鼎 青 铜 鼎青 青铜. Querying a run of one character looks up its unigram; a run of two or more
   looks up all its bigrams (AND), so 青铜 finds 青铜器 and 西周青铜, and 鼎 alone finds 鼎.

A query is the AND of its terms (each a group of alternatives: a word's forms). While the visitor
types, the last word (when it is not CJK, has at least :data:`PREFIX_MIN` characters and the query does
not end with a separator) is a *prefix*, as typed, never reduced to a singular: "bron" finds bronze and
"glas" glass. A last word being typed that is one Latin letter is ignored (it would match too much and
cost a shard for nothing): "bronze a" searches "bronze".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Code point ranges whose characters are indexed one by one and in pairs (no spaces between words).
CJK_RANGES = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F, compatibility supplement
)
#: A prefix shorter than this is looked up as a whole term (a one- or two-letter prefix matches too much).
PREFIX_MIN = 3

_CJK = "".join(f"{chr(a)}-{chr(b)}" for a, b in CJK_RANGES)
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")  # (CJK run, word)
_CJK_RUN = re.compile(f"[{_CJK}]")
_ASCII_WORD = re.compile("[a-z]+")


def normalize(text: str) -> str:
    """NFKC then lower case, ß -> ss and ς -> σ: the form every term and query is compared in (rule 1)."""
    return unicodedata.normalize("NFKC", text).lower().replace("ß", "ss").replace("ς", "σ")


@lru_cache(maxsize=1 << 16)
def word_forms(word: str) -> tuple[str, ...]:
    """``word`` and every singular it may be the plural of (rule 3), sorted by code point; a word that
    is not a lowercase ASCII word longer than 3 letters with a plural ending is its only form."""
    forms = {word}
    if len(word) > 3 and _ASCII_WORD.fullmatch(word) and word.endswith("s"):
        if word.endswith("ies") and len(word) > 4:
            forms.update((word[:-3] + "y", word[:-1]))  # bodies -> body, ties -> tie
        elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):
            forms.update((word[:-1], word[:-2]))  # niches -> niche and boxes -> box alike
        elif not word.endswith(("ss", "us", "is")):
            forms.add(word[:-1])
    return tuple(sorted(forms))


def stem(word: str) -> str:
    """The shortest singular form of ``word`` (:func:`word_forms`; ties: the first by code point)."""
    return min(word_forms(word), key=lambda f: (len(f), f))


def _is_short_latin(word: str) -> bool:
    # one Latin letter (Basic Latin to Latin Extended-B): too common to search as a prefix
    return len(word) < 2 and word.isalpha() and ord(word) < 0x250


def is_cjk(text: str) -> bool:
    """True when ``text`` starts with a CJK character (see :data:`CJK_RANGES`)."""
    return bool(_CJK_RUN.match(text))


def index_terms(text: str) -> set[str]:
    """Every term under which ``text`` is indexed: words and their singular forms, CJK unigrams and bigrams."""
    terms: set[str] = set()
    for cjk, word in _RUN.findall(normalize(text)):
        if cjk:
            terms.update(cjk)
            terms.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            terms.update(word_forms(word))
    return terms


def query_terms(query: str) -> dict:
    """What a query looks up: ``{"terms": [[alternative, ...], ...], "prefix": str | None}``.

    Every group of ``terms`` (sorted, unique; each group sorted) must match: one of its alternatives
    exactly (a word's forms, or one CJK gram). ``prefix``, when not None, must start some term of the
    object (see the module docstring). An empty query gives ``{"terms": [], "prefix": None}``.
    """
    normalized = normalize(query)
    runs = _RUN.findall(normalized)
    prefix = None
    groups: set[tuple[str, ...]] = set()
    for i, (cjk, run) in enumerate(runs):
        if cjk:
            grams = [cjk] if len(cjk) == 1 else [cjk[k : k + 2] for k in range(len(cjk) - 1)]
            groups.update((g,) for g in grams)
            continue
        typing = i == len(runs) - 1 and normalized.endswith(run)
        if typing and _is_short_latin(run):
            continue
        if typing and len(run) >= PREFIX_MIN:
            prefix = run
        else:
            groups.add(word_forms(run))
    if prefix is not None and any(all(t.startswith(prefix) for t in g) for g in groups):
        prefix = None  # a required group already implies it
    return {"terms": [list(g) for g in sorted(groups)], "prefix": prefix}
