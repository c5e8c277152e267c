#include "ogr_fields.h"

#include "gdal_error.h"
#include "text.h"

#include <algorithm>
#include <cstdio>

namespace redline {

bool file_exists(const std::string& path)
{
    VSIStatBufL st;
    return VSIStatL(path.c_str(), &st) == 0;
}

std::vector<std::string> layer_names(GDALDataset& ds)
{
    std::vector<std::string> names;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        names.push_back(ds.GetLayer(i)->GetName());
    return names;
}

std::string field_list(OGRLayer* l)
{
    std::vector<std::string> names;
    for (int i = 0; i < l->GetLayerDefn()->GetFieldCount(); ++i)
        names.push_back(l->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
    return list_names(names);
}

OGRLayer* open_layer(GDALDatasetUniquePtr& ds, const std::string& path, const std::string& layer,
                     const std::vector<std::string>& preferred, const std::string& option)
{
    CplErrorCapture capture;
    ds.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, nullptr,
                               nullptr, nullptr));
    if (!ds)
        throw InputError(option + " " + path + ": " +
                         (file_exists(path) ? "GDAL cannot read it as a vector layer" : "no such file") +
                         gdal_says(capture));
    const std::vector<std::string> names = layer_names(*ds);
    if (!layer.empty()) {
        OGRLayer* l = ds->GetLayerByName(layer.c_str());
        if (!l)
            throw InputError(option + " " + path + ": no layer named '" + layer + "'; its layers are: " +
                             list_names(names));
        return l;
    }
    for (const std::string& p : preferred)
        if (std::find(names.begin(), names.end(), p) != names.end())
            return ds->GetLayerByName(p.c_str());
    if (names.size() == 1)
        return ds->GetLayer(0);
    if (names.empty())
        throw InputError(option + " " + path + ": the source holds no layer");
    throw InputError(option + " " + path + ": the source holds " + std::to_string(names.size()) + " layers (" +
                     list_names(names) + "); pick one with " + option + "-layer NAME");
}

std::string field_text(const OGRFeature& f, int index)
{
    if (index < 0 || !f.IsFieldSetAndNotNull(index))
        return "";
    const OGRFieldType type = f.GetFieldDefnRef(index)->GetType();
    if (type == OFTDate || type == OFTDateTime) {
        int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
        float ss = 0;
        f.GetFieldAsDateTime(index, &y, &m, &d, &hh, &mm, &ss, &tz);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        return buf;
    }
    if (type == OFTReal) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.10g", f.GetFieldAsDouble(index));
        return buf;
    }
    return trim(f.GetFieldAsString(index));
}

double field_real(const OGRFeature& f, int index)
{
    return index >= 0 && f.IsFieldSetAndNotNull(index) ? f.GetFieldAsDouble(index) : 0.0;
}

std::optional<double> field_optional_real(const OGRFeature& f, int index)
{
    if (index < 0 || !f.IsFieldSetAndNotNull(index))
        return std::nullopt;
    return f.GetFieldAsDouble(index);
}

} // namespace redline
