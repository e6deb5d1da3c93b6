// Writes <file>.gz and <file>.br next to each compressible hashed asset in dist/assets, so
// the server sends them as they are (no compression per request). Node's zlib does both.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = path.resolve(process.argv[2] ?? 'dist/assets');
const compressible = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.txt', '.html']);
const minBytes = 1024; // below this the headers outweigh the savings

let count = 0;
for (const name of fs.readdirSync(dir)) {
  const file = path.join(dir, name);
  if (!compressible.has(path.extname(name)) || !fs.statSync(file).isFile()) continue;
  const body = fs.readFileSync(file);
  if (body.length < minBytes) continue;
  const variants = {
    '.gz': zlib.gzipSync(body, { level: 9 }),
    '.br': zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  };
  for (const [ext, out] of Object.entries(variants)) {
    // Never ship a "compressed" file that is larger than the original.
    if (out.length < body.length) fs.writeFileSync(file + ext, out);
  }
  count++;
}
console.log(`precompressed ${count} assets in ${path.relative(process.cwd(), dir) || dir}`);
