#pragma once

#include <complex>
#include <vector>

namespace redline {

/// @brief Discrete Fourier transforms of power-of-two sizes: an iterative radix-2 Cooley-Tukey
/// FFT (Cooley & Tukey 1965; the bit-reversal form of Press et al., Numerical Recipes, 12.2).
///
/// Written here rather than taken from a library because phase correlation needs only small
/// square transforms (64-256 cells a side, a few per run) and redline adds no package for them.
/// Conventions: forward X[k] = Σ x[n] e^{-2πi kn/N}; inverse x[n] = (1/N) Σ X[k] e^{+2πi kn/N},
/// so inverse(forward(x)) == x.
using Complex = std::complex<double>;

/// a·b without the NaN/infinity recovery of std::complex's operator* (a library call, __muldc3,
/// per product in GCC without -ffast-math: three quarters of the time of a transform).
inline Complex multiply(const Complex& a, const Complex& b)
{
    return Complex(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
}

/// True for 1, 2, 4, 8, ...
bool is_power_of_two(std::size_t n);

/// Transforms @p data (size a power of two) in place; @p inverse: the inverse transform, scaled by 1/N.
void fft(std::vector<Complex>& data, bool inverse = false);

/// The 2-D transform of a @p rows × @p cols row-major array (both powers of two) in place: the
/// 1-D transform of every row, then of every column. @p inverse scales by 1/(rows·cols).
void fft_2d(std::vector<Complex>& data, int rows, int cols, bool inverse = false);

} // namespace redline
