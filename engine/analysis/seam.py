"""How far apart the two pictures at a seam are: the mean CIEDE2000 colour difference and the SSIM of their luma.

These are scikit-image's definitions, written out in numpy for the one case the report needs (two 8-bit RGB
pictures of one size, about 320x180): `rgb2lab` (sRGB, the D65 white of the 2-degree observer),
`deltaE_ciede2000`, `rgb2gray` and `structural_similarity` with its defaults (a 7x7 uniform window, the sample
covariance, the window's reach cropped from the mean). scikit-image loads SciPy for them: about 30 MB that stayed in
the cut's process to its end, and 0.3 to 0.6 s of imports, most of the report's time in a cut after one shot
changed. tests/test_report.py holds these to scikit-image's own numbers.
"""

from __future__ import annotations

import numpy as np

XYZ_FROM_RGB = np.array([[0.412453, 0.357580, 0.180423],
                         [0.212671, 0.715160, 0.072169],
                         [0.019334, 0.119193, 0.950227]])
D65_WHITE = np.array([0.95047, 1.0, 1.08883])  # scikit-image's D65, 2 degrees (its `lab_ref_white`)
LUMA = np.array([0.2125, 0.7154, 0.0721])  # scikit-image's rgb2gray (Rec. 709 primaries)
WINDOW = 7  # SSIM's window, a side
K1, K2 = 0.01, 0.03  # SSIM's constants, for a data range of 1


def seam_distance(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(mean CIEDE2000, SSIM of luma) between two 8-bit RGB pictures of one size."""
    delta_e = float(ciede2000(lab(a), lab(b)).mean())
    return delta_e, float(ssim(luma(a), luma(b)))


def lab(rgb: np.ndarray) -> np.ndarray:
    """8-bit sRGB to CIELAB (float64, L in [0, 100])."""
    linear = rgb / 255.0
    bright = linear > 0.04045
    linear[bright] = np.power((linear[bright] + 0.055) / 1.055, 2.4)
    linear[~bright] /= 12.92
    xyz = (linear @ XYZ_FROM_RGB.T) / D65_WHITE
    above = xyz > 0.008856
    xyz[above] = np.cbrt(xyz[above])
    xyz[~above] = 7.787 * xyz[~above] + 16.0 / 116.0
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    return np.stack([116.0 * y - 16.0, 500.0 * (x - y), 200.0 * (y - z)], axis=-1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 between two CIELAB pictures, per pixel (kL = kC = kH = 1)."""
    L1, a1, b1 = np.moveaxis(lab1, -1, 0)
    L2, a2, b2 = np.moveaxis(lab2, -1, 0)
    # `a` stretched by the mean chroma, and every term in the polar coordinates of the stretched (a, b)
    c7 = (0.5 * (np.hypot(a1, b1) + np.hypot(a2, b2))) ** 7
    scale = 1 + 0.5 * (1 - np.sqrt(c7 / (c7 + 25 ** 7)))
    C1, h1 = _polar(a1 * scale, b1)
    C2, h2 = _polar(a2 * scale, b2)
    # lightness
    Lbar = 0.5 * (L1 + L2)
    tmp = (Lbar - 50) ** 2
    L_term = (L2 - L1) / (1 + 0.015 * tmp / np.sqrt(20 + tmp))
    # chroma
    Cbar = 0.5 * (C1 + C2)
    C_term = (C2 - C1) / (1 + 0.045 * Cbar)
    # hue: the difference the short way round, none where either colour is grey
    h_diff, h_sum, CC = h2 - h1, h1 + h2, C1 * C2
    dH = h_diff.copy()
    dH[h_diff > np.pi] -= 2 * np.pi
    dH[h_diff < -np.pi] += 2 * np.pi
    dH[CC == 0.0] = 0.0
    dH_term = 2 * np.sqrt(CC) * np.sin(dH / 2)
    Hbar = h_sum.copy()
    wrapped = np.logical_and(CC != 0.0, np.abs(h_diff) > np.pi)
    Hbar[wrapped * (h_sum < 2 * np.pi)] += 2 * np.pi
    Hbar[wrapped * (h_sum >= 2 * np.pi)] -= 2 * np.pi
    Hbar[CC == 0.0] *= 2
    Hbar *= 0.5
    T = (1 - 0.17 * np.cos(Hbar - np.deg2rad(30)) + 0.24 * np.cos(2 * Hbar)
         + 0.32 * np.cos(3 * Hbar + np.deg2rad(6)) - 0.20 * np.cos(4 * Hbar - np.deg2rad(63)))
    H_term = dH_term / (1 + 0.015 * Cbar * T)
    # the rotation term, for blues
    c7 = Cbar ** 7
    Rc = 2 * np.sqrt(c7 / (c7 + 25 ** 7))
    dtheta = np.deg2rad(30) * np.exp(-(((np.rad2deg(Hbar) - 275) / 25) ** 2))
    R_term = -np.sin(2 * dtheta) * Rc * C_term * H_term
    squared = L_term ** 2
    squared += C_term ** 2
    squared += H_term ** 2
    squared += R_term
    return np.sqrt(np.maximum(squared, 0))


def _polar(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Radius and angle in [0, 2 pi)."""
    angle = np.arctan2(y, x)
    angle += np.where(angle < 0, 2 * np.pi, 0)
    return np.hypot(x, y), angle


def luma(rgb: np.ndarray) -> np.ndarray:
    """8-bit RGB to luma in [0, 1] (float64)."""
    return (rgb / 255.0) @ LUMA


def ssim(x: np.ndarray, y: np.ndarray) -> float:
    """The mean structural similarity of two pictures in [0, 1], over the windows that lie wholly inside them."""
    norm = WINDOW ** 2 / (WINDOW ** 2 - 1)  # the sample covariance
    ux, uy = _window_mean(x), _window_mean(y)
    vx = norm * (_window_mean(x * x) - ux * ux)
    vy = norm * (_window_mean(y * y) - uy * uy)
    vxy = norm * (_window_mean(x * y) - ux * uy)
    c1, c2 = K1 ** 2, K2 ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    return float(s.mean(dtype=np.float64))


def _window_mean(image: np.ndarray) -> np.ndarray:
    """The mean of each WINDOW x WINDOW window wholly inside the image (the windows SSIM keeps: the rest are
    cropped), by running sums along each axis."""
    for axis in (0, 1):
        total = np.cumsum(image, axis=axis)
        total = np.concatenate([np.zeros_like(total.take([0], axis=axis)), total], axis=axis)
        size = total.shape[axis]
        image = (total.take(range(WINDOW, size), axis=axis) - total.take(range(0, size - WINDOW), axis=axis))
    return image / WINDOW ** 2
