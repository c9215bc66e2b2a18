"""catalogue/policy.py: ribawi classes and grades."""

from exchange.catalogue.policy import RibawiClass, grade_satisfies, ribawi_group


def test_the_ribawi_group():
    assert ribawi_group(None, is_food=True, is_ribawi=False) is None
    assert ribawi_group(None, is_food=True, is_ribawi=True) == RibawiClass.FOOD
    assert ribawi_group(None, is_food=False, is_ribawi=True) == RibawiClass.MONETARY
    assert ribawi_group("monetary", is_food=True, is_ribawi=True) == "monetary"


def test_a_higher_grade_rank_satisfies():
    assert grade_satisfies(3, 2) and grade_satisfies(2, 2) and not grade_satisfies(1, 2)


def test_grades_are_in_use_once_a_listing_uses_the_commodity(app):
    from exchange.catalogue.policy import grades_in_use
    from tests.factories import commodity, make_listing, make_pesantren

    with app.app_context():
        salt, rice = commodity("garam_krosok").id, commodity("beras").id
        make_listing(make_pesantren())  # garam krosok
        assert grades_in_use(salt) and not grades_in_use(rice)
