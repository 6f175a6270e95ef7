"""Reading exported bundles in tests, and a packet with an override."""

from decimal import Decimal

from fhir.resources.R4B.bundle import Bundle

from handoff.services.packets import OverrideSpec, PacketSpec, RestrictionSpec
from handoff.tests import builders


def resources(bundle_json: dict, resource_type: str) -> list[dict]:
    return [
        e["resource"]
        for e in bundle_json["entry"]
        if e["resource"]["resourceType"] == resource_type
    ]


def one(bundle_json: dict, resource_type: str) -> dict:
    (found,) = resources(bundle_json, resource_type)
    return found


def parse_bundle(data: dict) -> Bundle:
    return Bundle.model_validate(data)


def knee_limit_packet() -> PacketSpec:
    """The test packet and a 90-degree knee limit (restriction 2) the split squat (item 1)
    breaks: the therapist allows it."""
    plain = builders.packet()
    return builders.packet(
        restrictions=(
            *plain.restrictions,
            RestrictionSpec(
                kind="rom_limit",
                text="Keep loaded knee bends to 90 degrees",
                body_region="knee",
                pattern="deep_knee_flexion",
                limit_value=Decimal("90.00"),
                limit_unit="deg",
            ),
        ),
        overrides=(
            OverrideSpec(item=1, restriction=2, reason="To 70 degrees only, practised in clinic."),
        ),
    )
