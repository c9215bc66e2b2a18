"""OpenAPI links: which answer names the object the next call acts on (a created listing's
id for its edits, a deal's id and terms version for its next moves, a proposal for the deal
opened from it). Generated clients and schemathesis's stateful tests follow them."""

from __future__ import annotations

LISTING_OPS = (
    "listing",
    "update_listing",
    "patch_listing",
    "withdraw_listing",
    "suggestions",
    "repeat_listing",
)
DEAL_MOVES = (
    "counter",
    "accept",
    "reject",
    "withdraw",
    "pay",
    "ship",
    "receive",
    "rate",
    "complete",
    "confirm_receipt",
    "request_cancel",
    "agree_cancel",
    "decline_cancel",
    "dispute",
    "resolve",
    "refund",
    "wait",
    "cancel_refund",
)
LISTING_WRITES = {"update_listing", "patch_listing", "withdraw_listing"}
STAFF_DISPUTE_OPS = ("settle_dispute", "cancel_disputed", "refer_dispute")
# The moves that name the terms version the client answers (409 when it has moved on).
SEEN_VERSION = {"counter", "accept"}


def _link(target: str, description: str, parameters=None, body=None) -> dict:
    link = {"operationId": target, "description": description}
    if parameters:
        link["parameters"] = parameters
    if body:
        link["requestBody"] = body
    return link


ETAG = "$response.header.ETag"


# A counter that starts from the deal's first terms as shown (a client edits them before it
# sends them): the fields of TermsIn a version shows, the others left empty.
FIRST_TERMS = {
    name: f"$response.body#/versions/0/{name}"
    for name in (
        "quantity",
        "unit_price",
        "akad",
        "handover_date",
        "handover_place",
        "transport",
        "grade",
        "payment_due_date",
    )
} | {"cost_price": None, "margin": None, "seller_owns": False, "schedule": []}

# Values of an answer that the next move needs, by the move that gave the answer: a deal just
# signed is paid what it is due; a deal just shipped is received in full, with the balance
# paid at the handover; a salam just cancelled gets back what was paid. Only answers whose deal
# always has such a value (a signed deal's amount due is at least 1) carry them.
MOVE_BODIES = {
    "accept": {"pay": {"amount": "$response.body#/amount_due"}},
    "ship": {
        "receive": {
            "quantity_received": "$response.body#/versions/0/quantity",
            "paid_now": "$response.body#/balance",
            "grade_received": None,
            "shortfall_outcome": None,
        }
    },
    "cancel_refund": {"refund": {"amount": "$response.body#/payments/0/amount"}},
}


def _deal_links(id_expr: str = "$response.body#/id", source: str = "") -> dict:
    links = {"deal": _link("deal", "The deal shown again.", {"deal_id": id_expr})}
    for move in DEAL_MOVES:
        body = {"seen_version": "$response.body#/terms_version"} if move in SEEN_VERSION else None
        if move == "counter" and id_expr == "$response.body#/id":
            body = {**body, "terms": FIRST_TERMS}
        body = MOVE_BODIES.get(source, {}).get(move, body)
        # If-Match: the version this answer showed (412 if another move came first)
        parameters = {"deal_id": id_expr, "header.If-Match": ETAG}
        links[move] = _link(move, f"The deal's next move: {move}.", parameters, body)
    for op in STAFF_DISPUTE_OPS:
        links[op] = _link(op, "Staff answer the deal's dispute.", {"deal_id": id_expr})
    return links


# A listing's own fields as shown, for an edit (PUT, PATCH) that starts from them: the client
# changes some (the quantity, the price, the note) and sends the rest back as read.
LISTING_FIELDS = ("side", "commodity", "grade", "window_start", "window_end", "akad", "lat", "lon")
AS_READ = ("update_listing", "patch_listing")
# A new listing at the pesantren's own place (no coordinates: the pesantren's).
OWN_PLACE = {"lat": None, "lon": None}


def _listing_body(prefix: str, names=LISTING_FIELDS) -> dict:
    return {name: f"$response.body#{prefix}/{name}" for name in names}


def _listing_links(prefix: str = "") -> dict:
    """Links from an answer showing a listing at ``prefix`` (a JSON pointer; "" for the body)."""
    listing_id = f"$response.body#{prefix}/id"
    links = {
        op: _link(
            op,
            "The same listing." + (" Starts from its fields as shown." if op in AS_READ else ""),
            {"listing_id": listing_id}
            | ({"header.If-Match": ETAG} if op in LISTING_WRITES and not prefix else {}),
            _listing_body(prefix, LISTING_FIELDS[1:] if op == "patch_listing" else LISTING_FIELDS)
            if op in AS_READ
            else None,
        )
        for op in LISTING_OPS
    }
    links["open_deal"] = _link(
        "open_deal", "Open a deal on this listing.", body={"listing_id": listing_id}
    )
    return links


def _first_item(prefix: str, targets: dict[str, str]) -> dict:
    """Links from a list to operations on its first item (``targets``: operation -> path
    parameter)."""
    return {
        op: _link(op, "The list's first item.", {name: f"$response.body#/items/0/{prefix}"})
        for op, name in targets.items()
    }


POOL_OPS = ("pool", "join_pool", "leave_pool", "agree_pool", "ship_pool", "share_to_request")
STANDING_OPS = ("standing_request", "stop_standing", "skip_standing")


POOL_TERMS = (
    "commodity",
    "grade",
    "price",
    "window_start",
    "window_end",
    "akad",
    "hub_lat",
    "hub_lon",
    "hub_address",
    "max_distance_km",
)
STANDING_TERMS = ("commodity", "grade", "quantity", "price", "akad", "min_quantity", "cadence")


def _pool_links(prefix: str = "") -> dict:
    """Links from an answer showing a pool at ``prefix``: its moves (a seller agrees with the
    first of its own offers the answer names; none named: the link is not followed), and
    another pool on its terms at its hub."""
    pool_id = {"pool_id": f"$response.body#{prefix}/id"}
    links = {op: _link(op, f"The pool's next move: {op}.", pool_id) for op in POOL_OPS}
    links["agree_pool"]["requestBody"] = {
        "offer_id": f"$response.body#{prefix}/offers/0",
        "proposal_id": None,
    }
    links["open_pool"] = _link(
        "open_pool",
        "Another pool on this one's terms, at its hub.",
        body=_listing_body(prefix, POOL_TERMS),
    )
    return links


def _standing_links(prefix: str = "") -> dict:
    standing_id = {"standing_id": f"$response.body#{prefix}/id"}
    links = {op: _link(op, "The same standing request.", standing_id) for op in STANDING_OPS}
    links["create_standing"] = _link(
        "create_standing",
        "Another standing request on this one's terms, from its next period.",
        body=_listing_body(prefix, STANDING_TERMS)
        | {
            "window_start": f"$response.body#{prefix}/next_start",
            "window_end": f"$response.body#{prefix}/next_window_end",
        },
    )
    return links


def _commodity_body() -> dict:
    return {
        "commodity": "$response.body#/items/0/slug",
        "grade": "$response.body#/items/0/grades/0",
    }


def _links_of() -> dict[str, dict]:
    """operationId -> the links of its success answer."""
    deal_sources = ("open_deal", "deal", *DEAL_MOVES, *STAFF_DISPUTE_OPS)
    found: dict[str, dict] = {op: _deal_links(source=op) for op in deal_sources}
    found["create_listing"] = _listing_links()
    found["create_listings"] = _listing_links("/items/0/listing")
    found["update_listing"] = _listing_links()
    found["patch_listing"] = _listing_links()
    found["listing"] = _listing_links()
    found["deals"] = _first_item("id", {"deal": "deal_id", **dict.fromkeys(DEAL_MOVES, "deal_id")})
    found["commodities"] = {
        "create_listing": _link(
            "create_listing",
            "Post a listing of the catalogue's first commodity, in its first grade, at the "
            "pesantren's own place.",
            body={
                "commodity": "$response.body#/items/0/slug",
                "grade": "$response.body#/items/0/grades/0",
            }
            | OWN_PLACE,
        )
    }
    found["commodities"]["open_pool"] = _link(
        "open_pool", "Open a pool of the catalogue's first commodity.", body=_commodity_body()
    )
    found["commodities"]["create_standing"] = _link(
        "create_standing",
        "A standing request of the catalogue's first commodity, in its first grade.",
        body=_commodity_body(),
    )
    for op in ("pool", "open_pool", "join_pool", "leave_pool", "agree_pool", "ship_pool"):
        found[op] = _pool_links()
    found["pools"] = _pool_links("/items/0")
    found["share_to_request"] = _listing_links()
    for op in ("create_standing", "repeat_listing", *STANDING_OPS):
        found[op] = _standing_links()
    found["standing_requests"] = _standing_links("/items/0")
    found["market"] = {
        **_first_item("id", {"listing": "listing_id", "suggestions": "listing_id"}),
        "create_listing": _link(
            "create_listing",
            "Post a listing of the market's first listing's commodity, grade, window and akad "
            "(an answer to it, or one beside it), at the pesantren's own place.",
            body=_listing_body(
                "/items/0", ("side", "commodity", "grade", "window_start", "window_end", "akad")
            )
            | OWN_PLACE,
        ),
        "open_deal": _link(
            "open_deal",
            "Open a deal on the market's first listing.",
            body={"listing_id": "$response.body#/items/0/id"},
        ),
    }
    found["proposals"] = {
        **_first_item("id", {"decline_proposal": "proposal_id"}),
        "open_deal": _link(
            "open_deal",
            "Open a deal from the first proposal.",
            body={"proposal_id": "$response.body#/items/0/id"},
        ),
    }
    found["clearing_runs"] = _first_item(
        "id",
        {"clearing_run": "run_id", "confirm_clearing": "run_id", "decline_clearing": "run_id"},
    )
    found["trips"] = {
        op: _link(
            op,
            "The first trip's first deal.",
            {"trip_id": "$response.body#/items/0/id"},
        )
        for op in ("trip",)
    }
    webhook_links = {
        "webhook": _link("webhook", "The endpoint."),
        "set_webhook": _link(
            "set_webhook",
            "Give the endpoint a new secret (the same address).",
            body={"url": "$response.body#/url"},
        ),
        "remove_webhook": _link("remove_webhook", "Remove the endpoint."),
    }
    found["set_webhook"] = webhook_links
    found["webhook"] = webhook_links
    found["channels"] = {
        "update_channels": _link(
            "update_channels",
            "Change some of the channels as shown.",
            body={"channels": "$response.body#/channels"},
        )
    }
    found["update_channels"] = found["channels"]
    preview = {"token": "$response.body#/token"}
    found["upload_registry"] = {
        "registry_import": _link("registry_import", "The upload's preview again.", preview),
        "confirm_registry_import": _link(
            "confirm_registry_import", "Confirm the upload: its new rows are added.", preview
        ),
    }
    found["registry_import"] = {
        "confirm_registry_import": found["upload_registry"]["confirm_registry_import"]
    }
    found["invitations"] = _first_item("user_id", {"resend_invitation": "user_id"})
    found["confirm_registry_import"] = {
        "invitations": _link("invitations", "The managers invited, the ones just added first.")
    }
    return found


def add(doc: dict) -> None:
    """Put the links on each operation's success answer (the first 2xx it documents)."""
    links = _links_of()
    for operations in doc["paths"].values():
        for operation in operations.values():
            wanted = links.get(operation.get("operationId"))
            if not wanted:
                continue
            ok = next(c for c in sorted(operation["responses"]) if c.startswith("2"))
            operation["responses"][ok]["links"] = wanted
