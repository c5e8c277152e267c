// The ledger's matching and classification on hand-made rectangles whose overlaps and areas are
// known by construction, and the field teams' vocabularies.
#include "ledger_matching.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace redline;

namespace {

/// @brief Rectangles as GEOS geometries, owned for the test's duration.
class Shapes
{
public:
    const GEOSGeometry* rect(double x0, double y0, double x1, double y1)
    {
        const std::string wkt = "POLYGON((" + n(x0) + " " + n(y0) + "," + n(x1) + " " + n(y0) + "," + n(x1) + " " +
                                n(y1) + "," + n(x0) + " " + n(y1) + "," + n(x0) + " " + n(y0) + "))";
        GEOSWKTReader* reader = GEOSWKTReader_create_r(m_ctx.handle());
        GEOSGeometry* g = GEOSWKTReader_read_r(m_ctx.handle(), reader, wkt.c_str());
        GEOSWKTReader_destroy_r(m_ctx.handle(), reader);
        m_owned.emplace_back(g, GeomDeleter{ m_ctx.handle() });
        return g;
    }
    const GeosContext& ctx() const { return m_ctx; }

private:
    static std::string n(double v) { return std::to_string(v); }
    GeosContext m_ctx;
    std::vector<GeomPtr> m_owned;
};

double area(double x0, double y0, double x1, double y1)
{
    return (x1 - x0) * (y1 - y0);
}

} // namespace

TEST(LedgerMatching, AreaChangeThresholdsAreStrict)
{
    const MatchRules rules; // 20 %
    EXPECT_EQ(classify_area_change(100, 121, rules), PatchChange::expanded);
    EXPECT_EQ(classify_area_change(100, 120, rules), PatchChange::unchanged);
    EXPECT_EQ(classify_area_change(100, 100, rules), PatchChange::unchanged);
    EXPECT_EQ(classify_area_change(100, 80, rules), PatchChange::unchanged);
    EXPECT_EQ(classify_area_change(100, 79, rules), PatchChange::reduced);
    MatchRules loose;
    loose.area_change = 0.5;
    EXPECT_EQ(classify_area_change(100, 140, loose), PatchChange::unchanged);
    EXPECT_EQ(classify_area_change(100, 151, loose), PatchChange::expanded);
}

TEST(LedgerMatching, EveryClassOnRectangles)
{
    Shapes s;
    // Ledger: A, B, C, D side by side, 10 × 10 each, 20 apart.
    const std::vector<LedgerShape> ledger{
        { s.rect(0, 0, 10, 10), 100, false },   // A: grows to 10 × 13
        { s.rect(20, 0, 30, 10), 100, false },  // B: shrinks to 5 × 10
        { s.rect(40, 0, 50, 10), 100, false },  // C: shifted by 1, same size
        { s.rect(60, 0, 70, 10), 100, false },  // D: gone
    };
    const std::vector<ObservedShape> observed{
        { s.rect(0, 0, 10, 13), area(0, 0, 10, 13) },     // A'
        { s.rect(20, 0, 25, 10), area(20, 0, 25, 10) },   // B'
        { s.rect(41, 0, 51, 10), area(41, 0, 51, 10) },   // C'
        { s.rect(100, 0, 110, 10), area(100, 0, 110, 10) }, // E, far from everything
    };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    ASSERT_EQ(m.observed.size(), 4u);
    EXPECT_EQ(m.observed[0].ledger, std::optional<std::size_t>(0));
    EXPECT_EQ(m.observed[0].change, PatchChange::expanded);
    EXPECT_DOUBLE_EQ(m.observed[0].overlap, 1.0); // A lies wholly inside A'
    EXPECT_EQ(m.observed[1].ledger, std::optional<std::size_t>(1));
    EXPECT_EQ(m.observed[1].change, PatchChange::reduced);
    EXPECT_DOUBLE_EQ(m.observed[1].overlap, 1.0);
    EXPECT_EQ(m.observed[2].ledger, std::optional<std::size_t>(2));
    EXPECT_EQ(m.observed[2].change, PatchChange::unchanged);
    EXPECT_DOUBLE_EQ(m.observed[2].overlap, 0.9); // 9 × 10 shared of 10 × 10
    EXPECT_FALSE(m.observed[3].ledger.has_value());
    EXPECT_EQ(m.observed[3].change, PatchChange::new_patch);
    EXPECT_EQ(m.vanished, std::vector<std::size_t>{ 3 });
}

TEST(LedgerMatching, TwoPatchesOverOneOldPatchAreMatchedOneToOne)
{
    Shapes s;
    // The old patch splits in two: the part sharing more of it keeps its id, the other is new.
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 10, 10), 100, false } };
    const std::vector<ObservedShape> observed{
        { s.rect(6, 0, 10, 10), area(6, 0, 10, 10) }, // 40 shared
        { s.rect(0, 0, 6, 10), area(0, 0, 6, 10) },   // 60 shared
    };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_FALSE(m.observed[0].ledger.has_value());
    EXPECT_EQ(m.observed[0].change, PatchChange::new_patch);
    EXPECT_EQ(m.observed[1].ledger, std::optional<std::size_t>(0));
    EXPECT_EQ(m.observed[1].change, PatchChange::reduced); // 60 < 80
    EXPECT_TRUE(m.vanished.empty());
}

TEST(LedgerMatching, OnePatchOverTwoOldPatchesTakesTheLargerShare)
{
    Shapes s;
    // Two old patches merge into one: it continues the one it shares most with; the other vanishes.
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 4, 10), 40, false }, { s.rect(5, 0, 10, 10), 50, false } };
    const std::vector<ObservedShape> observed{ { s.rect(0, 0, 10, 10), area(0, 0, 10, 10) } };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_EQ(m.observed[0].ledger, std::optional<std::size_t>(1));
    EXPECT_EQ(m.observed[0].change, PatchChange::expanded); // 100 > 60
    EXPECT_EQ(m.vanished, std::vector<std::size_t>{ 0 });
}

TEST(LedgerMatching, CrossedPairsGoToTheLargestIntersectionsFirst)
{
    Shapes s;
    // Observed 0 overlaps ledger 0 by 30 and ledger 1 by 70; observed 1 overlaps ledger 1 by 20
    // only. Greedy by intersection: (0,1) first, then ledger 0 is left for nobody: observed 1's
    // only candidate (ledger 1) is taken, so it is new and ledger 0 vanishes.
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 10, 10), 100, false }, { s.rect(10, 0, 20, 10), 100, false } };
    const std::vector<ObservedShape> observed{
        { s.rect(7, 0, 17, 10), 100 },  // 30 with ledger 0, 70 with ledger 1
        { s.rect(18, 0, 28, 10), 100 }, // 20 with ledger 1 (20 % of the smaller: a candidate)
    };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_EQ(m.observed[0].ledger, std::optional<std::size_t>(1));
    EXPECT_DOUBLE_EQ(m.observed[0].overlap, 0.7);
    EXPECT_FALSE(m.observed[1].ledger.has_value());
    EXPECT_EQ(m.vanished, std::vector<std::size_t>{ 0 });
}

TEST(LedgerMatching, OverlapBelowTheMinimumIsNoMatch)
{
    Shapes s;
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 10, 10), 100, false } };
    // 1 × 10 shared: 10 % of the smaller patch.
    const std::vector<ObservedShape> observed{ { s.rect(9, 0, 19, 10), 100 } };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_FALSE(m.observed[0].ledger.has_value());
    EXPECT_EQ(m.vanished, std::vector<std::size_t>{ 0 });
    MatchRules loose;
    loose.min_overlap = 0.1;
    const CampaignMatch m2 = match_campaign(s.ctx(), ledger, observed, loose);
    EXPECT_EQ(m2.observed[0].ledger, std::optional<std::size_t>(0));
    // The overlap is of the smaller patch: a small patch inside a large one matches fully.
    const std::vector<ObservedShape> inside{ { s.rect(4, 4, 5, 5), 1 } };
    const CampaignMatch m3 = match_campaign(s.ctx(), ledger, inside, MatchRules{});
    EXPECT_EQ(m3.observed[0].ledger, std::optional<std::size_t>(0));
    EXPECT_EQ(m3.observed[0].change, PatchChange::reduced);
}

TEST(LedgerMatching, TouchingPatchesShareNothing)
{
    Shapes s;
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 10, 10), 100, false } };
    const std::vector<ObservedShape> observed{ { s.rect(10, 0, 20, 10), 100 } };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{ 0.0001, 0.2 });
    EXPECT_FALSE(m.observed[0].ledger.has_value());
}

TEST(LedgerMatching, VanishedPatchesReappearAndDoNotVanishTwice)
{
    Shapes s;
    const std::vector<LedgerShape> ledger{
        { s.rect(0, 0, 10, 10), 100, true },  // vanished earlier, comes back
        { s.rect(20, 0, 30, 10), 100, true }, // vanished earlier, still gone
        { s.rect(40, 0, 50, 10), 100, false },
    };
    const std::vector<ObservedShape> observed{ { s.rect(0, 0, 10, 10), 100 }, { s.rect(40, 0, 50, 10), 100 } };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_EQ(m.observed[0].ledger, std::optional<std::size_t>(0));
    EXPECT_EQ(m.observed[0].change, PatchChange::reappeared);
    EXPECT_EQ(m.observed[1].change, PatchChange::unchanged);
    EXPECT_TRUE(m.vanished.empty()); // the one still gone vanished before, not in this campaign
}

TEST(LedgerMatching, ClassificationUsesTheAreaAttributesNotThePlane)
{
    Shapes s;
    // Same outline in the plane (a geographic CRS, say), but the ellipsoidal areas say it grew.
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 1, 1), 1000, false } };
    const std::vector<ObservedShape> observed{ { s.rect(0, 0, 1, 1), 1300 } };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_EQ(m.observed[0].change, PatchChange::expanded);
}

TEST(LedgerMatching, EqualOverlapsFallToTheLowerIndex)
{
    Shapes s;
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 10, 10), 100, false } };
    const std::vector<ObservedShape> observed{ { s.rect(0, 0, 10, 10), 100 }, { s.rect(0, 0, 10, 10), 100 } };
    const CampaignMatch m = match_campaign(s.ctx(), ledger, observed, MatchRules{});
    EXPECT_EQ(m.observed[0].ledger, std::optional<std::size_t>(0));
    EXPECT_FALSE(m.observed[1].ledger.has_value());
}

TEST(LedgerMatching, EmptyInputs)
{
    Shapes s;
    EXPECT_TRUE(match_campaign(s.ctx(), {}, {}, MatchRules{}).observed.empty());
    const std::vector<LedgerShape> ledger{ { s.rect(0, 0, 10, 10), 100, false } };
    const CampaignMatch gone = match_campaign(s.ctx(), ledger, {}, MatchRules{});
    EXPECT_EQ(gone.vanished, std::vector<std::size_t>{ 0 });
    const std::vector<ObservedShape> observed{ { s.rect(0, 0, 10, 10), 100 } };
    const CampaignMatch fresh = match_campaign(s.ctx(), {}, observed, MatchRules{});
    EXPECT_EQ(fresh.observed[0].change, PatchChange::new_patch);
}

TEST(LedgerIds, CampaignNamesAndIds)
{
    EXPECT_TRUE(valid_campaign_name("2024Q1"));
    EXPECT_TRUE(valid_campaign_name("2024-H2.b_1"));
    EXPECT_FALSE(valid_campaign_name(""));
    EXPECT_FALSE(valid_campaign_name("2024 Q1"));
    EXPECT_FALSE(valid_campaign_name("2024年一季度"));
    EXPECT_FALSE(valid_campaign_name(std::string(33, 'a')));
    EXPECT_EQ(make_ledger_id("2024Q1", 7), "L2024Q1-0007");
    EXPECT_EQ(make_ledger_id("2024Q1", 12345), "L2024Q1-12345");
    EXPECT_EQ(change_from_name("expanded"), std::optional<PatchChange>(PatchChange::expanded));
    EXPECT_FALSE(change_from_name("grown").has_value());
    for (PatchChange c : all_changes())
        EXPECT_EQ(change_from_name(change_name(c)), std::optional<PatchChange>(c));
}

TEST(LedgerIds, Dates)
{
    EXPECT_TRUE(valid_iso_date("2024-02-29"));
    EXPECT_FALSE(valid_iso_date("2023-02-29"));
    EXPECT_TRUE(valid_iso_date("2000-02-29"));
    EXPECT_FALSE(valid_iso_date("1900-02-29"));
    EXPECT_FALSE(valid_iso_date("2024-13-01"));
    EXPECT_FALSE(valid_iso_date("2024/05/01"));
    EXPECT_FALSE(valid_iso_date("2024-5-1"));
    EXPECT_FALSE(valid_iso_date("2024-04-31"));
}

TEST(Verification, AllowedValuesAreNormalised)
{
    Verification v;
    v.verdict = " False Alarm ";
    v.activity_class = "Mining";
    EXPECT_TRUE(check_verification(v).empty());
    EXPECT_EQ(v.verdict, "false_alarm");
    EXPECT_EQ(v.status, "verified"); // a verdict is the outcome of a verification
    EXPECT_EQ(v.activity_class, "mining");

    Verification p;
    p.verdict = "permitted";
    p.reason_code = "5.0"; // as a spreadsheet writes a number
    p.status = "verified";
    p.verified_on = "2024-05-01";
    EXPECT_TRUE(check_verification(p).empty());
    EXPECT_EQ(p.reason_code, "5");

    Verification empty;
    EXPECT_TRUE(check_verification(empty).empty());
    EXPECT_TRUE(empty.status.empty());
}

TEST(Verification, ValuesOutsideTheListsAreRefusedWithTheAllowedOnes)
{
    Verification v;
    v.verdict = "maybe";
    const std::vector<std::string> p = check_verification(v);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("maybe"), std::string::npos);
    EXPECT_NE(p[0].find("confirmed, false_alarm, permitted"), std::string::npos);

    Verification s;
    s.status = "done";
    ASSERT_EQ(check_verification(s).size(), 1u);
    EXPECT_NE(check_verification(s)[0].find("to_verify, in_progress, verified"), std::string::npos);

    for (const char* code : { "0", "11", "x", "-3", "2.5" }) {
        Verification r;
        r.verdict = "permitted";
        r.reason_code = code;
        EXPECT_FALSE(check_verification(r).empty()) << code;
    }
    // A row may leave the reason code to the ledger's value; the whole record must have one.
    Verification no_code;
    no_code.verdict = "permitted";
    EXPECT_TRUE(check_verification(no_code).empty());
    EXPECT_FALSE(check_verdict_consistency(no_code).empty());
    no_code.reason_code = "4";
    EXPECT_TRUE(check_verdict_consistency(no_code).empty());
    Verification code_without_permitted;
    code_without_permitted.verdict = "confirmed";
    code_without_permitted.reason_code = "3";
    EXPECT_FALSE(check_verification(code_without_permitted).empty());
    Verification code_alone;
    code_alone.reason_code = "3";
    EXPECT_TRUE(check_verification(code_alone).empty());
    EXPECT_FALSE(check_verdict_consistency(code_alone).empty());
    Verification left_default;
    left_default.verdict = "confirmed";
    left_default.status = "to_verify"; // the export's default, left as it was
    EXPECT_TRUE(check_verification(left_default).empty());
    EXPECT_EQ(left_default.status, "verified");
    Verification provisional;
    provisional.verdict = "confirmed";
    provisional.status = "in_progress";
    EXPECT_TRUE(check_verification(provisional).empty());
    EXPECT_EQ(provisional.status, "in_progress");
    Verification bad_date;
    bad_date.verified_on = "01/05/2024";
    EXPECT_FALSE(check_verification(bad_date).empty());
    Verification bad_class;
    bad_class.activity_class = "farming";
    EXPECT_FALSE(check_verification(bad_class).empty());
    EXPECT_EQ(permitted_categories().size(), 10u);
    EXPECT_EQ(permitted_categories().front().code, 1);
    EXPECT_EQ(permitted_categories().back().code, 10);
}
