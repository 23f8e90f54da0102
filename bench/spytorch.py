"""The SpyTorch tutorial's surrogate spike function (fast sigmoid, SuperSpike) and its layer loops,
shared by the PyTorch reference scripts in bench/. Timed scripts call `use_threads` first: torch's
default here is one thread, and a reference gets the threads our side uses."""
import torch


def use_threads(threads):
    """torch.set_num_threads(threads), the count our side of a benchmark uses; returns it."""
    torch.set_num_threads(threads)
    return torch.get_num_threads()


class SurrGradSpike(torch.autograd.Function):
    """Heaviside forward; 1/(scale*|x|+1)^2 backward. Set `SurrGradSpike.scale` before use."""

    scale = 100.0

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        out = torch.zeros_like(input)
        out[input > 0] = 1.0
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output.clone() / (SurrGradSpike.scale * torch.abs(input) + 1.0) ** 2


def lif_layer(h, alpha, beta, spike_fn, threshold=1.0):
    """SpyTorch tutorial 2's hidden loop (`run_snn`): h is the input drive [B, T, N]; returns the
    spike record [B, T, N]. Zero reset detached from the graph, as in the tutorial."""
    batch, steps, units = h.shape
    syn = torch.zeros((batch, units))
    mem = torch.zeros((batch, units))
    spk_rec = []
    for t in range(steps):
        out = spike_fn(mem - threshold)
        rst = out.detach()
        new_syn = alpha * syn + h[:, t]
        new_mem = (beta * mem + syn) * (1.0 - rst)
        spk_rec.append(out)
        mem, syn = new_mem, new_syn
    return torch.stack(spk_rec, dim=1)


def readout_layer(h, alpha, beta):
    """SpyTorch tutorial 2's readout: a leaky integrator of the drive h [B, T, N]; returns the
    membrane record [B, T + 1, N] with the initial zero included (the tutorial's out_rec)."""
    batch, steps, units = h.shape
    flt = torch.zeros((batch, units))
    out = torch.zeros((batch, units))
    out_rec = [out]
    for t in range(steps):
        new_flt = alpha * flt + h[:, t]
        new_out = beta * out + flt
        flt, out = new_flt, new_out
        out_rec.append(out)
    return torch.stack(out_rec, dim=1)
