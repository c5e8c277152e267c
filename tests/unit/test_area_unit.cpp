#include "area_unit.h"
#include "error.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(AreaUnit, ParsesTheUnitsChineseStaffWrite)
{
    EXPECT_DOUBLE_EQ(parse_area("616km2", "x"), 616e6);
    EXPECT_DOUBLE_EQ(parse_area("616 km²", "x"), 616e6);
    EXPECT_DOUBLE_EQ(parse_area("2402平方公里", "x"), 2402e6);
    EXPECT_DOUBLE_EQ(parse_area("15亩", "x"), 1e4);
    EXPECT_DOUBLE_EQ(parse_area("1.5 ha", "x"), 1.5e4);
    EXPECT_DOUBLE_EQ(parse_area("300 m2", "x"), 300.0);
    EXPECT_THROW(parse_area("616", "x"), InputError); // a unit is required
    EXPECT_THROW(parse_area("616 acres", "x"), InputError);
    EXPECT_THROW(parse_area("-5km2", "x"), InputError);
}

TEST(AreaUnit, PublishedFiguresCarryTheirRounding)
{
    EXPECT_DOUBLE_EQ(parse_area_figure("616km2", "x").half_unit_m2, 0.5e6);
    EXPECT_DOUBLE_EQ(parse_area_figure("616.04 km2", "x").half_unit_m2, 0.005e6);
    EXPECT_DOUBLE_EQ(parse_area_figure("92400亩", "x").half_unit_m2, 0.5 * 1e4 / 15);
}
