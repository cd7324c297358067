"""The SQLite side of rollsafe's SQLite lane (tests/sqlite_lane.rs): Python's sqlite3 module is
the real SQLite.

    lane.py apply DB SCRIPT      run a script of statements on a database (created if missing)
    lane.py introspect DB        print the catalog as one JSON document
    lane.py probe DB PROBES      run each line of PROBES in a rolled-back transaction; print one
                                 line per probe: "ok" or "fail <error>"

The catalog: tables (name, columns with name, declared type, notnull, has_default, pk), their
indexes (name, unique, origin c/u/pk, columns), triggers (name, table) and views (name).
"""
import json
import sqlite3
import sys


def connect(path):
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = OFF")
    return con


def apply(path, script):
    con = connect(path)
    with open(script, encoding="utf-8") as f:
        con.executescript(f.read())
    con.close()


def introspect(path):
    con = connect(path)
    rows = con.execute(
        "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    out = {"tables": [], "triggers": [], "views": []}
    for kind, name, table in rows:
        if kind == "table":
            columns = [
                {"name": c[1], "type": c[2], "notnull": bool(c[3]), "has_default": c[4] is not None, "pk": c[5]}
                for c in con.execute(f'PRAGMA table_xinfo("{name}")')
                if c[6] == 0  # hidden: 0 ordinary, 2/3 generated
            ]
            indexes = []
            for ix in con.execute(f'PRAGMA index_list("{name}")'):
                cols = [c[2] for c in con.execute(f'PRAGMA index_info("{ix[1]}")')]
                indexes.append({"name": ix[1], "unique": bool(ix[2]), "origin": ix[3], "partial": bool(ix[4]), "columns": cols})
            out["tables"].append({"name": name, "columns": columns, "indexes": sorted(indexes, key=lambda i: i["name"])})
        elif kind == "trigger":
            out["triggers"].append({"name": name, "table": table})
        elif kind == "view":
            out["views"].append({"name": name})
    print(json.dumps(out, sort_keys=True))


def probe(path, probes):
    con = connect(path)
    with open(probes, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    for line in lines:
        try:
            con.execute("BEGIN")
            con.execute(line)
            print("ok")
        except sqlite3.Error as e:
            print("fail " + str(e).replace("\n", " "))
        finally:
            con.execute("ROLLBACK")


if __name__ == "__main__":
    command, db = sys.argv[1], sys.argv[2]
    if command == "apply":
        apply(db, sys.argv[3])
    elif command == "introspect":
        introspect(db)
    elif command == "probe":
        probe(db, sys.argv[3])
    else:
        sys.exit(f"unknown command {command}")
