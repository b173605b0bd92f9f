// dist/esm (ES modules) and dist/cjs (CommonJS), each with its declarations.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' });

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
run('-p', 'tsconfig.json', '--outDir', 'dist/esm');
run(
  '-p', 'tsconfig.json', '--outDir', 'dist/cjs',
  '--module', 'commonjs', '--moduleResolution', 'node10', '--verbatimModuleSyntax', 'false',
);
// package.json says "type": "module"; this marks the CommonJS half as such.
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
