"""Would the health score have warned us? The statistics of the back-test, pure (numpy arrays in, figures out).

The design is a landmark one (a time-dependent ROC, "cumulative/dynamic" in Heagerty and Zheng's terms):
on the first day of each month, every account still a customer is one observation, with the score it had
that day; for a horizon h it counts as churned if its confirmed churn falls within the next h days. An
observation is only made when the h days after it are known (the landmark is at least h days before the
end of the period).

- **AUC**: the chance that an account which stayed had a better marker than one that left (ties count half);
  0.5 is a coin toss, 1 a perfect warning. A marker is any 0..K-1 level where higher means healthier.
- **Interval**: a cluster bootstrap over accounts (an account's observations move together, as they are not
  independent): each of `BOOTSTRAP_ROUNDS` rounds draws as many accounts as there are, with replacement,
  from a fixed seed, so the same data always give the same interval. The 95% interval is the 2.5th to
  97.5th percentile of the rounds that have both outcomes.
- **Lift of red**: how many times as often red observations churned within h as green ones did.
- **Calibration by band**: the share of each band's observations that churned within h.

Observations may carry a weight (a sample of the accounts that stayed stands for all of them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOOTSTRAP_ROUNDS = 1000
SEED = 21
BANDS = ("red", "yellow", "green")  # band codes 0, 1, 2; -1 is no band


@dataclass(frozen=True, slots=True)
class Figure:
    """A value with its 95% bootstrap interval (None when the data cannot give one)."""

    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Sample:
    """Observations: the account each belongs to (0..accounts-1), its landmark and churn day (day numbers; the
    churn day is a large number for an account that has not churned) and its weight."""

    account: np.ndarray
    day: np.ndarray
    churn_day: np.ndarray
    weight: np.ndarray
    accounts: int

    def outcome(self, horizon: int, *, last_day: int) -> tuple[np.ndarray, np.ndarray]:
        """(usable, churned) for a horizon: usable once its h days are over, churned if it left within them."""
        usable = self.day + horizon <= last_day
        churned = (self.churn_day > self.day) & (self.churn_day <= self.day + horizon)
        return usable, churned


def rounds(accounts: int, *, count: int = BOOTSTRAP_ROUNDS, seed: int = SEED) -> np.ndarray:
    """How many times each account is drawn in each round (rounds x accounts): `accounts` draws with replacement."""
    if not accounts:
        return np.zeros((count, 0), dtype=np.float32)
    draws = np.random.default_rng(seed).integers(0, accounts, size=(count, accounts), dtype=np.int64)
    draws += (np.arange(count, dtype=np.int64) * accounts)[:, None]
    return np.bincount(draws.ravel(), minlength=count * accounts).reshape(count, accounts).astype(np.float32)


def histograms(sample: Sample, levels: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """accounts x size: each account's weight of observations at each level, for the observations in `mask`."""
    if mask.any() and not 0 <= levels[mask].min() <= levels[mask].max() < size:
        raise ValueError(f"levels must lie in 0..{size - 1}")
    cells = sample.account[mask].astype(np.int64) * size + levels[mask].astype(np.int64)
    flat = np.bincount(cells, weights=sample.weight[mask], minlength=sample.accounts * size)
    return flat.reshape(sample.accounts, size).astype(np.float32)


def auc_of(left: np.ndarray, stayed: np.ndarray) -> np.ndarray:
    """AUC from level histograms (last axis): P(stayed's level > left's level) + half the ties; NaN without both."""
    above = np.cumsum(stayed[..., ::-1], axis=-1)[..., ::-1] - stayed  # weight of stayers strictly above each level
    wins = (left * (above + 0.5 * stayed)).sum(axis=-1)
    pairs = left.sum(axis=-1) * stayed.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1), np.nan)


def interval(point: float, replicates: np.ndarray) -> Figure:
    """The point value with the 2.5th and 97.5th percentiles of the finite replicates."""
    if not np.isfinite(point):
        return Figure(None)
    finite = replicates[np.isfinite(replicates)]
    if finite.size < 0.9 * replicates.size:  # too many rounds without both outcomes: no honest interval
        return Figure(float(point))
    low, high = np.percentile(finite, [2.5, 97.5])
    return Figure(float(point), float(low), float(high))


@dataclass(frozen=True, slots=True)
class Marker:
    """A marker's AUC at a horizon, with how many observations (and churned ones) it rests on."""

    auc: Figure
    observations: int
    churned: int


def marker_auc(
    sample: Sample, levels: np.ndarray, size: int, *, usable: np.ndarray, churned: np.ndarray, weights: np.ndarray
) -> Marker:
    """The AUC of one marker (levels 0..size-1, higher healthier) on the usable observations, with its interval."""
    left = histograms(sample, levels, usable & churned, size)
    stayed = histograms(sample, levels, usable & ~churned, size)
    point = auc_of(left.sum(axis=0), stayed.sum(axis=0))
    leavers = np.flatnonzero(left.any(axis=1))  # few accounts leave: only their columns of the rounds are needed
    replicates = auc_of(weights[:, leavers] @ left[leavers], weights @ stayed)
    return Marker(interval(float(point), replicates), int(usable.sum()), int((usable & churned).sum()))


@dataclass(frozen=True, slots=True)
class BandRate:
    band: str
    observations: int
    churned: int
    rate: Figure  # the share that churned within the horizon


@dataclass(frozen=True, slots=True)
class Bands:
    rates: list[BandRate]
    red_lift: Figure  # red's rate over green's


def band_rates(
    sample: Sample, bands: np.ndarray, *, usable: np.ndarray, churned: np.ndarray, weights: np.ndarray
) -> Bands:
    """Each band's churn rate within the horizon, and how many times green's red is, with intervals."""
    known = usable & (bands >= 0)
    codes = np.where(bands >= 0, bands, 0)
    left = histograms(sample, codes, known & churned, len(BANDS))
    stayed = histograms(sample, codes, known & ~churned, len(BANDS))
    with np.errstate(invalid="ignore", divide="ignore"):
        point = left.sum(axis=0) / (left.sum(axis=0) + stayed.sum(axis=0))
        boot_left, boot_all = weights @ left, weights @ left + weights @ stayed
        boot = boot_left / boot_all
        lift_point = point[0] / point[2]
        lift_boot = boot[:, 0] / boot[:, 2]
    rates = []
    for code, band in enumerate(BANDS):
        in_band = known & (bands == code)
        rates.append(
            BandRate(
                band, int(in_band.sum()), int((in_band & churned).sum()), interval(float(point[code]), boot[:, code])
            )
        )
    lift = Figure(None) if not np.isfinite(lift_point) else interval(float(lift_point), lift_boot)
    return Bands(rates, lift)
