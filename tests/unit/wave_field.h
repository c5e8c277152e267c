#pragma once

// A synthetic landscape whose shifted windows are known exactly, for tests of shift estimators.

#include <array>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

namespace redline {

/// A random landscape defined everywhere: a sum of 400 plane waves of random direction and
/// phase, frequencies spread evenly over the disc of 0.4 cycles per cell and amplitudes falling as
/// 1/frequency (the spectrum of natural scenes). A window of it shifted by any amount is known
/// exactly, without any resampling: the independent truth the estimator is checked against.
class WaveField
{
public:
    explicit WaveField(unsigned seed)
    {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        for (int i = 0; i < 400; ++i) {
            const double f = std::sqrt(0.0004 + (0.16 - 0.0004) * u(rng)), angle = 2 * M_PI * u(rng);
            m_waves.push_back({ f * std::cos(angle), f * std::sin(angle), 2 * M_PI * u(rng), 1.0 / (f + 0.02) });
        }
    }
    /// The @p n × @p n window whose cell (c, r) shows the field at (x0 + c − dx, y0 + r − dy):
    /// what the field shows at (x, y) appears at (x + dx, y + dy).
    std::vector<float> window(int n, double x0, double y0, double dx = 0, double dy = 0) const
    {
        std::vector<double> sum(std::size_t(n) * std::size_t(n), 0.0);
        std::vector<std::complex<double>> along_x(static_cast<std::size_t>(n)), along_y(static_cast<std::size_t>(n));
        for (const auto& w : m_waves) {
            // e^{i(2π(u·x + v·y) + φ)} = e^{i(2πu·x + φ)} · e^{i 2πv·y}
            for (int k = 0; k < n; ++k) {
                along_x[std::size_t(k)] = std::polar(w[3], 2 * M_PI * w[0] * (x0 + k - dx) + w[2]);
                along_y[std::size_t(k)] = std::polar(1.0, 2 * M_PI * w[1] * (y0 + k - dy));
            }
            for (int r = 0; r < n; ++r)
                for (int c = 0; c < n; ++c)
                    sum[std::size_t(r) * std::size_t(n) + std::size_t(c)] +=
                      (along_x[std::size_t(c)] * along_y[std::size_t(r)]).real();
        }
        return std::vector<float>(sum.begin(), sum.end());
    }

private:
    std::vector<std::array<double, 4>> m_waves;
};

} // namespace redline
