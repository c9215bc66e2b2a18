"""Every route x every role answers the right code: the page, sign-in, 403 or 404.

Roles: a visitor, the manager of another pesantren (outsider), the manager of the pesantren the
objects belong to (party), staff, admin. "ok" is any answer of a page the role may use: 200, a
redirect that is not to the sign-in page, or 400/409 for the empty form the matrix sends.
"login" is a redirect to the sign-in page. A new route must be added to the table.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from exchange.auth.models import User
from exchange.deals import acceptance, facts, fulfilment, moves
from exchange.extensions import db
from tests.factories import make_deal, make_listing, make_manager, make_staff
from tests.pools.helpers import open_pool_of_two
from tests.security.world import build_world, signed_in
from tests.share import in_this_run

ROLES = ("visitor", "outsider", "party", "staff", "admin")
K, L = "ok", "login"
ALL_OK = (K, K, K, K, K)
SIGNED_IN = (L, K, K, K, K)
STAFF_ONLY = (L, 404, 404, K, K)
MANAGERS = (L, K, K, 404, 404)
OWN = (L, 404, K, 404, 404)
PARTY_ACTS = (L, 404, K, 403, 403)
PARTY_READS = (L, 404, K, K, K)

EXPECTED = {
    ("GET", "site.index"): ALL_OK,
    ("GET", "site.healthz"): ALL_OK,
    ("GET", "static"): ALL_OK,
    ("GET", "site.set_language"): ALL_OK,
    ("POST", "site.set_language"): ALL_OK,
    ("GET", "auth.account"): SIGNED_IN,
    ("POST", "auth.account"): SIGNED_IN,
    ("POST", "auth.change_password"): SIGNED_IN,
    ("POST", "auth.logout"): SIGNED_IN,
    ("GET", "auth.reset"): (404,) * 5,  # an unknown token
    ("POST", "auth.reset"): (404,) * 5,
    ("GET", "auth.invitation"): (404,) * 5,  # an unknown token
    ("POST", "auth.invitation"): (404,) * 5,
    ("GET", "pesantren.import_registry"): STAFF_ONLY,
    ("POST", "pesantren.import_registry"): STAFF_ONLY,
    ("GET", "pesantren.import_template"): STAFF_ONLY,
    ("GET", "pesantren.import_preview"): (L, 404, 404, 404, 404),  # an unknown upload
    ("POST", "pesantren.import_confirm"): (L, 404, 404, 404, 404),
    ("GET", "pesantren.invitations"): STAFF_ONLY,
    ("POST", "pesantren.resend"): (L, 404, 404, 404, 404),  # a staff account: not invited
    ("GET", "listings.sheet"): MANAGERS,
    ("POST", "listings.sheet"): MANAGERS,
    ("GET", "listings.sheet_download"): MANAGERS,
    ("GET", "listings.sheet_preview"): (L, 404, 404, 404, 404),  # an unknown upload
    ("POST", "listings.sheet_confirm"): (L, 404, 404, 404, 404),
    ("GET", "listings.standing"): MANAGERS,
    ("POST", "listings.standing"): MANAGERS,
    ("POST", "listings.standing_stop"): (L, 404, 404, 404, 404),  # "standing_id": none
    ("POST", "listings.standing_skip"): (L, 404, 404, 404, 404),
    ("GET", "listings.kitchen"): MANAGERS,
    ("POST", "listings.kitchen"): MANAGERS,
    ("GET", "listings.standing_demand"): STAFF_ONLY,
    ("GET", "auth.register"): ALL_OK,
    ("POST", "auth.register"): ALL_OK,
    ("GET", "auth.forgot"): ALL_OK,
    ("POST", "auth.forgot"): ALL_OK,
    ("GET", "auth.login"): ALL_OK,
    ("POST", "auth.login"): ALL_OK,
    ("GET", "auth.staff_accounts"): (L, 404, 404, 404, K),
    ("POST", "auth.staff_accounts"): (L, 404, 404, 404, K),
    ("POST", "auth.activate_staff"): (L, 404, 404, 404, K),
    ("POST", "auth.deactivate_staff"): (L, 404, 404, 404, K),
    ("GET", "privacy.policy"): ALL_OK,
    ("GET", "privacy.mine"): SIGNED_IN,
    ("GET", "privacy.export"): SIGNED_IN,
    ("POST", "privacy.request_deletion"): (L, K, K, 404, 404),
    ("GET", "privacy.requests"): STAFF_ONLY,
    ("POST", "privacy.carry_out"): STAFF_ONLY,
    ("GET", "privacy.carry_out"): STAFF_ONLY,  # the confirmation page (issue 27)
    ("POST", "privacy.decline"): STAFF_ONLY,
    ("GET", "dashboard.home"): MANAGERS,
    ("GET", "deals.index"): SIGNED_IN,
    ("GET", "deals.detail"): PARTY_READS,
    ("GET", "deals.contract"): PARTY_READS,
    ("GET", "deals.contract_pdf"): PARTY_READS,
    ("GET", "deals.receipt"): PARTY_READS,
    ("GET", "deals.receipt_pdf"): PARTY_READS,
    ("GET", "deals.bast"): (L, 404, 404, 404, 404),  # no such handover record
    ("GET", "deals.bast_pdf"): (L, 404, 404, 404, 404),
    ("GET", "deals.disputes_list"): STAFF_ONLY,
    ("GET", "deals.dispute_case"): STAFF_ONLY,  # staff may read any deal
    ("POST", "deals.dispute_action"): (L, 404, 404, 404, 404),
    # the party on its own offer: a page saying why not (400), staff never trade (403)
    ("GET", "deals.open"): (L, K, K, 403, 403),
    ("POST", "deals.open"): (L, K, K, 403, 403),
    ("POST", "deals.accept"): PARTY_ACTS,
    ("POST", "deals.move"): PARTY_ACTS,
    ("POST", "deals.counter"): PARTY_ACTS,
    ("POST", "deals.pay"): PARTY_ACTS,
    ("POST", "deals.receive"): PARTY_ACTS,
    ("POST", "deals.dispute"): PARTY_ACTS,
    ("POST", "deals.rate"): PARTY_ACTS,
    ("POST", "deals.tie_bundle"): PARTY_ACTS,
    ("POST", "deals.refund"): PARTY_ACTS,
    ("POST", "deals.wait"): PARTY_ACTS,
    ("POST", "deals.settle_bundle"): PARTY_ACTS,
    ("POST", "deals.untie_bundle"): PARTY_ACTS,
    # the ux confirm pages: GET asks, POST acts ("ship" needs no question: 404)
    ("GET", "deals.untie_bundle"): PARTY_ACTS,
    ("GET", "deals.move"): (L, 404, 404, 403, 403),
    ("GET", "listings.withdraw"): OWN,
    ("GET", "matching.decline"): (L, 404, 404, 404, 404),  # no such proposal
    ("GET", "deals.open_notification"): (L, 404, 404, 404, 404),  # no such notification
    ("GET", "deals.notifications"): SIGNED_IN,
    ("POST", "deals.notifications"): SIGNED_IN,
    ("GET", "catalogue.index"): ALL_OK,
    ("GET", "catalogue.edit"): STAFF_ONLY,
    ("POST", "catalogue.edit"): STAFF_ONLY,
    ("GET", "catalogue.new"): STAFF_ONLY,
    ("POST", "catalogue.new"): STAFF_ONLY,
    ("GET", "listings.market"): ALL_OK,
    ("GET", "listings.detail"): ALL_OK,
    ("GET", "listings.mine"): MANAGERS,
    ("GET", "listings.new"): (L, K, K, 403, 403),
    ("POST", "listings.new"): (L, K, K, 403, 403),
    ("GET", "listings.edit"): OWN,
    ("POST", "listings.edit"): OWN,
    ("POST", "listings.withdraw"): OWN,
    ("GET", "matching.partners"): MANAGERS,
    ("GET", "matching.public_partners"): ALL_OK,
    ("GET", "matching.suggestions"): (404, 404, K, 404, 404),
    ("GET", "matching.runs"): STAFF_ONLY,
    ("GET", "jobs.show"): STAFF_ONLY,
    ("GET", "matching.run"): STAFF_ONLY,
    ("POST", "matching.start_run"): STAFF_ONLY,
    ("POST", "matching.decline"): (L, 404, 404, 404, 404),  # no such proposal
    ("GET", "pesantren.directory"): ALL_OK,
    ("GET", "pesantren.profile"): ALL_OK,
    ("GET", "pesantren.mine"): MANAGERS,
    ("GET", "pesantren.edit"): OWN,
    ("POST", "pesantren.edit"): OWN,
    ("GET", "pesantren.queue"): STAFF_ONLY,
    ("POST", "pesantren.verify"): STAFF_ONLY,
    ("POST", "pesantren.reject"): STAFF_ONLY,
    ("POST", "pesantren.suspend"): STAFF_ONLY,
    ("POST", "pesantren.reinstate"): STAFF_ONLY,
    ("GET", "digests.show"): SIGNED_IN,
    ("GET", "digests.preferences"): SIGNED_IN,
    ("POST", "digests.preferences"): SIGNED_IN,
    ("GET", "digests.unsubscribe"): (404,) * 5,  # an unknown token
    ("POST", "digests.unsubscribe"): (404,) * 5,
    ("GET", "digests.failures"): STAFF_ONLY,
    ("GET", "staff.dashboard"): STAFF_ONLY,
    ("GET", "staff.flows"): STAFF_ONLY,
    ("GET", "staff.network"): STAFF_ONLY,
    ("GET", "staff.unmet"): STAFF_ONLY,
    ("GET", "staff.prices"): STAFF_ONLY,
    ("GET", "staff.export"): STAFF_ONLY,
    ("GET", "staff.audit"): STAFF_ONLY,
    ("GET", "staff.audit_csv"): STAFF_ONLY,
    ("GET", "staff.moderation"): STAFF_ONLY,
    ("GET", "staff.listing"): STAFF_ONLY,
    ("POST", "staff.hide_listing"): STAFF_ONLY,
    ("POST", "staff.unhide_listing"): STAFF_ONLY,
    ("GET", "netting.runs"): STAFF_ONLY,
    ("POST", "netting.start"): STAFF_ONLY,
    ("GET", "netting.mine"): MANAGERS,
    ("GET", "netting.show"): PARTY_READS,
    ("POST", "netting.confirm"): OWN,
    ("POST", "netting.decline"): OWN,
    # pools: the party coordinates an open pool with one other member
    ("GET", "pools.index"): MANAGERS,
    ("GET", "pools.new"): MANAGERS,
    ("POST", "pools.new"): MANAGERS,
    ("GET", "pools.show"): SIGNED_IN,  # an open pool: anyone signed in may look (and join)
    ("POST", "pools.join"): MANAGERS,
    ("POST", "pools.leave"): OWN,
    ("POST", "pools.agree"): (L, 404, 404, 404, 404),  # no offer of one's own: not found
    ("POST", "pools.ship"): (L, 404, 404, 404, 404),  # not matched
    ("POST", "pools.share_to_request"): OWN,  # refused while open (a message), 404 for others
    ("GET", "freight.mine"): MANAGERS,
    ("GET", "freight.show"): PARTY_READS,
    ("POST", "freight.accept"): OWN,
    ("POST", "freight.decline"): OWN,
    ("GET", "freight.staff"): STAFF_ONLY,
    ("POST", "freight.run_now"): STAFF_ONLY,
    ("POST", "pools.from_hint"): (L, 404, 404, 404, 404),  # no request of one's own: not found
    # The account page's API tokens (an unknown token: 404).
    ("POST", "api_tokens.create"): SIGNED_IN,
    ("POST", "api_tokens.revoke"): (L, 404, 404, 404, 404),
    # The JSON API: its document and docs page are public; everything else needs a bearer
    # token, so every cookie role here is refused (401): a browser session cannot drive it.
    ("GET", "api.openapi"): ALL_OK,
    ("GET", "api.docs"): ALL_OK,
    ("GET", "api.docs_asset"): (404,) * 5,  # an unknown asset name
    # The account page's WhatsApp card (the reader's own number and choices only).
    ("POST", "whatsapp.send_code"): SIGNED_IN,
    ("POST", "whatsapp.confirm"): SIGNED_IN,
    ("POST", "whatsapp.channels"): SIGNED_IN,
    ("POST", "whatsapp.stop"): SIGNED_IN,
    ("POST", "whatsapp.resume"): SIGNED_IN,
    ("POST", "whatsapp.remove"): SIGNED_IN,
    # The Cloud API's webhook: a wrong verify token / no signature is 403 for everyone.
    ("GET", "whatsapp.verify"): (403,) * 5,
    ("POST", "whatsapp.receive"): (403,) * 5,
    # Prometheus metrics: staff (or the scrape token); hidden (404) from everyone else.
    ("GET", "metrics.scrape"): (404, 404, 404, K, K),
}
API_NO_COOKIE = (401,) * 5
for _method, _endpoint in [
    ("GET", "commodities"),
    ("GET", "regencies"),
    ("GET", "market"),
    ("GET", "listing"),
    ("GET", "suggestions"),
    ("GET", "pesantren"),
    ("GET", "proposals"),
    ("GET", "deals"),
    ("GET", "deal"),
    ("GET", "notifications"),
    ("GET", "staff_figures"),
    ("GET", "staff_flows"),
    ("GET", "staff_job"),
    ("POST", "start_staff_job"),
    ("GET", "channels"),
    ("PUT", "update_channels"),
    ("POST", "create_listing"),
    ("PUT", "update_listing"),
    ("POST", "withdraw_listing"),
    ("POST", "open_deal"),
    ("POST", "counter"),
    ("POST", "accept"),
    ("POST", "reject"),
    ("POST", "withdraw"),
    ("POST", "pay"),
    ("POST", "ship"),
    ("POST", "receive"),
    ("POST", "rate"),
    ("PATCH", "patch_listing"),
    ("POST", "complete"),
    ("POST", "confirm_receipt"),
    ("POST", "request_cancel"),
    ("POST", "agree_cancel"),
    ("POST", "decline_cancel"),
    ("POST", "dispute"),
    ("POST", "resolve"),
    ("POST", "refund"),
    ("POST", "wait"),
    ("POST", "cancel_refund"),
    ("POST", "decline_proposal"),
    ("GET", "clearing_runs"),
    ("GET", "clearing_run"),
    ("POST", "confirm_clearing"),
    ("POST", "decline_clearing"),
    ("GET", "contract_pdf"),
    ("GET", "bast_pdf"),
    ("GET", "receipt_pdf"),
    ("GET", "events"),
    ("POST", "create_listings"),
    ("GET", "webhook"),
    ("PUT", "set_webhook"),
    ("DELETE", "remove_webhook"),
    ("GET", "webhook_deliveries"),
    ("POST", "settle_dispute"),
    ("POST", "cancel_disputed"),
    ("POST", "refer_dispute"),
    ("GET", "me"),
    ("GET", "pools"),
    ("GET", "pool"),
    ("POST", "open_pool"),
    ("POST", "join_pool"),
    ("POST", "leave_pool"),
    ("POST", "agree_pool"),
    ("POST", "ship_pool"),
    ("POST", "share_to_request"),
    ("GET", "standing_requests"),
    ("GET", "standing_request"),
    ("POST", "create_standing"),
    ("POST", "repeat_listing"),
    ("POST", "stop_standing"),
    ("POST", "skip_standing"),
    ("GET", "trips"),
    ("GET", "trip"),
    ("POST", "accept_trip"),
    ("POST", "decline_trip"),
    ("POST", "tie_bundle"),
    ("POST", "settle_bundle"),
    ("POST", "untie_bundle"),
    ("POST", "upload_registry"),
    ("GET", "registry_import"),
    ("POST", "confirm_registry_import"),
    ("GET", "invitations"),
    ("POST", "resend_invitation"),
]:
    EXPECTED[(_method, f"api.{_endpoint}")] = API_NO_COOKIE
# Endpoints whose table entry needs an object other than the open deal.
SIGNED_DEAL = {
    "deals.contract",
    "deals.contract_pdf",
    "deals.receipt",
    "deals.receipt_pdf",
    "deals.bast",
    "deals.bast_pdf",
}
QUERY = {"deals.open": "listing={offer_id}"}


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def _classify(response) -> str | int:
    code = response.status_code
    response.get_data()  # finish streamed answers (CSV) inside their context
    if code == 302 and "/akun/masuk" in response.headers["Location"]:
        return L
    if code in (200, 302, 400, 409):
        return K
    return code


@pytest.fixture
def world(app):
    with app.app_context():
        w = build_world()
        seller = db.session.scalar(select(User).where(User.email == w.seller))
        offer = make_listing(seller.pesantren, quantity=500)
        buyer = make_manager(regency_code="3578")
        signed = make_deal(seller, buyer, offer=offer)
        acceptance.accept(seller, signed.id, 1)
        w.signed_deal_id = signed.id
        deal = moves.load_deal(signed.id)
        w.payment_id = fulfilment.record_payment(
            buyer, signed.id, deal.current_terms.total, facts.contract_date(deal)
        ).id
        from exchange.netting.services import start_run
        from tests.netting.helpers import tempo_deal

        partner = make_manager(regency_code="3515")
        tempo_deal(seller, partner, 100)
        tempo_deal(partner, seller, 100)
        w.netting_run_id = start_run(None).id  # the seller's pesantren is a party
        from exchange.jobs.policy import JobKind
        from exchange.jobs.services import start_job

        job = start_job(None, JobKind.CLEARING)  # run before it returns (JOB_QUEUE=inline)
        w.match_run_id, w.job_id = job.run_id, job.id
        w.pool_id = open_pool_of_two(seller)
        w.spare_staff_id = make_staff().id  # the admin (de)activates this one
        from exchange.privacy.services import request_deletion

        w.request_id = request_deletion(make_manager(regency_code="3509")).id
        from tests.freight.helpers import trip_with

        w.trip_id, w.freight_deal_id = trip_with(seller)  # the seller bears one deal's transport
        db.session.remove()
    return w


@pytest.mark.slow
def test_every_route_and_role_answers_the_right_code(app, world):
    ids = {
        "listing_id": world.offer_id,
        "deal_id": world.deal_id,
        "pesantren_id": world.seller_pesantren,
        "proposal_id": 999,
        "commodity_id": 1,
        "user_id": world.spare_staff_id,
        "token": "tidak-ada",
        "code": "en",
        "action": "ship",
        "name": "summary",
        "filename": "style.css",
        "request_id": world.request_id,
        "payment_id": world.payment_id,
        "delivery_id": 999_999,
        "run_id": world.netting_run_id,
        "notification_id": 999_999,
        "token_id": 999_999,
        "standing_id": 999_999,
        "pool_id": world.pool_id,
        "trip_id": world.trip_id,
        "job_id": world.job_id,
    }
    emails = {
        "visitor": None,
        "outsider": world.outsider,
        "party": world.seller,
        "staff": world.staff,
        "admin": world.admin,
    }
    missing, wrong, cells = [], [], 0
    for method, rule in _routes(app):
        key = (method, rule.endpoint)
        if key not in EXPECTED:
            missing.append(key)
            continue
        if not in_this_run(f"{method} {rule.rule}"):  # the other database's run checks it
            continue
        values = dict(ids)
        if rule.endpoint in SIGNED_DEAL:
            values["deal_id"] = world.signed_deal_id
        if rule.endpoint == "matching.run":
            values["run_id"] = world.match_run_id
        if rule.endpoint in ("freight.accept", "freight.decline"):
            values["deal_id"] = world.freight_deal_id
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: str(v[m.group(1)]), rule.rule)
        if rule.endpoint in QUERY:
            path += "?" + QUERY[rule.endpoint].format(offer_id=world.offer_id)
        for role, expected in zip(ROLES, EXPECTED[key], strict=True):
            got = _classify(signed_in(app, emails[role]).open(path, method=method))
            cells += 1
            if got != expected:
                wrong.append((method, path, role, expected, got))
    print(f"authorization matrix: {cells - len(wrong)} of {cells} cells correct")
    assert missing == []
    assert wrong == [], "\n".join(map(str, wrong))
