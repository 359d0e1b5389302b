"""PyTorch twin of apps/lab/src/demo/conv-vae.ts, for `disentangle bench`.

Times one Adam training step of the same conv VAE (same layers, same loss) on a fixed
batch and prints one JSON line: {"ms_per_step": [...], "threads": n, "torch": version,
"ops_per_step": {"compute": n, "leaf": n, "all": n}}. ops_per_step counts the aten operators
of one more step under torch.autograd.profiler: "all" every aten call, "leaf" those that call
no other aten operator, and "compute" the leaves that compute, leaving out views, allocations,
metadata and scalar reads (METADATA_OPS): the counterpart of a tfjs dispatch.
Run by the bench command as: /usr/bin/python3 torch_conv_vae.py --threads N --steps S.
"""
import argparse
import json
import time

import torch
from torch import nn
import torch.nn.functional as F


class ConvVae(nn.Module):
    def __init__(self, size: int = 32, latent: int = 16):
        super().__init__()
        s = size // 4
        self.s = s
        self.enc1 = nn.Conv2d(1, 32, 3, stride=2, padding=1)
        self.enc2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.enc_dense = nn.Linear(s * s * 64, 2 * latent)
        self.dec_dense = nn.Linear(latent, s * s * 64)
        self.dec1 = nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1)
        self.dec2 = nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1)

    def loss(self, x):
        h = F.relu(self.enc2(F.relu(self.enc1(x))))
        mu, log_var = self.enc_dense(h.flatten(1)).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        g = F.relu(self.dec_dense(z)).view(-1, 64, self.s, self.s)
        logits = self.dec2(F.relu(self.dec1(g)))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1).mean()
        kl = 0.5 * (mu.pow(2) + log_var.exp() - log_var - 1).sum(1).mean()
        return rec + kl


def bench_arguments(batch=64, steps=20):
    """The twins' shared flags; sets torch's threads and seed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=batch)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    return args


def adam_step(model, opt, x):
    """One training step; the loss read waits for it to finish (CUDA is asynchronous)."""
    opt.zero_grad()
    loss = model.loss(x)
    loss.backward()
    opt.step()
    loss.item()


def time_steps(model, opt, x, args):
    """Milliseconds of each step after the warm-up ones."""
    times = []
    for i in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        adam_step(model, opt, x)
        if i >= args.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main():
    args = bench_arguments()
    device = torch.device(args.device)
    model = ConvVae().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = (torch.rand(args.batch, 1, 32, 32, device=device) > 0.7).float()
    times = time_steps(model, opt, x, args)
    print(json.dumps({"ms_per_step": times, "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "device": args.device, "ops_per_step": count_ops(model, opt, x)}))


# Leaf operators that move no numbers: views, allocations, metadata, reads of a scalar.
METADATA_OPS = {
    "aten::as_strided", "aten::as_strided_", "aten::select", "aten::slice", "aten::narrow", "aten::view",
    "aten::_reshape_alias", "aten::reshape", "aten::transpose", "aten::t", "aten::expand", "aten::unsqueeze",
    "aten::squeeze", "aten::permute", "aten::detach", "aten::alias", "aten::empty", "aten::empty_strided",
    "aten::empty_like", "aten::resize_", "aten::result_type", "aten::resolve_conj", "aten::resolve_neg",
    "aten::to", "aten::item", "aten::_local_scalar_dense", "aten::lift_fresh",
}


def count_ops(model, opt, x):
    """aten operators of one training step (forward, backward, Adam), counted by the profiler."""
    with torch.autograd.profiler.profile() as prof:
        adam_step(model, opt, x)
    aten = [e for e in prof.function_events if e.name.startswith("aten::")]
    leaf = [e for e in aten if not any(c.name.startswith("aten::") for c in e.cpu_children)]
    compute = [e for e in leaf if e.name not in METADATA_OPS]
    return {"compute": len(compute), "leaf": len(leaf), "all": len(aten)}


if __name__ == "__main__":
    main()
