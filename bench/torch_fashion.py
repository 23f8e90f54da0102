"""PyTorch baseline for bench/engine-fashion.ts: SpyTorch tutorial 2 (Zenke), Fashion-MNIST,
784-100-10, T = 100, batch 256, Adam lr 2e-4, fast sigmoid surrogate (scale 100), max-over-time
cross-entropy. Dense input tensors (built before timing, which favours torch), autograd over
the unrolled time loop, the surrogate as a custom torch.autograd.Function, as in the tutorial.

Prints one JSON line: median wall ms (and CPU ms) per training step over --batches steps after
--warmup steps, peak RSS (MiB), torch version and thread count.
Run with /usr/bin/python3 (Debian's python3-torch with OpenBLAS).
"""
import os

# One BLAS thread: torch's intra-op pool (torch.set_num_threads, the threads our side uses) is
# the parallelism. Debian's OpenBLAS (pthread) otherwise starts a thread per core of its own on
# top of it and oversubscribes the cores: the SHD step in snnTorch's idiom took 1,052 ms at 2
# torch threads that way, 297 ms with one BLAS thread (2026-12-02 19:03 UTC, quiet machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import gzip
import json
import resource
import statistics
import time

import numpy as np
import torch

from spytorch import SurrGradSpike, lif_layer, readout_layer, use_threads


def load_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows * cols)


def load_labels(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


def latency_dense(x, steps, tau=20.0, thr=0.2):
    """SpyTorch current2firing_time: t = tau ln(x / (x - thr)), no spike below thr or at t >= T."""
    x = x.astype(np.float32) / 255.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = tau * np.log(x / (x - thr))
    t[x < thr] = steps
    t = np.floor(t)
    b, u = np.nonzero(t < steps)
    dense = np.zeros((x.shape[0], steps, x.shape[1]), dtype=np.float32)
    dense[b, t[b, u].astype(np.int64), u] = 1.0
    return dense




spike_fn = SurrGradSpike.apply


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads: the threads our side uses")
    args = ap.parse_args()
    use_threads(args.threads)
    torch.manual_seed(0)

    nb_inputs, nb_hidden, nb_outputs, nb_steps, batch_size = 784, 100, 10, 100, 256
    time_step, tau_mem, tau_syn = 1e-3, 10e-3, 5e-3
    alpha = float(np.exp(-time_step / tau_syn))
    beta = float(np.exp(-time_step / tau_mem))
    weight_scale = 7 * (1.0 - beta)
    w1 = torch.empty((nb_inputs, nb_hidden), requires_grad=True)
    torch.nn.init.normal_(w1, mean=0.0, std=weight_scale / np.sqrt(nb_inputs))
    w2 = torch.empty((nb_hidden, nb_outputs), requires_grad=True)
    torch.nn.init.normal_(w2, mean=0.0, std=weight_scale / np.sqrt(nb_hidden))
    optimizer = torch.optim.Adam([w1, w2], lr=2e-4, betas=(0.9, 0.999))
    log_softmax = torch.nn.LogSoftmax(dim=1)
    loss_fn = torch.nn.NLLLoss()

    def run_snn(inputs):
        h1 = torch.einsum("abc,cd->abd", (inputs, w1))
        spk_rec = lif_layer(h1, alpha, beta, spike_fn)
        h2 = torch.einsum("abc,cd->abd", (spk_rec, w2))
        return readout_layer(h2, alpha, beta)

    images = load_images(f"{args.data}/train-images-idx3-ubyte.gz")
    labels = load_labels(f"{args.data}/train-labels-idx1-ubyte.gz")
    total = args.warmup + args.batches
    perm = np.random.default_rng(0).permutation(len(labels))[: total * batch_size]
    batches = []
    for i in range(total):
        idx = perm[i * batch_size:(i + 1) * batch_size]
        batches.append((torch.from_numpy(latency_dense(images[idx], nb_steps)), torch.from_numpy(labels[idx])))

    times, cpu_times, losses = [], [], []
    for i, (x, y) in enumerate(batches):
        t0 = time.perf_counter()
        c0 = time.process_time()
        output = run_snn(x)
        m, _ = torch.max(output, 1)
        loss = loss_fn(log_softmax(m), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        dt = (time.perf_counter() - t0) * 1000
        dc = (time.process_time() - c0) * 1000
        losses.append(loss.item())
        if i >= args.warmup:
            times.append(dt)
            cpu_times.append(dc)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "impl": f"pytorch-spytorch-{torch.get_num_threads()}thread",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "ms_per_batch_median": statistics.median(times),
        "ms_per_batch_all": [round(t, 1) for t in times],
        "cpu_ms_per_batch_median": statistics.median(cpu_times),
        "peak_rss_mib": round(rss_mib, 1),
        "loss_first": losses[0],
        "loss_last": losses[-1],
    }))


if __name__ == "__main__":
    main()
