#include "plan_store.h"

#include "atomic_file.h"
#include "error.h"
#include "report_json.h"
#include "sha256.h"
#include "utc_timestamp.h"

#include <cpl_json.h>
#include <cpl_vsi.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace redline {

namespace {

std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The plan's content as JSON: everything that decides what the shards compute. The id is the
/// SHA-256 of this text; the full plan.json adds the id and when and where it was made.
void write_content(JsonWriter& j, const Plan& p)
{
    j.field("redline_version", p.version);
    j.field("command", p.command);
    j.key("arguments").begin_array();
    for (const auto& a : p.arguments)
        j.value(a);
    j.end_array();
    j.key("inputs").begin_array();
    for (const auto& in : p.inputs) {
        j.begin_object().field("option", in.option).field("path", in.path);
        j.key("files").begin_array();
        for (const auto& f : in.files)
            j.begin_object()
              .field("path", f.path)
              .field("bytes", std::int64_t(f.bytes))
              .field("mtime", f.mtime)
              .field("sha256", f.sha256)
              .end_object();
        j.end_array().end_object();
    }
    j.end_array();
    j.key("tiling").begin_object().field("description", p.tiling).field("tiles", p.tiles).end_object();
    j.key("shards").begin_array();
    for (const auto& s : p.shards)
        j.begin_object()
          .field("index", s.index)
          .field("first", s.first)
          .field("end", s.end)
          .key("weight")
          .exact(s.weight)
          .end_object();
    j.end_array();
    j.key("job").raw(p.job_json.empty() ? "{}" : p.job_json);
}

std::string content_id(const Plan& p)
{
    JsonWriter j;
    j.begin_object();
    write_content(j, p);
    j.end_object();
    return sha256_hex(j.str());
}

std::string host_name()
{
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    return buf;
}

} // namespace

std::string Plan::result_path(int shard) const
{
    char name[32];
    std::snprintf(name, sizeof name, "shard-%05d.json", shard);
    return dir + "/results/" + name;
}

void write_plan(Plan& plan, bool replace)
{
    const fs::path dir(plan.dir);
    std::error_code ec;
    if (fs::exists(dir / "plan.json")) {
        const bool has_results = fs::exists(dir / "results") && !fs::is_empty(dir / "results", ec);
        if (has_results && !replace)
            throw InputError("--plan " + plan.dir + " already holds a plan with shard results; choose another "
                             "folder, or add --replace to discard them");
    }
    fs::create_directories(dir / "results", ec);
    if (ec)
        throw OutputError("--plan " + plan.dir + ": cannot create the folder (" + ec.message() + ")");
    if (replace)
        for (const auto& e : fs::directory_iterator(dir / "results"))
            fs::remove_all(e.path(), ec);
    // The job's JSON in the form read_plan() gives it back, so the id can be checked on reading.
    if (!plan.job_json.empty()) {
        CPLJSONDocument job;
        if (!job.LoadMemory(plan.job_json))
            throw std::logic_error("write_plan: the job's data is not JSON");
        plan.job_json = job.GetRoot().Format(CPLJSONObject::PrettyFormat::Plain);
    }
    plan.id = content_id(plan);
    plan.created = utc_timestamp();
    plan.created_on = host_name();
    JsonWriter j;
    j.begin_object().field("format", std::string(Plan::format_name)).field("plan_id", plan.id);
    j.field("created", plan.created).field("created_on", plan.created_on);
    write_content(j, plan);
    j.end_object();
    write_file_atomically((dir / "plan.json").string(), j.str(), "--plan");
}

Plan read_plan(const std::string& dir)
{
    const std::string path = dir + "/plan.json";
    const std::string text = read_text(path);
    if (text.empty())
        throw InputError("--plan " + dir + ": no plan here (plan.json is missing); make one with `redline plan --plan " +
                         dir + " COMMAND ...`");
    CPLJSONDocument doc;
    if (!doc.LoadMemory(text))
        throw InputError("--plan " + dir + ": plan.json is damaged (not JSON); make the plan again");
    const CPLJSONObject root = doc.GetRoot();
    if (root.GetString("format") != Plan::format_name)
        throw InputError("--plan " + dir + ": plan.json is not a plan of this redline (format '" +
                         root.GetString("format") + "', expected '" + Plan::format_name + "')");
    Plan p;
    p.dir = dir;
    p.id = root.GetString("plan_id");
    p.version = root.GetString("redline_version");
    p.command = root.GetString("command");
    p.created = root.GetString("created");
    p.created_on = root.GetString("created_on");
    for (const auto& a : root.GetArray("arguments"))
        p.arguments.push_back(a.ToString());
    for (const auto& in : root.GetArray("inputs")) {
        PlanInput pi;
        pi.option = in.GetString("option");
        pi.path = in.GetString("path");
        for (const auto& f : in.GetArray("files")) {
            FileFingerprint ff;
            ff.path = f.GetString("path");
            ff.bytes = std::uint64_t(f.GetLong("bytes"));
            ff.mtime = f.GetLong("mtime");
            ff.sha256 = f.GetString("sha256");
            pi.files.push_back(ff);
        }
        p.inputs.push_back(pi);
    }
    p.tiling = root.GetObj("tiling").GetString("description");
    p.tiles = std::size_t(root.GetObj("tiling").GetLong("tiles"));
    for (const auto& s : root.GetArray("shards")) {
        PlanShard ps;
        ps.index = s.GetInteger("index");
        ps.first = std::size_t(s.GetLong("first"));
        ps.end = std::size_t(s.GetLong("end"));
        ps.weight = s.GetDouble("weight");
        p.shards.push_back(ps);
    }
    p.job_json = root.GetObj("job").Format(CPLJSONObject::PrettyFormat::Plain);
    if (p.shards.empty() || p.command.empty() || content_id(p) != p.id)
        throw InputError("--plan " + dir + ": plan.json was edited or is incomplete (its content does not match its "
                         "plan_id); make the plan again");
    return p;
}

void check_inputs_unchanged(const Plan& plan)
{
    for (const auto& in : plan.inputs)
        for (const auto& f : in.files) {
            VSIStatBufL st;
            if (VSIStatL(f.path.c_str(), &st) != 0)
                throw InputError(in.option + " " + f.path + ": the file is gone since the plan was made (" +
                                 plan.dir + "); restore it, or make the plan again");
            if (std::uint64_t(st.st_size) != f.bytes || std::int64_t(st.st_mtime) != f.mtime)
                throw InputError(in.option + " " + f.path + " changed since the plan was made (" +
                                 std::to_string(f.bytes) + " → " + std::to_string(st.st_size) +
                                 " bytes, or a new modification time): shards would mix two versions of the "
                                 "input; make the plan again (redline plan --replace ...)");
        }
}

bool shard_done(const Plan& plan, int k)
{
    const std::string text = read_text(plan.result_path(k));
    if (text.empty())
        return false;
    CPLJSONDocument doc;
    if (!doc.LoadMemory(text))
        return false;
    const CPLJSONObject root = doc.GetRoot();
    return root.GetString("plan_id") == plan.id && root.GetInteger("shard", -1) == k && root.GetObj("result").IsValid();
}

std::vector<int> missing_shards(const Plan& plan)
{
    std::vector<int> out;
    for (int k = 0; k < plan.shard_count(); ++k)
        if (!shard_done(plan, k))
            out.push_back(k);
    return out;
}

void ensure_results_folder(const Plan& plan)
{
    const fs::path dir = fs::path(plan.dir) / "results";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw InputError("--plan " + plan.dir + ": cannot make the results folder " + dir.string() + " (" +
                         (ec ? ec.message() : std::string("a file has that name")) +
                         "); make the plan folder writable for the shards");
    check_output_path((dir / "shard-00000.json").string(), "--plan");
}

void write_shard_result(const Plan& plan, int k, const std::string& result_json, double seconds)
{
    JsonWriter j;
    j.begin_object()
      .field("plan_id", plan.id)
      .field("shard", k)
      .field("command", plan.command)
      .field("finished", utc_timestamp())
      .field("host", host_name())
      .field("seconds", seconds, 3);
    j.key("result").raw(result_json);
    j.end_object();
    write_file_atomically(plan.result_path(k), j.str(), "--plan");
}

std::string read_shard_result(const Plan& plan, int k)
{
    const std::string text = read_text(plan.result_path(k));
    CPLJSONDocument doc;
    if (text.empty() || !doc.LoadMemory(text) || doc.GetRoot().GetString("plan_id") != plan.id)
        throw InputError("--plan " + plan.dir + ": shard " + std::to_string(k) + " has no result of this plan (" +
                         plan.result_path(k) + "); run it (redline run --plan " + plan.dir + " --shard " +
                         std::to_string(k) + ")");
    return doc.GetRoot().GetObj("result").Format(CPLJSONObject::PrettyFormat::Plain);
}

} // namespace redline
