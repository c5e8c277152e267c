#include "acquisition_date.h"
#include "error.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace redline;

TEST(AcquisitionDate, ReadsTheDateAValueBeginsWith)
{
    for (const char* text : { "20160315",
                              "2016-03-15",
                              "2016-03-15T10:50:12.026Z",
                              "2016:03:15 10:50:12",
                              " 2016/03/15",
                              "20160315T105012" }) {
        const auto d = parse_calendar_date(text);
        ASSERT_TRUE(d) << text;
        EXPECT_EQ(d->iso(), "2016-03-15") << text;
    }
    // Not dates: a number, a time alone, a day the calendar lacks, a mixed separator.
    for (const char* text : { "201603150", "10:50:12", "2017-02-29", "2016-13-01", "2016-03/15", "", "2016" })
        EXPECT_FALSE(parse_calendar_date(text)) << text;
    EXPECT_TRUE(parse_calendar_date("2016-02-29")); // a leap day
    EXPECT_TRUE(parse_calendar_date("2000-02-29")); // divisible by 400
    EXPECT_FALSE(parse_calendar_date("1900-02-29"));
}

TEST(AcquisitionDate, DayOfYearCountsTheMonths)
{
    EXPECT_EQ((CalendarDate{ 2017, 1, 1 }).day_of_year(), 1);
    EXPECT_EQ((CalendarDate{ 2017, 3, 15 }).day_of_year(), 31 + 28 + 15);
    EXPECT_EQ((CalendarDate{ 2016, 3, 15 }).day_of_year(), 31 + 29 + 15);
    EXPECT_EQ((CalendarDate{ 2016, 12, 31 }).day_of_year(), 366);
}

TEST(AcquisitionDate, SeasonGapIsTheDistanceRoundTheYear)
{
    // March 15 to August 29 in a common year: 16 + 30 + 31 + 30 + 31 + 29 = 167 days, so the
    // positions (scaled to the mean year of 365.2425 days) are 167 × 365.2425 / 365 apart.
    EXPECT_NEAR(season_gap_days({ 2017, 3, 15 }, { 2017, 8, 29 }), 167 * 365.2425 / 365, 1e-9);
    // The year does not matter, nor the order.
    EXPECT_NEAR(season_gap_days({ 2017, 8, 29 }, { 2015, 3, 15 }), 167 * 365.2425 / 365, 1e-9);
    // From a leap year's March 15 (day 75) to a common year's August 29 (day 241).
    EXPECT_NEAR(
      season_gap_days({ 2016, 3, 15 }, { 2017, 8, 29 }), (240.5 / 365 - 74.5 / 366) * 365.2425, 1e-9);
    // Round the turn of the year: December 31 and January 1 are a day apart.
    EXPECT_NEAR(season_gap_days({ 2016, 12, 31 }, { 2018, 1, 1 }),
                365.2425 * (1 - 365.5 / 366) + 365.2425 * 0.5 / 365,
                1e-9);
    // Half a year is as far apart as dates get.
    EXPECT_LE(season_gap_days({ 2017, 1, 1 }, { 2017, 7, 2 }), 365.2425 / 2);
    EXPECT_NEAR(season_gap_days({ 2017, 1, 1 }, { 2017, 7, 2 }), 182 * 365.2425 / 365, 1e-9);
    EXPECT_EQ(season_gap_days({ 2017, 5, 4 }, { 2017, 5, 4 }), 0.0);
}

TEST(AcquisitionDate, TheFirstKeyThatHoldsADateWins)
{
    const AcquisitionDateRules rules = AcquisitionDateRules::parse(
      "# comment\ndate keys: ACQUISITIONDATETIME, ACQUISITION_DATE, DATE_ACQUIRED\nseason warning days: 45\n"
      "crop cycle max brightness cv: 0.08\n",
      "t.txt");
    EXPECT_EQ(rules.season_warning_days, 45);
    EXPECT_EQ(rules.crop_cycle_max_cv, 0.08);
    EXPECT_EQ(AcquisitionDateRules::parse("date keys: A\n", "t.txt").crop_cycle_max_cv, 0.12); // the default
    const MetadataItems items = { { "TIFFTAG_DATETIME", "2020:01:01 00:00:00" },
                                  { "DATE_ACQUIRED", "2017-08-29" },
                                  { "ACQUISITIONDATETIME", "unknown" },
                                  { "ACQUISITION_DATE", "20160315" } };
    const auto d = find_acquisition_date(items, rules);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->date.iso(),
              "2016-03-15"); // ACQUISITIONDATETIME holds no date; TIFFTAG_DATETIME is not a key
    EXPECT_EQ(d->key, "ACQUISITION_DATE");
    EXPECT_FALSE(find_acquisition_date({ { "TIFFTAG_DATETIME", "2020:01:01 00:00:00" } }, rules));
}

TEST(AcquisitionDate, BadRulesNameTheLine)
{
    try {
        AcquisitionDateRules::parse("date keys: A\nseason warning days: soon\n", "acq.txt");
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("acq.txt:2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(AcquisitionDateRules::parse("season warning days: 60\n", "acq.txt"), InputError);
    EXPECT_THROW(AcquisitionDateRules::parse("date keys: A\nseason warning days: -5\n", "acq.txt"), InputError);
    EXPECT_THROW(AcquisitionDateRules::parse("date keys: A\nseason warning days: inf\n", "acq.txt"), InputError);
    EXPECT_THROW(AcquisitionDateRules::parse("date keys: A\nwhen: now\n", "acq.txt"), InputError);
    EXPECT_THROW(AcquisitionDateRules::parse("date keys: A\ncrop cycle max brightness cv: -0.1\n", "acq.txt"),
                 InputError);
    EXPECT_THROW(AcquisitionDateRules::parse("date keys: A\ncrop cycle max brightness cv: low\n", "acq.txt"),
                 InputError);
    EXPECT_EQ(AcquisitionDateRules::parse("date keys: A\ncrop cycle max brightness cv: 0\n", "acq.txt")
                .crop_cycle_max_cv,
              0.0); // the screen turned off
}

TEST(AcquisitionDate, TheCatalogueReadsOscdAndSentinel2Dates)
{
    const std::string path =
      std::string(REDLINE_SOURCE_DIR) + "/layers/bands/recognition/acquisition_date.txt";
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    const AcquisitionDateRules rules = AcquisitionDateRules::parse(s.str(), path);
    EXPECT_EQ(rules.season_warning_days, 60);
    EXPECT_EQ(rules.crop_cycle_max_cv, 0.12);
    const auto oscd = find_acquisition_date({ { "ACQUISITION_DATE", "20160315" } }, rules);
    ASSERT_TRUE(oscd);
    EXPECT_EQ(oscd->date.iso(), "2016-03-15");
    const auto safe =
      find_acquisition_date({ { "DATATAKE_1_DATATAKE_SENSING_START", "2017-08-29T10:50:31.026Z" } }, rules);
    ASSERT_TRUE(safe);
    EXPECT_EQ(safe->date.iso(), "2017-08-29");
    EXPECT_FALSE(find_acquisition_date({ { "TIFFTAG_DATETIME", "2020:01:01 00:00:00" } }, rules));
}
