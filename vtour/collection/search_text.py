"""The catalogue's tokenizer: text -> index terms, and a visitor's query -> what to look up.

Its JavaScript twin is ``vtour/web/src/catalogue/tokens.js``; both must give the same terms for the same
text, or a search in the page misses what the index holds. ``tests/js/fixtures/tokens.json`` pins the
pair: the Python tests and the node tests run the same cases.

Rules (applied identically on both sides)
-----------------------------------------
1. NFKC, then case folding (Python ``str.casefold``; JS ``toUpperCase().toLowerCase()``, which folds
   ß -> ss and final sigma the same way for the scripts a museum catalogue holds).
2. Split into runs: a *CJK run* is a run of characters in :data:`CJK_RANGES` (Han, kana, Hangul); a
   *word* is a run of other letters and digits (``[^\\W_]`` in Python, ``[\\p{L}\\p{N}]`` in JS).
   Everything else (spaces, punctuation, marks, ``_``) separates.
3. A word is lightly stemmed (:func:`stem`): only lowercase ASCII words longer than 3 letters lose a
   plural ending (bodies -> body, glasses -> glass, boxes -> box, dishes -> dish, vases -> vase), so
   "vase" finds "vases" and back.
4. Indexing a CJK run gives every single character (unigram) and every pair of neighbours (bigram):
   鼎青铜 -> 鼎 青 铜 鼎青 青铜. Querying a run of one character looks up its unigram; a run of two or more
   looks up all its bigrams (AND), so 青铜 finds 青铜器 and 西周青铜, and 鼎 alone finds 鼎.

A query is the AND of its terms. While the visitor types, the last word (when it is not CJK, has at
least :data:`PREFIX_MIN` characters once stemmed, and the query does not end with a separator) is a
*prefix*: "bron" finds bronze.
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
    """NFKC then case folding: the form every term and query is compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Light English plural stemming of a lowercase word; other words (digits, non-ASCII, <= 3 letters)
    come back unchanged."""
    if len(word) <= 3 or not _ASCII_WORD.fullmatch(word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def is_cjk(text: str) -> bool:
    """True when ``text`` starts with a CJK character (see :data:`CJK_RANGES`)."""
    return bool(_CJK_RUN.match(text))


def index_terms(text: str) -> set[str]:
    """Every term under which ``text`` is indexed: stemmed words, CJK unigrams and bigrams."""
    terms: set[str] = set()
    for cjk, word in _RUN.findall(normalize(text)):
        if cjk:
            terms.update(cjk)
            terms.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            terms.add(stem(word))
    return terms


def query_terms(query: str) -> dict:
    """What a query looks up: ``{"terms": [...], "prefix": str | None}``.

    ``terms`` (sorted, unique) must all match exactly; ``prefix``, when not None, must start some term
    of the object (see the module docstring). An empty query gives ``{"terms": [], "prefix": None}``.
    """
    normalized = normalize(query)
    runs = _RUN.findall(normalized)
    prefix = None
    terms: set[str] = set()
    for i, (cjk, run) in enumerate(runs):
        if cjk:
            terms.update([cjk] if len(cjk) == 1 else (cjk[k : k + 2] for k in range(len(cjk) - 1)))
            continue
        word = stem(run)
        is_last = i == len(runs) - 1
        if is_last and normalized.endswith(run) and len(word) >= PREFIX_MIN:
            prefix = word
        else:
            terms.add(word)
    if prefix is not None and prefix in terms:
        prefix = None  # the same word already required whole
    return {"terms": sorted(terms), "prefix": prefix}
