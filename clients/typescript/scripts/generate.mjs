// Types from docs/openapi.json into src/generated/openapi.ts; `--check` fails if stale.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

const DOCUMENT = new URL('../../../docs/openapi.json', import.meta.url);
const TARGET = new URL('../src/generated/openapi.ts', import.meta.url);
const HEADER =
  '// Generated from docs/openapi.json by openapi-typescript (npm run generate). Do not edit.\n\n';

const generated = HEADER + astToString(await openapiTS(DOCUMENT));

if (process.argv.includes('--check')) {
  const committed = await readFile(TARGET, 'utf8').catch(() => '');
  if (committed !== generated) {
    console.error(
      'src/generated/openapi.ts is stale: docs/openapi.json changed. ' +
        'Run `npm run generate` in clients/typescript and commit the result.',
    );
    process.exit(1);
  }
  console.log('src/generated/openapi.ts matches docs/openapi.json');
} else {
  await writeFile(TARGET, generated);
  console.log('wrote src/generated/openapi.ts');
}
