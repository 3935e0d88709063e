"""The TMX 1.4b translation memory: `to_tmx`, and the TMX helpers the corpus TMX uses."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import regex

from .._version import __version__
from ..errors import OptionError
from ..result import Alignment
from ..segmentation import ROLES
from ._common import _check_bool, _filter, _ids, _kept_pairs
from ._files import PathOrFile, _emit

#: The roles `to_tmx` keeps by default: running text, not page furniture (bylines,
#: captions, categories … are not translations of each other).
TMX_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r in ("headline", "subheading", "body"))

#: The lowest score `to_tmx` keeps by default: the lowest tenth from which every band of
#: the held-out reliability table (``resources/reliability.json``, written by
#: `benchmarks/fit_weights.py`; see docs/formats.md) is at least 95 % right. Links scoring
#: 0.9 or more are 97 % right there (2035 links); the 0.8–0.9 band only 85 % (130 links).
#: `tests/test_export.py` checks it against the file.
TMX_MIN_SCORE = 0.9


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 does not allow (C0 controls but tab and line breaks, lone surrogates, FFFE/F).
_XML_INVALID = regex.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


# A BCP 47-like language tag: a primary subtag, then subtags of 1 to 8 letters or digits.
_LANG_TAG = regex.compile(r"^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)$")


def check_language_tag(option: str, code: Any, primary: str) -> str:
    """Check a language tag option (``arabic_code="ar-SA"``): BCP 47-like, primary ``primary``.

    Returns the tag; raises `OptionError` naming ``option`` otherwise. The CLI
    checks its ``--arabic-code``/``--english-code`` flags with it before aligning.
    """
    accepted = f'a language tag whose primary subtag is "{primary}", such as "{primary}" or '
    accepted += '"ar-SA"' if primary == "ar" else '"en-GB"'
    if not isinstance(code, str):
        raise OptionError(option, code, accepted)
    m = _LANG_TAG.match(code)
    if m is None or m.group(1).lower() != primary:
        raise OptionError(option, code, accepted)
    return code


def _tmx_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def to_tmx(
    res: Alignment,
    path_or_file: PathOrFile = None,
    *,
    min_score: float = TMX_MIN_SCORE,
    roles: Iterable[str] | None = TMX_ROLES,
    include_metadata: bool = True,
    arabic_code: str = "ar",
    english_code: str = "en",
    created: datetime | None = None,
) -> str:
    """The pairs as a TMX 1.4b translation memory (Arabic source, English target).

    One ``<tu>`` per kept pair, ``tuid`` being the pair's position in
    ``Alignment.pairs``, with ``<tuv xml:lang="ar">`` then ``<tuv xml:lang="en">``
    (or the codes given). A unit that merges several sentences on a side (a
    ``2-1`` or ``1-3`` link) is not one sentence: it gets ``segtype="block"`` and
    ``<prop type="x-segtype">merged</prop>``; the others are sentences, like the
    header's ``segtype``. The header and each unit carry ``creationdate`` (UTC,
    ``YYYYMMDDThhmmssZ``). Characters XML 1.0 forbids (control characters) are
    dropped; everything else is escaped by `xml.etree.ElementTree` (and carriage
    returns are written as ``&#13;`` so that they survive parsing).

    By default only headlines and body text scoring at least `TMX_MIN_SCORE` go
    in: bylines, captions and categories are page furniture, and lower scores are
    too often wrong for a translation memory (see docs/formats.md).

    Args:
        res: The alignment.
        path_or_file: Where to write (see the module docstring); ``None`` only returns.
        min_score: Leave out the pairs scoring below it (0 to 1).
        roles: Keep only the pairs whose segments all have one of these roles
            (`bialign.ROLES`); ``None`` keeps every role. Default: `TMX_ROLES`.
        include_metadata: Add ``<prop>`` elements: ``x-score``, ``x-link-type``,
            ``x-arabic-ids``, ``x-english-ids`` (and ``x-segtype`` on merged
            units) per unit; ``x-signature``, ``x-arabic-source`` and
            ``x-english-source`` (where each article came from, when known) in
            the header.
        arabic_code: The language tag of the Arabic side (``"ar"``, ``"ar-SA"`` …).
        english_code: The language tag of the English side (``"en"``, ``"en-GB"`` …).
        created: The creation date to write (a timezone-aware `datetime`);
            ``None``: now.

    Returns:
        The TMX document (UTF-8 declaration, two-space indentation).

    Raises:
        OptionError: An option has a value it does not accept.
        UnknownNameError: A name in ``roles`` is not a role.
        OutputError: The path cannot be written.
    """
    keep = _filter(min_score, roles)
    include_metadata = _check_bool("include_metadata", include_metadata)
    arabic_code = check_language_tag("arabic_code", arabic_code, "ar")
    english_code = check_language_tag("english_code", english_code, "en")
    if created is None:
        created = datetime.now(UTC)
    elif not isinstance(created, datetime) or created.utcoffset() is None:
        raise OptionError("created", created, "None or a timezone-aware datetime")
    stamp = _tmx_date(created)
    root, header, body = _tmx_skeleton(stamp, arabic_code)
    if include_metadata:
        _prop(header, "x-signature", res.signature)
        for kind, art in (("x-arabic-source", res.arabic), ("x-english-source", res.english)):
            if art.source is not None:
                _prop(header, kind, str(art.source))
    for pid, pair in _kept_pairs(res, keep):
        merged = len(pair.arabic) > 1 or len(pair.english) > 1
        attrs = {"tuid": str(pid), "creationdate": stamp}
        if merged:
            attrs["segtype"] = "block"
        tu = ET.SubElement(body, "tu", attrs)
        if include_metadata:
            _prop(tu, "x-score", f"{pair.score:.4f}")
            _prop(tu, "x-link-type", pair.link_type)
            _prop(tu, "x-arabic-ids", _ids(pair.arabic))
            _prop(tu, "x-english-ids", _ids(pair.english))
            if merged:
                _prop(tu, "x-segtype", "merged")
        for lang, text in ((arabic_code, pair.arabic_text), (english_code, pair.english_text)):
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = _xml_text(text)
    return _emit(_tmx_text(root), path_or_file)


def _tmx_skeleton(stamp: str, srclang: str) -> tuple[ET.Element, ET.Element, ET.Element]:
    """A TMX 1.4 document's root, header and (empty) body, as bialign writes them."""
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "bialign",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": srclang,
            "o-tmf": "bialign",
            "creationdate": stamp,
        },
    )
    return root, header, ET.SubElement(root, "body")


def _tmx_text(root: ET.Element) -> str:
    """The TMX document as text: XML declaration, two-space indentation, final newline."""
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    # XML parsers turn a raw CR into LF; a character reference keeps it. The indentation
    # holds only LF, so every CR here is content.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text.replace("\r", "&#13;") + "\n"


def _prop(parent: ET.Element, kind: str, value: str) -> None:
    ET.SubElement(parent, "prop", {"type": kind}).text = _xml_text(value)
