#include "job_file.h"

#include "error.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace redline;
using namespace redline::cli;

namespace {

/// A job file with @p text in a fresh temporary folder; removed with the object.
struct TempJob
{
    std::string dir, path;
    explicit TempJob(const std::string& text)
    {
        char tmpl[] = "/tmp/redline_job_XXXXXX";
        dir = mkdtemp(tmpl);
        path = dir + "/job.ini";
        std::ofstream(path) << text;
    }
    ~TempJob()
    {
        std::remove(path.c_str());
        rmdir(dir.c_str());
    }
};

std::string refusal(const std::string& text)
{
    TempJob job(text);
    try {
        read_job_file(job.path);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(JobFile, SectionsKeysAndOrder)
{
    TempJob job("# a comment\n[defaults]\nredline = redline.shp\ntarget = forest=65\n\n"
                "[unit.b]\nboundary = b.geojson\ntarget = redline=25.76\ntarget = forest=57\n"
                "[unit.a]\nboundary = a.geojson\n[unit.b]\nzones = t.gpkg\n");
    const JobFile f = read_job_file(job.path);
    EXPECT_EQ(f.dir, job.dir);
    ASSERT_EQ(f.defaults.size(), 2u);
    EXPECT_EQ(f.defaults[1], (std::pair<std::string, std::string>("target", "forest=65")));
    // Units in the order they first appear; a section met twice adds to the same unit.
    ASSERT_EQ(f.units.size(), 2u);
    EXPECT_EQ(f.units[0].first, "b");
    EXPECT_EQ(f.units[1].first, "a");
    EXPECT_EQ(f.units[0].second.size(), 4u);
    EXPECT_EQ(f.units[0].second.back(), (std::pair<std::string, std::string>("zones", "t.gpkg")));

    // A unit's key replaces every default value of that key; the others are kept.
    const Settings m = merged(f.defaults, f.units[0].second);
    std::vector<std::string> targets;
    for (const auto& kv : m)
        if (kv.first == "target") targets.push_back(kv.second);
    EXPECT_EQ(targets, (std::vector<std::string>{ "redline=25.76", "forest=57" }));
    EXPECT_EQ(m.front(), (std::pair<std::string, std::string>("redline", "redline.shp")));
}

TEST(JobFile, MistakesAreNamed)
{
    EXPECT_NE(refusal("redline = x\n[unit.a]\nboundary = a\n").find("outside any section"), std::string::npos);
    EXPECT_NE(refusal("[units.a]\nboundary = a\n").find("unknown section [units.a]"), std::string::npos);
    EXPECT_NE(refusal("[defaults]\nredline = x\n").find("no [unit.NAME] section"), std::string::npos);
    EXPECT_NE(refusal("[unit.a\nboundary = a\n").find("--config"), std::string::npos);
    try {
        read_job_file("/nonexistent/job.ini");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("--config /nonexistent/job.ini: cannot open"), std::string::npos);
    }
}
