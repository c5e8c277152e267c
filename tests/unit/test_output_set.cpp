// The outputs of a run are put in place together (io/atomic_file.h: AtomicOutput, OutputSet).
#include "atomic_file.h"

#include "error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace redline;

namespace {

/// A fresh folder per test, removed afterwards.
struct Folder
{
    fs::path path;
    Folder()
    {
        path = fs::temp_directory_path() /
               ("redline-output-set-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Folder() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
    /// Every name in the folder, hidden temporaries included, sorted.
    std::string listing() const
    {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(path))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        std::string out;
        for (const auto& n : names)
            out += n + ";";
        return out;
    }
};

std::string read(const std::string& path)
{
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

TEST(OutputSet, WithoutASetEachOutputIsInPlaceWhenComplete)
{
    Folder d;
    write_file_atomically(d.file("a.json"), "new", "--json");
    EXPECT_EQ(read(d.file("a.json")), "new");
    EXPECT_EQ(d.listing(), "a.json;");
}

TEST(OutputSet, NothingIsInPlaceBeforeCommitAndEverythingAfter)
{
    Folder d;
    OutputSet outputs;
    write_file_atomically(d.file("a.json"), "A", "--json");
    write_file_atomically(d.file("b.csv"), "B", "--csv");
    EXPECT_FALSE(fs::exists(d.file("a.json")));
    EXPECT_FALSE(fs::exists(d.file("b.csv")));
    outputs.commit();
    EXPECT_EQ(read(d.file("a.json")), "A");
    EXPECT_EQ(read(d.file("b.csv")), "B");
    EXPECT_EQ(d.listing(), "a.json;b.csv;"); // no temporary left
}

TEST(OutputSet, AFailureBeforeCommitLeavesThePreviousOutputsAsTheyWere)
{
    Folder d;
    write_file_atomically(d.file("a.json"), "old A", "--json");
    write_file_atomically(d.file("b.gpkg"), "old B", "--out");
    try {
        OutputSet outputs;
        write_file_atomically(d.file("a.json"), "new A", "--json"); // complete
        throw OutputError("--out b.gpkg: write failed");            // the next one fails
    } catch (const OutputError&) {
    }
    EXPECT_EQ(read(d.file("a.json")), "old A");
    EXPECT_EQ(read(d.file("b.gpkg")), "old B");
    EXPECT_EQ(d.listing(), "a.json;b.gpkg;"); // the new JSON's temporary is gone too
}

TEST(OutputSet, AnOutputThatIsNotCompleteIsNeverHandedOver)
{
    Folder d;
    OutputSet outputs;
    {
        AtomicOutput out(d.file("c.json"), "--json");
        std::ofstream(out.temp_path()) << "half";
        // no commit: destroyed half-written
    }
    outputs.commit();
    EXPECT_EQ(d.listing(), "");
}

TEST(OutputSet, SetsNestAndTheInnermostCollects)
{
    Folder d;
    OutputSet outer;
    {
        OutputSet inner;
        write_file_atomically(d.file("unit.json"), "U", "--json");
        inner.commit();
    }
    EXPECT_EQ(read(d.file("unit.json")), "U"); // the inner set put it in place
    write_file_atomically(d.file("summary.json"), "S", "--out-dir");
    EXPECT_FALSE(fs::exists(d.file("summary.json")));
    outer.commit();
    EXPECT_EQ(read(d.file("summary.json")), "S");
}

TEST(OutputSet, EachThreadHasItsOwnSets)
{
    // A batch runs districts side by side: a district's outputs must not join, and fail with,
    // the set another district's thread opened.
    Folder d;
    OutputSet outputs;
    std::thread other_unit([&] {
        write_file_atomically(d.file("w.json"), "W", "--json"); // no set on this thread
        try {
            OutputSet failing;
            write_file_atomically(d.file("f.json"), "F", "--json");
            throw OutputError("--out f.gpkg: write failed");
        } catch (const OutputError&) {
        }
    });
    other_unit.join();
    EXPECT_EQ(read(d.file("w.json")), "W"); // in place at once
    EXPECT_FALSE(fs::exists(d.file("f.json")));
    write_file_atomically(d.file("mine.json"), "M", "--json");
    outputs.commit();
    EXPECT_EQ(read(d.file("mine.json")), "M"); // this thread's set was not disturbed
    EXPECT_EQ(d.listing(), "mine.json;w.json;");
}

TEST(OutputSet, AnOutputThatStandsAloneIsInPlaceAtOnce)
{
    Folder d;
    OutputSet outputs;
    AtomicOutput out(d.file("chip.png"), "chip", AtomicOutput::Join::alone);
    std::ofstream(out.temp_path()) << "png";
    out.commit();
    EXPECT_EQ(read(d.file("chip.png")), "png");
}

TEST(OutputSet, DeferredFoldersArePutInPlaceOrDiscarded)
{
    Folder d;
    int put = 0, discarded = 0;
    {
        OutputSet outputs;
        EXPECT_TRUE(OutputSet::defer([&] { ++put; }, [&] { ++discarded; }));
        outputs.commit();
    }
    EXPECT_EQ(put, 1);
    EXPECT_EQ(discarded, 0);
    {
        OutputSet outputs;
        EXPECT_TRUE(OutputSet::defer([&] { ++put; }, [&] { ++discarded; }));
    }
    EXPECT_EQ(put, 1);
    EXPECT_EQ(discarded, 1);
    EXPECT_FALSE(OutputSet::defer([] {}, [] {})); // no set open
}

TEST(OutputSet, WhenOneCannotBePutInPlaceTheRestAreDiscarded)
{
    Folder d;
    int put = 0, discarded = 0;
    OutputSet outputs;
    OutputSet::defer([&] { ++put; }, [&] { ++discarded; });
    OutputSet::defer([] { throw OutputError("--out x.gpkg: cannot move the finished file into place"); },
                     [&] { ++discarded; });
    OutputSet::defer([&] { ++put; }, [&] { ++discarded; });
    EXPECT_THROW(outputs.commit(), OutputError);
    EXPECT_EQ(put, 1);
    EXPECT_EQ(discarded, 2); // the failed one's temporary and the one after it
}

namespace {

/// The id of a process that has exited (and been reaped), so no longer runs.
pid_t a_finished_process()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

/// The temporary name process @p pid of this machine writes @p final_path under.
std::string temporary_of(const std::string& final_path, pid_t pid)
{
    std::string name = temporary_path_for(final_path);
    const std::string own = "-" + std::to_string(::getpid()) + "@";
    const auto at = name.rfind(own);
    return name.replace(at, own.size(), "-" + std::to_string(pid) + "@");
}

} // namespace

TEST(StaleTemporaries, AnOutputRemovesWhatAKilledRunLeftOfItAndNothingElse)
{
    // A batch killed while writing summary.json left its temporary; the next summary removes it,
    // but not the temporaries of a run that still goes on, of another file, or of another machine.
    Folder d;
    const std::string dead = temporary_of(d.file("summary.json"), a_finished_process());
    const std::string live = temporary_of(d.file("summary.json"), ::getppid());
    const std::string other_file = temporary_of(d.file("report.html"), a_finished_process());
    const std::string other_host = d.file(".summary.redline-partial-1@elsewhere.json");
    for (const auto& f : { dead, live, other_file, other_host })
        std::ofstream(f) << "half";
    ASSERT_NE(dead, live);
    write_file_atomically(d.file("summary.json"), "S", "--out-dir");
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_TRUE(fs::exists(other_file));
    EXPECT_TRUE(fs::exists(other_host));
    EXPECT_EQ(read(d.file("summary.json")), "S");
}

TEST(StaleTemporaries, AFolderAKilledRunLeftIsRemovedWithItsFiles)
{
    // An activity run puts its chips' folder in place whole; killed, it leaves a folder of files.
    Folder d;
    const std::string dead = temporary_of(d.file("o_chips"), a_finished_process());
    fs::create_directories(fs::path(dead) / "inner");
    std::ofstream((fs::path(dead) / "inner" / "p1_true.png").string()) << "png";
    remove_stale_temporaries(d.file("o_chips"));
    EXPECT_EQ(d.listing(), "");
}
