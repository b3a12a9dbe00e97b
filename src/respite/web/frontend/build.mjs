// Bundle the public map with esbuild into ../static/dist: app.js (with Leaflet), app.css
// (with Leaflet's stylesheet) and sw.js. Writes dist/.source, the digest of the inputs, so
// build.sh can tell a stale bundle. Run: npm ci && node build.mjs
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceDigest } from './digest.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'static', 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, legalComments: 'eof', target: ['es2020'], logLevel: 'warning' };
await build({ ...common, entryPoints: [join(here, 'src', 'main.js')], outfile: join(out, 'app.js'), format: 'iife' });
await build({ ...common, entryPoints: [join(here, 'src', 'sw.js')], outfile: join(out, 'sw.js'), format: 'iife' });
await build({
  ...common,
  entryPoints: [join(here, 'src', 'style.css')],
  outfile: join(out, 'app.css'),
  loader: { '.png': 'dataurl', '.svg': 'dataurl' },
});
writeFileSync(join(out, '.source'), `${sourceDigest()}\n`);
console.log(`built ${out}`);
