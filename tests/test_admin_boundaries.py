"""admin/ parses, calls a service in shared/ and renders: it never writes a row itself,
and every text it shows is in the Arabic catalogue."""
import ast
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ROOT / "admin"
PO = ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po"

SESSION_WRITES = {"add", "add_all", "delete", "merge", "execute", "flush", "bulk_save_objects",
                  "bulk_insert_mappings", "bulk_update_mappings"}
# Framework objects admin/ may configure; any other `x.attr = ...` could be a row changed
# behind the services' back.
CONFIGURABLE = {"app", "babel", "g", "response"}


def _trees():
    for path in sorted(ADMIN.rglob("*.py")):
        yield path.relative_to(ROOT), ast.parse(path.read_text())


def test_admin_never_writes_through_a_session():
    found = [f"{path}:{node.lineno}: {ast.unparse(node.func)}()"
             for path, tree in _trees() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in SESSION_WRITES and ast.unparse(node.func.value).endswith("session")]

    assert found == [], "admin/ changes rows only through shared/services"


def test_admin_builds_no_sql():
    found = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path}:{node.lineno}: {name}" for name in names
                      if name.split(".")[0] == "sqlalchemy" and name != "sqlalchemy.exc"]

    assert found == [], "queries belong in shared/services (admin/ may only catch sqlalchemy.exc)"


def test_admin_sets_no_attribute_of_a_row():
    found = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])
            for target in targets:
                if isinstance(target, ast.Attribute):
                    base = target.value
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if not (isinstance(base, ast.Name) and base.id in CONFIGURABLE):
                        found.append(f"{path}:{node.lineno}: {ast.unparse(target)} = ...")

    assert found == [], "a row's fields change in a service, never in admin/"


def test_every_text_in_the_admin_templates_is_in_the_catalogue():
    """A new `_("...")` in a template without `make translations` (and an Arabic text) fails here."""
    in_templates = {(context, msgid) for _file, _line, msgid, _comments, context
                    in extract_from_dir(str(ROOT), [("admin/templates/**.html", "jinja2")])}
    with PO.open("rb") as po:
        in_catalogue = {(message.context, message.id) for message in read_po(po) if message.id}

    assert in_templates, "no text found: is the jinja2 extractor installed?"
    assert in_templates - in_catalogue == set()


def test_admin_ends_a_transaction_only_in_its_conventions():
    """One commit per request, in admin.conventions.View: no view commits or rolls back itself."""
    found = [f"{path}:{node.lineno}: {ast.unparse(node.func)}()"
             for path, tree in _trees() if path.name != "conventions.py" for node in ast.walk(tree)
             if isinstance(node, ast.Call)
             and (node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", ""))
             in ("commit", "rollback")]

    assert found == [], "admin views end their transaction through admin.conventions.View"


def test_every_admin_url_is_served_by_a_view_that_commits_once(app):
    from admin.conventions import View

    endpoints = [rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("admin.") and rule.endpoint != "admin.static"]

    assert len(endpoints) > 10
    for endpoint in endpoints:
        assert issubclass(app.view_functions[endpoint].view_class, View), endpoint


def test_the_admin_blueprint_refuses_a_plain_function_view():
    import pytest

    from admin.conventions import Blueprint

    blueprint = Blueprint("elsewhere", __name__)
    with pytest.raises(TypeError, match="admin.conventions.View"):
        blueprint.add_url_rule("/x", "x", lambda: "")
