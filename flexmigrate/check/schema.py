"""The replacement's answers held to their documented schemas, by the jsonschema library.

When the retired family answers 404/410 there is nothing left to compare against, but the
replacement's answer can still be held to its own documented schema.  The schemas are the official
OpenAPI components (``check.json`` ``schemas``; ``tests/catalog`` holds them against the spec
excerpts), validated here by ``jsonschema`` (draft 2020-12, the JSON Schema dialect OpenAPI 3.1
uses).  Two things are the checker's own on top of the spec: a property the schema does not
document is reported (a leaked retired field such as ``clusterName`` is exactly that), and
``date-time`` is checked as a format.  Each violation becomes a :class:`Difference` of kind
``schema`` named by the checker's field path.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, Mapping

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from flexmigrate.check import paths
from flexmigrate.models.check_results import Difference, DiffKind

Json = Any
_NOT_SCHEMAS = ("pattern_translations",)


def _is_datetime(text: object) -> bool:
    if not isinstance(text, str):
        return True  # formats apply to strings only
    candidate = text[:-1] + "+00:00" if text.endswith("Z") else text
    try:
        datetime.fromisoformat(candidate)
    except ValueError:
        return False
    return "T" in text or " " in text


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(_is_datetime)


class SchemaValidator:
    """Validates documents against the named schemas of ``check.json``."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        translations: Mapping[str, str] = schemas.get("pattern_translations", {})
        named = {k: v for k, v in schemas.items() if not k.startswith("_") and k not in _NOT_SCHEMAS}
        self._defs = {name: _prepared(schema, translations) for name, schema in named.items()}
        # pattern as the checker runs it -> pattern as the spec writes it (for messages)
        self._spec_patterns: dict[str, str] = {}
        for schema in named.values():
            _collect_patterns(schema, translations, self._spec_patterns)
        self._validators: dict[str, Draft202012Validator] = {}

    def has(self, name: str) -> bool:
        return name in self._defs

    def validator_for(self, name: str) -> Draft202012Validator:
        if name not in self._validators:
            root = {"$defs": self._defs, "$ref": f"#/$defs/{name}"}
            Draft202012Validator.check_schema(root)
            self._validators[name] = Draft202012Validator(root, format_checker=_FORMATS)
        return self._validators[name]

    def validate(self, doc: Json, name: str) -> tuple[Difference, ...]:
        """Every violation, as a :class:`Difference` of kind ``schema`` (``old`` says what was expected)."""
        problems: list[Difference] = []
        for error in self.validator_for(name).iter_errors(doc):
            problems.extend(self._differences(error))
        unique = {(d.field, d.old): d for d in problems}
        return tuple(sorted(unique.values(), key=lambda d: (d.field, str(d.old))))

    def _differences(self, error: ValidationError) -> list[Difference]:
        where = _path(error.absolute_path)
        value, schema, kind = error.instance, error.schema, error.validator
        if kind == "additionalProperties":
            known = set(schema.get("properties", {}))
            return [
                Difference(paths.child(where, key), DiffKind.SCHEMA, "no such property", sub)
                for key, sub in value.items()
                if key not in known
            ]
        if kind == "required":
            return [
                Difference(paths.child(where, key), DiffKind.SCHEMA, "required", None)
                for key in schema["required"]
                if key not in value
            ]
        if kind == "type":
            expected = f"type {schema['type']}"
        elif kind == "enum":
            expected = f"one of {schema['enum']}"
        elif kind == "pattern":
            expected = f"pattern {self._spec_patterns.get(schema['pattern'], schema['pattern'])}"
        elif kind == "format":
            expected = f"format {schema['format']}"
        else:
            expected = error.message
        return [Difference(where or "$", DiffKind.SCHEMA, expected, value)]


def _path(parts) -> str:
    out = ""
    for part in parts:
        out = paths.item(out, part) if isinstance(part, int) else paths.child(out, part)
    return out


def _prepared(schema: Any, translations: Mapping[str, str]) -> Any:
    """The stored schema as jsonschema runs it: refs into ``$defs``, Python patterns, no unknown properties."""
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                node["$ref"] = f"#/$defs/{ref}"
            if isinstance(node.get("pattern"), str):
                node["pattern"] = _translated(node["pattern"], translations)
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def _translated(pattern: str, translations: Mapping[str, str]) -> str:
    for spec_form, python_form in translations.items():
        pattern = pattern.replace(spec_form, python_form)
    return pattern


def _collect_patterns(node: Any, translations: Mapping[str, str], out: dict[str, str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            out[_translated(node["pattern"], translations)] = node["pattern"]
        for value in node.values():
            _collect_patterns(value, translations, out)
    elif isinstance(node, list):
        for value in node:
            _collect_patterns(value, translations, out)
