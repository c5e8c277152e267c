#include "error.h"
#include "figure_check.h"
#include "reconcile.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(FigureCheck, DefaultToleranceIsHalfAUnitOfTheLastDecimal)
{
    EXPECT_DOUBLE_EQ(FigureCheck::parse("redline=25.76", FigureCheck::Kind::verify, "--verify").tolerance(), 0.005);
    EXPECT_DOUBLE_EQ(FigureCheck::parse("forest=65", FigureCheck::Kind::verify, "--verify").tolerance(), 0.5);
    EXPECT_DOUBLE_EQ(FigureCheck::parse("protected=17.020%", FigureCheck::Kind::verify, "--verify").tolerance(), 0.0005);
    FigureCheck c = FigureCheck::parse("redline=25.76", FigureCheck::Kind::verify, "--verify");
    c.tolerance_pp = 0.1;
    EXPECT_DOUBLE_EQ(c.tolerance(), 0.1);
    EXPECT_DOUBLE_EQ(FigureCheck::parse("forest=65", FigureCheck::Kind::floor, "--target").tolerance(), 0.0);
}

TEST(FigureCheck, FloorsHoldAtOrAboveTheFigure)
{
    const FigureCheck f = FigureCheck::parse("forest=65", FigureCheck::Kind::floor, "--target");
    EXPECT_TRUE(evaluate(f, 65.0).pass);
    EXPECT_TRUE(evaluate(f, 70.0).pass);
    EXPECT_FALSE(evaluate(f, 64.9999).pass);
    EXPECT_NEAR(evaluate(f, 64.5).margin_pp, -0.5, 1e-12);
}

TEST(FigureCheck, VerificationsHoldWithinTheTolerance)
{
    const FigureCheck v = FigureCheck::parse("redline=25.76", FigureCheck::Kind::verify, "--verify");
    EXPECT_TRUE(evaluate(v, 25.7649).pass);
    EXPECT_TRUE(evaluate(v, 25.755).pass); // rounds to 25.76 (half-up)
    EXPECT_FALSE(evaluate(v, 25.7651).pass);
    EXPECT_FALSE(evaluate(v, 25.65).pass);
}

TEST(FigureCheck, BadTextIsRefusedWithTheOptionNamed)
{
    for (const char* bad : { "redline", "tree=65", "forest=abc", "forest=120", "forest=65x" }) {
        try {
            FigureCheck::parse(bad, FigureCheck::Kind::floor, "--target");
            FAIL() << bad;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("--target"), std::string::npos) << e.what();
        }
    }
}

TEST(Reconcile, QianjiangPublishedFigureImpliesItsDistrictArea)
{
    // The plan: 616 km² = 25.76 % implies 2,391 km²; the often-quoted 2,402 km² gives 25.65 %.
    const FigureCheck v = FigureCheck::parse("redline=25.76", FigureCheck::Kind::verify, "--verify");
    const ShareVariant measured{ "measured", 616e6, 2402e6 };
    const Reconciliation r = reconcile(v, measured, AreaFigure{ 616e6, 0.5e6 },
                                       { { "the red line over 2,391.3 km²", 616e6, 2391.3e6 },
                                         { "the red line without dissolving", 640e6, 2402e6 } });
    EXPECT_NEAR(r.implied_denominator_m2 / 1e6, 2391.30, 0.01);
    ASSERT_TRUE(r.implied_denominator_from_reported_m2.has_value());
    EXPECT_NEAR(*r.implied_denominator_from_reported_m2 / 1e6, 2391.30, 0.01);
    EXPECT_NEAR(measured.share_pct(), 25.645, 0.001);
    ASSERT_EQ(r.reproducing.size(), 1u);
    EXPECT_EQ(r.reproducing[0].description, "the red line over 2,391.3 km²");
    EXPECT_EQ(r.tried.size(), 2u);
}
