import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNudgeLog } from '../../src/ope/nudge-log';
import { readObd } from '../../src/ope/obd';
import { readPriors } from '../../src/ope/priors';
import { OBD_MEN_CSV, OBD_PRIORS_CSV } from '../support/obd';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-ope-'));

describe('Open Bandit Dataset reader', () => {
  it('reads the random/men log: 10,000 rows, 34 items, uniform propensities, 46 clicks', async () => {
    const d = await readObd(OBD_MEN_CSV);
    expect(d.events.length).toBe(10_000);
    expect(d.actions.length).toBe(34);
    expect(d.events.reduce((s, e) => s + e.reward, 0)).toBe(46);
    for (const e of d.events) expect(e.propensity).toBeCloseTo(1 / 34, 5);
    expect(new Set(d.events.map((e) => e.position))).toEqual(new Set([1, 2, 3]));
    expect(d.events[0].ts).toBe(Date.parse('2019-11-24T00:03:13.442Z'));
  });

  it('rejects a file that is not OBD', async () => {
    const f = path.join(tmp, 'bad.csv');
    fs.writeFileSync(f, 'a,b\n1,2\n');
    await expect(readObd(f)).rejects.toThrow(/line 2: missing column "item_id"/);
  });

  it('reads the production BTS priors of one campaign', () => {
    const p = readPriors(OBD_PRIORS_CSV, 'men');
    expect(p.size).toBe(34);
    expect(() => readPriors(OBD_PRIORS_CSV)).toThrow(/--prior-campaign/);
  });
});

describe('Nudge decision log reader', () => {
  const line = (o: object): string => JSON.stringify({ id: 'd', ts: 1, campaign: 'c', customerId: 'u', segment: 's', policy: 'thompson', ...o });

  it('turns each shown offer into an event at its slot; missing outcomes get the default reward', async () => {
    const f = path.join(tmp, 'log.ndjson');
    fs.writeFileSync(
      f,
      [
        line({ offers: [{ offerId: 'a', score: 0.1, probability: 0.1, propensity: 0.5 }, { offerId: 'b', score: 0, probability: 0, propensity: 0.25 }], outcomes: { b: 1 } }),
        line({ control: true, offers: [{ offerId: 'a', score: 0, probability: 0, propensity: 1 }], outcomes: {} }),
        '',
        line({ offers: [{ offerId: 'c', score: 0, probability: 0, propensity: 0 }], outcomes: {} }),
      ].join('\n'),
    );
    const d = await readNudgeLog(f);
    expect(d.actions).toEqual(['a', 'b']);
    expect(d.events).toEqual([
      { segment: 's', action: 0, reward: 0, propensity: 0.5, position: 1, ts: 1 },
      { segment: 's', action: 1, reward: 1, propensity: 0.25, position: 2, ts: 1 },
    ]);
    expect(d.skipped).toEqual({ 'control group': 1, 'propensity <= 0': 1 });
  });

  it('needs --campaign for a file with several campaigns, and names bad lines', async () => {
    const f = path.join(tmp, 'two.ndjson');
    fs.writeFileSync(f, [line({ offers: [], campaign: 'x' }), line({ offers: [], campaign: 'y' })].join('\n'));
    await expect(readNudgeLog(f)).rejects.toThrow(/2 campaigns .*--campaign/);
    expect((await readNudgeLog(f, { campaign: 'x' })).events).toEqual([]);
    const g = path.join(tmp, 'bad.ndjson');
    fs.writeFileSync(g, line({ offers: [{ offerId: 'a', propensity: 2 }] }));
    await expect(readNudgeLog(g)).rejects.toThrow(/line 1: offers\.0\.propensity/);
  });
});
