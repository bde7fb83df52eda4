import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Kernel } from './types';

/**
 * The one place that loads the C++ addon (build/Release/nudge_kernel.node, resolved from the package
 * root so it works from src/ under vitest and from dist/src/ after tsc). Load failures are kept, not
 * thrown: the caller decides whether to fall back (index.ts) or fail (NUDGE_REQUIRE_NATIVE=1).
 */
export const ADDON_RELATIVE_PATH = path.join('build', 'Release', 'nudge_kernel.node');
export const BUILD_HINT = 'run `npm run build:native` (needs python3, make, g++)';

/** The functions the addon exports: exactly the Kernel entry points. */
type NativeAddon = Omit<Kernel, 'impl'>;

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const name = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === 'nudge') return dir;
      } catch {
        // not our package.json; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..', '..');
    dir = parent;
  }
}

export const addonPath: string = path.join(findPackageRoot(__dirname), ADDON_RELATIVE_PATH);

let loaded: Kernel | null | undefined;
let loadError: Error | null = null;

function wrap(addon: NativeAddon): Kernel {
  // The addon checks its own arguments; the functions are used as they are (no JS in the hot path).
  return Object.freeze({
    impl: 'native' as const,
    seed: addon.seed,
    uniform: addon.uniform,
    normal: addon.normal,
    gamma: addon.gamma,
    beta: addon.beta,
    topN: addon.topN,
    sampleTopN: addon.sampleTopN,
    propensities: addon.propensities,
    betaQuantile: addon.betaQuantile,
    thompsonPicks: addon.thompsonPicks,
    linearScores: addon.linearScores,
    gaussianPropensities: addon.gaussianPropensities,
  });
}

/** The native kernel, or null when the addon is missing or fails to load (see nativeLoadError()). */
export function loadNative(): Kernel | null {
  if (loaded !== undefined) return loaded;
  try {
    if (!fs.existsSync(addonPath)) {
      throw new Error(`native kernel not built: ${addonPath} does not exist; ${BUILD_HINT}`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(addonPath) as NativeAddon;
    for (const fn of ['seed', 'uniform', 'normal', 'gamma', 'beta', 'topN', 'sampleTopN', 'propensities', 'betaQuantile', 'thompsonPicks', 'linearScores', 'gaussianPropensities'] as const) {
      if (typeof addon[fn] !== 'function') throw new Error(`${addonPath} does not export ${fn}(); ${BUILD_HINT}`);
    }
    loaded = wrap(addon);
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    loadError = cause.includes(BUILD_HINT)
      ? new Error(cause)
      : new Error(`could not load the native kernel ${addonPath}: ${cause}; ${BUILD_HINT}`);
    loaded = null;
  }
  return loaded;
}

/** Why loadNative() returned null (null when it loaded or was not tried). */
export function nativeLoadError(): Error | null {
  return loadError;
}
