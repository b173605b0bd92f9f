// Create many resources in one request, then wait for the job.
//   export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
//   npm run build && npm run build:test && node build/examples/bulk-import.js
import { JobFailedError, Plinth } from '@plinth/client';

const client = new Plinth();

const items = Array.from({ length: 50 }, (_, i) => ({
  name: `imported ${i}`,
  metadata: { batch: 'example' },
}));
let job = await client.resources.bulkCreate(items); // 202: the work runs in the background
console.log('job', job.id, job.status);
try {
  job = await client.jobs.wait(job.id, { timeout: 120_000, pollInterval: 500 });
} catch (error) {
  if (error instanceof JobFailedError) {
    console.error(`bulk import failed: ${error.code}: ${error.error.message}`);
    process.exit(1);
  }
  throw error;
}
// `result.type` narrows the result to the bulk create's shape.
if (job.result?.type !== 'resources.bulk_create') throw new Error('unexpected result');
console.log('created', job.result.created, 'first id', job.result.ids[0]);
