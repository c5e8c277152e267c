// Plans on disk: written and read back, tamper-evident, results stamped with the plan's id, input
// changes noticed; file fingerprints against known SHA-256 digests.
#include "error.h"
#include "file_fingerprint.h"
#include "plan_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace redline;

namespace {

struct TempDir
{
    fs::path path;
    TempDir()
    {
        path = fs::temp_directory_path() / ("redline_plan_test_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Plan sample_plan(const fs::path& dir, const fs::path& input)
{
    Plan p;
    p.dir = (dir / "plan").string();
    p.version = "test";
    p.command = "coverage";
    p.arguments = { "--boundary=/data/県 boundary.gpkg", "--target=forest=65", "--survey-area" };
    PlanInput in;
    in.option = "--boundary";
    in.path = input.string();
    in.files.push_back(fingerprint_file(input.string(), true, "--boundary"));
    p.inputs.push_back(in);
    p.tiling = "test tiles";
    p.tiles = 5;
    p.shards = { PlanShard{ 0, 0, 3, 3.25 }, PlanShard{ 1, 3, 5, 0.1 } };
    p.job_json = "{ \"thresholds\": [ 0.1, 2.5e-17, 3 ], \"name\": \"林地\" }";
    return p;
}

} // namespace

TEST(FileFingerprint, SizeTimeAndTheSha256SumPrints)
{
    TempDir tmp;
    write(tmp.path / "abc.txt", "abc");
    const FileFingerprint f = fingerprint_file((tmp.path / "abc.txt").string(), true, "--x");
    EXPECT_EQ(f.bytes, 3u);
    EXPECT_EQ(f.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_GT(f.mtime, 0);
    EXPECT_TRUE(fingerprint_file((tmp.path / "abc.txt").string(), false, "--x").sha256.empty());
    EXPECT_THROW(fingerprint_file((tmp.path / "nope").string(), true, "--x"), InputError);
}

TEST(FileFingerprint, ManyFilesOnThreadsKeepTheirOrderAndDigests)
{
    TempDir tmp;
    // NIST FIPS 180-2 examples, and the empty message.
    const std::vector<std::pair<std::string, std::string>> known = {
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    std::vector<FileToFingerprint> files;
    std::vector<std::string> expected;
    for (int i = 0; i < 12; ++i) {
        const auto& k = known[std::size_t(i) % known.size()];
        const fs::path p = tmp.path / ("f" + std::to_string(i));
        write(p, k.first);
        files.push_back({ p.string(), "--x" });
        expected.push_back(k.second);
    }
    for (int threads : { 1, 3, 16 }) {
        std::size_t started = 0;
        const auto prints = fingerprint_files(files, threads, [&](const std::string&) { ++started; });
        EXPECT_EQ(started, files.size());
        ASSERT_EQ(prints.size(), files.size());
        for (std::size_t i = 0; i < files.size(); ++i) {
            EXPECT_EQ(prints[i].path, files[i].path) << threads << " threads";
            EXPECT_EQ(prints[i].sha256, expected[i]) << threads << " threads, file " << i;
        }
    }
    // A missing file fails the whole call, naming it, after the other threads stopped.
    files.insert(files.begin() + 5, { (tmp.path / "nope").string(), "--before" });
    try {
        fingerprint_files(files, 3, {});
        FAIL() << "no error for a missing file";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("--before"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
    }
}

TEST(FileFingerprint, AShapefileIsAllItsFiles)
{
    const std::string shp = std::string(REDLINE_SOURCE_DIR) + "/sample_data/redline.shp";
    std::vector<std::string> files = dataset_files(shp);
    for (auto& f : files)
        f = fs::path(f).extension().string();
    std::sort(files.begin(), files.end());
    for (const char* ext : { ".dbf", ".prj", ".shp", ".shx" })
        EXPECT_TRUE(std::binary_search(files.begin(), files.end(), std::string(ext))) << ext;
    EXPECT_TRUE(dataset_files("PG:dbname=x").empty());
}

TEST(PlanStore, ReadsBackWhatItWrote)
{
    TempDir tmp;
    write(tmp.path / "in.gpkg", "some bytes");
    Plan p = sample_plan(tmp.path, tmp.path / "in.gpkg");
    write_plan(p, false);
    EXPECT_EQ(p.id.size(), 64u);
    const Plan q = read_plan(p.dir);
    EXPECT_EQ(q.id, p.id);
    EXPECT_EQ(q.command, "coverage");
    EXPECT_EQ(q.arguments, p.arguments);
    ASSERT_EQ(q.inputs.size(), 1u);
    EXPECT_EQ(q.inputs[0].files[0].sha256, p.inputs[0].files[0].sha256);
    EXPECT_EQ(q.inputs[0].files[0].bytes, 10u);
    ASSERT_EQ(q.shard_count(), 2);
    EXPECT_EQ(q.shards[1].first, 3u);
    EXPECT_EQ(q.shards[1].end, 5u);
    EXPECT_EQ(q.shards[0].weight, 3.25);
    EXPECT_EQ(q.shards[1].weight, 0.1); // bit for bit
    EXPECT_NE(q.job_json.find("林地"), std::string::npos);
    EXPECT_NE(q.job_json.find("2.5e-17"), std::string::npos);
    // The same content gives the same id: plans are deterministic.
    Plan again = sample_plan(tmp.path / "other", tmp.path / "in.gpkg");
    fs::create_directories(tmp.path / "other");
    write_plan(again, false);
    EXPECT_EQ(again.id, p.id);
}

TEST(PlanStore, AnEditedPlanIsRefused)
{
    TempDir tmp;
    write(tmp.path / "in.gpkg", "x");
    Plan p = sample_plan(tmp.path, tmp.path / "in.gpkg");
    write_plan(p, false);
    std::string text = read(fs::path(p.dir) / "plan.json");
    text.replace(text.find("forest=65"), 9, "forest=60");
    write(fs::path(p.dir) / "plan.json", text);
    EXPECT_THROW(read_plan(p.dir), InputError);
    EXPECT_THROW(read_plan((tmp.path / "none").string()), InputError);
    write(fs::path(p.dir) / "plan.json", "{ not json");
    EXPECT_THROW(read_plan(p.dir), InputError);
}

TEST(PlanStore, ResultsBelongToTheirPlanAndShard)
{
    TempDir tmp;
    write(tmp.path / "in.gpkg", "x");
    Plan p = sample_plan(tmp.path, tmp.path / "in.gpkg");
    write_plan(p, false);
    EXPECT_EQ(missing_shards(p), (std::vector<int>{ 0, 1 }));
    write_shard_result(p, 1, "{ \"units\": [ \"1\" ] }", 1.5);
    EXPECT_TRUE(shard_done(p, 1));
    EXPECT_FALSE(shard_done(p, 0));
    EXPECT_EQ(missing_shards(p), (std::vector<int>{ 0 }));
    EXPECT_NE(read_shard_result(p, 1).find("units"), std::string::npos);
    EXPECT_THROW(read_shard_result(p, 0), InputError);
    // A result of shard 1 copied to shard 0's name is not shard 0's.
    fs::copy_file(p.result_path(1), p.result_path(0));
    EXPECT_FALSE(shard_done(p, 0));
    fs::remove(p.result_path(0));
    // A half-written file (a killed writer never renames, but a hand copy might) is not a result.
    write(p.result_path(0), "{ \"plan_id\": \"" + p.id + "\", \"shard\": 0, \"resu");
    EXPECT_FALSE(shard_done(p, 0));
    fs::remove(p.result_path(0));
    // Another plan in the same folder: refused while results exist, unless replaced.
    Plan other = sample_plan(tmp.path, tmp.path / "in.gpkg");
    other.arguments.push_back("--survey-area");
    EXPECT_THROW(write_plan(other, false), InputError);
    write_plan(other, true);
    EXPECT_NE(other.id, p.id);
    EXPECT_EQ(missing_shards(other), (std::vector<int>{ 0, 1 }));
}

TEST(PlanStore, NoticesAnInputThatChanged)
{
    TempDir tmp;
    write(tmp.path / "in.gpkg", "12345");
    Plan p = sample_plan(tmp.path, tmp.path / "in.gpkg");
    write_plan(p, false);
    EXPECT_NO_THROW(check_inputs_unchanged(p));
    write(tmp.path / "in.gpkg", "123456");
    EXPECT_THROW(check_inputs_unchanged(p), InputError);
    fs::remove(tmp.path / "in.gpkg");
    EXPECT_THROW(check_inputs_unchanged(p), InputError);
}
