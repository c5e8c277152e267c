#include "fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace redline;

namespace {

/// The DFT by its definition, O(N²): the independent truth.
std::vector<Complex> naive_dft(const std::vector<Complex>& x, bool inverse)
{
    const std::size_t n = x.size();
    std::vector<Complex> out(n);
    const double sign = inverse ? 1.0 : -1.0;
    for (std::size_t k = 0; k < n; ++k) {
        Complex s(0, 0);
        for (std::size_t j = 0; j < n; ++j)
            s += x[j] * std::polar(1.0, sign * 2.0 * M_PI * double(k * j % n) / double(n));
        out[k] = inverse ? s / double(n) : s;
    }
    return out;
}

std::vector<Complex> random_signal(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<Complex> x(n);
    for (auto& c : x)
        c = Complex(g(rng), g(rng));
    return x;
}

} // namespace

TEST(Fft, MatchesTheDefinitionForEveryPowerOfTwoUpTo256)
{
    for (std::size_t n = 1; n <= 256; n *= 2) {
        const std::vector<Complex> x = random_signal(n, unsigned(n));
        for (bool inverse : { false, true }) {
            std::vector<Complex> y = x;
            fft(y, inverse);
            const std::vector<Complex> truth = naive_dft(x, inverse);
            for (std::size_t k = 0; k < n; ++k)
                EXPECT_LT(std::abs(y[k] - truth[k]), 1e-9 * std::sqrt(double(n))) << n << " " << k;
        }
    }
}

TEST(Fft, CosineGivesTwoSpikesAndTheInverseRestoresTheSignal)
{
    const std::size_t n = 64;
    std::vector<Complex> x(n);
    for (std::size_t j = 0; j < n; ++j)
        x[j] = std::cos(2.0 * M_PI * 5.0 * double(j) / double(n));
    std::vector<Complex> y = x;
    fft(y);
    for (std::size_t k = 0; k < n; ++k) {
        const double expected = (k == 5 || k == n - 5) ? double(n) / 2 : 0.0;
        EXPECT_NEAR(y[k].real(), expected, 1e-9) << k;
        EXPECT_NEAR(y[k].imag(), 0.0, 1e-9) << k;
    }
    fft(y, true);
    for (std::size_t j = 0; j < n; ++j)
        EXPECT_NEAR(std::abs(y[j] - x[j]), 0.0, 1e-12);
}

TEST(Fft, TwoDimensionalMatchesTheDefinition)
{
    const int rows = 8, cols = 16;
    const std::vector<Complex> x = random_signal(std::size_t(rows * cols), 7);
    std::vector<Complex> y = x;
    fft_2d(y, rows, cols);
    for (int k = 0; k < rows; ++k)
        for (int l = 0; l < cols; ++l) {
            Complex s(0, 0);
            for (int r = 0; r < rows; ++r)
                for (int c = 0; c < cols; ++c)
                    s += x[std::size_t(r * cols + c)] *
                         std::polar(1.0, -2.0 * M_PI * (double(k * r) / rows + double(l * c) / cols));
            EXPECT_LT(std::abs(y[std::size_t(k * cols + l)] - s), 1e-9) << k << "," << l;
        }
    fft_2d(y, rows, cols, true);
    for (std::size_t i = 0; i < x.size(); ++i)
        EXPECT_LT(std::abs(y[i] - x[i]), 1e-12);
}

TEST(Fft, RefusesSizesThatAreNotPowersOfTwo)
{
    std::vector<Complex> x(12);
    EXPECT_THROW(fft(x), std::invalid_argument);
    std::vector<Complex> y(8 * 6);
    EXPECT_THROW(fft_2d(y, 8, 6), std::invalid_argument);
    EXPECT_FALSE(is_power_of_two(0));
    EXPECT_TRUE(is_power_of_two(1));
    EXPECT_TRUE(is_power_of_two(256));
}
