// `redline classes`: lists the class tables of the layer catalogue, or one table's classes.
#include "catalogue.h"
#include "commands.h"
#include "error.h"

#include <cstdio>

namespace redline::cli {

int classes_command(const std::vector<std::string>& args)
{
    const Catalogue catalogue;
    if (args.empty()) {
        std::printf("Class tables in %s/classes (name them in --landcover-table, --landuse-table,\n"
                    "--forest-classes or --forest-codes):\n\n",
                    catalogue.layers_dir().c_str());
        for (const auto& name : catalogue.class_table_names()) {
            const ClassTable t = catalogue.class_table(name, "redline classes");
            std::printf("  %-16s %-7s %s\n", name.c_str(), t.kind().c_str(), t.title().c_str());
        }
        std::printf("\nredline classes NAME lists a table's classes and which count as forest.\n");
        return 0;
    }
    if (args[0] == "--help" || args[0] == "-h") {
        std::printf("Usage: redline classes [NAME]\nLists the class tables, or the classes of table NAME.\n");
        return 0;
    }
    const ClassTable t = catalogue.class_table(args[0], "redline classes");
    std::printf("%s: %s\nsource: %s\n\n%-8s %-7s %s\n", t.name().c_str(), t.title().c_str(), t.source_url().c_str(),
                "code", "forest", "name");
    for (const auto& e : t.entries()) {
        const char* forest = e.forest == ForestRole::yes ? "yes" : e.forest == ForestRole::masked ? "masked" : "no";
        std::printf("%-8s %-7s %s%s%s\n", e.code.c_str(), forest, e.name_en.c_str(), e.name_zh.empty() ? "" : "  ",
                    e.name_zh.c_str());
    }
    std::printf("\nforest = masked: counts only inside --shrub-mask (国家特别规定灌木林地).\n");
    return 0;
}

} // namespace redline::cli
