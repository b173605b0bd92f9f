// Export every active resource as JSON Lines and download the file.
//   export PLINTH_API_KEY=sk_...  PLINTH_BASE_URL=http://127.0.0.1:3000/v1
//   npm run build && npm run build:test && node build/examples/export.js
import { Plinth } from '@plinth/client';

const client = new Plinth();

let job = await client.resources.export({ status: 'active' });
job = await client.jobs.wait(job.id, { timeout: 300_000, pollInterval: 500 });
const result = job.result;
// `result.type` narrows the result to the export's shape.
if (result?.type !== 'resources.export') throw new Error('unexpected result');

// A presigned URL: no API key, valid until result.expiresAt.
const download = await fetch(result.url);
if (!download.ok) throw new Error(`download failed: ${download.status}`);
const lines = (await download.text()).split('\n').filter((line) => line !== '');
const names = lines.slice(0, 3).map((line) => (JSON.parse(line) as { name: string }).name);
console.log(`exported ${result.count} resources, downloaded ${lines.length} lines`);
console.log('first names:', names);
