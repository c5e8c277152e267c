// Change components of row ranges (shards) joined across their edges: against an independent
// flood fill of the whole image, and against one labelling pass (statistics equal to the bit).
#include "activity/activity_stages.h"
#include "error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace redline;

namespace {

struct Image
{
    int rows, cols;
    std::vector<std::uint8_t> level, type;
    std::vector<float> score, ndvi;
    std::vector<double> area;
};

Image random_image(std::mt19937& rng, int rows, int cols, double density)
{
    Image im{ rows, cols, {}, {}, {}, {}, {} };
    std::bernoulli_distribution on(density);
    std::uniform_real_distribution<float> value(-1.0f, 3.0f);
    std::uniform_real_distribution<double> area(95.0, 105.0); // cell areas vary, like on the ellipsoid
    const std::size_t n = std::size_t(rows) * cols;
    for (std::size_t i = 0; i < n; ++i) {
        im.level.push_back(on(rng) ? std::uint8_t(1 + rng() % 2) : 0);
        im.type.push_back(std::uint8_t(rng() % change_type_count));
        im.score.push_back(value(rng));
        im.ndvi.push_back(value(rng));
        im.area.push_back(area(rng));
    }
    return im;
}

/// Labels rows [row0, row_end) as detect() does: bands of @p band_rows, tiles of @p tile_cols.
ChangeComponents label_rows(const Image& im, int row0, int row_end, int band_rows, int tile_cols)
{
    PatchLabeler labeler(im.cols);
    ChangeComponents out;
    out.row0 = row0;
    out.row_end = row_end;
    out.cols = im.cols;
    std::vector<std::int32_t> first, last;
    for (int r0 = row0; r0 < row_end; r0 += band_rows) {
        const int n = std::min(band_rows, row_end - r0);
        labeler.begin_band(r0, n);
        for (int c0 = 0; c0 < im.cols; c0 += tile_cols) {
            std::vector<PixelRow> tile(static_cast<std::size_t>(n));
            for (int r = 0; r < n; ++r) {
                const std::size_t o = std::size_t(r0 + r) * im.cols + c0;
                PixelRow& row = tile[std::size_t(r)];
                row.level = im.level.data() + o;
                row.type = im.type.data() + o;
                row.score = im.score.data() + o;
                row.ndvi_before = row.ndvi_after = row.water_before = row.water_after = row.bare_before =
                  row.bare_after = im.ndvi.data() + o;
                row.brightness_after = im.score.data() + o; // another field than the indices
                row.cell_area = im.area.data() + o;
            }
            labeler.add_tile(c0, std::min(tile_cols, im.cols - c0), tile);
        }
        for (int r = r0; r < r0 + n; ++r) {
            if (r == row0)
                first.assign(labeler.band_row(r), labeler.band_row(r) + im.cols);
            if (r == row_end - 1)
                last.assign(labeler.band_row(r), labeler.band_row(r) + im.cols);
        }
    }
    for (auto& kv : labeler.finish())
        out.stats.emplace(kv.first, kv.second);
    out.first_row.assign(std::size_t(im.cols), 0);
    out.last_row.assign(std::size_t(im.cols), 0);
    for (int c = 0; c < im.cols; ++c) {
        out.first_row[std::size_t(c)] = first[std::size_t(c)] ? labeler.root(first[std::size_t(c)]) : 0;
        out.last_row[std::size_t(c)] = last[std::size_t(c)] ? labeler.root(last[std::size_t(c)]) : 0;
    }
    return out;
}

std::vector<std::int64_t> flood_fill_sizes(const Image& im)
{
    std::vector<char> seen(im.level.size(), 0);
    std::vector<std::int64_t> sizes;
    for (int r = 0; r < im.rows; ++r)
        for (int c = 0; c < im.cols; ++c) {
            const std::size_t start = std::size_t(r) * im.cols + c;
            if (!im.level[start] || seen[start])
                continue;
            std::int64_t size = 0;
            std::vector<std::pair<int, int>> stack{ { r, c } };
            seen[start] = 1;
            while (!stack.empty()) {
                auto [y, x] = stack.back();
                stack.pop_back();
                ++size;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int yy = y + dy, xx = x + dx;
                        if (yy < 0 || xx < 0 || yy >= im.rows || xx >= im.cols)
                            continue;
                        const std::size_t i = std::size_t(yy) * im.cols + xx;
                        if (im.level[i] && !seen[i]) {
                            seen[i] = 1;
                            stack.push_back({ yy, xx });
                        }
                    }
            }
            sizes.push_back(size);
        }
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

std::vector<std::int64_t> sizes_of(const ChangeComponents& c)
{
    std::vector<std::int64_t> sizes;
    for (const auto& kv : c.stats)
        sizes.push_back(kv.second.pixels);
    std::sort(sizes.begin(), sizes.end());
    return sizes;
}

} // namespace

TEST(JoinComponents, ShardsJoinedEqualOnePassAndAFloodFill)
{
    std::mt19937 rng(11);
    const int band = 6, tile = 9;
    for (int trial = 0; trial < 25; ++trial) {
        const int rows = band * (4 + trial % 5), cols = 40 + trial;
        const Image im = random_image(rng, rows, cols, 0.2 + 0.02 * (trial % 12));
        const ChangeComponents whole = join_components([&] {
            std::vector<ChangeComponents> one;
            one.push_back(label_rows(im, 0, rows, band, tile));
            return one;
        }());
        ASSERT_EQ(sizes_of(whole), flood_fill_sizes(im)) << "trial " << trial;
        // Cut at every band boundary, and at a random subset of them.
        for (int variant = 0; variant < 2; ++variant) {
            std::vector<ChangeComponents> parts;
            for (int r0 = 0; r0 < rows;) {
                int r1 = r0 + band;
                while (variant == 1 && r1 < rows && rng() % 2)
                    r1 += band;
                r1 = std::min(r1, rows);
                parts.push_back(label_rows(im, r0, r1, band, tile));
                r0 = r1;
            }
            const ChangeComponents joined = join_components(std::move(parts));
            ASSERT_EQ(joined.stats.size(), whole.stats.size()) << "trial " << trial;
            // Same components, numbered in the same order, with bit-identical statistics.
            auto a = whole.stats.begin();
            for (auto b = joined.stats.begin(); b != joined.stats.end(); ++a, ++b) {
                EXPECT_EQ(a->first, b->first);
                EXPECT_TRUE(a->second == b->second) << "trial " << trial << " component " << a->first;
            }
            EXPECT_EQ(joined.first_row, whole.first_row);
            EXPECT_EQ(joined.last_row, whole.last_row);
        }
    }
}

TEST(JoinComponents, DiagonalTouchAcrossTheEdgeJoins)
{
    // Row 1 ends part one; row 2 starts part two: (1,3) and (2,4) touch diagonally only.
    Image im{ 4, 8, {}, {}, {}, {}, {} };
    const char* pattern[] = { "...1....", "...1....", "....1...", "....1..." };
    for (const char* line : pattern)
        for (int c = 0; c < 8; ++c) {
            im.level.push_back(line[c] == '1' ? 2 : 0);
            im.type.push_back(0);
            im.score.push_back(1.5f);
            im.ndvi.push_back(0.25f);
            im.area.push_back(100.0);
        }
    std::vector<ChangeComponents> parts;
    parts.push_back(label_rows(im, 0, 2, 2, 8));
    parts.push_back(label_rows(im, 2, 4, 2, 8));
    const ChangeComponents joined = join_components(std::move(parts));
    ASSERT_EQ(joined.stats.size(), 1u);
    EXPECT_EQ(joined.stats.begin()->second.pixels, 4);
    EXPECT_EQ(joined.stats.begin()->second.area(), 400.0);
    EXPECT_EQ(joined.stats.begin()->second.row_min, 0);
    EXPECT_EQ(joined.stats.begin()->second.row_max, 3);
}

TEST(JoinComponents, PartsThatDoNotFitAreRefused)
{
    std::vector<ChangeComponents> parts(2);
    parts[0].row0 = 0;
    parts[0].row_end = 10;
    parts[1].row0 = 11; // a gap: another plan's shard
    parts[1].row_end = 20;
    EXPECT_THROW(join_components(std::move(parts)), InputError);
}

TEST(ChangeComponentsJson, RoundTripsExactly)
{
    std::mt19937 rng(2);
    const Image im = random_image(rng, 18, 30, 0.3);
    ChangeComponents c = label_rows(im, 0, 18, 6, 10);
    OGRPolygon square;
    OGRLinearRing ring;
    ring.addPoint(500000.1, 3300000.3);
    ring.addPoint(500010.1, 3300000.3);
    ring.addPoint(500010.1, 3299990.3);
    ring.addPoint(500000.1, 3300000.3);
    square.addRing(&ring);
    c.polygons[c.stats.begin()->first].emplace_back(square.clone());
    c.pixels_analysed = 12345;
    const ChangeComponents back = components_from_json(components_json(c));
    EXPECT_EQ(back.first_row, c.first_row);
    EXPECT_EQ(back.last_row, c.last_row);
    EXPECT_EQ(back.pixels_analysed, 12345);
    ASSERT_EQ(back.stats.size(), c.stats.size());
    for (const auto& kv : c.stats)
        EXPECT_TRUE(back.stats.at(kv.first) == kv.second);
    ASSERT_EQ(back.polygons.size(), 1u);
    EXPECT_TRUE(back.polygons.begin()->second.front()->Equals(&square));
    const auto* p = dynamic_cast<const OGRPolygon*>(back.polygons.begin()->second.front().get());
    ASSERT_TRUE(p);
    EXPECT_EQ(p->getExteriorRing()->getX(0), 500000.1); // bit for bit
    EXPECT_THROW(components_from_json("{ \"components\": [ { \"outlines\": [ \"zz\" ] } ] }"), InputError);
}

TEST(CalibrationJson, RoundTripsExactly)
{
    ActivityCalibration c;
    for (int k = 0; k < 5; ++k)
        c.normalization.push_back(BandFit{ 1.0 / 3.0 + k, -0.1 / 7.0, std::size_t(1000 + k), 0.012345678901234567 });
    c.thresholds.strata.edges = { std::vector<float>{ 0.1f / 3.0f, 0.2f, 0.77777f }, std::vector<float>{ 0.05f },
                                  std::vector<float>{} };
    c.thresholds.band_bias = { { -0.1f / 3.0f, 0.02f }, { 0.3f, -1e-7f } };
    c.thresholds.threshold = 1.0 / 3.0 + 2.0;
    c.thresholds.method = "user";
    c.thresholds.stays_vegetation_factor = 2.0 / 3.0;
    c.thresholds.band_sigma = { { 0.1f / 3.0f, 0.2f }, { 0.3f, 1e-7f } };
    c.misregistration.correction = CellShift{ 0.1 / 3.0, -1.0 / 7.0 }; // what every shard reads the after image with
    const ActivityCalibration b = calibration_from_json(calibration_json(c));
    EXPECT_EQ(b.misregistration.correction.dx, c.misregistration.correction.dx);
    EXPECT_EQ(b.misregistration.correction.dy, c.misregistration.correction.dy);
    ASSERT_EQ(b.normalization.size(), 5u);
    EXPECT_EQ(b.normalization[2].gain, c.normalization[2].gain);
    EXPECT_EQ(b.normalization[2].offset, c.normalization[2].offset);
    EXPECT_EQ(b.normalization[2].rmse, c.normalization[2].rmse);
    EXPECT_EQ(b.normalization[2].invariant_pixels, 1002u);
    EXPECT_EQ(b.thresholds.strata.edges, c.thresholds.strata.edges);
    EXPECT_EQ(b.thresholds.band_sigma, c.thresholds.band_sigma);
    EXPECT_EQ(b.thresholds.band_bias, c.thresholds.band_bias);
    EXPECT_EQ(b.thresholds.threshold, c.thresholds.threshold);
    EXPECT_EQ(b.thresholds.method, "user");
    EXPECT_EQ(b.thresholds.stays_vegetation_factor, c.thresholds.stays_vegetation_factor);
    EXPECT_EQ(b.thresholds.hysteresis, c.thresholds.hysteresis);
    EXPECT_THROW(calibration_from_json("{ \"normalization\": [] }"), InputError);
}
