#pragma once
// Reading OGR vector layers feature by feature, as the ledger and its inputs do: a layer picked
// from a source by name or preference, field values as text or numbers whatever their type, and
// every feature or an InputError (never a silently short read).

#include "error.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <optional>
#include <string>
#include <vector>

namespace redline {

bool file_exists(const std::string& path);

std::vector<std::string> layer_names(GDALDataset& ds);

/// The names of @p l's fields, as a readable list for messages.
std::string field_list(OGRLayer* l);

/// Opens @p path read-only and picks a layer: @p layer when given, else the first of
/// @p preferred present, else the only one. Every failure is an InputError naming @p option.
OGRLayer* open_layer(GDALDatasetUniquePtr& ds, const std::string& path, const std::string& layer,
                     const std::vector<std::string>& preferred, const std::string& option);

/// Text of a field, whatever its type: "" when null; dates as YYYY-MM-DD (GDAL writes them with
/// slashes), reals without trailing noise.
std::string field_text(const OGRFeature& f, int index);

/// The field as a real; 0 when null or absent (@p index < 0).
double field_real(const OGRFeature& f, int index);

/// The field as a real; nothing when null or absent.
std::optional<double> field_optional_real(const OGRFeature& f, int index);

/// Calls @p fn for each feature of @p l. GDAL ends the iteration early, with an error, on a
/// truncated file or a lost connection: that is an InputError, not a short read.
template<typename Fn>
void for_each_feature(OGRLayer* l, const std::string& where, Fn fn)
{
    l->ResetReading();
    for (;;) {
        CPLErrorReset();
        OGRFeatureUniquePtr f(l->GetNextFeature());
        if (!f) {
            if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
                throw InputError(where + ": cannot read it whole (GDAL: " + CPLGetLastErrorMsg() +
                                 "); the file may be truncated or damaged");
            return;
        }
        fn(f);
    }
}

} // namespace redline
