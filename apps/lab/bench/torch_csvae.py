"""PyTorch twin of @disentangle/csvae's CSVAE image model at the reproduction's sizes, for issue 17.

CSVAE (Klys et al. 2018) on 32x32x3 faces with one label, batch 64, with the package's image
defaults: z and w encoders of stride-2 4x4 convs [16, 32, 64] (batch norm, ReLU) and a dense
trunk of 128 (batch norm, ReLU; the w encoder also sees y), linear Gaussian heads (z: 14, w: 2
per label), a decoder that mirrors them (dense 128, dense to 4x4x64, 4x4 stride-2 transposed
convs to 32x32x3, sigmoid mean), and the adversary q(y | z) (64, 64). The step is the coupled
update: M1 + beta4 M2 for the encoders and decoder (M2 through a detached copy of the
adversary's weights), the adversary's cross-entropy N on a detached z, both gradients at the
same weights from one backward, then Adam (per parameter, so one optimizer is the package's
two). Times it and counts its aten operators as torch_conv_vae.py does; prints one JSON line.
   /usr/bin/python3 apps/lab/bench/torch_csvae.py --threads 1 --steps 10
"""
import json

import torch
from torch import nn
import torch.nn.functional as F

from torch_conv_vae import bench_arguments, count_ops, time_steps

STAGES = [16, 32, 64]


def conv_encoder(channels=3):
    layers, cin = [], channels
    for out in STAGES:
        layers += [nn.Conv2d(cin, out, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU()]
        cin = out
    return nn.Sequential(*layers, nn.Flatten())


def trunk(width, hidden=128):
    return nn.Sequential(nn.Linear(width, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU())


class Csvae(nn.Module):
    def __init__(self, labels=1, z_dim=14, w_dim=2, size=32):
        super().__init__()
        side = size // 8
        self.z_conv, self.z_trunk, self.z_head = conv_encoder(), trunk(side * side * 64), nn.Linear(128, 2 * z_dim)
        self.w_conv, self.w_trunk, self.w_head = conv_encoder(), trunk(side * side * 64 + labels), nn.Linear(128, 2 * labels * w_dim)
        nn.init.zeros_(self.w_head.weight)
        nn.init.zeros_(self.w_head.bias)
        self.decoder_dense = nn.Sequential(trunk(z_dim + labels * w_dim), nn.Linear(128, side * side * 64, bias=False), nn.BatchNorm1d(side * side * 64), nn.ReLU())
        deconvs, cin = [], 64
        for out in [32, 16]:
            deconvs += [nn.ConvTranspose2d(cin, out, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU()]
            cin = out
        self.deconvs = nn.Sequential(*deconvs, nn.ConvTranspose2d(16, 3, 4, stride=2, padding=1))
        self.adversary = nn.Sequential(nn.Linear(z_dim, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, labels))
        self.side, self.labels, self.w_dim = side, labels, w_dim

    def adversary_logits(self, z, frozen):
        """q(y | z)'s logits; `frozen`: through detached weights, so no gradient reaches the adversary."""
        h = z
        for layer in self.adversary:
            h = F.linear(h, layer.weight.detach(), layer.bias.detach()) if frozen and isinstance(layer, nn.Linear) else layer(h)
        return h

    def losses(self, x, y):
        z_mu, z_log_var = self.z_head(self.z_trunk(self.z_conv(x))).chunk(2, 1)
        w_mu, w_log_var = self.w_head(self.w_trunk(torch.cat([self.w_conv(x), y], 1))).chunk(2, 1)
        z = z_mu + torch.exp(0.5 * z_log_var) * torch.randn_like(z_mu)
        w = w_mu + torch.exp(0.5 * w_log_var) * torch.randn_like(w_mu)
        h = self.decoder_dense(torch.cat([z, w], 1)).view(-1, 64, self.side, self.side)
        mean = torch.sigmoid(self.deconvs(h))
        reconstruction = ((x - mean) ** 2).flatten(1).sum(1).mean()
        # p(w | y): N(3, 1) where the label is on, N(0, 0.1^2) where it is off (the paper's priors).
        on = y.repeat_interleave(self.w_dim, 1)
        prior_mean, prior_log_var = 3 * on, torch.log(on + (1 - on) * 0.01)
        kl_w = 0.5 * (prior_log_var - w_log_var + (torch.exp(w_log_var) + (w_mu - prior_mean) ** 2) / torch.exp(prior_log_var) - 1).sum(1).mean()
        kl_z = 0.5 * (z_mu ** 2 + torch.exp(z_log_var) - z_log_var - 1).sum(1).mean()
        q = torch.sigmoid(self.adversary_logits(z, frozen=True))
        entropy = (q * torch.log(q + 1e-8) + (1 - q) * torch.log(1 - q + 1e-8)).sum(1).mean()
        model = 100 * reconstruction + kl_w + 0.2 * kl_z + 100 * entropy
        adversary = F.binary_cross_entropy_with_logits(self.adversary_logits(z.detach(), frozen=False), y)
        return model, adversary


class CoupledStep(nn.Module):
    """adam_step's `.loss(x)`: both phases' losses, summed; each reaches only its own parameters."""
    def __init__(self, y):
        super().__init__()
        self.csvae = Csvae()
        self.y = y

    def loss(self, x):
        model, adversary = self.csvae.losses(x, self.y)
        return model + adversary


def main():
    args = bench_arguments(batch=64, steps=10)
    device = torch.device(args.device)
    y = (torch.rand(args.batch, 1, device=device) > 0.7).float()
    step = CoupledStep(y).to(device)
    opt = torch.optim.Adam(step.parameters(), lr=3e-3)
    x = torch.rand(args.batch, 3, 32, 32, device=device)
    times = time_steps(step, opt, x, args)
    print(json.dumps({"model": "csvae image 32x32x3", "ms_per_step": times, "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "device": args.device, "ops_per_step": count_ops(step, opt, x)}))


if __name__ == "__main__":
    main()
