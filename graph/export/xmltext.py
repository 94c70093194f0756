"""Fast, correct XML text for the streaming writers.

:func:`attr` escapes a string for a double-quoted attribute value: ``& < > "`` and the
whitespace characters that attribute normalisation would otherwise turn into spaces (tab,
newline, carriage return become character references). Characters XML 1.0 forbids (C0 controls
other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) are dropped. Strings that need nothing
(the vast majority: IRIs, names, dates) are returned as they are after one regex scan.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile('[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_TABLE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)
_TEXT_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute."""
    if _SPECIAL.search(value) is None:
        return value
    return _INVALID.sub("", value).translate(_ATTR_TABLE)


def text(value: str) -> str:
    """``value`` escaped as element content."""
    if _SPECIAL.search(value) is None:
        return value
    return _INVALID.sub("", value).translate(_TEXT_TABLE)
