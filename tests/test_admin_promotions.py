"""Zeina's admin pages through Flask's test client: promotion jobs (scoping, a count
recorded in place or without JavaScript, members, ending a job, a stale form)."""
import re
from decimal import Decimal

import pytest

from shared.extensions import db
from shared.models import JobStatus, Language, PromotionJob, Role
from tests.factories import (
    CoordinatorFactory, JobFactory, PromoterFactory, TeamMemberFactory, UserFactory, assign,
    record_count,
)
from tests.test_admin import HTMX, csrf_token, log_in


def _as(client, user):
    assert log_in(client, user).status_code == 303
    return client


def _html(response) -> str:
    return response.get_data(as_text=True)


def _post(client, path, data, *, page, headers=None):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data}, headers=headers or {})


def _progress(html: str) -> str:
    return re.search(r'<progress max="100" value="(\d+)" id="job-progress"', html).group(1)


@pytest.fixture
def job():
    """Zeina's active job: baseline 1,000, target +1,000, 300.00 TRY for the whole target."""
    return JobFactory(coordinator__language=Language.en, page__seller__coordinator__language=Language.en)


def test_a_coordinator_sees_her_jobs_with_progress_bars(client, job):
    record_count(job, 1500)
    _as(client, job.coordinator)

    html = _html(client.get("/admin/promotions"))

    assert job.title in html
    assert '<progress max="100" value="50"' in html
    assert "150.00 TRY" in html


def test_a_promoter_sees_only_the_jobs_she_is_assigned_to(client, job):
    other = JobFactory()
    promoter = PromoterFactory(language=Language.en)
    assign(job, promoter)
    _as(client, promoter)

    listed = _html(client.get("/admin/promotions"))
    assert job.title in listed and other.title not in listed
    page = client.get(f"/admin/promotions/{job.id}")
    assert page.status_code == 200
    assert "Record the count" not in _html(page)  # she reads it; the coordinator records


def test_a_promoter_cannot_open_another_coordinators_job(client, job):
    theirs = JobFactory(title="Another coordinator's job")
    promoter = PromoterFactory(language=Language.en)
    assign(job, promoter)
    _as(client, promoter)

    response = client.get(f"/admin/promotions/{theirs.id}")

    assert response.status_code == 404
    html = _html(response)
    assert "<html" in html and "Not found" in html
    assert theirs.title not in html


def test_another_coordinator_cannot_record_on_a_job(client, job):
    _as(client, CoordinatorFactory(language=Language.en))

    response = _post(client, f"/admin/promotions/{job.id}/progress", {"count": "1500"}, page="/admin/")

    assert response.status_code == 404
    assert job.progress == []


def test_recording_a_count_without_javascript_redirects_to_the_job(client, job):
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"
    assert _progress(_html(client.get(page))) == "0"

    response = _post(client, f"{page}/progress", {"count": "١٥٠٠"}, page=page)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{page}?saved=count")
    html = _html(client.get(response.headers["Location"]))
    assert _progress(html) == "50"
    assert "150.00 TRY" in html
    assert "<polyline" in html


def test_recording_a_count_with_htmx_answers_the_jobs_part_of_the_page(client, job):
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/progress", {"count": "1500"}, page=page,
                     headers={**HTMX, "HX-Target": "job"})

    assert response.status_code == 200
    html = _html(response)
    assert "<html" not in html and html.lstrip().startswith('<div id="job"')
    assert _progress(html) == "50"
    assert 'id="earned">150.00 TRY' in html
    assert 'class="series" points="' in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_bad_count_is_said_beside_the_field(client, job):
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/progress", {"count": "-5"}, page=page)

    assert response.status_code == 422
    assert 'id="count-error"' in _html(response) and 'aria-invalid="true"' in _html(response)
    assert job.progress == []


def test_completing_a_job_freezes_it(client, job):
    record_count(job, 1500)
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/status", {"status": "completed", "version": str(job.version)}, page=page)

    assert response.status_code == 303
    db.session.expire_all()
    done = db.session.get(PromotionJob, job.id)
    assert done.status is JobStatus.completed and done.final_earned == Decimal("150.00")
    assert "Record the count" not in _html(client.get(page))


def test_a_job_changed_since_the_page_was_opened_is_refused_with_a_reload(client, job):
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/status", {"status": "cancelled", "version": str(job.version - 1 or 99)},
                     page=page)

    assert response.status_code == 409
    assert "Reload the page" in _html(response)
    db.session.expire_all()
    assert db.session.get(PromotionJob, job.id).status is JobStatus.active


def test_assigning_a_team_member(client, job):
    promoter = TeamMemberFactory(team=job.team, user__name="Huda", user__language=Language.en).user
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"
    assert "Huda" in _html(client.get(page))

    response = _post(client, f"{page}/members", {"user_ids": promoter.id, "version": str(job.version)},
                     page=page, headers={**HTMX, "HX-Target": "job"})

    assert response.status_code == 200
    db.session.expire_all()
    assert [m.user_id for m in db.session.get(PromotionJob, job.id).members] == [promoter.id]
    assert "Unassign" in _html(response)


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_shows_active_jobs_money_per_currency_and_payouts_owed(client, job):
    from shared.models import ClientPayment, Payout, PayoutSet, PayoutStatus
    from datetime import date

    record_count(job, 1500)
    ended = JobFactory(coordinator=job.coordinator, page__seller__coordinator=job.coordinator,
                       status=JobStatus.cancelled, final_count=1200, final_earned=Decimal("60.00"), title="Old job")
    huda = PromoterFactory(name="Huda")
    payout_set = PayoutSet(job_id=job.id, team_id=job.team_id, currency="TRY", split="equal",
                           earned_before=Decimal("0"), earned_through=Decimal("150.00"),
                           coordinator_share=Decimal("0"), coordinator_amount=Decimal("0"), amount=Decimal("150.00"))
    payout_set.payouts.append(Payout(position=0, job_id=job.id, team_id=job.team_id, user_id=huda.id, weight=1,
                                     amount=Decimal("150.00"), currency="TRY", status=PayoutStatus.pending, note=""))
    db.session.add_all([payout_set, ClientPayment(seller_id=job.seller_id, amount=Decimal("100.00"), currency="TRY",
                                                  paid_on=date(2026, 11, 20), method="cash", note="")])
    db.session.commit()
    _as(client, job.coordinator)

    html = _html(client.get("/admin/"))

    active = html[html.index('id="active-jobs"'):html.index('id="promotion-money"')]
    assert job.title in active and "Old job" not in active
    assert '<progress max="100" value="50"' in active
    money = html[html.index('id="promotion-money"'):html.index('id="payouts-owed"')]
    assert re.findall(r'<td class="num">([^<]+)</td>', money) == ["210.00", "150.00", "100.00"]
    owed = html[html.index('id="payouts-owed"'):]
    assert "Huda" in owed and "150.00 TRY" in owed


# --- the team ------------------------------------------------------------------------------


def test_a_promoter_records_a_contribution_and_the_coordinator_approves_it(client, job):
    from shared.models import Contribution, ReviewStatus

    promoter = PromoterFactory(language=Language.en, name="Huda")
    assign(job, promoter)
    _as(client, promoter)
    page = _html(client.get("/admin/team"))
    assert job.title in page and "Record a contribution" in page

    response = _post(client, "/admin/team/contributions",
                     {"job_id": job.id, "kind": "followers", "quantity": "١٢٠", "note": ""}, page="/admin/team")
    assert response.status_code == 303
    contribution = db.session.scalars(db.select(Contribution)).one()
    assert contribution.quantity == 120 and contribution.user_id == promoter.id

    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    _as(client, job.coordinator)
    assert "Huda" in _html(client.get("/admin/team"))
    refused = _post(client, f"/admin/team/contributions/{contribution.id}/review",
                    {"status": "rejected", "rejection_reason": "", "version": str(contribution.version)},
                    page="/admin/team")
    assert refused.status_code == 422 and f'id="reason-{contribution.id}-error"' in _html(refused)
    response = _post(client, f"/admin/team/contributions/{contribution.id}/review",
                     {"status": "approved", "rejection_reason": "", "version": str(contribution.version)},
                     page="/admin/team")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).status is ReviewStatus.approved


def test_a_promoter_cannot_mark_her_payout_paid(client, job):
    promoter = PromoterFactory(language=Language.en)
    assign(job, promoter)
    _as(client, promoter)

    response = _post(client, "/admin/team/payouts/nope/paid", {"method": "cash"}, page="/admin/team")

    assert response.status_code == 404


# --- contests ------------------------------------------------------------------------------


def _contest(team, **kwargs):
    from datetime import datetime, timezone

    from shared.models import Contest

    contest = Contest(team_id=team.id, shop_name="عطورات الريحان", title="مسابقة أجمل تعليق",
                      prize_description="طقم عطور", starts_at=datetime(2026, 11, 20, tzinfo=timezone.utc),
                      ends_at=datetime(2026, 11, 27, tzinfo=timezone.utc), notes="", **kwargs)
    db.session.add(contest)
    db.session.commit()
    return contest


def test_a_member_enters_a_contest_and_the_coordinator_records_that_she_won(client, job):
    from shared.models import Contest, EntryResult

    promoter = PromoterFactory(language=Language.en, name="Huda")
    assign(job, promoter)
    contest = _contest(job.team)
    _as(client, promoter)
    assert "مسابقة أجمل تعليق" in _html(client.get("/admin/contests"))

    response = _post(client, f"/admin/contests/{contest.id}/entries", {"version": str(contest.version)},
                     page="/admin/contests")
    assert response.status_code == 303
    db.session.expire_all()
    entry = db.session.get(Contest, contest.id).entries[0]
    assert entry.user_id == promoter.id
    assert "Enter this contest" not in _html(client.get("/admin/contests"))

    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    _as(client, job.coordinator)
    version = str(db.session.get(Contest, contest.id).version)
    response = _post(client, f"/admin/contests/{contest.id}/entries/{entry.id}", {"result": "won", "version": version},
                     page="/admin/contests")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).entries[0].result is EntryResult.won
    assert "won" in _html(client.get("/admin/contests"))


def test_another_teams_contest_is_not_found(client, job):
    contest = _contest(JobFactory().team)
    _as(client, job.coordinator)

    assert "مسابقة أجمل تعليق" not in _html(client.get("/admin/contests"))
    response = _post(client, f"/admin/contests/{contest.id}/entries", {}, page="/admin/contests")
    assert response.status_code == 404


# --- a shop's social pages ---------------------------------------------------------------------


def test_a_coordinator_adds_a_page_to_a_client_shop_without_javascript(client):
    from shared.models import SocialPage
    from tests.factories import ClientShopFactory

    shop = ClientShopFactory(coordinator__language=Language.en)
    _as(client, shop.coordinator)
    form = f"/admin/sellers/{shop.id}/pages/new"

    refused = _post(client, form, {"platform": "facebook", "url": "instagram.com/abukhalil", "name": ""}, page=form)
    assert refused.status_code == 422
    assert "is on Instagram, not Facebook" in _html(refused)

    response = _post(client, form, {"platform": "facebook", "url": "facebook.com/abukhalil/", "name": "Abu Khalil"},
                     page=form)
    assert response.status_code == 303
    page = db.session.scalars(db.select(SocialPage)).one()
    assert page.url == "https://facebook.com/abukhalil" and page.handle == "abukhalil"
    assert "Abu Khalil" in _html(client.get(f"/admin/sellers/{shop.id}"))


def test_the_page_address_is_checked_as_it_is_typed_in_arabic(client):
    from tests.factories import ClientShopFactory

    shop = ClientShopFactory(coordinator__language=Language.ar)
    _as(client, shop.coordinator)

    bad = client.get("/admin/pages/check/url?platform=facebook&url=example.com/x", headers=HTMX)
    good = client.get("/admin/pages/check/url?platform=facebook&url=fb.com/abukhalil", headers=HTMX)

    assert "ليس عنوان صفحة على فيسبوك" in _html(bad) and "<html" not in _html(bad)
    assert re.search(r'id="url-error"[^>]*></p>', _html(good))


def test_a_promoter_cannot_add_a_page(client, job):
    promoter = PromoterFactory(language=Language.en)
    assign(job, promoter)
    _as(client, promoter)

    response = client.get(f"/admin/sellers/{job.seller_id}/pages/new")

    assert response.status_code in (403, 404)


# --- no query in a loop --------------------------------------------------------------------


def _busy(coordinator_id: str, team_id: str, n: int):
    """`n` more jobs of the coordinator, each with a member, a count, a contribution and a payout."""
    from shared.models import (
        Contribution, ContributionKind, Payout, PayoutSet, PayoutStatus, ReviewStatus, Team, User,
    )

    coordinator, team = db.session.get(User, coordinator_id), db.session.get(Team, team_id)
    for _ in range(n):
        other = JobFactory(coordinator=coordinator, page__seller__coordinator=coordinator, team=team)
        promoter = PromoterFactory()
        assign(other, promoter)
        record_count(other, 1200)
        payout_set = PayoutSet(job_id=other.id, team_id=team_id, currency="TRY", split="equal",
                               earned_before=Decimal("0"), earned_through=Decimal("60.00"),
                               coordinator_share=Decimal("0"), coordinator_amount=Decimal("0"),
                               amount=Decimal("60.00"))
        payout_set.payouts.append(Payout(position=0, job_id=other.id, team_id=team_id, user_id=promoter.id,
                                         weight=1, amount=Decimal("60.00"), currency="TRY",
                                         status=PayoutStatus.pending, note=""))
        db.session.add_all([payout_set, Contribution(job_id=other.id, team_id=team_id, user_id=promoter.id,
                                                     kind=ContributionKind.likes, quantity=5, note="",
                                                     status=ReviewStatus.pending, rejection_reason="")])
    db.session.commit()


@pytest.mark.parametrize("path", ["/admin/", "/admin/promotions", "/admin/team", "/admin/contests"])
def test_zeinas_pages_run_the_same_queries_for_one_or_many_jobs(client, job, count_queries, path):
    coordinator_id, team_id = job.coordinator_id, job.team_id
    _busy(coordinator_id, team_id, 1)
    _as(client, job.coordinator)
    client.get(path)  # warm up (the first request loads more)

    with count_queries() as one:
        assert client.get(path).status_code == 200
    _busy(coordinator_id, team_id, 6)
    with count_queries() as many:
        assert client.get(path).status_code == 200

    assert many.count == one.count


def test_zeina_starts_a_job_from_her_phone(client):
    from tests.factories import PageFactory, TeamFactory

    zeina = CoordinatorFactory(language=Language.en)
    page = PageFactory(seller__coordinator=zeina, name="Abu Khalil")
    TeamFactory(coordinator=zeina)
    _as(client, zeina)
    assert "Start a job" in _html(client.get("/admin/promotions"))
    form = "/admin/promotions/new"
    assert "Abu Khalil · Facebook" in _html(client.get(form))

    refused = _post(client, form, {"page_id": page.id, "baseline_count": "1000", "target_gain": "0",
                                   "price": "300", "currency": "TRY", "metric": "followers", "split": "equal"}, page=form)
    assert refused.status_code == 422 and 'id="target_gain-error"' in _html(refused)
    created = _post(client, form, {"page_id": page.id, "title": "1,000 followers", "baseline_count": "١٠٠٠",
                                   "target_gain": "1000", "price": "300", "currency": "TRY", "metric": "followers",
                                   "split": "equal", "reward_description": "", "deadline": "", "disclosure": "#إعلان"},
                    page=form)
    assert created.status_code == 303
    job = db.session.scalars(db.select(PromotionJob)).one()
    assert (job.status, job.baseline_count, job.price, job.team_id is not None) == (JobStatus.draft, 1000, Decimal("300.00"), True)

    started = _post(client, f"/admin/promotions/{job.id}/status", {"status": "active", "version": str(job.version)},
                    page=f"/admin/promotions/{job.id}")
    assert started.status_code == 303
    assert "Record the count" in _html(client.get(f"/admin/promotions/{job.id}"))


def test_a_job_in_kind_has_no_price(client):
    from tests.factories import PageFactory

    zeina = CoordinatorFactory(language=Language.en)
    page = PageFactory(seller__coordinator=zeina)
    _as(client, zeina)
    form = "/admin/promotions/new"

    created = _post(client, form, {"page_id": page.id, "baseline_count": "200", "target_gain": "100", "price": "",
                                   "currency": "TRY", "metric": "likes", "split": "equal",
                                   "reward_description": "صندوق حلويات"}, page=form)

    assert created.status_code == 303
    job = db.session.scalars(db.select(PromotionJob)).one()
    assert job.price is None and job.reward_description == "صندوق حلويات"


def test_zeina_makes_a_promoter_account_and_sees_its_password_once(client, job):
    from shared.models import User

    _as(client, job.coordinator)

    response = _post(client, f"/admin/team/{job.team_id}/accounts",
                     {"name": "Rahaf", "email": "", "phone": "0944 555 666", "language": "ar"}, page="/admin/team")

    assert response.status_code == 201
    password = re.search(r'<code>([a-z0-9-]{14})</code>', _html(response)).group(1)
    rahaf = db.session.scalars(db.select(User).where(User.name == "Rahaf")).one()
    assert rahaf.phone == "+963944555666"
    assert password not in _html(client.get("/admin/team"))
    refused = _post(client, f"/admin/team/{job.team_id}/accounts",
                    {"name": "Rahaf 2", "email": "", "phone": "", "language": "ar"}, page="/admin/team")
    assert refused.status_code == 422 and f'id="email-{job.team_id}-error"' in _html(refused)


def test_zeina_adds_a_contest_with_local_times(client, job):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from shared.models import Contest

    _as(client, job.coordinator)
    form = "/admin/contests/new"
    assert client.get(form).status_code == 200

    refused = _post(client, form, {"title": "مسابقة", "prize_description": "", "starts_at": "2026-11-20T09:00",
                                   "ends_at": "2026-11-19T09:00", "shop_name": "عطورات الريحان", "seller_id": "",
                                   "currency": "", "prize_value": "", "shop_url": "", "rules_url": ""}, page=form)
    assert refused.status_code == 422 and 'id="prize_description-error"' in _html(refused)
    created = _post(client, form, {"title": "مسابقة أجمل تعليق", "prize_description": "طقم عطور",
                                   "starts_at": "2026-11-20T09:00", "ends_at": "2026-11-27T21:00",
                                   "shop_name": "عطورات الريحان", "seller_id": "", "currency": "TRY",
                                   "prize_value": "٣٠٠", "shop_url": "", "rules_url": ""}, page=form)
    assert created.status_code == 303
    contest = db.session.scalars(db.select(Contest)).one()
    assert contest.team_id == job.team_id and contest.prize_value == Decimal("300.00")
    local = ZoneInfo(client.application.config["TIMEZONE"])  # as the page shows times
    assert contest.starts_at == datetime(2026, 11, 20, 9, 0, tzinfo=local).astimezone(timezone.utc)
    assert "مسابقة أجمل تعليق" in _html(client.get("/admin/contests"))


def test_zeina_pays_out_what_a_job_earned_and_marks_a_payout_paid(client, job):
    from shared.models import Payout, PayoutStatus

    promoter = PromoterFactory(language=Language.en, name="Huda")
    assign(job, promoter)
    record_count(job, 1500)
    _as(client, job.coordinator)
    page = f"/admin/promotions/{job.id}"

    response = _post(client, f"{page}/payouts", {"version": str(job.version)}, page=page)
    assert response.status_code == 303
    payout = db.session.scalars(db.select(Payout)).one()
    assert (payout.user_id, payout.amount) == (promoter.id, Decimal("150.00"))
    again = _post(client, f"{page}/payouts", {}, page=page)
    assert again.status_code == 409 and "Nothing new to pay out" in _html(again) and 'id="job"' in _html(again)

    team = _html(client.get("/admin/team"))
    assert "Huda" in team and "150.00 TRY" in team
    paid = _post(client, f"/admin/team/payouts/{payout.id}/paid", {"method": "transfer", "version": str(payout.version)},
                 page="/admin/team")
    assert paid.status_code == 303
    db.session.expire_all()
    done = db.session.get(Payout, payout.id)
    assert done.status is PayoutStatus.paid and done.method.value == "transfer"
