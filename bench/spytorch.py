"""The SpyTorch tutorial's surrogate spike function (fast sigmoid, SuperSpike), shared by the
PyTorch reference scripts in bench/."""
import torch


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
