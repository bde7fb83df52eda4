/** Where compiled entry points live: child processes always run the tsc output, also under vitest. */
import * as path from 'node:path';
import { packageRoot } from '../src/proto';

export function distPath(...parts: string[]): string {
  return path.join(packageRoot(), 'dist', ...parts);
}

export function repoPath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
