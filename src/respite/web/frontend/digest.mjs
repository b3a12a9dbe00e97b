// The digest of the bundle's inputs (build.mjs writes it to dist/.source; build.sh compares).
// Run directly, it prints the digest.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function sourceDigest() {
  const hash = createHash('sha256');
  const files = ['package.json', 'package-lock.json', 'build.mjs', 'digest.mjs',
    ...readdirSync(join(here, 'src')).sort().map((f) => `src/${f}`)];
  for (const file of files) {
    hash.update(file);
    hash.update(readFileSync(join(here, file)));
  }
  return hash.digest('hex');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(sourceDigest());
