"""Create, read, update, list and delete a resource.

export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
python clients/python/examples/quickstart.py
"""

from plinth_client import NotFoundError, Plinth


def main() -> None:
    with Plinth() as client:
        resource = client.resources.create(
            name="My resource", description="made by quickstart.py", metadata={"team": "core"}
        )
        print("created", resource.id, resource.created_at.isoformat())

        resource = client.resources.update(resource.id, status="paused", description=None)
        print("updated", resource.id, resource.status, resource.description)

        for item in client.resources.list(limit=5).data:
            print("listed", item.id, item.name, item.status)

        client.resources.delete(resource.id)
        try:
            client.resources.get(resource.id)
        except NotFoundError as error:
            print("deleted", resource.id, error.code, error.request_id)


if __name__ == "__main__":
    main()
