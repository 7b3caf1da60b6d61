#include "downstream/ComparisonTable.h"

#include "downstream/SampleOutcomes.h"
#include "stats/Bootstrap.h"
#include "util/AtomicFile.h"
#include "util/Csv.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
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
        for (const char* extra : {"nme_common", "nme_challenge", "fr@0.08", "auc@0.08", "fr@0.1", "auc@0.1", "mean_shape_nme"})
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

namespace {

// Student's t quantile at 0.975 for 1..30 degrees of freedom (beyond: the normal's 1.96).
double tQuantile975(int df) {
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                   2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    return df >= 1 && df <= 30 ? table[df - 1] : 1.96;
}

struct Evaluation {
    std::uint64_t seed = 0;
    double value = 0;
    nlohmann::json interval;  // result.json's intervals[metric], or null
    std::string folder;
};

// The per-sample values of a (row, column), averaged over its seeds: the same samples in every
// seed, else nothing to pair on. `why` says what is missing.
std::optional<SampleValues> pairingValues(const std::vector<Evaluation>& evaluations, const std::string& metric, std::string& why) {
    std::optional<SampleValues> mean;
    for (const Evaluation& e : evaluations) {
        if (e.folder.empty()) {
            why = "no evaluation folder";
            return std::nullopt;
        }
        std::optional<SampleValues> v;
        try {
            v = readSampleValues(e.folder, metric);
        } catch (const FraError& error) {
            why = error.what();
            return std::nullopt;
        }
        if (!v) {
            why = "no per-sample values";
            return std::nullopt;
        }
        if (!mean) {
            mean = std::move(v);
            continue;
        }
        if (v->keys != mean->keys) {
            why = "seeds on different test samples";
            return std::nullopt;
        }
        for (std::size_t i = 0; i < v->values.size(); ++i) mean->values[i] += v->values[i];
    }
    if (mean)
        for (double& x : mean->values) x /= static_cast<double>(evaluations.size());
    return mean;
}

// Each sample's cluster for the bootstrap: nothing (every sample its own) or its image's folder
// (the key is "index|image").
std::vector<std::string> clustersOf(const SampleValues& values, ResampleUnit unit) {
    std::vector<std::string> clusters;
    if (unit != ResampleUnit::ImageFolder) return clusters;
    for (const auto& key : values.keys) {
        const auto bar = key.find('|');
        const std::string image = bar == std::string::npos ? key : key.substr(bar + 1);
        clusters.push_back(std::filesystem::path(image).parent_path().string());
    }
    return clusters;
}

std::size_t distinctCount(const std::vector<std::string>& v) { return std::set<std::string>(v.begin(), v.end()).size(); }

// The bootstrap interval over the test samples (or their folders) of the evaluations' per-sample
// values (averaged over seeds) into `cell`; false, with `why`, where there are none to resample.
bool intervalOverSamples(ComparisonTable::Cell& cell, const std::vector<Evaluation>& evaluations, const std::string& metric,
                         ResampleUnit unit, std::string& why) {
    const auto values = pairingValues(evaluations, metric, why);
    if (!values || values->values.size() < 2) return false;
    const auto clusters = clustersOf(*values, unit);
    if (!clusters.empty() && distinctCount(clusters) < 2) {
        why = "all " + std::to_string(values->values.size()) + " test samples in one folder";
        return false;
    }
    const BootstrapInterval b = bootstrapMean(values->values, {}, clusters);
    cell.low = b.low;
    cell.high = b.high;
    const std::string samples = std::to_string(values->values.size()) + " test samples";
    cell.interval = b.method + " over " + (clusters.empty() ? samples : std::to_string(b.units) + " image folders of " + samples);
    if (evaluations.size() > 1) cell.interval += ", each the mean of " + std::to_string(evaluations.size()) + " seeds";
    return true;
}

ComparisonTable::Cell summarise(const std::vector<Evaluation>& evaluations, const std::string& metric, ResampleUnit unit) {
    ComparisonTable::Cell cell;
    cell.seeds = static_cast<int>(evaluations.size());
    for (const auto& e : evaluations)
        if (!e.folder.empty()) cell.folders.push_back(e.folder);
    if (evaluations.size() == 1) {
        const Evaluation& e = evaluations[0];
        cell.value = e.value;
        // result.json's interval resamples faces: by folder it is made again from samples.csv
        const bool recorded = e.interval.is_object() && e.interval.contains("low") && e.interval.contains("high");
        std::string why;
        if ((unit == ResampleUnit::ImageFolder || !recorded) && intervalOverSamples(cell, evaluations, metric, unit, why)) return cell;
        if (recorded) {
            cell.low = e.interval["low"].get<double>();
            cell.high = e.interval["high"].get<double>();
            cell.interval = e.interval.value("method", "") + " over " + std::to_string(e.interval.value("samples", 0)) + " test samples";
            if (unit == ResampleUnit::ImageFolder) cell.interval += " (not by folder: " + (why.empty() ? std::string("fewer than 2 samples") : why) + ")";
        } else {
            cell.interval = "none (" + (why.empty() ? std::string("fewer than 2 samples") : why) + ")";
        }
        return cell;
    }
    const double n = static_cast<double>(evaluations.size());
    double mean = 0, ss = 0;
    for (const auto& e : evaluations) mean += e.value / n;
    for (const auto& e : evaluations) ss += (e.value - mean) * (e.value - mean);
    const double sd = std::sqrt(ss / (n - 1));
    const double half = tQuantile975(cell.seeds - 1) * sd / std::sqrt(n);
    cell.value = mean;
    cell.seedStd = sd;
    cell.seedLow = mean - half;
    cell.seedHigh = mean + half;
    // The seeds' spread says nothing about the test set's size (two seeds that agree give a t
    // interval of width 0), so the interval shown is over the test samples, of each sample's value
    // averaged over the seeds: the values the paired test compares.
    if (std::string why; !intervalOverSamples(cell, evaluations, metric, unit, why)) {
        cell.low = cell.seedLow;
        cell.high = cell.seedHigh;
        cell.intervalOverSeeds = true;
        cell.interval = "t over " + std::to_string(cell.seeds) + " seeds (no interval over test samples: " +
                        (why.empty() ? "fewer than 2 samples" : why) + ")";
    }
    return cell;
}

std::uint64_t seedOf(const nlohmann::json& result) {
    if (result.contains("eval") && result["eval"].is_object() && result["eval"].contains("seed") && result["eval"]["seed"].is_number_unsigned())
        return result["eval"]["seed"].get<std::uint64_t>();
    return 0;
}

}  // namespace

nlohmann::json readEvaluationResult(const std::string& folder) {
    const std::filesystem::path file = std::filesystem::path(folder) / "result.json";
    nlohmann::json r;
    try {
        r = nlohmann::json::parse(readWholeFile(file));
    } catch (const nlohmann::json::exception& e) {
        throw FraError(file.string() + ": " + e.what());
    }
    if (!r.is_object()) throw FraError(file.string() + ": not a JSON object");
    r["folder"] = folder;
    return r;
}

ComparisonTable ComparisonTable::fromResults(const std::vector<nlohmann::json>& results, const std::string& against, ResampleUnit unit) {
    ComparisonTable t;
    t.unit_ = unit;
    std::map<std::string, std::size_t> columnIndex, rowIndex;
    auto rowFor = [&](const std::string& model, bool reference) -> Row& {
        const std::string key = (reference ? "~ref~" : "") + model;
        auto it = rowIndex.find(key);
        if (it == rowIndex.end()) {
            it = rowIndex.emplace(key, t.rows_.size()).first;
            t.rows_.push_back({model, reference, {}, {}});
        }
        return t.rows_[it->second];
    };
    std::map<std::pair<std::string, std::size_t>, std::vector<Evaluation>> cells;  // (model, column) -> its evaluations (seeds)
    std::vector<std::string> modelOrder;
    std::set<std::string> seenFolders;  // one evaluation found twice (overlapping folders scanned) counts once
    for (const auto& r : results) {
        if (const std::string folder = r.value("folder", ""); !folder.empty()) {
            std::error_code ec;
            const auto canonical = std::filesystem::weakly_canonical(folder, ec);
            if (!seenFolders.insert(ec ? folder : canonical.string()).second) continue;
        }
        for (const auto& metric : metricsFor(r)) {
            Column c;
            c.dataset = datasetName(r);
            c.format = r.value("format", "");
            c.protocol = r.value("protocol", "");
            c.metric = metric;
            c.id = c.dataset + "/" + c.protocol + "/" + metric;
            c.higherIsBetter = metric.find("nme") == std::string::npos && metric.rfind("fr@", 0) != 0;
            c.percent = metric.rfind("auc@", 0) != 0;
            if (!columnIndex.count(c.id)) {
                columnIndex[c.id] = t.columns_.size();
                t.columns_.push_back(c);
            }
            if (!r.at("metrics").contains(metric) || !r.at("metrics").at(metric).is_number()) continue;
            const double value = r.at("metrics").at(metric).get<double>();
            if (!std::isfinite(value)) continue;
            Evaluation e;
            e.value = value;
            if (r.contains("intervals") && r["intervals"].is_object() && r["intervals"].contains(metric)) e.interval = r["intervals"][metric];
            e.folder = r.value("folder", "");
            e.seed = seedOf(r);
            std::string model = r.value("model_name", r.value("model", "?"));
            // the same model and column again: another evaluation seed, or else another evaluation
            // altogether (a read-out at another temperature), which gets a row of its own
            const auto& group = cells[{model, columnIndex[c.id]}];
            if (std::any_of(group.begin(), group.end(), [&](const Evaluation& other) { return other.seed == e.seed; }))
                model += " (" + std::filesystem::path(e.folder).filename().string() + ")";
            if (std::find(modelOrder.begin(), modelOrder.end(), model) == modelOrder.end()) modelOrder.push_back(model);
            cells[{model, columnIndex[c.id]}].push_back(std::move(e));
        }
    }
    for (const auto& model : modelOrder) rowFor(model, false);
    // reference rows: the paper's fine-tuning numbers, under every column of a matching benchmark
    for (std::size_t ci = 0; ci < t.columns_.size(); ++ci) {
        for (const auto& ref : kPaper) {
            if (t.columns_[ci].format != ref.format || t.columns_[ci].metric != ref.metric) continue;
            rowFor("FRA (paper: R50, VGGFace2, fine-tuned)", true);
            if (ref.byol >= 0) rowFor("BYOL (paper: R50, VGGFace2, fine-tuned)", true);
        }
    }
    for (auto& row : t.rows_) {
        row.values.assign(t.columns_.size(), std::nullopt);
        row.cells.assign(t.columns_.size(), std::nullopt);
    }
    for (const auto& [key, evaluations] : cells) {
        Row& row = t.rows_[rowIndex[key.first]];
        row.cells[key.second] = summarise(evaluations, t.columns_[key.second].metric, unit);
        row.values[key.second] = row.cells[key.second]->value;
    }
    for (std::size_t ci = 0; ci < t.columns_.size(); ++ci)
        for (const auto& ref : kPaper) {
            if (t.columns_[ci].format != ref.format || t.columns_[ci].metric != ref.metric) continue;
            t.rows_[rowIndex["~ref~FRA (paper: R50, VGGFace2, fine-tuned)"]].values[ci] = ref.fra;
            if (ref.byol >= 0) t.rows_[rowIndex["~ref~BYOL (paper: R50, VGGFace2, fine-tuned)"]].values[ci] = ref.byol;
        }
    // each column's comparison row (`against`, else the best) against every other row, on the same test samples
    t.comparedWith_.assign(t.columns_.size(), std::nullopt);
    if (const auto it = rowIndex.find(against); !against.empty() && it != rowIndex.end()) t.against_ = against;
    for (std::size_t ci = 0; ci < t.columns_.size(); ++ci) {
        auto bestRow = t.best(ci);
        if (const auto it = rowIndex.find(against); !against.empty() && it != rowIndex.end() && t.rows_[it->second].cells[ci])
            bestRow = it->second;
        if (!bestRow) continue;
        t.comparedWith_[ci] = bestRow;
        const std::string& metric = t.columns_[ci].metric;
        const auto& bestEvaluations = cells[{t.rows_[*bestRow].model, ci}];
        std::string bestWhy;
        const auto bestValues = pairingValues(bestEvaluations, metric, bestWhy);
        for (std::size_t ri = 0; ri < t.rows_.size(); ++ri) {
            Row& row = t.rows_[ri];
            if (ri == *bestRow || row.reference || !row.cells[ci]) continue;
            Cell& cell = *row.cells[ci];
            std::string why;
            const auto values = pairingValues(cells[{row.model, ci}], metric, why);
            if (!bestValues || !values) {
                cell.test = "none (" + (bestValues ? why : bestWhy) + ")";
                continue;
            }
            if (values->keys != bestValues->keys) {
                cell.test = "none (different test samples)";
                continue;
            }
            if (values->values.size() < 2) {
                cell.test = "none (fewer than 2 samples)";
                continue;
            }
            const auto clusters = clustersOf(*values, unit);
            if (!clusters.empty()) {
                if (distinctCount(clusters) < 2) {
                    cell.test = "none (all test samples in one folder)";
                    continue;
                }
                const SignFlipTest flip = clusterSignFlipTest(bestValues->values, values->values, clusters);
                cell.pValue = flip.pValue;
                cell.test = "cluster sign-flip test (" + std::to_string(flip.clusters) + " image folders, " +
                            (flip.exact ? "exact" : std::to_string(flip.patterns) + " random sign patterns") + ")";
            } else if (metric == "top1" && cell.seeds == 1 && bestEvaluations.size() == 1) {
                std::vector<bool> a, b;
                for (const double v : bestValues->values) a.push_back(v >= 0.5);
                for (const double v : values->values) b.push_back(v >= 0.5);
                cell.pValue = mcnemarExact(a, b).pValue;
                cell.test = "McNemar (exact)";
            } else {
                cell.pValue = pairedBootstrap(bestValues->values, values->values).pValue;
                cell.test = "paired bootstrap";
            }
        }
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

namespace {

// "[low, high]", marked (t) where it is the seeds' t interval
std::string intervalText(const ComparisonTable::Cell& cell, bool percent) {
    if (!cell.low || !cell.high) return "";
    return "[" + format(*cell.low, percent) + ", " + format(*cell.high, percent) + "]" + (cell.intervalOverSeeds ? " (t)" : "");
}

std::string latexEscaped(const std::string& s) {
    std::string out;
    for (const char ch : s) {
        switch (ch) {
            case '\\': out += "\\textbackslash{}"; break;
            case '~': out += "\\textasciitilde{}"; break;
            case '^': out += "\\textasciicircum{}"; break;
            case '&': case '%': case '$': case '#': case '_': case '{': case '}':
                out += '\\';
                out += ch;
                break;
            default: out += ch;
        }
    }
    return out;
}

bool anyStatistics(const std::vector<ComparisonTable::Row>& rows) {
    for (const auto& row : rows)
        for (const auto& cell : row.cells)
            if (cell && (cell->low || cell->pValue)) return true;
    return false;
}

}  // namespace

std::string ComparisonTable::legend() const {
    const std::string against = against_.empty() ? "the column's best" : against_ + " (the column's best where it has no value)";
    const bool byFolder = unit_ == ResampleUnit::ImageFolder;
    const std::string unit = byFolder ? "image folders" : "test samples";
    const std::string tests = byFolder ? "the paired sign-flip test over image folders, exact up to 20 folders (with F folders the smallest "
                                         "p-value is 2 / 2^F), 9,999 random sign patterns beyond"
                                       : "exact McNemar test for top-1 of one seed each, otherwise the paired bootstrap on the same test samples";
    return std::string(byFolder ? "By image folder: the faces of one folder, as the frames of one video, count as one draw. " : "") +
           "Values: the metric over the test samples with its 95 % interval: BCa bootstrap over the " + unit +
           " (9,999 resamples, percentile where BCa is undefined" + (byFolder ? "; rough with few folders" : "") +
           "); \u00d7N: the mean of N evaluation seeds, its interval over the " + unit +
           " of each sample's value averaged over the seeds (marked (t): the t interval over the seeds, where the evaluations kept no "
           "per-sample outcomes), sd: the standard deviation over the seeds (their t interval is in the CSV and JSON). Bold: the "
           "column's best. \u2020: differs from " + against + " at p < 0.05 (" + tests +
           "); without \u2020 the data cannot tell the value from it.";
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
            out << ' ' << (isBest ? "**" + text + "**" : rows_[r].reference ? "*" + text + "*" : text);
            if (const auto& cell = rows_[r].cells[c]) {
                if (cell->seeds > 1) out << " \u00d7" << cell->seeds;
                if (cell->low) out << ' ' << intervalText(*cell, columns_[c].percent);
                if (cell->seedStd) out << " sd " << format(*cell->seedStd, columns_[c].percent);
                if (cell->significant()) out << " \u2020";
            }
            out << " |";
        }
        out << '\n';
    }
    if (anyStatistics(rows_)) out << '\n' << legend() << '\n';
    return out.str();
}

std::string ComparisonTable::csv() const {
    std::vector<std::string> header = {"model", "reference"};
    for (const auto& c : columns_)
        for (const char* suffix : {"", " low", " high", " seeds", " seed sd", " seed low", " seed high", " p", " test"}) header.push_back(c.id + suffix);
    std::string out = csvRecord(header);
    const auto number = [](const std::optional<double>& v) {
        std::ostringstream s;
        if (v) s << *v;
        return s.str();
    };
    for (const auto& row : rows_) {
        std::vector<std::string> fields = {row.model, row.reference ? "1" : "0"};
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            const auto& cell = row.cells[c];
            fields.push_back(number(row.values[c]));
            fields.push_back(cell ? number(cell->low) : "");
            fields.push_back(cell ? number(cell->high) : "");
            fields.push_back(cell ? std::to_string(cell->seeds) : "");
            fields.push_back(cell ? number(cell->seedStd) : "");
            fields.push_back(cell ? number(cell->seedLow) : "");
            fields.push_back(cell ? number(cell->seedHigh) : "");
            fields.push_back(cell ? number(cell->pValue) : "");
            fields.push_back(cell ? cell->test : "");
        }
        out += csvRecord(fields);
    }
    std::vector<std::string> best = {"best", ""}, tested = {"tested against", ""};
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        const auto b = this->best(c);
        best.push_back(b ? rows_[*b].model : "");
        best.insert(best.end(), 8, "");
        tested.push_back(comparedWith_[c] ? rows_[*comparedWith_[c]].model : "");
        tested.insert(tested.end(), 8, "");
    }
    return out + csvRecord(best) + csvRecord(tested);
}

std::string ComparisonTable::latex() const {
    std::ostringstream out;
    out << "% \\usepackage{booktabs}\n\\begin{tabular}{l" << std::string(columns_.size(), 'r') << "}\n\\toprule\nmodel";
    for (const auto& c : columns_)
        out << " & " << latexEscaped(c.dataset + " " + c.protocol + " " + c.metric) << (c.percent ? " (\\%)" : "")
            << (c.higherIsBetter ? " $\\uparrow$" : " $\\downarrow$");
    out << " \\\\\n\\midrule\n";
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        out << (rows_[r].reference ? "\\textit{" + latexEscaped(rows_[r].model) + "}" : latexEscaped(rows_[r].model));
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            out << " & ";
            const auto& v = rows_[r].values[c];
            if (!v) continue;
            const std::string text = format(*v, columns_[c].percent);
            out << (best(c) == r ? "\\textbf{" + text + "}" : rows_[r].reference ? "\\textit{" + text + "}" : text);
            if (const auto& cell = rows_[r].cells[c]) {
                if (cell->significant()) out << "$^\\dagger$";
                if (cell->seeds > 1) out << "$_{\\times" << cell->seeds << "}$";
                if (cell->low) out << " {\\scriptsize " << intervalText(*cell, columns_[c].percent) << "}";
                if (cell->seedStd) out << " {\\scriptsize sd " << format(*cell->seedStd, columns_[c].percent) << "}";
            }
        }
        out << " \\\\\n";
    }
    out << "\\bottomrule\n\\end{tabular}\n";
    if (anyStatistics(rows_)) out << "% " << legend() << "\n";
    return out.str();
}

nlohmann::json ComparisonTable::json() const {
    nlohmann::json cols = nlohmann::json::array(), rows = nlohmann::json::array();
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        const auto b = best(c);
        cols.push_back({{"id", columns_[c].id}, {"dataset", columns_[c].dataset}, {"protocol", columns_[c].protocol},
                        {"metric", columns_[c].metric}, {"higher_is_better", columns_[c].higherIsBetter},
                        {"best", b ? nlohmann::json(rows_[*b].model) : nlohmann::json()},
                        {"tested_against", comparedWith_[c] ? nlohmann::json(rows_[*comparedWith_[c]].model) : nlohmann::json()}});
    }
    for (const auto& row : rows_) {
        nlohmann::json values = nlohmann::json::object(), statistics = nlohmann::json::object();
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            if (row.values[c]) values[columns_[c].id] = *row.values[c];
            if (const auto& cell = row.cells[c]) {
                nlohmann::json s{{"seeds", cell->seeds}, {"interval", cell->interval}};
                if (cell->low) s["low"] = *cell->low, s["high"] = *cell->high;
                if (cell->seedStd) s["seed_sd"] = *cell->seedStd;
                if (cell->seedLow) s["seed_low"] = *cell->seedLow, s["seed_high"] = *cell->seedHigh;
                if (cell->pValue) s["p"] = *cell->pValue, s["significant"] = cell->significant();
                if (!cell->test.empty()) s["test"] = cell->test;
                statistics[columns_[c].id] = s;
            }
        }
        rows.push_back({{"model", row.model}, {"reference", row.reference}, {"values", values}, {"statistics", statistics}});
    }
    return {{"columns", cols}, {"rows", rows}, {"resampled", unit_ == ResampleUnit::ImageFolder ? "image folders" : "test samples"}};
}

}  // namespace fra
