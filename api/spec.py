"""What the OpenAPI document promises beyond what flask-smorest writes, so that client
generators build typed, honest clients from it. Each rule is generic: a new resource
gets it by being written the usual way (schemas named by use, `api.conventions`).

- Response schemas mark every field `required` (a nullable one stays required and
  nullable): BaseSchema refuses to dump an object lacking a declared field, so what a
  response schema declares is always sent. Found by use: a schema reached from a
  response (directly or nested) is a response schema; one reached from a request is
  not; one reached from both is left alone, and tests/test_openapi.py names it (name
  schemas by use: `XCreate` and `X`).
- Enums are components referenced by name (`OrderStatus`, `Currency`, ...), never
  repeated per schema: every `fields.Enum`, and every field whose class names its
  values in `component_enum` (shared.schemas.base.Currency).
- Problems: one `Problem` schema (RFC 9457 with `code` and the documented extension
  members, open to more) and one response per status, typed application/problem+json,
  generated from shared/problem_types.py. api.conventions puts on each operation those
  it can answer.
"""
import enum
from http import HTTPStatus

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from marshmallow import fields

from shared.problem_types import EXTENSIONS, KINDS
from shared.schemas.base import Rate

PROBLEM_JSON = "application/problem+json"
SCHEMAS = "#/components/schemas/"
# How every amount is answered: ASCII digits, a '.' and two decimals; '-' on those that
# may be negative (a refund, a balance). Requests accept more (shared.schemas.base.Amount).
AMOUNT_ANSWERED = r"^-?[0-9]+\.[0-9]{2}$"
# An exchange rate is answered as typed, without trailing zeros ("34", "34.5").
RATE_PATTERN = Rate.PATTERN
RATE_ANSWERED = r"^[0-9]+(\.[0-9]+)?$"

# The responses every operation may reference, by status (api.conventions chooses).
PROBLEM_RESPONSES = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    409: "Conflict", 412: "PreconditionFailed", 413: "ContentTooLarge",
    415: "UnsupportedMediaType", 422: "UnprocessableContent", 429: "TooManyRequests",
}
_PROBLEM_HEADERS = {
    401: {"WWW-Authenticate": {"description": "`Bearer realm=\"tawasi\"`.",
                               "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait before trying again.",
                          "schema": {"type": "integer"}}},
}


# --- enums as components ---------------------------------------------------------------


def _enum_of(field) -> tuple[str, list, str] | None:
    """(component name, values, description) of a field whose values are a named set."""
    if isinstance(field, fields.Enum):
        cls: type[enum.Enum] = field.enum
        values = [m.value for m in cls] if field.by_value else list(cls.__members__)
        return cls.__name__, values, (cls.__dict__.get("__doc__") or "").strip()
    named = getattr(field, "component_enum", None)
    if named:
        return named
    return None


class ContractConverter(OpenAPIConverter):
    def init_attribute_functions(self):
        super().init_attribute_functions()
        # After the enum and metadata functions, before field2nullable (which wraps a
        # $ref as anyOf [$ref, null]).
        position = self.attribute_functions.index(self.field2nullable)
        self.attribute_functions.insert(position, self.enum2component)

    def enum2component(self, field, ret, **kwargs) -> dict:
        found = _enum_of(field)
        if found is None:
            return {}
        name, values, description = found
        schemas = self.spec.components.schemas
        component = {"type": "string", "enum": values}
        if description:
            component["description"] = description
        if name not in schemas:
            self.spec.components.schema(name, component)
        elif schemas[name].get("enum") != values:
            raise ValueError(f"two enums named {name} with different values")
        for key in ("type", "enum", "format"):
            ret.pop(key, None)
        ret["$ref"] = SCHEMAS + name
        return {}


    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        if getattr(schema, "TRIMMABLE", False):
            # Rows a client may trim with `fields=` (sync): only `id` is sure to come.
            jsonschema["x-trimmable"] = True
        return jsonschema


class ContractMarshmallowPlugin(MarshmallowPlugin):
    Converter = ContractConverter


# --- required on response schemas -------------------------------------------------------


def _refs(node):
    """The names of the component schemas `node` refers to, at any depth."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            yield ref[len(SCHEMAS):]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


class ResponseRequiredPlugin(BasePlugin):
    """Marks the fields of response schemas required (see the module's docstring)."""

    def init_spec(self, spec):
        self.spec = spec
        self.inputs: set[str] = set()
        self.outputs: set[str] = set()

    def _reach(self, names, seen: set[str]) -> set[str]:
        schemas = self.spec.components.schemas
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen or name not in schemas:
                continue
            seen.add(name)
            todo.extend(_refs(schemas[name]))
        return seen

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            self.inputs |= self._reach(
                _refs([operation.get("requestBody"), operation.get("parameters")]), set())
            outputs = self._reach(_refs(operation.get("responses")), set())
            for name in outputs - self.outputs - self.inputs:
                self._describe_response_schema(name)
            self.outputs |= outputs

    def _describe_response_schema(self, name: str) -> None:
        """Every field required; amounts in the one form the server writes them."""
        component = self.spec.components.schemas[name]
        properties = component.get("properties")
        if not properties:
            return
        component["required"] = ["id"] if component.get("x-trimmable") else sorted(
            key for key, prop in properties.items() if not prop.get("writeOnly"))
        for prop in properties.values():
            if prop.get("format") == "decimal" and prop.get("pattern") != RATE_PATTERN:
                prop["pattern"] = AMOUNT_ANSWERED
            elif prop.get("pattern") == RATE_PATTERN:
                prop["pattern"] = RATE_ANSWERED


# --- problems ---------------------------------------------------------------------------


def problem_schema() -> dict:
    codes = ", ".join(f"`{code}`" for code in KINDS)
    return {
        "type": "object",
        "description": (
            "RFC 9457 problem details. Branch on `code` (stable; new kinds may be added, so "
            "treat an unknown one by its `status`). `type` is the kind's page, which says "
            "what it means and what to do. `title` is the kind's title and `detail` this "
            "case's explanation, both in the request's language. Kinds may carry more "
            "members (extension members); those documented here are typed."),
        "required": ["type", "code", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference",
                     "description": "The kind's URI, relative to this server: a page "
                                    "explaining it (`/problems/{code}`).",
                     "example": "/problems/invalid-transition"},
            "code": {"type": "string", "description": f"The kind of problem: one of {codes}.",
                     "example": "invalid-transition"},
            "title": {"type": "string", "description": "The kind's title.",
                      "example": "Status change not allowed"},
            "status": {"type": "integer", "description": "The HTTP status.", "example": 409},
            "detail": {"type": "string", "description": "What went wrong here, and what to do.",
                       "example": "Order 12 is delivered and cannot become pending. "
                                  "Allowed next: none (it is final)."},
            **EXTENSIONS,
        },
    }


def _example(status: int) -> dict:
    """A problem of the first kind that usually comes with `status`, as it is answered."""
    usual = [k for k in KINDS.values() if k.statuses[0] == status]
    kind = (usual or [k for k in KINDS.values() if status in k.statuses])[0]
    example = {"type": kind.uri, "code": kind.code, "title": str(kind.title), "status": status,
               "detail": str(kind.meaning).replace("`", "")}
    if kind.code == "invalid":
        example["errors"] = EXTENSIONS["errors"]["example"]
    return example


def register_problems(spec) -> None:
    spec.components.schema("Problem", problem_schema())
    for status, name in PROBLEM_RESPONSES.items():
        kinds = ", ".join(f"`{k.code}`" for k in KINDS.values() if status in k.statuses)
        response = {
            "description": f"{HTTPStatus(status).phrase}: a problem of kind {kinds}.",
            "content": {PROBLEM_JSON: {"schema": {"$ref": SCHEMAS + "Problem"},
                                       "example": _example(status)}},
        }
        if status in _PROBLEM_HEADERS:
            response["headers"] = _PROBLEM_HEADERS[status]
        spec.components.response(name, response, lazy=True)


# --- operation ids ----------------------------------------------------------------------


_VERBS = {"get": "get", "post": "create", "put": "replace", "patch": "update", "delete": "delete"}


def singular(word: str) -> str:
    """'orders' -> 'order', 'entries' -> 'entry', 'statuses' -> 'status', 'progress' stays."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "uses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _camel(words: list[str]) -> str:
    parts = [part for word in words for part in word.replace("_", "-").split("-") if part]
    return "".join(part[:1].upper() + part[1:] for part in parts)


def operation_id(method: str, path: str, *, many: bool) -> str:
    """A stable id from the method and the path (under /api/vN):

    GET /orders (a list) -> listOrders; POST /orders -> createOrder; GET, PATCH and DELETE
    /orders/{order_id} -> getOrder, updateOrder, deleteOrder; GET
    /orders/{order_id}/payments (a list) -> listOrderPayments; POST ... -> createOrderPayment.
    A segment followed by an id is singular; the last one is singular for a create, as
    written otherwise. Actions that read badly this way declare theirs (`@blp.doc(operationId=...)`).
    """
    segments = [s for s in path.strip("/").split("/") if s]
    if len(segments) >= 2 and segments[0] == "api" and segments[1][:1] == "v":
        segments = segments[2:]
    words = []
    for i, segment in enumerate(segments):
        if segment.startswith("{"):
            continue
        followed_by_id = i + 1 < len(segments) and segments[i + 1].startswith("{")
        last = i == len(segments) - 1
        words.append(singular(segment) if followed_by_id or (last and method == "post") else segment)
    verb = "list" if method == "get" and many else _VERBS[method]
    return verb + _camel(words)
