"""The account obeys the A-share rules, explains every refusal, and never creates or loses cash."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.account import Account, OrderRejected
from companion.rules import AShareRules

BOE = "000725.SZ"


def snapshot(acc: Account):
    return (acc.cash, copy.deepcopy(acc.tranches), acc.fees_paid, acc.realized_pnl,
            len(acc.fills), acc.last_date)


def test_story_order_of_133_shares_is_rejected_as_odd_lot():
    acc = Account(551.8)
    before = snapshot(acc)
    with pytest.raises(OrderRejected, match=r"odd lot.*100 shares.*133") as err:
        acc.buy(BOE, 133, 4.12, "2015-04-02", preclose=4.10)
    assert err.value.reason == "odd_lot"
    assert snapshot(acc) == before


def test_story_trade_with_valid_lot_nets_costs():
    acc = Account(551.8)
    buy = acc.buy(BOE, 100, 4.12, "2015-04-02", preclose=4.10)
    sell = acc.sell(BOE, 100, 4.34, "2015-04-07", preclose=4.15)
    # commission hits its 5 CNY floor on both sides; stamp duty 0.1% of 434 on the sell only
    assert buy["commission"] == 5.0 and sell["commission"] == 5.0
    assert buy["stamp_duty"] == 0.0 and sell["stamp_duty"] == pytest.approx(0.43)
    assert acc.cash - 551.8 == pytest.approx(22.0 - 5.0 - 5.0 - 0.43 - 0.01 - 0.01)


@pytest.mark.parametrize("side,shares,price,date,reason,pattern", [
    ("buy", 100, 4.60, "2015-04-02", "limit", r"beyond the day's limit.*3\.69.4\.51"),
    ("buy", 100, 4.123, "2015-04-02", "tick", r"tick"),
    ("buy", 200, 4.12, "2015-04-02", "cash", r"not enough cash.*buy at most 100"),
    ("buy", 0, 4.12, "2015-04-02", "shares", r"positive whole number"),
    ("sell", 100, 4.12, "2015-04-02", "shares_held", r"not enough shares"),
])
def test_rejections_say_why_and_change_nothing(side, shares, price, date, reason, pattern):
    acc = Account(551.8)
    before = snapshot(acc)
    with pytest.raises(OrderRejected, match=pattern) as err:
        getattr(acc, side)(BOE, shares, price, date, preclose=4.10)
    assert err.value.reason == reason
    assert snapshot(acc) == before


def test_t_plus_1_and_odd_lot_sells():
    acc = Account(10_000)
    acc.buy(BOE, 300, 4.00, "2017-03-01", preclose=4.00)
    acc.buy(BOE, 100, 4.00, "2017-03-02", preclose=4.00)
    with pytest.raises(OrderRejected, match=r"T\+1.*100 of the 400") as err:
        acc.sell(BOE, 400, 4.00, "2017-03-02", preclose=4.00)
    assert err.value.reason == "t_plus_1"
    acc.sell(BOE, 300, 4.00, "2017-03-03", preclose=4.00)
    assert acc.shares(BOE) == 100
    # an odd remainder (e.g. from a bonus issue) must be sold whole
    acc.tranches[BOE][0][1] = 150
    acc.realized_pnl -= 50 * 4.00  # keep the identity: the 50 bonus shares "cost" nothing here
    with pytest.raises(OrderRejected, match="odd lot") as err:
        acc.sell(BOE, 30, 4.00, "2017-03-06", preclose=4.00)
    assert err.value.reason == "odd_lot"
    acc.sell(BOE, 50, 4.00, "2017-03-06", preclose=4.00)
    acc.sell(BOE, 100, 4.00, "2017-03-07", preclose=4.00)
    assert acc.shares(BOE) == 0


def test_orders_must_come_in_date_order():
    acc = Account(10_000)
    acc.buy(BOE, 100, 4.00, "2017-03-02", preclose=4.00)
    with pytest.raises(OrderRejected, match="date order"):
        acc.buy(BOE, 100, 4.00, "2017-03-01", preclose=4.00)


def test_rates_by_date():
    rules = AShareRules()
    assert rules.stamp_duty("2017-11-09") == 0.001
    assert rules.stamp_duty("2023-08-28") == 0.0005
    assert rules.stamp_duty("2023-08-25") == 0.001
    assert rules.transfer_fee("2017-11-09") == 0.00002
    assert rules.transfer_fee("2022-04-29") == 0.00001
    with pytest.raises(ValueError, match="not encoded"):
        rules.stamp_duty("2007-06-01")
    assert rules.limits("600340.SH", "2017-04-05", 27.26) == (24.53, 29.99)
    assert AShareRules(st_codes=frozenset({"000001.SZ"})).limits("000001.SZ", "2017-01-03", 10.0) \
        == (9.5, 10.5)
    assert rules.limit_pct("300750.SZ", "2020-08-24") == 0.20
    assert rules.limit_pct("300750.SZ", "2020-08-21") == 0.10


def test_max_buy_shares_pays_fees_and_whole_lots():
    rules = AShareRules()
    assert rules.max_buy_shares(551.8, 4.12, "2017-11-08") == 100
    assert rules.max_buy_shares(417.00, 4.12, "2017-11-08") == 0   # 412 + 5.01 fees = 417.01
    assert rules.max_buy_shares(417.01, 4.12, "2017-11-08") == 100


# --- properties --------------------------------------------------------------------------------
order = st.tuples(
    st.sampled_from(["buy", "sell"]),
    st.sampled_from(["000725.SZ", "600340.SH"]),
    st.sampled_from([50, 100, 133, 200, 300, 1000]),
    st.integers(-120, 120),            # price offset from the previous close, in ticks
    st.integers(0, 1),                 # 0: same day as the previous order, 1: next day
)


@settings(max_examples=150, deadline=None)
@given(cash=st.floats(100, 50_000), orders=st.lists(order, max_size=25),
       commission=st.sampled_from([0.00025, 0.0003, 0.001]))
def test_account_properties(cash, orders, commission):
    rules = AShareRules(commission_rate=commission)
    acc = Account(cash, rules)
    preclose = {"000725.SZ": 4.10, "600340.SH": 9.00}
    day, bought_today = 0, {}
    for side, code, shares, ticks, advance in orders:
        if advance:
            day, bought_today = day + 1, {}
        date = f"2017-03-{day + 1:02d}"
        price = round(preclose[code] + ticks * 0.01, 2)
        before = snapshot(acc)
        try:
            fill = getattr(acc, side)(code, shares, price, date, preclose=preclose[code])
        except OrderRejected:
            assert snapshot(acc) == before          # a refusal changes nothing
            continue
        # every fill lies within the day's +-10% band around the previous close
        assert preclose[code] * 0.9 - 0.005 <= fill["price"] <= preclose[code] * 1.1 + 0.005
        if side == "buy":
            assert shares % 100 == 0
            bought_today[code] = bought_today.get(code, 0) + shares
        # no sale of shares bought the same day: today's purchases are all still held
        assert acc.shares(code) >= bought_today.get(code, 0)
        assert acc.cash >= -1e-9
        assert abs(acc.conservation_error()) < 1e-6
        assert fill["fees"] >= rules.min_commission
    assert abs(acc.conservation_error()) < 1e-6
