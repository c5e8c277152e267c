#include "geopackage_writer.h"

#include "error.h"
#include "gdal_error.h"

#include <cpl_string.h>
#include <ctime>
#include <ogrsf_frmts.h>

namespace redline {

GeoPackageWriter::GeoPackageWriter(const std::string& path, const std::string& option, const GeosContext& ctx,
                                   const OGRSpatialReference& working, const OGRSpatialReference& output)
  : m_ctx(ctx)
  , m_path(path)
  , m_option(option)
  , m_output(path, option)
  , m_output_srs(clone_srs(output))
  , m_to_output(working, output, 0.0, option + " " + path)
{
    gdal_init();
    CplErrorCapture capture;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver)
        throw OutputError(option + " " + path + ": GDAL's GeoPackage driver is missing");
    m_dataset.reset(driver->Create(m_output.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_dataset)
        throw OutputError(option + " " + path + ": cannot create the GeoPackage" + gdal_says(capture));
}

GeoPackageWriter::~GeoPackageWriter() = default;

void GeoPackageWriter::write_layer(const std::string& name, const std::string& description,
                                   const std::vector<OutputField>& fields, const std::vector<OutputFeature>& features,
                                   const std::string& style_qml)
{
    CplErrorCapture capture;
    const std::string where = m_option + " " + m_path + ", layer " + name;
    CPLStringList lco;
    lco.SetNameValue("GEOMETRY_NAME", "geom");
    lco.SetNameValue("FID", "fid");
    lco.SetNameValue("DESCRIPTION", description.c_str());
    OGRLayer* layer = m_dataset->CreateLayer(name.c_str(), m_output_srs.get(), wkbMultiPolygon, lco.List());
    if (!layer)
        throw OutputError(where + ": cannot create the layer" + gdal_says(capture));
    for (const auto& f : fields) {
        const OGRFieldType type = f.type == OutputField::Type::text      ? OFTString
                                  : f.type == OutputField::Type::integer ? OFTInteger64
                                                                         : OFTReal;
        OGRFieldDefn defn(f.name.c_str(), type);
        if (layer->CreateField(&defn) != OGRERR_NONE)
            throw OutputError(where + ": cannot add field " + f.name + gdal_says(capture));
    }
    if (layer->StartTransaction() != OGRERR_NONE)
        throw OutputError(where + ": cannot start a transaction" + gdal_says(capture));
    for (const auto& feature : features) {
        OGRFeature out(layer->GetLayerDefn());
        for (std::size_t i = 0; i < feature.values.size() && i < fields.size(); ++i) {
            const FieldValue& v = feature.values[i];
            if (const auto* s = std::get_if<std::string>(&v))
                out.SetField(int(i), s->c_str());
            else if (const auto* d = std::get_if<double>(&v))
                out.SetField(int(i), *d);
            else if (const auto* n = std::get_if<std::int64_t>(&v))
                out.SetField(int(i), static_cast<GIntBig>(*n));
        }
        if (feature.geometry && !GEOSisEmpty_r(m_ctx.handle(), feature.geometry)) {
            OGRGeometry* g = OGRGeometryFactory::createFromGEOS(m_ctx.handle(), const_cast<GEOSGeometry*>(feature.geometry));
            if (!g)
                throw OutputError(where + ": cannot convert a geometry" + gdal_says(capture));
            g = OGRGeometryFactory::forceToMultiPolygon(g);
            if (!m_to_output.apply(*g)) {
                delete g;
                throw OutputError(where + ": cannot transform a geometry to " + label(*m_output_srs) + gdal_says(capture));
            }
            out.SetGeometryDirectly(g);
        }
        if (layer->CreateFeature(&out) != OGRERR_NONE)
            throw OutputError(where + ": write failed (is the disk full?)" + gdal_says(capture));
    }
    if (layer->CommitTransaction() != OGRERR_NONE)
        throw OutputError(where + ": cannot commit the layer" + gdal_says(capture));
    if (!style_qml.empty())
        m_styles.push_back(Style{ name, description, style_qml });
}

void GeoPackageWriter::write_styles()
{
    if (m_styles.empty())
        return;
    CplErrorCapture capture;
    const std::string where = m_option + " " + m_path + ", table layer_styles";
    // The table QGIS itself creates when it saves a style into a GeoPackage; QGIS loads the row
    // with useAsDefault = 1 for a layer when it opens that layer.
    OGRLayer* table = m_dataset->CreateLayer("layer_styles", nullptr, wkbNone, nullptr);
    if (!table)
        throw OutputError(where + ": cannot create it" + gdal_says(capture));
    const struct
    {
        const char* name;
        OGRFieldType type;
        OGRFieldSubType subtype;
    } columns[] = { { "f_table_catalog", OFTString, OFSTNone }, { "f_table_schema", OFTString, OFSTNone },
                    { "f_table_name", OFTString, OFSTNone },    { "f_geometry_column", OFTString, OFSTNone },
                    { "styleName", OFTString, OFSTNone },       { "styleQML", OFTString, OFSTNone },
                    { "styleSLD", OFTString, OFSTNone },        { "useAsDefault", OFTInteger, OFSTBoolean },
                    { "description", OFTString, OFSTNone },     { "owner", OFTString, OFSTNone },
                    { "ui", OFTString, OFSTNone },              { "update_time", OFTDateTime, OFSTNone } };
    for (const auto& c : columns) {
        OGRFieldDefn defn(c.name, c.type);
        defn.SetSubType(c.subtype);
        if (table->CreateField(&defn) != OGRERR_NONE)
            throw OutputError(where + ": cannot add column " + c.name + gdal_says(capture));
    }
    const std::time_t t = std::time(nullptr);
    std::tm now{};
    gmtime_r(&t, &now);
    if (table->StartTransaction() != OGRERR_NONE)
        throw OutputError(where + ": cannot start a transaction" + gdal_says(capture));
    for (const auto& s : m_styles) {
        OGRFeature row(table->GetLayerDefn());
        row.SetField("f_table_catalog", "");
        row.SetField("f_table_schema", "");
        row.SetField("f_table_name", s.layer.c_str());
        row.SetField("f_geometry_column", "geom");
        row.SetField("styleName", s.layer.c_str());
        row.SetField("styleQML", s.qml.c_str());
        row.SetField("styleSLD", "");
        row.SetField("useAsDefault", 1);
        row.SetField("description", s.description.c_str());
        row.SetField("owner", "redline");
        row.SetField("ui", "");
        row.SetField("update_time", now.tm_year + 1900, now.tm_mon + 1, now.tm_mday, now.tm_hour, now.tm_min,
                     float(now.tm_sec), 100);
        if (table->CreateFeature(&row) != OGRERR_NONE)
            throw OutputError(where + ": write failed" + gdal_says(capture));
    }
    if (table->CommitTransaction() != OGRERR_NONE)
        throw OutputError(where + ": cannot commit" + gdal_says(capture));
}

void GeoPackageWriter::commit()
{
    write_styles();
    CplErrorCapture capture;
    // GDAL 3.6 has no GDALDataset::Close(); closing through GDALClose and checking the error
    // state is the way to learn whether the last writes reached the file.
    CPLErrorReset();
    GDALClose(GDALDataset::ToHandle(m_dataset.release()));
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        throw OutputError(m_option + " " + m_path + ": cannot finish the GeoPackage" + gdal_says(capture));
    m_output.commit();
}

} // namespace redline
