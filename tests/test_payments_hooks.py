"""The payments plugin's hooks: each documented in docs/hooks.md, each driven through the real platform."""

import inspect
import re
from pathlib import Path

import pytest

from kernel import db, tenancy
from payments_fixtures import customer, fund, place, wallet
from pluginkit import recording
from plugins.payments import hookspecs, services
from plugins.payments.gateways import Gateway, PaymentStart, RefundResult

TESTS = Path(__file__).parent
DOCS = TESTS.parent / "docs" / "hooks.md"


def payments_hook_names() -> list[str]:
    return sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
                  if hasattr(fn, "qutecat_spec"))


@pytest.mark.parametrize("hook", payments_hook_names())
def test_payments_hooks_are_documented(hook):
    # given docs/hooks.md, then each payments hook has its own section and a real docstring
    assert re.search(rf"^## {hook}\s*$", DOCS.read_text(), re.M), f"docs/hooks.md has no '## {hook}' section"
    assert len(inspect.getdoc(getattr(hookspecs, hook)) or "") > 40


@pytest.mark.parametrize("hook", payments_hook_names())
def test_payments_hooks_have_tests(hook):
    # given every test module's source, then each payments hook has its own test function
    sources = "\n".join(path.read_text() for path in TESTS.glob("test_*.py"))
    assert re.search(rf"^def test_hook_{hook}\(", sources, re.M), f"no test_hook_{hook} in tests/"


def test_payments_declares_its_hooks_through_addhooks(platform):
    # given the booted platform, then the gateway hooks exist with their specs and firstresult where keyed
    hooks = platform.host.pm.hook
    for name in payments_hook_names():
        assert getattr(hooks, name).spec is not None
    assert hooks.gateway_start_payment.spec.opts["firstresult"] is True
    assert hooks.gateway_refund.spec.opts["firstresult"] is True


def test_hook_payment_gateways(platform, make_shop):
    # given a Free and a Starter shop
    free, _, _ = make_shop("free")
    starter, _, _ = make_shop("starter")
    host = platform.host
    # when each shop's hook view collects the gateways
    answers = {
        name: host.view(tenancy.get(shop["id"]).live).payment_gateways(tenant=tenancy.get(shop["id"]))
        for name, shop in (("free", free), ("starter", starter))
    }
    # then only the gateway plugins live for the shop answer, each with its descriptor
    assert answers["free"] == [Gateway("cash", "Cash on delivery", False)]
    assert sorted(g.name for g in answers["starter"]) == ["cash", "wallet"]
    assert all(isinstance(g, Gateway) for g in answers["starter"])


def test_hook_gateway_start_payment(platform, make_shop):
    # given a pending payment
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 500)
    payment, _ = place(user.id, "cash", {shop["id"]: 500})
    hook = platform.host.hook.gateway_start_payment
    # when the hook is called for cash, and for a gateway no plugin has
    # then the cash plugin answers alone (firstresult) and nobody answers for the unknown one
    assert hook(gateway="cash", payment=payment) == PaymentStart(redirect_url=None)
    assert hook(gateway="bitcoin", payment=payment) is None
    # when the wallet answers through the service, then it settles the payment from the balance
    with recording(platform.host) as recorder:
        paid, started = place(user.id, "wallet", {shop["id"]: 500})
    assert started == PaymentStart(redirect_url=None) and paid.status == "paid"
    (call,) = recorder.of("gateway_start_payment")
    assert call.kwargs["gateway"] == "wallet" and "payments_wallet" in call.plugins


def test_hook_gateway_refund(platform, make_shop):
    # given a paid wallet payment and a paid cash payment
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 1000)
    by_wallet, _ = place(user.id, "wallet", {shop["id"]: 1000})
    by_cash, _ = place(user.id, "cash", {shop["id"]: 300})
    with db.transaction():
        services.mark_paid(by_cash)
    # when refunds go through the service
    with recording(platform.host) as recorder, db.transaction():
        services.refund(by_wallet, shop["id"], "order:h1", 400, "hook-refund:wallet")
        services.refund(by_cash, shop["id"], "order:h2", 300, "hook-refund:cash")
    # then each gateway answered for its own payment with how the money went back
    calls = recorder.of("gateway_refund")
    assert [(c.kwargs["gateway"], c.kwargs["amount"], c.kwargs["reference"]) for c in calls] == [
        ("wallet", 400, "hook-refund:wallet"), ("cash", 300, "hook-refund:cash")]
    hook = platform.host.hook.gateway_refund
    assert hook(gateway="cash", payment=by_cash, amount=1, reference="direct") == RefundResult(method="manual")
    assert hook(gateway="bitcoin", payment=by_cash, amount=1, reference="direct") is None


def test_hook_payment_succeeded(platform, make_shop):
    # given a pending cash payment across two shops
    a, _, _ = make_shop("free")
    b, _, _ = make_shop("free")
    user, _ = customer()
    payment, _ = place(user.id, "cash", {a["id"]: 100, b["id"]: 200})
    with recording(platform.host) as recorder:
        # when the first share is collected, then nothing is announced
        with db.transaction():
            services.mark_share_paid(payment, a["id"])
            assert recorder.of("payment_succeeded") == []
        assert recorder.of("payment_succeeded") == []
        # when the last one is (and a late confirmation follows), then the payment is announced once,
        # after commit, as paid
        with db.transaction():
            services.mark_share_paid(payment, b["id"])
            assert recorder.of("payment_succeeded") == []
        with db.transaction():
            services.mark_paid(payment)
    (call,) = recorder.of("payment_succeeded")
    assert call.kwargs["payment"].id == payment.id and call.kwargs["payment"].status == "paid"


def test_hook_payment_failed(platform, make_shop):
    # given two pending cash payments
    shop, _, _ = make_shop("free")
    user, _ = customer()
    declined, _ = place(user.id, "cash", {shop["id"]: 100})
    expired, _ = place(user.id, "cash", {shop["id"]: 100})
    # when one is refused by its gateway and the other cancelled, each twice
    with recording(platform.host) as recorder:
        for _ in range(2):
            with db.transaction():
                services.mark_failed(declined, "card declined")
                services.cancel(expired, "expired unpaid")
    # then each is announced once, with its status and reason
    announced = [(c.kwargs["payment"].id, c.kwargs["payment"].status, c.kwargs["payment"].failure_reason)
                 for c in recorder.of("payment_failed")]
    assert announced == [(declined.id, "failed", "card declined"), (expired.id, "cancelled", "expired unpaid")]


def test_a_rolled_back_payment_announces_nothing(platform, make_shop):
    # given a wallet payment whose placement fails after it was settled
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 100)
    with recording(platform.host) as recorder:
        with pytest.raises(RuntimeError):
            with db.transaction():
                payment = services.create_payment(user.id, "wallet", {shop["id"]: 100})
                services.start_payment(payment)
                raise RuntimeError("an order could not be written")
    # then no plugin heard of a success that never committed, and the money is still there
    assert recorder.of("payment_succeeded") == []
    assert wallet.balance(user.id) == 100
