"""Parses AIRFLOW_CONN_* values the way Airflow's Connection does, with the standard library Airflow uses.

Usage: python3 airflow_connection_probe.py '[{"format": "json" | "uri", "value": "..."}]'
Prints a JSON list of {conn_type, host, login, password, schema, port, extra}.

JSON form (Connection.from_json): the object's fields; "extra" an object; "port" converted with int().
URI form (Connection._parse_from_uri, single-scheme case): urlsplit; "-" in the scheme read as "_"; login,
password and schema through unquote; host from the netloc; extras from parse_qsl (keep_blank_values), or the
JSON in "__extra__".
"""

import json
import sys
from urllib.parse import parse_qsl, unquote, urlsplit


def from_json(value):
    kwargs = json.loads(value)
    extra = kwargs.get("extra")
    return {
        "conn_type": kwargs.get("conn_type", "").replace("-", "_") or None,
        "host": kwargs.get("host"),
        "login": kwargs.get("login"),
        "password": kwargs.get("password"),
        "schema": kwargs.get("schema"),
        "port": int(kwargs["port"]) if kwargs.get("port") else None,
        "extra": json.loads(extra) if isinstance(extra, str) else extra,
    }


def from_uri(uri):
    if uri.count("://") != 1:
        raise ValueError(f"expected one scheme in {uri!r}")
    parts = urlsplit(uri)
    conn_type = parts.scheme
    conn_type = "postgres" if conn_type == "postgresql" else conn_type.replace("-", "_")
    parts = urlsplit(uri.replace(f"{parts.scheme}://", "//"))
    # As Airflow's _parse_netloc_to_hostname: the (lower-cased) hostname, unquoted; the raw netloc host when
    # the unquoted name holds a "/".
    host = unquote(parts.hostname or "")
    if "/" in host:
        host = unquote(parts.netloc.rsplit("@", 1)[-1].split(":", 1)[0])
    extra = None
    if parts.query:
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        extra = json.loads(query["__extra__"]) if "__extra__" in query else query
    return {
        "conn_type": conn_type,
        "host": host or None,
        "login": unquote(parts.username) if parts.username else parts.username,
        "password": unquote(parts.password) if parts.password else parts.password,
        "schema": unquote(parts.path[1:]) if parts.path[1:] else None,
        "port": parts.port,
        "extra": extra,
    }


def main():
    items = json.loads(sys.argv[1])
    out = [from_uri(i["value"]) if i["format"] == "uri" else from_json(i["value"]) for i in items]
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
