"""Pinyin, so that homophone slips of voice and pinyin input survive (pure).

``repair`` puts a policy term back where a message has a homophone of it (营养参 →
营养餐, 雨路计划 → 雨露计划) or, for terms of four characters or more, a single wrong
character (两兔一补 → 两免一补). Fuzzy pinyin merges what south-western and southern
speakers merge (zh/z, ch/c, sh/s, n/l, -ng/-n, f/h at the start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

NEAR_PINYIN = 90  # rapidfuzz ratio of two terms' fuzzy pinyin to count as a slip

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


@lru_cache(maxsize=8192)
def syllable(char: str) -> str:
    """Toneless pinyin of one character ('' for a non-Chinese one)."""
    if not ("\u3400" <= char <= "\u9fff"):
        return ""
    # pypinyin has no reading for some rare CJK (㐃 …): such a character is skipped.
    readings = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return readings[0] if readings else ""


@lru_cache(maxsize=8192)
def fuzzy(syl: str) -> str:
    """One syllable with the merges dialect speakers make."""
    for a, b in _INITIALS:
        if syl.startswith(a):
            syl = b + syl[len(a) :]
            break
    if syl.startswith("n"):
        syl = "l" + syl[1:]
    elif syl.startswith("f"):
        syl = "h" + syl[1:]
    if syl.endswith("ng") and len(syl) > 2:
        syl = syl[:-1]
    return syl


def pinyin(text: str, *, loose: bool = True) -> str:
    """'营养参' → 'yin yan can' (loose) or 'ying yang can'."""
    syls = [syllable(c) for c in text]
    return " ".join(fuzzy(s) if loose else s for s in syls if s)


class Repairer:
    """Finds near-misses of known terms in a text and writes the term back."""

    def __init__(self, terms: Iterable[str], short_terms: Iterable[str], is_word: Callable[[str], bool]) -> None:
        long_terms = {t for t in terms if len(t) >= 3}
        self.known = long_terms | set(short_terms)
        self.long_terms = long_terms
        self._short_by_py = {tuple(fuzzy(syllable(c)) for c in t): t for t in short_terms if len(t) == 2}
        self.is_word = is_word
        self._py = {t: [fuzzy(syllable(c)) for c in t] for t in self.known}
        self._by_start: dict[str, set[str]] = {}  # first character or first syllable
        self._by_end: dict[tuple[str, int], set[str]] = {}
        for t in self.long_terms:
            self._by_start.setdefault(t[0], set()).add(t)
            self._by_start.setdefault(self._py[t][0], set()).add(t)
            if len(t) >= 4:
                self._by_end.setdefault((t[-1], len(t)), set()).add(t)
        self._lengths = sorted({len(t) for t in self.long_terms if len(t) >= 4})

    def _candidates(self, text: str, i: int, pys: list[str]) -> list[str]:
        found = set(self._by_start.get(text[i], ())) | self._by_start.get(pys[i], set())
        for L in self._lengths:  # a slip in the first character
            if i + L <= len(text):
                found |= self._by_end.get((text[i + L - 1], L), set())
        return sorted(found, key=lambda t: (-len(t), t))

    def _near(self, window: str, term: str, wpy: list[str]) -> bool:
        if "" in wpy:
            return False
        tpy = self._py[term]
        if wpy == tpy:
            return True  # a homophone: 营养参, 雨路计划
        if len(term) < 4:
            return False
        # one wrong character in a long term (两兔一补 typed or recognised wrong), or a
        # near-homophone of it (义务叫育: jiao/jiao, 助学带款 dai/dai …, scored on pinyin)
        if sum(a != b for a, b in zip(window, term, strict=False)) == 1:
            return True
        return fuzz.ratio(" ".join(wpy), " ".join(tpy)) >= NEAR_PINYIN

    def _plausible_slip(self, window: str) -> bool:
        """A real word, or text that already holds a term, is not a slip."""
        if self.is_word(window):
            return False
        if len(window) == 2:
            return not any(window in k for k in self.known)
        return not any(k in window for k in self.known if len(k) >= 2)

    def repair_pairs(self, words: list[str]) -> list[str]:
        """Two single characters next to each other that sound like a two-character
        term (请 家 → 请假); never inside a real word (孩子住校 keeps 子住 apart)."""
        out, i = [], 0
        while i < len(words):
            a = words[i]
            b = words[i + 1] if i + 1 < len(words) else ""
            if len(a) == 1 and len(b) == 1 and not self.is_word(a + b):
                term = self._short_by_py.get((fuzzy(syllable(a)), fuzzy(syllable(b))))
                if term and "" not in (syllable(a), syllable(b)):
                    out.append(term)
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out

    def repair(self, text: str, boundaries: set[int] | None = None) -> str:
        """Long terms only (string level); see ``repair_pairs`` for two-character ones.

        ``boundaries``: word boundaries of the text (offsets); a slip is only repaired
        on a window that starts and ends on one, so 医保缴费 never yields 保教费."""
        pys = [fuzzy(syllable(c)) for c in text]
        out, i, n = [], 0, len(text)
        while i < n:
            for term in self._candidates(text, i, pys):
                L = len(term)
                window = text[i : i + L]
                if len(window) < L:
                    continue
                aligned = boundaries is None or (i in boundaries and i + L in boundaries)
                if window == term or (
                    aligned and self._near(window, term, pys[i : i + L]) and self._plausible_slip(window)
                ):
                    out.append(term)
                    i += L
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)
