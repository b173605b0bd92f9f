"""Create many resources in one request, then wait for the job.

export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
python clients/python/examples/bulk_import.py
"""

from plinth_client import BulkCreateResult, JobFailedError, Plinth, ResourceCreateParams


def main() -> None:
    with Plinth() as client:
        items: list[ResourceCreateParams] = [
            {"name": f"imported {i}", "metadata": {"batch": "example"}} for i in range(50)
        ]
        job = client.resources.bulk_create(items)  # 202: the work runs in the background
        print("job", job.id, job.status)
        try:
            job = client.jobs.wait(job.id, timeout=120, poll_interval=0.5)
        except JobFailedError as error:
            raise SystemExit(f"bulk import failed: {error.code}: {error.message}") from error
        assert isinstance(job.result, BulkCreateResult)
        print("created", job.result.created, "first id", job.result.ids[0])


if __name__ == "__main__":
    main()
