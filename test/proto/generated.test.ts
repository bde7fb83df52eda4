import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PROTO_LOADER_OPTIONS, loadNudgeProto, nudgePackageDefinition, packageRoot, protoPath } from '../../src/proto';

const root = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-gen-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('generated proto types', () => {
  test('src/generated/ is what scripts/gen-proto.js produces (run `npm run gen:proto` after editing the proto)', () => {
    const out = path.join(tmp, 'generated');
    const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-proto.js'), out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(res.status, res.stderr).toBe(0);
    const fresh = tree(out);
    const checkedIn = tree(path.join(root, 'src', 'generated'));
    expect([...checkedIn.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [file, text] of fresh) expect(checkedIn.get(file), file).toBe(text);
    expect(fresh.has('nudge.ts')).toBe(true);
    expect(fresh.has(path.join('nudge', 'v1', 'Campaign.ts'))).toBe(true);
  });

  test('generated code and src/proto.ts compile under the strict compiler options of tsconfig.json', () => {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
    const files = [...tree(path.join(root, 'src', 'generated')).keys()].map((f) => path.join('src', 'generated', f));
    const res = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--noUnusedLocals', '--noUnusedParameters', '--noImplicitReturns',
        '--noFallthroughCasesInSwitch', '--esModuleInterop', '--skipLibCheck', '--target', 'ES2022',
        '--module', 'commonjs', '--moduleResolution', 'node', '--types', 'node', 'src/proto.ts', ...files],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('loadNudgeProto', () => {
  test('finds the proto from the package root', () => {
    expect(packageRoot()).toBe(root);
    expect(protoPath()).toBe(path.join(root, 'proto', 'nudge', 'v1', 'nudge.proto'));
    expect(fs.existsSync(protoPath())).toBe(true);
  });

  test('loads services and messages, cached', () => {
    const proto = loadNudgeProto();
    expect(loadNudgeProto()).toBe(proto);
    expect(typeof proto.nudge.v1.DecisionService).toBe('function');
    expect(Object.keys(proto.nudge.v1.DecisionService.service).sort()).toEqual(['Decide', 'DecideBatch', 'ReportOutcome', 'StreamEvents', 'StreamOutcomes', 'TrackEvent']);
    expect(Object.keys(proto.nudge.v1.AdminService.service).sort()).toEqual(
      ['ActivateModel', 'DeleteCampaign', 'ForgetCustomer', 'GetCampaign', 'GetCampaignStats', 'ListCampaigns', 'ListModels', 'PutCampaign', 'PutModel', 'RollbackModel'],
    );
    expect(nudgePackageDefinition()).toBe(nudgePackageDefinition());
    expect(Object.keys(nudgePackageDefinition())).toContain('nudge.v1.Campaign');
  });

  test('decodes with the shared options: camelCase, numbers for 64-bit, enum names, defaults', () => {
    expect(PROTO_LOADER_OPTIONS).toMatchObject({ keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    const report = loadNudgeProto().nudge.v1.DecisionService.service.ReportOutcome;
    const outcome = report.requestDeserialize(report.requestSerialize({ decisionId: 'd1', offerId: 'o', reward: 1, timestampMs: 1_700_000_000_123 }));
    expect(outcome).toEqual({ decisionId: 'd1', offerId: 'o', reward: 1, timestampMs: 1_700_000_000_123 });
    const ack = report.responseDeserialize(report.responseSerialize({ status: 'DUPLICATE' }));
    expect(ack).toEqual({ status: 'DUPLICATE', delta: 0, detail: '' });
    const empty = report.responseDeserialize(report.responseSerialize({}));
    expect(empty.status).toBe('APPLIED');
  });
});
