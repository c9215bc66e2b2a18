"""matching/policy.py: which proposals can still be acted on."""

from exchange.matching.policy import ProposalStatus, is_actionable


def test_only_a_proposed_proposal_is_actionable():
    assert [s for s in ProposalStatus if is_actionable(s)] == [ProposalStatus.PROPOSED]


def test_the_contract_akad_rule_is_deals_handed_over_at_start_up(app):
    from exchange.deals.prefill import contract_akad as deals_rule
    from exchange.matching.policy import contract_akad
    from tests.factories import commodity

    with app.app_context():
        for slug in ("garam_krosok", "beras"):
            assert contract_akad(commodity(slug)) == deals_rule(commodity(slug))
