// Walk every resource, page by page, two ways.
//   export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
//   npm run build && npm run build:test && node build/examples/paging.js
import { Plinth } from '@plinth/client';

const client = new Plinth();

// As in the API reference (with `response` declared outside the loop).
let byHand = 0;
let response;
let cursor: string | null = null;
do {
  response = await client.resources.list({ limit: 100, cursor });
  byHand += response.data.length;
  cursor = response.nextCursor;
} while (response.hasMore);

// Or iterate the list itself: it fetches each following page when the loop reaches it.
let automatic = 0;
for await (const _resource of client.resources.list({ limit: 100 })) automatic += 1;
console.log(`${byHand} resources by hand, ${automatic} with for await`);
