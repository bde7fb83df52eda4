import * as path from 'node:path';

/**
 * Resolves `relative` inside `root` and refuses anything that would land outside it (`..`, absolute
 * paths, NUL bytes). Used wherever a name that came from a request or a config file becomes a path.
 */
export function resolveInside(root: string, relative: string, what = 'path'): string {
  if (typeof root !== 'string' || typeof relative !== 'string') throw new TypeError(`${what} must be a string`);
  if (relative.length === 0) throw new RangeError(`${what} must not be empty`);
  if (relative.includes('\0')) throw new RangeError(`${what} must not contain NUL bytes`);
  if (path.isAbsolute(relative)) throw new RangeError(`${what} must be relative to ${root}`);
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  const rel = path.relative(base, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new RangeError(`${what} "${relative}" escapes ${base}`);
  }
  return full;
}
