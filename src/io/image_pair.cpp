#include "image_pair.h"

#include "cell_translation.h"
#include "error.h"
#include "gdal_error.h"
#include "text.h"
#include "vector_source.h"

#include <gdal_utils.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace redline {

struct ImagePair::Date
{
    ImageSpec spec;
    GDALDatasetUniquePtr source;   ///< the file as opened
    GDALDatasetUniquePtr moved;    ///< a VRT of the bands used, the geotransform moved back by spec.shift
    GDALDatasetUniquePtr warped;   ///< on the before grid, when needed
    GDALDatasetUniquePtr mask_source;
    GDALDatasetUniquePtr mask_view; ///< a VRT of the mask: moved, and/or its codes as invalid shares
    GDALDatasetUniquePtr mask_warped;
    std::array<GDALRasterBand*, 6> bands{};
    std::array<std::optional<double>, 6> nodata{};
    GDALRasterBand* mask = nullptr;
    /// The mask band holds, for each cell, the share of it invalid codes cover (0-255), not codes.
    bool mask_is_share = false;
    /// An after image (mask) on the before grid with a misregistration to undo: read from the file
    /// moved by it (cell_translation.h) rather than through GDAL's warper, which costs more than
    /// the whole detection on such a pair.
    std::optional<CellTranslation> translation, mask_translation;
    GDALRasterBand* alpha = nullptr; ///< of the warp: 0 where the source does not reach
    std::array<std::uint8_t, 256> mask_invalid{}; ///< the mask rule on codes 0-255, looked up
    /// Buffers of read_date (an ImagePair is used by one thread at a time).
    std::vector<float> raw, around; ///< around: the cells a translated window is interpolated from
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
                               const std::string& resampling, bool alpha, const std::string& what,
                               const std::vector<std::string>& extra = {})
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
    for (const std::string& a : extra)
        args.AddString(a.c_str());
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(args.List(), nullptr);
    GDALDatasetH src = GDALDataset::ToHandle(&source);
    int usage_error = 0;
    GDALDatasetH out = GDALWarp("", nullptr, 1, &src, options, &usage_error);
    GDALWarpAppOptionsFree(options);
    if (!out)
        throw InputError(what + ": cannot warp it onto the before image's grid" + gdal_says(capture));
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(out));
}


/// The after grid's cell size over the before grid's (square root of the ratio of the cell
/// areas), measured on the after image's centre cell transformed into the before CRS.
double cell_ratio(const Grid& from, const OGRSpatialReference& from_srs, const Grid& to, const OGRSpatialReference& to_srs)
{
    if (same_crs(from_srs, to_srs))
        return std::sqrt((from.dx() * from.dy()) / (to.dx() * to.dy()));
    SrsPtr a = clone_srs(from_srs), b = clone_srs(to_srs);
    TransformPtr ct(OGRCreateCoordinateTransformation(a.get(), b.get()));
    const double cx = from.x_of(from.cols() / 2), cy = from.y_of(from.rows() / 2);
    double x[3] = { cx, cx + from.dx(), cx }, y[3] = { cy, cy, cy - from.dy() };
    if (!ct || !ct->Transform(3, x, y))
        return 1.0;
    const double wx = std::hypot(x[1] - x[0], y[1] - y[0]), wy = std::hypot(x[2] - x[0], y[2] - y[0]);
    return std::sqrt((wx * wy) / (to.dx() * to.dy()));
}

/// The map offset (in @p source_srs units) that moves content by @p shift cells of @p grid
/// (in @p grid_srs): measured at the grid's centre, so it is exact for a translation in one CRS
/// and good to far less than a cell across any other over an image's extent.
std::array<double, 2> map_offset(const CellShift& shift, const Grid& grid, const OGRSpatialReference& grid_srs,
                                 const OGRSpatialReference& source_srs, const std::string& what)
{
    const double ex = shift.dx * grid.dx(), ny = -shift.dy * grid.dy(); // east, north in grid units
    if (same_crs(grid_srs, source_srs))
        return { ex, ny };
    SrsPtr a = clone_srs(grid_srs), b = clone_srs(source_srs);
    TransformPtr ct(OGRCreateCoordinateTransformation(a.get(), b.get()));
    const double cx = grid.x_of(grid.cols() / 2), cy = grid.y_of(grid.rows() / 2);
    double x[2] = { cx, cx + ex }, y[2] = { cy, cy + ny };
    if (!ct || !ct->Transform(2, x, y))
        throw InputError(what + ": the misregistration correction cannot be transformed into its CRS");
    return { x[1] - x[0], y[1] - y[0] };
}

/// A VRT of bands @p bands of @p source (in that order), its geotransform moved by −@p offset
/// when given (content the file places at P is then read at P − offset). What is warped: only the
/// bands used (GDAL's warper computes every band of a block together, and a 12-band stack has six
/// that change detection reads), with the misregistration undone.
GDALDatasetUniquePtr band_view(GDALDataset& source, const std::vector<int>& bands,
                               const std::optional<std::array<double, 2>>& offset, const std::string& what)
{
    CplErrorCapture capture;
    CPLStringList args;
    args.AddString("-of");
    args.AddString("VRT");
    for (int b : bands) {
        args.AddString("-b");
        args.AddString(std::to_string(b).c_str());
    }
    GDALTranslateOptions* options = GDALTranslateOptionsNew(args.List(), nullptr);
    int usage_error = 0;
    GDALDatasetH out = GDALTranslate("", GDALDataset::ToHandle(&source), options, &usage_error);
    GDALTranslateOptionsFree(options);
    GDALDatasetUniquePtr view(GDALDataset::FromHandle(out));
    double gt[6];
    if (!view || source.GetGeoTransform(gt) != CE_None)
        throw InputError(what + ": cannot make a virtual copy of its bands to warp" + gdal_says(capture));
    if (offset) {
        gt[0] -= (*offset)[0];
        gt[3] -= (*offset)[1];
        view->SetGeoTransform(gt);
    }
    return view;
}

/// A VRT of the mask file @p path (its first band) whose values are 255 where @p rule says the
/// code is invalid and 0 elsewhere (a VRT lookup table over every code of the band's type), with
/// geotransform @p gt: averaged onto a coarser grid it gives each cell the share of it that
/// invalid codes cover. Empty when the type has more than 16 bits (too many codes to list).
GDALDatasetUniquePtr invalid_share_view(GDALDataset& mask, const std::string& path, const MaskConvention& rule,
                                        const double gt[6])
{
    GDALRasterBand* band = mask.GetRasterBand(1);
    long lo = 0, hi = 0;
    switch (band->GetRasterDataType()) {
        case GDT_Byte:
            hi = 255;
            break;
        case GDT_UInt16:
            hi = 65535;
            break;
        case GDT_Int16:
            lo = -32768;
            hi = 32767;
            break;
        default:
            return nullptr;
    }
    // The lookup table interpolates linearly between its entries: an entry on each side of every
    // change of validity keeps integer codes exact.
    std::string lut;
    auto entry = [&](long code, bool invalid) {
        lut += (lut.empty() ? "" : ",") + std::to_string(code) + ":" + (invalid ? "255" : "0");
    };
    bool previous = rule.invalid(lo);
    entry(lo, previous);
    for (long v = lo + 1; v <= hi; ++v) {
        const bool now = rule.invalid(v);
        if (now != previous) {
            if (v - 1 > lo)
                entry(v - 1, previous);
            entry(v, now);
            previous = now;
        }
    }
    entry(hi, previous);
    char* wkt = nullptr;
    if (const OGRSpatialReference* srs = mask.GetSpatialRef())
        srs->exportToWkt(&wkt);
    auto xml_escaped = [](const std::string& text) {
        char* e = CPLEscapeString(text.c_str(), int(text.size()), CPLES_XML);
        std::string out = e;
        CPLFree(e);
        return out;
    };
    std::string xml = "<VRTDataset rasterXSize=\"" + std::to_string(mask.GetRasterXSize()) + "\" rasterYSize=\"" +
                      std::to_string(mask.GetRasterYSize()) + "\"><SRS>" + xml_escaped(wkt ? wkt : "") +
                      "</SRS><GeoTransform>";
    CPLFree(wkt);
    for (int k = 0; k < 6; ++k)
        xml += (k ? "," : "") + std::string(CPLSPrintf("%.17g", gt[k]));
    xml += "</GeoTransform><VRTRasterBand dataType=\"Byte\" band=\"1\"><ComplexSource><SourceFilename "
           "relativeToVRT=\"0\">" +
           xml_escaped(path) + "</SourceFilename><SourceBand>1</SourceBand><LUT>" + lut +
           "</LUT></ComplexSource></VRTRasterBand></VRTDataset>";
    return GDALDatasetUniquePtr(GDALDataset::Open(xml.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
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

    const bool shifted = after.shift && !after.shift->is_zero();
    m_resampling = choose_after_resampling(cell_ratio(after_grid, after_srs, m_grid, *m_srs));
    for (Date* d : { m_before.get(), m_after.get() }) {
        GDALDataset& ds = *d->source;
        const int count = ds.GetRasterCount();
        if (d->spec.bands.max_band() > count)
            throw InputError(d->spec.option + " " + d->spec.path + ": band " + std::to_string(d->spec.bands.max_band()) +
                             " does not exist (the image has " + std::to_string(count) + " band" +
                             (count == 1 ? "" : "s") + "); check --bands or the sensor preset");
        const bool is_after = d == m_after.get();
        const std::string what = d->spec.option + " " + d->spec.path;
        // The misregistration is undone on the after date only, image and mask alike (they come
        // from the same acquisition).
        const bool move = is_after && shifted;
        const bool on_grid = same_crs(after_srs, *m_srs) && same_grid(after_grid, m_grid);
        if (move && on_grid) {
            d->translation = CellTranslation(*after.shift);
            m_after_warped = true;
        }
        const bool warp = is_after && (move || !on_grid) && !d->translation;
        const std::array<std::optional<int>, 6> index{ d->spec.bands.blue,  d->spec.bands.green, d->spec.bands.red,
                                                       d->spec.bands.nir,   d->spec.bands.swir1, d->spec.bands.swir2 };
        std::vector<int> used; // the bands read, each once, in file order: what the warp holds
        for (const auto& i : index)
            if (i && std::find(used.begin(), used.end(), *i) == used.end())
                used.push_back(*i);
        std::sort(used.begin(), used.end());
        if (warp) {
            std::optional<std::array<double, 2>> offset;
            if (move)
                offset = map_offset(*after.shift, m_grid, *m_srs, after_srs, what);
            d->moved = band_view(ds, used, offset, what);
            d->warped = warp_onto(*d->moved, m_grid, *m_srs, m_resampling.bands, true, what);
            d->alpha = d->warped->GetRasterBand(d->warped->GetRasterCount());
            m_after_warped = true;
        }
        for (std::size_t k = 0; k < index.size(); ++k) {
            if (!index[k])
                continue;
            const int position = int(std::find(used.begin(), used.end(), *index[k]) - used.begin()) + 1;
            d->bands[k] = warp ? d->warped->GetRasterBand(position) : ds.GetRasterBand(*index[k]);
            int has = 0;
            const double nd = ds.GetRasterBand(*index[k])->GetNoDataValue(&has);
            if (d->spec.nodata)
                d->nodata[k] = d->spec.nodata;
            else if (has)
                d->nodata[k] = nd;
        }
        if (!d->spec.mask_path.empty()) {
            const std::string mask_what = d->spec.option + "-mask " + d->spec.mask_path;
            d->mask_source = open_raster(d->spec.mask_path, d->spec.option + "-mask");
            const GDALDataType mt = d->mask_source->GetRasterBand(1)->GetRasterDataType();
            if (d->mask_source->GetRasterCount() != 1 || GDALDataTypeIsFloating(mt))
                throw InputError(mask_what + ": a quality mask is one band of integer codes (e.g. Sentinel-2 SCL); this "
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
                    throw InputError(mask_what + " does not overlap " + d->spec.option + " " + d->spec.path +
                                     ": is it the mask of this scene?");
            }
            for (int v = 0; v < 256; ++v)
                d->mask_invalid[std::size_t(v)] = d->spec.mask_rule && d->spec.mask_rule->invalid(v) ? 1 : 0;
            if (same_crs(ms, *m_srs) && same_grid(mg, m_grid)) {
                d->mask = d->mask_source->GetRasterBand(1);
                if (move) {
                    d->mask_translation = CellTranslation(*after.shift);
                    m_resampling.masks = "nearest";
                }
            } else {
                double gt[6];
                d->mask_source->GetGeoTransform(gt);
                if (move) {
                    const auto offset = map_offset(*after.shift, m_grid, *m_srs, ms, mask_what);
                    gt[0] -= offset[0];
                    gt[3] -= offset[1];
                }
                const AfterResampling r = choose_after_resampling(cell_ratio(mg, ms, m_grid, *m_srs));
                if (r.coarsening && d->spec.mask_rule)
                    d->mask_view = invalid_share_view(*d->mask_source, d->spec.mask_path, *d->spec.mask_rule, gt);
                if (d->mask_view) {
                    // Cells no mask cell reaches are 255: wholly invalid, as a mask's nodata is.
                    d->mask_warped = warp_onto(*d->mask_view, m_grid, *m_srs, "average", false, mask_what,
                                               { "-dstnodata", "255" });
                    d->mask_is_share = true;
                } else {
                    if (move)
                        d->mask_view = band_view(*d->mask_source, { 1 },
                                                 map_offset(*after.shift, m_grid, *m_srs, ms, mask_what), mask_what);
                    d->mask_warped =
                      warp_onto(move ? *d->mask_view : *d->mask_source, m_grid, *m_srs, "near", false, mask_what);
                }
                d->mask = d->mask_warped->GetRasterBand(1);
                if (is_after)
                    m_resampling.masks = d->mask_is_share ? r.masks : "nearest";
            }
        }
    }
    if (!m_after_warped) {
        m_resampling.bands = "none";
        m_resampling.why = "the after image is on the before grid: read as it is";
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
        d->moved.reset();
        d->mask_view.reset();
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

bool ImagePair::has_swir2() const
{
    return m_before->spec.bands.swir2 && m_after->spec.bands.swir2;
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
    // A translated after image is read from up to |ky| rows above the window: keep those blocks.
    const int lead = m_after->translation ? std::abs(m_after->translation->ky) : 0;
    for (auto& br : m_released) {
        GDALRasterBand* band = br.first;
        int block_cols = 0, block_rows = 0;
        band->GetBlockSize(&block_cols, &block_rows);
        if (block_cols <= 0 || block_rows <= 0)
            continue;
        const int end = std::max(0, row - lead) / block_rows;
        const int blocks_x = (band->GetXSize() + block_cols - 1) / block_cols;
        for (; br.second < end; ++br.second)
            for (int x = 0; x < blocks_x; ++x)
                band->FlushBlock(x, br.second, FALSE);
    }
}

bool ImagePair::read_translated(Date& d, std::size_t k, const Window& window, std::vector<float>& out) const
{
    const CellTranslation& t = *d.translation;
    GDALRasterBand* band = d.bands[k];
    // The window's source cells and one more column and row, NaN where the image has none.
    const Window src{ window.col0 + t.kx, window.row0 + t.ky, window.cols + 1, window.rows + 1 };
    const Window in = src.intersection(Window{ 0, 0, band->GetXSize(), band->GetYSize() });
    std::vector<float>& a = d.around;
    a.assign(src.size(), std::numeric_limits<float>::quiet_NaN());
    if (!in.empty()) {
        float* at = a.data() + std::size_t(in.row0 - src.row0) * std::size_t(src.cols) + std::size_t(in.col0 - src.col0);
        if (band->RasterIO(GF_Read, in.col0, in.row0, in.cols, in.rows, at, in.cols, in.rows, GDT_Float32,
                           sizeof(float), GSpacing(sizeof(float)) * src.cols, nullptr) != CE_None)
            return false;
    }
    if (d.nodata[k]) {
        const float nodata = float(*d.nodata[k]);
        for (float& v : a)
            if (v == nodata)
                v = std::numeric_limits<float>::quiet_NaN();
    }
    translate_bilinear(a.data(), window.cols, window.rows, t, out.data());
    return true;
}

void ImagePair::read_date(Date& d, const Window& window, BandWindow& out) const
{
    CplErrorCapture capture;
    out.window = window;
    const std::size_t n = window.size();
    out.valid.assign(n, 1);
    const bool swir = has_swir(), swir2 = has_swir2();
    std::vector<float>& raw = d.raw;
    raw.resize(n);
    for (std::size_t k = 0; k < out.bands.size(); ++k) {
        if (!d.bands[k] || (k == 4 && !swir) || (k == 5 && !swir2)) {
            out.bands[k].clear();
            continue;
        }
        const bool ok = d.translation ? read_translated(d, k, window, raw)
                                      : d.bands[k]->RasterIO(GF_Read, window.col0, window.row0, window.cols, window.rows,
                                                             raw.data(), window.cols, window.rows, GDT_Float32, 0, 0,
                                                             nullptr) == CE_None;
        if (!ok)
            throw InputError(d.spec.option + " " + d.spec.path + ": cannot read rows " + std::to_string(window.row0) +
                             "-" + std::to_string(window.row_end() - 1) + " (is the file truncated or corrupt?)" +
                             gdal_says(capture));
        auto& band = out.bands[k];
        band.resize(n);
        const double scale = d.spec.bands.scale, offset = d.spec.bands.offset;
        // A translated window has its nodata as NaN already (and an interpolated value may equal it).
        const std::optional<double>& nd = d.translation ? std::nullopt : d.nodata[k];
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
        // Translated: the nearest mask cell of each, cells beyond the mask invalid (as beyond a warp).
        const int mx = d.mask_translation ? d.mask_translation->nearest_x : 0;
        const int my = d.mask_translation ? d.mask_translation->nearest_y : 0;
        const Window from = Window{ window.col0 + mx, window.row0 + my, window.cols, window.rows }.intersection(
          Window{ 0, 0, d.mask->GetXSize(), d.mask->GetYSize() });
        if (from.size() != n) {
            for (std::size_t i = 0; i < n; ++i)
                m[i] = 0;
            for (int r = 0; r < window.rows; ++r)
                for (int c = 0; c < window.cols; ++c) {
                    const int rr = window.row0 + my + r, cc = window.col0 + mx + c;
                    if (rr < from.row0 || rr >= from.row_end() || cc < from.col0 || cc >= from.col_end())
                        out.valid[std::size_t(r) * std::size_t(window.cols) + std::size_t(c)] = 0;
                }
        }
        if (!from.empty() &&
            d.mask->RasterIO(GF_Read, from.col0, from.row0, from.cols, from.rows,
                             m.data() + std::size_t(from.row0 - window.row0 - my) * std::size_t(window.cols) +
                               std::size_t(from.col0 - window.col0 - mx),
                             from.cols, from.rows, GDT_Int32, sizeof(std::int32_t),
                             GSpacing(sizeof(std::int32_t)) * window.cols, nullptr) != CE_None)
            throw InputError(d.spec.option + "-mask " + d.spec.mask_path + ": cannot read rows " +
                             std::to_string(window.row0) + "-" + std::to_string(window.row_end() - 1) + gdal_says(capture));
        const MaskConvention& rule = *d.spec.mask_rule;
        if (d.mask_is_share) {
            const std::int32_t least = std::int32_t(std::ceil(mask_invalid_share * 255.0 - 1e-9));
            for (std::size_t i = 0; i < n; ++i)
                if (m[i] >= least)
                    out.valid[i] = 0;
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                const std::int32_t v = m[i];
                if (v >= 0 && v < 256 ? d.mask_invalid[std::size_t(v)] : rule.invalid(v))
                    out.valid[i] = 0;
            }
        }
    }
}

} // namespace redline
