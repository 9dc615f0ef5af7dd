"""The Python side of the benchmark rows resnet and unet (bench_torch.py dispatches here): the training loops of
chapters 4 and 12 as their notebooks run them in the default profile, written in idiomatic PyTorch, layer for layer
the library's networks (org.nnzoo.models.ResNet.compact, org.nnzoo.models.UNet), with the same batch size,
optimiser, learning-rate schedule, loss and per-step extras as org.nnzoo.bench.ConvBench.

resnet: ResNet.compact(32, 10) on MNIST digits shifted by -2..2 pixels (the notebook's RandomShifts, zero fill; here
        a zero pad of 2 and a random 28x28 crop per image), batch 128, Adam (betas 0.9/0.999, eps 1e-8, no weight
        decay) under a one-cycle schedule (peak 3e-3, 30 % linear warm-up from peak/25, cosine down to peak/1e4; no
        momentum cycling), cross-entropy, correct predictions counted every step.
unet:   the class-conditional U-Net of chapter 12 (width 32, 2x2 patches, 10 classes + "no label"), DDPM with T = 1000,
        cosine noise schedule, v-prediction, labels dropped with probability 0.15, plain MSE on v (the notebook's
        class-conditional data carries no Min-SNR weight), batch 64, Adam with a linear warm-up from lr/10 over
        min(200, steps/10) steps then DJL's cosine tracker from 4e-3 to 2e-4, and an EMA of the weights (decay 0.995
        with the (1+n)/(10+n) warm-up of the library's Ema) after every step.

One unit is one training image. Prints the parameter count (trained, and with batch norm's running statistics) to
compare with the Java side's line, and each epoch's mean loss (plus the first and last batch's loss).
"""
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel

from bench_torch import Clock, load


# ----------------------------------------------------------------------------------------------- chapter 4: ResNet

class BasicBlock(nn.Module):
    """ResNet.basicBlock: relu(BN(conv3x3(relu(BN(conv3x3/s(x))))) + shortcut(x)); the shortcut is the identity or
    a 1x1 convolution with batch norm (projection) where the width or resolution changes. Convolutions without bias;
    BatchNorm2d's defaults (eps 1e-5, momentum 0.1) are DJL's BatchNorm (eps 1e-5, momentum 0.9 = 1 - 0.1)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + self.shortcut(x))


class CompactResNet(nn.Module):
    """ResNet.compact(width, classes): 3x3 stem (no bias), BN, ReLU, 2x2 max-pool; one basic block at width (14x14),
    2 width (stride 2, 7x7), 4 width (stride 2, 4x4); global average pool; linear."""

    def __init__(self, width=32, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                                  nn.MaxPool2d(2))
        self.stages = nn.Sequential(BasicBlock(width, width, 1), BasicBlock(width, 2 * width, 2),
                                    BasicBlock(2 * width, 4 * width, 2))
        self.head = nn.Linear(4 * width, classes)

    def forward(self, x):
        h = self.stages(self.stem(x))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))


def random_shifts(xb, max_shift, gen):
    """Each image moved by a whole number of pixels dx, dy uniform in [-max_shift, max_shift], zero fill: a zero pad
    and a random crop (what torchvision's RandomCrop(28, padding=2) does), done for the whole batch by indexing."""
    n, _, rows, cols = xb.shape
    padded = F.pad(xb, (max_shift, max_shift, max_shift, max_shift))
    oy = torch.randint(0, 2 * max_shift + 1, (n, 1), generator=gen)
    ox = torch.randint(0, 2 * max_shift + 1, (n, 1), generator=gen)
    r = (torch.arange(rows) + oy)[:, None, :, None]  # (n, 1, rows, 1)
    c = (torch.arange(cols) + ox)[:, None, None, :]  # (n, 1, 1, cols)
    return padded[torch.arange(n)[:, None, None, None], torch.arange(xb.shape[1])[None, :, None, None], r, c]


# ----------------------------------------------------------------------------------------------- chapter 12: U-Net

class Res(nn.Module):
    """UNet.Res: h = conv3x3(SiLU(GN(x))) + linear(SiLU(e)) per channel; h = conv3x3(SiLU(GN(h))); out = h + skip(x),
    skip a 1x1 convolution (with bias) where the width changes. GroupNorm: 4 groups, eps 1e-5, per-channel affine."""

    def __init__(self, cin, cout, emb_dim):
        super().__init__()
        self.norm1 = nn.GroupNorm(4, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout)
        self.norm2 = nn.GroupNorm(4, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(e))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class UNet(nn.Module):
    """org.nnzoo.models.UNet(1x28x28, width, patch 2, classes): the image as 2x2 patches (N, 4, 14, 14); stem conv3x3 c;
    res(c) = s1; conv3x3/2 2c; res(2c) = s2 (7x7); res(2c); concat s2 -> res(4c -> 2c); upsample x2 (nearest), concat
    s1 -> res(3c -> c); GroupNorm, SiLU, conv3x3 4 -> 2x2 pixels. Time: sinusoidal(4c) -> linear, SiLU, linear; the
    class (or "no label" = classes) adds a learned vector: nn.Embedding(classes + 1, 4c), the same weights and values as
    the library's bias-free linear map of the one-hot vector."""

    def __init__(self, width=32, classes=10, channels=1):
        super().__init__()
        c, self.emb_dim = width, 4 * width
        self.temb1 = nn.Linear(self.emb_dim, self.emb_dim)
        self.temb2 = nn.Linear(self.emb_dim, self.emb_dim)
        self.label = nn.Embedding(classes + 1, self.emb_dim)
        self.stem = nn.Conv2d(4 * channels, c, 3, padding=1)
        self.res1 = Res(c, c, self.emb_dim)
        self.down1 = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)
        self.res2 = Res(2 * c, 2 * c, self.emb_dim)
        self.mid = Res(2 * c, 2 * c, self.emb_dim)
        self.up2 = Res(4 * c, 2 * c, self.emb_dim)
        self.up1 = Res(3 * c, c, self.emb_dim)
        self.out_norm = nn.GroupNorm(4, c)
        self.out_conv = nn.Conv2d(c, 4 * channels, 3, padding=1)
        half = self.emb_dim // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half) / half), persistent=False)

    def forward(self, x, t, y):
        angles = t[:, None] * self.freqs[None, :]
        e = self.temb2(F.silu(self.temb1(torch.cat([angles.sin(), angles.cos()], 1))))
        e = e + self.label(y)
        s1 = self.res1(self.stem(F.pixel_unshuffle(x, 2)), e)  # space to depth: channel 2 dy + dx, as UNet.toPatches
        s2 = self.res2(self.down1(s1), e)
        h = self.mid(s2, e)
        h = self.up2(torch.cat([h, s2], 1), e)
        h = self.up1(torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), s1], 1), e)
        return F.pixel_shuffle(self.out_conv(F.silu(self.out_norm(h))), 2)


def cosine_alpha_bars(steps, s=0.008):
    """NoiseSchedule.cosine: beta_t = min(1 - f(t+1)/f(t), 0.999), f(t) = cos^2(((t/T + s)/(1 + s)) pi/2)."""
    t = np.arange(steps + 1, dtype=np.float64)
    f = np.cos(((t / steps + s) / (1 + s)) * math.pi / 2) ** 2
    beta = np.minimum(1 - f[1:] / f[:-1], 0.999)
    return torch.from_numpy(np.cumprod(1 - beta))


def ema_model(model, decay):
    """The library's Ema as torch's AveragedModel: shadow <- e shadow + (1 - e) theta with e = min(decay, (1 + n)/(10 + n))
    after n updates (the first update copies). torch >= 2.1: a multi_avg_fn, fused over all parameters like torch's own
    get_ema_multi_avg_fn; older torch (Debian's 1.13) has only the per-parameter avg_fn."""

    def weight(n_averaged):
        n = int(n_averaged)
        return 1 - min(decay, (1.0 + n) / (10.0 + n))

    @torch.no_grad()
    def update_all(ema_params, params, n_averaged):
        torch._foreach_lerp_(ema_params, params, weight(n_averaged))

    def update_one(ema_param, param, n_averaged):
        return ema_param.lerp(param, weight(n_averaged))

    try:
        return AveragedModel(model, multi_avg_fn=update_all)
    except TypeError:  # torch < 2.1
        return AveragedModel(model, avg_fn=update_one)


# ----------------------------------------------------------------------------------------------- the loop

def count_parameters(model):
    trained = sum(p.numel() for p in model.parameters())
    stats = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    return trained, trained + stats


def run(args):
    n_all = load(args.data, "mnist_y.i32", np.int32).shape[0]
    n = min(args.samples, n_all)
    x = load(args.data, "mnist_x.f32", np.float32)[: n * 784].reshape(n, 1, 28, 28)
    y = load(args.data, "mnist_y.i32", np.int32)[:n].long()
    # the notebooks' batch sizes (resnet 128, unet 64) unless --batch is given (bench_torch's default is 128)
    batch = args.batch if "--batch" in sys.argv or args.model == "resnet" else 64
    steps_per_epoch = (n + batch - 1) // batch
    total = args.epochs * steps_per_epoch
    gen = torch.Generator().manual_seed(42)
    ema = None
    if args.model == "resnet":
        model = CompactResNet(32, 10)
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=total, pct_start=0.3,
                                                        anneal_strategy="cos", cycle_momentum=False, div_factor=25,
                                                        final_div_factor=1e4 / 25)

        def make_batch(idx):
            return (random_shifts(x.index_select(0, idx), 2, gen),), y.index_select(0, idx)

        def loss_of(pred, target):
            return F.cross_entropy(pred, target)
    elif args.model == "unet":
        x = x * 2 - 1  # pixels to [-1, 1], once (Ddpm.toModelScale)
        classes, drop_label, steps = 10, 0.15, 1000
        alpha_bars = cosine_alpha_bars(steps)
        sqrt_ab, sqrt_1m_ab = alpha_bars.sqrt().float(), (1 - alpha_bars).sqrt().float()
        model = UNet(32, classes)
        ema = ema_model(model, 0.995)
        lr = 4e-3
        optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
        warm = min(200, total // 10)

        def lr_factor(k):  # DJL's WarmUpTracker(linear from lr/10) around CosineTracker(lr -> lr/20, maxUpdates total)
            u = k + 1      # DJL counts updates from 1
            if u < warm:
                return (lr / 10 + (lr - lr / 10) * u / warm) / lr
            c = u - warm
            if c > total:
                return 1 / 20
            return (lr / 20 + (lr - lr / 20) / 2 * (1 + math.cos(math.pi * c / total))) / lr

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)

        def make_batch(idx):
            x0 = x.index_select(0, idx)
            t = torch.randint(0, steps, (idx.shape[0],), generator=gen)
            eps = torch.randn(x0.shape, generator=gen)
            a, s = sqrt_ab[t].view(-1, 1, 1, 1), sqrt_1m_ab[t].view(-1, 1, 1, 1)
            xt = a * x0 + s * eps                       # x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
            v = a * eps - s * x0                        # the target: v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0
            yb = torch.where(torch.rand(idx.shape[0], generator=gen) < drop_label, classes, y.index_select(0, idx))
            return (xt, t.float(), yb), v

        def loss_of(pred, target):
            return F.mse_loss(pred, target)
    else:
        raise SystemExit(f"bench_torch_conv: resnet or unet, not {args.model}")
    trained, with_stats = count_parameters(model)
    print(f"python {args.model} parameters: {trained} trained, {with_stats} with running statistics", flush=True)
    classify = args.model == "resnet"
    clock = Clock()
    phases = os.environ.get("NNZOO_FIT_PHASES") == "1"
    tick = time.perf_counter if phases else (lambda: 0.0)
    names = ("next batch", "forward", "loss", "backward", "optimizer step (with zero_grad, lr schedule)", "ema",
             "loss read", "correct count")
    model.train()
    first_loss, last_loss, loss_mean, lr_used = None, 0.0, 0.0, 0.0
    for epoch in range(args.epochs):
        clock.start()
        order = torch.randperm(n, generator=gen)
        loss_sum, correct, batches, spent = 0.0, 0, 0, [0.0] * len(names)
        for first in range(0, n, batch):
            a = tick()
            idx = order[first:first + batch]
            inputs, target = make_batch(idx)
            b = tick()
            pred = model(*inputs)
            c = tick()
            loss = loss_of(pred, target)
            d = tick()
            optimizer.zero_grad()
            loss.backward()
            e = tick()
            lr_used = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            f = tick()
            if ema is not None:
                ema.update_parameters(model)
            g = tick()
            last_loss = loss.item()
            h = tick()
            if classify:
                correct += (pred.argmax(1) == target).sum().item()
            i = tick()
            if first_loss is None:
                first_loss = last_loss
            loss_sum += last_loss * idx.shape[0]
            batches += 1
            if phases:
                for k, dt in enumerate((b - a, c - b, d - c, e - d, f - e, g - f, h - g, i - h)):
                    spent[k] += dt
        clock.stop(n)
        if phases:
            print(f"python {args.model}: epoch {epoch + 1} phases, us per batch ({batches} batches): "
                  + " ".join(f"{nm} {v / batches * 1e6:.0f};" for nm, v in zip(names, spent))
                  + f" total {sum(spent) / batches * 1e6:.0f}", flush=True)
        loss_mean = loss_sum / n
        print(f"python {args.model} epoch {epoch + 1}/{args.epochs} loss={loss_mean:.4f}"
              + (f" acc={correct / n:.4f}" if classify else "")
              + f" lr of its last step={lr_used:.2e}", flush=True)
    print(f"python {args.model}: first batch loss {first_loss:.4f}, last batch loss {last_loss:.4f}", flush=True)
    return clock.rates, clock.cpu_rates, loss_mean, n, "samples", batch
