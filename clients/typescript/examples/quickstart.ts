// Create, read, update, list and delete a resource.
//   export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
//   npm run build && npm run build:test && node build/examples/quickstart.js
import { NotFoundError, Plinth } from '@plinth/client';

const client = new Plinth(); // PLINTH_API_KEY, PLINTH_BASE_URL

let resource = await client.resources.create({
  name: 'My resource',
  description: 'made by quickstart.ts',
  metadata: { team: 'core' },
});
console.log('created', resource.id, resource.createdAt);

resource = await client.resources.update(resource.id, { status: 'paused', description: null });
console.log('updated', resource.id, resource.status, resource.description);

const { data } = await client.resources.list({ limit: 5 });
for (const item of data) console.log('listed', item.id, item.name, item.status);

await client.resources.delete(resource.id);
try {
  await client.resources.get(resource.id);
} catch (error) {
  if (!(error instanceof NotFoundError)) throw error;
  console.log('deleted', resource.id, error.code, error.requestId);
}
