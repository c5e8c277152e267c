#include "phase_correlation.h"
#include "wave_field.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <complex>
#include <random>

using namespace redline;

namespace {

void add_noise(std::vector<float>& v, double sigma, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, sigma);
    for (float& x : v)
        x += float(g(rng));
}

} // namespace

TEST(PhaseCorrelation, FindsPlantedSubPixelShifts)
{
    const WaveField field(3);
    const std::pair<double, double> shifts[] = { { 0.5, 0.5 },  { 0.3, -0.7 }, { -1.25, 0.4 },
                                                 { 1.8, -1.6 }, { 0.1, 0.05 }, { -3.0, 2.0 } };
    for (int n : { 64, 128, 256 })
        for (const auto& s : shifts) {
            const std::vector<float> a = field.window(n, 100.0, 50.0);
            const std::vector<float> b = field.window(n, 100.0, 50.0, s.first, s.second);
            const PhaseCorrelation p = phase_correlate(a, b, n);
            EXPECT_NEAR(p.dx, s.first, 0.05) << n << " " << s.first << "," << s.second;
            EXPECT_NEAR(p.dy, s.second, 0.05) << n << " " << s.first << "," << s.second;
            EXPECT_TRUE(p.clear()) << n << " peak " << p.peak << " second " << p.second;
            EXPECT_EQ(p.size, n);
        }
}

TEST(PhaseCorrelation, FindsShiftsThroughNoiseAndABrightnessChange)
{
    // Independent noise of 10 % of the field's amplitude in each date and a gain and offset
    // between them, as between two acquisitions.
    const WaveField field(8);
    const int n = 128;
    std::vector<float> a = field.window(n, 10.0, 300.0);
    std::vector<float> b = field.window(n, 10.0, 300.0, -0.45, 0.8);
    for (float& x : b)
        x = 0.8f * x + 3.0f;
    add_noise(a, 0.15, 1);
    add_noise(b, 0.15, 2);
    const PhaseCorrelation p = phase_correlate(a, b, n);
    EXPECT_NEAR(p.dx, -0.45, 0.1);
    EXPECT_NEAR(p.dy, 0.8, 0.1);
    EXPECT_TRUE(p.clear());
}

TEST(PhaseCorrelation, BilinearResamplingOfARandomRaster)
{
    // The after window made by bilinear interpolation of a smoothed random raster at positions
    // moved by the planted shift: how a resampled image is misregistered.
    const int n = 128, big = 200;
    std::mt19937 rng(5);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<double> raw(std::size_t(big) * big), smooth(raw.size(), 0.0);
    for (auto& v : raw)
        v = g(rng);
    for (int r = 2; r < big - 2; ++r) // 5 × 5 box: structure a few cells across
        for (int c = 2; c < big - 2; ++c) {
            double s = 0;
            for (int i = -2; i <= 2; ++i)
                for (int j = -2; j <= 2; ++j)
                    s += raw[std::size_t(r + i) * big + std::size_t(c + j)];
            smooth[std::size_t(r) * big + std::size_t(c)] = s / 25.0;
        }
    auto bilinear = [&](double x, double y) {
        const int c = int(std::floor(x)), r = int(std::floor(y));
        const double fx = x - c, fy = y - r;
        auto v = [&](int rr, int cc) { return smooth[std::size_t(rr) * big + std::size_t(cc)]; };
        return (1 - fy) * ((1 - fx) * v(r, c) + fx * v(r, c + 1)) + fy * ((1 - fx) * v(r + 1, c) + fx * v(r + 1, c + 1));
    };
    const double dx = 0.6, dy = -0.35;
    std::vector<float> a(std::size_t(n) * n), b(a.size());
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            a[std::size_t(r) * n + std::size_t(c)] = float(smooth[std::size_t(r + 30) * big + std::size_t(c + 30)]);
            b[std::size_t(r) * n + std::size_t(c)] = float(bilinear(c + 30 - dx, r + 30 - dy));
        }
    const PhaseCorrelation p = phase_correlate(a, b, n);
    // Bilinear interpolation shifts high frequencies by other than the translation (towards whole
    // cells): with every frequency this read 0.73, −0.21; the frequency limit keeps it close.
    EXPECT_NEAR(p.dx, dx, 0.05);
    EXPECT_NEAR(p.dy, dy, 0.05);
    EXPECT_TRUE(p.clear());
}

TEST(PhaseCorrelation, ZeroShift)
{
    const WaveField field(11);
    const int n = 128;
    std::vector<float> a = field.window(n, -40.0, 7.0), b = a;
    add_noise(a, 0.1, 3);
    add_noise(b, 0.1, 4);
    const PhaseCorrelation p = phase_correlate(a, b, n);
    EXPECT_NEAR(p.dx, 0.0, 0.03);
    EXPECT_NEAR(p.dy, 0.0, 0.03);
    EXPECT_TRUE(p.clear());
    EXPECT_GT(p.peak, 20 * p.noise);
}

TEST(PhaseCorrelation, UnrelatedImagesHaveNoClearPeak)
{
    // Two unrelated landscapes, and two windows of pure noise: any "shift" found is chance.
    for (int n : { 64, 128, 256 }) {
        const PhaseCorrelation fields =
          phase_correlate(WaveField(21).window(n, 0.0, 0.0), WaveField(22).window(n, 0.0, 0.0), n);
        EXPECT_FALSE(fields.clear()) << n << " peak " << fields.peak << " second " << fields.second;
        std::vector<float> a(std::size_t(n) * n, 0.0f), b = a;
        add_noise(a, 1.0, 5);
        add_noise(b, 1.0, 6);
        const PhaseCorrelation noise = phase_correlate(a, b, n);
        EXPECT_FALSE(noise.clear()) << n << " peak " << noise.peak << " second " << noise.second;
        EXPECT_LT(noise.peak, 8.0 * noise.noise);
    }
}

TEST(PhaseCorrelation, RefusesWindowsOfTheWrongSize)
{
    std::vector<float> a(100 * 100), b(100 * 100);
    EXPECT_THROW(phase_correlate(a, b, 100), std::invalid_argument);
    std::vector<float> c(64 * 64), d(64 * 63);
    EXPECT_THROW(phase_correlate(c, d, 64), std::invalid_argument);
}
