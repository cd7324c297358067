#!/usr/bin/env python3
"""Seeds for the fuzz targets that take whole inputs, written to OUT:

- OUT/*: whole workspaces for `check_workspace`: every fixture pair as NUL-separated records, each
  a tree marker (`-` N-1, `+` N) and a path on its first line, then the file's text; plus the
  adversarial inputs of `cargo xtask bench-hostile`, cut to a size a fuzzer can mutate;
- OUT/transport/*: client byte streams for `lsp_transport`: well-formed frames and broken ones.

Usage: fuzz_seeds.py SQL_SEEDS_DIR OUT (adversarial single files go to SQL_SEEDS_DIR too).
"""
import pathlib
import sys

sql_seeds, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
root = pathlib.Path(__file__).resolve().parent.parent
out.mkdir(parents=True, exist_ok=True)

for case in sorted((root / "tests" / "fixtures").iterdir()):
    records = []
    for marker, tree in (("-", "before"), ("+", "after")):
        base = case / tree
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            text = path.read_bytes().replace(b"\0", b"")
            records.append(marker.encode() + str(path.relative_to(base)).encode() + b"\n" + text)
    (out / case.name).write_bytes(b"\0".join(records))

init = b"CREATE TABLE t (id int, x int);\n"
hostile = {
    "many-add-column": b"".join(b"ALTER TABLE t ADD COLUMN c%d int;\n" % i for i in range(3000)),
    "one-long-line": b"SELECT 1; " * 6000 + b"ALTER TABLE t DROP COLUMN x;",
    "one-long-token": b"FROBNICATE " + b"a" * 60000 + b" x;\n",
    "escapes": b'-- \x1b]0;title\x07 \xe2\x80\xae\nALTER TABLE t DROP COLUMN "x\x1b[2J";\n',
}
for name, text in hostile.items():
    (sql_seeds / f"hostile-{name}.sql").write_bytes(text)
    (out / f"hostile-{name}").write_bytes(b"=0\n" + init + b"\0+1\n" + text)

transport = out / "transport"
transport.mkdir(exist_ok=True)
body = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
frame = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
streams = {
    "good": frame * 2,
    "negative-length": b"Content-Length: -5\r\n\r\n{}" + frame,
    "huge-length": b"Content-Length: 99999999999\r\n\r\n{}" + frame,
    "not-utf8-header": b"X-\xff\xfe: \xc3\x28\r\nContent-Length: \xff\r\n\r\n" + frame,
    "no-header": b"garbage without a header" + frame,
}
for name, stream in streams.items():
    (transport / name).write_bytes(stream)
