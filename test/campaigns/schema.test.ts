import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { NudgeError } from '../../src/errors';
import { CampaignInvalidError } from '../../src/campaigns/errors';
import { parseCampaign } from '../../src/campaigns/schema';
import { parseCampaignText } from '../../src/campaigns/loader';
import { campaignFromProto, campaignToProto } from '../../src/campaigns/convert';
import { nudgePackageDefinition } from '../../src/proto';
import type { CampaignConfig } from '../../src/campaigns/types';

const root = path.resolve(__dirname, '..', '..');
const demoText = fs.readFileSync(path.join(root, 'campaigns', 'demo.yaml'), 'utf8');
const SRC = 'campaigns/home.yaml';

const minimal = (): Record<string, unknown> => ({ name: 'home', offers: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });

function errorOf(input: unknown, source = SRC): CampaignInvalidError {
  try {
    parseCampaign(input, source);
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignInvalidError);
    expect(err).toBeInstanceOf(NudgeError);
    expect((err as NudgeError).code).toBe('NUDGE_CAMPAIGN_INVALID');
    return err as CampaignInvalidError;
  }
  throw new Error('expected the campaign to be rejected');
}

/** What PutCampaign hands the server: the proto encoded by a client and decoded with PROTO_LOADER_OPTIONS. */
function throughGrpc(message: object): unknown {
  const put = nudgePackageDefinition()['nudge.v1.AdminService'] as unknown as Record<string, {
    requestSerialize(v: object): Buffer;
    requestDeserialize(b: Buffer): unknown;
  }>;
  const m = put.PutCampaign!;
  return m.requestDeserialize(m.requestSerialize(message));
}

describe('the demo campaign', () => {
  test('loads with its settings', () => {
    const c = parseCampaignText(demoText, 'demo.yaml', 'campaigns/demo.yaml');
    expect(c.name).toBe('home-banner');
    expect(c.offers.map((o) => o.id)).toEqual(['free-shipping', 'ten-percent-off', 'new-arrivals', 'loyalty-points']);
    expect(c.offers.every((o) => ['urgency', 'gain', 'neutral'].includes(o.attributes.framing ?? ''))).toBe(true);
    expect(c.policy).toBe('thompson');
    expect(c.controlShare).toBe(0.1);
    expect(c.rewardWaitMs).toBe(3_600_000);
    expect(c.defaultReward).toBe(0);
    expect(c.segmentBy).toEqual(['spend_personality']);
    expect(c.routing.map((r) => r.name)).toEqual(['risk-averse', 'loss-averse', 'default']);
    expect(c.routing[0]!.params).toEqual({ quantile: '0.1' });
    expect(c.offers[3]!.eligibility).toEqual({ '<=': [{ var: 'recency_days' }, 90] });
  });
});

describe('defaults', () => {
  test('every omitted field gets its default', () => {
    const c = parseCampaign(minimal(), SRC);
    const expected: CampaignConfig = {
      name: 'home',
      description: '',
      policy: 'thompson',
      policyParams: {},
      offers: ['a', 'b', 'c'].map((id) => ({ id, attributes: {}, priorAlpha: 1, priorBeta: 1, value: 1, weight: 1, eligibility: null, minProbability: 0 })),
      controlShare: 0,
      defaultOffer: 'a',
      rewardWaitMs: 0,
      defaultReward: 0,
      decay: { halfLife: 0, unit: 'events' },
      segmentBy: [],
      routing: [{ name: 'default', when: null, policy: 'thompson', params: {} }],
      fatigue: { maxPerOffer: 0, maxPerCampaign: 0, windowMs: 0, cooldownAfterIgnored: 0, cooldownMs: 0 },
      salt: 'home',
      version: 0,
      features: [],
      modelUse: 'none',
      modelPriorWeight: 10,
      modelBlend: 0.5,
      model: null,
      sessionFeatures: [],
      sessionTimeoutMs: 1_800_000,
      trigger: null,
      triggerModels: [],
      noActionArm: false,
      levers: [],
      minProbability: 0,
    };
    expect(c).toEqual(expected);
  });

  test('0 means the default for priors, value and weight (proto3 cannot send "unset")', () => {
    const c = parseCampaign({ ...minimal(), offers: [{ id: 'a', prior_alpha: 0, prior_beta: 0, value: 0, weight: 0 }] }, SRC);
    expect(c.offers[0]).toMatchObject({ priorAlpha: 1, priorBeta: 1, value: 1, weight: 1 });
    const d = parseCampaign({ ...minimal(), offers: [{ id: 'a', prior_alpha: 2.5, prior_beta: 7, value: 3, weight: 0.5 }] }, SRC);
    expect(d.offers[0]).toMatchObject({ priorAlpha: 2.5, priorBeta: 7, value: 3, weight: 0.5 });
  });

  test('the default route uses the campaign policy and params and always comes last', () => {
    const c = parseCampaign({
      ...minimal(),
      policy: 'epsilon-greedy',
      policy_params: { epsilon: 0.05 },
      routing: [{ name: 'vip', when: { '==': [{ var: 'tier' }, 'gold'] }, policy: 'ucb1' }, { when: '{"<": [{"var": "age"}, 30]}' }],
    }, SRC);
    expect(c.routing).toEqual([
      { name: 'vip', when: { '==': [{ var: 'tier' }, 'gold'] }, policy: 'ucb1', params: {} },
      { name: 'route-1', when: { '<': [{ var: 'age' }, 30] }, policy: 'epsilon-greedy', params: {} },
      { name: 'default', when: null, policy: 'epsilon-greedy', params: { epsilon: '0.05' } },
    ]);
  });

  test('a last route without a rule is the default route (no second one is added)', () => {
    const c = parseCampaign({ ...minimal(), routing: [{ name: 'everyone', policy: 'random' }] }, SRC);
    expect(c.routing).toEqual([{ name: 'everyone', when: null, policy: 'random', params: {} }]);
  });
});

describe('validation messages name the source and the field', () => {
  const cases: Array<[string, (c: Record<string, unknown>) => void, string]> = [
    ['name missing', (c) => { delete c.name; }, 'name: is required'],
    ['name pattern', (c) => { c.name = 'Home Banner'; }, 'name: must match /^[a-z0-9][a-z0-9._-]{0,63}$/ (lowercase letters, digits, ".", "_", "-"; at most 64 characters)'],
    ['name too long', (c) => { c.name = 'a'.repeat(65); }, 'name: must match /^[a-z0-9][a-z0-9._-]{0,63}$/ (lowercase letters, digits, ".", "_", "-"; at most 64 characters)'],
    ['offers missing', (c) => { delete c.offers; }, 'offers: is required'],
    ['no offers', (c) => { c.offers = []; }, 'offers: must have at least 1 offer'],
    ['too many offers', (c) => { c.offers = Array.from({ length: 1001 }, (_, i) => ({ id: `o${i}` })); }, 'offers: must have at most 1000 offers'],
    ['empty offer id', (c) => { (c.offers as object[])[1] = { id: '' }; }, 'offers[1].id: must not be empty'],
    ['long offer id', (c) => { (c.offers as object[])[1] = { id: 'x'.repeat(129) }; }, 'offers[1].id: must be at most 128 characters'],
    ['duplicate offer id', (c) => { (c.offers as object[])[2] = { id: 'a' }; }, 'offers[2].id: duplicate offer id "a" (also offers[0])'],
    ['offer id __proto__', (c) => { (c.offers as object[])[1] = { id: '__proto__' }; }, 'offers[1].id: "__proto__" cannot be an offer id (the stored counters could not keep it)'],
    ['negative prior', (c) => { (c.offers as object[])[2] = { id: 'c', prior_alpha: -1 }; }, 'offers[2].prior_alpha: must be > 0'],
    ['infinite prior', (c) => { (c.offers as object[])[2] = { id: 'c', prior_beta: Infinity }; }, 'offers[2].prior_beta: must be a finite number'],
    ['negative value', (c) => { (c.offers as object[])[0] = { id: 'a', value: -2 }; }, 'offers[0].value: must be >= 0'],
    ['control share 1', (c) => { c.control_share = 1; }, 'control_share: must be in [0, 1)'],
    ['control share negative', (c) => { c.control_share = -0.1; }, 'control_share: must be in [0, 1)'],
    ['control share text', (c) => { c.control_share = '0.1'; }, 'control_share: must be a finite number'],
    ['default offer unknown', (c) => { c.default_offer = 'zz'; }, 'default_offer: "zz" is not the id of an offer'],
    ['unknown policy', (c) => { c.policy = 'greedy'; }, 'policy: must be one of thompson, epsilon-greedy, ucb1, fixed, random, risk-averse, logistic-thompson, model (got "greedy")'],
    ['unknown route policy', (c) => { c.routing = [{ name: 'r', when: true, policy: 'nope' }]; }, 'routing[0].policy: must be one of thompson, epsilon-greedy, ucb1, fixed, random, risk-averse, logistic-thompson, model (got "nope")'],
    ['decay unit', (c) => { c.decay = { half_life: 10, unit: 'days' }; }, 'decay.unit: must be one of events, ms'],
    ['negative half life', (c) => { c.decay = { half_life: -1 }; }, 'decay.half_life: must be >= 0'],
    ['reward wait fraction', (c) => { c.reward_wait_ms = 1.5; }, 'reward_wait_ms: must be a non-negative integer'],
    ['default reward', (c) => { c.default_reward = 2; }, 'default_reward: must be in [0, 1]'],
    ['fatigue negative', (c) => { c.fatigue = { max_per_offer: -1 }; }, 'fatigue.max_per_offer: must be a non-negative integer'],
    ['fatigue uint32', (c) => { c.fatigue = { cooldown_after_ignored: 2 ** 32 }; }, 'fatigue.cooldown_after_ignored: must be <= 4294967295'],
    ['policy param object', (c) => { c.policy_params = { epsilon: { x: 1 } }; }, 'policy_params.epsilon: must be a string'],
    ['attribute list', (c) => { (c.offers as object[])[0] = { id: 'a', attributes: { framing: ['a'] } }; }, 'offers[0].attributes.framing: must be a string'],
    ['segment dup', (c) => { c.segment_by = ['x', 'x']; }, 'segment_by[1]: duplicate feature "x"'],
    ['unknown field', (c) => { c.control_shar = 0.1; }, 'control_shar: unknown field'],
    ['unknown offer field', (c) => { (c.offers as object[])[0] = { id: 'a', prior_alfa: 2 }; }, 'offers[0].prior_alfa: unknown field'],
    ['both spellings', (c) => { c.control_share = 0.1; c.controlShare = 0.2; }, 'control_share: given twice (as "control_share" and "controlShare")'],
    ['rule not JSON', (c) => { (c.offers as object[])[0] = { id: 'a', eligibility: '{"==": [1' }; }, 'offers[0].eligibility: is not valid JSON ('],
    ['rule not logic', (c) => { (c.offers as object[])[0] = { id: 'a', eligibility: { a: 1, b: 2 } }; }, 'offers[0].eligibility: must be a JSON Logic rule: an object with exactly one operator key'],
    ['rule unknown operator', (c) => { c.routing = [{ name: 'r', when: { if: [true, 1, { frobnicate: [1] }] } }]; }, 'routing[0].when: uses unknown JSON Logic operator "frobnicate"'],
    ['route catch-all not last', (c) => { c.routing = [{ name: 'r' }, { name: 's', when: true }]; }, 'routing[0].when: a route without a rule matches everything, so it must be the last route'],
    ['duplicate route', (c) => { c.routing = [{ name: 'r', when: true }, { name: 'r', when: false }]; }, 'routing[1].name: duplicate route name "r" (also routing[0])'],
    ['reserved route name', (c) => { c.routing = [{ name: 'default', when: true }]; }, 'routing[0].name: "default" is reserved for the last route, which has no rule'],
    ['not an object', (c) => { c.offers = 'a,b'; }, 'offers: must be a list of offers'],
  ];

  test.each(cases)('%s', (_label, mutate, expected) => {
    const input = minimal();
    mutate(input);
    const err = errorOf(input);
    expect(err.message.startsWith(`${SRC}: ${expected}`), err.message).toBe(true);
  });

  test('every problem is listed, joined by "; "', () => {
    const err = errorOf({ name: 'x', offers: [{ id: 'a', prior_alpha: -1 }, { id: 'b', prior_beta: -2 }], control_share: 3 });
    expect(err.message).toBe(`${SRC}: offers[0].prior_alpha: must be > 0; offers[1].prior_beta: must be > 0; control_share: must be in [0, 1)`);
    expect(err.problems.map((p) => p.field)).toEqual(['offers[0].prior_alpha', 'offers[1].prior_beta', 'control_share']);
    expect(err.field).toBe('offers[0].prior_alpha');
  });

  test('a whole file that is not a campaign', () => {
    expect(() => parseCampaign(42, SRC)).toThrow(`${SRC}: must be an object (a mapping of campaign fields)`);
    expect(() => parseCampaignText('name: [', 'home.yaml', SRC)).toThrow(`${SRC}: not valid YAML`);
    expect(() => parseCampaignText('{"name": ', 'home.json', SRC)).toThrow(`${SRC}: not valid JSON`);
    expect(() => parseCampaignText('# nothing\n', 'home.yaml', SRC)).toThrow(`${SRC}: the file is empty`);
  });
});

describe('YAML and PutCampaign give the same campaign', () => {
  const yamlText = `
name: home
policy: fixed
policy_params: { seed: 7 }
offers:
  - id: a
    attributes: { framing: gain }
    prior_alpha: 2
    eligibility: { ">": [{ var: "sessions_30d" }, 3] }
  - id: b
    weight: 3
control_share: 0.25
default_offer: b
reward_wait_ms: 60000
default_reward: 0
decay: { half_life: 1000, unit: ms }
segment_by: [spend_personality]
routing:
  - name: savers
    when: { "==": [{ var: spend_personality }, saver] }
    policy: risk-averse
    params: { quantile: "0.2" }
fatigue: { max_per_offer: 2, window_ms: 86400000 }
salt: s1
`;

  test('snake_case YAML equals the same campaign in camelCase as a proto object', () => {
    const fromYaml = parseCampaignText(yamlText, 'home.yaml', SRC);
    const asProto = {
      name: 'home',
      policy: 'fixed',
      policyParams: { seed: '7' },
      offers: [
        { id: 'a', attributes: { framing: 'gain' }, priorAlpha: 2, eligibility: '{">":[{"var":"sessions_30d"},3]}' },
        { id: 'b', weight: 3 },
      ],
      controlShare: 0.25,
      defaultOffer: 'b',
      rewardWaitMs: 60000,
      decay: { halfLife: 1000, unit: 'ms' },
      segmentBy: ['spend_personality'],
      routing: [{ name: 'savers', when: '{"==": [{"var": "spend_personality"}, "saver"]}', policy: 'risk-averse', params: { quantile: '0.2' } }],
      fatigue: { maxPerOffer: 2, windowMs: 86400000 },
      salt: 's1',
    };
    expect(campaignFromProto(asProto)).toEqual(fromYaml);
    expect(campaignFromProto(throughGrpc(asProto))).toEqual(fromYaml);
  });

  test('YAML -> config -> proto (encoded and decoded by gRPC) -> config is identical', () => {
    for (const [text, file] of [[yamlText, 'home.yaml'], [demoText, 'demo.yaml']] as const) {
      const config = parseCampaignText(text, file, SRC);
      const proto = campaignToProto(config);
      expect(parseCampaign(proto, 'proto')).toEqual(config);
      expect(parseCampaign(throughGrpc(proto), 'PutCampaign')).toEqual(config);
    }
  });

  test('the implicit default route is not sent, so a client can change the policy and put it back', () => {
    const config = parseCampaignText(demoText, 'demo.yaml', SRC);
    const proto = campaignToProto(config);
    expect(proto.routing.map((r) => r.name)).toEqual(['risk-averse', 'loss-averse']);
    const changed = parseCampaign({ ...proto, policy: 'ucb1' }, 'PutCampaign');
    expect(changed.routing[changed.routing.length - 1]).toEqual({ name: 'default', when: null, policy: 'ucb1', params: {} });
  });

  test('a gRPC message with every field unset except name and offers gets the defaults', () => {
    const decoded = throughGrpc({ name: 'home', offers: [{ id: 'a' }] });
    expect(parseCampaign(decoded, 'PutCampaign')).toEqual(parseCampaign({ name: 'home', offers: [{ id: 'a' }] }, SRC));
  });
});
