"""Reading and writing the file formats of FORMAT.md.

- `pesantren-exchange-instance/1` and `/2`: the instance (commodities, pesantren, listings);
  format 2 adds each listing's accepted `akad`, its own place (`lat`/`lon`) and `min_quantity`.
- `pesantren-exchange-result/1` and `/2`: the proposed deals (format 2: with their `akad`) and the
  reciprocal pairs. A result is written in the format of its instance (`Instance.format_version`).

Output is deterministic byte for byte: deals sorted by (offer, request), pairs sorted, one item a
line, fixed key order.
"""

from __future__ import annotations

import json
import math
from datetime import date
from json.encoder import encode_basestring_ascii as _quote

from .model import AKAD_CODES, Commodity, Deal, Instance, Listing, Pesantren, Result

INSTANCE_PREFIX = "pesantren-exchange-instance/"
RESULT_PREFIX = "pesantren-exchange-result/"
VERSIONS = (1, 2)
INSTANCE_FORMAT = INSTANCE_PREFIX + "1"
RESULT_FORMAT = RESULT_PREFIX + "1"
#: The listing fields that only format 2 has.
FORMAT2_FIELDS = ("akad", "lat", "lon", "min_quantity")


class FormatError(ValueError):
    """The input does not follow FORMAT.md; the message says where and why."""


def _int(value, where: str, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise FormatError(f"{where}: expected a whole number, got {value!r}")
    if positive and value <= 0:
        raise FormatError(f"{where}: expected a positive whole number, got {value!r}")
    return value


def _float(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FormatError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _str(value, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise FormatError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FormatError(f"{where}: expected an ISO date YYYY-MM-DD, got {value!r}") from None


def _get(obj, key: str, where: str):
    if not isinstance(obj, dict):
        raise FormatError(f"{where}: expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise FormatError(f"{where}: missing {key!r}")
    return obj[key]


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise FormatError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _version(fmt, prefix: str, where: str) -> int:
    for v in VERSIONS:
        if fmt == f"{prefix}{v}":
            return v
    expected = " or ".join(repr(f"{prefix}{v}") for v in VERSIONS)
    raise FormatError(f"{where}: format is {fmt!r}, expected {expected}")


def _akad(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise FormatError(f"{where}: expected a non-empty list of akad, got {value!r}")
    out = []
    for a in value:
        if a not in AKAD_CODES:
            raise FormatError(
                f"{where}: unknown akad {a!r}, expected one of {', '.join(AKAD_CODES)}"
            )
        if a in out:
            raise FormatError(f"{where}: akad {a!r} listed twice")
        out.append(a)
    return tuple(out)


def _format2_fields(l: dict, w: str) -> dict:
    """akad, lat, lon and min_quantity of a format-2 listing, validated."""
    out = {"akad": _akad(_get(l, "akad", w), w + ".akad")}
    if ("lat" in l) != ("lon" in l):
        raise FormatError(f"{w}: lat and lon must be given together")
    if "lat" in l:
        lat, lon = _float(l["lat"], w + ".lat"), _float(l["lon"], w + ".lon")
        if not -90 <= lat <= 90:
            raise FormatError(f"{w}.lat: must be between -90 and 90, got {lat!r}")
        if not -180 <= lon <= 180:
            raise FormatError(f"{w}.lon: must be between -180 and 180, got {lon!r}")
        out.update(lat=lat, lon=lon)
    if l.get("min_quantity") is not None:
        out["min_quantity"] = _int(l["min_quantity"], w + ".min_quantity", positive=True)
    return out


def instance_from_dict(raw) -> Instance:
    """Validate and convert a parsed instance document (format 1 or 2)."""
    version = _version(_get(raw, "format", "instance"), INSTANCE_PREFIX, "instance")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise FormatError("instance.params: expected an object")
    road_factor = _float(params.get("road_factor", 1.0), "params.road_factor")
    if road_factor <= 0:
        raise FormatError("params.road_factor: must be positive")

    commodities = []
    for k, c in enumerate(_list(_get(raw, "commodities", "instance"), "commodities")):
        w = f"commodities[{k}]"
        commodities.append(
            Commodity(
                slug=_str(_get(c, "slug", w), w + ".slug"),
                unit=_str(c.get("unit", "unit"), w + ".unit"),
                transport_cost_per_unit_km=_float(
                    _get(c, "transport_cost_per_unit_km", w), w + ".transport_cost_per_unit_km"
                ),
                grades=_int(c.get("grades", 1), w + ".grades"),
            )
        )
    slugs = {c.slug for c in commodities}
    if len(slugs) != len(commodities):
        raise FormatError("commodities: duplicate slug")

    pesantren = []
    for k, p in enumerate(_list(_get(raw, "pesantren", "instance"), "pesantren")):
        w = f"pesantren[{k}]"
        pesantren.append(
            Pesantren(
                id=_str(_get(p, "id", w), w + ".id"),
                regency=str(p.get("regency", "")),
                lat=_float(_get(p, "lat", w), w + ".lat"),
                lon=_float(_get(p, "lon", w), w + ".lon"),
            )
        )
    pes_ids = {p.id for p in pesantren}
    if len(pes_ids) != len(pesantren):
        raise FormatError("pesantren: duplicate id")

    listings = []
    seen = set()
    for k, l in enumerate(_list(_get(raw, "listings", "instance"), "listings")):
        w = f"listings[{k}]"
        lid = _str(_get(l, "id", w), w + ".id")
        w = f"listing {lid}"
        if lid in seen:
            raise FormatError(f"{w}: duplicate id")
        seen.add(lid)
        side = _get(l, "side", w)
        if side not in ("offer", "request"):
            raise FormatError(f"{w}: side must be 'offer' or 'request', got {side!r}")
        pes = _get(l, "pesantren", w)
        if pes not in pes_ids:
            raise FormatError(f"{w}: unknown pesantren {pes!r}")
        com = _get(l, "commodity", w)
        if com not in slugs:
            raise FormatError(f"{w}: unknown commodity {com!r}")
        window = _get(l, "window", w)
        if not isinstance(window, list) or len(window) != 2:
            raise FormatError(f"{w}: window must be [first day, last day]")
        start, end = _date(window[0], w + ".window[0]"), _date(window[1], w + ".window[1]")
        if end < start:
            raise FormatError(f"{w}: window ends before it starts")
        maxd = l.get("max_distance_km")
        if maxd is not None:
            maxd = _float(maxd, w + ".max_distance_km")
        quantity = _int(_get(l, "quantity", w), w + ".quantity", positive=True)
        if version >= 2:
            extra = _format2_fields(l, w)
        else:
            extra = {}
            stray = [f for f in FORMAT2_FIELDS if f in l]
            if stray:
                raise FormatError(
                    f"{w}: {', '.join(stray)} belong to format 2, the instance is format 1"
                )
        listings.append(
            Listing(
                id=lid,
                side=side,
                pesantren=pes,
                commodity=com,
                grade=_int(_get(l, "grade", w), w + ".grade"),
                quantity=quantity,
                price=_int(_get(l, "price", w), w + ".price"),
                window_start=start,
                window_end=end,
                max_distance_km=maxd,
                **extra,
            )
        )
    return Instance(
        road_factor, tuple(commodities), tuple(pesantren), tuple(listings), format_version=version
    )


def load_instance(path) -> Instance:
    """Read an instance file; raises FormatError (also for unreadable or non-JSON files)."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except OSError as e:
        raise FormatError(f"{path}: cannot read: {e.strerror or e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise FormatError(f"{path}: not valid JSON: {e}") from None
    return instance_from_dict(raw)


def instance_to_dict(instance: Instance) -> dict:
    def listing(l: Listing) -> dict:
        d = {
            "id": l.id,
            "side": l.side,
            "pesantren": l.pesantren,
            "commodity": l.commodity,
            "grade": l.grade,
            "quantity": l.quantity,
            "price": l.price,
            "window": [l.window_start.isoformat(), l.window_end.isoformat()],
        }
        if l.max_distance_km is not None:
            d["max_distance_km"] = l.max_distance_km
        if instance.format_version >= 2:
            d["akad"] = list(l.akad)
            if l.lat is not None and l.lon is not None:
                d["lat"], d["lon"] = l.lat, l.lon
            if l.min_quantity is not None:
                d["min_quantity"] = l.min_quantity
        return d

    return {
        "format": f"{INSTANCE_PREFIX}{instance.format_version}",
        "params": {"road_factor": instance.road_factor},
        "commodities": [
            {
                "slug": c.slug,
                "unit": c.unit,
                "transport_cost_per_unit_km": c.transport_cost_per_unit_km,
                "grades": c.grades,
            }
            for c in instance.commodities
        ],
        "pesantren": [
            {"id": p.id, "regency": p.regency, "lat": p.lat, "lon": p.lon}
            for p in instance.pesantren
        ],
        "listings": [listing(l) for l in instance.listings],
    }


def result_to_dict(result: Result, version: int = 1) -> dict:
    """The result document in format `version` (2: each deal carries its akad)."""

    def deal(d: Deal) -> dict:
        out = {"offer": d.offer, "request": d.request, "quantity": d.quantity, "price": d.price}
        if version >= 2:
            out["akad"] = d.akad
        return out

    return {
        "format": f"{RESULT_PREFIX}{version}",
        "deals": [deal(d) for d in sorted(result.deals)],
        "reciprocal_pairs": [
            list(p) for p in sorted(tuple(sorted(p)) for p in result.reciprocal_pairs)
        ],
    }


def _json_line(x, quoted: dict) -> str:
    """`json.dumps(x, ensure_ascii=True, separators=(", ", ": "))` for the deal dicts and id pairs
    of a result, byte for byte, without the encoder's per-call set-up (0.9 s instead of 1.3 s CPU
    for the 225k lines of a 50,000-listing result). Strings are quoted once each (`quoted` caches
    them); any value other than a str or a plain int goes through `json.dumps` itself."""

    def one(v) -> str:
        if type(v) is str:
            q = quoted.get(v)
            if q is None:
                q = quoted[v] = _quote(v)
            return q
        if type(v) is int:
            return int.__repr__(v)
        return json.dumps(v, ensure_ascii=True, separators=(", ", ": "))

    if type(x) is dict:
        return "{" + ", ".join(f"{one(k)}: {one(v)}" for k, v in x.items()) + "}"
    if len(x) == 2:  # a reciprocal pair: millions of them at 200,000 listings
        return f"[{one(x[0])}, {one(x[1])}]"
    return "[" + ", ".join(one(v) for v in x) + "]"


def dumps_result(result: Result, version: int | None = None) -> str:
    """The result as JSON text, identical byte for byte for equal results: one deal and one pair
    a line, sorted. `version` defaults to the result's own (`solve()` takes its instance's)."""
    if version is None:
        version = result.format_version
    d = result_to_dict(result, version)
    dump = lambda x: json.dumps(x, ensure_ascii=True, separators=(", ", ": "))  # noqa: E731
    quoted: dict = {}
    lines = ["{", f'  "format": {dump(d["format"])},']
    for key, last in (("deals", False), ("reciprocal_pairs", True)):
        items = d[key]
        if items:
            lines.append(f'  "{key}": [')
            lines.extend(f"    {_json_line(x, quoted)}," for x in items[:-1])
            lines.append(f"    {_json_line(items[-1], quoted)}")
            lines.append("  ]" + ("" if last else ","))
        else:
            lines.append(f'  "{key}": []' + ("" if last else ","))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _deal(d, version: int) -> Deal:
    akad = None
    if version >= 2:
        akad = _get(d, "akad", "deal")
        if akad not in AKAD_CODES:
            raise FormatError(f"deal.akad: unknown akad {akad!r}")
    return Deal(
        _str(_get(d, "offer", "deal"), "deal.offer"),
        _str(_get(d, "request", "deal"), "deal.request"),
        _int(_get(d, "quantity", "deal"), "deal.quantity", positive=True),
        _int(_get(d, "price", "deal"), "deal.price"),
        akad,
    )


def result_from_dict(raw) -> Result:
    version = _version(_get(raw, "format", "result"), RESULT_PREFIX, "result")
    deals = tuple(_deal(d, version) for d in _list(_get(raw, "deals", "result"), "deals"))
    pairs = tuple(
        tuple(sorted(p)) for p in _list(_get(raw, "reciprocal_pairs", "result"), "reciprocal_pairs")
    )
    return Result(deals, pairs, format_version=version)
