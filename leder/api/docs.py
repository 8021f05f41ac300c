"""The API's documentation page, made on the server from the OpenAPI document.

The stock Swagger UI and Redoc load their scripts from a CDN, which the service cannot depend
on (and which the CSP refuses). This page lists every operation with its scope, parameters,
request fields, responses and examples, generated from the same OpenAPI document clients read
at /api/v1/openapi.json, so the two never disagree. It is public: it holds no data.
"""

import json
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from leder.api.api import api
from leder.api.errors import CODES, MESSAGES
from leder.api.models import ApiScope

EXAMPLE_VALUES = {
    "date": "2026-02-27",
    "date-time": "2026-02-27T14:05:00+00:00",
    "uuid": "0b9d2a4e-8f61-4c1e-9a3b-5d7f0e2c4a18",
    "email": "alex.morgan@example.nhs.uk",
}
METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


@dataclass
class Row:
    name: str
    type: str
    required: bool
    description: str

    @property
    def name_html(self) -> str:
        return format_html("<code>{}</code>", self.name)


@dataclass
class ResponseDoc:
    status: str
    description: str
    example: str


@dataclass
class OperationDoc:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    scopes: list[str]
    parameters: list[Row] = field(default_factory=list)
    body_fields: list[Row] = field(default_factory=list)
    body_example: str = ""
    responses: list[ResponseDoc] = field(default_factory=list)


@dataclass
class SectionDoc:
    title: str
    anchor: str
    operations: list[OperationDoc]


class SchemaReader:
    """Walks one OpenAPI document: resolves `$ref`, names types, makes examples."""

    def __init__(self, document: dict):
        self.document = document

    def resolve(self, schema: dict) -> dict:
        seen = 0
        while "$ref" in schema and seen < 20:
            path = schema["$ref"].removeprefix("#/").split("/")
            target = self.document
            for part in path:
                target = target[part]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            seen += 1
        return schema

    def _non_null(self, schema: dict) -> tuple[dict, bool]:
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            real = [self.resolve(o) for o in options if o.get("type") != "null"]
            nullable = len(real) < len(options)
            if len(real) == 1:
                merged = {**real[0], **{k: v for k, v in schema.items() if k not in ("anyOf",)}}
                return merged, nullable
        return schema, False

    def type_name(self, schema: dict) -> str:
        schema, nullable = self._non_null(schema)
        if "enum" in schema:
            name = "one of: " + ", ".join(str(v) for v in schema["enum"])
        elif schema.get("type") == "array":
            name = f"list of {self.type_name(schema.get('items', {}))}"
        elif schema.get("type") == "object" or "properties" in schema:
            name = "object"
        else:
            name = schema.get("format") or schema.get("type") or "any"
            if name == "date-time":
                name = "date and time (ISO 8601)"
            elif name == "date":
                name = "date (YYYY-MM-DD)"
        if schema.get("maxLength"):
            name += f", up to {schema['maxLength']} characters"
        return name + (", or null" if nullable else "")

    def rows(self, schema: dict, prefix: str = "") -> list[Row]:
        """One row per field, nested objects flattened to dotted names."""
        schema, _ = self._non_null(schema)
        required = set(schema.get("required", []))
        rows = []
        for name, prop in schema.get("properties", {}).items():
            resolved, _ = self._non_null(prop)
            dotted = f"{prefix}{name}"
            description = prop.get("description") or resolved.get("description") or ""
            if "properties" in resolved:
                rows.append(Row(dotted, "object", name in required, description))
                rows.extend(self.rows(resolved, prefix=f"{dotted}."))
            else:
                rows.append(Row(dotted, self.type_name(prop), name in required, description))
        return rows

    def example(self, schema: dict, depth: int = 0):
        original = schema
        schema, nullable = self._non_null(schema)
        for source in (original, schema):
            if source.get("examples"):
                return source["examples"][0]
        if schema.get("default") is not None:
            return schema["default"]
        if "enum" in schema:
            return schema["enum"][0]
        if depth > 6:
            return None
        if "properties" in schema:
            return {
                name: self.example(prop, depth + 1) for name, prop in schema["properties"].items()
            }
        kind = schema.get("type")
        if kind == "array":
            return [self.example(schema.get("items", {}), depth + 1)]
        if kind == "string":
            return EXAMPLE_VALUES.get(schema.get("format", ""), "text")
        if kind == "integer":
            return 1
        if kind == "number":
            return 0.5
        if kind == "boolean":
            return True
        return None if nullable else {}


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _error_example(status: str) -> dict:
    code = int(status) if status.isdigit() else 0
    item = {"code": CODES.get(code, "error"), "message": MESSAGES.get(code, "")}
    if code == 422:
        item = {
            "code": "invalid",
            "message": "Date of death must be today or in the past",
            "field": "person.date_of_death",
        }
    return {"errors": [item]}


def _anchor(method: str, path: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in path.strip("/"))
    return f"{method}-{cleaned}".strip("-").lower()


def operation_docs(document: dict) -> list[SectionDoc]:
    """The operations of `document`, grouped by tag in the order they were registered."""
    reader = SchemaReader(document)
    sections: dict[str, list[OperationDoc]] = {}
    for path, methods in document.get("paths", {}).items():
        for method, operation in sorted(methods.items(), key=lambda m: METHOD_ORDER.get(m[0], 9)):
            doc = OperationDoc(
                anchor=_anchor(method, path),
                method=method.upper(),
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                scopes=operation.get("x-scopes", []),
            )
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                where = {"header": "A request header.", "path": "Part of the address."}
                description = parameter.get("description") or schema.get("description", "")
                doc.parameters.append(
                    Row(
                        name=parameter["name"],
                        type=reader.type_name(schema),
                        required=parameter.get("required", False),
                        description=f"{where.get(parameter.get('in'), '')} {description}".strip(),
                    )
                )
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                doc.body_fields = reader.rows(body["schema"])
                doc.body_example = _json(reader.example(body["schema"]))
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                if status.startswith(("4", "5")):
                    example = _error_example(status)
                else:
                    example = reader.example(content["schema"]) if content else None
                doc.responses.append(
                    ResponseDoc(
                        status=status,
                        description=response.get("description", ""),
                        example=_json(example) if example is not None else "",
                    )
                )
            tag = (operation.get("tags") or ["Other"])[0]
            sections.setdefault(tag, []).append(doc)
    return [
        SectionDoc(title=tag, anchor=_anchor("section", tag), operations=ops)
        for tag, ops in sections.items()
    ]


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    # Rendered and read back, so the page sees exactly the JSON that clients are served.
    served = api.renderer.render(request, api.get_openapi_schema(), response_status=200)
    document = json.loads(served)
    return render(
        request,
        "api/docs.jinja",
        {
            "info": document.get("info", {}),
            "sections": operation_docs(document),
            "scopes": [(format_html("<code>{}</code>", v), label) for v, label in ApiScope.choices],
            "openapi_url": reverse("api:openapi-json"),
            "error_example": _json(
                {
                    "errors": [
                        {
                            "code": "invalid",
                            "message": "Enter the first name of the person who died",
                            "field": "person.given_name",
                        }
                    ]
                }
            ),
        },
    )
