"""Promotion jobs: pro-rata earnings, progress typed in by people, frozen figures, the status machine."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import JobEvent, JobMember, JobStatus, ProgressRecord, PromotionJob, Role
from tests.factories import (
    JobFactory, PageFactory, PromoterFactory, TeamFactory, TeamMemberFactory, UserFactory, assign,
    record_count,
)

URL = "/api/v1/promotions"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def job():
    return JobFactory()


@pytest.fixture
def zeina(job):
    return job.coordinator


def progress(client, auth, job, count, **extra):
    return client.post(f"{URL}/{job.id}/progress", json={"count": count, **extra}, headers=auth(job.coordinator))


def reloaded(job):
    db.session.expire_all()
    return db.session.get(PromotionJob, job.id)


# --- earnings: baseline 1,000, target 1,000, 300.00 TRY -------------------------------------


@pytest.mark.parametrize("count, gained, share, earned", [
    (1500, 500, 0.5, "150.00"),
    (2600, 1600, 1.0, "300.00"),  # progress and earnings capped at the target
    (900, 0, 0.0, "0.00"),  # below the baseline: nothing gained, nothing owed
    (1000, 0, 0.0, "0.00"),
    (1001, 1, 0.001, "0.30"),
    (1333, 333, 0.333, "99.90"),
])
def test_earned_is_the_price_pro_rata_to_the_gain(client, auth, job, count, gained, share, earned):
    assert progress(client, auth, job, count).status_code == 201

    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert response.status_code == 200
    assert (response.json["latest_count"], response.json["gained"]) == (count, gained)
    assert response.json["progress"] == share
    assert response.json["earned"] == earned


def test_earned_rounds_half_up_once(client, auth):
    job = JobFactory(price=Decimal("100.00"), target_gain=3, baseline_count=0)

    progress(client, auth, job, 2)  # 66.666… -> 66.67
    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert response.json["earned"] == "66.67"
    assert response.json["progress"] == 0.6666


def test_a_job_without_counts_has_earned_nothing_yet(client, auth, job):
    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert response.status_code == 200
    assert response.json["latest_count"] is None
    assert (response.json["gained"], response.json["progress"], response.json["earned"]) == (0, 0.0, "0.00")


def test_the_latest_count_is_the_last_observed_not_the_last_typed(client, auth, job):
    progress(client, auth, job, 1800, observed_at="2026-11-25T10:00:00Z")
    progress(client, auth, job, 1200, observed_at="2026-11-20T10:00:00Z")  # typed late

    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert response.json["latest_count"] == 1800
    assert [r["count"] for r in response.json["history"]] == [1200, 1800]


def test_an_in_kind_job_earns_no_money_but_shows_its_progress(client, auth):
    job = JobFactory(price=None, reward_description="صندوق حلويات", reward_value=Decimal("200.00"))

    progress(client, auth, job, 1500)
    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert response.json["earned"] is None and response.json["price"] is None
    assert response.json["progress"] == 0.5
    assert response.json["reward"] == {"description": "صندوق حلويات", "estimated_value": "200.00"}


# --- progress records -----------------------------------------------------------------------


def test_progress_keeps_who_typed_it_and_accepts_arabic_indic_digits(client, auth, job):
    response = progress(client, auth, job, "١٥٠٠", evidence_url="https://example.com/s/1.jpg")

    assert response.status_code == 201
    assert response.json["count"] == 1500
    assert response.json["recorded_by_id"] == job.coordinator_id
    assert response.json["observed_at"] == NOW.isoformat()
    assert response.json["evidence_url"] == "https://example.com/s/1.jpg"


@pytest.mark.parametrize("body, field", [
    ({"count": -1}, "count"),
    ({"count": "-٥"}, "count"),
    ({"count": 1.5}, "count"),
    ({"count": 10, "evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ({"count": 10, "observed_at": "2026-11-26T10:00:00Z"}, "observed_at"),  # an hour ahead
])
def test_bad_progress_is_422_and_records_nothing(client, auth, job, body, field):
    response = client.post(f"{URL}/{job.id}/progress", json=body, headers=auth(job.coordinator))

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressRecord)) == 0


def test_a_phone_clock_a_minute_ahead_is_taken_as_now(client, auth, job):
    response = progress(client, auth, job, 1100, observed_at=(NOW + timedelta(minutes=1)).isoformat())

    assert response.status_code == 201
    assert response.json["observed_at"] == NOW.isoformat()


def test_a_draft_takes_no_progress(client, auth):
    job = JobFactory(status=JobStatus.draft)

    response = progress(client, auth, job, 1200)

    assert response.status_code == 409
    assert response.json["current"] == "draft"


def test_a_count_typed_by_mistake_can_be_deleted(client, auth, job):
    wrong = record_count(job, 9000)
    record_count(job, 1300, at=NOW - timedelta(hours=1))

    response = client.delete(f"{URL}/{job.id}/progress/{wrong.id}", headers=auth(job.coordinator))

    assert response.status_code == 204
    assert client.get(f"{URL}/{job.id}", headers=auth(job.coordinator)).json["latest_count"] == 1300


def test_progress_list_is_oldest_first(client, auth, job):
    for hours, count in ((3, 1100), (1, 1300), (2, 1200)):
        record_count(job, count, at=NOW - timedelta(hours=hours))

    response = client.get(f"{URL}/{job.id}/progress", headers=auth(job.coordinator))

    assert response.status_code == 200
    assert [r["count"] for r in response.json] == [1100, 1200, 1300]


def test_a_short_history_is_charted_point_by_point(client, auth, job):
    for hours in (5, 4, 3):
        record_count(job, 1000 + hours, at=NOW - timedelta(hours=hours))

    series = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator)).json["series"]

    assert [p["count"] for p in series] == [1005, 1004, 1003]


def test_a_long_history_is_charted_one_point_a_day(client, auth, job):
    start = NOW - timedelta(days=30)
    for i in range(90):  # three a day for 30 days
        db.session.add(ProgressRecord(job=job, count=1000 + i, observed_at=start + timedelta(hours=8 * i),
                                      recorded_by_id=job.coordinator_id))
    db.session.commit()

    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert len(response.json["history"]) == 90
    series = response.json["series"]
    days = [p["at"][:10] for p in series]  # UTC 09:00 starts: each local (UTC+3) day once
    assert len(series) <= 31 and len(days) == len(set(days))
    assert series[-1]["count"] == 1089  # the last count is always in


# --- status: draft -> active -> completed, or cancelled; ended jobs are frozen ------------------


def test_a_job_starts_as_a_draft_with_its_terms(client, auth):
    page = PageFactory()
    zeina = page.seller.coordinator
    team = TeamFactory(coordinator=zeina)

    response = client.post(URL, headers=auth(zeina), json={
        "page_id": page.id, "baseline_count": "١٠٠٠", "target_gain": 1000, "price": "300", "currency": "try",
        "title": "١٠٠٠ متابع"})

    assert response.status_code == 201
    body = response.json
    assert (body["status"], body["price"], body["currency"], body["team_id"]) == ("draft", "300.00", "TRY", team.id)
    assert body["disclosure"] == "#إعلان"
    assert body["page"]["url"] == page.url and body["seller_id"] == page.seller_id
    assert body["status_history"][0]["to_status"] == "draft"


@pytest.mark.parametrize("change, field", [
    ({"target_gain": 0}, "target_gain"),
    ({"target_gain": "٠"}, "target_gain"),
    ({"baseline_count": -5}, "baseline_count"),
    ({"price": None, "reward": None}, "price"),
    ({"reward": {"description": "sweets"}}, "price"),  # both price and reward
    ({"price": "-3"}, "price"),
])
def test_bad_terms_are_422(client, auth, change, field):
    page = PageFactory()
    body = {"page_id": page.id, "baseline_count": 1000, "target_gain": 1000, "price": "300",
            "currency": "TRY", **change}

    response = client.post(URL, json=body, headers=auth(page.seller.coordinator))

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PromotionJob)) == 0


def test_an_in_kind_job_is_created_with_its_reward(client, auth):
    page = PageFactory()

    response = client.post(URL, headers=auth(page.seller.coordinator), json={
        "page_id": page.id, "baseline_count": 0, "target_gain": 500, "currency": "TRY",
        "reward": {"description": "صندوق حلويات", "estimated_value": "200"}})

    assert response.status_code == 201
    assert response.json["price"] is None and response.json["earned"] is None
    assert response.json["reward"]["estimated_value"] == "200.00"


def test_the_status_runs_draft_active_completed_with_history(client, auth):
    job = JobFactory(status=JobStatus.draft)
    headers = auth(job.coordinator)

    started = client.patch(f"{URL}/{job.id}", json={"status": "active"}, headers=headers)
    progress(client, auth, job, 1500)
    done = client.patch(f"{URL}/{job.id}", json={"status": "completed"}, headers=headers)

    assert (started.status_code, done.status_code) == (200, 200)
    assert started.json["started_at"] == NOW.isoformat()
    assert [(e["from_status"], e["to_status"]) for e in done.json["status_history"]][-2:] == [
        ("draft", "active"), ("active", "completed")]
    assert done.json["frozen"] is True and done.json["earned"] == "150.00"


@pytest.mark.parametrize("start, to", [
    (JobStatus.draft, "completed"), (JobStatus.completed, "active"), (JobStatus.cancelled, "active"),
    (JobStatus.completed, "cancelled"),
])
def test_a_wrong_status_change_is_409_naming_what_is_allowed(client, auth, start, to):
    job = JobFactory(status=start)

    response = client.patch(f"{URL}/{job.id}", json={"status": to}, headers=auth(job.coordinator))

    assert response.status_code == 409
    assert response.json["current"] == start.value
    assert reloaded(job).status == start


def test_a_completed_jobs_earnings_no_longer_move(client, auth, job):
    record_count(job, 1500)
    client.patch(f"{URL}/{job.id}", json={"status": "completed"}, headers=auth(job.coordinator))

    late = progress(client, auth, job, 2600)
    db.session.add(ProgressRecord(job_id=job.id, count=3000, observed_at=NOW,  # even one slipped in
                                  recorded_by_id=job.coordinator_id))
    db.session.commit()
    response = client.get(f"{URL}/{job.id}", headers=auth(job.coordinator))

    assert late.status_code == 409
    assert (response.json["latest_count"], response.json["earned"]) == (1500, "150.00")
    stored = reloaded(job)
    assert (stored.final_count, stored.final_earned) == (1500, Decimal("150.00"))


def test_cancelling_freezes_the_earnings_at_the_last_count(client, auth, job):
    record_count(job, 1250)

    response = client.patch(f"{URL}/{job.id}", json={"status": "cancelled"}, headers=auth(job.coordinator))

    assert response.status_code == 200
    assert (response.json["earned"], response.json["frozen"]) == ("75.00", True)
    assert reloaded(job).final_earned == Decimal("75.00")


def test_terms_change_only_while_a_draft(client, auth, job):
    response = client.patch(f"{URL}/{job.id}", json={"price": "600"}, headers=auth(job.coordinator))

    assert response.status_code == 409
    assert reloaded(job).price == Decimal("300.00")


def test_a_draft_can_switch_from_money_to_a_reward(client, auth):
    job = JobFactory(status=JobStatus.draft)

    response = client.patch(f"{URL}/{job.id}", json={"reward": {"description": "هدية"}},
                            headers=auth(job.coordinator))

    assert response.status_code == 200
    assert response.json["price"] is None
    assert response.json["reward"] == {"description": "هدية", "estimated_value": None}


def test_only_drafts_are_deleted(client, auth, job):
    draft = JobFactory(status=JobStatus.draft)
    headers = auth(job.coordinator)

    assert client.delete(f"{URL}/{job.id}", headers=headers).status_code == 409
    assert client.delete(f"{URL}/{draft.id}", headers=auth(draft.coordinator)).status_code == 204
    assert db.session.get(PromotionJob, draft.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobEvent)
                             .where(JobEvent.job_id == draft.id)) == 0


def test_a_stale_if_match_is_refused(client, auth, job):
    headers = auth(job.coordinator)
    etag = client.get(f"{URL}/{job.id}", headers=headers).headers["ETag"]
    progress(client, auth, job, 1200)  # the figures moved since that read

    response = client.patch(f"{URL}/{job.id}", json={"notes": "x"}, headers={**headers, "If-Match": etag})

    assert response.status_code == 412


# --- members --------------------------------------------------------------------------------


def test_members_of_the_team_are_assigned(client, auth, job):
    huda = PromoterFactory(name="هدى")
    TeamMemberFactory(team=job.team, user=huda)

    response = client.post(f"{URL}/{job.id}/members", json={"user_ids": [huda.id, huda.id]},
                           headers=auth(job.coordinator))

    assert response.status_code == 200
    assert [(m["user_id"], m["name"]) for m in response.json["members"]] == [(huda.id, "هدى")]


def test_someone_outside_the_team_cannot_be_assigned(client, auth, job):
    outsider = PromoterFactory()

    response = client.post(f"{URL}/{job.id}/members", json={"user_ids": [outsider.id]},
                           headers=auth(job.coordinator))

    assert response.status_code == 422
    assert response.json["user_ids"] == [outsider.id]


def test_an_unassigned_promoter_no_longer_sees_the_job(client, auth, job):
    huda = PromoterFactory()
    assign(job, huda)

    response = client.delete(f"{URL}/{job.id}/members/{huda.id}", headers=auth(job.coordinator))

    assert response.status_code == 204
    assert client.get(f"{URL}/{job.id}", headers=auth(huda)).status_code == 404


# --- lists ----------------------------------------------------------------------------------


def test_list_filters_and_searches_in_arabic(client, auth, zeina, job):
    other = JobFactory(page=PageFactory(seller=job.seller, name="مطعم أبو خليل"), coordinator=zeina,
                       team=job.team, status=JobStatus.draft)

    by_status = client.get(f"{URL}?status=draft", headers=auth(zeina))
    by_name = client.get(f"{URL}?q=ابو خليل", headers=auth(zeina))

    assert [j["id"] for j in by_status.json] == [other.id]
    assert [j["id"] for j in by_name.json] == [other.id]


def test_the_list_takes_the_same_queries_for_1_or_500_jobs(app, client, auth, count_queries):
    zeina = UserFactory(role=Role.coordinator)
    team = TeamFactory(coordinator=zeina)
    page = PageFactory(seller__coordinator=zeina)
    huda, salma = PromoterFactory(), PromoterFactory()
    headers = auth(zeina)
    ids = {"seller": page.seller_id, "page": page.id, "zeina": zeina.id, "team": team.id,
           "members": [huda.id, salma.id]}

    def add_jobs(count):
        for i in range(count):
            job = PromotionJob(seller_id=ids["seller"], page_id=ids["page"], coordinator_id=ids["zeina"],
                               team_id=ids["team"], baseline_count=1000, target_gain=1000,
                               price=Decimal("300.00"), currency="TRY", status=JobStatus.active)
            db.session.add(job)
            db.session.flush()
            db.session.add_all([ProgressRecord(job_id=job.id, count=1000 + i, observed_at=NOW,
                                               recorded_by_id=ids["zeina"]),
                                ProgressRecord(job_id=job.id, count=1500, observed_at=NOW - timedelta(days=1),
                                               recorded_by_id=ids["zeina"])])
            db.session.add_all([JobMember(job_id=job.id, user_id=member) for member in ids["members"]])
        db.session.commit()

    def statements_for_list():
        client.get(f"{URL}?limit=100", headers=headers)  # the token and shops, remembered (shared/principals.py)
        with count_queries() as q, app.app_context():
            response = client.get(f"{URL}?limit=100", headers=headers)
        assert response.status_code == 200
        return q.count, response.json

    add_jobs(1)
    one, first = statements_for_list()
    add_jobs(499)
    many, page_of = statements_for_list()

    assert (len(first), len(page_of)) == (1, 100)
    assert one == many
    assert all(len(j["members"]) == 2 for j in page_of)
    assert first[0]["latest_count"] == 1000  # observed now beats 1500 a day earlier
