import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCampaignFileName } from './loader';

export type DirListing =
  | { ok: true; files: Map<string, string> }
  | { ok: false; missing: boolean; message: string };

export type FileRead = { ok: true; text: string } | { ok: false; gone: boolean; message: string };

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Campaign files directly in `dir` (no recursion), file name -> path to read. A symlink counts only
 * when it resolves to a regular file inside the directory, so configuration never reads outside it.
 */
export async function listCampaignFiles(dir: string): Promise<DirListing> {
  let realDir: string;
  let entries: fs.Dirent[];
  try {
    realDir = await fs.promises.realpath(dir);
    entries = await fs.promises.readdir(realDir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    return { ok: false, missing, message: missing ? `${dir}: campaign directory does not exist` : `${dir}: ${(err as Error).message}` };
  }
  const files = new Map<string, string>();
  for (const e of entries) {
    if (!isCampaignFileName(e.name)) continue;
    const p = path.join(realDir, e.name);
    if (e.isFile()) {
      files.set(e.name, p);
    } else if (e.isSymbolicLink()) {
      try {
        const target = await fs.promises.realpath(p);
        if (inside(realDir, target) && (await fs.promises.stat(target)).isFile()) files.set(e.name, target);
      } catch {
        // A dangling link is not a campaign file.
      }
    }
  }
  return { ok: true, files };
}

/** Reads one file without following a symlink swapped in after listing (listing already resolved it). */
export async function readCampaignFile(p: string, maxBytes: number): Promise<FileRead> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, gone: false, message: 'not a regular file' };
    if (st.size > maxBytes) return { ok: false, gone: false, message: `file is larger than ${maxBytes} bytes` };
    return { ok: true, text: await fh.readFile('utf8') };
  } catch (err) {
    return { ok: false, gone: (err as NodeJS.ErrnoException).code === 'ENOENT', message: (err as Error).message };
  } finally {
    await fh?.close();
  }
}
