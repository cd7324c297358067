"""The reference side of rollsafe's Avro differential test (tests/avro_lane.rs).

Reads JSON lines {"id", "old", "new"} (schema texts) on stdin and writes, for each, the verdict of
the Python `avro` package's compatibility checker in both directions:
{"id", "backward": [kinds] | "invalid", "forward": [...] | "invalid"} where BACKWARD reads data
written with the old schema using the new one (reader = new, writer = old), FORWARD the reverse,
and the kinds are the checker's SchemaIncompatibilityType names (empty: compatible). A schema the
package refuses to parse makes both directions "invalid", with the reason.
"""

import json
import sys

import avro
import avro.compatibility as compat
import avro.errors
import avro.schema


def kinds(reader, writer):
    result = compat.ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    if result.compatibility is compat.SchemaCompatibilityType.compatible:
        return []
    return sorted({k.name for k in result.incompatibilities})


def main():
    for line in sys.stdin:
        case = json.loads(line)
        out = {"id": case["id"]}
        try:
            old = avro.schema.parse(case["old"])
            new = avro.schema.parse(case["new"])
        except (avro.errors.AvroException, ValueError, TypeError, KeyError) as e:
            out["backward"] = out["forward"] = "invalid"
            out["reason"] = f"{type(e).__name__}: {e}"[:300]
        else:
            out["backward"] = kinds(new, old)
            out["forward"] = kinds(old, new)
        sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")
    sys.stderr.write(f"python avro {avro.__version__}\n")


if __name__ == "__main__":
    main()
