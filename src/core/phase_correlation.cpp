#include "phase_correlation.h"

#include "fft.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace redline {

namespace {

/// Mean removed and a 2-D Hann taper applied, as complex values.
std::vector<Complex> tapered(const std::vector<float>& v, int n)
{
    double mean = 0;
    for (float x : v)
        mean += double(x);
    mean /= double(v.size());
    std::vector<double> hann(std::size_t(n), 0.0);
    for (int i = 0; i < n; ++i)
        hann[std::size_t(i)] = 0.5 - 0.5 * std::cos(2.0 * M_PI * double(i) / double(n));
    std::vector<Complex> out(v.size());
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            const std::size_t i = std::size_t(r) * std::size_t(n) + std::size_t(c);
            out[i] = Complex((double(v[i]) - mean) * hann[std::size_t(r)] * hann[std::size_t(c)], 0.0);
        }
    return out;
}

/// Signed frequency (or offset) of index @p k of an @p n-point transform: 0, 1, ..., n/2 − 1, −n/2, ..., −1.
int signed_index(int k, int n)
{
    return k < n / 2 ? k : k - n;
}

} // namespace

double fill_invalid_with_mean(const std::vector<float>& band, const std::vector<std::uint8_t>& valid,
                              std::vector<float>& out)
{
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < band.size(); ++i)
        if (valid[i] && std::isfinite(band[i])) {
            sum += band[i];
            ++n;
        }
    const float mean = n ? float(sum / double(n)) : 0.0f;
    out.resize(band.size());
    for (std::size_t i = 0; i < band.size(); ++i)
        out[i] = valid[i] && std::isfinite(band[i]) ? band[i] : mean;
    return band.empty() ? 0.0 : double(n) / double(band.size());
}

bool PhaseCorrelation::clear() const
{
    return size > 0 && noise > 0 && peak >= 12.0 * noise && peak >= 2.0 * second;
}

PhaseCorrelation phase_correlate(const std::vector<float>& a, const std::vector<float>& b, int size,
                                 double max_frequency)
{
    const int n = size;
    if (n < 16 || !is_power_of_two(std::size_t(n)) || a.size() != std::size_t(n) * std::size_t(n) ||
        b.size() != a.size())
        throw std::invalid_argument("phase_correlate: windows must be size × size with size a power of two >= 16");
    std::vector<Complex> fa = tapered(a, n), fb = tapered(b, n);
    fft_2d(fa, n, n);
    fft_2d(fb, n, n);
    // Normalised cross-power spectrum: (almost) only the phase difference is kept, so that the
    // surface is a sharp peak rather than the images' autocorrelation; regularised by the median
    // magnitude (see the header).
    // (Buffers are reused where they can be: on a virtual machine the page faults of fresh
    // megabytes cost more than the arithmetic.)
    std::vector<Complex>& cross = fb;
    std::vector<double> magnitude(fa.size());
    for (std::size_t i = 0; i < fa.size(); ++i) {
        cross[i] = multiply(std::conj(fa[i]), fb[i]);
        magnitude[i] = std::sqrt(std::norm(cross[i]));
    }
    std::nth_element(magnitude.begin(), magnitude.begin() + std::ptrdiff_t(magnitude.size() / 2), magnitude.end());
    const double floor = magnitude[magnitude.size() / 2] + 1e-300;
    double power = 0;
    const double limit = max_frequency * double(n); // in bins
    for (std::size_t i = 0; i < cross.size(); ++i) {
        const double fy = signed_index(int(i) / n, n), fx = signed_index(int(i) % n, n);
        if (fx * fx + fy * fy > limit * limit) {
            cross[i] = Complex(0.0, 0.0);
            continue;
        }
        cross[i] /= std::sqrt(std::norm(cross[i])) + floor;
        power += std::norm(cross[i]);
    }
    std::vector<Complex>& surface = fa;
    surface = cross;
    fft_2d(surface, n, n, true);

    PhaseCorrelation out;
    out.size = n;
    out.noise = std::sqrt(power) / (double(n) * double(n));
    std::size_t best = 0;
    for (std::size_t i = 1; i < surface.size(); ++i)
        if (surface[i].real() > surface[best].real())
            best = i;
    const int pr = signed_index(int(best) / n, n), pc = signed_index(int(best) % n, n);
    for (std::size_t i = 0; i < surface.size(); ++i) {
        const int r = signed_index(int(i) / n, n), c = signed_index(int(i) % n, n);
        // Distance on the torus: the surface wraps round.
        const int dr = std::min(std::abs(r - pr), n - std::abs(r - pr));
        const int dc = std::min(std::abs(c - pc), n - std::abs(c - pc));
        if (std::max(dr, dc) > 3)
            out.second = std::max(out.second, surface[i].real());
    }

    // The surface between the cells: the inverse DFT of the cross-power spectrum evaluated at
    // offsets pc + (j − half)/up, pr + (i − half)/up (±1.5 cells at 1/20 cell), as two matrix
    // products (columns, then rows). First every fifth point of that lattice, then the lattice
    // itself within half a cell of the best of those: the same values at the points that matter
    // (each is computed from its own offset), for about a third of the work.
    const int up = 20, half = 30, m = 2 * half + 1;
    std::vector<double> fine(std::size_t(m) * std::size_t(m), -std::numeric_limits<double>::infinity());
    const double norm = 1.0 / (double(n) * double(n));
    auto evaluate = [&](const std::vector<int>& is, const std::vector<int>& js) {
        const std::size_t mi = is.size(), mj = js.size();
        std::vector<Complex> ex(std::size_t(n) * mj), ey(mi * std::size_t(n));
        for (int k = 0; k < n; ++k) {
            const double f = 2.0 * M_PI * double(signed_index(k, n)) / double(n);
            for (std::size_t j = 0; j < mj; ++j)
                ex[std::size_t(k) * mj + j] = std::polar(1.0, f * (double(pc) + double(js[j] - half) / double(up)));
            for (std::size_t i = 0; i < mi; ++i)
                ey[i * std::size_t(n) + std::size_t(k)] =
                  std::polar(1.0, f * (double(pr) + double(is[i] - half) / double(up)));
        }
        std::vector<Complex> rows_x(std::size_t(n) * mj, Complex(0.0, 0.0)); // n rows (freq) × the x offsets
        for (int l = 0; l < n; ++l)
            for (int k = 0; k < n; ++k) {
                const Complex c = cross[std::size_t(l) * std::size_t(n) + std::size_t(k)];
                if (c == Complex(0.0, 0.0))
                    continue; // beyond the frequency limit: most of the spectrum
                const Complex* e = &ex[std::size_t(k) * mj];
                Complex* row = &rows_x[std::size_t(l) * mj];
                for (std::size_t j = 0; j < mj; ++j)
                    row[j] += multiply(c, e[j]);
            }
        for (std::size_t i = 0; i < mi; ++i)
            for (std::size_t j = 0; j < mj; ++j) {
                Complex s(0.0, 0.0);
                for (int l = 0; l < n; ++l)
                    s += multiply(ey[i * std::size_t(n) + std::size_t(l)], rows_x[std::size_t(l) * mj + j]);
                fine[std::size_t(is[i]) * std::size_t(m) + std::size_t(js[j])] = s.real() * norm;
            }
    };
    auto range = [](int from, int to, int step) {
        std::vector<int> v;
        for (int i = from; i <= to; i += step)
            v.push_back(i);
        return v;
    };
    evaluate(range(0, m - 1, 5), range(0, m - 1, 5));
    std::size_t coarse = 0;
    for (std::size_t i = 1; i < fine.size(); ++i)
        if (fine[i] > fine[coarse])
            coarse = i;
    const int ci = int(coarse) / m, cj = int(coarse) % m;
    const std::vector<int> is = range(std::max(0, ci - 10), std::min(m - 1, ci + 10), 1);
    const std::vector<int> js = range(std::max(0, cj - 10), std::min(m - 1, cj + 10), 1);
    evaluate(is, js);
    // The best point needs its neighbours for the parabola below: when it lies on the edge of that
    // neighbourhood (the surface is not one smooth peak there), the whole lattice, as it was.
    {
        std::size_t t = 0;
        for (std::size_t i = 1; i < fine.size(); ++i)
            if (fine[i] > fine[t])
                t = i;
        const int ti = int(t) / m, tj = int(t) % m;
        const bool rows_known = ti == 0 || ti == m - 1 || (ti > is.front() && ti < is.back());
        const bool cols_known = tj == 0 || tj == m - 1 || (tj > js.front() && tj < js.back());
        if (!rows_known || !cols_known)
            evaluate(range(0, m - 1, 1), range(0, m - 1, 1));
    }
    std::size_t top = 0;
    for (std::size_t i = 1; i < fine.size(); ++i)
        if (fine[i] > fine[top])
            top = i;
    const int ti = int(top) / m, tj = int(top) % m;
    // A parabola through the highest point and its two neighbours, along each axis.
    auto vertex = [](double left, double centre, double right) {
        const double d = left - 2.0 * centre + right;
        return d < 0 ? std::clamp(0.5 * (left - right) / d, -0.5, 0.5) : 0.0;
    };
    double oi = 0, oj = 0;
    if (ti > 0 && ti < m - 1)
        oi = vertex(fine[std::size_t(ti - 1) * std::size_t(m) + std::size_t(tj)], fine[top],
                    fine[std::size_t(ti + 1) * std::size_t(m) + std::size_t(tj)]);
    if (tj > 0 && tj < m - 1)
        oj = vertex(fine[top - 1], fine[top], fine[top + 1]);
    out.dx = double(pc) + (double(tj - half) + oj) / double(up);
    out.dy = double(pr) + (double(ti - half) + oi) / double(up);
    out.peak = fine[top];
    return out;
}

} // namespace redline
