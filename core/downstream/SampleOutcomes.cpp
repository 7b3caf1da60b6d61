#include "downstream/SampleOutcomes.h"

#include "util/AtomicFile.h"
#include "util/Csv.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace fra {

namespace {

std::string thresholdName(const char* prefix, double t) {
    std::ostringstream s;
    s << prefix << '@' << t;
    return s.str();
}

std::string number(double v) {
    std::ostringstream s;
    s.precision(9);
    s << v;
    return s.str();
}

double attributeShareRight(const std::vector<float>& truth, const std::vector<float>& probabilities) {
    if (truth.empty()) return 0;
    std::size_t right = 0;
    for (std::size_t a = 0; a < truth.size(); ++a) right += (probabilities[a] >= 0.5f) == (truth[a] >= 0.5f);
    return static_cast<double>(right) / static_cast<double>(truth.size());
}

}  // namespace

std::vector<PerSampleMetric> perSampleMetrics(const TestPredictions& p, const DownstreamDataset& d) {
    std::vector<PerSampleMetric> out;
    if (d.task == TaskKind::MultiClass) {
        PerSampleMetric top1{"top1", {}};
        for (std::size_t i = 0; i < p.labels.size(); ++i) top1.values.push_back(p.labels[i] == p.predicted[i] ? 1.0 : 0.0);
        out.push_back(std::move(top1));
    } else if (d.task == TaskKind::MultiLabel) {
        PerSampleMetric accuracy{"mean_accuracy", {}};
        for (std::size_t i = 0; i < p.attributes.size(); ++i) accuracy.values.push_back(attributeShareRight(p.attributes[i], p.probabilities[i]));
        out.push_back(std::move(accuracy));
    } else {
        out.push_back({"nme", p.nme});
        std::map<std::string, std::vector<double>> bySubset;  // 300W: common, challenge
        for (std::size_t i = 0; i < p.nme.size() && i < p.subsets.size(); ++i)
            if (!p.subsets[i].empty()) bySubset[p.subsets[i]].push_back(p.nme[i]);
        for (auto& [subset, values] : bySubset) out.push_back({"nme_" + subset, std::move(values)});
        for (const double t : kLandmarkThresholds) {
            PerSampleMetric failed{thresholdName("fr", t), {}}, area{thresholdName("auc", t), {}};
            for (const double e : p.nme) {
                failed.values.push_back(e > t ? 1.0 : 0.0);
                area.values.push_back(std::max(0.0, t - e) / t);
            }
            out.push_back(std::move(failed));
            out.push_back(std::move(area));
        }
    }
    return out;
}

nlohmann::json metricIntervals(const std::vector<PerSampleMetric>& metrics, const BootstrapSettings& settings) {
    nlohmann::json out = nlohmann::json::object();
    for (const PerSampleMetric& m : metrics) {
        if (m.values.size() < 2) continue;  // no interval from one sample
        const BootstrapInterval b = bootstrapMean(m.values, settings);
        out[m.name] = {{"estimate", b.estimate}, {"low", b.low},          {"high", b.high},
                       {"level", b.level},       {"resamples", b.resamples}, {"method", b.method},
                       {"samples", m.values.size()}, {"seed", settings.seed}};
    }
    return out;
}

void writeSampleOutcomes(const std::filesystem::path& file, const TestPredictions& p, const DownstreamDataset& d,
                         const std::vector<DownstreamSample>& test) {
    std::vector<std::string> header = {"sample", "image", "where", "subset"};
    if (d.task == TaskKind::MultiClass) {
        header.insert(header.end(), {"label", "label_name", "predicted", "predicted_name", "correct"});
    } else if (d.task == TaskKind::MultiLabel) {
        header.push_back("correct");
        for (const auto& a : d.classNames) header.insert(header.end(), {a, a + "_prob", a + "_correct"});
    } else {
        header.push_back("nme");
        for (const double t : kLandmarkThresholds) header.push_back(thresholdName("failed", t));
        for (const char* which : {"pred", "true"})
            for (int k = 0; k < d.landmarkCount; ++k) {
                header.push_back(std::string(which) + "_x" + std::to_string(k));
                header.push_back(std::string(which) + "_y" + std::to_string(k));
            }
    }
    std::string csv = csvRecord(header);
    const auto className = [&](int c) { return c >= 0 && c < static_cast<int>(d.classNames.size()) ? d.classNames[c] : std::string(); };
    for (std::size_t i = 0; i < p.samples.size(); ++i) {
        const DownstreamSample& s = test.at(p.samples[i]);
        std::vector<std::string> row = {std::to_string(p.samples[i]), s.image, s.where, s.subset};
        if (d.task == TaskKind::MultiClass) {
            row.insert(row.end(), {std::to_string(p.labels[i]), className(p.labels[i]), std::to_string(p.predicted[i]),
                                   className(p.predicted[i]), p.labels[i] == p.predicted[i] ? "1" : "0"});
        } else if (d.task == TaskKind::MultiLabel) {
            row.push_back(number(attributeShareRight(p.attributes[i], p.probabilities[i])));
            for (std::size_t a = 0; a < p.attributes[i].size(); ++a) {
                const bool truth = p.attributes[i][a] >= 0.5f, predicted = p.probabilities[i][a] >= 0.5f;
                row.insert(row.end(), {truth ? "1" : "0", number(p.probabilities[i][a]), truth == predicted ? "1" : "0"});
            }
        } else {
            row.push_back(number(p.nme[i]));
            for (const double t : kLandmarkThresholds) row.push_back(p.nme[i] > t ? "1" : "0");
            for (const float v : p.predictedLandmarks[i]) row.push_back(number(v));
            for (const float v : p.landmarks[i]) row.push_back(number(v));
        }
        csv += csvRecord(row);
    }
    writeFileAtomically(file, csv);
}

std::optional<SampleValues> readSampleValues(const std::filesystem::path& evalFolder, const std::string& metric) {
    const std::filesystem::path file = evalFolder / "samples.csv";
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string column = metric, subset;
    double aucThreshold = 0;
    if (metric == "top1" || metric == "mean_accuracy") column = "correct";
    else if (metric.rfind("nme_", 0) == 0 && metric != "nme_inter_pupil") {
        column = "nme";  // nme_<subset>: the faces of one subset (300W's common, challenge)
        subset = metric.substr(4);
    }
    else if (metric.rfind("fr@", 0) == 0) column = "failed@" + metric.substr(3);
    else if (metric.rfind("auc@", 0) == 0) {
        column = "nme";
        aucThreshold = std::strtod(metric.c_str() + 4, nullptr);
        if (!(aucThreshold > 0)) return std::nullopt;
    } else if (metric != "nme") {
        return std::nullopt;
    }
    SampleValues out;
    std::vector<std::string> header;
    int indexColumn = -1, imageColumn = -1, valueColumn = -1, subsetColumn = -1;
    std::string line, record;
    int lineNumber = 0, recordLine = 0;
    const auto where = [&] { return file.string() + ":" + std::to_string(recordLine); };
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (record.empty()) recordLine = lineNumber;
        record += record.empty() ? line : "\n" + line;
        bool complete = true;
        std::vector<std::string> fields = splitCsvRecord(record, ',', complete);
        if (!complete) continue;
        record.clear();
        if (header.empty()) {
            header = fields;
            for (int i = 0; i < static_cast<int>(header.size()); ++i) {
                if (header[i] == "sample") indexColumn = i;
                if (header[i] == "image") imageColumn = i;
                if (header[i] == column) valueColumn = i;
                if (header[i] == "subset") subsetColumn = i;
            }
            if (indexColumn < 0 || imageColumn < 0) throw FraError(where() + ": no 'sample' and 'image' columns");
            if (valueColumn < 0 || (!subset.empty() && subsetColumn < 0)) return std::nullopt;
            continue;
        }
        if (fields.size() != header.size())
            throw FraError(where() + ": " + std::to_string(fields.size()) + " fields where the header has " + std::to_string(header.size()));
        if (!subset.empty() && fields[subsetColumn] != subset) continue;
        const std::string& text = fields[valueColumn];
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(v))
            throw FraError(where() + ": column '" + column + "' holds '" + text + "', not a number");
        out.keys.push_back(fields[indexColumn] + "|" + fields[imageColumn]);
        out.values.push_back(aucThreshold > 0 ? std::max(0.0, aucThreshold - v) / aucThreshold : v);
    }
    if (!record.empty()) throw FraError(file.string() + ":" + std::to_string(recordLine) + ": a quoted field is never closed");
    if (header.empty()) throw FraError(file.string() + ": empty");
    if (out.values.empty()) return std::nullopt;
    return out;
}

}  // namespace fra
