// Runs of one class weighed in closed form, against cell-by-cell sums in long double.
#include "class_runs.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

using namespace redline;

namespace {

struct Banks
{
    std::array<std::array<double, 256>, 8> sums{};
    double* ptr[8];
    Banks()
    {
        for (int k = 0; k < 8; ++k)
            ptr[k] = sums[std::size_t(k)].data();
    }
    double of(int v) const
    {
        double a = 0;
        for (const auto& bank : sums)
            a += bank[std::size_t(v)];
        return a;
    }
};

} // namespace

TEST(AddClassRuns, OneRunIsTheClosedFormSumOfItsLinearAreas)
{
    // Σ_{c=b}^{e−1} (base + slope (c − node)) = n base + slope (n (b − node) + n (n − 1) / 2).
    const std::vector<std::uint8_t> row(300, 42);
    const LinearAreas areas{ 11.1, 3e-6, -5 };
    for (const auto& [b, e] : { std::pair{ 0, 300 }, std::pair{ 7, 8 }, std::pair{ 13, 290 }, std::pair{ 16, 48 } }) {
        Banks banks;
        add_class_runs(row.data(), b, e, areas, banks.ptr);
        const long double n = e - b;
        const long double expected = n * 11.1L + 3e-6L * (n * (b + 5) + n * (n - 1) / 2);
        EXPECT_NEAR(banks.of(42), double(expected), 1e-14 * double(expected)) << b << ".." << e;
        EXPECT_EQ(banks.of(0), 0.0);
    }
}

TEST(AddClassRuns, AgreesWithCellByCellOnRowsOfEveryRunLength)
{
    std::mt19937 rng(7);
    const std::uint8_t classes[5] = { 10, 20, 30, 80, 255 };
    for (int mean_run : { 1, 2, 5, 16, 40, 300 }) {
        std::vector<std::uint8_t> row;
        while (row.size() < 1000) {
            const std::uint8_t v = classes[rng() % 5];
            const int n = 1 + int(rng() % unsigned(2 * mean_run));
            row.insert(row.end(), std::size_t(n), v);
        }
        const LinearAreas areas{ 10.0 + double(rng() % 100) / 7.0, 1e-5 * (double(rng() % 200) - 100.0), int(rng() % 50) - 60 };
        for (const auto& [b, e] : { std::pair{ 0, 1000 }, std::pair{ 3, 997 }, std::pair{ 17, 33 }, std::pair{ 500, 517 } }) {
            Banks banks;
            add_class_runs(row.data(), b, e, areas, banks.ptr);
            std::array<long double, 256> expected{};
            for (int c = b; c < e; ++c)
                expected[row[std::size_t(c)]] += areas.base + areas.slope * (long double)(c - areas.node);
            for (int v = 0; v < 256; ++v)
                EXPECT_NEAR(banks.of(v), double(expected[std::size_t(v)]), 1e-13 * double(expected[std::size_t(v)]) + 1e-300)
                  << "class " << v << ", runs of ~" << mean_run << ", cells " << b << ".." << e;
        }
    }
}

TEST(LongRuns, TellsRowsOfLongRunsFromShortOnes)
{
    auto row_of_runs = [](int length, int cells) {
        std::vector<std::uint8_t> row(static_cast<std::size_t>(cells));
        for (int c = 0; c < cells; ++c)
            row[std::size_t(c)] = std::uint8_t(c / length % 2 ? 10 : 20);
        return row;
    };
    EXPECT_TRUE(long_runs(row_of_runs(32, 512).data(), 0, 512));
    EXPECT_FALSE(long_runs(row_of_runs(8, 512).data(), 0, 512));
    // The threshold: 16 cells a run on average (256 cells, 15 changes: 16 runs of 16).
    EXPECT_TRUE(long_runs(row_of_runs(16, 256).data(), 0, 256));
    EXPECT_FALSE(long_runs(row_of_runs(16, 256).data(), 1, 256)); // 15 changes in 255 cells
    // Changes counted across many blocks (the byte lanes are gathered every 255 blocks).
    EXPECT_FALSE(long_runs(row_of_runs(15, 40000).data(), 0, 40000));
    EXPECT_TRUE(long_runs(row_of_runs(17, 40000).data(), 0, 40000));
    EXPECT_FALSE(long_runs(row_of_runs(100, 31).data(), 0, 31)); // too short to bother
}
