"""Export every active resource as JSON Lines and download the file.

export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
python clients/python/examples/export.py
"""

import json

import httpx

from plinth_client import ExportResult, Plinth


def main() -> None:
    with Plinth() as client:
        job = client.resources.export(status="active")
        job = client.jobs.wait(job.id, timeout=300, poll_interval=0.5)
        assert isinstance(job.result, ExportResult)
        # A presigned URL: no API key needed, valid until job.result.expires_at.
        download = httpx.get(job.result.url, timeout=60)
        download.raise_for_status()
        lines = download.text.splitlines()
        names = [json.loads(line)["name"] for line in lines[:3]]
        print(f"exported {job.result.count} resources, downloaded {len(lines)} lines")
        print("first names:", names)


if __name__ == "__main__":
    main()
