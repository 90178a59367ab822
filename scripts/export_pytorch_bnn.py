#!/usr/bin/env python3
"""Example: export a BNN trained in PyTorch to the spincim model-file format.

Not run by the tests (torch is not a Debian package here). The format is documented in
include/spincim/network/bnn_model.hpp. Expected PyTorch structure: a list of
(nn.Linear without bias, nn.BatchNorm1d) pairs; the forward pass binarises the Linear weights
with sign() (sign(0) = +1), applies batch norm, and binarises the activations of every pair but
the last. If the network was trained with the array partitioning (P-column groups, each partial
sum binarised before the digital sum, as spincim's train_bnn does), write that P as `partition`;
a network trained without partitioning must be written with `partition 0` (software only).

Batch-norm folding (inference mode, running statistics mu, var; affine gamma, beta; eps):
  sign layers:  out = +1 iff dir * (a - theta) >= 0, theta = mu - beta*sigma/gamma, dir = sign(gamma)
  score layer:  score = scale * a + offset, scale = gamma/sigma, offset = beta - gamma*mu/sigma
with sigma = sqrt(var + eps).

Usage (inside your own training script):
    from export_pytorch_bnn import export
    export(pairs, "model.bnn", partition=128, first_layer_real=True)
"""
import math


def _weights(linear):
    w = linear.weight.detach().cpu()
    return [[1 if v >= 0 else -1 for v in row.tolist()] for row in w]


def export(pairs, path, partition=0, first_layer_real=True):
    lines = ["spincim-bnn 1", f"partition {int(partition)}"]
    for index, (linear, bn) in enumerate(pairs):
        w = _weights(linear)
        j, k = len(w), len(w[0])
        last = index == len(pairs) - 1
        kind = "real" if index == 0 and first_layer_real else "binary"
        lines.append(f"layer {kind} {k} {j} {'score' if last else 'sign'}")
        lines.extend(" ".join(str(v) for v in row) for row in w)
        mu = bn.running_mean.tolist()
        var = bn.running_var.tolist()
        gamma = bn.weight.tolist() if bn.affine else [1.0] * j
        beta = bn.bias.tolist() if bn.affine else [0.0] * j
        for m, v, g, b in zip(mu, var, gamma, beta):
            sigma = math.sqrt(v + bn.eps)
            if last:
                lines.append(f"{g / sigma!r} {b - g * m / sigma!r}")
            elif g == 0.0:
                lines.append(f"{-1e30 if b >= 0 else 1e30!r} 1")
            else:
                lines.append(f"{m - b * sigma / g!r} {1 if g > 0 else -1}")
    lines.append("end")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    print(__doc__)
