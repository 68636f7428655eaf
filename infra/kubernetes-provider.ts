/**
 * The Kubernetes provider of the stack: a kubeconfig context, or the AKS cluster's user credentials.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import * as containerservice from '@pulumi/azure-native/containerservice';
import { parse, stringify } from 'yaml';
import { parseResourceId } from './azure';
import type { KubeloginMode } from './stack-config';

/**
 * Rewrites the kubelogin exec plugin of an AKS user kubeconfig to a non-interactive login, as
 * `kubelogin convert-kubeconfig -l <mode>` does: the kubeconfig AKS returns logs in with a device code, which
 * a CI runner cannot answer. Kubeconfigs without kubelogin (local accounts) are returned unchanged.
 *
 * @see https://azure.github.io/kubelogin/concepts/login-modes.html
 */
export function convertKubelogin(kubeconfig: string, mode: KubeloginMode): string {
  const doc = parse(kubeconfig) as { users?: Array<{ user?: { exec?: { command?: string; args?: string[] } } }> };
  let changed = false;
  for (const u of doc.users ?? []) {
    const exec = u.user?.exec;
    if (!exec || !exec.command || !/(^|\/)kubelogin(\.exe)?$/.test(exec.command) || !exec.args) continue;
    const serverId = valueOf(exec.args, '--server-id');
    const args = ['get-token', '--login', mode];
    if (serverId !== undefined) args.push('--server-id', serverId);
    if (mode !== 'azurecli' && mode !== 'workloadidentity') {
      // msi and spn read the client and tenant from the kubeconfig when the environment does not give them.
      for (const flag of ['--client-id', '--tenant-id', '--environment']) {
        const v = valueOf(exec.args, flag);
        if (v !== undefined) args.push(flag, v);
      }
    }
    exec.args = args;
    changed = true;
  }
  return changed ? stringify(doc) : kubeconfig;
}

function valueOf(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${flag}=`));
  return eq?.slice(flag.length + 1);
}

/** How to reach the cluster. */
export interface KubernetesAccess {
  /** A kubeconfig context (the ambient kubeconfig: $KUBECONFIG or ~/.kube/config). */
  readonly kubeContext?: string;
  /** AKS cluster resource id, used when no context is given. */
  readonly aksClusterId?: string;
  /** kubelogin mode for AKS credentials. */
  readonly kubeloginMode: KubeloginMode;
}

/**
 * A Kubernetes provider with server-side apply, from a kubeconfig context or from the AKS cluster's user
 * credentials (kept secret in state).
 */
export function kubernetesProvider(name: string, access: KubernetesAccess, opts: pulumi.CustomResourceOptions = {}): k8s.Provider {
  const common = { enableServerSideApply: true, deleteUnreachable: false };
  if (access.kubeContext !== undefined) {
    return new k8s.Provider(name, { ...common, context: access.kubeContext }, opts);
  }
  if (access.aksClusterId === undefined) {
    throw new Error('kubernetesProvider: give a kubeContext or an aksClusterId');
  }
  const cluster = parseResourceId(access.aksClusterId, 'infra.cluster.aksClusterId');
  const credentials = containerservice.listManagedClusterUserCredentialsOutput(
    { resourceGroupName: cluster.resourceGroup, resourceName: cluster.name, format: 'exec' },
    { parent: opts.parent },
  );
  const kubeconfig = credentials.apply((c) => {
    const first = c.kubeconfigs[0];
    if (!first) throw new Error(`infra.cluster.aksClusterId: AKS returned no kubeconfig for ${cluster.name}`);
    return convertKubelogin(Buffer.from(first.value, 'base64').toString('utf8'), access.kubeloginMode);
  });
  return new k8s.Provider(name, { ...common, kubeconfig: pulumi.secret(kubeconfig) }, opts);
}
