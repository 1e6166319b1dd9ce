"""Fonts for the map page: the Simplified Chinese face of a CJK font, and a quiet PDF writer."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from matplotlib import font_manager, ft2font

CJK_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_registered: dict[str, str] = {}


def cjk_font_path() -> str | None:
    """The first CJK font file found on this machine, or None."""
    for path in CJK_FONT_PATHS:
        if Path(path).is_file():
            return path
    return None


def cjk_family(font_path: str) -> str:
    """The family name of the Simplified Chinese face in a font file (a .ttc holds several).

    NotoSansCJK-Regular.ttc starts with its Japanese face: picked by file, matplotlib would
    draw and embed JP glyph shapes (e.g. 网, 区 differ). matplotlib registers every face of a
    collection under its own family name, so asking for the SC family embeds that face.
    """
    if font_path not in _registered:
        font_manager.fontManager.addfont(font_path)  # once: each call appends its faces again
        faces = [
            ft2font.FT2Font(font_path, face_index=k).family_name
            for k in range(ft2font.FT2Font(font_path).num_faces)
        ]
        simplified = [name for name in faces if name.endswith(" SC") and "Mono" not in name]
        _registered[font_path] = (simplified or faces)[0]
    return _registered[font_path]


class _HeldBackWhileWritingPdf(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not _writing_pdf.get()


# A flag per thread or task, not the logger's level: pages drawn at once by the API's threads
# must not turn each other's logging on or off.
_writing_pdf: ContextVar[bool] = ContextVar("writing_map_pdf", default=False)
logging.getLogger("fontTools.subset").addFilter(_HeldBackWhileWritingPdf())


@contextmanager
def quiet_font_subsetting() -> Iterator[None]:
    """Hold back fontTools' INFO lines while a PDF is written (about 170 per page otherwise).

    The PDF backend subsets each embedded font with fontTools, which logs every table it
    prunes; under a CLI that logs at INFO they flood the console. Only that logger, only in
    this thread while saving, and its warnings still pass.
    """
    token = _writing_pdf.set(True)
    try:
        yield
    finally:
        _writing_pdf.reset(token)
