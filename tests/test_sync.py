"""GET /api/v1/sync: what changed in every shop a user works for since a cursor, deletions included."""
import gzip
import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.orm import Session

from scripts.bench_sync import BUDGET_BYTES, BUDGET_REQUESTS, seed, sync_all, week_offline
from shared.extensions import db
from shared.models import Change, JobMember, OrderStatus, Product, Role, User
from shared.services import sync
from tests.factories import (
    CustomerFactory, JobFactory, MarketRunFactory, ProductFactory, PromoterFactory, SellerFactory,
    UserFactory, assign, order_with_lines, record_count,
)


def _pull(client, headers, since=None, **params):
    query = {"since": since, **params} if since else params
    return client.get("/api/v1/sync", query_string=query, headers=headers)


def _ids(answer, kind, part="upserted"):
    rows = answer["changes"][kind][part]
    return {row["id"] for row in rows} if part == "upserted" else set(rows)


def test_a_first_sync_sends_every_row_of_every_shop_the_user_works_for(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    shops = [SellerFactory(owner=None, coordinator=coordinator) for _ in range(5)]
    products = [ProductFactory(seller=shop) for shop in shops]
    order = order_with_lines(shops[0], [(products[0], 2)])
    foreign = ProductFactory()

    response = _pull(client, auth(coordinator))

    assert response.status_code == 200
    answer = response.get_json()
    assert _ids(answer, "sellers") == {shop.id for shop in shops}
    assert _ids(answer, "products") == {p.id for p in products}
    assert foreign.id not in _ids(answer, "products")
    assert _ids(answer, "orders") == {order.id}
    assert _ids(answer, "customers") == {order.customer_id}
    assert answer["has_more"] is False and answer["cursor"]


def test_each_row_is_shown_as_its_single_get_shows_it_figures_included(client, auth):
    shop = SellerFactory()
    product = ProductFactory(seller=shop)
    customer = CustomerFactory(seller=shop)
    order = order_with_lines(shop, [(product, 2)], status=OrderStatus.confirmed, customer=customer,
                             amount_paid=Decimal("50.00"))
    run = MarketRunFactory(seller=shop)
    order.market_run = run
    db.session.commit()
    headers = auth(shop.owner)

    answer = _pull(client, headers).get_json()

    for kind, url in (("customers", f"/api/v1/customers/{customer.id}"), ("orders", f"/api/v1/orders/{order.id}"),
                      ("market_runs", f"/api/v1/market-runs/{run.id}"), ("products", f"/api/v1/products/{product.id}")):
        assert answer["changes"][kind]["upserted"] == [client.get(url, headers=headers).get_json()], kind
    balance = answer["changes"]["customers"]["upserted"][0]["balances"]
    assert [(b["currency"], b["deposits"], b["amount"]) for b in balance] == [("TRY", "50.00", "0.00")]
    assert answer["changes"]["market_runs"]["upserted"][0]["currencies"][0]["revenue"] == "200.00"


def test_after_a_cursor_only_what_changed_comes_once_in_its_latest_state(client, auth):
    shop = SellerFactory()
    product, untouched = ProductFactory(seller=shop), ProductFactory(seller=shop)
    headers = auth(shop.owner)
    cursor = _pull(client, headers).get_json()["cursor"]
    for price in ("101", "102", "103"):
        client.patch(f"/api/v1/products/{product.id}", json={"price": price}, headers=headers)

    answer = _pull(client, headers, cursor).get_json()

    assert [row["id"] for row in answer["changes"]["products"]["upserted"]] == [product.id]
    assert answer["changes"]["products"]["upserted"][0]["price"] == "103.00"
    assert untouched.id not in json.dumps(answer)
    assert _pull(client, headers, answer["cursor"]).get_json()["changes"]["products"] == {"upserted": [], "deleted": []}


def test_a_deleted_row_comes_as_a_tombstone(client, auth):
    shop = SellerFactory()
    product, customer = ProductFactory(seller=shop), CustomerFactory(seller=shop)
    headers = auth(shop.owner)
    cursor = _pull(client, headers).get_json()["cursor"]
    client.delete(f"/api/v1/products/{product.id}", headers=headers)
    client.delete(f"/api/v1/customers/{customer.id}", headers=headers)

    answer = _pull(client, headers, cursor).get_json()

    assert answer["changes"]["products"] == {"upserted": [], "deleted": [product.id]}
    assert answer["changes"]["customers"] == {"upserted": [], "deleted": [customer.id]}


def test_a_big_first_sync_takes_several_requests_and_misses_nothing(client, auth):
    shop = SellerFactory()
    products = {ProductFactory(seller=shop).id for _ in range(7)}
    customers = {CustomerFactory(seller=shop).id for _ in range(3)}
    headers = auth(shop.owner)

    answers, cursor = [], None
    while not answers or answers[-1]["has_more"]:
        answers.append(_pull(client, headers, cursor, limit=3).get_json())
        cursor = answers[-1]["cursor"]

    assert len(answers) == 4  # 1 shop + 7 products + 3 customers = 11 rows, 3 at a time
    assert all(sum(len(c["upserted"]) + len(c["deleted"]) for c in a["changes"].values()) <= 3 for a in answers)
    assert set().union(*(_ids(a, "products") for a in answers)) == products
    assert set().union(*(_ids(a, "customers") for a in answers)) == customers


def test_a_row_written_during_a_paged_first_sync_still_comes(client, auth):
    shop = SellerFactory()
    for _ in range(4):
        ProductFactory(seller=shop)
    headers = auth(shop.owner)
    first = _pull(client, headers, limit=2).get_json()
    added = client.post("/api/v1/products", json={"name": "New", "price": "5", "currency": "TRY"},
                        headers=headers).get_json()["id"]

    seen, cursor, more = set(), first["cursor"], True
    while more:
        answer = _pull(client, headers, cursor, limit=2).get_json()
        seen |= _ids(answer, "products")
        cursor, more = answer["cursor"], answer["has_more"]

    assert added in seen


def test_a_shop_handed_to_another_coordinator_arrives_as_deleted(client, auth):
    zeina, other = UserFactory(role=Role.coordinator), UserFactory(role=Role.coordinator)
    kept, handed = SellerFactory(owner=None, coordinator=zeina), SellerFactory(owner=None, coordinator=zeina)
    product = ProductFactory(seller=handed)
    order = order_with_lines(handed, [(product, 1)])
    headers = auth(zeina)
    cursor = _pull(client, headers).get_json()["cursor"]
    handed.coordinator = other
    db.session.commit()

    answer = _pull(client, headers, cursor).get_json()

    assert answer["changes"]["sellers"]["deleted"] == [handed.id]
    assert answer["changes"]["products"]["deleted"] == [product.id]
    assert set(answer["changes"]["orders"]["deleted"]) == {order.id}
    assert set(answer["changes"]["customers"]["deleted"]) == {order.customer_id}
    assert kept.id not in json.dumps(answer["changes"])
    assert _pull(client, headers, answer["cursor"]).get_json()["changes"]["sellers"]["deleted"] == []


def test_a_shop_new_to_the_user_comes_in_full(client, auth):
    zeina = UserFactory(role=Role.coordinator)
    SellerFactory(owner=None, coordinator=zeina)
    headers = auth(zeina)
    cursor = _pull(client, headers).get_json()["cursor"]
    new_client = SellerFactory(owner=None)
    product = ProductFactory(seller=new_client)  # written before she took the shop over
    new_client.coordinator = zeina
    db.session.commit()

    answer = _pull(client, headers, cursor).get_json()

    assert _ids(answer, "sellers") == {new_client.id}
    assert _ids(answer, "products") == {product.id}


def test_a_cursor_of_another_user_is_refused(client, auth):
    shop, other = SellerFactory(), SellerFactory()
    cursor = _pull(client, auth(shop.owner)).get_json()["cursor"]

    response = _pull(client, auth(other.owner), cursor)

    assert response.status_code == 403
    assert response.get_json()["code"] == "sync-cursor-foreign"


def test_a_cursor_not_from_this_server_is_invalid(client, auth):
    shop = SellerFactory()
    headers = auth(shop.owner)
    cursor = _pull(client, headers).get_json()["cursor"]

    response = _pull(client, headers, cursor[:-3] + "abc")

    assert response.status_code == 422
    assert "since" in response.get_json()["errors"]


def test_a_cursor_older_than_the_change_log_keeps_answers_410(client, auth):
    shop = SellerFactory()
    product = ProductFactory(seller=shop)
    headers = auth(shop.owner)
    cursor = _pull(client, headers).get_json()["cursor"]
    client.patch(f"/api/v1/products/{product.id}", json={"price": "9"}, headers=headers)
    with time_machine.travel(timedelta(days=40)):
        sync.prune(db.session, older_than=timedelta(days=30))
        db.session.commit()

    response = _pull(client, headers, cursor)

    assert response.status_code == 410
    assert response.get_json()["code"] == "sync-cursor-expired"
    assert _pull(client, headers).status_code == 200  # starting over works


def test_a_cursor_newer_than_what_was_pruned_still_works(client, auth):
    shop = SellerFactory()
    product = ProductFactory(seller=shop)
    headers = auth(shop.owner)
    client.patch(f"/api/v1/products/{product.id}", json={"price": "9"}, headers=headers)
    cursor = _pull(client, headers).get_json()["cursor"]
    with time_machine.travel(timedelta(days=40)):
        assert sync.prune(db.session, older_than=timedelta(days=30)) > 0
        db.session.commit()
    client.patch(f"/api/v1/products/{product.id}", json={"price": "10"}, headers=headers)

    response = _pull(client, headers, cursor)

    assert response.status_code == 200
    assert response.get_json()["changes"]["products"]["upserted"][0]["price"] == "10.00"


def test_fields_trims_the_rows_of_the_kinds_named(client, auth):
    shop = SellerFactory()
    ProductFactory(seller=shop)
    CustomerFactory(seller=shop)

    answer = _pull(client, auth(shop.owner), fields="products.price,products.name").get_json()

    assert set(answer["changes"]["products"]["upserted"][0]) == {"id", "name", "price"}
    assert "phone" in answer["changes"]["customers"]["upserted"][0]


def test_fields_naming_an_unknown_field_is_422(client, auth):
    shop = SellerFactory()

    response = _pull(client, auth(shop.owner), fields="products.secret")

    assert response.status_code == 422
    assert "fields" in response.get_json()["errors"]


def test_answers_are_gzipped_for_clients_that_accept_it(client, auth):
    shop = SellerFactory()
    for _ in range(10):
        ProductFactory(seller=shop)

    response = client.get("/api/v1/sync", headers={**auth(shop.owner), "Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.get_data()))["changes"]["products"]["upserted"]) == 10


def _queries_for_a_shop_with(orders: int, client, auth, count_queries) -> int:
    shop = SellerFactory()
    product = ProductFactory(seller=shop)
    run = MarketRunFactory(seller=shop)
    for _ in range(orders):  # each its own customer: nothing shared to hide a query per row
        order = order_with_lines(shop, [(product, 1)], customer=CustomerFactory(seller=shop),
                                 status=OrderStatus.confirmed)
        order.market_run = run
    db.session.commit()
    headers = auth(shop.owner)
    with count_queries() as counted:
        assert _pull(client, headers).status_code == 200
    return counted.count


def test_a_sync_runs_as_many_queries_for_1_order_as_for_30(client, auth, count_queries):
    assert _queries_for_a_shop_with(1, client, auth, count_queries) == _queries_for_a_shop_with(
        30, client, auth, count_queries)


def test_the_week_offline_catches_up_in_two_requests_and_50_kb(client, auth):
    shop = seed(db.session)
    headers = auth(db.session.get(User, shop.owner_id))
    cursor, _first, _sizes = sync_all(client, headers)
    deleted = week_offline(client, headers, shop)

    _cursor, answers, sizes = sync_all(client, headers, cursor)

    assert len(answers) <= BUDGET_REQUESTS
    assert sum(sizes) <= BUDGET_BYTES
    got = set().union(*(_ids(a, "products", "deleted") for a in answers))
    assert got == deleted
    assert len(set().union(*(_ids(a, "products") for a in answers))) == 30  # the edited ones
    assert len(set().union(*(_ids(a, "orders") for a in answers))) == 20


def test_a_change_committed_late_is_still_delivered_by_pull(app, client, auth):
    """Two overlapping transactions in one shop: the later-committed one waits for the
    shop's counter, so a pull between them never moves its cursor past it."""
    shop = SellerFactory()
    product = ProductFactory(seller=shop)
    headers = auth(shop.owner)
    cursor = _pull(client, headers).get_json()["cursor"]
    shop_id, product_id = shop.id, product.id
    db.session.remove()

    first = Session(db.engine)
    first.get(Product, product_id).price = Decimal("1.00")
    first.flush()  # holds the shop's counter until it ends
    second_done = threading.Event()

    def second_writer():
        with app.app_context(), Session(db.engine) as second:
            second.add(Product(seller_id=shop_id, name="Later", price=Decimal("2.00"), currency="TRY"))
            second.commit()
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not second_done.wait(0.5), "the second writer did not wait for the first"
    between = _pull(client, headers, cursor).get_json()
    first.commit()
    first.close()
    thread.join(30)
    later = db.session.scalar(sa.select(Product.id).where(Product.name == "Later"))

    after = _pull(client, headers, between["cursor"]).get_json()

    assert between["changes"]["products"]["upserted"] == []
    assert _ids(after, "products") == {product_id, later}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Change).where(Change.tenant_id == shop_id)) >= 4


def test_rows_the_user_may_not_see_are_never_sent(client, auth):
    shop = SellerFactory()
    headers = auth(shop.owner)
    cursor = _pull(client, headers).get_json()["cursor"]
    other = ProductFactory()  # another shop's change, in the log

    answer = _pull(client, headers, cursor).get_json()

    assert other.id not in json.dumps(answer)


def test_a_deleted_shop_takes_its_rows_with_it(client, auth):
    owner = UserFactory(role=Role.seller)
    kept, closed = SellerFactory(owner=owner), SellerFactory(owner=owner)
    product, customer = ProductFactory(seller=closed), CustomerFactory(seller=closed)
    product_id, customer_id, closed_id = product.id, customer.id, closed.id
    headers = auth(owner)
    cursor = _pull(client, headers).get_json()["cursor"]
    assert client.delete(f"/api/v1/sellers/{closed_id}", headers=headers).status_code == 204

    answer = _pull(client, headers, cursor).get_json()

    assert answer["changes"]["sellers"]["deleted"] == [closed_id]
    assert answer["changes"]["products"]["deleted"] == [product_id]
    assert answer["changes"]["customers"]["deleted"] == [customer_id]
    assert kept.id not in json.dumps(answer["changes"])


# --- Zeina's work: pages, jobs, teams, payouts ----------------------------------------------


def test_a_coordinator_syncs_her_pages_jobs_with_their_figures_and_teams(client, auth):
    job = JobFactory()
    record_count(job, 1500)
    other_job = JobFactory()  # another coordinator's

    answer = _pull(client, auth(job.coordinator)).get_json()

    assert _ids(answer, "pages") == {job.page_id}
    [synced] = answer["changes"]["promotions"]["upserted"]
    assert synced["id"] == job.id and synced["earned"] == "150.00" and synced["latest_count"] == 1500
    assert _ids(answer, "teams") == {job.team_id}
    assert other_job.id not in json.dumps(answer)


def test_a_promoter_syncs_the_jobs_she_is_on_and_their_pages_nothing_else_of_the_shop(client, auth):
    job = JobFactory()
    promoter = PromoterFactory()
    assign(job, promoter)
    not_hers = JobFactory(page=job.page, team=job.team)
    product = ProductFactory(seller=job.seller)

    answer = _pull(client, auth(promoter)).get_json()

    assert _ids(answer, "promotions") == {job.id}
    assert _ids(answer, "pages") == {job.page_id}
    assert _ids(answer, "teams") == {job.team_id}
    assert not _ids(answer, "products") and not _ids(answer, "customers")
    assert not_hers.id not in json.dumps(answer) and product.id not in json.dumps(answer)


def test_a_promoter_taken_off_a_job_gets_it_as_deleted(client, auth):
    job = JobFactory()
    kept = JobFactory(page=job.page, team=job.team)  # the shop stays hers through this one
    promoter = PromoterFactory()
    assign(job, promoter)
    kept.members.append(JobMember(user=promoter))
    db.session.commit()
    headers = auth(promoter)
    cursor = _pull(client, headers).get_json()["cursor"]
    response = client.delete(f"/api/v1/promotions/{job.id}/members/{promoter.id}", headers=auth(job.coordinator))
    assert response.status_code == 204

    answer = _pull(client, headers, cursor).get_json()

    assert answer["changes"]["promotions"]["deleted"] == [job.id]
    assert _pull(client, headers).get_json()["changes"]["promotions"]["upserted"][0]["id"] == kept.id


def test_a_payout_marked_paid_reaches_the_promoters_phone(client, auth):
    job = JobFactory()
    promoter = PromoterFactory()
    assign(job, promoter)
    record_count(job, 1500)
    coordinator = auth(job.coordinator)
    made = client.post("/api/v1/payout-sets", json={"job_id": job.id}, headers=coordinator)
    assert made.status_code == 201, made.get_json()
    headers = auth(promoter)
    first = _pull(client, headers).get_json()
    [payout] = first["changes"]["payouts"]["upserted"]
    assert payout["status"] == "pending"
    assert client.patch(f"/api/v1/payouts/{payout['id']}", json={"status": "paid"},
                        headers=coordinator).status_code == 200

    answer = _pull(client, headers, first["cursor"]).get_json()

    assert [(p["id"], p["status"]) for p in answer["changes"]["payouts"]["upserted"]] == [(payout["id"], "paid")]
