#include "downstream/ComparisonTable.h"

#include "util/Csv.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

namespace fra {

namespace {

// ../shared/docs/fra-spec.md, "Reported results" (ResNet-50 pre-trained on VGGFace2, fine-tuned).
struct Reference {
    const char* format;
    const char* metric;
    double fra;
    double byol;  // < 0: not reported
};
const Reference kPaper[] = {
    {"rafdb", "top1", 0.8995, 0.8953},   {"ferplus", "top1", 0.8978, -1},  {"affectnet", "top1", 0.6616, -1},
    {"celeba", "mean_accuracy", 0.9202, 0.9156}, {"300w", "nme", 0.0291, 0.0303}, {"300w", "nme_common", 0.0260, -1},
    {"300w", "nme_challenge", 0.0446, -1}, {"wflw", "nme", 0.0411, 0.0429}, {"wflw", "fr@0.1", 0.0253, -1},
    {"wflw", "auc@0.1", 0.591, -1},
};

std::vector<std::string> metricsFor(const nlohmann::json& result) {
    const std::string primary = result.value("primary_metric", "");
    std::vector<std::string> out{primary};
    if (primary == "nme") {
        for (const char* extra : {"nme_common", "nme_challenge", "fr@0.1", "auc@0.1", "mean_shape_nme"})
            if (result.at("metrics").contains(extra)) out.push_back(extra);
    }
    return out;
}

std::string datasetName(const nlohmann::json& r) {
    const std::string spec = r.value("dataset", "");
    const auto colon = spec.find(':');
    const std::string root = colon != std::string::npos && spec.find('/') > colon ? spec.substr(colon + 1) : spec;
    return r.value("format", "") + "-" + std::filesystem::path(root).lexically_normal().filename().string();
}

std::string format(double v, bool percent) {
    char buf[32];
    std::snprintf(buf, sizeof buf, percent ? "%.2f" : "%.3f", percent ? 100.0 * v : v);
    return buf;
}

}  // namespace

ComparisonTable ComparisonTable::fromResults(const std::vector<nlohmann::json>& results) {
    ComparisonTable t;
    std::map<std::string, std::size_t> columnIndex, rowIndex;
    auto rowFor = [&](const std::string& model, bool reference) -> Row& {
        const std::string key = (reference ? "~ref~" : "") + model;
        auto it = rowIndex.find(key);
        if (it == rowIndex.end()) {
            it = rowIndex.emplace(key, t.rows_.size()).first;
            t.rows_.push_back({model, reference, {}});
        }
        return t.rows_[it->second];
    };
    std::vector<std::tuple<std::string, std::size_t, double>> cells;  // model, column, value
    for (const auto& r : results) {
        for (const auto& metric : metricsFor(r)) {
            Column c;
            c.dataset = datasetName(r);
            c.format = r.value("format", "");
            c.protocol = r.value("protocol", "");
            c.metric = metric;
            c.id = c.dataset + "/" + c.protocol + "/" + metric;
            c.higherIsBetter = metric.find("nme") == std::string::npos && metric != "fr@0.1";
            c.percent = metric != "auc@0.1";
            if (!columnIndex.count(c.id)) {
                columnIndex[c.id] = t.columns_.size();
                t.columns_.push_back(c);
            }
            if (r.at("metrics").contains(metric) && r.at("metrics").at(metric).is_number())
                cells.emplace_back(r.value("model_name", r.value("model", "?")), columnIndex[c.id], r.at("metrics").at(metric).get<double>());
        }
    }
    for (const auto& [model, column, value] : cells) rowFor(model, false);
    // reference rows: the paper's fine-tuning numbers, under every column of a matching benchmark
    for (std::size_t ci = 0; ci < t.columns_.size(); ++ci) {
        for (const auto& ref : kPaper) {
            if (t.columns_[ci].format != ref.format || t.columns_[ci].metric != ref.metric) continue;
            rowFor("FRA (paper: R50, VGGFace2, fine-tuned)", true);
            if (ref.byol >= 0) rowFor("BYOL (paper: R50, VGGFace2, fine-tuned)", true);
        }
    }
    for (auto& row : t.rows_) row.values.assign(t.columns_.size(), std::nullopt);
    for (const auto& [model, column, value] : cells) t.rows_[rowIndex[model]].values[column] = value;
    for (std::size_t ci = 0; ci < t.columns_.size(); ++ci)
        for (const auto& ref : kPaper) {
            if (t.columns_[ci].format != ref.format || t.columns_[ci].metric != ref.metric) continue;
            t.rows_[rowIndex["~ref~FRA (paper: R50, VGGFace2, fine-tuned)"]].values[ci] = ref.fra;
            if (ref.byol >= 0) t.rows_[rowIndex["~ref~BYOL (paper: R50, VGGFace2, fine-tuned)"]].values[ci] = ref.byol;
        }
    return t;
}

std::optional<std::size_t> ComparisonTable::best(std::size_t column) const {
    std::optional<std::size_t> bestRow;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        if (rows_[r].reference || !rows_[r].values[column]) continue;
        const double v = *rows_[r].values[column];
        if (!bestRow) {
            bestRow = r;
            continue;
        }
        const double b = *rows_[*bestRow].values[column];
        if (columns_[column].higherIsBetter ? v > b : v < b) bestRow = r;
    }
    return bestRow;
}

std::string ComparisonTable::markdown() const {
    std::ostringstream out;
    out << "| model |";
    for (const auto& c : columns_) out << ' ' << c.dataset << " " << c.protocol << " " << c.metric << (c.percent ? " (%)" : "") << (c.higherIsBetter ? " ↑" : " ↓") << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < columns_.size(); ++i) out << "---:|";
    out << '\n';
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        out << "| " << (rows_[r].reference ? "*" + rows_[r].model + "*" : rows_[r].model) << " |";
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            const auto& v = rows_[r].values[c];
            if (!v) {
                out << "  |";
                continue;
            }
            const std::string text = format(*v, columns_[c].percent);
            const bool isBest = best(c) == r;
            out << ' ' << (isBest ? "**" + text + "**" : rows_[r].reference ? "*" + text + "*" : text) << " |";
        }
        out << '\n';
    }
    return out.str();
}

std::string ComparisonTable::csv() const {
    std::vector<std::string> header = {"model", "reference"};
    for (const auto& c : columns_) header.push_back(c.id);
    std::string out = csvRecord(header);
    for (const auto& row : rows_) {
        std::vector<std::string> fields = {row.model, row.reference ? "1" : "0"};
        for (const auto& v : row.values) {
            std::ostringstream number;
            if (v) number << *v;
            fields.push_back(number.str());
        }
        out += csvRecord(fields);
    }
    std::vector<std::string> best = {"best", ""};
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        const auto b = this->best(c);
        best.push_back(b ? rows_[*b].model : "");
    }
    return out + csvRecord(best);
}

nlohmann::json ComparisonTable::json() const {
    nlohmann::json cols = nlohmann::json::array(), rows = nlohmann::json::array();
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        const auto b = best(c);
        cols.push_back({{"id", columns_[c].id}, {"dataset", columns_[c].dataset}, {"protocol", columns_[c].protocol},
                        {"metric", columns_[c].metric}, {"higher_is_better", columns_[c].higherIsBetter},
                        {"best", b ? nlohmann::json(rows_[*b].model) : nlohmann::json()}});
    }
    for (const auto& row : rows_) {
        nlohmann::json values = nlohmann::json::object();
        for (std::size_t c = 0; c < columns_.size(); ++c)
            if (row.values[c]) values[columns_[c].id] = *row.values[c];
        rows.push_back({{"model", row.model}, {"reference", row.reference}, {"values", values}});
    }
    return {{"columns", cols}, {"rows", rows}};
}

}  // namespace fra
