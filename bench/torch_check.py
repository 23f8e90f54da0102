"""Cross-check of Spikewright's time convention against the SpyTorch tutorial-2 code itself:
reads {alpha, beta, scale, steps, w1, w2 (row-major), shape, batches: [{events: [[b, t, u]...],
labels}]} as JSON on stdin, runs SpyTorch's run_snn + max-over-time NLL on each batch, and
prints {loss, grad_w1, grad_w2} per batch as JSON (float64 throughout, so differences are
the implementations', not rounding). Used by bench/engine-vs-torch.ts.
"""
import json
import sys

import torch

from spytorch import SurrGradSpike, lif_layer, readout_layer

torch.set_default_dtype(torch.float64)
# A correctness check (gradients compared to ours), never timed: one thread keeps sums in a fixed order.
torch.set_num_threads(1)




def main():
    req = json.load(sys.stdin)
    SurrGradSpike.scale = req["scale"]
    spike_fn = SurrGradSpike.apply
    alpha, beta, nb_steps = req["alpha"], req["beta"], req["steps"]
    nb_inputs, nb_hidden, nb_outputs = req["shape"]
    out = []
    for batch in req["batches"]:
        w1 = torch.tensor(req["w1"]).reshape(nb_inputs, nb_hidden).requires_grad_(True)
        w2 = torch.tensor(req["w2"]).reshape(nb_hidden, nb_outputs).requires_grad_(True)
        labels = torch.tensor(batch["labels"], dtype=torch.long)
        B = len(batch["labels"])
        inputs = torch.zeros((B, nb_steps, nb_inputs))
        for b, t, u in batch["events"]:
            inputs[b, t, u] = 1.0
        # SpyTorch tutorial 2, run_snn, verbatim but for the sizes (bench/spytorch.py).
        h1 = torch.einsum("abc,cd->abd", (inputs, w1))
        spk_rec = lif_layer(h1, alpha, beta, spike_fn)
        h2 = torch.einsum("abc,cd->abd", (spk_rec, w2))
        out_rec = readout_layer(h2, alpha, beta)
        m, _ = torch.max(out_rec, 1)
        loss = torch.nn.NLLLoss()(torch.nn.LogSoftmax(dim=1)(m), labels)
        loss.backward()
        out.append({
            "loss": loss.item(),
            "grad_w1": w1.grad.flatten().tolist(),
            "grad_w2": w2.grad.flatten().tolist(),
            "spikes": int(spk_rec.sum().item()),
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
