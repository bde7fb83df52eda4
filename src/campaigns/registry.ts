import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CampaignConfig } from './types';
import { listCampaignFiles, readCampaignFile } from './campaign-files';
import { parseCampaignText } from './loader';

/** Where the current definition of a campaign came from. */
export type CampaignOrigin = 'file' | 'api';

export interface CampaignChange {
  readonly name: string;
  /** The new definition, or null when the campaign was removed. */
  readonly campaign: CampaignConfig | null;
  readonly previous: CampaignConfig | null;
  readonly origin: CampaignOrigin;
  /** File name inside the directory, for origin 'file'. */
  readonly file: string | null;
}

export interface CampaignFileError {
  /** File name inside the directory ('' for the directory itself). */
  readonly file: string;
  /** Names the file and the field, e.g. `campaigns/home.yaml: offers[2].prior_alpha: must be > 0`. */
  readonly message: string;
}

export interface CampaignRegistryOptions {
  /** Directory of *.yaml / *.yml / *.json campaign files (not searched recursively). */
  readonly dir: string;
  /** Campaigns saved through the admin API; they override a file of the same name at start. */
  readonly saved: readonly CampaignConfig[];
  /** Reload changed files while running (default true); false loads once. */
  readonly watch?: boolean;
  /**
   * Use fs.watch for prompt reloads (default true). The poll runs either way; set false where fs.watch
   * is unreliable or unsupported (some network and container file systems).
   */
  readonly fsWatch?: boolean;
  /** Quiet time after the last fs.watch event before rescanning (ms). */
  readonly debounceMs?: number;
  /** Rescan interval, a safety net for file systems where fs.watch misses events (ms). */
  readonly pollMs?: number;
  /** Larger files are reported and skipped. */
  readonly maxFileBytes?: number;
}

const REGISTRY_DEFAULTS = { watch: true, fsWatch: true, debounceMs: 100, pollMs: 2000, maxFileBytes: 1024 * 1024 };

interface Entry {
  readonly config: CampaignConfig;
  readonly origin: CampaignOrigin;
  readonly file: string | null;
}

interface FileState {
  /** null when the file could not be read. */
  readonly text: string | null;
  /** The campaign the current text defines, when it is valid. */
  readonly config: CampaignConfig | null;
  error: string | null;
}

/**
 * Events: 'change' for every added, replaced or removed campaign; 'invalid' when a new or edited file
 * fails to load (once per content, so a server can log reload problems as they happen).
 */
export interface CampaignRegistry {
  on(event: 'change', listener: (change: CampaignChange) => void): this;
  on(event: 'invalid', listener: (error: CampaignFileError) => void): this;
  once(event: 'change', listener: (change: CampaignChange) => void): this;
  once(event: 'invalid', listener: (error: CampaignFileError) => void): this;
  off(event: 'change', listener: (change: CampaignChange) => void): this;
  off(event: 'invalid', listener: (error: CampaignFileError) => void): this;
  emit(event: 'change', change: CampaignChange): boolean;
  emit(event: 'invalid', error: CampaignFileError): boolean;
}

function positiveInt(v: unknown, name: string): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer`);
}

/** Same campaign apart from its version: a file edit that changes nothing is no change. */
function sameDefinition(a: CampaignConfig, b: CampaignConfig): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}

/**
 * The campaigns in force: files of a directory (reloaded when they change) merged with campaigns put
 * through the admin API. The most recent change of a campaign wins, whatever its origin; at start,
 * saved API campaigns win over files. Every change gives the campaign a version higher than any it
 * had before (one counter for the registry), and emits 'change'.
 *
 * A file that fails validation is reported in errors() and skipped; when a file that was valid becomes
 * invalid, the last valid definition stays in force until the file is fixed or removed.
 */
export class CampaignRegistry extends EventEmitter {
  private readonly dir: string;
  private readonly opts: Required<Omit<CampaignRegistryOptions, 'dir' | 'saved'>>;
  private readonly entries = new Map<string, Entry>();
  private readonly files = new Map<string, FileState>();
  private dirError: string | null = null;
  private lastVersion = 0;
  private watcher: fs.FSWatcher | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescanRequested = false;
  private closed = false;
  /** During the first scan saved API campaigns win over files of the same name. */
  private initializing = true;

  private constructor(opts: CampaignRegistryOptions) {
    super();
    this.dir = opts.dir;
    this.opts = {
      watch: opts.watch ?? REGISTRY_DEFAULTS.watch,
      fsWatch: opts.fsWatch ?? REGISTRY_DEFAULTS.fsWatch,
      debounceMs: opts.debounceMs ?? REGISTRY_DEFAULTS.debounceMs,
      pollMs: opts.pollMs ?? REGISTRY_DEFAULTS.pollMs,
      maxFileBytes: opts.maxFileBytes ?? REGISTRY_DEFAULTS.maxFileBytes,
    };
  }

  static async open(opts: CampaignRegistryOptions): Promise<CampaignRegistry> {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    if (typeof opts.dir !== 'string') throw new TypeError('options.dir must be a string');
    if (opts.dir === '') throw new RangeError('options.dir must not be empty');
    if (!Array.isArray(opts.saved)) throw new TypeError('options.saved must be an array of campaigns');
    if (opts.watch !== undefined && typeof opts.watch !== 'boolean') throw new TypeError('options.watch must be a boolean');
    if (opts.fsWatch !== undefined && typeof opts.fsWatch !== 'boolean') throw new TypeError('options.fsWatch must be a boolean');
    if (opts.debounceMs !== undefined) positiveInt(opts.debounceMs, 'options.debounceMs');
    if (opts.pollMs !== undefined) positiveInt(opts.pollMs, 'options.pollMs');
    if (opts.maxFileBytes !== undefined) positiveInt(opts.maxFileBytes, 'options.maxFileBytes');

    const reg = new CampaignRegistry(opts);
    for (const c of opts.saved) {
      if (typeof c !== 'object' || c === null || typeof c.name !== 'string') {
        throw new TypeError('options.saved must be an array of campaigns');
      }
      reg.lastVersion = Math.max(reg.lastVersion, c.version);
      const prev = reg.entries.get(c.name);
      if (prev === undefined || prev.config.version < c.version) reg.entries.set(c.name, { config: stored(c, c.version), origin: 'api', file: null });
    }
    await reg.scan();
    reg.initializing = false;
    if (reg.opts.watch) {
      reg.pollTimer = setInterval(() => reg.requestScan(), reg.opts.pollMs);
      reg.pollTimer.unref();
    }
    return reg;
  }

  get(name: string): CampaignConfig | undefined {
    return this.entries.get(name)?.config;
  }

  /** All campaigns, sorted by name. */
  list(): CampaignConfig[] {
    return [...this.entries.values()].map((e) => e.config).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Where the current definition of a campaign came from. */
  origin(name: string): { origin: CampaignOrigin; file: string | null } | undefined {
    const e = this.entries.get(name);
    return e === undefined ? undefined : { origin: e.origin, file: e.file };
  }

  /**
   * Adds or replaces a campaign (admin API). `config` must come from parseCampaign. Returns it with its
   * new version; the caller persists what it gets back.
   */
  put(config: CampaignConfig): CampaignConfig {
    if (typeof config !== 'object' || config === null || typeof config.name !== 'string') {
      throw new TypeError('config must be a campaign (from parseCampaign)');
    }
    return this.set(config, 'api', null);
  }

  /**
   * Replaces a campaign's configuration keeping its origin (file or api): the model registry attaches
   * the active model this way. `config` must be a current configuration with changes applied.
   */
  amend(config: CampaignConfig): CampaignConfig {
    const e = this.entries.get(config.name);
    if (e === undefined) throw new RangeError(`campaign "${config.name}" does not exist`);
    return this.set(config, e.origin, e.file);
  }

  /**
   * Removes a campaign. A campaign defined in a file comes back when the file changes or the
   * registry is opened again; remove the file to remove it for good.
   */
  delete(name: string): boolean {
    const e = this.entries.get(name);
    if (e === undefined) return false;
    this.entries.delete(name);
    this.emit('change', { name, campaign: null, previous: e.config, origin: 'api', file: null });
    return true;
  }

  /** Problems of the last scan: invalid files (skipped) and an unreadable directory. */
  errors(): CampaignFileError[] {
    const out: CampaignFileError[] = [];
    if (this.dirError !== null) out.push({ file: '', message: this.dirError });
    for (const name of [...this.files.keys()].sort()) {
      const err = this.files.get(name)?.error;
      if (err) out.push({ file: name, message: err });
    }
    return out;
  }

  /** Rescans the directory now (also what the watcher and the poll do); resolves when done. */
  reload(): Promise<void> {
    return this.requestScan();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.debounceTimer = null;
    this.pollTimer = null;
    await this.scanning;
  }

  // ---- scanning ------------------------------------------------------------------------------------

  /** Runs one scan at a time; a request during a scan runs one more scan after it. */
  private requestScan(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.scanning !== null) {
      this.rescanRequested = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.rescanRequested = false;
          await this.scan();
        } while (this.rescanRequested && !this.closed);
      } catch (err) {
        // Background scans must not crash the server; the problem shows in errors().
        this.dirError = `${this.dir}: reload failed: ${(err as Error).message}`;
      } finally {
        this.scanning = null;
      }
    })();
    return this.scanning;
  }

  private startWatcher(): void {
    if (!this.opts.watch || !this.opts.fsWatch || this.watcher !== null || this.closed) return;
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, () => this.onWatchEvent());
      this.watcher.on('error', () => {
        // E.g. the directory was removed; the poll keeps going and restarts the watcher.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
  }

  private onWatchEvent(): void {
    if (this.closed) return;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      void this.requestScan();
    }, this.opts.debounceMs);
    this.debounceTimer.unref();
  }

  private async scan(): Promise<void> {
    const listing = await listCampaignFiles(this.dir);
    if (!listing.ok && !listing.missing) {
      // Unreadable for now (permissions, I/O): keep what is in force rather than dropping everything.
      this.dirError = listing.message;
      return;
    }
    this.dirError = listing.ok ? null : listing.message;
    if (listing.ok) {
      this.startWatcher();
    } else {
      // A watcher on a removed directory watches nothing; start a new one when it comes back.
      this.watcher?.close();
      this.watcher = null;
    }
    const present = listing.ok ? listing.files : new Map<string, string>();

    for (const file of [...this.files.keys()]) {
      if (!present.has(file)) this.forgetFile(file);
    }
    for (const file of [...present.keys()].sort()) {
      const read = await readCampaignFile(present.get(file)!, this.opts.maxFileBytes);
      if (!read.ok) {
        if (read.gone) this.forgetFile(file);
        else this.reportInvalid(file, { text: null, config: null, error: `${this.source(file)}: ${read.message}` });
        continue;
      }
      const prev = this.files.get(file);
      // Only new or edited files are applied: an untouched file does not undo a later put or delete.
      if (prev !== undefined && prev.text === read.text) continue;
      this.loadFile(file, read.text);
    }
  }

  private reportInvalid(file: string, state: FileState): void {
    const prev = this.files.get(file);
    this.files.set(file, state);
    if (prev?.error !== state.error || prev?.text !== state.text) this.emit('invalid', { file, message: state.error! });
  }

  private source(file: string): string {
    return path.join(this.dir, file);
  }

  private loadFile(file: string, text: string): void {
    let config: CampaignConfig;
    try {
      config = parseCampaignText(text, file, this.source(file));
    } catch (err) {
      // The last valid definition (if any) stays in force.
      this.reportInvalid(file, { text, config: null, error: (err as Error).message });
      return;
    }
    const state: FileState = { text, config, error: null };
    this.files.set(file, state);
    // The file now defines another campaign (renamed): the old one goes.
    for (const [name, e] of [...this.entries]) {
      if (e.origin === 'file' && e.file === file && name !== config.name) this.removeFileEntry(name, e);
    }
    this.applyFile(file, state);
  }

  private applyFile(file: string, state: FileState): void {
    const config = state.config!;
    const existing = this.entries.get(config.name);
    if (existing !== undefined && existing.origin === 'file' && existing.file !== file) {
      state.error = `${this.source(file)}: name: campaign "${config.name}" is already defined in ${this.source(existing.file!)}`;
      this.emit('invalid', { file, message: state.error });
      return;
    }
    state.error = null;
    if (this.initializing && existing !== undefined && existing.origin === 'api') return;
    if (existing !== undefined && existing.origin === 'file' && sameDefinition(existing.config, config)) return;
    this.set(config, 'file', file);
  }

  /** A file was removed: its campaign goes, unless another file also defines it (then that one takes over). */
  private forgetFile(file: string): void {
    this.files.delete(file);
    for (const [name, e] of [...this.entries]) {
      if (e.origin === 'file' && e.file === file) this.removeFileEntry(name, e);
    }
  }

  private removeFileEntry(name: string, e: Entry): void {
    this.entries.delete(name);
    for (const other of [...this.files.keys()].sort()) {
      const st = this.files.get(other)!;
      if (st.config !== null && st.config.name === name && other !== e.file) {
        this.applyFile(other, st);
        return;
      }
    }
    this.emit('change', { name, campaign: null, previous: e.config, origin: 'file', file: e.file });
  }

  private set(config: CampaignConfig, origin: CampaignOrigin, file: string | null): CampaignConfig {
    const prev = this.entries.get(config.name);
    // Higher than anything this registry has handed out, and than the campaign's own last version.
    this.lastVersion = Math.max(this.lastVersion + 1, (prev?.config.version ?? 0) + 1);
    const kept = stored(config, this.lastVersion);
    this.entries.set(config.name, { config: kept, origin, file });
    this.emit('change', { name: config.name, campaign: kept, previous: prev?.config ?? null, origin, file });
    return kept;
  }
}

/**
 * A campaign as the registry keeps it: frozen, with frozen offer attribute maps, whichever way it came
 * (a file, the admin API, a saved campaign read back from the store). The DecideResponse encoder keeps
 * the bytes of frozen maps only (src/server/fast-response.ts).
 */
function stored(c: CampaignConfig, version: number): CampaignConfig {
  const offers = c.offers.every((o) => Object.isFrozen(o.attributes)) ? c.offers : c.offers.map((o) => ({ ...o, attributes: Object.freeze({ ...o.attributes }) }));
  return Object.freeze({ ...c, offers, version });
}
