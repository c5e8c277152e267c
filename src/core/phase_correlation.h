#pragma once

#include <cstdint>
#include <vector>

namespace redline {

/// @brief The translation between two images of the same place, from their normalised
/// cross-power spectrum.
///
/// Shifts are in cells: +dx to the right (columns), +dy down (rows).
struct PhaseCorrelation
{
    double dx = 0, dy = 0; ///< b(x, y) ≈ a(x − dx, y − dy): what a shows at (x, y), b shows at (x + dx, y + dy)
    /// Height of the correlation surface at the shift.
    double peak = 0;
    /// The highest value of the surface more than three cells from the peak (outside its main lobe).
    double second = 0;
    /// The standard deviation the surface would have if the two windows were unrelated (every
    /// frequency's phase difference random): sqrt(Σ|R|²)/size² for the weighted cross-power
    /// spectrum R, by Parseval's theorem.
    double noise = 0;
    int size = 0; ///< side of the windows compared

    /// The peak stands out: at least 12 times `noise` (the highest point of the surface of two
    /// unrelated windows is about 4.5 of it for random phases, and was at most 9.6 among 320
    /// pairs of unrelated Sentinel-2 windows; related ones gave 15-50 at 128 cells, 80 at 256), and
    /// at least twice as high as anything else (a repeating pattern, such as rows of fields, gives
    /// several peaks of similar height).
    bool clear() const;
};

/// Phase correlation (Kuglin & Hines 1975) of two @p size × @p size row-major windows (@p size
/// a power of two, 16 or more): each window has its mean removed and is tapered by a 2-D Hann
/// window (so that its edges do not correlate as a cross at zero shift), the cross-power spectrum
/// P = conj(A)·B is normalised, and its inverse transform peaks at the shift.
///
/// The normalisation is regularised: R = P / (|P| + median|P|). Pure phase correlation (R =
/// P/|P|) gives every frequency one vote, also those where neither image has any signal and what
/// is there is the taper's leakage from neighbouring frequencies, whose phase says "no shift": on
/// smooth or band-limited images that pulls the estimate towards zero by 10-30 % (measured on
/// planted shifts). Frequencies weaker than the median weigh less, the others almost fully.
///
/// Only frequencies up to max_correlated_frequency take part. Above it the phase of resampled
/// imagery (Sentinel-2's 20 m bands, any image warped onto another grid) no longer follows the
/// translation: bilinear interpolation pulls it towards whole cells, so that a planted shift of
/// 0.6 cell through bilinear resampling reads 0.73 with every frequency and 0.61 with this
/// limit; on the OSCD pairs the limited estimates also align the dates better (higher
/// correlation after correction, in all five cities checked). Noise and aliasing live there too.
/// The
/// whole-cell peak is refined to about 0.01 cell by evaluating the inverse transform on a grid of
/// 1/20 cell over ±1.5 cells around it (the matrix-multiply DFT of Guizar-Sicairos, Thurman &
/// Fienup 2008, "Efficient subpixel image registration algorithms", Opt. Lett. 33(2)), then a
/// parabola through the highest point and its neighbours on that grid.
///
/// Non-finite values must have been replaced by the caller (e.g. by the window's mean).
/// Cycles per cell: the highest frequency phase_correlate() uses (see there).
constexpr double max_correlated_frequency = 0.25;

/// @p max_frequency (cycles per cell) overrides that limit: 1 or more keeps every frequency, as
/// the comparison of a date's own bands does (cloud_parallax.h: they are not resampled against each
/// other, and the fine detail of a cloud's edge is what moves).
/// A window made ready for phase_correlate(): @p out is @p band with every cell that is not
/// valid (or not finite) set to the mean of the others, which adds no structure. Returns the
/// share of the cells that were valid (0 for an empty band).
double fill_invalid_with_mean(const std::vector<float>& band, const std::vector<std::uint8_t>& valid,
                              std::vector<float>& out);

PhaseCorrelation phase_correlate(const std::vector<float>& a,
                                 const std::vector<float>& b,
                                 int size,
                                 double max_frequency = max_correlated_frequency);

} // namespace redline
