#include "shift_consensus.h"

#include <gtest/gtest.h>

using namespace redline;

namespace {

PhaseCorrelation window(double dx, double dy, bool clear = true)
{
    PhaseCorrelation p;
    p.size = 128;
    p.dx = dx;
    p.dy = dy;
    p.noise = 0.01; // clear() needs 12 times this
    p.peak = clear ? 0.3 : 0.05;
    p.second = 0.03;
    return p;
}

} // namespace

TEST(ShiftConsensus, MedianOfTheAgreeingWindowsIgnoresOutliersAndUnclearPeaks)
{
    const std::vector<PhaseCorrelation> w{ window(0.48, -0.52), window(0.52, -0.47), window(0.50, -0.50),
                                           window(0.55, -0.49), window(0.46, -0.55), window(3.0, 2.0),
                                           window(-4.0, 1.0, false) };
    const ShiftConsensus c = combine_shifts(w);
    EXPECT_EQ(c.windows, 7);
    EXPECT_EQ(c.clear, 6);
    EXPECT_EQ(c.agreeing, 5);
    EXPECT_DOUBLE_EQ(c.shift.dx, 0.50);  // median of 0.46 0.48 0.50 0.52 0.55
    EXPECT_DOUBLE_EQ(c.shift.dy, -0.50); // median of -0.55 -0.52 -0.50 -0.49 -0.47
    EXPECT_NEAR(c.spread, std::hypot(0.04, 0.05), 1e-12);
    EXPECT_TRUE(c.reliable);
    EXPECT_EQ(shift_action(c), ShiftAction::correct);
}

TEST(ShiftConsensus, DisagreementOrTooFewClearPeaksIsNotReliable)
{
    // Half the windows say one thing, half another.
    const ShiftConsensus split =
      combine_shifts({ window(0, 0), window(0.1, 0), window(1.5, 1.5), window(1.6, 1.4), window(1.4, 1.5), window(0, 0.1) });
    EXPECT_FALSE(split.reliable);
    EXPECT_EQ(shift_action(split), ShiftAction::refuse);
    const ShiftConsensus unclear = combine_shifts({ window(0.5, 0.5), window(0.5, 0.5, false), window(0, 0, false) });
    EXPECT_EQ(unclear.clear, 1);
    EXPECT_FALSE(unclear.reliable);
    EXPECT_FALSE(combine_shifts({}).reliable);
    // Fewer than three windows in all: every one must be clear.
    EXPECT_TRUE(combine_shifts({ window(0.3, 0.3), window(0.32, 0.3) }).reliable);
}

TEST(ShiftConsensus, WhatIsCorrectedIgnoredOrRefused)
{
    ShiftConsensus c;
    c.reliable = true;
    c.shift = CellShift{ 0.1, -0.15 }; // 0.18 cell
    EXPECT_EQ(shift_action(c), ShiftAction::ignore);
    c.shift = CellShift{ 0.2, 0.0 };
    EXPECT_EQ(shift_action(c), ShiftAction::correct);
    c.shift = CellShift{ 1.2, -1.6 }; // 2.0 cells exactly
    EXPECT_EQ(shift_action(c), ShiftAction::correct);
    c.shift = CellShift{ 1.5, -1.5 }; // 2.12 cells
    EXPECT_EQ(shift_action(c), ShiftAction::refuse);
    c.shift = CellShift{ 5.0, 0.0 };
    EXPECT_EQ(shift_action(c), ShiftAction::refuse);
}
