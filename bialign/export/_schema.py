"""The JSON Schema of the JSON form (`bialign.export.JSON_SCHEMA`)."""

from __future__ import annotations

from typing import Any

#: The value of the ``"format"`` field of the JSON form.
FORMAT_VERSION = "bialign-alignment/1"


_INDEX = {"type": "integer", "minimum": 0}
_SPAN = {"type": "array", "items": _INDEX, "minItems": 2, "maxItems": 2}

_DIFF_ITEM = {
    "type": "object",
    "required": ["kind", "text", "lang", "start", "end", "segment", "pair", "spans"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["passage", "clause", "name", "number", "date"]},
        "text": {"type": "string"},
        "lang": {"enum": ["ar", "en"]},
        "start": _INDEX,
        "end": _INDEX,
        "segment": _INDEX,
        "pair": {"oneOf": [_INDEX, {"type": "null"}]},
        "spans": {"type": "array", "items": _SPAN},
        "value": {"type": "string"},
        "score": {"type": ["number", "null"]},
        "partner": {"oneOf": [_INDEX, {"type": "null"}]},
    },
}
_SHARED_ITEM = {
    "type": "object",
    "required": ["kind", "arabic", "english", "arabic_span", "english_span"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["name", "number", "date"]},
        "arabic": {"type": "string"},
        "english": {"type": "string"},
        "arabic_span": _SPAN,
        "english_span": _SPAN,
        "arabic_segment": _INDEX,
        "english_segment": _INDEX,
        "value": {"type": "string"},
    },
}
_DIFFERENCES = {
    "type": "object",
    "description": "What only one version says (bialign.differences); offsets into each text.",
    "required": ["arabic_only", "english_only", "shared"],
    "additionalProperties": False,
    "properties": {
        "clause_threshold": {"type": "number"},
        "arabic_only": {"type": "array", "items": _DIFF_ITEM},
        "english_only": {"type": "array", "items": _DIFF_ITEM},
        "shared": {"type": "array", "items": _SHARED_ITEM},
    },
}

#: JSON Schema (draft 2020-12) of the output of `to_json`.
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:bialign:schema:bialign-alignment/1",
    "title": "bialign alignment",
    "description": "An Arabic article aligned with its English counterpart (bialign.to_json).",
    "type": "object",
    "required": [
        "format",
        "signature",
        "arabic",
        "english",
        "pairs",
        "arabic_only",
        "english_only",
    ],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT_VERSION},
        "signature": {"type": "string"},
        "arabic": {"$ref": "#/$defs/article"},
        "english": {"$ref": "#/$defs/article"},
        "pairs": {"type": "array", "items": {"$ref": "#/$defs/pair"}},
        "arabic_only": {"type": "array", "items": _INDEX, "uniqueItems": True},
        "english_only": {"type": "array", "items": _INDEX, "uniqueItems": True},
        "document": {"$ref": "#/$defs/document"},
        "candidates": {"type": "array", "items": {"$ref": "#/$defs/pair"}},
        "differences": _DIFFERENCES,
    },
    "$defs": {
        "document": {
            "type": "object",
            "description": "Whether the two articles tell the same story (bialign.document).",
            "required": ["probability", "verdict", "features"],
            "additionalProperties": False,
            "properties": {
                "probability": {"type": "number", "minimum": 0, "maximum": 1},
                "verdict": {"enum": ["counterpart", "same event", "unrelated"]},
                "features": {"type": "object", "additionalProperties": {"type": "number"}},
                "shared_people": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "People both articles name (evidence for 'same event').",
                },
            },
        },
        "article": {
            "type": "object",
            "required": ["lang", "source", "text", "segments"],
            "additionalProperties": False,
            "properties": {
                "lang": {"type": "string"},
                "source": {"type": ["string", "null"]},
                "text": {"type": "string"},
                "segments": {"type": "array", "items": {"$ref": "#/$defs/segment"}},
            },
        },
        "segment": {
            "type": "object",
            "required": ["index", "text", "role", "start", "end", "paragraph"],
            "additionalProperties": False,
            "properties": {
                "index": _INDEX,
                "text": {"type": "string"},
                "role": {"type": "string"},
                "start": _INDEX,
                "end": _INDEX,
                "paragraph": _INDEX,
                "lang": {
                    "type": "string",
                    "description": "Only when it differs from the article's language.",
                },
            },
        },
        "pair": {
            "type": "object",
            "required": [
                "id",
                "arabic",
                "english",
                "arabic_text",
                "english_text",
                "score",
                "link_type",
                "evidence",
            ],
            "additionalProperties": False,
            "properties": {
                "id": _INDEX,
                "arabic": {"type": "array", "items": _INDEX},
                "english": {"type": "array", "items": _INDEX},
                "arabic_text": {"type": "string"},
                "english_text": {"type": "string"},
                "score": {"type": "number"},
                "link_type": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
                "evidence": {"$ref": "#/$defs/evidence"},
            },
        },
        "evidence": {
            "type": "object",
            "required": ["signals", "names", "numbers", "conflicts", "single_scores"],
            "additionalProperties": False,
            "properties": {
                "signals": {"type": "object", "additionalProperties": {"type": "number"}},
                "names": {"type": "array", "items": {"$ref": "#/$defs/name"}},
                "numbers": {"type": "array", "items": {"type": "string"}},
                "conflicts": {"type": "array", "items": {"type": "string"}},
                "single_scores": {
                    "type": "array",
                    "items": {
                        "type": "array",
                        "prefixItems": [_SPAN, {"type": "number"}],
                        "minItems": 2,
                        "maxItems": 2,
                    },
                },
            },
        },
        "name": {
            "type": "object",
            "required": [
                "arabic",
                "english",
                "score",
                "source",
                "arabic_segment",
                "english_segment",
                "arabic_span",
                "english_span",
            ],
            "additionalProperties": False,
            "properties": {
                "arabic": {"type": "string"},
                "english": {"type": "string"},
                "score": {"type": "number"},
                "source": {"type": "string"},
                "arabic_segment": _INDEX,
                "english_segment": _INDEX,
                "arabic_span": _SPAN,
                "english_span": _SPAN,
            },
        },
    },
}
