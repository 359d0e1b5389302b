"""PyTorch twin of @disentangle/flows' Glow at CAGlow's reproduction sizes, for issue 17.

Glow 2x8 (Kingma & Dhariwal 2018, Fig. 2) on 16x16x3 inputs quantised to 5 bits, hidden 64,
batch 32, as packages/flows builds it: per level squeeze -> 8 x [ActNorm -> invertible 1x1 conv
(LU) -> affine coupling (conv 3x3 -> ReLU -> conv 1x1 -> ReLU -> zero conv 3x3, scale
sigmoid(h + 2))] -> split prior (a zero conv on the kept half) on all levels but the last, and
a learned top prior. The loss is bits per dimension with uniform dequantisation noise. Times
one Adam step and counts its aten operators the way torch_conv_vae.py does, printing one JSON
line: {"ms_per_step": [...], "threads": n, "torch": version, "ops_per_step": {...}}.
   /usr/bin/python3 apps/lab/bench/torch_glow.py --threads 1 --steps 10
"""
import json
import math

import torch
from torch import nn
import torch.nn.functional as F

from torch_conv_vae import bench_arguments, count_ops, time_steps


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, c, 1, 1))

    def forward(self, x):
        h, w = x.shape[2:]
        return (x + self.bias) * torch.exp(self.log_scale), h * w * self.log_scale.sum()


class InvConvLU(nn.Module):
    def __init__(self, c):
        super().__init__()
        q, _ = torch.linalg.qr(torch.randn(c, c))
        p, l, u = torch.linalg.lu(q)
        s = torch.diagonal(u)
        self.register_buffer("p", p)
        self.register_buffer("sign_s", torch.sign(s))
        self.register_buffer("l_mask", torch.tril(torch.ones(c, c), -1))
        self.register_buffer("eye", torch.eye(c))
        self.l = nn.Parameter(l)
        self.log_s = nn.Parameter(torch.log(torch.abs(s)))
        self.u = nn.Parameter(torch.triu(u, 1))

    def forward(self, x):
        l = self.l * self.l_mask + self.eye
        u = self.u * self.l_mask.T + torch.diag(self.sign_s * torch.exp(self.log_s))
        weight = self.p @ l @ u
        h, w = x.shape[2:]
        return F.conv2d(x, weight.unsqueeze(2).unsqueeze(3)), h * w * self.log_s.sum()


class ZeroConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv.weight.data.zero_()
        self.conv.bias.data.zero_()
        self.log_scale = nn.Parameter(torch.zeros(1, cout, 1, 1))

    def forward(self, x):
        return self.conv(x) * torch.exp(3 * self.log_scale)


class Coupling(nn.Module):
    def __init__(self, c, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c // 2, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, hidden, 1), nn.ReLU(), ZeroConv(hidden, c))
        for conv in (self.net[0], self.net[2]):
            conv.weight.data.normal_(0, 0.05)
            conv.bias.data.zero_()

    def forward(self, x):
        xa, xb = x.chunk(2, 1)
        h = self.net(xa)
        shift, raw = h[:, 0::2], h[:, 1::2]
        log_scale = -F.softplus(-(raw + 2))
        return torch.cat([xa, (xb + shift) * torch.exp(log_scale)], 1), log_scale.flatten(1).sum(1)


def squeeze(x):
    n, c, h, w = x.shape
    x = x.view(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * 4, h // 2, w // 2)


def gaussian_logp(x, mean, log_scale):
    return (-0.5 * math.log(2 * math.pi) - log_scale - 0.5 * (x - mean) ** 2 * torch.exp(-2 * log_scale)).flatten(1).sum(1)


class Glow(nn.Module):
    def __init__(self, channels=3, size=16, levels=2, steps=8, hidden=64, n_bits=5):
        super().__init__()
        self.n_bins = 2 ** n_bits
        self.levels = nn.ModuleList()
        self.splits = nn.ModuleList()
        c, s = channels, size
        for level in range(levels):
            c, s = c * 4, s // 2
            layers = nn.ModuleList()
            for _ in range(steps):
                layers.append(nn.ModuleList([ActNorm(c), InvConvLU(c), Coupling(c, hidden)]))
            self.levels.append(layers)
            if level < levels - 1:
                self.splits.append(ZeroConv(c // 2, c))
                c = c // 2
        self.top = nn.Parameter(torch.zeros(1, 2 * c, s, s))
        self.dims = channels * size * size

    def loss(self, x):
        n = x.shape[0]
        h = x + torch.rand_like(x) / self.n_bins - 0.5
        log_det = torch.zeros(n, device=x.device)
        log_p = torch.zeros(n, device=x.device)
        for level, layers in enumerate(self.levels):
            h = squeeze(h)
            for actnorm, invconv, coupling in layers:
                h, d = actnorm(h)
                log_det = log_det + d
                h, d = invconv(h)
                log_det = log_det + d
                h, d = coupling(h)
                log_det = log_det + d
            if level < len(self.splits):
                kept, factored = h.chunk(2, 1)
                p = self.splits[level](kept)
                log_p = log_p + gaussian_logp(factored, p[:, 0::2], p[:, 1::2])
                h = kept
        log_p = log_p + gaussian_logp(h, self.top[:, 0::2], self.top[:, 1::2])
        nll = -(log_p + log_det) + self.dims * math.log(self.n_bins)
        return (nll / (self.dims * math.log(2))).mean()


def main():
    args = bench_arguments(batch=32, steps=10)
    device = torch.device(args.device)
    model = Glow().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.floor(torch.rand(args.batch, 3, 16, 16, device=device) * 32) / 32
    times = time_steps(model, opt, x, args)
    print(json.dumps({"model": "glow 2x8 hidden 64", "ms_per_step": times, "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "device": args.device, "ops_per_step": count_ops(model, opt, x)}))


if __name__ == "__main__":
    main()
