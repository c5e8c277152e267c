#include "activity/misregistration_check.h"

#include "error.h"
#include "phase_correlation.h"
#include "report_json.h"
#include "text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>

namespace redline {

namespace {

/// Windows of @p size cells a side inside the image, at most 10 × 10 spread evenly over
/// @p footprint (overlapping by up to half), that the red line covers for at least @p share of
/// their area.
std::vector<Window> candidates(const CoverageRasterizer& redline, const Window& footprint, const Grid& grid, int size,
                               double share)
{
    std::vector<Window> out;
    const Window area = footprint.intersection(grid.full_window());
    if (area.cols < size || area.rows < size)
        return out;
    auto positions = [size](int start, int length) {
        // Windows may overlap by half: four 256-cell windows fit in 512 cells, nine overlapping ones.
        std::vector<int> p;
        const int room = length - size;
        const int count = std::min(room / (size / 2) + 1, 10);
        for (int k = 0; k < count; ++k)
            p.push_back(start + (count == 1 ? room / 2 : int(std::lround(double(room) * k / (count - 1)))));
        return p;
    };
    CoverageWindow cover;
    for (int row : positions(area.row0, area.rows))
        for (int col : positions(area.col0, area.cols)) {
            const Window w{ col, row, size, size };
            if (share <= 0) {
                out.push_back(w);
                continue;
            }
            double inside = 0;
            const Window& c = redline.rasterize(w, cover);
            for (int r = c.row0; r < c.row_end(); ++r)
                for (int k = c.col0; k < c.col_end(); ++k)
                    inside += cover.at(r, k);
            if (inside >= share * double(w.size()))
                out.push_back(w);
        }
    return out;
}

/// @p all reordered so that any prefix is spread over them: every step-th first, then those
/// half a step further, and so on.
std::vector<Window> spread_order(const std::vector<Window>& all, std::size_t wanted)
{
    const std::size_t step = std::max<std::size_t>(1, all.size() / std::max<std::size_t>(1, wanted));
    std::vector<Window> out;
    std::vector<bool> taken(all.size(), false);
    for (std::size_t phase : { std::size_t(0), step / 2 })
        for (std::size_t i = phase; i < all.size(); i += step)
            if (!taken[i]) {
                taken[i] = true;
                out.push_back(all[i]);
            }
    for (std::size_t i = 0; i < all.size(); ++i)
        if (!taken[i])
            out.push_back(all[i]);
    return out;
}

/// Metres per cell east and north at the middle of @p w.
std::pair<double, double> metres_per_cell(const Grid& grid, const OGRSpatialReference& srs, const Window& w)
{
    if (srs.IsGeographic()) {
        const double a = srs.GetSemiMajor(), inv_f = srs.GetInvFlattening();
        const double f = inv_f > 0 ? 1.0 / inv_f : 0.0, e2 = f * (2 - f);
        const double unit = srs.GetAngularUnits(); // radians per unit of the axes
        const double lat = grid.y_of(w.row0 + w.rows / 2.0) * unit;
        const double s = std::sin(lat), d = 1.0 - e2 * s * s;
        const double n = a / std::sqrt(d), m = a * (1 - e2) / (d * std::sqrt(d)); // radii of curvature
        return { grid.dx() * unit * n * std::cos(lat), grid.dy() * unit * m };
    }
    const double unit = srs.GetLinearUnits();
    return { grid.dx() * unit, grid.dy() * unit };
}

std::string cells(double v)
{
    return fixed(v, 2);
}

/// "0.49 cells right and 0.51 cells down (4.90 m east, 5.10 m south)"
std::string described(const CellShift& s, double mx, double my)
{
    auto axis = [](double v, const char* unit, const char* plus, const char* minus) {
        const std::string number = fixed(std::abs(v), 2);
        return number + " " + unit + (std::string(unit) == "cell" && number != "1.00" ? "s " : " ") + (v < 0 ? minus : plus);
    };
    std::string out = axis(s.dx, "cell", "right", "left") + " and " + axis(s.dy, "cell", "down", "up");
    if (mx > 0 && my > 0)
        out += " (" + axis(s.dx * mx, "m", "east", "west") + ", " + axis(s.dy * my, "m", "south", "north") + ")";
    return out;
}

} // namespace

MisregistrationCheck parse_after_shift(const std::string& text)
{
    MisregistrationCheck c;
    const std::string t = to_lower(trim(text));
    if (t.empty() || t == "auto")
        return c;
    if (t == "none" || t == "off") {
        c.mode = "none";
        return c;
    }
    const std::vector<std::string> parts = split(t, ',');
    char* e1 = nullptr;
    char* e2 = nullptr;
    const double dx = parts.size() == 2 ? std::strtod(parts[0].c_str(), &e1) : NAN;
    const double dy = parts.size() == 2 ? std::strtod(parts[1].c_str(), &e2) : NAN;
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty() || *e1 || *e2 || !std::isfinite(dx) ||
        !std::isfinite(dy))
        throw InputError("--after-shift '" + text +
                         "': write auto, none, or DX,DY in cells of the before image (e.g. 0.5,-0.3: the after image "
                         "shows things half a cell right of and 0.3 cell above where the before image shows them)");
    c.mode = "given";
    c.correction = CellShift{ dx, dy };
    return c;
}

std::optional<CellShift> correction_of(const MisregistrationCheck& check)
{
    if (check.correction.is_zero())
        return std::nullopt;
    return check.correction;
}

namespace {

/// The shifts measured in up to nine windows spread over the red line (inside it where it is
/// large enough for five; else around it: the misregistration is the images', not the red
/// line's, and a 64-cell window correlates weakly). Sets the check's window size and where.
std::vector<PhaseCorrelation> measure_shifts(const ImagePair& images, const CoverageRasterizer& redline,
                                             const Window& footprint, MisregistrationCheck& check)
{
    std::vector<Window> windows;
    const struct
    {
        int size;
        bool inside;
    } tiers[] = { { 256, true }, { 128, true }, { 128, false }, { 64, false } };
    for (const auto& tier : tiers) {
        const int grow = tier.inside ? 0 : 2 * tier.size;
        const Window area{ footprint.col0 - grow, footprint.row0 - grow, footprint.cols + 2 * grow,
                           footprint.rows + 2 * grow };
        windows = candidates(redline, area, images.grid(), tier.size, tier.inside ? 0.75 : 0.0);
        if (windows.size() >= (tier.inside ? 5u : 1u)) {
            check.window_size = tier.size;
            check.windows_where = tier.inside ? "inside the red line" : "in and around the red line";
            break;
        }
    }
    std::vector<PhaseCorrelation> found;
    if (check.window_size) {
        const std::size_t wanted = 9;
        BandWindow b, a;
        std::vector<std::uint8_t> valid;
        std::vector<float> vb, va;
        std::size_t tried = 0;
        for (const Window& w : spread_order(windows, wanted)) {
            if (found.size() >= wanted || tried >= 3 * wanted)
                break;
            ++tried;
            images.read(w, b, a);
            valid.resize(w.size());
            for (std::size_t i = 0; i < valid.size(); ++i)
                valid[i] = std::uint8_t(b.valid[i] & a.valid[i]);
            if (fill_invalid_with_mean(b.bands[3], valid, vb) < 0.75)
                continue; // clouds, nodata: too little to compare
            fill_invalid_with_mean(a.bands[3], valid, va);
            found.push_back(phase_correlate(vb, va, check.window_size));
        }
    }
    return found;
}

} // namespace

MisregistrationCheck check_misregistration(const ImageSpec& before, const ImageSpec& after_spec,
                                           const CoverageRasterizer& redline, const Window& footprint,
                                           MisregistrationCheck check)
{
    const auto start = std::chrono::steady_clock::now();
    // The images as georeferenced, nir only: a warped after image then warps one band, not six.
    auto nir_only = [](ImageSpec s) {
        s.bands.blue = s.bands.green = s.bands.red = s.bands.nir;
        s.bands.swir1.reset();
        s.bands.swir2.reset();
        s.shift.reset();
        return s;
    };
    const ImageSpec after = nir_only(after_spec);
    ImagePair images(nir_only(before), after);
    const auto metres = metres_per_cell(images.grid(), images.srs(), footprint);
    check.metres_x = metres.first;
    check.metres_y = metres.second;
    const std::string pair = after.option + " " + after.path + " and " + before.option + " " + before.path;
    if (check.mode == "none") {
        check.verdict = "not checked (--after-shift none)";
        return check;
    }
    if (check.mode == "given") {
        check.verdict = "corrected as given by --after-shift: " + described(check.correction, check.metres_x, check.metres_y);
        return check;
    }

    const std::vector<PhaseCorrelation> found = measure_shifts(images, redline, footprint, check);
    check.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (found.empty()) {
        check.verdict = "not measured: no 64 × 64-cell window in or around the red line is valid in both dates for "
                        "three quarters of its cells";
        return check;
    }
    check.measured = true;
    check.consensus = combine_shifts(found);
    const ShiftConsensus& c = check.consensus;
    const std::string measured = described(c.shift, check.metres_x, check.metres_y);
    const std::string how = "phase correlation of the nir band in " + std::to_string(c.windows) + " windows of " +
                            std::to_string(check.window_size) + " × " + std::to_string(check.window_size) + " cells " +
                            check.windows_where;
    const std::string remedy = "Co-register the images first (e.g. gdalwarp with ground control points, or "
                               "AROSICS), give the shift with --after-shift DX,DY if you know it, or --after-shift "
                               "none to run without this check";
    switch (shift_action(c)) {
        case ShiftAction::refuse: {
            if (!c.reliable) {
                std::string each;
                for (const auto& p : found)
                    each += (each.empty() ? "" : "; ") + cells(p.dx) + "," + cells(p.dy) +
                            (p.clear() ? "" : " (no clear peak)");
                throw InputError(pair + ": the dates do not line up clearly (" + how + ": " +
                                 std::to_string(c.clear) + " with a clear correlation peak, " +
                                 std::to_string(c.agreeing) + " agreeing within 0.5 cell; shifts found, in cells "
                                 "right,down: " + each + "). The images may not show the same place or be far "
                                 "apart in time or season. " + remedy + ".");
            }
            throw InputError(pair + " are misregistered by " + fixed(c.shift.length(), 2) + " cells: the after image "
                             "shows things " + measured + " of where the before image shows them (" + how + ", " +
                             std::to_string(c.agreeing) + " agreeing). redline corrects up to " + fixed(max_corrected_shift, 0) +
                             " cells; more means the georeferencing of a date is wrong. " + remedy + ".");
        }
        case ShiftAction::ignore:
            check.verdict = "measured " + measured + ": under " + fixed(min_corrected_shift, 1) + " cell, not corrected";
            break;
        case ShiftAction::correct:
            check.correction = c.shift;
            check.verdict = "measured " + measured + ": corrected (the after image is read moved back by it)";
            break;
    }
    check.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return check;
}

void write_misregistration(JsonWriter& j, const MisregistrationCheck& m, bool exact)
{
    auto number = [&](const char* key, double v, int decimals) {
        j.key(key);
        if (exact)
            j.exact(v);
        else
            j.value(v, decimals);
    };
    const ShiftConsensus& c = m.consensus;
    j.begin_object();
    j.field("mode", m.mode);
    j.field("measured", m.measured);
    if (m.measured) {
        j.field("method", std::string("phase correlation (normalised cross-power spectrum, Hann window, sub-cell "
                                      "peak by upsampled DFT) of the ") +
                            m.band + " band");
        j.field("window_size", m.window_size);
        j.field("windows_where", m.windows_where);
        j.field("windows", c.windows);
        j.field("windows_clear", c.clear);
        j.field("windows_agreeing", c.agreeing);
        number("spread_cells", c.spread, 3);
        number("dx_cells", c.shift.dx, 3);
        number("dy_cells", c.shift.dy, 3);
        number("east_m", c.shift.dx * m.metres_x, 2);
        number("north_m", -c.shift.dy * m.metres_y, 2);
    }
    j.field("corrected", !m.correction.is_zero());
    number("correction_dx_cells", m.correction.dx, 3);
    number("correction_dy_cells", m.correction.dy, 3);
    number("metres_per_cell_x", m.metres_x, 4);
    number("metres_per_cell_y", m.metres_y, 4);
    j.field("verdict", m.verdict);
    if (exact) // the plan keeps the time for the merge's console; a report stays the same run to run
        number("seconds", m.seconds, 3);
    j.end_object();
}

MisregistrationCheck misregistration_from_json(const CPLJSONObject& o)
{
    if (!o.IsValid() || o.GetType() != CPLJSONObject::Type::Object || !o.GetObj("corrected").IsValid())
        throw InputError("the plan's calibration has no misregistration check (made by an older redline); make the "
                         "plan again");
    MisregistrationCheck m;
    m.mode = o.GetString("mode", "auto");
    m.measured = o.GetBool("measured", false);
    if (m.measured) {
        ShiftConsensus& c = m.consensus;
        m.window_size = o.GetInteger("window_size");
        m.windows_where = o.GetString("windows_where");
        c.windows = o.GetInteger("windows");
        c.clear = o.GetInteger("windows_clear");
        c.agreeing = o.GetInteger("windows_agreeing");
        c.spread = o.GetDouble("spread_cells");
        c.shift = CellShift{ o.GetDouble("dx_cells"), o.GetDouble("dy_cells") };
        c.reliable = true; // a plan is only made from a reliable measurement
    }
    m.correction = CellShift{ o.GetDouble("correction_dx_cells"), o.GetDouble("correction_dy_cells") };
    m.metres_x = o.GetDouble("metres_per_cell_x");
    m.metres_y = o.GetDouble("metres_per_cell_y");
    m.verdict = o.GetString("verdict");
    m.seconds = o.GetDouble("seconds");
    return m;
}

std::string misregistration_summary(const MisregistrationCheck& m)
{
    return "Misregistration of the after image: " + m.verdict +
           (m.measured ? " (" + std::to_string(m.consensus.agreeing) + " of " + std::to_string(m.consensus.windows) +
                           " windows agree, " + fixed(m.seconds, 2) + " s)"
                       : std::string()) +
           ".";
}

} // namespace redline
