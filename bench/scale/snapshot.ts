/**
 * A private copy of the built package that the benchmark's Nudge servers run from: dist/, proto/,
 * the native addon, package.json, with node_modules linked. Other people rebuilding the tree while a
 * run lasts would otherwise change the code under test between its parts (a server started later
 * loads whatever dist/ holds then). The fingerprint (newest mtime and file count of dist/src) says
 * which build was measured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath } from '../paths';

export interface Snapshot {
  readonly root: string;
  readonly fingerprint: { readonly newestMtime: string; readonly files: number };
  remove(): void;
}

function walk(dir: string, f: (file: string, st: fs.Stats) => void): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, f);
    else if (e.isFile()) f(p, fs.statSync(p));
  }
}

export function distFingerprint(root: string): { newestMtime: string; files: number } {
  let newest = 0;
  let files = 0;
  walk(path.join(root, 'dist', 'src'), (file, st) => {
    if (!file.endsWith('.js')) return;
    files++;
    newest = Math.max(newest, st.mtimeMs);
  });
  return { newestMtime: new Date(newest).toISOString(), files };
}

export function snapshotPackage(): Snapshot {
  const src = repoPath();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-scale-pkg-'));
  // Of the tree, before copying (copies get new mtimes); a rebuild between the two lines is not caught.
  const fingerprint = distFingerprint(src);
  try {
    fs.cpSync(path.join(src, 'dist'), path.join(root, 'dist'), { recursive: true });
    fs.cpSync(path.join(src, 'proto'), path.join(root, 'proto'), { recursive: true });
    const addon = path.join(src, 'build', 'Release', 'nudge_kernel.node');
    if (fs.existsSync(addon)) {
      fs.mkdirSync(path.join(root, 'build', 'Release'), { recursive: true });
      fs.copyFileSync(addon, path.join(root, 'build', 'Release', 'nudge_kernel.node'));
    }
    for (const d of ['campaigns', 'dashboard']) if (fs.existsSync(path.join(src, d))) fs.cpSync(path.join(src, d), path.join(root, d), { recursive: true });
    fs.copyFileSync(path.join(src, 'package.json'), path.join(root, 'package.json'));
    fs.symlinkSync(path.join(src, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
  return { root, fingerprint, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
