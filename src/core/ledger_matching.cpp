#include "ledger_matching.h"

#include "error.h"
#include "text.h"

#include <algorithm>
#include <cstdio>

namespace redline {

const char* change_name(PatchChange change)
{
    switch (change) {
    case PatchChange::new_patch:
        return "new";
    case PatchChange::expanded:
        return "expanded";
    case PatchChange::reduced:
        return "reduced";
    case PatchChange::unchanged:
        return "unchanged";
    case PatchChange::vanished:
        return "vanished";
    case PatchChange::reappeared:
        return "reappeared";
    }
    return "?";
}

const char* change_label_zh(PatchChange change)
{
    switch (change) {
    case PatchChange::new_patch:
        return "新增";
    case PatchChange::expanded:
        return "扩大";
    case PatchChange::reduced:
        return "减少";
    case PatchChange::unchanged:
        return "未变化";
    case PatchChange::vanished:
        return "消失";
    case PatchChange::reappeared:
        return "复现";
    }
    return "?";
}

const std::vector<PatchChange>& all_changes()
{
    static const std::vector<PatchChange> changes{ PatchChange::new_patch, PatchChange::expanded,
                                                   PatchChange::reduced,   PatchChange::unchanged,
                                                   PatchChange::vanished,  PatchChange::reappeared };
    return changes;
}

std::optional<PatchChange> change_from_name(const std::string& name)
{
    for (PatchChange c : all_changes())
        if (name == change_name(c))
            return c;
    return std::nullopt;
}

PatchChange classify_area_change(double before_m2, double after_m2, const MatchRules& rules)
{
    if (after_m2 > before_m2 * (1.0 + rules.area_change))
        return PatchChange::expanded;
    if (after_m2 < before_m2 * (1.0 - rules.area_change))
        return PatchChange::reduced;
    return PatchChange::unchanged;
}

namespace {

struct TreeHits
{
    std::vector<std::size_t> items;
};

void on_hit(void* item, void* userdata)
{
    static_cast<TreeHits*>(userdata)->items.push_back(reinterpret_cast<std::size_t>(item));
}

/// @brief An STR tree over borrowed geometries, destroyed with the object.
class StrTree
{
public:
    StrTree(const GeosContext& ctx, const std::vector<const GEOSGeometry*>& geometries)
      : m_ctx(ctx)
      , m_tree(GEOSSTRtree_create_r(ctx.handle(), 10))
    {
        for (std::size_t i = 0; i < geometries.size(); ++i)
            if (geometries[i] && !GEOSisEmpty_r(ctx.handle(), geometries[i]))
                GEOSSTRtree_insert_r(ctx.handle(), m_tree, geometries[i], reinterpret_cast<void*>(i));
    }
    ~StrTree() { GEOSSTRtree_destroy_r(m_ctx.handle(), m_tree); }
    StrTree(const StrTree&) = delete;
    StrTree& operator=(const StrTree&) = delete;

    std::vector<std::size_t> query(const GEOSGeometry* g) const
    {
        TreeHits hits;
        GEOSSTRtree_query_r(m_ctx.handle(), m_tree, g, &on_hit, &hits);
        std::sort(hits.items.begin(), hits.items.end());
        return hits.items;
    }

private:
    const GeosContext& m_ctx;
    GEOSSTRtree* m_tree;
};

double planar_area_of(const GeosContext& ctx, const GEOSGeometry* g)
{
    double area = 0;
    if (GEOSArea_r(ctx.handle(), g, &area) != 1)
        throw Error("geometry operation 'area' failed: " + ctx.last_error());
    return area;
}

struct Candidate
{
    std::size_t observed;
    std::size_t ledger;
    double shared;  ///< intersection, planar
    double overlap; ///< shared / smaller
};

} // namespace

CampaignMatch match_campaign(const GeosContext& ctx, const std::vector<LedgerShape>& ledger,
                             const std::vector<ObservedShape>& observed, const MatchRules& rules)
{
    std::vector<const GEOSGeometry*> ledger_geometries;
    std::vector<double> ledger_planar;
    for (const LedgerShape& l : ledger) {
        ledger_geometries.push_back(l.geometry);
        ledger_planar.push_back(l.geometry && !GEOSisEmpty_r(ctx.handle(), l.geometry) ? planar_area_of(ctx, l.geometry)
                                                                                     : 0.0);
    }
    const StrTree tree(ctx, ledger_geometries);

    std::vector<Candidate> candidates;
    for (std::size_t i = 0; i < observed.size(); ++i) {
        const GEOSGeometry* g = observed[i].geometry;
        if (!g || GEOSisEmpty_r(ctx.handle(), g))
            continue;
        const double area_i = planar_area_of(ctx, g);
        for (std::size_t j : tree.query(g)) {
            // Neighbours that only touch share no area; skip computing an empty intersection.
            if (GEOSRelatePattern_r(ctx.handle(), g, ledger[j].geometry, "2********") != 1)
                continue;
            GeomPtr shared = take(ctx, GEOSIntersection_r(ctx.handle(), g, ledger[j].geometry), "intersection");
            const double shared_area = planar_area_of(ctx, shared.get());
            const double smaller = std::min(area_i, ledger_planar[j]);
            if (!(smaller > 0))
                continue;
            const double overlap = shared_area / smaller;
            if (overlap >= rules.min_overlap)
                candidates.push_back(Candidate{ i, j, shared_area, overlap });
        }
    }
    // Largest shared area first; equal ones by overlap, then by position, so the outcome never
    // depends on the sort's whims.
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.shared != b.shared)
            return a.shared > b.shared;
        if (a.overlap != b.overlap)
            return a.overlap > b.overlap;
        if (a.observed != b.observed)
            return a.observed < b.observed;
        return a.ledger < b.ledger;
    });

    CampaignMatch result;
    result.observed.resize(observed.size());
    std::vector<bool> ledger_taken(ledger.size(), false);
    std::vector<bool> observed_taken(observed.size(), false);
    for (const Candidate& c : candidates) {
        if (observed_taken[c.observed] || ledger_taken[c.ledger])
            continue;
        observed_taken[c.observed] = true;
        ledger_taken[c.ledger] = true;
        ObservationMatch& m = result.observed[c.observed];
        m.ledger = c.ledger;
        m.overlap = c.overlap;
        m.change = ledger[c.ledger].vanished
                     ? PatchChange::reappeared
                     : classify_area_change(ledger[c.ledger].area_m2, observed[c.observed].area_m2, rules);
    }
    for (std::size_t j = 0; j < ledger.size(); ++j)
        if (!ledger_taken[j] && !ledger[j].vanished)
            result.vanished.push_back(j);
    return result;
}

bool valid_campaign_name(const std::string& campaign)
{
    if (campaign.empty() || campaign.size() > 32)
        return false;
    for (char c : campaign) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

std::string make_ledger_id(const std::string& campaign, std::size_t sequence)
{
    char digits[32];
    std::snprintf(digits, sizeof digits, "%04zu", sequence);
    return "L" + campaign + "-" + digits;
}

bool valid_iso_date(const std::string& date)
{
    if (date.size() != 10 || date[4] != '-' || date[7] != '-')
        return false;
    for (std::size_t i : { 0, 1, 2, 3, 5, 6, 8, 9 })
        if (date[i] < '0' || date[i] > '9')
            return false;
    const int year = std::stoi(date.substr(0, 4));
    const int month = std::stoi(date.substr(5, 2));
    const int day = std::stoi(date.substr(8, 2));
    if (year < 1900 || month < 1 || month > 12 || day < 1)
        return false;
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

const std::vector<std::string>& verification_statuses()
{
    static const std::vector<std::string> values{ "to_verify", "in_progress", "verified" };
    return values;
}

const std::vector<std::string>& verdicts()
{
    static const std::vector<std::string> values{ "confirmed", "false_alarm", "permitted" };
    return values;
}

const std::vector<std::string>& activity_classes()
{
    static const std::vector<std::string> values{ "mining",    "industry",  "energy",    "tourism",
                                                  "transport", "aquaculture_farming", "settlement", "other" };
    return values;
}

const std::vector<PermittedCategory>& permitted_categories()
{
    // 自然资源部 生态环境部 国家林业和草原局《关于加强生态保护红线管理的通知（试行）》, 二（一）1-10.
    static const std::vector<PermittedCategory> categories{
        { 1, "management, patrol, enforcement, research, monitoring, surveying, disaster relief, defence",
          "管护巡护、保护执法、科学研究、调查监测、测绘导航、防灾减灾救灾、军事国防、疫情防控等及必要设施" },
        { 2, "residents' farming, grazing, fishing and aquaculture at no larger scale, and their facilities",
          "原住居民和其他合法权益主体在不扩大现有规模前提下的种植、放牧、捕捞、养殖及生产生活设施" },
        { 3, "approved archaeology, palaeontology, specimen collection and heritage protection",
          "经依法批准的考古调查发掘、古生物化石调查发掘、标本采集和文物保护活动" },
        { 4, "tending and harvesting of commercial plantations, species renewal, bamboo management",
          "人工商品林抚育采伐、提升森林质量等目的的树种更新、依法开展的竹林采伐经营" },
        { 5, "moderate tourism and education that do not harm ecological functions, and their facilities",
          "不破坏生态功能的适度参观旅游、科普宣教及配套性服务设施和必要公共设施建设及维护" },
        { 6, "unavoidable linear infrastructure, communications, flood control, water supply; upkeep of facilities",
          "必须且无法避让、符合县级以上国土空间规划的线性基础设施、通讯和防洪、供水设施建设，已有合法水利、交通运输设施运行维护改造" },
        { 7, "geological survey and mineral exploration and mining as the rules allow",
          "地质调查与矿产资源勘查开采（按规定允许的情形）" },
        { 8, "ecological restoration under the territorial spatial and restoration plans",
          "依据县级以上国土空间规划和生态保护修复专项规划开展的生态修复" },
        { 9, "border sight-line clearing and boundary works under border treaties",
          "边界边境通视道清理以及界务工程的修建、维护和拆除" },
        { 10, "other human activities allowed by laws and regulations", "法律法规规定允许的其他人为活动" },
    };
    return categories;
}

std::vector<std::string> check_verdict_consistency(const Verification& v)
{
    std::vector<std::string> problems;
    if (v.verdict == "permitted" && v.reason_code.empty())
        problems.push_back("verdict 'permitted' needs a reason_code, 1 to 10, naming the category of permitted "
                           "activity under the red-line rules (add a reason_code column if the table has none)");
    if (!v.reason_code.empty() && v.verdict != "permitted")
        problems.push_back("reason_code " + v.reason_code + " goes with verdict 'permitted' only, and the verdict is " +
                           (v.verdict.empty() ? std::string("empty") : "'" + v.verdict + "'"));
    return problems;
}

std::string join_values(const std::vector<std::string>& values)
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? ", " : "") + values[i];
    return out;
}

namespace {

bool one_of(const std::string& value, const std::vector<std::string>& allowed)
{
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

} // namespace

std::vector<std::string> check_verification(Verification& v)
{
    for (std::string* s : { &v.status, &v.verdict, &v.reason_code, &v.verified_by, &v.verified_on, &v.activity_class })
        *s = trim(*s);
    // Spreadsheets change case and spaces; the coded values are compared in lower case, with
    // "false alarm" and "false-alarm" taken for false_alarm.
    for (std::string* s : { &v.status, &v.verdict, &v.activity_class }) {
        *s = to_lower(*s);
        std::replace(s->begin(), s->end(), ' ', '_');
        std::replace(s->begin(), s->end(), '-', '_');
    }
    std::vector<std::string> problems;
    if (!v.status.empty() && !one_of(v.status, verification_statuses()))
        problems.push_back("status '" + v.status + "' is not allowed; allowed values: " +
                           join_values(verification_statuses()));
    if (!v.verdict.empty() && !one_of(v.verdict, verdicts()))
        problems.push_back("verdict '" + v.verdict + "' is not allowed; allowed values: " + join_values(verdicts()) +
                           " (or empty)");
    if (!v.activity_class.empty() && !one_of(v.activity_class, activity_classes()))
        problems.push_back("activity_class '" + v.activity_class + "' is not allowed; allowed values: " +
                           join_values(activity_classes()) + " (or empty)");
    if (!v.reason_code.empty()) {
        // "5", "5.0" (a spreadsheet's number) and "05" all name category 5.
        std::string code = v.reason_code;
        const std::size_t dot = code.find('.');
        if (dot != std::string::npos && code.find_first_not_of('0', dot + 1) == std::string::npos)
            code = code.substr(0, dot);
        const bool digits = !code.empty() && code.size() <= 3 && code.find_first_not_of("0123456789") == std::string::npos;
        const int n = digits ? std::stoi(code) : 0;
        if (n < 1 || n > 10)
            problems.push_back("reason_code '" + v.reason_code +
                               "' is not allowed; allowed values: 1 to 10, the category of permitted activity "
                               "under the red-line rules (see redline ledger import --help)");
        else
            v.reason_code = std::to_string(n);
    }
    if (!v.verified_on.empty() && !valid_iso_date(v.verified_on))
        problems.push_back("verified_on '" + v.verified_on + "' is not a date written YYYY-MM-DD");
    if (!problems.empty())
        return problems;
    if (!v.reason_code.empty() && !v.verdict.empty() && v.verdict != "permitted")
        problems.push_back("reason_code '" + v.reason_code + "' is given with verdict '" + v.verdict +
                           "'; a reason code goes with verdict 'permitted' only");
    // A verdict is the outcome of a verification. The status beside it is often the to_verify
    // that `redline activity` and the ledger's export write in every row and nobody changed:
    // with a verdict, it means verified. in_progress stays (a provisional verdict).
    if (problems.empty() && !v.verdict.empty() && (v.status.empty() || v.status == "to_verify"))
        v.status = "verified";
    return problems;
}

} // namespace redline
