/**
 * The Airflow helpers `npm run synth` writes to `dist/<env>/airflow/`: a Python module DAG repositories vendor
 * (`kv_secrets.py`) and the same references as JSON (`references.json`) for other consumers.
 *
 * Both are rendered from {@link airflowReferences}, the catalogue's view of which Secret and key each environment
 * variable, envFrom, volume or connection reads, so they match the synthesized ExternalSecrets by construction.
 * Output is deterministic (catalogue order does not matter: references are sorted by namespace and name).
 *
 * @see https://airflow.apache.org/docs/apache-airflow-providers-cncf-kubernetes/stable/kubernetes_executor.html#pod-override
 * @see https://airflow.apache.org/docs/apache-airflow-providers-cncf-kubernetes/stable/operators.html
 */
import { generatedHeader } from './generated-header';
import { AirflowSecretRef, Environment, airflowReferences } from '../config';

/** Folder under `dist/<env>/` the helpers are written to; not listed in the kustomization. */
export const AIRFLOW_HELPERS_DIR = 'airflow';
/** The Python module DAGs import. */
export const AIRFLOW_MODULE_FILE = 'kv_secrets.py';
/** The machine-readable references. */
export const AIRFLOW_REFERENCES_FILE = 'references.json';
/** Name of the task container KubernetesExecutor's pod_override must use. */
export const AIRFLOW_BASE_CONTAINER = 'base';

/** Renders the helper files of one environment: path under `dist/<env>/` → content. */
export function renderAirflowHelpers(env: Environment): Map<string, string> {
  const refs = airflowReferences(env);
  return new Map([
    [`${AIRFLOW_HELPERS_DIR}/${AIRFLOW_MODULE_FILE}`, renderPythonModule(env.environment, refs)],
    [`${AIRFLOW_HELPERS_DIR}/${AIRFLOW_REFERENCES_FILE}`, renderReferencesJson(env.environment, refs)],
  ]);
}

/** `references.json`: one entry per Secret, with the same fields the Python module carries. */
export interface AirflowReferencesJson {
  readonly $comment: string;
  readonly environment: string;
  readonly baseContainer: string;
  readonly secrets: ReadonlyArray<{
    readonly namespace: string;
    readonly name: string;
    readonly description: string | null;
    readonly python: string;
    readonly keys: readonly string[] | null;
    readonly env: ReadonlyArray<{ readonly name: string; readonly key: string }>;
    readonly envFrom: boolean;
    readonly volume: {
      readonly name: string;
      readonly mountPath: string;
      readonly readOnly: true;
      readonly items: ReadonlyArray<{ readonly key: string; readonly path: string }> | null;
    } | null;
    readonly connection: { readonly id: string; readonly type: string; readonly format: string; readonly envVar: string } | null;
  }>;
}

/** The JSON form: one entry per Secret, with the same fields the Python module carries. */
export function renderReferencesJson(env: string, refs: readonly AirflowSecretRef[]): string {
  const doc: AirflowReferencesJson = {
    $comment: generatedHeader(env).replace(/^# /gm, '').replace(/\n/g, ' ').trim(),
    environment: env,
    baseContainer: AIRFLOW_BASE_CONTAINER,
    secrets: refs.map((r) => ({
      namespace: r.namespace,
      name: r.secretName,
      description: r.description ?? null,
      python: `${r.python.namespace}.${r.python.constant}`,
      keys: r.keys ?? null,
      env: r.env.map((e) => ({ name: e.name, key: e.key })),
      envFrom: r.envFrom,
      volume: r.volume
        ? { name: r.volume.name, mountPath: r.volume.mountPath, readOnly: true, items: r.volume.items ?? null }
        : null,
      connection: r.connection
        ? { id: r.connection.id, type: r.connection.type, format: r.connection.format, envVar: r.connection.envVar }
        : null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A Python string literal (JSON's escapes are Python's for these strings). */
const py = (s: string): string => JSON.stringify(s);

function pyTuple(items: readonly string[]): string {
  if (items.length === 0) return '()';
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function pySecretRef(r: AirflowSecretRef): string {
  const args = [`${py(r.secretName)}`, `${py(r.namespace)}`];
  if (r.description !== undefined) args.push(`description=${py(r.description)}`);
  args.push(`keys=${r.keys ? pyTuple(r.keys.map(py)) : 'None'}`);
  if (r.env.length > 0) args.push(`env=${pyTuple(r.env.map((e) => `(${py(e.name)}, ${py(e.key)})`))}`);
  if (r.envFrom) args.push('env_from=True');
  if (r.volume) {
    const items = pyTuple((r.volume.items ?? []).map((it) => `(${py(it.key)}, ${py(it.path)})`));
    args.push(`volume=(${py(r.volume.name)}, ${py(r.volume.mountPath)}, ${items})`);
  }
  if (r.connection) args.push(`connection_id=${py(r.connection.id)}`);
  return `SecretRef(\n${args.map((a) => `        ${a},\n`).join('')}    )`;
}

/** The Python module: `SecretRef` and the combinators, then one class per namespace holding its Secrets. */
export function renderPythonModule(env: string, refs: readonly AirflowSecretRef[]): string {
  const namespaces = [...new Set(refs.map((r) => r.namespace))];
  const classes = namespaces.map((ns) => {
    const inNs = refs.filter((r) => r.namespace === ns);
    const attr = inNs[0]!.python.namespace;
    const members = inNs
      .map((r) => {
        const doc = r.description ?? `Secret ${r.secretName}.`;
        return `    ${r.python.constant} = ${pySecretRef(r)}\n    ${py(doc)}\n`;
      })
      .join('\n');
    return (
      `class ${attr}:  # noqa: N801 - named after the Kubernetes namespace\n` +
      `    """Secrets of namespace ${py(ns)}."""\n\n` +
      `    NAMESPACE = ${py(ns)}\n\n` +
      members
    );
  });
  const registry = refs.map((r) => `    (${py(r.namespace)}, ${py(r.secretName)}): ${r.python.namespace}.${r.python.constant},\n`).join('');
  return (
    generatedHeader(env) +
    PYTHON_PRELUDE.replace(/\$\{ENV\}/g, env) +
    (classes.length > 0 ? `\n\n${classes.join('\n\n')}` : '') +
    `\n\nSECRETS: Dict[Tuple[str, str], SecretRef] = {\n${registry}}\n` +
    '"""Every Secret of this module by (namespace, name)."""\n'
  );
}

const PYTHON_PRELUDE = `"""References from Airflow tasks to the Kubernetes Secrets of environment "\${ENV}".

Every Secret named here is produced by an ExternalSecret that External Secrets Operator syncs from Azure Key
Vault (dist/\${ENV}/external-secrets.yaml); the environment variables, envFrom, volumes and Airflow connections
are the ones the catalogue (environments/\${ENV}.yaml) declares. Vendor this file into a DAG repository and use
it instead of typing Secret names and keys:

    import kv_secrets

    sf = kv_secrets.airflow.SALESFORCE_CREDENTIALS            # namespace "airflow"
    task = PythonOperator(..., executor_config=sf.executor_config())               # KubernetesExecutor
    pod = KubernetesPodOperator(..., secrets=kv_secrets.pod_operator_secrets(sf))  # KubernetesPodOperator

Only the Kubernetes client is needed for pod_override() and executor_config(); pod_operator_secrets() also
needs apache-airflow-providers-cncf-kubernetes. See docs/airflow.md.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from kubernetes.client import models as k8s

try:  # pod_operator_secrets() needs the provider; everything else works with the Kubernetes client alone.
    from airflow.providers.cncf.kubernetes.secret import Secret as _PodOperatorSecret
except ImportError:
    _PodOperatorSecret = None

ENVIRONMENT = "\${ENV}"
"""The catalogue environment these references were generated from."""

BASE_CONTAINER = "base"
"""KubernetesExecutor merges a pod_override into the task pod through the container of this name."""


class SecretRef:
    """A Kubernetes Secret synced from Key Vault, and how Airflow tasks consume it."""

    __slots__ = ("name", "namespace", "description", "keys", "env", "env_from", "volume", "connection_id")

    def __init__(
        self,
        name: str,
        namespace: str,
        *,
        description: Optional[str] = None,
        keys: Optional[Tuple[str, ...]] = None,
        env: Tuple[Tuple[str, str], ...] = (),
        env_from: bool = False,
        volume: Optional[Tuple[str, str, Tuple[Tuple[str, str], ...]]] = None,
        connection_id: Optional[str] = None,
    ) -> None:
        self.name = name
        """Name of the Kubernetes Secret."""
        self.namespace = namespace
        """Namespace of the Secret; only pods of this namespace can read it."""
        self.description = description
        self.keys = keys
        """Keys the Secret holds (None when Key Vault decides them, with dataFrom)."""
        self.env = env
        """(environment variable, Secret key) pairs, set through secretKeyRef."""
        self.env_from = env_from
        """True: every key of the Secret becomes an environment variable of the same name."""
        self.volume = volume
        """(volume name, mount path, ((key, file path), ...)) or None; no items mounts every key."""
        self.connection_id = connection_id
        """The Airflow connection id the Secret carries as AIRFLOW_CONN_<ID>, if any."""

    def __repr__(self) -> str:
        return f"SecretRef({self.namespace}/{self.name})"

    def env_vars(self) -> List[k8s.V1EnvVar]:
        """The container's env entries, each a secretKeyRef."""
        return [
            k8s.V1EnvVar(
                name=var,
                value_from=k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(name=self.name, key=key)),
            )
            for var, key in self.env
        ]

    def env_from_sources(self) -> List[k8s.V1EnvFromSource]:
        """The container's envFrom entry, when every key is exposed."""
        if not self.env_from:
            return []
        return [k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=self.name))]

    def _items(self) -> Optional[List[k8s.V1KeyToPath]]:
        if self.volume is None or not self.volume[2]:
            return None
        return [k8s.V1KeyToPath(key=key, path=path) for key, path in self.volume[2]]

    def volumes(self) -> List[k8s.V1Volume]:
        """The pod's secret volume, if the Secret is mounted."""
        if self.volume is None:
            return []
        return [
            k8s.V1Volume(
                name=self.volume[0],
                secret=k8s.V1SecretVolumeSource(secret_name=self.name, items=self._items()),
            )
        ]

    def volume_mounts(self) -> List[k8s.V1VolumeMount]:
        """The container's read-only mount of the secret volume, if the Secret is mounted."""
        if self.volume is None:
            return []
        return [k8s.V1VolumeMount(name=self.volume[0], mount_path=self.volume[1], read_only=True)]

    def pod_override(self) -> k8s.V1Pod:
        """The KubernetesExecutor pod_override for this Secret alone; see :func:\`pod_override\`."""
        return pod_override(self)

    def executor_config(self) -> Dict[str, k8s.V1Pod]:
        """\`\`{"pod_override": ...}\`\` for this Secret alone; see :func:\`executor_config\`."""
        return executor_config(self)

    def pod_operator_secrets(self) -> list:
        """KubernetesPodOperator \`\`secrets=\`\` for this Secret alone; see :func:\`pod_operator_secrets\`."""
        return pod_operator_secrets(self)


def _check(refs: Sequence[SecretRef]) -> None:
    if not refs:
        raise ValueError("pass at least one SecretRef")
    namespaces = sorted({r.namespace for r in refs})
    if len(namespaces) > 1:
        raise ValueError(
            f"a pod reads Secrets of its own namespace only, but these come from {', '.join(namespaces)}: "
            "split the task or move the Secrets"
        )


def pod_override(*refs: SecretRef) -> k8s.V1Pod:
    """A V1Pod whose container "base" carries the env, envFrom and volume mounts of \`refs\`.

    KubernetesExecutor merges it into the task pod (lists are appended to the pod template's).
    """
    _check(refs)
    env = [e for r in refs for e in r.env_vars()]
    env_from = [e for r in refs for e in r.env_from_sources()]
    mounts = [m for r in refs for m in r.volume_mounts()]
    volumes = [v for r in refs for v in r.volumes()]
    return k8s.V1Pod(
        spec=k8s.V1PodSpec(
            containers=[
                k8s.V1Container(
                    name=BASE_CONTAINER,
                    env=env or None,
                    env_from=env_from or None,
                    volume_mounts=mounts or None,
                )
            ],
            volumes=volumes or None,
        )
    )


def executor_config(*refs: SecretRef) -> Dict[str, k8s.V1Pod]:
    """The \`\`executor_config\`\` of a KubernetesExecutor task reading \`refs\`."""
    return {"pod_override": pod_override(*refs)}


def pod_operator_secrets(*refs: SecretRef) -> list:
    """The KubernetesPodOperator \`\`secrets=[...]\`\` list for \`refs\`.

    Needs apache-airflow-providers-cncf-kubernetes; the operator names its own volumes.
    """
    if _PodOperatorSecret is None:
        raise ImportError(
            "pod_operator_secrets() needs apache-airflow-providers-cncf-kubernetes "
            "(airflow.providers.cncf.kubernetes.secret.Secret); pod_override() and executor_config() "
            "need only the kubernetes client"
        )
    _check(refs)
    out = []
    for r in refs:
        for var, key in r.env:
            out.append(_PodOperatorSecret("env", var, r.name, key))
        if r.env_from:
            out.append(_PodOperatorSecret("env", None, r.name))
        if r.volume is not None:
            out.append(_PodOperatorSecret("volume", r.volume[1], r.name, items=r._items()))
    return out


def secret(namespace: str, name: str) -> SecretRef:
    """The SecretRef of Secret \`name\` in \`namespace\`; raises KeyError naming the known ones."""
    try:
        return SECRETS[(namespace, name)]
    except KeyError:
        known = ", ".join(f"{ns}/{n}" for ns, n in sorted(SECRETS)) or "none"
        raise KeyError(
            f"no Secret {namespace}/{name} in environment {ENVIRONMENT!r} (known: {known}); "
            "declare it under secrets[].airflow in the catalogue"
        ) from None
`;
