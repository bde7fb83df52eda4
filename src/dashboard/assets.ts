import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../proto';

/**
 * The dashboard's files, read once at start and served from memory: the page shell, its script and
 * style (dashboard/ in the package) and uPlot (the chart library, from its npm package). No CDN: the
 * page works on a machine without internet access.
 */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  /** uPlot's bytes change only with its version; the page's own files may change with any upgrade. */
  readonly cacheControl: string;
}

const REVALIDATE = 'no-cache';
const LONG = 'public, max-age=86400';

function asset(file: string, type: string, cacheControl: string): Asset {
  const body = readFileSync(file);
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, cacheControl };
}

export function loadAssets(): { page: Asset; files: ReadonlyMap<string, Asset> } {
  const dir = join(packageRoot(), 'dashboard');
  const uplot = join(require.resolve('uplot/package.json'), '..', 'dist');
  return {
    page: asset(join(dir, 'index.html'), 'text/html; charset=utf-8', REVALIDATE),
    files: new Map([
      ['dom.js', asset(join(dir, 'dom.js'), 'text/javascript; charset=utf-8', REVALIDATE)],
      ['charts.js', asset(join(dir, 'charts.js'), 'text/javascript; charset=utf-8', REVALIDATE)],
      ['app.js', asset(join(dir, 'app.js'), 'text/javascript; charset=utf-8', REVALIDATE)],
      ['app.css', asset(join(dir, 'app.css'), 'text/css; charset=utf-8', REVALIDATE)],
      ['uPlot.iife.min.js', asset(join(uplot, 'uPlot.iife.min.js'), 'text/javascript; charset=utf-8', LONG)],
      ['uPlot.min.css', asset(join(uplot, 'uPlot.min.css'), 'text/css; charset=utf-8', LONG)],
    ]),
  };
}
