"""The cheese toy (MSM paper §3): two specs explain the same cheese preferences by different
values; MSM on each, identical cheese AFT, then held-out evals in unseen domains."""
