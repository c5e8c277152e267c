// Exact, order-free sums: checked against integer arithmetic (terms chosen on the 2^-40 grid, so
// the true sum is known exactly) and against cases where plain double sums go wrong.
#include "class_area_totals.h"
#include "exact_sum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

using namespace redline;

TEST(ExactSum, EqualsTheIntegerSumOfTermsOnItsGrid)
{
    // Terms k × 2^-20 with random integers k: exact on the grid; the true sum is Σk × 2^-20.
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<std::int64_t> k_of(-(std::int64_t(1) << 40), std::int64_t(1) << 40);
    ExactSum sum;
    std::int64_t k_total = 0; // |Σk| < 1000 × 2^40 < 2^63
    for (int i = 0; i < 1000; ++i) {
        const std::int64_t k = k_of(rng);
        k_total += k;
        sum.add(std::ldexp(double(k), -20));
    }
    EXPECT_EQ(sum.value(), std::ldexp(double(k_total), -20));
}

TEST(ExactSum, DoesNotDependOnTheOrderOfTerms)
{
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> magnitude(8.0, 6.0); // areas from µm² to many km²
    std::vector<double> terms(5000);
    for (auto& t : terms)
        t = magnitude(rng);
    ExactSum forward, backward, shuffled, grouped;
    for (double t : terms)
        forward.add(t);
    for (auto it = terms.rbegin(); it != terms.rend(); ++it)
        backward.add(*it);
    std::vector<double> mixed = terms;
    std::shuffle(mixed.begin(), mixed.end(), rng);
    for (double t : mixed)
        shuffled.add(t);
    // Groups summed first, as shards are, then added up.
    for (std::size_t g = 0; g < terms.size(); g += 333) {
        ExactSum part;
        for (std::size_t i = g; i < std::min(terms.size(), g + 333); ++i)
            part.add(terms[i]);
        grouped.add(part);
    }
    EXPECT_TRUE(forward == backward);
    EXPECT_TRUE(forward == shuffled);
    EXPECT_TRUE(forward == grouped);
    EXPECT_EQ(forward.to_string(), grouped.to_string());
    // And it is the sum: within the terms' rounding to 2^-40 each, of a long double reference.
    long double reference = 0;
    std::sort(terms.begin(), terms.end());
    for (double t : terms)
        reference += t;
    EXPECT_NEAR(forward.value(), double(reference), 5000 * std::ldexp(1.0, -40) + 1e-15 * double(reference));
}

TEST(ExactSum, KeepsWhatPlainDoublesLose)
{
    ExactSum s;
    s.add(1e15);
    s.add(0.25);
    s.add(-1e15);
    EXPECT_EQ(s.value(), 0.25);
    // In double, 1e15 + 0.3 − 1e15 is 0.25 or 0.375, not 0.3; here 0.3 rounded once to 2^-40.
    ExactSum t;
    t.add(1e15);
    t.add(0.3);
    t.add(-1e15);
    EXPECT_NEAR(t.value(), 0.3, std::ldexp(1.0, -41));
}

TEST(ExactSum, RoundsTinyTermsToTheGridAndRefusesHugeOnes)
{
    ExactSum s;
    s.add(std::ldexp(1.0, -42)); // a quarter unit: rounds to 0
    EXPECT_TRUE(s.is_zero());
    s.add(std::ldexp(3.0, -41)); // 1.5 units: rounds (half away from zero) to 2
    EXPECT_EQ(s.value(), std::ldexp(1.0, -39));
    EXPECT_THROW(s.add(1e30), std::overflow_error);
    EXPECT_THROW(s.add(std::nan("")), std::overflow_error);
}

TEST(ExactSum, TextRoundTripsExactly)
{
    ExactSum s;
    s.add(-123456789.123456789);
    s.add(-1e20);
    const ExactSum back = ExactSum::from_string(s.to_string());
    EXPECT_TRUE(back == s);
    EXPECT_EQ(back.value(), s.value());
    EXPECT_EQ(s.to_string()[0], '-');
    EXPECT_EQ(ExactSum::from_string("0").value(), 0.0);
    EXPECT_THROW(ExactSum::from_string("12a"), std::invalid_argument);
    EXPECT_THROW(ExactSum::from_string(""), std::invalid_argument);
    EXPECT_THROW(ExactSum::from_string("-"), std::invalid_argument);
}

TEST(ClassAreaTotals, AnyGroupingOfWindowsGivesTheSameBits)
{
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> area(0.0, 1000.0);
    std::vector<ClassHistogram> windows(60);
    for (auto& w : windows)
        for (int c = 0; c < 500; ++c) {
            w.add(std::int64_t(rng() % 12) * 10, area(rng));
            if (c % 50 == 0)
                w.add(70000, area(rng)); // a class beyond the byte range
            if (c % 40 == 0)
                w.add_nodata(area(rng));
        }
    ClassAreaTotals one_by_one;
    for (const auto& w : windows)
        one_by_one.add(w);
    ClassAreaTotals by_shards;
    for (std::size_t s = 0; s < windows.size(); s += 7) {
        ClassAreaTotals shard;
        for (std::size_t i = s; i < std::min(windows.size(), s + 7); ++i)
            shard.add(windows[i]);
        by_shards.add(shard);
    }
    ClassAreaTotals backwards;
    for (auto it = windows.rbegin(); it != windows.rend(); ++it)
        backwards.add(*it);
    EXPECT_TRUE(one_by_one == by_shards);
    EXPECT_TRUE(one_by_one == backwards);
    EXPECT_EQ(one_by_one.area_of(70000), by_shards.area_of(70000));
    EXPECT_GT(one_by_one.area_of(70000), 0.0);
    EXPECT_EQ(one_by_one.valid_area(), backwards.valid_area());
    // The totals are the sums: against a long double sum of the windows' own figures.
    long double class10 = 0;
    for (const auto& w : windows)
        class10 += w.area_of(10);
    EXPECT_NEAR(one_by_one.area_of(10), double(class10), 1e-9);
}
