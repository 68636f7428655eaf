import * as fs from 'node:fs';
import * as path from 'node:path';
import { listEnvironments, loadEnvironment, projectRoot } from '../../config';
import { renderEnvironment } from '../../charts/synth';
import { ALERT_NAMES } from '../../constructs';

const DOCS = path.join(projectRoot(), 'docs');

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to dashes, repeats numbered. */
export function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function anchorsOf(file: string): string[] {
  return headingAnchors(fs.readFileSync(path.join(DOCS, file), 'utf8'));
}

test('headingAnchors slugs like GitHub', () => {
  expect(headingAnchors('# A\n## 403 Forbidden from Key Vault\n```\n# not a heading\n```\n## AADSTS70021: no match\n## A')).toEqual([
    'a',
    '403-forbidden-from-key-vault',
    'aadsts70021-no-match',
    'a-1',
  ]);
});

test('the runbook has a section for every alert', () => {
  const anchors = anchorsOf('runbook.md');
  expect(ALERT_NAMES.map((a) => a.toLowerCase()).filter((a) => !anchors.includes(a))).toEqual([]);
});

test('the runbook covers the failures people hit most', () => {
  const anchors = anchorsOf('runbook.md');
  for (const a of [
    'aadsts70021-no-matching-federated-identity-record',
    '403-forbidden-from-key-vault',
    '429-throttling-by-key-vault',
    'webhook-not-ready-or-certificate-not-injected',
    'crds-too-large-for-client-side-apply',
    'secrets-not-refreshing-after-a-failure-backoff',
    'upgrading-from-v1beta1-manifests',
  ]) {
    expect(anchors).toContain(a);
  }
});

test('every section of the runbook shows a command', () => {
  const text = fs.readFileSync(path.join(DOCS, 'runbook.md'), 'utf8');
  const sections = text.split(/\n## /).slice(1);
  const without = sections.filter((s) => !/```bash\n|`(kubectl|az) /.test(s)).map((s) => s.split('\n')[0]);
  expect(without).toEqual([]);
});

describe.each(listEnvironments())('environment %s', (name) => {
  test('every runbook_url of its alerts resolves to a heading of docs/runbook.md', () => {
    const env = loadEnvironment(name, { requireClientIds: true });
    const rules = renderEnvironment(env)
      .objects.filter((o) => o.kind === 'PrometheusRule')
      .flatMap((o: any) => o.spec.groups.flatMap((g: any) => g.rules));
    const anchors = anchorsOf('runbook.md');
    for (const r of rules) {
      const [base, anchor] = String(r.annotations.runbook_url).split('#');
      expect(base!.endsWith('docs/runbook.md')).toBe(true);
      expect({ alert: r.alert, anchor: anchors.includes(anchor!) }).toEqual({ alert: r.alert, anchor: true });
    }
  });
});

test('links between the docs resolve', () => {
  const broken: string[] = [];
  for (const file of fs.readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
    const text = fs.readFileSync(path.join(DOCS, file), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]*)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/.test(link)) continue;
      const [target, anchor] = link.split('#');
      const targetFile = target ? path.join(DOCS, target) : path.join(DOCS, file);
      if (!fs.existsSync(targetFile)) {
        broken.push(`${file}: ${link}`);
        continue;
      }
      if (anchor && targetFile.endsWith('.md') && !headingAnchors(fs.readFileSync(targetFile, 'utf8')).includes(anchor)) {
        broken.push(`${file}: ${link}`);
      }
    }
  }
  expect(broken).toEqual([]);
});
