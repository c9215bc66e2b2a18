"""OpenAPI links: which answer names the object the next call acts on (a created listing's
id for its edits, a deal's id and terms version for its next moves, a proposal for the deal
opened from it). Generated clients and schemathesis's stateful tests follow them."""

from __future__ import annotations

LISTING_OPS = ("listing", "update_listing", "patch_listing", "withdraw_listing", "suggestions")
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


def _deal_links(id_expr: str = "$response.body#/id") -> dict:
    links = {"deal": _link("deal", "The deal shown again.", {"deal_id": id_expr})}
    for move in DEAL_MOVES:
        body = {"seen_version": "$response.body#/terms_version"} if move in SEEN_VERSION else None
        # If-Match: the version this answer showed (412 if another move came first)
        parameters = {"deal_id": id_expr, "header.If-Match": ETAG}
        links[move] = _link(move, f"The deal's next move: {move}.", parameters, body)
    for op in STAFF_DISPUTE_OPS:
        links[op] = _link(op, "Staff answer the deal's dispute.", {"deal_id": id_expr})
    return links


def _listing_links() -> dict:
    links = {
        op: _link(
            op,
            "The same listing.",
            {"listing_id": "$response.body#/id"}
            | ({"header.If-Match": ETAG} if op in LISTING_WRITES else {}),
        )
        for op in LISTING_OPS
    }
    links["open_deal"] = _link(
        "open_deal", "Open a deal on this listing.", body={"listing_id": "$response.body#/id"}
    )
    return links


def _first_item(prefix: str, targets: dict[str, str]) -> dict:
    """Links from a list to operations on its first item (``targets``: operation -> path
    parameter)."""
    return {
        op: _link(op, "The list's first item.", {name: f"$response.body#/items/0/{prefix}"})
        for op, name in targets.items()
    }


def _links_of() -> dict[str, dict]:
    """operationId -> the links of its success answer."""
    deal_sources = ("open_deal", "deal", *DEAL_MOVES, *STAFF_DISPUTE_OPS)
    found: dict[str, dict] = {op: _deal_links() for op in deal_sources}
    found["create_listing"] = _listing_links()
    found["update_listing"] = _listing_links()
    found["patch_listing"] = _listing_links()
    found["listing"] = _listing_links()
    found["deals"] = _first_item("id", {"deal": "deal_id", **dict.fromkeys(DEAL_MOVES, "deal_id")})
    found["commodities"] = {
        op: _link(
            op,
            "Post a listing of the catalogue's first commodity.",
            body={"commodity": "$response.body#/items/0/slug"},
        )
        for op in ("create_listing",)
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
    found["set_webhook"] = {
        "webhook": _link("webhook", "The endpoint just registered."),
        "remove_webhook": _link("remove_webhook", "Remove the endpoint just registered."),
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
