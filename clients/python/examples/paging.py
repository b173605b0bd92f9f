"""Walk every resource, page by page, two ways.

export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
python clients/python/examples/paging.py
"""

from plinth_client import Plinth


def main() -> None:
    with Plinth() as client:
        # By hand, as in the API reference: follow next_cursor while has_more.
        cursor: str | None = None
        by_hand = 0
        while True:
            response = client.resources.list(limit=100, cursor=cursor)
            by_hand += len(response.data)
            cursor = response.next_cursor
            if not response.has_more:
                break

        # Or let the page fetch the next ones as the loop reaches them.
        automatic = sum(1 for _ in client.resources.list(limit=100).auto_paging_iter())
        print(f"{by_hand} resources by hand, {automatic} with auto_paging_iter()")


if __name__ == "__main__":
    main()
