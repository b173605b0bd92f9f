"""Drives a client generated from docs/openapi.json by openapi-python-client against a
running API: `python drive.py <package dir> <base url> <key>`. Prints what it checked as
JSON; any mismatch raises. Runs in the generator's own environment (httpx, attrs)."""

from __future__ import annotations

import datetime
import importlib
import json
import sys


def main(package_dir: str, base_url: str, key: str) -> None:
    sys.path.insert(0, package_dir)
    client_module = importlib.import_module("plinth_api.client")
    resources = importlib.import_module("plinth_api.api.resources")
    jobs = importlib.import_module("plinth_api.api.jobs")
    models = importlib.import_module("plinth_api.models")
    for name in ("create_resource", "get_resource", "list_resources", "update_resource"):
        importlib.import_module(f"plinth_api.api.resources.{name}")
    importlib.import_module("plinth_api.api.resources.export_resources")
    importlib.import_module("plinth_api.api.jobs.get_job")

    client = client_module.AuthenticatedClient(
        base_url=base_url, token=key, raise_on_unexpected_status=True
    )
    checked: dict[str, object] = {}

    created = resources.create_resource.sync_detailed(
        client=client,
        body=models.ResourceCreate(
            name="generated", metadata=models.ResourceCreateMetadata.from_dict({"k": "v"})
        ),
    )
    assert created.status_code == 201, created
    resource = created.parsed
    assert isinstance(resource, models.ResourceResponse), resource
    assert isinstance(resource.created_at, datetime.datetime)
    assert resource.metadata.to_dict() == {"k": "v"}
    assert created.headers["location"] == f"/v1/resources/{resource.id}"
    checked["create"] = resource.id

    got = resources.get_resource.sync(client=client, id=resource.id)
    assert isinstance(got, models.ResourceResponse) and got.name == "generated", got
    checked["get"] = got.status.value

    page = resources.list_resources.sync(client=client, limit=1)
    assert isinstance(page, models.ResourceList), page
    assert [item.id for item in page.data] == [resource.id]
    assert page.has_more is False and page.next_cursor is None
    checked["list"] = len(page.data)

    patched = resources.update_resource.sync(
        client=client,
        id=resource.id,
        body=models.ResourcePatch(status=models.ResourceStatus.PAUSED),
    )
    assert isinstance(patched, models.ResourceResponse), patched
    assert patched.status == models.ResourceStatus.PAUSED
    assert patched.updated_at > patched.created_at
    checked["patch"] = patched.status.value

    missing = resources.get_resource.sync_detailed(client=client, id="res_missing")
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.ErrorResponse), missing.parsed
    assert missing.parsed.error.code == "not_found"
    checked["404"] = missing.parsed.error.code

    invalid = resources.create_resource.sync_detailed(
        client=client, body=models.ResourceCreate(name="x" * 201)
    )
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, models.ErrorResponse), invalid.parsed
    assert invalid.parsed.error.param == "name"
    checked["422"] = invalid.parsed.error.param

    accepted = resources.export_resources.sync(client=client, body=models.ExportRequest())
    assert isinstance(accepted, models.JobResponse), accepted
    job = jobs.get_job.sync(client=client, id=accepted.id)
    assert isinstance(job, models.JobResponse) and job.type_ == models.JobType.RESOURCES_EXPORT
    checked["job"] = job.status.value

    print(json.dumps(checked))


if __name__ == "__main__":
    main(*sys.argv[1:4])
