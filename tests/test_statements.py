"""Client statements: owed, paid and outstanding per currency; in-kind rewards listed apart."""
from datetime import date
from decimal import Decimal

import pytest

from shared.extensions import db
from shared.models import JobStatus, PaymentMethod, SocialPage
from shared.models.client_payments import ClientPayment
from tests.factories import JobFactory, PageFactory, PromoterFactory, UserFactory, assign, record_count

URL = "/api/v1/client-payments"


@pytest.fixture
def page():
    return PageFactory()


def job_on(page, count, **kwargs):
    job = JobFactory(page=page, coordinator=page.seller.coordinator, **kwargs)
    if count is not None:
        record_count(job, count)
    return job


def statement(client, auth, page, who=None):
    return client.get(f"/api/v1/sellers/{page.seller_id}/statement",
                      headers=auth(who or page.seller.coordinator))


def test_owed_is_what_active_and_completed_jobs_earned_per_currency(client, auth, page):
    job_on(page, 1500)  # 150.00 TRY
    done = job_on(page, 1200, status=JobStatus.active)  # 60.00 TRY, then completed
    client.patch(f"/api/v1/promotions/{done.id}", json={"status": "completed"}, headers=auth(done.coordinator))
    job_on(page, 2000, price=Decimal("10.00"), currency="USD")  # 10.00 USD
    job_on(page, 2000, status=JobStatus.draft)  # a draft owes nothing
    cancelled = job_on(page, 2000)
    client.patch(f"/api/v1/promotions/{cancelled.id}", json={"status": "cancelled"},
                 headers=auth(cancelled.coordinator))
    db.session.add(ClientPayment(seller_id=page.seller_id, amount=Decimal("100.00"), currency="TRY",
                                 paid_on=date(2026, 11, 20), method=PaymentMethod.cash))
    db.session.commit()

    response = statement(client, auth, page)

    assert response.status_code == 200
    assert response.json["totals"] == [
        {"currency": "TRY", "owed": "210.00", "paid": "100.00", "outstanding": "110.00"},
        {"currency": "USD", "owed": "10.00", "paid": "0.00", "outstanding": "10.00"},
    ]
    assert len(response.json["jobs"]) == 3 and response.json["in_kind"] == []


def test_in_kind_rewards_are_listed_apart_and_in_no_total(client, auth, page):
    job_on(page, 1500, price=None, reward_description="صندوق حلويات", reward_value=Decimal("200.00"))

    body = statement(client, auth, page).json

    assert body["totals"] == []
    assert [(j["reward_description"], j["reward_value"], j["earned"], j["progress"]) for j in body["in_kind"]] == [
        ("صندوق حلويات", "200.00", None, 0.5)]


def test_paying_ahead_shows_a_negative_outstanding(client, auth, page):
    job_on(page, 1100)  # 30.00
    response = client.post(URL, json={"seller_id": page.seller_id, "amount": "٥٠", "currency": "TRY"},
                           headers=auth(page.seller.coordinator))

    assert response.status_code == 201
    assert statement(client, auth, page).json["totals"][0]["outstanding"] == "-20.00"


def test_the_page_owner_reads_her_statement_but_records_no_payment(client, auth, page):
    owner = page.seller.owner
    job_on(page, 1500)

    read = statement(client, auth, page, who=owner)
    paid = client.post(URL, json={"seller_id": page.seller_id, "amount": "5", "currency": "TRY"},
                       headers=auth(owner))

    assert read.status_code == 200 and read.json["totals"][0]["owed"] == "150.00"
    assert paid.status_code == 403


@pytest.mark.parametrize("who", ["promoter", "stranger"])
def test_others_get_no_statement(client, auth, page, who):
    job = job_on(page, 1500)
    reader = PromoterFactory() if who == "promoter" else UserFactory()
    if who == "promoter":
        assign(job, reader)

    assert statement(client, auth, page, who=reader).status_code == 404


def test_a_payment_recorded_by_mistake_is_deleted(client, auth, page):
    made = client.post(URL, json={"seller_id": page.seller_id, "amount": "5", "currency": "TRY",
                                  "paid_on": "2026-11-20"}, headers=auth(page.seller.coordinator)).json

    response = client.delete(f"{URL}/{made['id']}", headers=auth(page.seller.coordinator))

    assert response.status_code == 204
    assert statement(client, auth, page).json["payments"] == []


def test_the_statement_takes_the_same_queries_for_1_or_30_jobs(app, client, auth, page, count_queries):
    headers, page_id, seller_id = auth(page.seller.coordinator), page.id, page.seller_id

    def count():
        client.get(f"/api/v1/sellers/{seller_id}/statement", headers=headers)  # the token and shops, remembered (shared/principals.py)
        with count_queries() as q, app.app_context():
            response = client.get(f"/api/v1/sellers/{seller_id}/statement", headers=headers)
        assert response.status_code == 200
        return q.count

    job_on(page, 1500)
    one = count()
    for _ in range(29):
        job_on(db.session.get(SocialPage, page_id), 1500)
    assert count() == one


def test_a_shop_with_promotion_jobs_cannot_be_deleted(client, auth, page):
    job_on(page, None)

    response = client.delete(f"/api/v1/sellers/{page.seller_id}", headers=auth(page.seller.coordinator))

    assert response.status_code == 409
    assert response.json["jobs"] == 1
