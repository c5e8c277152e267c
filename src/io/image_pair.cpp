#include "image_pair.h"

#include "error.h"
#include "gdal_error.h"
#include "text.h"
#include "vector_source.h"

#include <gdal_utils.h>

#include <algorithm>
#include <cmath>

namespace redline {

struct ImagePair::Date
{
    ImageSpec spec;
    GDALDatasetUniquePtr source;   ///< the file as opened
    GDALDatasetUniquePtr warped;   ///< on the before grid, when needed
    GDALDatasetUniquePtr mask_source;
    GDALDatasetUniquePtr mask_warped;
    std::array<GDALRasterBand*, 5> bands{};
    std::array<std::optional<double>, 5> nodata{};
    GDALRasterBand* mask = nullptr;
    GDALRasterBand* alpha = nullptr; ///< of the warp: 0 where the source does not reach
    std::array<std::uint8_t, 256> mask_invalid{}; ///< the mask rule on codes 0-255, looked up
    /// Buffers of read_date (an ImagePair is used by one thread at a time).
    std::vector<float> raw;
    std::vector<std::uint8_t> alpha_values;
    std::vector<std::int32_t> mask_values;
};

namespace {

GDALDatasetUniquePtr open_raster(const std::string& path, const std::string& option)
{
    CplErrorCapture capture;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    if (!ds)
        throw InputError(option + " " + path + ": " + why_unreadable(path, "raster") + gdal_says(capture));
    return ds;
}

Grid grid_of(GDALDataset& ds, const std::string& option, const std::string& path)
{
    double gt[6];
    if (ds.GetGeoTransform(gt) != CE_None)
        throw InputError(option + " " + path + ": the image is not georeferenced (no geotransform)");
    if (gt[2] != 0.0 || gt[4] != 0.0)
        throw InputError(option + " " + path + ": the geotransform is rotated; warp the image north-up first (gdalwarp)");
    if (!(gt[1] > 0) || !(gt[5] < 0))
        throw InputError(option + " " + path + ": the image is not north-up; warp it first (gdalwarp)");
    return Grid(gt[0], gt[3], gt[1], -gt[5], ds.GetRasterXSize(), ds.GetRasterYSize());
}

const OGRSpatialReference& srs_of(GDALDataset& ds, const std::string& option, const std::string& path)
{
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    if (!srs)
        throw InputError(option + " " + path +
                         ": the image has no CRS; assign the one it was made in, e.g. gdal_edit.py -a_srs EPSG:32649 " +
                         path);
    return *srs;
}

bool same_grid(const Grid& a, const Grid& b)
{
    auto near = [](double x, double y, double tol) { return std::abs(x - y) <= tol; };
    return a.cols() == b.cols() && a.rows() == b.rows() && near(a.dx(), b.dx(), 1e-9 * a.dx()) &&
           near(a.dy(), b.dy(), 1e-9 * a.dy()) && near(a.x_left(), b.x_left(), 1e-6 * a.dx()) &&
           near(a.y_top(), b.y_top(), 1e-6 * a.dy());
}

/// An in-memory warp VRT of @p source on @p grid in @p srs.
GDALDatasetUniquePtr warp_onto(GDALDataset& source, const Grid& grid, const OGRSpatialReference& srs,
                               const char* resampling, bool alpha, const std::string& what)
{
    CplErrorCapture capture;
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    const std::string dst_srs = wkt ? wkt : "";
    CPLFree(wkt);
    const Box e = grid.extent();
    CPLStringList args;
    for (const std::string& a :
         { std::string("-of"), std::string("VRT"), std::string("-t_srs"), dst_srs, std::string("-te"),
           fixed(e.xmin, 9), fixed(e.ymin, 9), fixed(e.xmax, 9), fixed(e.ymax, 9), std::string("-ts"),
           std::to_string(grid.cols()), std::to_string(grid.rows()), std::string("-r"), std::string(resampling),
           std::string("-q") })
        args.AddString(a.c_str());
    if (alpha)
        args.AddString("-dstalpha"); // marks the cells the source does not reach
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(args.List(), nullptr);
    GDALDatasetH src = GDALDataset::ToHandle(&source);
    int usage_error = 0;
    GDALDatasetH out = GDALWarp("", nullptr, 1, &src, options, &usage_error);
    GDALWarpAppOptionsFree(options);
    if (!out)
        throw InputError(what + ": cannot warp it onto the before image's grid" + gdal_says(capture));
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(out));
}

} // namespace

ImagePair::ImagePair(const ImageSpec& before, const ImageSpec& after)
  : m_before(std::make_unique<Date>())
  , m_after(std::make_unique<Date>())
{
    gdal_init();
    m_before->spec = before;
    m_after->spec = after;
    m_before->source = open_raster(before.path, before.option);
    m_after->source = open_raster(after.path, after.option);
    m_grid = grid_of(*m_before->source, before.option, before.path);
    m_srs = clone_srs(srs_of(*m_before->source, before.option, before.path));
    const Grid after_grid = grid_of(*m_after->source, after.option, after.path);
    const OGRSpatialReference& after_srs = srs_of(*m_after->source, after.option, after.path);
    m_before->source->GetRasterBand(1)->GetBlockSize(&m_block_cols, &m_block_rows);

    // Do the two dates meet? The after extent, transformed, against the before extent.
    {
        SrsPtr from = clone_srs(after_srs);
        TransformPtr ct(OGRCreateCoordinateTransformation(from.get(), m_srs.get()));
        const Box a = after_grid.extent();
        double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
        if (!ct || !ct->TransformBounds(a.xmin, a.ymin, a.xmax, a.ymax, &xmin, &ymin, &xmax, &ymax, 21))
            throw InputError(after.option + " " + after.path + ": its extent cannot be transformed into the before "
                                                               "image's CRS " +
                             label(*m_srs));
        const Box b = m_grid.extent();
        const double w = std::min(b.xmax, xmax) - std::max(b.xmin, xmin);
        const double h = std::min(b.ymax, ymax) - std::max(b.ymin, ymin);
        m_overlap = w > 0 && h > 0 ? (w * h) / (b.width() * b.height()) : 0.0;
        if (m_overlap <= 0)
            throw InputError(after.option + " " + after.path + " and " + before.option + " " + before.path +
                             " do not overlap: the images cover different places (check their CRSs and extents)");
    }

    for (Date* d : { m_before.get(), m_after.get() }) {
        GDALDataset& ds = *d->source;
        const int count = ds.GetRasterCount();
        if (d->spec.bands.max_band() > count)
            throw InputError(d->spec.option + " " + d->spec.path + ": band " + std::to_string(d->spec.bands.max_band()) +
                             " does not exist (the image has " + std::to_string(count) + " band" +
                             (count == 1 ? "" : "s") + "); check --bands or the sensor preset");
        const bool warp = d == m_after.get() && !(same_crs(after_srs, *m_srs) && same_grid(after_grid, m_grid));
        if (warp) {
            d->warped = warp_onto(ds, m_grid, *m_srs, "bilinear", true, d->spec.option + " " + d->spec.path);
            d->alpha = d->warped->GetRasterBand(d->warped->GetRasterCount());
            m_after_warped = true;
        }
        GDALDataset& use = warp ? *d->warped : ds;
        const std::array<std::optional<int>, 5> index{ d->spec.bands.blue, d->spec.bands.green, d->spec.bands.red,
                                                       d->spec.bands.nir, d->spec.bands.swir1 };
        for (std::size_t k = 0; k < 5; ++k) {
            if (!index[k])
                continue;
            d->bands[k] = use.GetRasterBand(*index[k]);
            int has = 0;
            const double nd = ds.GetRasterBand(*index[k])->GetNoDataValue(&has);
            if (d->spec.nodata)
                d->nodata[k] = d->spec.nodata;
            else if (has)
                d->nodata[k] = nd;
        }
        if (!d->spec.mask_path.empty()) {
            const std::string what = d->spec.option + "-mask " + d->spec.mask_path;
            d->mask_source = open_raster(d->spec.mask_path, d->spec.option + "-mask");
            const GDALDataType mt = d->mask_source->GetRasterBand(1)->GetRasterDataType();
            if (d->mask_source->GetRasterCount() != 1 || GDALDataTypeIsFloating(mt))
                throw InputError(what + ": a quality mask is one band of integer codes (e.g. Sentinel-2 SCL); this "
                                        "raster has " +
                                 std::to_string(d->mask_source->GetRasterCount()) + " band(s) of " +
                                 GDALGetDataTypeName(mt) + ": is it the image itself?");
            const Grid mg = grid_of(*d->mask_source, d->spec.option + "-mask", d->spec.mask_path);
            const OGRSpatialReference& ms = srs_of(*d->mask_source, d->spec.option + "-mask", d->spec.mask_path);
            {
                // A mask of another scene would leave out every pixel, silently: refuse it by name.
                SrsPtr from = clone_srs(ms);
                TransformPtr ct(OGRCreateCoordinateTransformation(from.get(), m_srs.get()));
                const Box mb = mg.extent(), b = m_grid.extent();
                double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
                if (!ct || !ct->TransformBounds(mb.xmin, mb.ymin, mb.xmax, mb.ymax, &xmin, &ymin, &xmax, &ymax, 21) ||
                    std::min(b.xmax, xmax) <= std::max(b.xmin, xmin) || std::min(b.ymax, ymax) <= std::max(b.ymin, ymin))
                    throw InputError(what + " does not overlap " + d->spec.option + " " + d->spec.path +
                                     ": is it the mask of this scene?");
            }
            for (int v = 0; v < 256; ++v)
                d->mask_invalid[std::size_t(v)] = d->spec.mask_rule && d->spec.mask_rule->invalid(v) ? 1 : 0;
            if (same_crs(ms, *m_srs) && same_grid(mg, m_grid)) {
                d->mask = d->mask_source->GetRasterBand(1);
            } else {
                d->mask_warped = warp_onto(*d->mask_source, m_grid, *m_srs, "near", false, what);
                d->mask = d->mask_warped->GetRasterBand(1);
            }
        }
    }
}

ImagePair::~ImagePair()
{
    // The warp VRTs reference their sources: close them first.
    for (Date* d : { m_after.get(), m_before.get() }) {
        if (!d)
            continue;
        d->warped.reset();
        d->mask_warped.reset();
    }
}

double ImagePair::bytes_per_row() const
{
    double bytes = 0;
    for (const Date* d : { m_before.get(), m_after.get() }) {
        for (GDALRasterBand* b : d->bands)
            if (b)
                bytes += GDALGetDataTypeSizeBytes(b->GetRasterDataType());
        if (d->mask)
            bytes += GDALGetDataTypeSizeBytes(d->mask->GetRasterDataType());
    }
    return bytes * m_grid.cols();
}

bool ImagePair::has_swir() const
{
    return m_before->spec.bands.has_swir() && m_after->spec.bands.has_swir();
}

void ImagePair::read(const Window& window, BandWindow& before, BandWindow& after) const
{
    read_date(*m_before, window, before);
    read_date(*m_after, window, after);
}

void ImagePair::release_rows_above(int row)
{
    if (m_released.empty())
        for (const Date* d : { m_before.get(), m_after.get() }) {
            for (GDALRasterBand* b : d->bands)
                if (b)
                    m_released.emplace_back(b, 0);
            for (GDALRasterBand* b : { d->alpha, d->mask })
                if (b)
                    m_released.emplace_back(b, 0);
        }
    for (auto& br : m_released) {
        GDALRasterBand* band = br.first;
        int block_cols = 0, block_rows = 0;
        band->GetBlockSize(&block_cols, &block_rows);
        if (block_cols <= 0 || block_rows <= 0)
            continue;
        const int end = row / block_rows;
        const int blocks_x = (band->GetXSize() + block_cols - 1) / block_cols;
        for (; br.second < end; ++br.second)
            for (int x = 0; x < blocks_x; ++x)
                band->FlushBlock(x, br.second, FALSE);
    }
}

void ImagePair::read_date(Date& d, const Window& window, BandWindow& out) const
{
    CplErrorCapture capture;
    out.window = window;
    const std::size_t n = window.size();
    out.valid.assign(n, 1);
    const bool swir = has_swir();
    std::vector<float>& raw = d.raw;
    raw.resize(n);
    for (std::size_t k = 0; k < 5; ++k) {
        if (!d.bands[k] || (k == 4 && !swir)) {
            out.bands[k].clear();
            continue;
        }
        if (d.bands[k]->RasterIO(GF_Read, window.col0, window.row0, window.cols, window.rows, raw.data(), window.cols,
                                 window.rows, GDT_Float32, 0, 0, nullptr) != CE_None)
            throw InputError(d.spec.option + " " + d.spec.path + ": cannot read rows " + std::to_string(window.row0) +
                             "-" + std::to_string(window.row_end() - 1) + " (is the file truncated or corrupt?)" +
                             gdal_says(capture));
        auto& band = out.bands[k];
        band.resize(n);
        const double scale = d.spec.bands.scale, offset = d.spec.bands.offset;
        const std::optional<double>& nd = d.nodata[k];
        std::uint8_t* valid = out.valid.data();
        const float* v = raw.data();
        float* b = band.data();
        // Separate loops without branches, so that they vectorise.
        if (nd) {
            const double nodata = *nd;
            for (std::size_t i = 0; i < n; ++i)
                valid[i] &= std::uint8_t(!(v[i] != v[i]) & !(double(v[i]) == nodata));
        } else {
            for (std::size_t i = 0; i < n; ++i)
                valid[i] &= std::uint8_t(!(v[i] != v[i]));
        }
        for (std::size_t i = 0; i < n; ++i)
            b[i] = float(v[i] * scale + offset);
    }
    if (d.alpha) {
        std::vector<std::uint8_t>& a = d.alpha_values;
        a.resize(n);
        if (d.alpha->RasterIO(GF_Read, window.col0, window.row0, window.cols, window.rows, a.data(), window.cols,
                              window.rows, GDT_Byte, 0, 0, nullptr) != CE_None)
            throw InputError(d.spec.option + " " + d.spec.path + ": cannot warp rows " + std::to_string(window.row0) +
                             "-" + std::to_string(window.row_end() - 1) + gdal_says(capture));
        for (std::size_t i = 0; i < n; ++i)
            if (a[i] == 0)
                out.valid[i] = 0;
    }
    if (d.mask) {
        std::vector<std::int32_t>& m = d.mask_values;
        m.resize(n);
        if (d.mask->RasterIO(GF_Read, window.col0, window.row0, window.cols, window.rows, m.data(), window.cols,
                             window.rows, GDT_Int32, 0, 0, nullptr) != CE_None)
            throw InputError(d.spec.option + "-mask " + d.spec.mask_path + ": cannot read rows " +
                             std::to_string(window.row0) + "-" + std::to_string(window.row_end() - 1) + gdal_says(capture));
        const MaskConvention& rule = *d.spec.mask_rule;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int32_t v = m[i];
            if (v >= 0 && v < 256 ? d.mask_invalid[std::size_t(v)] : rule.invalid(v))
                out.valid[i] = 0;
        }
    }
}

} // namespace redline
