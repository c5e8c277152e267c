// The confidence model: its text form, its features and the logistic function, against values
// worked out by hand.
#include "change_scoring.h"
#include "error.h"
#include "patch_confidence.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace redline;

TEST(PatchConfidence, IsTheLogisticOfTheWeightedFeatures)
{
    const ConfidenceModel m = ConfidenceModel::parse("# a comment\n"
                                                     "name: test\n"
                                                     "intercept: -1.5\n"
                                                     "weight: log_score, 2\n"
                                                     "weight: log_cells, 0.5\n"
                                                     "weight: type=vegetation_change, -1\n"
                                                     "deliver_from: 0.3\n",
                                                     "test.txt");
    PatchEvidence e;
    e.score = 2.0;
    e.cells = 9.0;
    e.type = change_vegetation_to_bare;
    const double z = -1.5 + 2 * std::log(2.0) + 0.5 * std::log(9.0);
    EXPECT_NEAR(m.confidence(e), 1 / (1 + std::exp(-z)), 1e-12);
    e.type = change_vegetation;
    EXPECT_NEAR(m.confidence(e), 1 / (1 + std::exp(-(z - 1))), 1e-12);
    EXPECT_EQ(m.deliver_from(), 0.3);
    EXPECT_EQ(m.name(), "test");
}

TEST(PatchConfidence, FeaturesAreNamedAsDocumented)
{
    PatchEvidence e;
    e.ndvi_before = 0.8;
    e.ndvi_after = 0.3;
    e.bare_before = -0.2;
    e.bare_after = 0.1;
    e.strong_share = 0.25;
    double v = 0;
    ASSERT_TRUE(patch_feature("ndvi_drop", e, v));
    EXPECT_NEAR(v, 0.5, 1e-12);
    ASSERT_TRUE(patch_feature("bare_rise", e, v));
    EXPECT_NEAR(v, 0.3, 1e-12);
    ASSERT_TRUE(patch_feature("strong_share", e, v));
    EXPECT_EQ(v, 0.25);
    EXPECT_FALSE(patch_feature("brightness", e, v));
}

TEST(PatchConfidence, BadModelsAreRefusedWithTheLine)
{
    try {
        ConfidenceModel::parse("intercept: 1\nweight: colour, 2\n", "m.txt");
        FAIL() << "an unknown feature was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("m.txt:2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ConfidenceModel::parse("weight: log_score, 2\n", "m.txt"), InputError);              // no intercept
    EXPECT_THROW(ConfidenceModel::parse("intercept: x\n", "m.txt"), InputError);                      // not a number
    EXPECT_THROW(ConfidenceModel::parse("intercept: 0\nweight: type=quarry, 1\n", "m.txt"), InputError);
    EXPECT_THROW(ConfidenceModel::parse("intercept: 0\ndeliver_from: 1.5\n", "m.txt"), InputError);
}
