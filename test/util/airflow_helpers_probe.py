"""Exercises generated ``kv_secrets.py`` modules and prints what they build, as JSON, for the jest tests.

Usage: python3 airflow_helpers_probe.py '{"modules": {"<env>": "<path to kv_secrets.py>"}, "stub": "<dir>"}'

Each module is imported twice: first as DAG parsing sees it without Airflow (the pod overrides must work
with the Kubernetes client alone), then with the provider's Secret class importable from ``stub``.
Objects are serialized with the Kubernetes client's own ``ApiClient().sanitize_for_serialization``.
"""

import importlib.util
import json
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in dist/

import kubernetes  # noqa: E402
from kubernetes.client import ApiClient  # noqa: E402
from kubernetes.client import models as k8s  # noqa: E402

api = ApiClient()


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are what the test checks
        return {"type": type(e).__name__, "message": str(e)}
    return None


def attributes(module):
    """(namespace, name) -> "<namespace class>.<CONSTANT>" for every SecretRef the module exposes."""
    out = {}
    for cls_name, cls in vars(module).items():
        if isinstance(cls, type) and hasattr(cls, "NAMESPACE"):
            for attr, value in vars(cls).items():
                if isinstance(value, module.SecretRef):
                    out[(value.namespace, value.name)] = f"{cls_name}.{attr}"
    return out


def operator_pod(module, refs):
    """The pod KubernetesPodOperator would build from pod_operator_secrets(), volume names made stable."""
    pod = k8s.V1Pod(spec=k8s.V1PodSpec(containers=[k8s.V1Container(name=module.BASE_CONTAINER)]))
    for s in module.pod_operator_secrets(*refs):
        pod = s.attach_to_pod(pod)
    data = api.sanitize_for_serialization(pod)
    names = {}
    for v in data["spec"].get("volumes", []):
        names[v["name"]] = f"vol{len(names)}"
        v["name"] = names[v["name"]]
    for m in data["spec"]["containers"][0].get("volumeMounts", []):
        m["name"] = names[m["name"]]
    return data


def probe(env, path, stub):
    bare = load(f"kv_secrets_{env}", path)
    refs = list(bare.SECRETS.values())
    result = {
        "environment": bare.ENVIRONMENT,
        "airflowImported": bare._PodOperatorSecret is not None,
        "withoutAirflow": error_of(lambda: bare.pod_operator_secrets(*refs[:1])) if refs else None,
        "attributes": {f"{ns}/{n}": a for (ns, n), a in attributes(bare).items()},
        "secrets": [],
        "errors": {
            "empty": error_of(bare.pod_override),
            "unknown": error_of(lambda: bare.secret("airflow", "no-such-secret")),
        },
    }
    namespaces = sorted({r.namespace for r in refs})
    if len(namespaces) > 1:
        a = next(r for r in refs if r.namespace == namespaces[0])
        b = next(r for r in refs if r.namespace == namespaces[1])
        result["errors"]["mixed"] = error_of(lambda: bare.pod_override(a, b))

    sys.path.insert(0, stub)
    try:
        full = load(f"kv_secrets_{env}_with_airflow", path)
        for ref in full.SECRETS.values():
            ec = ref.executor_config()
            result["secrets"].append(
                {
                    "namespace": ref.namespace,
                    "name": ref.name,
                    "lookup": full.secret(ref.namespace, ref.name) is ref,
                    "keys": list(ref.keys) if ref.keys is not None else None,
                    "connectionId": ref.connection_id,
                    "executorConfig": {k: type(v).__name__ for k, v in ec.items()},
                    "podOverride": api.sanitize_for_serialization(ec["pod_override"]),
                    "operatorSecrets": [
                        {
                            "deploy_type": s.deploy_type,
                            "deploy_target": s.deploy_target,
                            "secret": s.secret,
                            "key": s.key,
                            "items": api.sanitize_for_serialization(s.items),
                        }
                        for s in ref.pod_operator_secrets()
                    ],
                    "operatorPod": operator_pod(full, [ref]),
                }
            )
        result["combined"] = {}
        for ns in namespaces:
            in_ns = [r for r in full.SECRETS.values() if r.namespace == ns]
            result["combined"][ns] = {
                "podOverride": api.sanitize_for_serialization(full.pod_override(*in_ns)),
                "operatorPod": operator_pod(full, in_ns),
            }
    finally:
        sys.path.remove(stub)
        for name in [m for m in sys.modules if m == "airflow" or m.startswith("airflow.")]:
            del sys.modules[name]
    return result


def main():
    args = json.loads(sys.argv[1])
    out = {
        "python": sys.version.split()[0],
        "kubernetes": kubernetes.__version__,
        "environments": {env: probe(env, path, args["stub"]) for env, path in sorted(args["modules"].items())},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
