#include "cloud_shadow.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace redline;

namespace {

/// The cells of a disc of @p radius cells centred at (@p row, @p col).
std::vector<Cell> disc(int row, int col, double radius)
{
    std::vector<Cell> out;
    const int r = int(radius) + 1;
    for (int y = -r; y <= r; ++y)
        for (int x = -r; x <= r; ++x)
            if (x * x + y * y <= radius * radius) out.push_back(Cell{ row + y, col + x });
    return out;
}

std::vector<Cell> joined(std::vector<Cell> a, const std::vector<Cell>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

TEST(CloudShadow, MorningSunDirections)
{
    // Paris at Sentinel-2's overpass: the sun south-south-east, shadows north-north-west.
    EXPECT_TRUE(morning_shadow_directions(48.8).holds(352));
    EXPECT_TRUE(morning_shadow_directions(48.8).holds(5));
    EXPECT_FALSE(morning_shadow_directions(48.8).holds(45));  // north-east: an afternoon sun
    EXPECT_FALSE(morning_shadow_directions(48.8).holds(180)); // south: the sun is not in the north
    EXPECT_TRUE(morning_shadow_directions(-33.9).holds(200));
    EXPECT_FALSE(morning_shadow_directions(-33.9).holds(350));
    EXPECT_TRUE(morning_shadow_directions(10).holds(270));
    EXPECT_FALSE(morning_shadow_directions(10).holds(90));
}

TEST(CloudShadow, FindsTheShadowByTheCloudsOutline)
{
    // A cloud of radius 20 cells (10 m cells) and its shadow 150 rows north, 30 columns west,
    // partly lost (a third of it falls on ground that was already dark), beside a dark patch of
    // another shape south-west of the cloud.
    const std::vector<Cell> cloud = disc(400, 400, 20);
    std::vector<Cell> shadow;
    for (const Cell& c : cloud)
        if (c.col - 400 < 8) shadow.push_back(Cell{ c.row - 150, c.col - 30 });
    const std::vector<Cell> dark = joined(shadow, disc(480, 330, 12));
    const ShadowOffset at = match_cloud_shadow(cloud, dark, 10, 10, morning_shadow_directions(48.8));
    ASSERT_TRUE(at.found);
    EXPECT_EQ(at.rows, -150);
    EXPECT_EQ(at.cols, -30);
    EXPECT_EQ(at.overlap, std::int64_t(shadow.size()));
    EXPECT_NEAR(at.distance_m, 10 * std::hypot(150.0, 30.0), 1e-6);
    EXPECT_NEAR(at.azimuth, 360 - std::atan2(30.0, 150.0) * 180 / M_PI, 1e-9);
}

TEST(CloudShadow, NoShadowWhereTheSunCannotPutIt)
{
    const std::vector<Cell> cloud = disc(400, 400, 20);
    std::vector<Cell> south_east;
    for (const Cell& c : cloud)
        south_east.push_back(Cell{ c.row + 100, c.col + 100 });
    EXPECT_FALSE(match_cloud_shadow(cloud, south_east, 10, 10, morning_shadow_directions(48.8)).found);
    // Beyond the 5 km reach.
    std::vector<Cell> far;
    for (const Cell& c : cloud)
        far.push_back(Cell{ c.row - 600, c.col });
    EXPECT_FALSE(match_cloud_shadow(cloud, far, 10, 10, morning_shadow_directions(48.8)).found);
    // A small dark patch fits under a large cloud anywhere: not a shadow.
    EXPECT_FALSE(match_cloud_shadow(cloud, disc(250, 390, 6), 10, 10, morning_shadow_directions(48.8)).found);
}

TEST(CloudShadow, CellsOfUnequalSidesAreMeasuredInMetres)
{
    // Geographic cells at 49°N: 8.5 m wide, 12.9 m tall. A shadow 1,935 m north and 272 m west.
    const std::vector<Cell> cloud = disc(300, 300, 15);
    std::vector<Cell> shadow;
    for (const Cell& c : cloud)
        shadow.push_back(Cell{ c.row - 150, c.col - 32 });
    const ShadowOffset at = match_cloud_shadow(cloud, shadow, 8.5, 12.9, morning_shadow_directions(49));
    ASSERT_TRUE(at.found);
    EXPECT_NEAR(at.distance_m, std::hypot(150 * 12.9, 32 * 8.5), 1e-6);
    EXPECT_NEAR(at.azimuth, 360 - std::atan2(32 * 8.5, 150 * 12.9) * 180 / M_PI, 1e-9);
}
