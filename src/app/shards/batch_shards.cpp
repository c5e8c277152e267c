#include "shards/batch_shards.h"

#include "batch/batch_report.h"
#include "error.h"
#include "report_json.h"

#include <cpl_json.h>

namespace redline {

std::string run_batch_shard(const BatchOptions& options, const BatchObserver& observer, std::size_t first,
                            std::size_t end)
{
    const BatchResult result = run_batch_units(options, observer, first, end);
    if (result.interrupted)
        throw Cancelled();
    JsonWriter j;
    j.begin_object().field("first", first).field("end", end);
    j.key("units").begin_array();
    for (const auto& u : result.units)
        unit_summary_json(j, u);
    j.end_array().end_object();
    return j.str();
}

BatchResult merge_batch_shards(const BatchOptions& options, const std::vector<std::string>& shard_results)
{
    BatchResult result;
    for (std::size_t k = 0; k < shard_results.size(); ++k) {
        CPLJSONDocument doc;
        if (!doc.LoadMemory(shard_results[k]))
            throw InputError("shard " + std::to_string(k) + ": its result is not JSON; run the shard again");
        for (const auto& u : doc.GetRoot().GetArray("units")) {
            UnitSummary s;
            if (!unit_summary_from_json(u.Format(CPLJSONObject::PrettyFormat::Plain), s))
                throw InputError("shard " + std::to_string(k) + ": a unit summary is damaged; run the shard again");
            result.units.push_back(std::move(s));
        }
    }
    if (result.units.size() != options.units.size())
        throw InputError("the shards hold " + std::to_string(result.units.size()) + " units, the job file has " +
                         std::to_string(options.units.size()) + ": the job file changed since the plan was made; "
                         "make the plan again");
    for (std::size_t i = 0; i < result.units.size(); ++i)
        if (result.units[i].name != options.units[i].name)
            throw InputError("shard results list unit '" + result.units[i].name + "' where the job file has '" +
                             options.units[i].name + "': the job file changed since the plan was made; make the plan again");
    write_batch_summary(result, options);
    return result;
}

} // namespace redline
