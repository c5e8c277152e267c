#include "acquisition_date.h"

#include "error.h"
#include "keyed_text.h"
#include "text.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace redline {

namespace {

bool leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

/// @p n digits of @p s from @p at, or −1.
int digits(const std::string& s, std::size_t at, std::size_t n)
{
    if (at + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

} // namespace

std::string CalendarDate::iso() const
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

int CalendarDate::day_of_year() const
{
    int d = day;
    for (int m = 1; m < month; ++m)
        d += days_in_month(year, m);
    return d;
}

std::optional<CalendarDate> parse_calendar_date(const std::string& raw)
{
    const std::string s = trim(raw);
    CalendarDate d;
    d.year = digits(s, 0, 4);
    if (d.year < 0) return std::nullopt;
    if (s.size() > 4 && (s[4] == '-' || s[4] == ':' || s[4] == '/')) {
        if (s.size() < 10 || s[7] != s[4]) return std::nullopt;
        d.month = digits(s, 5, 2);
        d.day = digits(s, 8, 2);
    } else {
        // YYYYMMDD, alone or followed by a time ("20160315T105012"), not by more digits.
        if (s.size() > 8 && std::isdigit(static_cast<unsigned char>(s[8]))) return std::nullopt;
        d.month = digits(s, 4, 2);
        d.day = digits(s, 6, 2);
    }
    if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
        return std::nullopt;
    return d;
}

AcquisitionDateRules AcquisitionDateRules::parse(const std::string& text, const std::string& source)
{
    AcquisitionDateRules r;
    for (const KeyedLine& line : parse_keyed_lines(text, source)) {
        const std::string key = to_lower(line.key);
        if (key == "date keys") {
            r.keys = list_items(line.value);
        } else if (key == "season warning days") {
            r.season_warning_days = catalogue_number(line.value, line.where);
            if (r.season_warning_days < 0)
                throw InputError(line.where + ": 'season warning days' must be a number of days, not '" +
                                 line.value + "'");
        } else if (key == "crop cycle max brightness cv") {
            r.crop_cycle_max_cv = catalogue_number(line.value, line.where);
            if (r.crop_cycle_max_cv < 0)
                throw InputError(line.where + ": 'crop cycle max brightness cv' must be a share of the mean "
                                 "brightness (0 turns the crop cycle screen off), not '" + line.value + "'");
        } else {
            throw InputError(line.where + ": unknown key '" + line.key +
                             "' (known: date keys, season warning days, crop cycle max brightness cv)");
        }
    }
    if (r.keys.empty()) throw InputError(source + ": no 'date keys' line");
    return r;
}

std::optional<AcquisitionDate> find_acquisition_date(const MetadataItems& items,
                                                     const AcquisitionDateRules& rules)
{
    for (const std::string& key : rules.keys)
        for (const auto& item : items)
            if (item.first == key)
                if (const auto d = parse_calendar_date(item.second)) return AcquisitionDate{ *d, key };
    return std::nullopt;
}

double season_gap_days(const CalendarDate& a, const CalendarDate& b)
{
    // Each date's position in its year (the middle of its day), as a share of that year, in
    // days of the mean Gregorian year: a leap year's March 15 and a common year's lie alike.
    const double year = 365.2425;
    auto position = [&](const CalendarDate& d) {
        return (d.day_of_year() - 0.5) / (leap(d.year) ? 366.0 : 365.0) * year;
    };
    const double gap = std::abs(position(a) - position(b));
    return std::min(gap, year - gap);
}

} // namespace redline
