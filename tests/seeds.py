"""The ids of the five real seed articles in ../shared/seeds, as the issues name them."""

SEED_IDS = [
    "000_59f418e64c1e3aaf",
    "001_1faf3d478d7b600d",
    "002_12087162219adedc",
    "003_ce342c1d8288ce55",
    "004_811dcac62ff5ac35",
]
