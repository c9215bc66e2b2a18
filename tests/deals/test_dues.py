"""Whose turn it is to pay, by akad (``deals/dues.py`` and ``states.awaited_action``). Pure."""

from datetime import date

from exchange.deals.akad import Stage
from exchange.deals.dues import Due, due_now
from exchange.deals.states import Action, Context, Side, State, awaited_action, waits_on

TODAY = date(2027, 1, 10)
TOTAL = 1_000_000


def test_tempo_after_handover_is_owed_by_the_buyer_from_its_due_date():
    day = date(2027, 2, 1)
    assert due_now("tempo", TOTAL, 0, TODAY, handed_over=True, payment_due_date=day) == Due(0)
    due = due_now("tempo", TOTAL, 0, day, handed_over=True, payment_due_date=day)
    assert due == Due(TOTAL, day)
    assert due_now("tempo", TOTAL, TOTAL, TODAY, handed_over=True) == Due(0)


def test_tempo_before_handover_is_owed_only_from_its_due_date():
    before = due_now("tempo", TOTAL, 0, TODAY, handed_over=False, payment_due_date=date(2027, 2, 1))
    assert before.amount == 0
    late = due_now("tempo", TOTAL, 0, TODAY, handed_over=False, payment_due_date=date(2027, 1, 9))
    assert late == Due(TOTAL, date(2027, 1, 9))


def test_salam_is_owed_in_full_from_signing():
    due = due_now("salam", TOTAL, 0, TODAY, handed_over=False, signed_on=date(2027, 1, 3))
    assert due == Due(TOTAL, date(2027, 1, 3))


def test_istisna_owes_the_stages_whose_date_came():
    stages = (Stage(date(2027, 1, 5), 300_000), Stage(date(2027, 1, 20), 700_000))
    due = due_now("istisna", TOTAL, 0, TODAY, handed_over=False, schedule=stages)
    assert due == Due(300_000, date(2027, 1, 5))
    assert due_now("istisna", TOTAL, 300_000, TODAY, handed_over=False, schedule=stages).amount == 0


def test_cash_is_owed_at_the_handover_not_before():
    assert due_now("tunai", TOTAL, 0, TODAY, handed_over=False).amount == 0
    assert due_now("tunai", TOTAL, 0, TODAY, handed_over=True).amount == TOTAL


def test_a_received_deal_with_money_owed_waits_on_the_buyer_not_the_seller():
    owed = Context(State.RECEIVED, payment_due=True)
    assert waits_on(owed) == {Side.BUYER}
    assert awaited_action(owed, Side.BUYER) is Action.PAY
    assert waits_on(Context(State.RECEIVED)) == {Side.SELLER}


def test_an_istisna_stage_due_while_the_seller_makes_the_goods_waits_on_both():
    ctx = Context(State.SIGNED, payment_due=True)
    assert waits_on(ctx) == {Side.SELLER, Side.BUYER}
    assert awaited_action(ctx, Side.SELLER) is Action.SHIP
    assert awaited_action(ctx, Side.BUYER) is Action.PAY
