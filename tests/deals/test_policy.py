"""deals/policy.py: the facts other domains ask about a deal's state and akad."""

from exchange.deals.policy import Akad, State, holds_quantity, is_closed, is_live, pays_in_advance


def test_every_state_is_live_closed_or_completed():
    for state in State:
        assert (is_live(state), is_closed(state)) != (True, True)
    assert is_live(State.NEGOTIATING) and is_live(State.DISPUTED)
    assert is_closed(State.CANCELLED) and not is_live(State.COMPLETED)


def test_a_signed_deal_holds_its_quantity_a_negotiation_does_not():
    assert holds_quantity(State.SIGNED) and not holds_quantity(State.NEGOTIATING)


def test_only_salam_pays_in_advance():
    assert [a for a in Akad if pays_in_advance(a)] == [Akad.SALAM]
