"""A small structural validator for the replacement's responses, driven by catalog data.

When the retired family answers 404/410 there is nothing left to compare against, but the
replacement's answer can still be held to its own documented schema (``check.json`` ``schemas``,
derived from the official OpenAPI components).  Supported: ``type``, ``enum``, ``pattern``,
``format: date-time``, ``items`` and ``$ref`` to another stored schema; properties the schema does
not document are reported too, since a leaked retired field (``clusterName``) is exactly that.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Mapping

from flexmigrate.check import paths
from flexmigrate.check.compare import json_type
from flexmigrate.models.check_results import Difference, DiffKind

Json = Any


class SchemaValidator:
    """Validates documents against the named schemas of ``check.json``."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self._schemas = {
            k: v for k, v in schemas.items() if not k.startswith("_") and k != "pattern_translations"
        }
        self._translations: Mapping[str, str] = schemas.get("pattern_translations", {})
        self._patterns: dict[str, re.Pattern[str] | None] = {}

    def has(self, name: str) -> bool:
        return name in self._schemas

    def validate(self, doc: Json, name: str) -> tuple[Difference, ...]:
        """Every violation, as a :class:`Difference` of kind ``schema`` (``new`` holds the value)."""
        problems: list[Difference] = []
        self._check(doc, {"$ref": name}, "", problems)
        return tuple(problems)

    def _check(self, value: Json, schema: Mapping[str, Any], path: str, out: list[Difference]) -> None:
        if "$ref" in schema:
            schema = self._schemas[schema["$ref"]]
        expected = schema.get("type")
        actual = json_type(value)
        if expected and not (actual == expected or (expected == "integer" and isinstance(value, int))):
            out.append(Difference(path or "$", DiffKind.SCHEMA, f"type {expected}", value))
            return
        if "enum" in schema and value not in schema["enum"]:
            out.append(Difference(path, DiffKind.SCHEMA, f"one of {schema['enum']}", value))
        if "pattern" in schema and isinstance(value, str):
            regex = self._pattern(schema["pattern"])
            if regex is not None and not regex.search(value):
                out.append(Difference(path, DiffKind.SCHEMA, f"pattern {schema['pattern']}", value))
        if schema.get("format") == "date-time" and isinstance(value, str) and not _is_datetime(value):
            out.append(Difference(path, DiffKind.SCHEMA, "format date-time", value))
        if actual == "object" and "properties" in schema:
            props = schema["properties"]
            for key, sub in value.items():
                where = paths.child(path, key)
                if key in props:
                    self._check(sub, props[key], where, out)
                else:
                    out.append(Difference(where, DiffKind.SCHEMA, "no such property", sub))
            for key in schema.get("required", ()):
                if key not in value:
                    out.append(Difference(paths.child(path, key), DiffKind.SCHEMA, "required", None))
        if actual == "array" and "items" in schema:
            for i, sub in enumerate(value):
                self._check(sub, schema["items"], paths.item(path, i), out)

    def _pattern(self, pattern: str) -> re.Pattern[str] | None:
        if pattern not in self._patterns:
            text = pattern
            for spec_form, python_form in self._translations.items():
                text = text.replace(spec_form, python_form)
            try:
                self._patterns[pattern] = re.compile(text)
            except re.error:  # a construct Python's re lacks: skip rather than misjudge
                self._patterns[pattern] = None
        return self._patterns[pattern]


def _is_datetime(text: str) -> bool:
    candidate = text[:-1] + "+00:00" if text.endswith("Z") else text
    try:
        datetime.fromisoformat(candidate)
    except ValueError:
        return False
    return "T" in text or " " in text
