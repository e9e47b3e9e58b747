"""The pages behind problem `type` URIs: /problems/<code> says what a kind of problem
means and what to do, in Arabic or English (`?lang=`, else Accept-Language, else
English); /problems lists every kind. Plain HTML that loads nothing, for a person
reading an error, or a developer following its `type`.
"""
import re

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import force_locale, get_locale
from markupsafe import Markup, escape

from shared.i18n import LANGUAGES
from shared.problem_types import KINDS, TYPE_PREFIX

blp = Blueprint("problem_pages", __name__, url_prefix=TYPE_PREFIX.rstrip("/"),
                template_folder="templates")

_CODE = re.compile(r"`([^`]+)`")


def rich(text) -> Markup:
    """A registry text as HTML: escaped, with `names` set as code."""
    return Markup(_CODE.sub(r"<code dir=\"ltr\">\1</code>", str(escape(str(text)))))


def _in_language(template: str, **context):
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        with force_locale(lang):
            return _page(template, lang, **context)
    return _page(template, str(get_locale()), **context)


def _page(template: str, lang: str, **context):
    html = render_template(template, lang=lang, rtl=lang == "ar", rich=rich,
                           other="en" if lang == "ar" else "ar", **context)
    response = make_response(html)
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@blp.get("")
def index():
    return _in_language("problems/index.html", kinds=list(KINDS.values()))


@blp.get("/<code>")
def page(code: str):
    kind = KINDS.get(code)
    if kind is None:
        abort(404)
    return _in_language("problems/kind.html", kind=kind)


def init_app(app) -> None:
    app.register_blueprint(blp)
