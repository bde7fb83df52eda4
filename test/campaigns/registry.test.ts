import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CampaignRegistry, type CampaignChange, type CampaignFileError } from '../../src/campaigns/registry';
import { parseCampaign } from '../../src/campaigns/schema';

let dir: string;
const open: CampaignRegistry[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-campaigns-'));
});
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openRegistry(opts: Partial<Parameters<typeof CampaignRegistry.open>[0]> = {}): Promise<CampaignRegistry> {
  const r = await CampaignRegistry.open({ dir, saved: [], ...opts });
  open.push(r);
  return r;
}

function yaml(name: string, extra = ''): string {
  return `name: ${name}\noffers:\n  - id: a\n  - id: b\n${extra}`;
}

function write(file: string, text: string): void {
  // Write then rename, as editors and deploy tools do, so a scan never sees half a file.
  const tmp = path.join(dir, `.${file}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, path.join(dir, file));
}

/** Polls until cond() holds; fails with `what` after a generous deadline (no fixed sleeps). */
async function waitFor(cond: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('how campaigns are kept', () => {
  test('frozen, offer attribute maps included, also for a saved campaign read back as plain data', async () => {
    const parsed = parseCampaign({ name: 'saved-one', offers: [{ id: 'a', attributes: { framing: 'gain' } }] }, 'test');
    // As the store gives it back: a plain copy, nothing frozen.
    const plain = JSON.parse(JSON.stringify({ ...parsed, version: 3 })) as typeof parsed;
    const r = await openRegistry({ saved: [plain] });
    const c = r.get('saved-one')!;
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.offers[0]!.attributes)).toBe(true);
    expect(c.offers[0]!.attributes).toEqual({ framing: 'gain' });
  });
});

describe('loading a directory', () => {
  test('loads *.yaml, *.yml and *.json; ignores other files, hidden files and subdirectories', async () => {
    write('one.yaml', yaml('one'));
    write('two.yml', yaml('two'));
    fs.writeFileSync(path.join(dir, 'three.json'), JSON.stringify({ name: 'three', offers: [{ id: 'x' }] }));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'name: nope');
    fs.writeFileSync(path.join(dir, '.hidden.yaml'), yaml('hidden'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'deep.yaml'), yaml('deep'));
    const r = await openRegistry({ watch: false });
    expect(r.list().map((c) => c.name)).toEqual(['one', 'three', 'two']);
    expect(r.errors()).toEqual([]);
    expect(r.origin('one')).toEqual({ origin: 'file', file: 'one.yaml' });
  });

  test('loads the demo campaign directory', async () => {
    const r = await CampaignRegistry.open({ dir: path.resolve(__dirname, '..', '..', 'campaigns'), saved: [], watch: false });
    open.push(r);
    expect(r.errors()).toEqual([]);
    expect(r.get('home-banner')?.offers).toHaveLength(4);
  });

  test('a bad file is reported with file and field and skipped; the good ones are served', async () => {
    write('good.yaml', yaml('good'));
    write('bad.yaml', yaml('bad', 'control_share: 1.5\n'));
    write('broken.yaml', 'name: [');
    const r = await openRegistry({ watch: false });
    expect(r.list().map((c) => c.name)).toEqual(['good']);
    expect(r.errors()).toEqual([
      { file: 'bad.yaml', message: `${path.join(dir, 'bad.yaml')}: control_share: must be in [0, 1)` },
      { file: 'broken.yaml', message: expect.stringContaining(`${path.join(dir, 'broken.yaml')}: not valid YAML`) },
    ]);
  });

  test('symlinks count only when they point to a file inside the directory', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'evil.yaml'), yaml('evil'));
      fs.symlinkSync(path.join(outside, 'evil.yaml'), path.join(dir, 'evil.yaml'));
      fs.mkdirSync(path.join(dir, 'store'));
      fs.writeFileSync(path.join(dir, 'store', 'real.txt'), yaml('linked'));
      fs.symlinkSync(path.join(dir, 'store', 'real.txt'), path.join(dir, 'linked.yaml'));
      fs.symlinkSync(path.join(dir, 'missing.txt'), path.join(dir, 'dangling.yaml'));
      const r = await openRegistry({ watch: false });
      expect(r.list().map((c) => c.name)).toEqual(['linked']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('two files defining the same campaign: the first (by file name) wins, the second is reported', async () => {
    write('a.yaml', yaml('same'));
    write('b.yaml', yaml('same', 'control_share: 0.5\n'));
    const r = await openRegistry({ watch: false });
    expect(r.get('same')?.controlShare).toBe(0);
    expect(r.errors()).toEqual([{ file: 'b.yaml', message: `${path.join(dir, 'b.yaml')}: name: campaign "same" is already defined in ${path.join(dir, 'a.yaml')}` }]);
    fs.rmSync(path.join(dir, 'a.yaml'));
    await r.reload();
    expect(r.get('same')?.controlShare).toBe(0.5);
    expect(r.errors()).toEqual([]);
  });

  test('a missing directory is an error, not a crash, and is picked up once created', async () => {
    fs.rmSync(dir, { recursive: true });
    const r = await openRegistry({ pollMs: 20 });
    expect(r.list()).toEqual([]);
    expect(r.errors()).toEqual([{ file: '', message: `${dir}: campaign directory does not exist` }]);
    fs.mkdirSync(dir);
    write('late.yaml', yaml('late'));
    await waitFor(() => r.get('late') !== undefined, 'the late campaign');
    expect(r.errors()).toEqual([]);
    // Removing the directory removes its campaigns; re-creating it brings them back.
    fs.rmSync(dir, { recursive: true });
    await waitFor(() => r.get('late') === undefined, 'the removal of the directory');
    fs.mkdirSync(dir);
    write('later.yaml', yaml('later'));
    await waitFor(() => r.get('later') !== undefined, 'the campaign in the re-created directory');
  });

  test('options are checked', async () => {
    await expect(CampaignRegistry.open({ dir: 3 as unknown as string, saved: [] })).rejects.toThrow(new TypeError('options.dir must be a string'));
    await expect(CampaignRegistry.open({ dir: '', saved: [] })).rejects.toThrow(new RangeError('options.dir must not be empty'));
    await expect(CampaignRegistry.open({ dir, saved: {} as never })).rejects.toThrow(new TypeError('options.saved must be an array of campaigns'));
    await expect(CampaignRegistry.open({ dir, saved: [], pollMs: 0 })).rejects.toThrow(new RangeError('options.pollMs must be a positive integer'));
    await expect(CampaignRegistry.open({ dir, saved: [], debounceMs: '5' as never })).rejects.toThrow(new TypeError('options.debounceMs must be a number'));
  });
});

describe('reloading without a restart', () => {
  test('fs.watch picks up a changed, a new and a removed file (the poll is too slow to be what did it)', async () => {
    write('home.yaml', yaml('home'));
    const r = await openRegistry({ debounceMs: 20, pollMs: 600_000 });
    const changes: CampaignChange[] = [];
    r.on('change', (c) => changes.push(c));
    const v0 = r.get('home')!.version;

    write('home.yaml', yaml('home', 'control_share: 0.2\n'));
    await waitFor(() => r.get('home')?.controlShare === 0.2, 'the edited campaign');
    expect(r.get('home')!.version).toBeGreaterThan(v0);

    write('other.yaml', yaml('other'));
    await waitFor(() => r.get('other') !== undefined, 'the new campaign');

    fs.rmSync(path.join(dir, 'home.yaml'));
    await waitFor(() => r.get('home') === undefined, 'the removal');

    expect(changes.map((c) => [c.name, c.campaign === null ? 'removed' : 'set', c.origin])).toEqual([
      ['home', 'set', 'file'], ['other', 'set', 'file'], ['home', 'removed', 'file'],
    ]);
    expect(changes[0]!.previous?.controlShare).toBe(0);
  });

  test('the poll picks up changes without any watcher event', async () => {
    write('home.yaml', yaml('home'));
    const r = await openRegistry({ pollMs: 20, fsWatch: false });
    write('home.yaml', yaml('home', 'default_reward: 0.5\n'));
    await waitFor(() => r.get('home')?.defaultReward === 0.5, 'the polled edit');
  });

  test('an invalid edit keeps the last valid definition in force and is reported until fixed', async () => {
    write('home.yaml', yaml('home', 'control_share: 0.1\n'));
    write('keep.yaml', yaml('keep'));
    const r = await openRegistry({ watch: false });
    const invalid: CampaignFileError[] = [];
    r.on('invalid', (e) => invalid.push(e));
    const v1 = r.get('home')!.version;
    write('home.yaml', yaml('home', 'control_share: 7\n'));
    await r.reload();
    await r.reload();
    expect(invalid).toEqual([{ file: 'home.yaml', message: `${path.join(dir, 'home.yaml')}: control_share: must be in [0, 1)` }]);
    expect(r.get('home')?.controlShare).toBe(0.1);
    expect(r.get('home')?.version).toBe(v1);
    expect(r.get('keep')).toBeDefined();
    expect(r.errors()).toEqual([{ file: 'home.yaml', message: `${path.join(dir, 'home.yaml')}: control_share: must be in [0, 1)` }]);
    write('home.yaml', yaml('home', 'control_share: 0.3\n'));
    await r.reload();
    expect(r.get('home')?.controlShare).toBe(0.3);
    expect(r.get('home')!.version).toBeGreaterThan(v1);
    expect(r.errors()).toEqual([]);
  });

  test('an edit that changes nothing (a comment) does not bump the version', async () => {
    write('home.yaml', yaml('home'));
    const r = await openRegistry({ watch: false });
    const v = r.get('home')!.version;
    write('home.yaml', `# a comment\n${yaml('home')}`);
    await r.reload();
    expect(r.get('home')!.version).toBe(v);
  });

  test('renaming the campaign inside a file removes the old name', async () => {
    write('home.yaml', yaml('home'));
    const r = await openRegistry({ watch: false });
    write('home.yaml', yaml('home2'));
    await r.reload();
    expect(r.list().map((c) => c.name)).toEqual(['home2']);
  });
});

describe('admin API campaigns and versions', () => {
  const api = (name: string, extra: Record<string, unknown> = {}) =>
    parseCampaign({ name, offers: [{ id: 'x' }, { id: 'y' }], ...extra }, 'PutCampaign');

  test('versions increase on every change: put, file edit, delete and re-create', async () => {
    write('home.yaml', yaml('home'));
    const r = await openRegistry({ watch: false });
    const seen: number[] = [r.get('home')!.version];
    seen.push(r.put(api('home', { control_share: 0.1 })).version);
    expect(r.origin('home')).toEqual({ origin: 'api', file: null });
    seen.push(r.put(api('home', { control_share: 0.2 })).version);
    write('home.yaml', yaml('home', 'control_share: 0.4\n'));
    await r.reload();
    expect(r.origin('home')).toEqual({ origin: 'file', file: 'home.yaml' });
    seen.push(r.get('home')!.version);
    expect(r.delete('home')).toBe(true);
    expect(r.get('home')).toBeUndefined();
    expect(r.delete('home')).toBe(false);
    seen.push(r.put(api('home')).version);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(seen[0]).toBeGreaterThan(0);
  });

  test('a deleted file campaign stays deleted while its file is unchanged', async () => {
    write('home.yaml', yaml('home'));
    const r = await openRegistry({ watch: false });
    r.delete('home');
    await r.reload();
    expect(r.get('home')).toBeUndefined();
  });

  test('saved campaigns are merged, win over a file of the same name at start, and seed the version counter', async () => {
    write('home.yaml', yaml('home'));
    write('file-only.yaml', yaml('file-only'));
    const saved = [{ ...api('home', { control_share: 0.3 }), version: 41 }, { ...api('api-only'), version: 7 }];
    const r = await openRegistry({ watch: false, saved });
    expect(r.list().map((c) => c.name)).toEqual(['api-only', 'file-only', 'home']);
    expect(r.get('home')).toEqual(saved[0]);
    expect(r.get('file-only')!.version).toBeGreaterThan(41);
    expect(r.put(api('api-only')).version).toBeGreaterThan(r.get('file-only')!.version);
  });

  test('put emits a change and returns the stored campaign', async () => {
    const r = await openRegistry({ watch: false });
    const changes: CampaignChange[] = [];
    r.on('change', (c) => changes.push(c));
    const stored = r.put(api('new'));
    expect(r.get('new')).toBe(stored);
    expect(changes).toEqual([{ name: 'new', campaign: stored, previous: null, origin: 'api', file: null }]);
  });
});
