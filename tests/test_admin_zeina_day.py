"""What Zeina tripped on in a day of using the admin from her phone, through Flask's test
client: counts typed with thousands marks, a promoter who already has an account joining
her team, a count typed by mistake taken back, a draft started by mistake deleted."""
import re
from datetime import timedelta

import pytest

from shared.extensions import db
from shared.models import JobStatus, Language, PromotionJob, Role, TeamMember, utcnow
from shared.text import without_grouping
from tests.factories import (
    JobFactory, PromoterFactory, TeamFactory, TeamMemberFactory, UserFactory, assign, record_count,
)
from tests.test_admin import HTMX, csrf_token, log_in
from tests.test_admin_promotions import _html, _post, _progress


@pytest.fixture
def job():
    """Zeina's active job: baseline 1,000, target +1,000, 300.00 TRY for the whole target."""
    return JobFactory(coordinator__language=Language.en, page__seller__coordinator__language=Language.en)


@pytest.fixture
def zeina(client, job):
    assert log_in(client, job.coordinator).status_code == 303
    return job.coordinator


# --- counts as people type them --------------------------------------------------------------


@pytest.mark.parametrize(("typed", "read"), [
    ("١٬٥٠٠", "١٥٠٠"), ("12,500", "12500"), ("12 500", "12500"), ("1,000,000", "1000000"),
    ("1500", "1500"), ("1,5", "1,5"), ("1,2345", "1,2345"), ("abc", "abc"),
])
def test_thousands_marks_are_dropped_only_between_groups_of_three(typed, read):
    assert without_grouping(typed) == read


@pytest.mark.parametrize("typed", ["1,500", "١٬٥٠٠", "1 500"])
def test_a_count_copied_from_the_page_with_thousands_marks_is_recorded(client, job, zeina, typed):
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/progress", {"count": typed}, page=page)

    assert response.status_code == 303
    html = _html(client.get(page))
    assert _progress(html) == "50" and "150.00 TRY" in html


def test_a_job_is_started_with_counts_written_with_thousands_marks(client, job, zeina):
    form = "/admin/promotions/new"

    created = _post(client, form, {"page_id": job.page_id, "title": "Instagram", "baseline_count": "١٬٠٠٠",
                                   "target_gain": "2,000", "price": "600", "currency": "TRY",
                                   "metric": "followers", "split": "equal"}, page=form)

    assert created.status_code == 303
    new = db.session.scalars(db.select(PromotionJob).where(PromotionJob.title == "Instagram")).one()
    assert (new.baseline_count, new.target_gain) == (1000, 2000)


# --- a promoter who already has an account joins the team ------------------------------------


def test_zeina_adds_a_promoter_who_has_an_account_by_her_email(client, job, zeina):
    salma = PromoterFactory(name="Salma", email="salma@example.com")

    response = _post(client, f"/admin/team/{job.team_id}/members", {"who": "  Salma@Example.com "},
                     page="/admin/team")

    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/team?saved=member#members")
    assert salma.id in {m.user_id for m in db.session.scalars(db.select(TeamMember).where(
        TeamMember.team_id == job.team_id))}
    assert "She is in the team now" in _html(client.get("/admin/team?saved=member"))


def test_zeina_adds_a_promoter_by_her_phone_typed_in_arabic_digits(client, job, zeina):
    lina = PromoterFactory(name="Lina", email=None, phone="+963944555666")

    response = _post(client, f"/admin/team/{job.team_id}/members", {"who": "٠٩٤٤ ٥٥٥ ٦٦٦"}, page="/admin/team")

    assert response.status_code == 303
    assert lina.id in {m.user_id for m in db.session.scalars(db.select(TeamMember).where(
        TeamMember.team_id == job.team_id))}


@pytest.mark.parametrize(("who", "code", "said"), [
    ("nobody@example.com", 404, "No promoter has an account with this email or phone"),
    ("", 422, "Type her email or her phone number."),
    ("huda@", 422, "Not a valid email address."),
])
def test_a_promoter_not_found_is_said_beside_the_box(client, job, zeina, who, code, said):
    response = _post(client, f"/admin/team/{job.team_id}/members", {"who": who}, page="/admin/team")

    assert response.status_code == code
    html = _html(response)
    assert f'id="who-{job.team_id}-error"' in html and said in html
    assert "<details open" in html  # the form stays open with its message
    assert "/api/v1" not in html  # the API's advice is not the admin's


def test_a_member_already_in_the_team_is_said_so(client, job, zeina):
    huda = TeamMemberFactory(team=job.team, user__name="Huda", user__email="huda@example.com").user

    response = _post(client, f"/admin/team/{job.team_id}/members", {"who": huda.email}, page="/admin/team")

    assert response.status_code == 409
    assert "Huda is already in this team." in _html(response)


def test_an_account_that_is_not_a_promoters_is_refused(client, job, zeina):
    UserFactory(role=Role.seller, email="reem@example.com")

    response = _post(client, f"/admin/team/{job.team_id}/members", {"who": "reem@example.com"}, page="/admin/team")

    assert response.status_code == 422
    assert "not a promoter" in _html(response)


def test_another_coordinators_team_is_not_found(client, job, zeina):
    theirs = TeamFactory()
    PromoterFactory(email="rahaf@example.com")

    response = _post(client, f"/admin/team/{theirs.id}/members", {"who": "rahaf@example.com"}, page="/admin/team")

    assert response.status_code == 404
    assert db.session.scalars(db.select(TeamMember).where(TeamMember.team_id == theirs.id)).all() == []


def test_a_promoter_cannot_add_members(client, job):
    huda = TeamMemberFactory(team=job.team, user__language=Language.en).user
    PromoterFactory(email="rahaf@example.com")
    assert log_in(client, huda).status_code == 303
    assert "Add her to the team" not in _html(client.get("/admin/team"))

    response = _post(client, f"/admin/team/{job.team_id}/members", {"who": "rahaf@example.com"}, page="/admin/team")

    assert response.status_code in (403, 404)


# --- a count typed by mistake ----------------------------------------------------------------


def test_zeina_deletes_a_count_typed_by_mistake_in_place(client, job, zeina):
    record_count(job, 1500, at=utcnow() - timedelta(hours=1))
    typo = record_count(job, 150)
    page = f"/admin/promotions/{job.id}"
    assert _progress(_html(client.get(page))) == "0"

    response = _post(client, f"{page}/progress/{typo.id}/delete", {"version": str(job.version)}, page=page,
                     headers={**HTMX, "HX-Target": "job"})

    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith('<div id="job"') and "Count deleted." in html
    assert _progress(html) == "50" and 'id="earned">150.00 TRY' in html
    db.session.expire_all()
    assert [r.count for r in db.session.get(PromotionJob, job.id).progress] == [1500]


def test_a_count_is_deleted_without_javascript_too(client, job, zeina):
    typo = record_count(job, 150)
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/progress/{typo.id}/delete", {"version": str(job.version)}, page=page)

    assert response.status_code == 303 and response.headers["Location"].endswith("?saved=count_deleted")


def test_the_counts_of_an_ended_job_cannot_be_deleted(client, job, zeina):
    record = record_count(job, 1500)
    job.status = JobStatus.completed
    db.session.commit()
    page = f"/admin/promotions/{job.id}"
    assert f"/progress/{record.id}/delete" not in _html(client.get(page))

    response = _post(client, f"{page}/progress/{record.id}/delete", {}, page=page)

    assert response.status_code == 409
    assert "<html" in _html(response) and "can no longer change" in _html(response)


def test_a_promoter_sees_no_delete_button_and_cannot_delete_a_count(client, job):
    record = record_count(job, 1500)
    huda = PromoterFactory(language=Language.en)
    assign(job, huda)
    assert log_in(client, huda).status_code == 303
    page = f"/admin/promotions/{job.id}"
    assert "/delete" not in _html(client.get(page))

    response = _post(client, f"{page}/progress/{record.id}/delete", {}, page=page)

    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert len(db.session.get(PromotionJob, job.id).progress) == 1


# --- a draft started by mistake --------------------------------------------------------------


def test_zeina_deletes_a_draft(client, job, zeina):
    draft = JobFactory(page=job.page, team=job.team, status=JobStatus.draft, started_at=None, title="Oops")
    page = f"/admin/promotions/{draft.id}"
    assert "Delete the draft" in _html(client.get(page))

    response = _post(client, f"{page}/delete", {"version": str(draft.version)}, page=page)

    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/promotions?saved=deleted")
    assert db.session.get(PromotionJob, draft.id) is None
    listed = _html(client.get(response.headers["Location"]))
    assert "The draft was deleted." in listed and "Oops" not in listed


def test_a_started_job_is_not_deleted_but_cancelled(client, job, zeina):
    page = f"/admin/promotions/{job.id}"
    assert "Delete the draft" not in _html(client.get(page))

    response = _post(client, f"{page}/delete", {"version": str(job.version)}, page=page)

    assert response.status_code == 409
    assert "Cancel it instead" in _html(response)
    assert db.session.get(PromotionJob, job.id) is not None


# --- which shop a page belongs to, when starting a job ---------------------------------------


def test_the_page_menu_names_each_pages_shop_with_no_query_per_page(client, job, zeina, count_queries):
    from shared.models import Platform
    from tests.factories import ClientShopFactory, PageFactory

    seller_id = job.seller_id
    for shop_name in ("Al-Saada sweets", "Yasmine boutique"):
        shop = ClientShopFactory(coordinator=zeina, name=shop_name)
        PageFactory(seller=shop, platform=Platform.instagram, name=None, handle=f"@{shop_name[:3].lower()}",
                    url=f"https://www.instagram.com/{shop_name[:3].lower()}")
    client.get("/admin/promotions/new")

    with count_queries() as few:
        html = _html(client.get("/admin/promotions/new"))
    from shared.models import Seller
    for _ in range(5):
        PageFactory(seller=db.session.get(Seller, seller_id))
    with count_queries() as many:
        more = _html(client.get("/admin/promotions/new"))

    assert '<optgroup label="Al-Saada sweets">' in html and '<optgroup label="Yasmine boutique">' in html
    assert re.search(r'<optgroup label="Al-Saada sweets">\s*<option value="[^"]+">@al- · Instagram</option>', html)
    assert more.count("<option ") == html.count("<option ") + 5
    assert many.count == few.count


# --- a job's terms, changed while it is a draft ----------------------------------------------


def test_zeina_changes_a_drafts_terms(client, job, zeina):
    draft = JobFactory(page=job.page, team=job.team, status=JobStatus.draft, started_at=None, title="Draft")
    form = f"/admin/promotions/{draft.id}/edit"
    assert "Edit the job" in _html(client.get(f"/admin/promotions/{draft.id}"))
    shown = _html(client.get(form))
    assert 'name="baseline_count"' in shown and 'value="1000"' in shown

    refused = _post(client, form, {"version": str(draft.version), "title": "Draft", "metric": "followers",
                                   "baseline_count": "1200", "target_gain": "0", "price": "300", "currency": "TRY",
                                   "split": "equal", "deadline": "", "disclosure": "#إعلان", "notes": ""}, page=form)
    assert refused.status_code == 422 and 'id="target_gain-error"' in _html(refused)
    saved = _post(client, form, {"version": str(draft.version), "title": "Two thousand", "metric": "followers",
                                 "baseline_count": "١٬٢٠٠", "target_gain": "2,000", "price": "٦٠٠",
                                 "currency": "TRY", "split": "equal", "deadline": "2026-12-31",
                                 "disclosure": "#إعلان", "notes": "", "reward_description": ""}, page=form)

    assert saved.status_code == 303 and saved.headers["Location"].endswith("?saved=terms")
    db.session.expire_all()
    changed = db.session.get(PromotionJob, draft.id)
    assert (changed.title, changed.baseline_count, changed.target_gain, str(changed.price)) == (
        "Two thousand", 1200, 2000, "600.00")
    assert str(changed.deadline) == "2026-12-31"


def test_a_draft_turns_from_a_price_to_a_reward_in_kind(client, job, zeina):
    draft = JobFactory(page=job.page, team=job.team, status=JobStatus.draft, started_at=None)
    form = f"/admin/promotions/{draft.id}/edit"

    saved = _post(client, form, {"version": str(draft.version), "title": "", "metric": "likes",
                                 "baseline_count": "10", "target_gain": "100", "price": "", "currency": "TRY",
                                 "reward_description": "صندوق حلويات", "split": "equal", "deadline": "",
                                 "disclosure": "#إعلان", "notes": ""}, page=form)

    assert saved.status_code == 303
    db.session.expire_all()
    changed = db.session.get(PromotionJob, draft.id)
    assert changed.price is None and changed.reward_description == "صندوق حلويات"


def test_a_started_jobs_terms_stay_as_agreed_but_its_title_and_deadline_change(client, job, zeina):
    form = f"/admin/promotions/{job.id}/edit"
    shown = _html(client.get(form))
    assert 'name="baseline_count"' not in shown and 'name="price"' not in shown

    saved = _post(client, form, {"version": str(job.version), "title": "Renamed", "baseline_count": "5",
                                 "price": "1", "deadline": "2026-12-31", "split": "equal", "disclosure": "#إعلان",
                                 "notes": "call Abu Khalil"}, page=form)

    assert saved.status_code == 303
    db.session.expire_all()
    changed = db.session.get(PromotionJob, job.id)
    assert (changed.title, changed.baseline_count, str(changed.price), changed.notes) == (
        "Renamed", 1000, "300.00", "call Abu Khalil")


def test_an_ended_job_and_a_promoter_cannot_edit(client, job):
    huda = PromoterFactory(language=Language.en)
    assign(job, huda)
    assert log_in(client, huda).status_code == 303
    assert "Edit the job" not in _html(client.get(f"/admin/promotions/{job.id}"))
    assert client.get(f"/admin/promotions/{job.id}/edit").status_code in (403, 404)


# --- a contest corrected or deleted ----------------------------------------------------------


def _contest(team, **kwargs):
    from datetime import datetime, timezone

    from shared.models import Contest
    contest = Contest(team_id=team.id, shop_name="Al-Rayhan perfumes", title="Best comment",
                      prize_description="A perfume set", starts_at=datetime(2026, 11, 20, 7, tzinfo=timezone.utc),
                      ends_at=datetime(2026, 11, 27, 18, tzinfo=timezone.utc), notes="", **kwargs)
    db.session.add(contest)
    db.session.commit()
    return contest


def test_zeina_corrects_a_contests_prize_and_end_in_local_time(client, job, zeina):
    from shared.models import Contest
    contest = _contest(job.team)
    assert f"/admin/contests/{contest.id}/edit" in _html(client.get("/admin/contests"))
    form = f"/admin/contests/{contest.id}/edit"
    shown = _html(client.get(form))
    assert 'value="2026-11-27T21:00"' in shown  # 18:00 UTC is 21:00 in Damascus

    saved = _post(client, form, {"version": str(contest.version), "title": "Best comment", "seller_id": "",
                                 "shop_name": "Al-Rayhan perfumes", "shop_url": "", "prize_description": "Two sets",
                                 "prize_value": "٤٠٠", "currency": "TRY", "starts_at": "2026-11-20T10:00",
                                 "ends_at": "2026-11-28T22:00", "rules_url": ""}, page=form)

    assert saved.status_code == 303
    db.session.expire_all()
    changed = db.session.get(Contest, contest.id)
    assert (changed.prize_description, str(changed.prize_value), changed.currency) == ("Two sets", "400.00", "TRY")
    assert changed.ends_at.replace(tzinfo=None).isoformat() == "2026-11-28T19:00:00"


def test_an_end_before_the_start_is_said_beside_the_field(client, job, zeina):
    contest = _contest(job.team)
    form = f"/admin/contests/{contest.id}/edit"

    refused = _post(client, form, {"version": str(contest.version), "starts_at": "2026-11-20T10:00",
                                   "ends_at": "2026-11-19T10:00"}, page=form)

    assert refused.status_code == 422 and 'id="ends_at-error"' in _html(refused)


def test_zeina_deletes_a_contest_added_by_mistake(client, job, zeina):
    from shared.models import Contest
    contest = _contest(job.team)
    form = f"/admin/contests/{contest.id}/edit"

    response = _post(client, f"/admin/contests/{contest.id}/delete", {"version": str(contest.version)}, page=form)

    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/contests?saved=deleted")
    assert db.session.get(Contest, contest.id) is None
    assert "Contest deleted." in _html(client.get(response.headers["Location"]))


def test_a_member_cannot_edit_or_delete_a_contest(client, job):
    from shared.models import Contest
    contest = _contest(job.team)
    huda = TeamMemberFactory(team=job.team, user__language=Language.en).user
    assert log_in(client, huda).status_code == 303
    assert "/edit" not in _html(client.get("/admin/contests"))
    assert client.get(f"/admin/contests/{contest.id}/edit").status_code == 403

    response = _post(client, f"/admin/contests/{contest.id}/delete", {}, page="/admin/contests")

    assert response.status_code == 403
    assert db.session.get(Contest, contest.id) is not None


# --- Reem's market run: each order's customer named, in one query ----------------------------


def test_a_market_runs_page_runs_the_same_queries_for_one_or_many_customers(client, count_queries):
    from shared.models import MarketRun, OrderStatus, Seller
    from tests.factories import MarketRunFactory, OrderFactory, SellerFactory

    reem = UserFactory(role=Role.seller)
    run = MarketRunFactory(seller=SellerFactory(owner=reem))
    seller_id, run_id = run.seller_id, run.id
    OrderFactory(seller=run.seller, market_run=run, status=OrderStatus.confirmed)
    assert log_in(client, reem).status_code == 303
    client.get(f"/admin/market-runs/{run_id}")

    with count_queries() as one:
        assert client.get(f"/admin/market-runs/{run_id}").status_code == 200
    seller = db.session.get(Seller, seller_id)
    for _ in range(4):
        OrderFactory(seller=seller, market_run=db.session.get(MarketRun, run_id), status=OrderStatus.confirmed)
    with count_queries() as many:
        html = _html(client.get(f"/admin/market-runs/{run_id}"))

    assert html.count("Order ") >= 5
    assert many.count == one.count


# --- a form left open across a logout --------------------------------------------------------


def test_a_form_whose_token_is_stale_says_so_and_offers_a_reload(client, job, zeina):
    page = f"/admin/promotions/{job.id}"
    client.get(page)

    response = client.post(f"{page}/progress", data={"count": "1500", "csrf_token": "from-an-old-session"},
                           headers={"Referer": f"http://localhost{page}"})

    assert response.status_code == 400
    html = _html(response)
    assert "Form expired" in html and "Reload the page and do it again." in html
    assert f'<a href="{page}" hx-boost="false">Reload the page</a>' in html
    assert job.progress == []


def test_after_logging_out_in_another_tab_a_form_leads_to_the_login_and_back(client, job, zeina):
    page = f"/admin/promotions/{job.id}"
    token = csrf_token(client, page)
    client.post("/admin/logout", data={"csrf_token": token})  # the other tab

    with_htmx = client.post(f"{page}/progress", data={"count": "1500", "csrf_token": token},
                            headers={**HTMX, "HX-Current-URL": f"http://localhost{page}"})
    plain = client.post(f"{page}/progress", data={"count": "1500", "csrf_token": token},
                        headers={"Referer": f"http://localhost{page}"})

    assert with_htmx.status_code == 401
    assert with_htmx.headers["HX-Redirect"].startswith("/admin/login?next=") and job.id in with_htmx.headers["HX-Redirect"]
    assert plain.status_code == 303 and "/admin/login?next=" in plain.headers["Location"]
    assert job.progress == []


def test_the_login_form_without_its_token_is_still_refused_plainly(client):
    csrf_token(client)

    response = client.post("/admin/login", data={"email": "a@example.com", "password": "x" * 8})

    assert response.status_code == 400


# --- Reem records an order a customer sent on WhatsApp ---------------------------------------


@pytest.fixture
def reems_shop(client):
    from tests.factories import CustomerFactory, ProductFactory, SellerFactory

    reem = UserFactory(role=Role.seller, name="Reem")
    seller = SellerFactory(owner=reem, phone_region="SY")
    cream = ProductFactory(seller=seller, name="Face cream", price="150.00", currency="TRY")
    soap = ProductFactory(seller=seller, name="Laurel soap", price="25.00", currency="TRY")
    hiba = CustomerFactory(seller=seller, name="Hiba", phone="+963944111222")
    assert log_in(client, reem).status_code == 303
    return {"seller": seller, "cream": cream, "soap": soap, "hiba": hiba}


def test_reem_records_an_order_for_a_new_customer_from_her_phone(client, reems_shop):
    from shared.models import Customer, Order

    assert "/admin/orders/new" in _html(client.get("/admin/orders"))
    form = "/admin/orders/new"
    shown = _html(client.get(form))
    assert "Face cream · 150.00 TRY" in shown and "Hiba · +963944111222" in shown

    response = _post(client, form, {"seller_id": reems_shop["seller"].id, "customer_id": "", "name": "Umm Samer",
                                    "phone": "٠٩٤٤ ٥٥٥ ٣٠٩", "product_0": reems_shop["cream"].id, "quantity_0": "٢",
                                    "product_1": reems_shop["soap"].id, "quantity_1": "", "product_2": "",
                                    "quantity_2": "", "channel": "whatsapp", "note": ""}, page=form)

    assert response.status_code == 303
    order = db.session.scalars(db.select(Order)).one()
    assert response.headers["Location"].endswith(f"/admin/orders/{order.id}")
    assert str(order.total) == "325.00" and [line.quantity for line in order.lines] == [2, 1]
    assert db.session.get(Customer, order.customer_id).phone == "+963944555309"


def test_an_order_for_a_customer_of_the_shop(client, reems_shop):
    from shared.models import Order

    response = _post(client, "/admin/orders/new", {"seller_id": reems_shop["seller"].id,
                                                   "customer_id": reems_shop["hiba"].id, "name": "", "phone": "",
                                                   "product_0": reems_shop["soap"].id, "quantity_0": "3",
                                                   "channel": "phone"}, page="/admin/orders/new")

    assert response.status_code == 303
    order = db.session.scalars(db.select(Order)).one()
    assert (order.customer_id, order.channel.value, str(order.total)) == (reems_shop["hiba"].id, "phone", "75.00")


@pytest.mark.parametrize(("missing", "said"), [
    ({"product_0": ""}, "Choose at least one product."),
    ({"customer_id": "", "name": "", "phone": ""}, "Choose a customer of the shop, or type a new customer&#39;s name."),
])
def test_an_order_without_lines_or_customer_is_said_on_the_form(client, reems_shop, missing, said):
    from shared.models import Order

    data = {"seller_id": reems_shop["seller"].id, "customer_id": reems_shop["hiba"].id,
            "product_0": reems_shop["soap"].id, "quantity_0": "1", "channel": "whatsapp", **missing}
    response = _post(client, "/admin/orders/new", data, page="/admin/orders/new")

    assert response.status_code == 422
    assert said in _html(response)
    assert db.session.scalars(db.select(Order)).all() == []


def test_a_coordinator_chooses_the_shop_first(client, job, zeina):
    from tests.factories import ClientShopFactory, ProductFactory

    other = ClientShopFactory(coordinator=zeina, name="Yasmine boutique")
    ProductFactory(seller=other, name="Scarf")
    first = _html(client.get("/admin/orders/new"))
    assert "Yasmine boutique" in first and 'id="order-form"' not in first

    chosen = _html(client.get(f"/admin/orders/new?seller_id={other.id}"))

    assert 'id="order-form"' in chosen and "Scarf" in chosen


def test_a_product_of_another_shop_is_refused(client, reems_shop):
    from tests.factories import ProductFactory

    theirs = ProductFactory(name="Not hers")

    response = _post(client, "/admin/orders/new", {"seller_id": reems_shop["seller"].id,
                                                   "customer_id": reems_shop["hiba"].id,
                                                   "product_0": theirs.id, "quantity_0": "1"}, page="/admin/orders/new")

    assert response.status_code == 422
