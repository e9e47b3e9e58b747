"""The story's people as demo data: Reem's shop, Zeina and her five client pages.

Reem's week as it really goes: orders in every status, last Thursday's market run in
lira and dollars (per-product costs and a lump sum for transport), a deposit on an order
not yet delivered, a lipstick given back and refunded, and a dollar order paid in lira at
the rate Reem applied. Confirmed orders in both currencies wait for this week's run.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from shared.models import (
    Channel, Language, OrderStatus, PaymentMethod, Product, RefundReason, Role, Seller, SellerCategory,
    User,
)
from shared.services import market_runs, orders, payments, returns
from shared.services.accounts import hash_password
from shared.services.customers import create_customer

PASSWORD = "tawasi-demo"

REEM_PRODUCTS = [
    ("كريم مرطّب للوجه — Face moisturizer", "٥٠ مل، للبشرة الجافة", "150.00"),
    ("أحمر شفاه — Lipstick", "لون أحمر غامق", "85.00"),
    ("واقي شمس — Sunscreen SPF 50", "١٠٠ مل", "210.00"),
    ("غسول للوجه — Face wash", "للبشرة الدهنية", "95.00"),
    ("ماسكارا — Mascara", "مقاومة للماء", "120.00"),
    ("كحل عربي — Kohl eyeliner", "أسود", "45.00"),
    ("زيت الأرغان — Argan oil", "٣٠ مل، طبيعي", "175.00"),
    ("صابون الغار — Laurel soap", "صابون حلبي", "40.00"),
    ("مزيل مكياج — Makeup remover", "ماء ميسيلار ٢٠٠ مل", "110.00"),
    ("كريم يدين — Hand cream", "برائحة الورد", "60.00"),
    ("طلاء أظافر — Nail polish", "ألوان متعددة", "35.00"),
    ("عطر ورد جوري — Damask rose perfume", "٥٠ مل", "250.00"),
]
# Imported perfume is priced in dollars, as the wholesaler sells it.
REEM_DOLLAR_PRODUCTS = [
    ("عطر فرنسي — French perfume", "١٠٠ مل، مستورد", "45.00"),
]
# What Reem paid at last Thursday's market, per product (for the whole quantity bought).
LAST_RUN_COSTS = {0: "300.00", 1: "110.00", 2: "140.00", 6: "120.00", 7: "75.00", 9: "80.00",
                  12: "30.00"}
LAST_RUN_LUMP_SUM = ("TRY", "40.00")  # the minibus to the market and back
DOLLAR_RATE = Decimal("34")  # lira per dollar, as Reem counted Hiba's cash

ZEINA_CLIENTS = [
    ("مطعم أبو خليل — Abu Khalil restaurant", SellerCategory.food, "Sarmada", "+963944200001"),
    ("فلافل الشام — Sham falafel", SellerCategory.food, "Idlib", "+963944200002"),
    ("بوتيك ياسمين — Yasmine boutique", SellerCategory.clothing, "Azaz", "+963944200003"),
    ("أشغال يدوية أم محمد — Umm Mohammad crafts", SellerCategory.handicrafts, "Dana", "+963944200004"),
    ("حلويات السعادة — Al-Saada sweets", SellerCategory.food, "Al-Dana", "+963944200005"),
]


REEM_CUSTOMERS = [
    ("أم أحمد", "0944 111 301", "Idlib", Language.ar, "خالة ريم"),
    ("سلمى الحلبي", "0944 111 302", "Sarmada", Language.ar, ""),
    ("نور", "+963 944 111 303", "Idlib", Language.ar, "جارة"),
    ("Hiba", "+90 532 111 22 33", "Gaziantep", Language.en, "Friend of Nour; reads English"),
    ("أم خالد", "0944 111 305", "Binnish", Language.ar, "تدفع عند الاستلام"),
    ("رنا", "0944 111 306", "Idlib", Language.ar, ""),
]

# (customer index, [(product index, quantity)], channel, where the order got to)
REEM_ORDERS = [
    (0, [(0, 1), (1, 2)], Channel.whatsapp, OrderStatus.delivered),
    (1, [(2, 1)], Channel.whatsapp, OrderStatus.delivered),
    (2, [(0, 2), (7, 3)], Channel.facebook, OrderStatus.purchased),
    (3, [(6, 1), (9, 2)], Channel.whatsapp, OrderStatus.purchased),
    (4, [(1, 1), (5, 2)], Channel.phone, OrderStatus.confirmed),
    (5, [(11, 1)], Channel.whatsapp, OrderStatus.confirmed),
    (0, [(3, 1)], Channel.in_person, OrderStatus.pending),
    (2, [(10, 4)], Channel.whatsapp, OrderStatus.pending),
    (1, [(4, 1)], Channel.whatsapp, OrderStatus.cancelled),
    (3, [(12, 1)], Channel.whatsapp, OrderStatus.delivered),  # in dollars, paid in lira
    (5, [(12, 1)], Channel.whatsapp, OrderStatus.confirmed),  # in dollars, for this week's run
]
_PATH = [OrderStatus.confirmed, OrderStatus.purchased, OrderStatus.delivered]


def _reem_week(session: Session, reem: User, shop: Seller, products: list[Product]) -> None:
    """Customers, orders in every status, last week's market run (bought), payments, a
    deposit, a return with its refund, and a dollar order paid in lira."""
    customers = [
        create_customer(session, reem, {"seller_id": shop.id, "name": name, "phone": phone,
                                        "area": area, "language": language, "notes": notes})
        for name, phone, area, language, notes in REEM_CUSTOMERS
    ]
    placed = []
    for who, items, channel, status in REEM_ORDERS:
        order = orders.create_order(session, reem, {
            "seller_id": shop.id, "customer_id": customers[who].id, "channel": channel,
            "lines": [{"product_id": products[i].id, "quantity": q} for i, q in items],
        })
        placed.append((order, status))
    # Confirm what reached the market; the run buys for those, then some are delivered.
    for order, status in placed:
        if status in _PATH:
            orders.update_order(session, reem, order, {"status": OrderStatus.confirmed})
        elif status == OrderStatus.cancelled:
            orders.update_order(session, reem, order, {"status": OrderStatus.cancelled})
    bought = [order.id for order, status in placed if status in (OrderStatus.purchased, OrderStatus.delivered)]
    run = market_runs.create_market_run(session, reem, {
        "seller_id": shop.id, "run_date": date(2026, 11, 19), "order_ids": bought,
        "note": "سوق الخميس — Thursday market"})
    currency, amount = LAST_RUN_LUMP_SUM
    market_runs.mark_bought(session, reem, run.row, costs=[
        {"product_id": products[i].id, "cost": Decimal(cost)} for i, cost in LAST_RUN_COSTS.items()
    ], lump_sums=[{"currency": currency, "amount": Decimal(amount)}])
    for order, status in placed:
        if status != OrderStatus.delivered:
            continue
        orders.update_order(session, reem, order, {"status": OrderStatus.delivered})
        if order.currency == "TRY":
            payments.add_payment(session, reem, order, amount=order.total, method=PaymentMethod.cash)
        else:  # Hiba paid her dollar order in lira, at the rate Reem applied
            payments.add_payment(session, reem, order, amount=order.total * DOLLAR_RATE,
                                 currency="TRY", rate=DOLLAR_RATE, rate_per=order.currency)
    # Umm Ahmad gave back one lipstick; Reem gave her the 85 lira back.
    first = placed[0][0]
    returned = returns.record_return(session, reem, first, lines=[
        {"product_id": products[1].id, "quantity": 1}], note="اللون غير مناسب — wrong shade")
    payments.add_refund(session, reem, first, amount=returned.amount, reason=RefundReason.returned)
    # Hiba paid half of her lira order up front by transfer: a deposit, not credit.
    hiba_order = placed[3][0]
    payments.add_payment(session, reem, hiba_order, amount=(hiba_order.total / 2).quantize(Decimal("0.01")),
                         method=PaymentMethod.transfer)


def _user(email, role, name, language=Language.ar) -> User:
    return User(email=email, role=role, name=name, language=language,
                password_hash=hash_password(PASSWORD))


def load_demo(session: Session) -> list[User]:
    """The story's people and their data, flushed into `session` (the caller commits)."""
    admin = _user("admin@example.com", Role.admin, "Admin", Language.en)
    reem = _user("reem@example.com", Role.seller, "ريم")
    zeina = _user("zeina@example.com", Role.coordinator, "زينة")
    promoters = [_user(f"{n}@example.com", Role.promoter, label) for n, label in
                 (("huda", "هدى"), ("salma", "سلمى"))]
    session.add_all([admin, reem, zeina, *promoters])

    shop = Seller(name="ريم للتجميل — Reem beauty", category=SellerCategory.cosmetics,
                  area="Idlib", whatsapp_phone="+963944111222", owner=reem)
    session.add(shop)
    products = [Product(seller=shop, name=name, description=desc, price=Decimal(price), currency="TRY")
                for name, desc, price in REEM_PRODUCTS]
    products += [Product(seller=shop, name=name, description=desc, price=Decimal(price), currency="USD")
                 for name, desc, price in REEM_DOLLAR_PRODUCTS]
    session.add_all(products)
    session.add_all(
        Seller(name=name, category=category, area=area, whatsapp_phone=phone, coordinator=zeina)
        for name, category, area, phone in ZEINA_CLIENTS
    )
    session.flush()
    _reem_week(session, reem, shop, products)
    return [admin, reem, zeina, *promoters]
