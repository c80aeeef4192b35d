#!/usr/bin/env python3
"""Hand-made image layouts for the image tests: what no real tool writes (hostile archives).

  mkimage.py oci DIR SPEC...      an OCI layout in DIR, one layer per SPEC
  mkimage.py docker FILE SPEC...  a docker save archive
SPEC: "dir:PATH" (a tree: its files as a tar, gzip-compressed), "raw:FILE" (FILE's bytes as the
layer), "sparse:SIZE" (SIZE zero bytes, a sparse file), "evil:KIND" (a layer with one hostile
entry: dotdot, absolute, hardlink), and options
--layers N (repeat the layer list N times), --cut-size (declare the size of the whole blob but
write half of it), --bad-digest (declare another digest), --cut-gzip (compress, then keep the
first half, declared as it is).
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def sha(b):
    return hashlib.sha256(b).hexdigest()


def tar_of(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def evil(kind):
    ti = tarfile.TarInfo()
    if kind == "dotdot":
        ti.name = "../../etc/evil"
        data = b"x"
        ti.size = 1
    elif kind == "absolute":
        ti.name = "/etc/evil"
        data = b"x"
        ti.size = 1
    elif kind == "hardlink":
        ti.name = "usr/sbin/init"
        ti.type = tarfile.LNKTYPE
        ti.linkname = "../../../../bin/systemd"
        data = None
    else:
        raise SystemExit(f"unknown evil kind {kind}")
    return gzip.compress(tar_of([(ti, data)]), mtime=0)


def layer(spec):
    kind, _, arg = spec.partition(":")
    if kind == "dir":
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for name in sorted(os.listdir(arg)):
                t.add(os.path.join(arg, name), arcname=name)
        return gzip.compress(buf.getvalue(), mtime=0)
    if kind == "raw":
        with open(arg, "rb") as f:
            return f.read()
    if kind == "evil":
        return evil(arg)
    if kind == "sparse":
        return Sparse(int(arg))
    raise SystemExit(f"unknown spec {spec}")


class Sparse:
    """A blob of SIZE zero bytes, written as a sparse file."""

    def __init__(self, size):
        self.size = size
        h = hashlib.sha256()
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            h.update(block)
        h.update(bytes(size & ((1 << 20) - 1)))
        self.hex = h.hexdigest()

    def __len__(self):
        return self.size


def main():
    args = sys.argv[1:]
    fmt, out = args[0], args[1]
    opts = {"layers": 1, "cut-size": False, "bad-digest": False, "cut-gzip": False}
    specs = []
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--layers":
            opts["layers"] = int(args[i + 1])
            i += 2
            continue
        if a.startswith("--"):
            opts[a[2:]] = True
        else:
            specs.append(a)
        i += 1
    blobs = [layer(s) for s in specs]
    if opts["cut-gzip"]:
        blobs = [b[: len(b) // 2] for b in blobs]
    descs = []
    for b in blobs:
        d = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
             "digest": "sha256:" + (b.hex if isinstance(b, Sparse) else sha(b)), "size": len(b)}
        if isinstance(b, Sparse):
            descs.append((d, b))
            continue
        if opts["bad-digest"]:
            d["digest"] = "sha256:" + sha(b + b"x")
        descs.append((d, b[: len(b) // 2] if opts["cut-size"] else b))
    descs = descs * opts["layers"]
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"User": "coder", "Entrypoint": ["/sbin/init"]},
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    if fmt == "oci":
        os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)

        def put(b, name=None):
            with open(os.path.join(out, "blobs", "sha256", name or sha(b)), "wb") as f:
                if isinstance(b, Sparse):
                    f.truncate(b.size)
                else:
                    f.write(b)
        for d, b in descs[: len(blobs)]:
            put(b, d["digest"].split(":")[1])
        put(config)
        manifest = json.dumps({"schemaVersion": 2,
                               "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": "sha256:" + sha(config), "size": len(config)},
                               "layers": [d for d, _ in descs]}).encode()
        put(manifest)
        with open(os.path.join(out, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "digest": "sha256:" + sha(manifest), "size": len(manifest),
                 "platform": {"os": "linux", "architecture": "amd64"}}]}, f)
        with open(os.path.join(out, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion": "1.0.0"}')
    elif fmt == "docker":
        entries = []
        names = []
        for n, (d, b) in enumerate(descs[: len(blobs)]):
            name = f"{n}/layer.tar"
            ti = tarfile.TarInfo(name)
            ti.size = len(b)
            entries.append((ti, b))
        names = [f"{n % len(blobs)}/layer.tar" for n in range(len(descs))]
        ti = tarfile.TarInfo(sha(config) + ".json")
        ti.size = len(config)
        entries.append((ti, config))
        m = json.dumps([{"Config": sha(config) + ".json", "RepoTags": ["t:latest"],
                         "Layers": names}]).encode()
        ti = tarfile.TarInfo("manifest.json")
        ti.size = len(m)
        entries.append((ti, m))
        with open(out, "wb") as f:
            f.write(tar_of(entries))
    else:
        raise SystemExit(f"unknown format {fmt}")


main()
