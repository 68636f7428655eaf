"""Test stand-in; see airflow/providers/cncf/kubernetes/secret.py."""
