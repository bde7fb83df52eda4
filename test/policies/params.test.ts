import { describe, expect, it } from 'vitest';
import { createPolicy, parsePolicySpec } from '../../src/policies';
import { POLICY_NAMES } from '../../src/policies/names';

describe('createPolicy', () => {
  it('creates every named policy with defaults', () => {
    for (const name of POLICY_NAMES) expect(createPolicy(name).name).toBe(name);
  });

  it('rejects unknown names and unknown parameters', () => {
    expect(() => createPolicy('thompsn')).toThrow(
      new RangeError('unknown policy "thompsn" (known: thompson, epsilon-greedy, ucb1, fixed, random, risk-averse, logistic-thompson, model)'),
    );
    expect(() => createPolicy('epsilon-greedy', { epsilo: 0.1 })).toThrow(
      new RangeError('unknown parameter "epsilon-greedy.epsilo" (known: halfLife, halfLifeUnit, epsilon)'),
    );
    expect(() => createPolicy(3 as unknown as string)).toThrow(new TypeError('policy name must be a string'));
  });

  const cases: [string, Record<string, string | number | boolean>, 'TypeError' | 'RangeError', string][] = [
    ['thompson', { halfLife: -1 }, 'RangeError', 'thompson.halfLife must be a number >= 0'],
    ['thompson', { halfLife: 'soon' }, 'TypeError', 'thompson.halfLife must be a number >= 0'],
    ['thompson', { halfLife: true }, 'TypeError', 'thompson.halfLife must be a number >= 0'],
    ['thompson', { halfLife: Infinity }, 'RangeError', 'thompson.halfLife must be a number >= 0'],
    ['thompson', { halfLifeUnit: 'days' }, 'RangeError', 'thompson.halfLifeUnit must be one of "events", "ms"'],
    ['thompson', { halfLifeUnit: 5 }, 'TypeError', 'thompson.halfLifeUnit must be one of "events", "ms"'],
    ['thompson', { propensityDraws: 0 }, 'RangeError', 'thompson.propensityDraws must be an integer >= 1'],
    ['thompson', { propensityDraws: 1.5 }, 'RangeError', 'thompson.propensityDraws must be an integer >= 1'],
    ['thompson', { propensityRefreshMs: -5 }, 'RangeError', 'thompson.propensityRefreshMs must be a number >= 0'],
    ['epsilon-greedy', { epsilon: 1.2 }, 'RangeError', 'epsilon-greedy.epsilon must be a number between 0 and 1'],
    ['epsilon-greedy', { epsilon: 'x' }, 'TypeError', 'epsilon-greedy.epsilon must be a number between 0 and 1'],
    ['ucb1', { c: -1 }, 'RangeError', 'ucb1.c must be a number >= 0'],
    ['risk-averse', { quantile: 0 }, 'RangeError', 'risk-averse.quantile must be a number in (0, 0.5]'],
    ['risk-averse', { quantile: 0.6 }, 'RangeError', 'risk-averse.quantile must be a number in (0, 0.5]'],
    ['fixed', { propensityDraws: -1 }, 'RangeError', 'fixed.propensityDraws must be an integer >= 1'],
    ['random', { halfLife: -2 }, 'RangeError', 'random.halfLife must be a number >= 0'],
  ];
  it.each(cases)('%s %j -> %s', (name, params, type, message) => {
    const ctor = type === 'TypeError' ? TypeError : RangeError;
    expect(() => createPolicy(name, params)).toThrow(new ctor(message));
    try {
      createPolicy(name, params);
    } catch (e) {
      expect((e as Error).constructor).toBe(ctor);
    }
  });

  it('accepts numeric strings (route params are strings) and edge values', () => {
    expect(() => createPolicy('epsilon-greedy', { epsilon: '0.05' })).not.toThrow();
    expect(() => createPolicy('epsilon-greedy', { epsilon: 0 })).not.toThrow();
    expect(() => createPolicy('epsilon-greedy', { epsilon: 1 })).not.toThrow();
    expect(() => createPolicy('risk-averse', { quantile: 0.5 })).not.toThrow();
    expect(() => createPolicy('thompson', { halfLife: '100', halfLifeUnit: 'ms' })).not.toThrow();
  });
});

describe('parsePolicySpec', () => {
  it('parses names and typed parameters', () => {
    expect(parsePolicySpec('thompson')).toEqual({ name: 'thompson', params: {} });
    expect(parsePolicySpec('epsilon-greedy:epsilon=0.05')).toEqual({ name: 'epsilon-greedy', params: { epsilon: 0.05 } });
    expect(parsePolicySpec('thompson:halfLife=10000,halfLifeUnit=events')).toEqual({
      name: 'thompson',
      params: { halfLife: 10000, halfLifeUnit: 'events' },
    });
    expect(parsePolicySpec(' ucb1 : c = 1.5 , flag=true, other=false, s= ')).toEqual({
      name: 'ucb1',
      params: { c: 1.5, flag: true, other: false, s: '' },
    });
    expect(parsePolicySpec('random:')).toEqual({ name: 'random', params: {} });
  });

  it('round-trips into createPolicy', () => {
    const spec = parsePolicySpec('risk-averse:quantile=0.2');
    expect(createPolicy(spec.name, spec.params).name).toBe('risk-averse');
  });

  it('rejects malformed specs', () => {
    expect(() => parsePolicySpec(':a=1')).toThrow(new RangeError('policy spec ":a=1" has no policy name'));
    expect(() => parsePolicySpec('thompson:halfLife')).toThrow(
      new RangeError('policy spec "thompson:halfLife": "halfLife" must look like key=value'),
    );
    expect(() => parsePolicySpec('thompson:a=1,a=2')).toThrow(
      new RangeError('policy spec "thompson:a=1,a=2": parameter "a" is given twice'),
    );
    expect(() => parsePolicySpec(5 as unknown as string)).toThrow(new TypeError('policy spec must be a string'));
  });
});
