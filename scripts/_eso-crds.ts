/**
 * Where the ESO CRDs come from, and how a copy is checked: shared by the bindings import and the CRD check.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The upstream file the bindings are generated from. */
export const ESO_CRD_SOURCE = {
  repository: 'external-secrets/external-secrets',
  tag: 'v2.9.0',
  path: 'deploy/crds/bundle.yaml',
  url: 'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/deploy/crds/bundle.yaml',
  /** `git hash-object` of the file at the tag. */
  gitBlobId: '1167ab01c9a02e89fc44675888ab2c18f40c28a1',
} as const;

/** The ESO kinds this project generates. */
export const IMPORTED_KINDS = ['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore'];

/** A CRD, as far as we read it. */
export interface Crd {
  readonly spec: {
    readonly names: { readonly kind: string };
    readonly versions: ReadonlyArray<{ readonly name: string; readonly served: boolean; readonly schema?: { readonly openAPIV3Schema: unknown } }>;
  };
}

function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * The release's CRD bundle: `explicit` if given, else `../shared/vendor/external-secrets/v2.9.0/crds-bundle.yaml`
 * beside the project, else downloaded. Refused unless its git blob id is the release's.
 */
export async function readVerifiedBundle(root: string, explicit?: string): Promise<Buffer> {
  const local = explicit ?? path.resolve(root, '..', 'shared', 'vendor', 'external-secrets', 'v2.9.0', 'crds-bundle.yaml');
  let bundle: Buffer;
  if (fs.existsSync(local)) {
    console.error(`reading ${local}`);
    bundle = fs.readFileSync(local);
  } else if (explicit) {
    throw new Error(`--bundle ${explicit}: no such file`);
  } else {
    console.error(`downloading ${ESO_CRD_SOURCE.url}`);
    const res = await fetch(ESO_CRD_SOURCE.url);
    if (!res.ok) throw new Error(`GET ${ESO_CRD_SOURCE.url}: ${res.status} ${res.statusText}`);
    bundle = Buffer.from(await res.arrayBuffer());
  }
  const id = gitBlobId(bundle);
  if (id !== ESO_CRD_SOURCE.gitBlobId) {
    throw new Error(
      `the CRD bundle's git blob id is ${id}, not ${ESO_CRD_SOURCE.gitBlobId} (${ESO_CRD_SOURCE.repository}@${ESO_CRD_SOURCE.tag}:${ESO_CRD_SOURCE.path}); refusing another version`,
    );
  }
  return bundle;
}

/** The CRDs of {@link IMPORTED_KINDS} with only their served versions. */
export function servedCrds(bundle: Buffer): Crd[] {
  return parseAllDocuments(bundle.toString('utf8'))
    .map((d) => d.toJS() as Crd | null)
    .filter((d): d is Crd => !!d?.spec && IMPORTED_KINDS.includes(d.spec.names.kind))
    .map((d) => ({ ...d, spec: { ...d.spec, versions: d.spec.versions.filter((v) => v.served) } }));
}
