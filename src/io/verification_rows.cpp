#include "verification_rows.h"

#include "gdal_error.h"
#include "ledger_store.h"
#include "ogr_fields.h"

#include <cpl_string.h>

namespace redline {

VerificationInput read_verification_rows(const std::string& path, const std::string& layer, const std::string& option)
{
    gdal_init();
    CplErrorCapture capture;
    VerificationInput in;
    GDALDatasetUniquePtr ds;
    OGRLayer* l = open_layer(ds, path, layer, { ledger_patches_layer, "activity_patches" }, option);
    in.label = option + " " + path + (ds->GetLayerCount() > 1 ? ", layer " + std::string(l->GetName()) : "");
    OGRFeatureDefn* d = l->GetLayerDefn();
    auto ix = [d](const char* name) { return d->GetFieldIndex(name); };
    const int i_lid = ix("ledger_id"), i_pid = ix("patch_id");
    in.has_ledger_id = i_lid >= 0;
    in.has_patch_id = i_pid >= 0;
    if (!in.has_ledger_id && !in.has_patch_id)
        throw InputError(in.label + ": has neither a ledger_id nor a patch_id column to say which patch a row is "
                         "about (its columns are: " + field_list(l) + ")");
    const char* names[] = { "status", "verdict", "reason_code", "verified_by", "verified_on", "activity_class" };
    int index[6];
    for (int i = 0; i < 6; ++i) {
        index[i] = ix(names[i]);
        if (index[i] >= 0)
            in.columns.push_back(names[i]);
    }
    if (in.columns.empty())
        throw InputError(in.label + ": has none of the verification columns (status, verdict, reason_code, "
                         "verified_by, verified_on, activity_class); its columns are: " + field_list(l));
    const bool csv = EQUAL(ds->GetDriver()->GetDescription(), "CSV");
    std::size_t row = 0;
    for_each_feature(l, in.label, [&](OGRFeatureUniquePtr& f) {
        ++row;
        VerificationRow r;
        // A spreadsheet user counts lines, the header being line 1.
        r.where = csv ? "row " + std::to_string(row) + " (line " + std::to_string(row + 1) + ")"
                      : "feature FID " + std::to_string(f->GetFID());
        r.ledger_id = field_text(*f, i_lid);
        r.patch_id = field_text(*f, i_pid);
        std::string* targets[] = { &r.values.status,      &r.values.verdict,     &r.values.reason_code,
                                   &r.values.verified_by, &r.values.verified_on, &r.values.activity_class };
        for (int i = 0; i < 6; ++i)
            *targets[i] = field_text(*f, index[i]);
        in.rows.push_back(std::move(r));
    });
    return in;
}

} // namespace redline
