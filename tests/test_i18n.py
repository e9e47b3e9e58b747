"""Error texts in Arabic or English: who gets which, and a catalogue that is complete and compiled."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from shared.i18n import select_locale, translate_message
from shared.models import Language, OrderStatus
from shared.money import CURRENCIES
from tests.factories import ProductFactory, SellerFactory, UserFactory, order_with_lines

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
AR = {"Accept-Language": "ar"}


def _arabic(response):
    assert response.headers["Content-Language"] == "ar"
    assert "Accept-Language" in response.headers["Vary"]
    return response.json


# --- Accept-Language: ar ------------------------------------------------------------------


def test_wrong_login_in_arabic(client):
    UserFactory(email="reem@example.com")

    response = client.post("/api/v1/auth/tokens", json={"email": "reem@example.com", "password": "wrong"},
                           headers=AR)

    assert response.status_code == 401
    body = _arabic(response)
    assert body["title"] == "البريد الإلكتروني أو كلمة المرور غير صحيحة"
    assert body["detail"] == "البريد الإلكتروني أو كلمة المرور غير صحيحة."


def test_unknown_route_in_arabic(client):
    response = client.get("/api/v1/nothing-here", headers=AR)

    assert response.status_code == 404
    body = _arabic(response)
    assert body["title"] == "غير موجود"
    assert body["detail"] == "لا يوجد شيء على هذا العنوان. قارن الرابط بما في /docs."


def test_field_errors_in_arabic_with_field_names_as_sent(client, auth):
    seller = SellerFactory()

    response = client.post("/api/v1/products", json={"name": "كريم", "price": "-5", "currency": "TRY"},
                           headers=auth(seller.owner, **AR))

    assert response.status_code == 422
    body = _arabic(response)
    assert body["title"] == "مدخلات غير صحيحة"
    assert body["errors"] == {"price": ["لا يمكن أن تكون القيمة سالبة."]}
    assert body["detail"] == "يرجى تصحيح: price: لا يمكن أن تكون القيمة سالبة."


def test_marshmallow_messages_with_values_in_arabic(client, auth):
    seller = SellerFactory()

    response = client.post("/api/v1/products", json={"name": "كريم", "price": "1", "currency": "XYZ",
                                                     "colour": "red"},
                           headers=auth(seller.owner, **AR))

    assert response.status_code == 422
    errors = _arabic(response)["errors"]
    assert errors["currency"] == [f"عملة غير معروفة: استخدم إحدى العملات {', '.join(CURRENCIES)}."]
    assert errors["colour"] == ["حقل غير معروف."]


def test_refused_status_change_in_arabic_lists_what_is_allowed(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])

    response = client.patch(f"/api/v1/orders/{order.id}", json={"status": "delivered"},
                            headers=auth(product.seller.owner, **AR))

    assert response.status_code == 409
    body = _arabic(response)
    assert body["title"] == "تغيير الحالة غير مسموح"
    assert body["detail"] == (f"حالة الطلب {order.number} «قيد الانتظار» ولا يمكن نقله إلى «تم التسليم». "
                              "الحالات الممكنة بعدها: مؤكد، ملغى.")
    assert body["allowed"] == ["confirmed", "cancelled"]  # values for programs stay as they are


def test_phone_that_cannot_be_parsed_in_arabic(client, auth):
    seller = SellerFactory()

    response = client.post("/api/v1/customers", json={"name": "أم أحمد", "phone": "not a phone"},
                           headers=auth(seller.owner, **AR))

    assert response.status_code == 422
    body = _arabic(response)
    assert body["title"] == "مدخلات غير صحيحة"
    assert body["errors"] == {"phone": ["'not a phone' ليس رقم هاتف؛ اكتبه هكذا: +963 944 567 890"]}
    assert body["detail"] == "phone: 'not a phone' ليس رقم هاتف؛ اكتبه هكذا: +963 944 567 890"


# --- who gets which language --------------------------------------------------------------


def _missing_product(client, headers):
    return client.get("/api/v1/products/nope", headers=headers)


def test_arabic_user_without_accept_language_reads_arabic(client, auth):
    user = UserFactory(language=Language.ar)

    response = _missing_product(client, auth(user))

    assert response.status_code == 404
    assert _arabic(response)["detail"] == "لا يوجد في حسابك منتج بالمعرّف 'nope'."


def test_accept_language_wins_over_the_users_language(client, auth):
    user = UserFactory(language=Language.ar)

    response = _missing_product(client, auth(user, **{"Accept-Language": "en-GB,en;q=0.9"}))

    assert response.status_code == 404
    assert response.headers["Content-Language"] == "en"
    assert response.json["detail"] == "No product with id 'nope' in your account."


def test_anonymous_without_accept_language_reads_english(client):
    response = client.get("/api/v1/products")

    assert response.status_code == 401
    assert response.headers["Content-Language"] == "en"
    assert response.json["title"] == "Authentication required"
    assert response.json["detail"].startswith("Send 'Authorization: Bearer <token>'")


@pytest.mark.parametrize("accept", ["fr", "fr-FR, de;q=0.5", "*"])
def test_a_language_we_do_not_have_falls_back_to_the_users(client, auth, accept):
    user = UserFactory(language=Language.ar)

    response = _missing_product(client, auth(user, **{"Accept-Language": accept}))

    assert response.status_code == 404
    assert response.headers["Content-Language"] == "ar"


def test_a_language_we_do_not_have_falls_back_to_english_when_anonymous(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "fr"})

    assert response.status_code == 404
    assert response.headers["Content-Language"] == "en"
    assert response.json["title"] == "Not found"


def test_regional_arabic_is_arabic(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "ar-SY,en;q=0.5"})

    assert response.status_code == 404
    assert response.headers["Content-Language"] == "ar"


def test_outside_a_request_the_language_is_english():
    assert select_locale() == "en"


@pytest.mark.parametrize("english, arabic", [
    ("Missing data for required field.", "هذا الحقل مطلوب."),
    ("Longer than maximum length 120.", "أطول من الحد الأقصى (120)."),
    ("Must be greater than or equal to 1 and less than or equal to 100.", "يجب أن تكون القيمة بين 1 و100."),
    ("Must be one of: whatsapp, facebook.", "اختر إحدى القيم: whatsapp, facebook."),
    ("Something nobody translated.", "Something nobody translated."),
])
def test_field_messages_are_translated_with_their_values(english, arabic):
    with force_locale("ar"):
        assert translate_message(english) == arabic


def test_order_status_names_in_english_are_the_api_values(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=OrderStatus.delivered)

    response = client.patch(f"/api/v1/orders/{order.id}", json={"status": "cancelled"},
                            headers=auth(product.seller.owner))

    assert response.status_code == 409
    assert response.json["detail"] == (f"Order {order.number} is delivered and cannot become cancelled. "
                                       "Allowed next: none (it is final).")


# --- the catalogue ------------------------------------------------------------------------


def _messages(catalog) -> dict:
    """{(context, msgid): msgstr}; read_mo gives contexts as bytes, read_po as str."""
    def text(context):
        return context.decode() if isinstance(context, bytes) else context

    return {(text(m.context), m.id): m.string for m in catalog if m.id}


def test_committed_mo_is_the_compiled_po():
    """A .po edited without `make translations` (or `pybabel compile`) fails here."""
    with PO.open("rb") as po, MO.open("rb") as mo:
        assert _messages(read_mo(mo)) == _messages(read_po(po))


def test_every_message_has_an_arabic_text_with_the_same_placeholders():
    with PO.open("rb") as po:
        catalog = read_po(po)
    for message in catalog:
        if not message.id:
            continue
        assert message.string.strip(), f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {message.id!r}"
        placeholders = re.compile(r"%\(\w+\)[sr]")
        assert sorted(placeholders.findall(message.string)) == sorted(placeholders.findall(message.id)), \
            message.id
        assert re.search(r"[\u0600-\u06ff]", message.string) or message.id.strip(" ,") == "", message.id


def test_every_text_marked_in_the_code_is_in_the_catalogue():
    """A new `_l("...")` without `make translations` (and an Arabic text) fails here."""
    method_map = [("api/**.py", "python"), ("shared/**.py", "python"), ("admin/**.py", "python"),
                  ("wsgi.py", "python")]
    keywords = {"_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2),
                "gettext": None, "pgettext": ((1, "c"), 2), "N_": None}
    in_code = {(context, msgid) for _file, _line, msgid, _comments, context
               in extract_from_dir(str(ROOT), method_map, keywords=keywords)}
    with PO.open("rb") as po:
        in_catalogue = set(_messages(read_po(po)))
    assert in_code - in_catalogue == set()


def test_unhandled_error_in_arabic(tmp_path):
    from wsgi import create_app

    app = create_app({"TESTING": False, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom", headers=AR)

    assert response.status_code == 500
    body = _arabic(response)
    assert body["title"] == "خطأ في الخادم"
    assert body["detail"] == "حدث خطأ من جهتنا وقد سُجّل؛ حاول مرة أخرى لاحقاً."


def test_a_user_who_cannot_be_loaded_gets_english_not_a_failure(client, monkeypatch):
    """While the database is down the error still answers (in English)."""
    from sqlalchemy.exc import OperationalError

    from shared.services import accounts

    def down(*_args):
        raise OperationalError("SELECT", {}, Exception("database is down"))

    monkeypatch.setattr(accounts, "user_for_token", down)

    response = client.get("/api/v1/nothing-here", headers={"Authorization": "Bearer any"})

    assert response.status_code == 404
    assert response.headers["Content-Language"] == "en"


def test_a_500_after_a_failed_transaction_answers_in_the_users_language(app, auth):
    """The locale comes from the logged-in user, whose row must still be readable after the
    failed statement aborted the transaction (PostgreSQL refuses every query until rollback)."""
    import sqlalchemy as sa

    from shared.extensions import db as database
    from shared.models import Language
    from tests.factories import UserFactory
    from wsgi import create_app

    user = UserFactory(language=Language.ar)
    headers = auth(user)  # no Accept-Language: the user's own language decides
    failing = create_app({"TESTING": False, "SECRET_KEY": "x",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    @failing.get("/api/v1/broken-query")
    def broken_query():
        database.session.execute(sa.text("SELECT no_such_column FROM users"))

    with failing.app_context():
        response = failing.test_client().get("/api/v1/broken-query", headers=headers)
        database.session.remove()
        database.engine.dispose()

    assert response.status_code == 500
    assert response.headers["Content-Language"] == "ar"
    assert response.json["title"] == "خطأ في الخادم"


def test_refusing_to_delete_a_bought_run_is_all_arabic(client, auth):
    from shared.models import MarketRunStatus
    from tests.factories import MarketRunFactory

    run = MarketRunFactory(status=MarketRunStatus.bought)

    response = client.delete(f"/api/v1/market-runs/{run.id}", headers={**auth(run.seller.owner), **AR})

    assert response.status_code == 409
    assert not any("a" <= c.lower() <= "z" for c in response.json["detail"])
