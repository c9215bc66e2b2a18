"""The cost model from the app's settings (config.py, FREIGHT_*)."""

from __future__ import annotations

from exchange.freight.costs import DEFAULT_KG_PER_UNIT, CostModel, Vehicle


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def cost_model(config) -> CostModel:
    vehicles = tuple(
        Vehicle(v["code"], int(v["capacity_kg"]), int(v["rate_per_km"]), v.get("source", ""))
        for v in config["FREIGHT_VEHICLES"]
    )
    return CostModel(
        vehicles=vehicles,
        stop_cost=int(config["FREIGHT_STOP_COST"]),
        road_factor=float(config["ROAD_FACTOR"]),
        speed_kmh=float(config["FREIGHT_SPEED_KMH"]),
        service_min=int(config["FREIGHT_SERVICE_MINUTES"]),
    )


def hours(config) -> tuple[int, int]:
    opens, closes = config["FREIGHT_HOURS"]
    return _minutes(opens), _minutes(closes)


def kg_per_unit(config) -> dict[str, float]:
    return {**DEFAULT_KG_PER_UNIT, **(config.get("FREIGHT_KG_PER_UNIT") or {})}
