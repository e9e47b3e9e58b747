"""Two people saving the same row at the same moment, both from the same read (ETag):
exactly one wins, the other is told it changed (412), on SQLite and PostgreSQL alike."""
import threading

import pytest

from shared.extensions import db
from shared.models import OrderStatus
from tests.factories import CustomerFactory, MarketRunFactory, ProductFactory, SellerFactory, order_with_lines


def _product(seller):
    return f"/api/v1/products/{ProductFactory(seller=seller).id}", [{"price": "11"}, {"price": "12"}]


def _customer(seller):
    return f"/api/v1/customers/{CustomerFactory(seller=seller).id}", [{"notes": "a"}, {"notes": "b"}]


def _seller(seller):
    return f"/api/v1/sellers/{seller.id}", [{"area": "Binnish"}, {"area": "Sarmada"}]


def _market_run(seller):
    run = MarketRunFactory(seller=seller)
    order = order_with_lines(seller, [(ProductFactory(seller=seller), 1)], status=OrderStatus.confirmed)
    order.market_run = run
    db.session.commit()
    return f"/api/v1/market-runs/{run.id}", [{"note": "a"}, {"note": "b"}]


@pytest.mark.parametrize("make", [_product, _customer, _seller, _market_run],
                         ids=["product", "customer", "seller", "market run"])
def test_two_simultaneous_patches_with_one_etag_give_one_200_and_one_412(app, auth, make):
    seller = SellerFactory()
    url, bodies = make(seller)
    headers = auth(seller.owner)
    etag = app.test_client().get(url, headers=headers).headers["ETag"]
    db.session.remove()
    barrier, results = threading.Barrier(2), []

    def send(body):
        with app.app_context():  # its own session and connection, as another server thread
            client = app.test_client()
            barrier.wait()
            response = client.patch(url, json=body, headers={**headers, "If-Match": etag})
            db.session.remove()
        results.append(response.status_code)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [200, 412]
