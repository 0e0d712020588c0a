"""The benchmark suite: `python -m bench [--full] [--out BENCHMARKS.md] [--only NAME]`.

Each measurement drives the real bot over HTTP against the Slack simulator and measures
a baseline in the same run, so the figures are ratios that survive a noisy machine.
See docs/benchmarks.md for what each one measures and why.
"""
