"""The Gymnasium side of CartPoleGymnasiumTest: drives the real CartPole-v1 (gymnasium.make, with its
TimeLimit and checker wrappers) on requests read from stdin, one line each, and answers one line each.
Numbers cross as hex of their IEEE-754 big-endian bits, so nothing is lost in printing.

  hello                     -> "gymnasium <version> numpy <version> python <version>"
  reset SEED                -> obs after env.reset(seed=SEED) as float32 bits (4 x 8 hex), a space,
                               the float64 state behind it (4 x 16 hex)
  episode MAX START ACTIONS STATES
        MAX      max_episode_steps of the TimeLimit (500 = CartPole-v1)
        START    float64 start state (4 x 16 hex), set after reset()
        ACTIONS  one character 0/1 per step
        STATES   the Java side's float64 state after each step (4 x 16 hex per step)
    -> "FREE" K, then for every step taken: " " OBS32 STATE64 "," REWARD "," TERMINATED TRUNCATED (0/1)
       Every step starts from the Java side's state before it (START for the first: the state is set
       on env.unwrapped before each step), so each step of Gymnasium is compared on its own.
       K: how many leading steps a second, free-running Gymnasium episode (START set once, then the
       same actions) reproduces the Java states bit for bit (the whole episode: K = number of actions).
       The episode stops early if Gymnasium ends it before the actions run out.
"""
import sys

import gymnasium as gym
import numpy as np


def f64(hexbits):
    return np.frombuffer(bytes.fromhex(hexbits), dtype=">f8").astype(np.float64)


def hex64(a):
    return np.asarray(a, dtype=np.float64).astype(">f8").tobytes().hex()


def hex32(a):
    assert a.dtype == np.float32, a.dtype
    return a.astype(">f4").tobytes().hex()


envs = {}


def env_for(max_steps, key):
    if (max_steps, key) not in envs:
        envs[(max_steps, key)] = gym.make("CartPole-v1", max_episode_steps=max_steps)
    return envs[(max_steps, key)]


def episode(max_steps, start, actions, states):
    n = len(actions)
    # free-running: the start state once, then Gymnasium's own arithmetic
    free = env_for(max_steps, "free")
    free.reset()
    free.unwrapped.state = start.copy()
    same = 0
    for k in range(n):
        _, _, term, trunc, _ = free.step(int(actions[k]))
        if not np.array_equal(free.unwrapped.state.view(np.uint64), states[k].view(np.uint64)):
            break
        same += 1
        if term or trunc:
            break
    # step by step from the Java side's states
    env = env_for(max_steps, "forced")
    env.reset()
    out = ["FREE %d" % same]
    for k in range(n):
        env.unwrapped.state = (start if k == 0 else states[k - 1]).copy()
        obs, reward, term, trunc, _ = env.step(int(actions[k]))
        out.append("%s%s,%r,%d%d" % (hex32(obs), hex64(env.unwrapped.state), float(reward), term, trunc))
        if term or trunc:
            break
    return " ".join(out)


def main():
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "hello":
            answer = "gymnasium %s numpy %s python %s" % (gym.__version__, np.__version__, sys.version.split()[0])
        elif parts[0] == "reset":
            env = env_for(500, "seeded")
            obs, _ = env.reset(seed=int(parts[1]))
            answer = "%s %s" % (hex32(obs), hex64(env.unwrapped.state))
        elif parts[0] == "episode":
            max_steps, start, actions = int(parts[1]), f64(parts[2]), parts[3]
            states = f64(parts[4]).reshape(len(actions), 4) if len(parts) > 4 else np.zeros((0, 4))
            answer = episode(max_steps, start, actions, states)
        else:
            answer = "ERROR unknown request " + parts[0]
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
