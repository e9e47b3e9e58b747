"""Payouts: earnings less the coordinator's share, split exactly, never paid out twice."""
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import (
    Contribution, ContributionKind, JobStatus, Payout, PayoutSet, PromotionJob, ReviewStatus,
)
from tests.factories import JobFactory, PromoterFactory, assign, record_count

URL = "/api/v1/payout-sets"


@pytest.fixture
def job():
    """Active, 300.00 TRY for 1,000 followers, 500 gained so far: 150.00 earned."""
    job = JobFactory()
    record_count(job, 1500)
    return job


@pytest.fixture
def members(job):
    promoters = [PromoterFactory(name=n) for n in ("هدى", "سلمى", "لينا")]
    assign(job, *promoters)
    return promoters


def pay_out(client, auth, job, **body):
    return client.post(URL, json={"job_id": job.id, **body}, headers=auth(job.coordinator))


def approve(job, promoter, quantity):
    db.session.add(Contribution(job_id=job.id, team_id=job.team_id, user_id=promoter.id,
                                kind=ContributionKind.followers, quantity=quantity,
                                status=ReviewStatus.approved))
    db.session.commit()


def test_100_among_3_is_33_34_33_33_33_33(client, auth, members):
    job = JobFactory(price=Decimal("100.00"), baseline_count=0, target_gain=10)
    record_count(job, 10)
    assign(job, *members)

    response = pay_out(client, auth, job)

    assert response.status_code == 201
    assert [p["amount"] for p in response.json["payouts"]] == ["33.34", "33.33", "33.33"]
    assert response.json["amount"] == "100.00"
    assert {p["status"] for p in response.json["payouts"]} == {"pending"}


def test_the_coordinator_keeps_her_share_and_the_rest_is_split(client, auth, job, members):
    job.team.coordinator_share = Decimal("20.00")
    db.session.commit()

    response = pay_out(client, auth, job)

    assert response.status_code == 201
    body = response.json
    assert (body["earned_before"], body["earned_through"]) == ("0.00", "150.00")
    assert (body["coordinator_share"], body["coordinator_amount"], body["amount"]) == ("20.00", "30.00", "120.00")
    assert [p["amount"] for p in body["payouts"]] == ["40.00", "40.00", "40.00"]


def test_a_share_is_rounded_half_up_once_and_the_parts_sum_to_the_earnings(client, auth, members):
    job = JobFactory(price=Decimal("100.01"), baseline_count=0, target_gain=1)
    job.team.coordinator_share = Decimal("12.50")
    record_count(job, 1)
    assign(job, *members)

    body = pay_out(client, auth, job).json

    assert body["coordinator_amount"] == "12.50"  # 12.50125 -> 12.50
    assert Decimal(body["coordinator_amount"]) + sum(Decimal(p["amount"]) for p in body["payouts"]) == Decimal("100.01")


def test_a_split_by_contributions_weighs_approved_quantities_only(client, auth, job, members):
    huda, salma, lina = members
    approve(job, huda, 300)
    approve(job, salma, 100)
    db.session.add(Contribution(job_id=job.id, team_id=job.team_id, user_id=lina.id,
                                kind=ContributionKind.shares, quantity=999, status=ReviewStatus.rejected,
                                rejection_reason="no evidence"))
    db.session.commit()

    response = pay_out(client, auth, job, split="contributions")

    assert response.status_code == 201
    assert [(p["user_id"], p["weight"], p["amount"]) for p in response.json["payouts"]] == [
        (huda.id, 300, "112.50"), (salma.id, 100, "37.50")]


def test_a_split_by_contributions_needs_an_approved_one(client, auth, job, members):
    response = pay_out(client, auth, job, split="contributions")

    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutSet)) == 0


def test_the_same_earnings_are_never_paid_out_twice(client, auth, job, members):
    first = pay_out(client, auth, job)
    again = pay_out(client, auth, job)

    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json["paid_through"] == "150.00"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 3


def test_a_later_payout_covers_only_what_was_earned_since(client, auth, job, members):
    pay_out(client, auth, job)
    record_count(job, 1800)

    response = pay_out(client, auth, job)

    assert response.status_code == 201
    assert (response.json["earned_before"], response.json["earned_through"]) == ("150.00", "240.00")
    assert response.json["amount"] == "90.00"


def test_a_completed_job_pays_out_its_frozen_earnings(client, auth, job, members):
    client.patch(f"/api/v1/promotions/{job.id}", json={"status": "completed"}, headers=auth(job.coordinator))
    record_count(job, 2000)  # slipped in after: ignored, the figures are frozen

    response = pay_out(client, auth, job)

    assert response.status_code == 201
    assert response.json["earned_through"] == "150.00"


@pytest.mark.parametrize("change", [
    {"status": JobStatus.draft}, {"status": JobStatus.cancelled}, {"price": None},
])
def test_only_active_or_completed_money_jobs_are_paid_out(client, auth, members, change):
    job = JobFactory(reward_description="sweets", **change)
    record_count(job, 1500)
    assign(job, *members)

    response = pay_out(client, auth, job)

    assert response.status_code == 409


def test_nobody_assigned_is_a_409(client, auth, job):
    response = pay_out(client, auth, job)

    assert response.status_code == 409


def test_concurrent_payout_requests_create_one_payout_set(app, auth, job, members):
    headers, job_id, threads_count = auth(job.coordinator), job.id, 6
    db.session.remove()
    barrier, statuses = threading.Barrier(threads_count), []

    def send():
        with app.app_context():  # its own session and connection, as another server thread
            client = app.test_client()
            barrier.wait()
            statuses.append(client.post(URL, json={"job_id": job_id}, headers=headers).status_code)
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [409] * (threads_count - 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutSet)) == 1
    assert sum(db.session.scalars(sa.select(Payout.amount))) == Decimal("150.00")
    assert db.session.get(PromotionJob, job_id).paid_through == Decimal("150.00")


# --- pending -> paid ---------------------------------------------------------------------------


@pytest.fixture
def payout(client, auth, job, members):
    return pay_out(client, auth, job).json["payouts"][0]


def test_a_payout_is_marked_paid_with_day_and_method(client, auth, job, payout, time_machine):
    time_machine.move_to("2026-11-26T20:00:00Z", tick=False)  # 23:00 in Damascus

    response = client.patch(f"/api/v1/payouts/{payout['id']}", json={"status": "paid", "method": "transfer"},
                            headers=auth(job.coordinator))

    assert response.status_code == 200
    assert (response.json["status"], response.json["paid_on"], response.json["method"]) == (
        "paid", "2026-11-26", "transfer")


def test_a_paid_payout_never_becomes_pending_again(client, auth, job, payout):
    url, headers = f"/api/v1/payouts/{payout['id']}", auth(job.coordinator)
    client.patch(url, json={"status": "paid", "paid_on": "2026-11-25"}, headers=headers)

    back = client.patch(url, json={"status": "pending"}, headers=headers)
    corrected = client.patch(url, json={"paid_on": "2026-11-24"}, headers=headers)

    assert back.status_code == 409 and back.json["current"] == "paid"
    assert (corrected.status_code, corrected.json["paid_on"]) == (200, "2026-11-24")


def test_a_pending_payout_takes_no_paid_day(client, auth, job, payout):
    response = client.patch(f"/api/v1/payouts/{payout['id']}", json={"paid_on": "2026-11-24"},
                            headers=auth(job.coordinator))

    assert response.status_code == 422


def test_a_promoter_sees_only_her_own_payouts(client, auth, job, members, payout):
    huda = members[0]

    listed = client.get("/api/v1/payouts", headers=auth(huda))
    paid = client.patch(f"/api/v1/payouts/{payout['id']}", json={"status": "paid"}, headers=auth(huda))

    assert listed.status_code == 200
    assert [p["user_id"] for p in listed.json] == [huda.id]
    assert paid.status_code == 403
