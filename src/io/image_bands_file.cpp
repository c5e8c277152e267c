#include "image_bands_file.h"

#include "error.h"
#include "gdal_error.h"
#include "text.h"
#include "vector_source.h"

#include <algorithm>
#include <cmath>

namespace redline {

namespace {

/// Items of a GDAL metadata list ("KEY=VALUE" strings) appended to @p out.
void add_items(char** list, MetadataItems& out)
{
    for (char** p = list; p && *p; ++p) {
        char* key = nullptr;
        const char* value = CPLParseNameValue(*p, &key);
        if (key && value)
            out.emplace_back(key, value);
        CPLFree(key);
    }
}

MetadataItems items_of(GDALMajorObject& o)
{
    MetadataItems out;
    add_items(o.GetMetadata(""), out);
    add_items(o.GetMetadata("IMAGERY"), out);
    return out;
}

} // namespace

ImageBandsFile::ImageBandsFile(const std::string& path, const std::string& option)
  : m_path(path)
  , m_option(option)
{
    gdal_init();
    CplErrorCapture capture;
    m_ds.reset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    if (!m_ds)
        throw InputError(option + " " + path + ": " + why_unreadable(path, "raster") + gdal_says(capture));
    m_metadata = items_of(*m_ds);
    for (int b = 1; b <= m_ds->GetRasterCount(); ++b) {
        GDALRasterBand* band = m_ds->GetRasterBand(b);
        BandLabel label;
        label.description = band->GetDescription();
        label.metadata = items_of(*band);
        label.color = GDALGetColorInterpretationName(band->GetColorInterpretation());
        m_labels.push_back(std::move(label));
    }
}

int ImageBandsFile::band_count() const
{
    return m_ds->GetRasterCount();
}

ScaleEvidence ImageBandsFile::scale_evidence(const BandMapping& mapping, const std::optional<double>& nodata) const
{
    ScaleEvidence e;
    e.dataset_metadata = m_metadata;
    std::vector<int> used{ mapping.blue, mapping.green, mapping.red, mapping.nir };
    if (mapping.swir1)
        used.push_back(*mapping.swir1);
    if (mapping.swir2)
        used.push_back(*mapping.swir2);
    used.erase(std::remove_if(used.begin(), used.end(), [&](int b) { return b < 1 || b > band_count(); }), used.end());
    if (used.empty())
        return e;
    GDALRasterBand* first = m_ds->GetRasterBand(used.front());
    const GDALDataType type = first->GetRasterDataType();
    e.type = GDALGetDataTypeName(type);
    e.floating = GDALDataTypeIsFloating(type) != 0;
    for (int b : used) {
        GDALRasterBand* band = m_ds->GetRasterBand(b);
        int has_scale = 0, has_offset = 0;
        const double scale = band->GetScale(&has_scale), offset = band->GetOffset(&has_offset);
        // GDAL reports an unset scale as 1 (and offset 0) "set" by some drivers: only a real one counts.
        const std::optional<double> s = has_scale && scale != 1.0 ? std::optional<double>(scale) : std::nullopt;
        const std::optional<double> o = has_offset && offset != 0.0 ? std::optional<double>(offset) : std::nullopt;
        if (b == used.front()) {
            e.band_scale = s;
            e.band_offset = o;
        } else if (s != e.band_scale || o != e.band_offset) {
            throw InputError(m_option + " " + m_path + ": bands " + std::to_string(used.front()) + " and " +
                             std::to_string(b) + " have different scales or offsets in the file; give --scale and "
                             "--offset, or unscale the image first (gdal_translate -unscale -ot Float32)");
        }
        for (const auto& item : m_labels[std::size_t(b - 1)].metadata)
            e.band_metadata.push_back(item);
    }
    // Nine 64 × 64 windows on a 3 × 3 pattern: a few blocks decoded, whatever the image's size.
    std::vector<double> values;
    const int w = std::min(64, m_ds->GetRasterXSize()), h = std::min(64, m_ds->GetRasterYSize());
    std::vector<double> buffer(std::size_t(w) * std::size_t(h));
    for (int b : used) {
        GDALRasterBand* band = m_ds->GetRasterBand(b);
        int has = 0;
        const double own = band->GetNoDataValue(&has);
        const bool skip = nodata.has_value() || has;
        const double nd = nodata ? *nodata : own;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
                const int x = std::max(0, int((m_ds->GetRasterXSize() * (2 * j + 1)) / 6) - w / 2);
                const int y = std::max(0, int((m_ds->GetRasterYSize() * (2 * i + 1)) / 6) - h / 2);
                if (band->RasterIO(GF_Read, x, y, w, h, buffer.data(), w, h, GDT_Float64, 0, 0, nullptr) != CE_None)
                    continue;
                for (double v : buffer)
                    if (std::isfinite(v) && !(skip && v == nd))
                        values.push_back(v);
            }
    }
    if (!values.empty()) {
        auto percentile = [&](double q) {
            const std::size_t k = std::min(values.size() - 1, std::size_t(q * double(values.size() - 1) + 0.5));
            std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
            return values[k];
        };
        e.p50 = percentile(0.5);
        e.p99 = percentile(0.99);
    }
    return e;
}

} // namespace redline
