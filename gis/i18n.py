"""Messages of `gis/` in the reader's language, with the standard library's gettext (no Django).

Write every message a person reads as `_("{path}: no such file").format(path=path)`: the
literal inside `_()` is the catalogue's key, so it must not be an f-string. The Chinese lives in
`gis/locale/zh_Hans/LC_MESSAGES/gis.po`; `gis.mo` beside it is compiled from it and committed
(`make messages` extracts, merges and compiles; a test keeps the two equal).

The language is per context (thread or task), so a web request and a command never change each
other's: the gridgov commands call `set_language(language_from_environment())`, the API may wrap
a call in `language_override(...)`. English, the source text, is the default.
"""

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("zh-hans", "en")
_LOCALE_DIR = Path(__file__).parent / "locale"
_CATALOGUE_DIRS = {"zh-hans": "zh_Hans"}
_language: ContextVar[str] = ContextVar("gis_language", default="en")


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """'zh-hans' when the console's locale asks for Chinese, else 'en'.

    The variables are read in gettext's order (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) and the first
    one set decides: zh, zh_CN.UTF-8, zh_TW, zh-Hans are Chinese; C, POSIX, en_US and every
    other language are English, as is no locale at all (English is the source text).
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0].strip()
        if value:
            return "zh-hans" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(language: str) -> None:
    """Translate this context's later messages into `language` (one of LANGUAGES)."""
    _language.set(_known(language))


def get_language() -> str:
    """The language this context's messages are in."""
    return _language.get()


@contextmanager
def language_override(language: str) -> Iterator[None]:
    """Messages in `language` inside the block, then as before."""
    token = _language.set(_known(language))
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    """`message` in this context's language (itself when there is no translation)."""
    return _catalogue(_language.get()).gettext(message)


def _known(language: str) -> str:
    return "zh-hans" if language.lower().startswith("zh") else "en"


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    folder = _CATALOGUE_DIRS.get(language)
    if folder is None:
        return gettext.NullTranslations()
    with (_LOCALE_DIR / folder / "LC_MESSAGES" / "gis.mo").open("rb") as compiled:
        return gettext.GNUTranslations(compiled)
