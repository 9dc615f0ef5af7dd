"""The Python side of the benchmark rows transformer and pointer (org.nnzoo.bench.SequenceBench on the Java side):
the training steps of chapters 9 and 15 as the notebooks' default profile runs them, written as a PyTorch user
would, layer for layer the library's models (the parameter counts are printed on both sides and must agree).
One unit is one training step: batch, forward, loss, zero_grad, backward, clip, step, loss.item().

transformer: the library's Transformer(vocab, 128, 4 heads, 2 blocks, FFN 512), a pre-norm GPT-style causal
    language model: token embedding * sqrt(d) + the sinusoidal positional encoding, per block x + MHA(LN(x)) and
    x + FFN(LN(x)) with a GELU FFN, a final LN and a linear read-out (no dropout, no weight tying). Attention is
    written as the library computes it (Q K^T / sqrt(d_k) + an additive -1e9 causal mask, softmax, times V);
    NNZOO_BENCH_ATTENTION=sdpa uses F.scaled_dot_product_attention(is_causal=True) instead, what a PyTorch user
    would likely write. Data: random windows of 64 characters of the ABC training text (abc_ids.i32, exported by
    the Java side), batch 32; Adam, gradients clipped element-wise at 1, LmTraining's learning-rate schedule for
    the notebook's 1,950 steps (the benchmark's steps are its first steps).
pointer: the library's PointerNetwork(128): Linear(1, H) embeddings of the values and of the teacher-forced
    decoder inputs, an LSTM encoder, an LSTM decoder started from the encoder's final (h, c), pointer scores
    u_ij = v^T tanh(W1 e_j + W2 d_i) and the additive -1e9 mask of positions already pointed at. Data: sorting
    n = 10 uniform numbers (fresh ones every step, this side's own seeded generator), batch 128; Adam, clipping at 1,
    the notebook's cosine 3e-3 -> 1e-4 over 4,800 steps.
"""
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from bench_torch import Clock, load

# chapter 9's default profile (the middle value of each Profile.pick in notebooks/09-transformer.ipynb)
LM_D_MODEL, LM_HEADS, LM_LAYERS, LM_WINDOW, LM_BATCH = 128, 4, 2, 64, 32
LM_NOTEBOOK_STEPS, LM_WARMUP, LM_PEAK_LR = 1950, 200, 2e-3
# chapter 15's default profile (notebooks/15-pointer-network.ipynb)
PTR_N, PTR_HIDDEN, PTR_BATCH, PTR_NOTEBOOK_STEPS = 10, 128, 128, 60 * 80
START = -1.0  # PointerNetwork.START: the decoder's input at the first step


def positional_encoding(length, d):
    """PositionalEncoding.table: PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(the same)."""
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    freq = torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(length, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos / freq)
    pe[:, 1::2] = torch.cos(pos / freq)
    return pe.float()


class MultiHeadAttention(nn.Module):
    """MultiHeadAttention(d, heads, causal=True): Q, K, V and output projections (with bias), heads split as
    (B, T, h, d/h) -> (B, h, T, d/h)."""

    def __init__(self, d, heads, sdpa):
        super().__init__()
        self.heads, self.sdpa = heads, sdpa
        self.query, self.key, self.value, self.out = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = (p(x).view(b, t, self.heads, d // self.heads).transpose(1, 2)
                   for p in (self.query, self.key, self.value))
        if self.sdpa:
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # as the library computes it
            scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.heads) + mask
            o = scores.softmax(-1) @ v
        return self.out(o.transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    """SelfAttentionBlock (pre-norm): x + MHA(LN(x)), then x + FFN(LN(x)), FFN = Linear, GELU, Linear."""

    def __init__(self, d, heads, ffn, sdpa):
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.attention = MultiHeadAttention(d, heads, sdpa)
        self.norm2 = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, ffn), nn.GELU(), nn.Linear(ffn, d))

    def forward(self, x, mask):
        x = x + self.attention(self.norm1(x), mask)
        return x + self.ffn(self.norm2(x))


class TransformerLM(nn.Module):
    """Transformer(vocab, d, heads, layers, ffn): sqrt(d) E[id] + PE, the blocks, a final LN, a linear read-out.
    The library's embedding is a bias-free Linear on one-hot vectors (vocab x d weights); nn.Embedding has the same
    table and is what a PyTorch user writes."""

    def __init__(self, vocab, d, heads, layers, ffn, window, sdpa=False):
        super().__init__()
        self.d = d
        self.embed = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(Block(d, heads, ffn, sdpa) for _ in range(layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        self.register_buffer("pe", positional_encoding(window, d), persistent=False)
        self.register_buffer("mask", torch.full((window, window), -1e9).triu(1), persistent=False)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.embed(ids) * math.sqrt(self.d) + self.pe[:t]
        mask = self.mask[:t, :t]
        for b in self.blocks:
            x = b(x, mask)
        return self.head(self.norm(x))


class PointerNetwork(nn.Module):
    """PointerNetwork(hidden): see the module comment."""

    def __init__(self, hidden):
        super().__init__()
        self.embed_in = nn.Linear(1, hidden)
        self.embed_dec = nn.Linear(1, hidden)
        self.encoder = nn.LSTM(hidden, hidden, batch_first=True)
        self.decoder = nn.LSTM(hidden, hidden, batch_first=True)
        self.w1 = nn.Linear(hidden, hidden, bias=False)
        self.w2 = nn.Linear(hidden, hidden, bias=False)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, values, dec_in):
        e, (h, c) = self.encoder(self.embed_in(values.unsqueeze(2)))                  # (B, n, H)
        d, _ = self.decoder(self.embed_dec(dec_in.unsqueeze(2)), (h, c))              # (B, m, H)
        u = self.v(torch.tanh(self.w1(e).unsqueeze(1) + self.w2(d).unsqueeze(2))).squeeze(3)  # (B, m, n)
        fed = (dec_in.unsqueeze(2) == values.unsqueeze(1)).float()                   # value j fed at step k
        pointed = (fed.cumsum(1) > 0).float()                                        # ... at some k <= i
        return u + pointed * -1e9


def lm_lr(update):
    """LmTraining's schedule as DJL's WarmUpTracker(cosine) gives it for Adam's update number (1, 2, ...)."""
    if update < LM_WARMUP:
        return LM_PEAK_LR / 100 + (LM_PEAK_LR - LM_PEAK_LR / 100) * update / LM_WARMUP
    return cosine(update - LM_WARMUP, LM_PEAK_LR, LM_PEAK_LR / 10, LM_NOTEBOOK_STEPS - LM_WARMUP)


def cosine(update, base, final, max_updates):
    """DJL's CosineTracker."""
    if update > max_updates:
        return final
    return final + (base - final) / 2 * (1 + math.cos(math.pi * update / max_updates))


def train(args, model, optimizer, lr_of_update, next_batch, steps):
    """The idiomatic loop, `steps` steps per epoch; the first epoch is the warm-up. Returns the Clock and the mean
    training loss of the last epoch."""
    # DJL's Adam asks its tracker for the rate of update t = 1, 2, ...; LambdaLR's epoch counter starts at 0
    base = optimizer.param_groups[0]["lr"]
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda k: lr_of_update(k + 1) / base)
    params = [p for p in model.parameters()]
    print(f"python {args.model}: {sum(p.numel() for p in params)} parameters", flush=True)
    clock = Clock()
    phases = os.environ.get("NNZOO_FIT_PHASES") == "1"
    last = float("nan")
    model.train()
    for epoch in range(args.epochs):
        clock.start()
        loss_sum = 0.0
        if not phases:
            for _ in range(steps):
                inputs, y = next_batch()
                pred = model(*inputs)
                loss = F.cross_entropy(pred.reshape(-1, pred.shape[-1]), y.reshape(-1))
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_value_(params, 1.0)  # DJL's optClipGrad(1): every gradient element into [-1, 1]
                optimizer.step()
                scheduler.step()
                loss_sum += loss.item()
        else:  # the same loop with a clock read after each phase
            t, clock_now = [0.0] * 6, time.perf_counter
            for _ in range(steps):
                a = clock_now()
                inputs, y = next_batch()
                b = clock_now()
                pred = model(*inputs)
                c = clock_now()
                loss = F.cross_entropy(pred.reshape(-1, pred.shape[-1]), y.reshape(-1))
                d = clock_now()
                optimizer.zero_grad()
                e = clock_now()
                loss.backward()
                f = clock_now()
                nn.utils.clip_grad_value_(params, 1.0)
                optimizer.step()
                scheduler.step()
                g = clock_now()
                loss_sum += loss.item()
                h = clock_now()
                for k, dt in enumerate((b - a, c - b, d - c, f - e, (e - d) + (g - f), h - g)):
                    t[k] += dt
            names = ("next batch", "forward", "loss", "backward", "optimizer step (with zero_grad, clip, schedule)",
                     "loss read")
            print(f"python {args.model}: epoch {epoch + 1} phases, us per batch ({steps} batches): "
                  + " ".join(f"{nm} {v / steps * 1e6:.0f};" for nm, v in zip(names, t))
                  + f" total {sum(t) / steps * 1e6:.0f}", flush=True)
        clock.stop(steps)
        last = loss_sum / steps
        print(f"python {args.model} epoch {epoch + 1}/{args.epochs} loss={last:.4f}", flush=True)
    return clock, last


def run(args):
    gen = torch.Generator().manual_seed(42)
    if args.model == "transformer":
        steps = args.steps or 50
        batch = args.batch or LM_BATCH
        meta = json.load(open(os.path.join(args.data, "abc.json")))
        vocab = meta["vocab"]
        ids = load(args.data, "abc_ids.i32", np.int32).long()
        assert ids.shape[0] == meta["train_chars"] and int(ids.max()) < vocab
        sdpa = os.environ.get("NNZOO_BENCH_ATTENTION") == "sdpa"
        print(f"python transformer: vocabulary {vocab}, {ids.shape[0]} training characters, attention "
              f"{'F.scaled_dot_product_attention' if sdpa else 'matmul-softmax-matmul (as the library)'}", flush=True)
        model = TransformerLM(vocab, LM_D_MODEL, LM_HEADS, LM_LAYERS, 4 * LM_D_MODEL, LM_WINDOW, sdpa)
        offsets = torch.arange(LM_WINDOW + 1)

        def next_batch():  # TokenWindows.random: starts uniform in [0, len - window), labels shifted by one
            starts = torch.randint(0, ids.shape[0] - LM_WINDOW, (batch,), generator=gen)
            w = ids[starts[:, None] + offsets]
            return (w[:, :-1],), w[:, 1:]

        lr_of_update = lm_lr
    elif args.model == "pointer":
        steps = args.steps or 80
        batch = args.batch or PTR_BATCH
        model = PointerNetwork(PTR_HIDDEN)
        start = torch.full((batch, 1), START)

        def next_batch():  # PointerNetwork.sortingTask: n uniform numbers, targets the sorting positions
            x = torch.rand(batch, PTR_N, generator=gen)
            order = x.argsort(1)
            dec = torch.cat([start, x.gather(1, order[:, :-1])], 1)  # teacher forcing: the previous chosen value
            return (x, dec), order

        def lr_of_update(update):
            return cosine(update, 3e-3, 1e-4, PTR_NOTEBOOK_STEPS)
    else:
        raise SystemExit(f"bench_torch_seq: unknown model {args.model}")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr_of_update(1), betas=(0.9, 0.999), eps=1e-8)
    clock, last = train(args, model, optimizer, lr_of_update, next_batch, steps)
    return clock.rates, clock.cpu_rates, last, steps, "steps", batch
