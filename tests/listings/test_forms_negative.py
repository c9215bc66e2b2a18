from exchange.listings.forms import parse_whole
from tests.factories import make_manager


def test_parse_whole_reads_a_minus_sign_so_rules_can_explain():
    assert parse_whole("-5") == -5
    assert parse_whole("Rp 12.500") == 12500


def test_negative_quantity_says_it_must_be_more_than_zero(app, client, auth):
    with app.app_context():
        email = make_manager().email
    auth.login(email)
    page = client.post(
        "/listing/baru?side=offer",
        data={"side": "offer", "commodity": "garam_krosok", "quantity": "-5", "price": "1500"},
    ).get_data(as_text=True)
    quantity_field = page.split('name="quantity"')[1].split("</div>")[0]
    assert "Isi dengan bilangan bulat" not in quantity_field
    assert 'class="error"' in quantity_field  # a message about the amount instead
