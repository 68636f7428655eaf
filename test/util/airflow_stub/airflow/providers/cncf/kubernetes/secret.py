"""Stand-in for ``airflow.providers.cncf.kubernetes.secret.Secret`` in tests.

Airflow cannot be installed where the tests run (only the Kubernetes client comes from Debian), so this
module reproduces the provider's documented contract that the generated helpers rely on:

- ``Secret(deploy_type, deploy_target, secret, key=None, items=None)``;
- ``deploy_type`` must be "env" or "volume", and an env ``deploy_target`` is upper-cased;
- ``key`` without ``deploy_target`` is refused;
- attached to a pod, "env" with a key adds an ``env`` secretKeyRef, "env" without a key adds an ``envFrom``
  secretRef, and "volume" adds a secret volume with a random ``secretvol<uuid>`` name plus a read-only mount
  of it at ``deploy_target`` (with ``items`` when given), all on the first container.

See https://airflow.apache.org/docs/apache-airflow-providers-cncf-kubernetes/stable/_api/airflow/providers/cncf/kubernetes/secret/index.html
"""

import copy
import uuid

from kubernetes.client import models as k8s

STAND_IN = True


class Secret:
    def __init__(self, deploy_type, deploy_target, secret, key=None, items=None):
        if deploy_type not in ("env", "volume"):
            raise ValueError("deploy_type must be env or volume")
        if key is not None and deploy_target is None:
            raise ValueError("If `key` is set, `deploy_target` should not be None")
        self.deploy_type = deploy_type
        self.deploy_target = deploy_target.upper() if (deploy_target is not None and deploy_type == "env") else deploy_target
        self.secret = secret
        self.key = key
        self.items = items or []

    def attach_to_pod(self, pod):
        pod = copy.deepcopy(pod)
        container = pod.spec.containers[0]
        if self.deploy_type == "volume":
            name = f"secretvol{uuid.uuid4()}"
            source = k8s.V1SecretVolumeSource(secret_name=self.secret)
            if self.items:
                source.items = self.items
            pod.spec.volumes = (pod.spec.volumes or []) + [k8s.V1Volume(name=name, secret=source)]
            mount = k8s.V1VolumeMount(mount_path=self.deploy_target, name=name, read_only=True)
            container.volume_mounts = (container.volume_mounts or []) + [mount]
        elif self.key is not None:
            ref = k8s.V1SecretKeySelector(name=self.secret, key=self.key)
            var = k8s.V1EnvVar(name=self.deploy_target, value_from=k8s.V1EnvVarSource(secret_key_ref=ref))
            container.env = (container.env or []) + [var]
        else:
            source = k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=self.secret))
            container.env_from = (container.env_from or []) + [source]
        return pod
