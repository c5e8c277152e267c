#pragma once

#include "band_recognition.h" // MetadataItems

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief A day of the Gregorian calendar.
struct CalendarDate
{
    int year = 0, month = 0, day = 0;

    std::string iso() const; ///< "2016-03-15"
    int day_of_year() const; ///< 1 … 366
};

/// The date a metadata value begins with: "20160315", "2016-03-15", "2016-03-15T10:50:12.026Z",
/// "2016:03:15 10:50:12"; nothing when it begins with none, or with a day the calendar lacks.
std::optional<CalendarDate> parse_calendar_date(const std::string& text);

/// @brief Where an image says when it was taken, how far apart in the season two dates may be
/// before the report warns, and what is then taken for a crop cycle
/// (layers/bands/recognition/acquisition_date.txt).
struct AcquisitionDateRules
{
    std::vector<std::string> keys; ///< dataset metadata items, in order of preference
    double season_warning_days = 60;
    /// Between dates further apart than season_warning_days, a vegetation_to_bare patch whose
    /// after brightness varies by less than this share of its mean is withheld as a likely crop
    /// cycle (crop_parcel.h); 0 withholds none.
    double crop_cycle_max_cv = 0.12;

    static AcquisitionDateRules parse(const std::string& text, const std::string& source);
};

/// @brief An image's acquisition date and the metadata item that gave it.
struct AcquisitionDate
{
    CalendarDate date;
    std::string key;
};

/// The first of the rules' keys among @p items whose value begins with a date.
std::optional<AcquisitionDate> find_acquisition_date(const MetadataItems& items,
                                                     const AcquisitionDateRules& rules);

/// How far apart two dates lie in the season: the distance, in days, between their positions in
/// their years, round the year (0 … 182.6), whatever the years. March 15 and August 29 are 167 days
/// apart in the season (166.3 from a leap year's to a common year's, 167.1 within a common year).
double season_gap_days(const CalendarDate& a, const CalendarDate& b);

} // namespace redline
