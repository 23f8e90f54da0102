"""PyTorch references for bench/engine-shd.ts: the SHD example's shape, 700 - H (recurrent) - 20,
T = 100, batch 256, fast sigmoid surrogate (scale 100), Adamax lr 2e-4, max-over-time
cross-entropy, on random input with SHD's density (about 5% of (step, channel) cells spiking).

Two ways PyTorch users write this network:
  spytorch  SpyTorch tutorial 4 (Zenke): dense input, the feed-forward drive for all steps as
            one einsum, an unrolled loop with the recurrent product per step, the surrogate as
            a custom autograd Function, detached zero reset.
  snntorch  snnTorch's idiom: per-step nn.Linear layers and an RSynaptic-style state update
            (synaptic current with a recurrent nn.Linear on the previous spikes, subtractive
            reset from the previous membrane, detached), written out here because snnTorch is
            not installed on this machine; it is what snntorch.RSynaptic computes.

--model (snnTorch idiom only) swaps the hidden population for the neuron models of issue 13, as
their users write them in PyTorch (SE-adLIF's code: per-neuron parameters as nn.Parameter
vectors, decays as sigmoids of them, elementwise updates per step):
  lif          as above
  adlif        SE-adLIF (symplectic Euler), one a, b, q and decay per population (q = 120,
               tauAdapt 150 ms, a 0.5, b 1), zero reset detached, the current minus W driving U
  lif-tau      LIF with per-neuron learned tauMem, tauSyn (sigmoid of a logit) and thresholds
  adlif-learn  SE-adLIF with per-neuron learned tauMem, a, b and tauAdapt
  lif-delay    LIF with learnable delays on the input connection as Hammouamri et al.'s code
               (DCLS) computes them: a dense [N, M, K] kernel W * g_k(d), g the normalised
               Gaussian of width sigma = 12.5 over K = 26 delays, applied as one causal conv1d
               over time (maxDelay 25)

Prints one JSON line: median wall and CPU ms per training step over --batches steps after
--warmup, peak RSS (MiB), thread count. torch.set_num_threads(--threads).
"""
import os

# One BLAS thread: torch's intra-op pool (torch.set_num_threads, the threads our side uses) is
# the parallelism. Debian's OpenBLAS (pthread) otherwise starts a thread per core of its own on
# top of it and oversubscribes the cores: the SHD step in snnTorch's idiom took 1,052 ms at 2
# torch threads that way, 297 ms with one BLAS thread (2026-12-02 19:03 UTC, quiet machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import resource
import statistics
import time

import numpy as np
import torch

from spytorch import SurrGradSpike, readout_layer, use_threads

spike_fn = SurrGradSpike.apply


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["spytorch", "snntorch"], default="spytorch")
    ap.add_argument("--hidden", type=int, default=200)
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", choices=["lif", "adlif", "lif-tau", "adlif-learn", "lif-delay"], default="lif")
    args = ap.parse_args()
    use_threads(args.threads)
    torch.manual_seed(0)
    nb_inputs, nb_hidden, nb_outputs, nb_steps, batch_size = 700, args.hidden, 20, 100, 256
    alpha = float(np.exp(-1e-3 / 5e-3))
    beta = float(np.exp(-1e-3 / 10e-3))
    rng = np.random.default_rng(0)
    total = args.warmup + args.batches
    batches = []
    for _ in range(total):
        x = (rng.random((batch_size, nb_steps, nb_inputs), dtype=np.float32) < 0.05).astype(np.float32)
        y = rng.integers(0, nb_outputs, batch_size)
        batches.append((torch.from_numpy(x), torch.from_numpy(y)))
    log_softmax = torch.nn.LogSoftmax(dim=1)
    loss_fn = torch.nn.NLLLoss()

    if args.impl == "spytorch":
        ws = 0.2
        w1 = torch.empty((nb_inputs, nb_hidden), requires_grad=True)
        torch.nn.init.normal_(w1, mean=0.0, std=ws / np.sqrt(nb_inputs))
        w2 = torch.empty((nb_hidden, nb_outputs), requires_grad=True)
        torch.nn.init.normal_(w2, mean=0.0, std=ws / np.sqrt(nb_hidden))
        v1 = torch.empty((nb_hidden, nb_hidden), requires_grad=True)
        torch.nn.init.normal_(v1, mean=0.0, std=ws / np.sqrt(nb_hidden))
        params = [w1, w2, v1]

        def run_snn(inputs):
            syn = torch.zeros((inputs.shape[0], nb_hidden))
            mem = torch.zeros((inputs.shape[0], nb_hidden))
            out = torch.zeros((inputs.shape[0], nb_hidden))
            mem_rec, spk_rec = [], []
            h1_from_input = torch.einsum("abc,cd->abd", (inputs, w1))
            for t in range(nb_steps):
                h1 = h1_from_input[:, t] + torch.einsum("ab,bc->ac", (out, v1))
                mthr = mem - 1.0
                out = spike_fn(mthr)
                rst = out.detach()
                new_syn = alpha * syn + h1
                new_mem = (beta * mem + syn) * (1.0 - rst)
                mem_rec.append(mem)
                spk_rec.append(out)
                mem, syn = new_mem, new_syn
            spk_rec = torch.stack(spk_rec, dim=1)
            h2 = torch.einsum("abc,cd->abd", (spk_rec, w2))
            return readout_layer(h2, alpha, beta), spk_rec

        def step_loss(x, y):
            output, spks = run_snn(x)
            m, _ = torch.max(output, 1)
            # The tutorial's activity regulariser.
            reg = 2e-6 * torch.sum(spks) + 2e-6 * torch.mean(torch.sum(torch.sum(spks, dim=0), dim=0) ** 2)
            return loss_fn(log_softmax(m), y) + reg

    else:

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = torch.nn.Linear(nb_inputs, nb_hidden)
                self.rec = torch.nn.Linear(nb_hidden, nb_hidden)
                self.fc2 = torch.nn.Linear(nb_hidden, nb_outputs)

            def forward(self, x):
                b = x.shape[0]
                syn1 = torch.zeros(b, nb_hidden)
                mem1 = torch.zeros(b, nb_hidden)
                spk1 = torch.zeros(b, nb_hidden)
                syn2 = torch.zeros(b, nb_outputs)
                mem2 = torch.zeros(b, nb_outputs)
                mem2_rec, spk1_rec = [], []
                for t in range(nb_steps):
                    # RSynaptic: reset from the previous membrane (detached), current with recurrence.
                    reset = (mem1 - 1.0 > 0).float().detach()
                    syn1 = alpha * syn1 + self.fc1(x[:, t]) + self.rec(spk1)
                    mem1 = beta * mem1 + syn1 - reset * 1.0
                    spk1 = spike_fn(mem1 - 1.0)
                    # Readout: Synaptic without firing.
                    syn2 = alpha * syn2 + self.fc2(spk1)
                    mem2 = beta * mem2 + syn2
                    mem2_rec.append(mem2)
                    spk1_rec.append(spk1)
                return torch.stack(mem2_rec, dim=1), torch.stack(spk1_rec, dim=1)

        class ModelNet(torch.nn.Module):
            # The issue-13 neuron models, SpyTorch's step order (spike from the membrane at t,
            # detached zero reset), as their PyTorch code writes them.
            def __init__(self, model):
                super().__init__()
                self.model = model
                self.fc1 = torch.nn.Linear(nb_inputs, nb_hidden)
                self.rec = torch.nn.Linear(nb_hidden, nb_hidden)
                self.fc2 = torch.nn.Linear(nb_hidden, nb_outputs)
                logit = lambda d: float(np.log(d / (1 - d)))
                per_neuron = model in ("lif-tau", "adlif-learn")
                vec = lambda v: torch.nn.Parameter(torch.full((nb_hidden,), v)) if per_neuron else torch.tensor(v)
                self.z_beta = vec(logit(beta))
                self.z_alpha = torch.nn.Parameter(torch.full((nb_hidden,), logit(alpha))) if model == "lif-tau" else torch.tensor(logit(alpha))
                self.theta = torch.nn.Parameter(torch.ones(nb_hidden)) if model == "lif-tau" else torch.tensor(1.0)
                self.z_gamma = vec(logit(float(np.exp(-1 / 150))))
                self.a = vec(0.5)
                self.b = vec(1.0)
                self.q = 120.0
                self.max_delay = 25
                if model == "lif-delay":
                    self.delay = torch.nn.Parameter(torch.rand(nb_hidden, nb_inputs) * self.max_delay)
                    self.sigma = 12.5

            def input_drive(self, x):
                # [B, T, N]: fc1 of every step, or (lif-delay) the delayed kernel as one causal conv1d.
                if self.model != "lif-delay":
                    return None
                k = torch.arange(self.max_delay + 1, dtype=torch.float32)
                g = torch.exp(-((k - self.delay[..., None]) ** 2) / (2 * self.sigma**2))
                g = g / g.sum(-1, keepdim=True)
                # conv1d correlates: output t reads input t + j - K + 1, i.e. delay K - 1 - j.
                kernel = (self.fc1.weight[..., None] * g).flip(-1)
                xt = torch.nn.functional.pad(x.transpose(1, 2), (self.max_delay, 0))
                return torch.nn.functional.conv1d(xt, kernel, self.fc1.bias).transpose(1, 2)

            def forward(self, x):
                bsz = x.shape[0]
                syn1 = torch.zeros(bsz, nb_hidden)
                mem1 = torch.zeros(bsz, nb_hidden)
                w1 = torch.zeros(bsz, nb_hidden)
                syn2 = torch.zeros(bsz, nb_outputs)
                mem2 = torch.zeros(bsz, nb_outputs)
                spk1 = torch.zeros(bsz, nb_hidden)
                adaptive = self.model.startswith("adlif")
                al, be, ga = torch.sigmoid(self.z_alpha), torch.sigmoid(self.z_beta), torch.sigmoid(self.z_gamma)
                a = self.a.clamp(0, 1) if adaptive else None
                b = self.b.clamp(0, 2) if adaptive else None
                mem2_rec, spk1_rec = [], []
                delayed = self.input_drive(x)
                for t in range(nb_steps):
                    spk1 = spike_fn(mem1 - self.theta)
                    rst = spk1.detach()
                    h1 = (delayed[:, t] if delayed is not None else self.fc1(x[:, t])) + self.rec(spk1)
                    if adaptive:
                        r = mem1 * (1.0 - rst)
                        w1 = ga * w1 + (1 - ga) * self.q * (a * r + b * spk1)
                        mem1 = (be * mem1 + syn1 - w1) * (1.0 - rst)
                    else:
                        mem1 = (be * mem1 + syn1) * (1.0 - rst)
                    syn1 = al * syn1 + h1
                    syn2 = alpha * syn2 + self.fc2(spk1)
                    mem2 = beta * mem2 + syn2
                    mem2_rec.append(mem2)
                    spk1_rec.append(spk1)
                return torch.stack(mem2_rec, dim=1), torch.stack(spk1_rec, dim=1)

        net = Net() if args.model == "lif" else ModelNet(args.model)
        params = list(net.parameters())

        def step_loss(x, y):
            mem, spks = net(x)
            m, _ = torch.max(mem, 1)
            reg = 2e-6 * torch.sum(spks) + 2e-6 * torch.mean(torch.sum(torch.sum(spks, dim=0), dim=0) ** 2)
            return loss_fn(log_softmax(m), y) + reg

    optimizer = torch.optim.Adamax(params, lr=2e-4, betas=(0.9, 0.999))
    times, cpu_times = [], []
    for i, (x, y) in enumerate(batches):
        t0 = time.perf_counter()
        c0 = time.process_time()
        loss = step_loss(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i >= args.warmup:
            times.append((time.perf_counter() - t0) * 1000)
            cpu_times.append((time.process_time() - c0) * 1000)
    print(json.dumps({
        "impl": f"pytorch-{args.impl}",
        "model": args.model,
        "hidden": nb_hidden,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "ms_per_batch_median": statistics.median(times),
        "cpu_ms_per_batch_median": statistics.median(cpu_times),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
