"""Walks a NIR file with h5py and checks the rules the reference reader (nir 1.0.7) enforces.

Usage: python3 check_nir.py model.nir   -> prints "ok <n> nodes" or the problems, exit 1.
Independent of the TypeScript code that wrote the file.
"""
import sys

import h5py
import numpy as np

FIELDS = {
    "Input": {"shape"}, "Output": {"shape"}, "Linear": {"weight"}, "Affine": {"weight", "bias"},
    "LI": {"tau", "r", "v_leak"}, "LIF": {"tau", "r", "v_leak", "v_threshold", "v_reset"},
    "CubaLI": {"tau_syn", "tau_mem", "r", "v_leak", "w_in"},
    "CubaLIF": {"tau_syn", "tau_mem", "r", "v_leak", "w_in", "v_threshold", "v_reset"},
}
NEURONS = {"LI", "LIF", "CubaLI", "CubaLIF"}


def text(d):
    v = d[()]
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def check_graph(g, path, problems):
    if text(g["type"]) != "NIRGraph":
        problems.append(f"{path}/type is not NIRGraph")
    shapes = {}
    count = 0
    for name, node in g["nodes"].items():
        at = f"{path}/nodes/{name}"
        if not isinstance(node, h5py.Group) or "type" not in node or not isinstance(node["type"], h5py.Dataset):
            problems.append(f"{at} has no type dataset")
            continue
        kind = text(node["type"])
        count += 1
        if kind == "NIRGraph":
            count += check_graph(node, at, problems)
            continue
        if kind not in FIELDS:
            problems.append(f"{at}: unknown type {kind}")
            continue
        fields = set(node.keys()) - {"type"}
        if fields - FIELDS[kind]:
            problems.append(f"{at}: unknown fields {sorted(fields - FIELDS[kind])}")
        if FIELDS[kind] - fields:
            problems.append(f"{at}: missing fields {sorted(FIELDS[kind] - fields)}")
        arrays = {k: node[k][()] for k in fields}
        for k, a in arrays.items():
            if np.ndim(a) == 0:
                problems.append(f"{at}/{k} is 0-d")
        if kind in NEURONS:
            sh = {np.shape(a) for a in arrays.values()}
            if len(sh) != 1 or len(next(iter(sh))) != 1:
                problems.append(f"{at}: parameter shapes {sorted(sh)} are not one 1-D shape")
            shapes[name] = (np.shape(arrays["r"]), np.shape(arrays["r"]))
        elif kind in ("Input", "Output"):
            s = tuple(int(x) for x in arrays["shape"])
            shapes[name] = (s, s)
        else:
            w = arrays["weight"]
            if np.ndim(w) != 2:
                problems.append(f"{at}/weight is not 2-D")
            shapes[name] = ((w.shape[-1],), (w.shape[-2],))
    edges = g["edges"][()]
    if edges.ndim != 2 or edges.shape[1] != 2:
        problems.append(f"{path}/edges has shape {edges.shape}")
    for a, b in edges:
        a, b = a.decode("utf8"), b.decode("utf8")
        if a not in shapes or b not in shapes:
            problems.append(f"{path}: edge {a} -> {b} names a missing node")
        elif shapes[a][1] != shapes[b][0]:
            problems.append(f"{path}: edge {a} -> {b} joins {shapes[a][1]} to {shapes[b][0]}")
    return count


def main(path):
    problems = []
    with h5py.File(path, "r") as f:
        def no_attrs(name, obj):
            if len(obj.attrs):
                problems.append(f"/{name} has attributes {list(obj.attrs)}")
        if len(f.attrs):
            problems.append("/ has attributes")
        f.visititems(no_attrs)
        if text(f["version"]) != "1.0.7":
            problems.append("/version is not 1.0.7")
        count = check_graph(f["node"], "/node", problems)
        meta = f["node"].get("metadata")
        if meta is not None:
            dt = meta["dt"][()]
            if np.shape(dt) != (1,) or not dt[0] > 0:
                problems.append("/node/metadata/dt is not a positive (1,) array")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"ok {count} nodes")


if __name__ == "__main__":
    main(sys.argv[1])
