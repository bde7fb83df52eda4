/**
 * Field names of a campaign and its parts, in the proto's snake_case (what YAML files use and what
 * error messages print). The validator works on camelCase (what proto-loader produces), so both
 * spellings are accepted and mapped here.
 */
export const CAMPAIGN_FIELDS = [
  'name', 'description', 'policy', 'policy_params', 'offers', 'control_share', 'default_offer',
  'reward_wait_ms', 'default_reward', 'decay', 'segment_by', 'routing', 'fatigue', 'salt', 'version',
  'features', 'model_use', 'model_prior_weight', 'model_blend', 'session_features', 'session_timeout_ms',
  'trigger', 'no_action_arm', 'levers', 'min_probability',
] as const;
export const SESSION_FEATURE_FIELDS = ['name', 'event_types', 'property_filter', 'aggregate', 'property', 'window_ms'] as const;
export const LEVER_FIELDS = ['name', 'attribute', 'value', 'weight', 'start_ms', 'end_ms'] as const;
export const FEATURE_FIELDS = ['name', 'source', 'type', 'categories', 'buckets', 'default'] as const;
export const OFFER_FIELDS = ['id', 'attributes', 'prior_alpha', 'prior_beta', 'value', 'weight', 'eligibility', 'min_probability'] as const;
export const DECAY_FIELDS = ['half_life', 'unit'] as const;
export const ROUTE_FIELDS = ['name', 'when', 'policy', 'params'] as const;
export const FATIGUE_FIELDS = ['max_per_offer', 'max_per_campaign', 'window_ms', 'cooldown_after_ignored', 'cooldown_ms'] as const;

/** Fields whose values are string maps: their keys are data, never renamed. */
export const MAP_FIELDS: ReadonlySet<string> = new Set(['attributes', 'policyParams', 'params', 'propertyFilter']);

export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function camelToSnake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const KNOWN_CAMEL: ReadonlySet<string> = new Set(
  [...CAMPAIGN_FIELDS, ...OFFER_FIELDS, ...DECAY_FIELDS, ...ROUTE_FIELDS, ...FATIGUE_FIELDS, ...FEATURE_FIELDS, ...SESSION_FEATURE_FIELDS, ...LEVER_FIELDS].map(
    snakeToCamel,
  ),
);

/** `['offers', 2, 'priorAlpha']` -> `offers[2].prior_alpha`; map keys are printed as given. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  let prev: PropertyKey | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
    } else {
      const s = String(seg);
      const isMapKey = typeof prev === 'string' && MAP_FIELDS.has(prev);
      const name = !isMapKey && KNOWN_CAMEL.has(s) ? camelToSnake(s) : s;
      out += out === '' ? name : `.${name}`;
    }
    prev = seg;
  }
  return out;
}
