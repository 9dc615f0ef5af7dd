"""The Python side of the benchmark row dqn: chapter 14's DQN on CartPole as a PyTorch user writes it (the shape of
CleanRL's dqn.py), with the notebook's settings (org.nnzoo.bench.DqnBench.notebookConfig): Gymnasium's CartPole-v1,
a numpy replay buffer of 100,000 transitions sampled uniformly with replacement, epsilon-greedy with epsilon linear
from 1 to 0.04 over 8,000 steps, nn.Sequential(4-256-ReLU-256-ReLU-2), Adam lr 2.3e-3 (eps 1e-8, DJL's default too),
F.smooth_l1_loss (Huber, delta 1), gradient norm clipped to 10 (clip_grad_norm_), gamma 0.99, learning from step
1,000 on, 128 updates of batch 64 every 256 environment steps, the target network copied every 10 steps (after
learning starts), the loss read every update (loss.item(), as Dqn.update's getFloat). Bootstraps from s' unless the
episode *terminated* (a time-limit truncation still bootstraps), as the Java side does.

Work per environment step, both sides: one forward pass of the online network for each greedy action (probability
1 - epsilon; a random action needs none), and per update one target forward (no grad) and one online forward and
backward on 64 transitions.

    python environment/bench_torch.py dqn --data DIR [--steps N] [--epochs E] [--threads T]

Epochs of N environment steps (default 5120); the first, with the replay buffer's fill before learning starts, is
the warm-up. NNZOO_FIT_PHASES=1 prints where the time of an environment step goes (clock reads between phases);
NNZOO_BENCH_PROFILE=FILE.json: bench_torch.Clock writes torch's profile of epoch 2 (a Chrome trace).
"""
import os
import time

import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from bench_torch import Clock

HIDDEN = 256
LR = 2.3e-3
BATCH = 64
BUFFER = 100_000
LEARNING_STARTS = 1_000
TRAIN_EVERY = 256
GRADIENT_STEPS = 128
TARGET_EVERY = 10
GAMMA = 0.99
MAX_GRAD_NORM = 10.0
EPS_START, EPS_END, EPS_STEPS = 1.0, 0.04, 8_000
SEED = 1


def linear_schedule(start, end, duration, t):
    return end if t >= duration else start + (end - start) * t / duration


class ReplayBuffer:
    """A ring buffer of numpy arrays; sample() draws uniformly with replacement."""

    def __init__(self, capacity, obs_size):
        self.obs = np.zeros((capacity, obs_size), np.float32)
        self.next_obs = np.zeros((capacity, obs_size), np.float32)
        self.actions = np.zeros(capacity, np.int64)
        self.rewards = np.zeros(capacity, np.float32)
        self.terminated = np.zeros(capacity, np.float32)
        self.capacity, self.size, self.pos = capacity, 0, 0

    def add(self, obs, next_obs, action, reward, terminated):
        self.obs[self.pos] = obs
        self.next_obs[self.pos] = next_obs
        self.actions[self.pos] = action
        self.rewards[self.pos] = reward
        self.terminated[self.pos] = terminated
        self.pos = (self.pos + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, n, rng):
        i = rng.integers(0, self.size, n)
        return (torch.from_numpy(self.obs[i]), torch.from_numpy(self.actions[i]), torch.from_numpy(self.rewards[i]),
                torch.from_numpy(self.next_obs[i]), torch.from_numpy(self.terminated[i]))


def q_network():
    return nn.Sequential(nn.Linear(4, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 2))


PHASES = ("act greedy (forward)", "act random", "env step", "replay add", "sample", "target forward + TD target",
          "online forward + gather + loss", "zero_grad", "backward", "clip_grad_norm_", "optimizer.step", "loss.item",
          "target sync")


def run(args):
    per_epoch = args.steps or 5120
    if per_epoch < LEARNING_STARTS + TRAIN_EVERY:
        raise SystemExit(f"dqn: --steps must be at least {LEARNING_STARTS + TRAIN_EVERY} so that the warm-up epoch "
                         f"includes a training round, got {per_epoch}")
    phases = os.environ.get("NNZOO_FIT_PHASES") == "1"
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    env = gym.make("CartPole-v1")
    q = q_network()
    target = q_network()
    target.load_state_dict(q.state_dict())
    optimizer = torch.optim.Adam(q.parameters(), lr=LR, eps=1e-8)
    rb = ReplayBuffer(BUFFER, 4)
    params = sum(p.numel() for p in q.parameters())
    print(f"python dqn: {params} parameters; {args.epochs} epochs of {per_epoch} environment steps; gymnasium "
          f"{gym.__version__}", flush=True)

    clock = Clock()
    tick = time.perf_counter
    t_ph = [0.0] * len(PHASES)
    n_greedy = n_updates = n_syncs = 0
    returns, ep_ret, last_loss = [], 0.0, float("nan")
    obs, _ = env.reset(seed=SEED)
    for epoch in range(args.epochs):
        mark = (n_greedy, n_updates, n_syncs)
        t_epoch = tick()
        clock.start()
        for global_step in range(epoch * per_epoch, (epoch + 1) * per_epoch):
            if phases:
                a = tick()
            epsilon = linear_schedule(EPS_START, EPS_END, EPS_STEPS, global_step)
            if rng.random() < epsilon:
                action = int(rng.integers(2))
                k = 1
            else:
                with torch.no_grad():
                    action = q(torch.from_numpy(obs).unsqueeze(0)).argmax(1).item()
                n_greedy += 1
                k = 0
            if phases:
                b = tick()
                t_ph[k] += b - a
            next_obs, reward, terminated, truncated, _ = env.step(action)
            if phases:
                c = tick()
                t_ph[2] += c - b
            rb.add(obs, next_obs, action, reward, terminated)  # truncation is not termination: still bootstraps
            if phases:
                t_ph[3] += tick() - c
            ep_ret += reward
            if terminated or truncated:
                returns.append((global_step + 1, ep_ret))
                ep_ret = 0.0
                obs, _ = env.reset()
            else:
                obs = next_obs

            t = global_step + 1  # environment steps so far (the Java side's Dqn.steps())
            if t > LEARNING_STARTS:
                if t % TRAIN_EVERY == 0:
                    for _ in range(GRADIENT_STEPS):
                        if phases:
                            last_loss = update_timed(rb, rng, q, target, optimizer, t_ph)
                        else:
                            last_loss = update(rb, rng, q, target, optimizer)
                        n_updates += 1
                if t % TARGET_EVERY == 0:
                    if phases:
                        a = tick()
                    target.load_state_dict(q.state_dict())
                    if phases:
                        t_ph[12] += tick() - a
                    n_syncs += 1
        clock.stop(per_epoch)
        seconds = tick() - t_epoch
        print(f"python dqn epoch {epoch + 1}/{args.epochs}: {per_epoch} steps, {n_updates - mark[1]} gradient updates, "
              f"{n_syncs - mark[2]} target syncs, {n_greedy - mark[0]} greedy acts (forward passes), epsilon "
              f"{linear_schedule(EPS_START, EPS_END, EPS_STEPS, (epoch + 1) * per_epoch):.3f}, loss {last_loss:.4f}, "
              f"seconds {seconds:.3f}", flush=True)
        if phases:
            us = [x / per_epoch * 1e6 for x in t_ph]
            print(f"python dqn: epoch {epoch + 1} phases, us per env step ({per_epoch} steps, "
                  f"{n_updates - mark[1]} updates of {sum(us[4:12]) * per_epoch / max(1, n_updates - mark[1]):.1f} us): "
                  + " ".join(f"{nm} {v:.1f};" for nm, v in zip(PHASES, us))
                  + f" loop and rest {seconds / per_epoch * 1e6 - sum(us):.1f}; total {seconds / per_epoch * 1e6:.1f}",
                  flush=True)
            t_ph = [0.0] * len(PHASES)
    summary = []
    for e in range(args.epochs):
        r = [x for s, x in returns if (s - 1) // per_epoch == e]
        summary.append(f"[{e + 1}: {len(r)}, {np.mean(r) if r else float('nan'):.1f}, {max(r) if r else 0:.0f}]")
    print("python dqn returns per epoch (episodes finished, mean return, max): " + " ".join(summary), flush=True)
    env.close()
    return clock.rates, clock.cpu_rates, last_loss, per_epoch, "steps", BATCH


def update(rb, rng, q, target, optimizer):
    obs, actions, rewards, next_obs, terminated = rb.sample(BATCH, rng)
    with torch.no_grad():
        target_max = target(next_obs).max(1).values
        td_target = rewards + GAMMA * target_max * (1 - terminated)
    old_val = q(obs).gather(1, actions.unsqueeze(1)).squeeze(1)
    loss = F.smooth_l1_loss(old_val, td_target)  # Huber, delta (beta) 1
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(q.parameters(), MAX_GRAD_NORM)
    optimizer.step()
    return loss.item()


def update_timed(rb, rng, q, target, optimizer, t_ph):
    """update() with a clock read between its phases (NNZOO_FIT_PHASES=1)."""
    tick = time.perf_counter
    a = tick()
    obs, actions, rewards, next_obs, terminated = rb.sample(BATCH, rng)
    b = tick()
    with torch.no_grad():
        target_max = target(next_obs).max(1).values
        td_target = rewards + GAMMA * target_max * (1 - terminated)
    c = tick()
    old_val = q(obs).gather(1, actions.unsqueeze(1)).squeeze(1)
    loss = F.smooth_l1_loss(old_val, td_target)
    d = tick()
    optimizer.zero_grad()
    e = tick()
    loss.backward()
    f = tick()
    nn.utils.clip_grad_norm_(q.parameters(), MAX_GRAD_NORM)
    g = tick()
    optimizer.step()
    h = tick()
    last = loss.item()
    i = tick()
    for k, dt in zip(range(4, 12), (b - a, c - b, d - c, e - d, f - e, g - f, h - g, i - h)):
        t_ph[k] += dt
    return last
