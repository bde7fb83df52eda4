// The README and docs/ stay navigable: every relative link resolves to a file, every #anchor into a
// Markdown file to one of its headings (GitHub's slugs), and the README stays a short page whose first
// screen says how to start, test, find the dashboard and scale out. No network: external links
// (http:, https:, mailto:) are not followed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const docsDir = join(root, 'docs');
const readme = join(root, 'README.md');
const docFiles = readdirSync(docsDir)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => join(docsDir, f));
const pages = [readme, ...docFiles];

/** Lines of a Markdown file with fenced code blocks blanked (kept as empty lines, so numbers stay). */
function proseLines(text: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null && m) {
      fence = m[1]!;
      out.push('');
    } else if (fence !== null) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) fence = null;
      out.push('');
    } else {
      out.push(line);
    }
  }
  return out;
}

/** Inline code spans and HTML comments removed: links inside them are examples, not links. */
const withoutCode = (line: string): string => line.replace(/(`+)[^`]*?\1/g, '').replace(/<!--.*?-->/g, '');

/** GitHub's heading anchor (github-slugger): rendered text, lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // HTML tags
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();

/** Every anchor a Markdown file defines: its headings' slugs (repeats get -1, -2, ...) and explicit ids. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const h = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

interface Link {
  line: number;
  target: string;
}

/** Relative links of a page: inline `[x](target)`, images `![x](target)` and reference definitions. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  proseLines(readFileSync(file, 'utf8')).forEach((raw, i) => {
    const line = withoutCode(raw);
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: i + 1, target: m[1]! });
    const def = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (def) links.push({ line: i + 1, target: def[1]! });
  });
  return links.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target) && !l.target.startsWith('//'));
}

/** What is wrong with one link, or null when it resolves. */
function problem(file: string, target: string): string | null {
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
  const dest = pathPart === '' ? file : resolve(dirname(file), pathPart);
  if (!existsSync(dest)) return `no file ${relative(root, dest)}`;
  if (anchor === null || anchor === '') return null;
  if (!dest.endsWith('.md') || statSync(dest).isDirectory()) return null;
  return anchorsOf(dest).has(anchor) ? null : `no heading #${anchor} in ${relative(root, dest)}`;
}

describe('links in README.md and docs/*.md', () => {
  it('finds the pages and their links', () => {
    expect(docFiles.length).toBeGreaterThan(5);
    expect(linksOf(readme).length).toBeGreaterThan(10);
  });

  it.each(pages.map((p) => [relative(root, p), p]))('%s: every relative link resolves', (_name, file) => {
    const broken = linksOf(file)
      .map((l) => ({ ...l, problem: problem(file, l.target) }))
      .filter((l) => l.problem !== null)
      .map((l) => `${relative(root, file)}:${l.line}: (${l.target}) ${l.problem}`);
    expect(broken).toEqual([]);
  });

  it('the slugs follow GitHub', () => {
    expect(slug('Scaling out: several processes, several nodes, one learning state in Redis')).toBe(
      'scaling-out-several-processes-several-nodes-one-learning-state-in-redis',
    );
    expect(slug('The command line: `nudge decide`, `nudge outcome`')).toBe('the-command-line-nudge-decide-nudge-outcome');
    expect(slug('2026-12-03 07:06 UTC: scale-out (issue 12)')).toBe('2026-12-03-0706-utc-scale-out-issue-12');
    expect(slug('Events, triggers and "do nothing"')).toBe('events-triggers-and-do-nothing');
    expect(slug('Dashboard — pages')).toBe('dashboard--pages');
  });
});

describe('README.md', () => {
  const lines = readFileSync(readme, 'utf8').replace(/\n$/, '').split('\n');
  const firstScreen = lines.slice(0, 40).join('\n');

  it('is at most 200 lines', () => {
    expect(lines.length).toBeLessThanOrEqual(200);
  });

  it('says on its first screen how to start, test, find the dashboard and scale out', () => {
    expect(firstScreen).toContain('npm ci && npm start');
    expect(firstScreen).toContain('npm test');
    expect(firstScreen).toMatch(/dashboard/i);
    expect(firstScreen).toContain('docs/scaling.md');
  });

  it('links to every page in docs/', () => {
    const linked = new Set(
      linksOf(readme)
        .map((l) => l.target.split('#')[0]!)
        .filter((t) => t !== '')
        .map((t) => resolve(root, decodeURIComponent(t))),
    );
    const missing = docFiles.filter((f) => !linked.has(f)).map((f) => relative(root, f));
    expect(missing).toEqual([]);
  });
});
