"""The page's words: Chinese first, English second, and English alone without a CJK font."""

import re


def bilingual(zh: bool, chinese: str, english: str) -> str:
    """'中文 English' when Chinese can be drawn, else the English alone."""
    return f"{chinese} {english}" if zh else english


def ascii_only(text: str) -> str:
    """The text without its Chinese: drawn without a CJK font it would print as empty boxes."""
    text = text.replace(" 至 ", " to ").replace("（", " (").replace("）", ")")
    return re.sub(r"\s+", " ", re.sub(r"[^\x00-\x7f]+", " ", text)).replace("( ", "(").strip()


def grid_labels(code: str, *, many_streets: bool) -> tuple[str, ...]:
    """A grid's short label forms, widest first: community-sequence ('01-012', the code's last
    5 digits) on one street's map; street-community-sequence ('003-01-012', the last 8) when
    streets share the page, so no label repeats, or the same on two lines ('003' over
    '01-012') for narrow grids."""
    if len(code) < 14:
        return (code,)
    local = f"{code[-5:-3]}-{code[-3:]}"
    if many_streets:
        return (f"{code[-8:-5]}-{local}", f"{code[-8:-5]}\n{local}")
    return (local,)


def rank_mark(rank: int) -> str:
    """A worst-grid rank as one circled digit (① … ⑳), short enough for a small grid."""
    return chr(0x2460 + rank - 1) if 1 <= rank <= 20 else str(rank)
