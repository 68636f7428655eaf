import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { InfraReloader, podSecurityLabels } from '../config';
import { mergeValues } from './external-secrets-operator';

/** Helm repository of Stakater Reloader. */
export const RELOADER_CHART_REPOSITORY = 'https://stakater.github.io/stakater-charts';
/** Chart name. */
export const RELOADER_CHART = 'reloader';
/** Chart version, pinned (upgrade on purpose, after reading its changelog). */
export const RELOADER_CHART_VERSION = '2.2.11';

/**
 * The typed chart values: Reloader acts only on workloads that opt in with an annotation (never on every
 * Deployment of the cluster), ignores ConfigMaps (this project delivers Secrets), rolls pods by changing a
 * pod-template annotation, and runs with a read-only root filesystem.
 *
 * @see https://github.com/stakater/Reloader/blob/master/deployments/kubernetes/chart/reloader/values.yaml
 */
export function reloaderChartValues(): Record<string, unknown> {
  return {
    reloader: {
      autoReloadAll: false,
      ignoreConfigMaps: true,
      reloadStrategy: 'annotations',
      watchGlobally: true,
      readOnlyRootFileSystem: true,
    },
  };
}

/** Arguments of {@link Reloader}. */
export interface ReloaderArgs {
  /** The catalogue's `infra.reloader` settings (defaults applied). */
  readonly settings: InfraReloader;
}

/**
 * Stakater Reloader in its own namespace (Pod Security `restricted`), so the Airflow scheduler, webserver and
 * triggerer restart when a Secret they hold in memory is rotated. Task pods need none: each reads its Secrets
 * when it starts.
 *
 * @see https://github.com/stakater/Reloader
 */
export class Reloader extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly release: k8s.helm.v3.Release;
  /** Helm's status of the release (`deployed`). */
  public readonly status: pulumi.Output<string>;

  constructor(name: string, args: ReloaderArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kv-secrets-sync:k8s:Reloader', name, {}, opts);
    const s = args.settings;
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: s.namespace, labels: podSecurityLabels('restricted') } },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: RELOADER_CHART,
        chart: RELOADER_CHART,
        version: RELOADER_CHART_VERSION,
        repositoryOpts: { repo: RELOADER_CHART_REPOSITORY },
        namespace: this.namespace.metadata.name,
        values: mergeValues(reloaderChartValues(), s.values) as Record<string, unknown>,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
      },
      { parent: this },
    );
    this.status = this.release.status.apply((st) => st.status);
    this.registerOutputs({ status: this.status });
  }
}
