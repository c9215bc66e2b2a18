"""matching/policy.py: which proposals can still be acted on."""

from exchange.matching.policy import ProposalStatus, is_actionable


def test_only_a_proposed_proposal_is_actionable():
    assert [s for s in ProposalStatus if is_actionable(s)] == [ProposalStatus.PROPOSED]
