import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.deals.states import (
    TABLE,
    TERMINAL,
    Action,
    Context,
    Side,
    State,
    available_actions,
    decide,
    reachable,
    waits_on,
)

SELLER, BUYER = Side.SELLER, Side.BUYER


def test_only_the_side_whose_turn_it_is_can_accept_or_counter():
    ctx = Context(State.NEGOTIATING, whose_turn=SELLER)
    assert decide(ctx, Action.ACCEPT, SELLER).next_state is State.SIGNED
    assert decide(ctx, Action.COUNTER, SELLER).next_state is State.NEGOTIATING
    refused = decide(ctx, Action.ACCEPT, BUYER)
    assert not refused.allowed and "giliran" in refused.reason
    assert not decide(ctx, Action.COUNTER, BUYER).allowed
    assert not decide(ctx, Action.REJECT, BUYER).allowed


def test_either_side_can_walk_away_before_acceptance_but_not_after():
    ctx = Context(State.NEGOTIATING, whose_turn=SELLER)
    assert decide(ctx, Action.WITHDRAW, BUYER).next_state is State.WITHDRAWN
    assert decide(ctx, Action.WITHDRAW, SELLER).next_state is State.WITHDRAWN
    assert not decide(Context(State.SIGNED), Action.WITHDRAW, BUYER).allowed


def test_only_the_system_expires_a_move():
    ctx = Context(State.NEGOTIATING, whose_turn=SELLER)
    assert decide(ctx, Action.EXPIRE, None).next_state is State.EXPIRED
    assert not decide(ctx, Action.EXPIRE, SELLER).allowed
    assert not decide(ctx, Action.ACCEPT, None).allowed


def test_delivery_moves_belong_to_the_right_side():
    signed = Context(State.SIGNED)
    assert decide(signed, Action.SHIP, SELLER).allowed
    assert not decide(signed, Action.SHIP, BUYER).allowed
    assert decide(signed, Action.PAY, BUYER).allowed
    assert not decide(signed, Action.PAY, SELLER).allowed
    shipped = Context(State.SHIPPED)
    assert decide(shipped, Action.RECEIVE, BUYER).next_state is State.RECEIVED
    assert not decide(shipped, Action.RECEIVE, SELLER).allowed
    assert decide(Context(State.RECEIVED), Action.COMPLETE, SELLER).next_state is State.COMPLETED


def test_cancelling_needs_the_other_sides_agreement():
    ctx = Context(State.SHIPPED)
    assert not decide(ctx, Action.AGREE_CANCEL, BUYER).allowed
    asked = Context(State.SHIPPED, cancel_requested_by=SELLER)
    assert not decide(asked, Action.AGREE_CANCEL, SELLER).allowed
    assert not decide(asked, Action.REQUEST_CANCEL, BUYER).allowed
    assert decide(asked, Action.AGREE_CANCEL, BUYER).next_state is State.CANCELLED
    assert waits_on(asked) == {BUYER}


def test_a_resolved_dispute_returns_to_where_it_was_raised():
    ctx = Context(State.DISPUTED, disputed_by=BUYER, resume_state=State.SHIPPED)
    assert decide(ctx, Action.RESOLVE, BUYER).next_state is State.SHIPPED
    assert not decide(ctx, Action.RESOLVE, SELLER).allowed


def test_terminal_states_allow_nothing():
    for state in TERMINAL:
        for side in (SELLER, BUYER, None):
            assert available_actions(Context(state, whose_turn=SELLER), side) == []


def test_every_state_is_reachable_from_negotiation():
    assert reachable() == set(State)


def test_salam_signed_deal_waits_on_the_buyer_to_pay_first():
    assert waits_on(Context(State.SIGNED, buyer_pays_first=True)) == {BUYER}
    assert waits_on(Context(State.SIGNED)) == {SELLER}
    assert waits_on(Context(State.NEGOTIATING, whose_turn=BUYER)) == {BUYER}


@given(
    state=st.sampled_from(list(State)),
    action=st.sampled_from(list(Action)),
    side=st.sampled_from([SELLER, BUYER, None]),
    turn=st.sampled_from([SELLER, BUYER, None]),
)
def test_decide_only_allows_moves_in_the_table(state, action, side, turn):
    ctx = Context(state, whose_turn=turn, resume_state=State.SIGNED, disputed_by=side)
    decision = decide(ctx, action, side)
    if decision.allowed:
        assert (state, action) in TABLE
        assert decision.next_state in State
    else:
        assert decision.reason


@pytest.mark.parametrize("side", [SELLER, BUYER])
def test_buttons_follow_the_table(side):
    ctx = Context(State.NEGOTIATING, whose_turn=side)
    assert available_actions(ctx, side) == [
        Action.COUNTER,
        Action.ACCEPT,
        Action.REJECT,
        Action.WITHDRAW,
    ]
    assert available_actions(ctx, side.other) == [Action.WITHDRAW]
