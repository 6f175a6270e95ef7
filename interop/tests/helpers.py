"""Reading exported bundles in tests."""

from fhir.resources.R4B.bundle import Bundle


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
