"""WhatsApp-ready texts: an order confirmation for its customer, a shop's price list.

Pure text building (no network): the client opens the wa.me link, or pastes the text.
What the text says about money is the order's figures (shared.services.payments): it
asks for what is left to pay, never for money the customer is not owed. Names and notes
are cleaned of control characters and bidirectional overrides once more on the way out
(shared.text.clean_text), for rows written before the schemas cleaned them.
Amounts keep ASCII digits and two decimals (as typed into prices); currencies are
written the way people in the region write them: in Arabic "ل.ت" (Turkish lira),
"ل.س" (Syrian pound), "$", "€"; in English the ISO code ("TRY").
"""
from decimal import Decimal
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.models import Language, Order, OrderStatus, Product, Seller, User
from shared.phones import wa_me_digits
from shared.services.access import get_for
from shared.services.payments import order_figures
from shared.text import clean_text

CURRENCY_NAMES = {
    Language.ar: {"TRY": "ل.ت", "SYP": "ل.س", "USD": "$", "EUR": "€"},
    Language.en: {},  # the ISO code
}

_TEXTS = {
    Language.ar: {
        "greeting": "مرحباً {name}،",
        "thanks": "شكراً لطلبك من *{seller}*.",
        "number": "رقم الطلب: {number}",
        "each": "{price} للقطعة",
        "total": "المجموع: *{amount}*",
        "paid": "المدفوع: {amount}",
        "due": "المتبقي: {amount}",
        "credit": "رصيدك لدينا: {amount}",
        "to_refund": "نعيد لك: {amount}",
        "returned": "أُرجع {quantity}",
        "catalogue": "*{seller}* — قائمة الأسعار",
        "empty": "لا توجد منتجات متوفرة حالياً.",
        "how_to_order": "للطلب أرسل اسم المنتج والكمية.",
        OrderStatus.confirmed: "✅ طلبك مؤكد، وسنشتريه في نزلة السوق القادمة.",
        OrderStatus.purchased: "🛍️ اشترينا طلبك وهو جاهز للتسليم.",
        OrderStatus.delivered: "📦 تم تسليم طلبك. شكراً لك!",
        OrderStatus.cancelled: "❌ تم إلغاء هذا الطلب.",
    },
    Language.en: {
        "greeting": "Hello {name},",
        "thanks": "Thank you for your order from *{seller}*.",
        "number": "Order no. {number}",
        "each": "{price} each",
        "total": "Total: *{amount}*",
        "paid": "Paid: {amount}",
        "due": "Left to pay: {amount}",
        "credit": "Your credit with us: {amount}",
        "to_refund": "To give back to you: {amount}",
        "returned": "{quantity} returned",
        "catalogue": "*{seller}* — price list",
        "empty": "No products are available at the moment.",
        "how_to_order": "To order, reply with the product name and quantity.",
        OrderStatus.confirmed: "✅ Your order is confirmed; we will buy it on our next market day.",
        OrderStatus.purchased: "🛍️ We bought your order; it is ready to deliver.",
        OrderStatus.delivered: "📦 Your order was delivered. Thank you!",
        OrderStatus.cancelled: "❌ This order was cancelled.",
    },
}


def money(amount: Decimal, currency: str, lang: Language) -> str:
    """'150.00 ل.ت' / '150.00 TRY'."""
    name = CURRENCY_NAMES[lang].get(currency, currency)
    return f"{amount:.2f} {name}"


def order_text(order: Order, lang: Language) -> str:
    """The message a seller sends the customer: where the order is, lines, total, what is paid.

    Each line shows what the customer kept (and how many came back); then the total,
    what was paid, and from the order's figures what is left to pay, or the money that
    is theirs: to give back on a cancelled order, their credit on any other.
    """
    t = _TEXTS[lang]
    cur = order.currency
    lines = [t["greeting"].format(name=clean_text(order.customer.name)), "",
             t["thanks"].format(seller=clean_text(order.seller.name)),
             t["number"].format(number=order.number)]
    if order.status in t:
        lines.append(t[order.status])
    lines.append("")
    for line in order.lines:
        kept = line.kept_quantity
        text = f"• {kept} × {clean_text(line.product_name)}: {money(line.line_total, cur, lang)}"
        notes = []
        if kept > 1:
            notes.append(t["each"].format(price=money(line.unit_price, cur, lang)))
        if line.returned_quantity:
            notes.append(t["returned"].format(quantity=line.returned_quantity))
        if notes:
            text += f" ({'، '.join(notes) if lang == Language.ar else ', '.join(notes)})"
        lines.append(text)
    lines += ["", t["total"].format(amount=money(order.total, cur, lang))]
    figures = order_figures(order)
    if order.amount_paid:
        lines.append(t["paid"].format(amount=money(order.amount_paid, cur, lang)))
    if figures.balance_due > 0 and order.amount_paid:
        lines.append(t["due"].format(amount=money(figures.balance_due, cur, lang)))
    elif figures.refundable > 0:
        key = "to_refund" if order.status == OrderStatus.cancelled else "credit"
        lines.append(t[key].format(amount=money(figures.refundable, cur, lang)))
    return "\n".join(lines)


def wa_me_url(phone: str | None, text: str) -> str | None:
    """https://wa.me/<digits>?text=<urlencoded>, or None when there is no phone to send to."""
    if not phone:
        return None
    return f"https://wa.me/{wa_me_digits(phone)}?text={quote(text, safe='')}"


def catalogue_text(seller: Seller, products: list[Product], lang: Language) -> str:
    t = _TEXTS[lang]
    lines = [t["catalogue"].format(seller=clean_text(seller.name)), ""]
    if not products:
        lines.append(t["empty"])
        return "\n".join(lines)
    lines += [f"• {clean_text(p.name)}: {money(p.price, p.currency, lang)}" for p in products]
    lines += ["", t["how_to_order"]]
    return "\n".join(lines)


def order_message(session: Session, user: User, order_id: str) -> dict:
    """{"text", "url"} for an order, in its customer's language.

    :raise NotFound: no such order in the shops the user works for.
    """
    order = get_for(session, user, Order, order_id)
    text = order_text(order, order.customer.language)
    return {"text": text, "url": wa_me_url(order.customer.phone, text)}


def catalogue_message(session: Session, user: User, seller_id: str, lang: Language) -> dict:
    """{"text", "url"}: the shop's available products with prices, by name.

    `url` is None: a price list is posted (status, group, broadcast), not sent to one phone.

    :raise NotFound: no such seller among those the user works for.
    """
    seller = get_for(session, user, Seller, seller_id)
    products = session.scalars(
        sa.select(Product).where(Product.seller_id == seller.id, Product.available.is_(True))
        .order_by(Product.name, Product.id)
    ).all()
    return {"text": catalogue_text(seller, list(products), lang), "url": None}
