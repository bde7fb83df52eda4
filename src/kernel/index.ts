import type { Kernel } from './types';
import { createFallbackKernel } from './fallback';
import { loadNative, nativeLoadError } from './native';

export type { Kernel } from './types';
export { MSG } from './messages';
export { createFallbackKernel } from './fallback';
export { loadNative, nativeLoadError, addonPath } from './native';

let cached: Kernel | undefined;

/**
 * The kernel to use: the native addon when it loads, else the TypeScript fallback with one warning on
 * stderr. NUDGE_NATIVE=0 selects the fallback without a warning. Cached per realm (per worker thread).
 */
export function getKernel(): Kernel {
  if (cached) return cached;
  if (process.env.NUDGE_NATIVE === '0') {
    cached = createFallbackKernel();
    return cached;
  }
  const native = loadNative();
  if (native) {
    cached = native;
    return cached;
  }
  const why = nativeLoadError()?.message ?? 'unknown reason';
  process.stderr.write(`nudge: using the TypeScript fallback kernel (slower). ${why}\n`);
  cached = createFallbackKernel();
  return cached;
}
