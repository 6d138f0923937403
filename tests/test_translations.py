"""The Chinese catalogue is complete and the compiled file matches it."""

import gettext
import re
from pathlib import Path

import huiliu

LOCALE = Path(huiliu.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _read_po(path: Path) -> dict[str, str]:
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines or not lines[0].startswith("msgid"):
            continue
        split = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
        text = lambda part: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(part))).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")  # noqa: E731
        entries[text(lines[:split])] = text(lines[split:])
    entries.pop("", None)
    return entries


def test_every_interface_string_has_a_chinese_translation():
    untranslated = [msgid for msgid, msgstr in _read_po(LOCALE / "django.po").items() if not msgstr]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in _read_po(LOCALE / "django.po").items():
        assert compiled.gettext(msgid) == msgstr, msgid
