/**
 * Format rules shared by the catalogue loader, the constructs and the Pulumi program.
 *
 * Each rule pairs a test with the sentence a user reads when a value breaks it, so a bad name fails with
 * the same words whether it came from a catalogue file, a construct prop or a stack setting.
 */

/** A named format rule: how to test a value and how to describe what is allowed. */
export interface FormatRule {
  /** What the value is, as it reads in an error: `is not ${noun}`. */
  readonly noun: string;
  /** What is allowed, in words. */
  readonly allowed: string;
  /** The regular expression a valid value matches (whole string). */
  readonly pattern: RegExp;
  /** Extra check beyond the pattern (lengths that a pattern states badly, etc.). */
  readonly check?: (value: string) => boolean;
}

/** A format rule from its parts. */
export function formatRule(noun: string, allowed: string, pattern: RegExp, check?: (value: string) => boolean): FormatRule {
  return { noun, allowed, pattern, check };
}

const rule = formatRule;

/**
 * Key Vault object (secret) name.
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault
 */
export const KEY_VAULT_SECRET_NAME = rule(
  'a Key Vault secret name',
  '1-127 letters, digits and dashes',
  /^[0-9a-zA-Z-]{1,127}$/,
);

/**
 * Key Vault (vault) name: globally unique, so it is the one physical Azure name the catalogue carries.
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault
 */
export const KEY_VAULT_NAME = rule(
  'a Key Vault name',
  '3-24 letters, digits and dashes, starting with a letter, ending with a letter or digit, no "--"',
  /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
);

/**
 * DNS-1123 label: namespaces, ServiceAccount names, store names.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export const DNS1123_LABEL = rule(
  'a DNS-1123 label',
  '1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit',
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
);

/**
 * DNS-1123 subdomain: Secret and ExternalSecret names.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
 */
export const DNS1123_SUBDOMAIN = rule(
  'a DNS-1123 subdomain',
  '1-253 lowercase letters, digits, dashes and dots, each dot-separated part starting and ending with a letter or digit',
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  (v) => v.length <= 253,
);

/**
 * Kubernetes Secret data key.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
 */
export const SECRET_KEY = rule(
  'a Secret key',
  '1-253 letters, digits, ".", "-" and "_"',
  /^[-._a-zA-Z0-9]+$/,
  (v) => v.length <= 253,
);

/**
 * Go `time.Duration` string as ESO parses `refreshInterval`.
 * @see https://pkg.go.dev/time#ParseDuration
 */
export const GO_DURATION = rule(
  'a Go duration',
  'a sequence of numbers with units ns, us, ms, s, m, h, such as "1h", "30m" or "1h30m"; "0" or "0s" syncs once',
  /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/,
);

/** Entra ID tenant or client id. */
export const UUID = rule(
  'a UUID',
  'a UUID such as 00000000-0000-0000-0000-000000000000',
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
);

/**
 * OIDC issuer URL of a cluster (AKS: `az aks show --query oidcIssuerProfile.issuerUrl`).
 * Entra ID compares the issuer byte for byte, so it is kept exactly as written.
 */
export const HTTPS_URL = rule(
  'an https URL',
  'an absolute https:// URL with a host, no query or fragment',
  /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
  (v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' && u.hostname.length > 0;
    } catch {
      return false;
    }
  },
);

/**
 * Kubernetes label value (also used for tag values we put in labels).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
export const LABEL_VALUE = rule(
  'a label value',
  'at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or empty)',
  /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/,
);

/**
 * Kubernetes label or annotation key: optional DNS subdomain prefix and a name.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
export const QUALIFIED_NAME = rule(
  'a label or annotation key',
  'an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
  (v) => !v.includes('/') || v.split('/')[0]!.length <= 253,
);

/** True when `value` satisfies `r`. */
export function matches(r: FormatRule, value: string): boolean {
  return r.pattern.test(value) && (r.check ? r.check(value) : true);
}

/**
 * The message for a value that breaks a rule, without the location: `"x_y" is not a Secret key (...)`.
 */
export function describeViolation(r: FormatRule, value: unknown): string {
  return `${JSON.stringify(value)} is not ${r.noun} (${r.allowed})`;
}

/** Throws `Error` naming `where` when `value` breaks `r`; for constructs and stack config. */
export function assertMatches(r: FormatRule, value: string, where: string): void {
  if (!matches(r, value)) {
    throw new Error(`${where}: ${describeViolation(r, value)}`);
  }
}
