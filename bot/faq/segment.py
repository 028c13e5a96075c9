"""Cutting a normalised message into the tokens the ranking compares (pure, cached).

jieba with a user dictionary of policy terms (两免一补 stays one word), search-mode
cutting so that 生活补助 also yields 生活 and 补助, stopwords dropped. Homophone
slips of policy terms are repaired first (see ``pinyin.Repairer``); a word jieba does
not know also gives its pinyin (``~yin yan can``) so that a slip of a word that is not
a listed term can still meet its right spelling in the example questions.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import lru_cache

from bot.faq import lexicon as L
from bot.faq.pinyin import Repairer, pinyin

_lock = threading.Lock()
_extra_terms: set[str] = set()
STRONG_FREQ = 20000


@lru_cache(maxsize=1)
def tokenizer():
    """One jieba tokenizer for the process, with the policy terms added (~0.6 s once)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tk = jieba.Tokenizer()
        tk.initialize()
        for term in set(L.TERMS) | set(L.SHORT_TERMS) | set(L.SYNONYMS.values()):
            if len(term) >= 2:
                tk.add_word(term, freq=max(tk.suggest_freq(term, tune=False), STRONG_FREQ))
    return tk


def add_terms(words: Iterable[str], *, strong: Iterable[str] = ()) -> None:
    """More words that must stay whole (the catalogue's keywords and phrases): each gets
    at least the frequency jieba needs to cut it as one word (中班, not 中 / 班); a
    ``strong`` one (a topic keyword) also wins against its neighbours (在外县 → 在 / 外县,
    not 在外 / 县)."""
    tk = tokenizer()
    strong = {w for w in strong if len(w) >= 2}
    new = ({w for w in words if len(w) >= 2} | strong) - _extra_terms
    if not new:
        return
    with _lock:
        for w in sorted(new, key=len):
            need = max(tk.suggest_freq(w, tune=False), STRONG_FREQ if w in strong else 0)
            if tk.FREQ.get(w, 0) < need:
                tk.add_word(w, freq=need)
        _extra_terms.update(new)


def is_word(text: str) -> bool:
    return bool(tokenizer().FREQ.get(text))


@lru_cache(maxsize=1)
def repairer() -> Repairer:
    return Repairer(L.TERMS, L.SHORT_TERMS, is_word)


def repair(text: str) -> str:
    """Policy terms put back where a homophone or a slip changed them."""
    r, tk = repairer(), tokenizer()
    bounds, at = {0}, 0
    for w in tk.cut(text, HMM=False):
        at += len(w)
        bounds.add(at)
    text = r.repair(text, bounds)
    return "".join(r.repair_pairs(list(tk.cut(text, HMM=False))))


def words(text: str, *, search: bool = True) -> list[str]:
    """Words of a normalised text (search mode: 生活补助 also gives 生活, 补助), without
    stopwords and without single characters that say nothing on their own (上, 去, 拿)."""
    tk = tokenizer()
    cut = tk.cut_for_search(text, HMM=True) if search else tk.cut(text, HMM=True)
    out = []
    for w in cut:
        w = w.strip()
        if not w or w in L.STOPWORDS:
            continue
        if len(w) == 1 and w not in L.SINGLE_CHARS and not w.isdigit():
            continue
        out.append(w)
    return out


def tokens(text: str, *, doc: bool = False, repaired: bool = False, search: bool = True) -> list[str]:
    """Ranking tokens: words, plus pinyin of words (all of them in a document, only the
    ones jieba does not know in a query, so 种植 never meets 中职)."""
    ws = words(text if repaired else repair(text), search=search)
    out = list(ws)
    for w in ws:
        if len(w) >= 2 and (doc or not is_word(w)):
            py = pinyin(w)
            if py:
                out.append("~" + py)
    return out
