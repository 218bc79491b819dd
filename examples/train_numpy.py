"""A small real training run for vapor-tui: a two-layer network learns to tell two interleaved
spirals apart, by mini-batch gradient descent in numpy, on data it makes itself (no download).

    python examples/train_numpy.py            # then, in another terminal: vapor-tui

It logs loss, accuracy and learning rate every step (and eval_loss / eval_accuracy every 100
steps), checks should_stop() every step, and when you press `x` on it in vapor-tui it saves a
checkpoint and finishes: the job ends "stopped by user at step N".
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

import vapor_tui


def spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two spirals of n points each, with noise: not linearly separable."""
    t = np.sqrt(rng.uniform(0.05, 1.0, n)) * 3.5 * math.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (3.5 * math.pi)
    x = np.concatenate([arm, -arm]) + rng.normal(0, 0.03, (2 * n, 2))
    y = np.concatenate([np.zeros(n), np.ones(n)])
    order = rng.permutation(2 * n)
    return x[order], y[order]


class Network:
    def __init__(self, hidden: int, rng: np.random.Generator):
        self.w1 = rng.normal(0, 1.0, (2, hidden))
        self.b1 = np.zeros(hidden)
        self.w2 = rng.normal(0, 1.0 / math.sqrt(hidden), (hidden, 1))
        self.b2 = np.zeros(1)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = np.tanh(x @ self.w1 + self.b1)
        p = 1.0 / (1.0 + np.exp(-(h @ self.w2 + self.b2)[:, 0]))
        return h, p

    def loss(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        _, p = self.forward(x)
        p = np.clip(p, 1e-7, 1 - 1e-7)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        return float(loss), float(np.mean((p > 0.5) == y))

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> tuple[float, float]:
        h, p = self.forward(x)
        pc = np.clip(p, 1e-7, 1 - 1e-7)
        loss = -np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))
        d_out = (p - y)[:, None] / len(y)
        d_h = (d_out @ self.w2.T) * (1 - h**2)
        self.w2 -= lr * (h.T @ d_out)
        self.b2 -= lr * d_out.sum(0)
        self.w1 -= lr * (x.T @ d_h)
        self.b1 -= lr * d_h.sum(0)
        return float(loss), float(np.mean((p > 0.5) == y))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2)


def learning_rate(step: int, total: int, peak: float, warmup: int) -> float:
    if step <= warmup:
        return peak * step / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="spirals-numpy")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="checkpoints", help="where checkpoints are saved")
    parser.add_argument(
        "--delay",
        type=float,
        default=0.02,
        help="seconds to wait after each step, so a short run lasts long enough to watch "
        "(0: train flat out)",
    )
    parser.add_argument(
        "--db", default=None, help="the database (default: VAPOR_TUI_DB, else yours)"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    x_train, y_train = spirals(4000, rng)
    x_eval, y_eval = spirals(500, rng)
    net = Network(args.hidden, rng)
    config = {k: v for k, v in vars(args).items() if k not in ("db", "out", "name")}
    out = Path(args.out)

    run = vapor_tui.init(
        name=args.name,
        model=f"mlp-2x{args.hidden}",
        config=config,
        total_steps=args.steps,
        epochs=args.epochs,
        db=args.db,
    )
    print(f"run #{run.id}: {args.steps} steps; press x on it in vapor-tui to stop it", flush=True)
    per_epoch = math.ceil(args.steps / args.epochs)
    order = rng.permutation(len(x_train))
    at = 0
    for step in range(1, args.steps + 1):
        if at + args.batch_size > len(order):
            order, at = rng.permutation(len(x_train)), 0
        batch = order[at : at + args.batch_size]
        at += args.batch_size
        lr = learning_rate(step, args.steps, args.lr, warmup=args.steps // 20 or 1)
        loss, accuracy = net.train_step(x_train[batch], y_train[batch], lr)
        metrics = {"loss": loss, "accuracy": accuracy, "learning_rate": lr}
        metrics["epoch"] = step / per_epoch
        if step % 100 == 0 or step == args.steps:
            metrics["eval_loss"], metrics["eval_accuracy"] = net.loss(x_eval, y_eval)
        run.log(metrics, step=step)
        if run.should_stop():
            path = out / f"{args.name}-step{step}.npz"
            net.save(path)
            print(f"stop asked: checkpoint saved to {path} at step {step}", flush=True)
            run.finish()
            print(f"run #{run.id} {run.status}: {run.reason}", flush=True)
            return
        if args.delay:
            time.sleep(args.delay)
    net.save(out / f"{args.name}-final.npz")
    run.finish()
    print(f"run #{run.id} {run.status}: {run.reason}", flush=True)


if __name__ == "__main__":
    main()
